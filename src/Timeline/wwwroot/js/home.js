import { getJson, h } from './api.js';

const form = document.getElementById('search');
const input = document.getElementById('q');
const status = document.getElementById('search-status');
const list = document.getElementById('people');

async function search(q) {
  const found = await getJson(`/api/people${q ? `?q=${encodeURIComponent(q)}` : ''}`);
  list.replaceChildren(...found.items.map(p => h('li', {},
    h('a', { href: `/people/${encodeURIComponent(p.id)}` }, p.name),
    p.aliases.length ? h('span', { class: 'muted' }, ` also known as ${p.aliases.join(', ')}`) : null)));
  status.textContent = q ? `${found.count} found for “${q}”.` : `${found.count} people on record.`;
}

form.addEventListener('submit', event => {
  event.preventDefault();
  const q = input.value.trim();
  history.replaceState(null, '', q ? `/?q=${encodeURIComponent(q)}` : '/');
  search(q).catch(e => { status.textContent = `Search failed: ${e.message}`; });
});

async function openCount() {
  const open = await getJson('/api/contradictions?state=open');
  document.getElementById('open-count').textContent = open.count;
}

async function recentChanges() {
  // The feed is oldest first; page to its end and keep the last few.
  let after = 0, last = [];
  for (;;) {
    const page = await getJson(`/api/changes?after=${after}&limit=1000`);
    if (page.items.length) last = [...last, ...page.items].slice(-15);
    if (page.items.length < 1000) break;
    after = page.next;
  }
  const kinds = { 'person-registered': 'person registered', 'claim-appended': 'claim appended', 'claim-ruled': 'claim ruled', 'claim-retracted': 'claim retracted', 'claim-amended': 'claim amended' };
  document.getElementById('changes').replaceChildren(...last.reverse().map(c => h('li', {},
    h('time', { datetime: c.recordedAt }, c.recordedAt.slice(0, 19).replace('T', ' ')), ' · ',
    kinds[c.kind] ?? c.kind, ' · ',
    h('a', { href: `/people/${encodeURIComponent(c.person)}` }, c.person))));
}

const initial = new URLSearchParams(location.search).get('q') ?? '';
input.value = initial;
search(initial).catch(e => { status.textContent = `Search failed: ${e.message}`; });
openCount().catch(() => { document.getElementById('open-count').textContent = 'unavailable'; });
recentChanges().catch(e => { document.getElementById('changes').replaceChildren(h('li', {}, `Changes unavailable: ${e.message}`)); });
