import { getJson, h, NotFound, propositionText } from './api.js';

const id = decodeURIComponent(location.pathname.split('/')[2] ?? '');

// Quotes are checked against the text with runs of white space folded, so matching folds them too.
function findQuote(text, quote) {
  const pattern = quote.trim().split(/\s+/).map(w => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+');
  const match = new RegExp(pattern).exec(text);
  return match ? { start: match.index, end: match.index + match[0].length } : null;
}

async function load() {
  let source;
  try {
    source = await getJson(`/api/sources/${encodeURIComponent(id)}`);
  } catch (error) {
    document.getElementById('title').textContent = error instanceof NotFound ? `No source “${id}”` : `Could not load the source: ${error.message}`;
    return;
  }
  document.title = `${source.title} · Timeline`;
  document.getElementById('title').textContent = source.title;
  document.getElementById('byline').replaceChildren(
    `${source.publisher}${source.author ? `, ${source.author}` : ''}, published `,
    h('time', { datetime: source.publishedAt }, source.publishedAt.slice(0, 10)), ' · ',
    h('a', { href: source.url, rel: 'noreferrer' }, 'original'));

  const claims = [];
  for (let after = null; ;) {
    const page = await getJson(`/api/claims?source=${encodeURIComponent(id)}&limit=1000${after ? `&after=${after}` : ''}`);
    claims.push(...page.items);
    if (page.next === null || page.items.length === 0) break;
    after = page.next;
  }

  // Several claims may quote overlapping passages; each passage is highlighted once and links to every claim on it.
  const spans = [];
  for (const claim of claims) {
    const found = findQuote(source.text, claim.attribution.quote ?? '');
    if (!found) continue;
    const overlapping = spans.find(s => found.start < s.end && s.start < found.end);
    if (overlapping) {
      overlapping.start = Math.min(overlapping.start, found.start);
      overlapping.end = Math.max(overlapping.end, found.end);
      overlapping.claims.push(claim);
    } else {
      spans.push({ ...found, claims: [claim] });
    }
  }
  spans.sort((a, b) => a.start - b.start);

  const pieces = [];
  let at = 0;
  spans.forEach((span, i) => {
    pieces.push(source.text.slice(at, span.start));
    const first = span.claims[0];
    pieces.push(h('mark', { class: 'quote', id: `passage-${i + 1}` },
      h('a', { href: `#quoted-${first.id}`, title: span.claims.map(c => `${c.attribution.claimant.name}: ${propositionText(c.proposition)}`).join('; ') },
        source.text.slice(span.start, span.end)),
      h('sup', {}, `[${i + 1}]`)));
    for (const claim of span.claims) claim.passage = i + 1;
    at = span.end;
  });
  pieces.push(source.text.slice(at));
  document.getElementById('text').replaceChildren(...pieces);
  document.getElementById('summary').textContent = `${claims.length} claims quote this source; ${spans.length} passages are highlighted.`;

  document.getElementById('quoted').replaceChildren(...claims.map(c => h('li', { id: `quoted-${c.id}` },
    h('span', { id: `claim-${c.id}` }),
    h('strong', {}, c.attribution.claimant.name), c.attribution.claimant.role ? `, ${c.attribution.claimant.role}` : '',
    ` ${c.stance} “${propositionText(c.proposition)}” about `,
    h('a', { href: `/people/${encodeURIComponent(c.personId)}#claim-${c.id}` }, c.personId),
    c.passage ? h('span', {}, ' · ', h('a', { href: `#passage-${c.passage}` }, `passage ${c.passage}`)) : ' · quote not found in the text')));

  // A link from a claim (#claim-…) lands on its passage in the text.
  const target = location.hash.startsWith('#claim-') ? claims.find(c => `#claim-${c.id}` === location.hash) : null;
  if (target?.passage) {
    const mark = document.getElementById(`passage-${target.passage}`);
    mark.classList.add('current');
    mark.scrollIntoView();
  }
}

load();
