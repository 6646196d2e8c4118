import { h, describeClaimant, sourceLink, publishedDay, validTimeText, propositionText, humanize } from './api.js';

/** One contested proposition as a side-by-side panel: the asserting claims beside the denying ones. */
export function contestPanel(contradiction, { headingLevel = 3, showPerson = false } = {}) {
  const reversed = new Set(contradiction.reversals.flatMap(r => [r.before.id, r.after.id]));
  const heading = h(`h${headingLevel}`, { id: `contest-${cssId(contradiction.id)}` },
    showPerson ? h('a', { href: `/people/${encodeURIComponent(contradiction.personId)}` }, contradiction.personId) : null,
    showPerson ? ': ' : null,
    propositionText(contradiction.proposition), ' ',
    h('span', { class: `badge ${contradiction.state}` }, contradiction.state));
  const kind = contradiction.kind === 'valueConflict' ? 'the sources give different dates or values' : 'one side asserts, the other denies';
  return h('article', { class: 'contest', 'aria-labelledby': `contest-${cssId(contradiction.id)}`, 'data-proposition': contradiction.id },
    heading,
    h('p', { class: 'muted' }, `Contested on the record since ${contradiction.contestedSince?.slice(0, 10) ?? 'an unknown day'}: ${kind}.`),
    contradiction.reversals.length
      ? h('ul', { class: 'reversals' }, contradiction.reversals.map(r => h('li', {},
          h('span', { class: 'badge reversal' }, 'reversal'), ` ${r.claimant} ${r.before.stance === 'asserts' ? 'asserted' : 'denied'} this, then ${r.after.stance === 'asserts' ? 'asserted' : 'denied'} it.`)))
      : null,
    h('div', { class: 'contested' }, contradiction.sides.map(side => sidePanel(side, reversed))));
}

function sidePanel(side, reversed) {
  const label = side.stance === 'asserts' ? 'Asserting' : 'Denying';
  const detail = [side.value ? `value ${side.value}` : null, side.end ? `ends ${side.end}` : null].filter(Boolean).join(', ');
  return h('section', { class: `side ${side.stance}`, 'aria-label': `${label} claims${detail ? ` (${detail})` : ''}` },
    h('h4', {}, label, detail ? ` — ${detail}` : '', ` (${side.claims.length})`),
    h('ul', { class: 'claims' }, side.claims.map(c => claimItem(c, reversed.has(c.id)))));
}

/** The ruling to show: the decisive one (the latest true or false), and the latest when it came after and says otherwise. */
export function rulingText(latest, decisive) {
  if (!latest) return null;
  return decisive && decisive !== latest ? `ruled ${decisive} (latest: ${latest})` : `ruled ${latest}`;
}

/** A newer version of the claim's structured source no longer states it, and none has stated it again since. */
export function isNoLongerStated(claim) {
  const dropped = claim.noLongerStated, again = claim.statedAgain;
  return !!dropped && !(again && Date.parse(again.newerPublishedAt) > Date.parse(dropped.newerPublishedAt));
}

export function claimItem(claim, isReversal = false) {
  const verdicts = (claim.rulings ?? []).map(r => r.verdict);
  const ruling = rulingText(verdicts.at(-1), verdicts.findLast(v => v === 'true' || v === 'false'));
  return h('li', { class: 'claim', 'data-claim': claim.id },
    h('strong', {}, claim.attribution.claimant.name),
    claim.attribution.claimant.role ? `, ${claim.attribution.claimant.role}` : '',
    isReversal ? h('span', { class: 'badge reversal' }, ' reversal') : null,
    claim.isRetracted ? h('span', { class: 'badge' }, ' retracted') : null,
    isNoLongerStated(claim) ? h('span', { class: 'badge' }, ` no longer stated (${claim.noLongerStated.newerPublishedAt.slice(0, 10)} version)`) : null,
    ruling ? h('span', { class: 'badge' }, ` ${ruling}`) : null,
    h('br'),
    h('span', { class: 'muted' }, `${humanize(claim.type)} · ${claim.attribution.source.publisher}, published ${publishedDay(claim)} · about ${validTimeText(claim.validTime)}`),
    h('blockquote', {}, `“${claim.attribution.quote}”`),
    h('span', {}, 'Source: ', sourceLink(claim)),
    h('span', { class: 'visually-hidden' }, ` Claimant: ${describeClaimant(claim.attribution.claimant)}.`));
}

export const cssId = text => text.replace(/[^a-zA-Z0-9_-]/g, '_');
