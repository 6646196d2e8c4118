import { getJson, h } from './api.js';
import { contestPanel } from './contest.js';

const state = document.getElementById('feed-state');
const detail = document.getElementById('feed-detail');
const board = document.getElementById('dashboard');
let source = null;
let cursor = 0;
let lostAt = null;
let refreshing = null;

async function refresh() {
  const open = await getJson('/api/contradictions?state=open');
  document.getElementById('open-count').textContent = open.count;
  board.replaceChildren(...(open.items.length
    ? open.items.map(c => contestPanel(c, { headingLevel: 2, showPerson: true }))
    : [h('p', {}, 'No open contradictions.')]));
}

// Changes arrive in bursts (a seed, an import); one re-read answers a burst.
function refreshSoon() {
  refreshing ??= new Promise(resolve => setTimeout(resolve, 150)).then(refresh).finally(() => { refreshing = null; });
}

async function head() {
  let after = 0;
  for (;;) {
    const page = await getJson(`/api/changes?after=${after}&limit=1000`);
    if (page.items.length < 1000) return page.next;
    after = page.next;
  }
}

function connect() {
  source = new EventSource(`/api/changes/stream?after=${cursor}`);
  source.addEventListener('open', () => {
    if (lostAt) {
      state.textContent = 'live (reconnected)';
      detail.textContent = `Reconnected at ${new Date().toLocaleTimeString()} after losing the feed at ${lostAt}; caught up from change ${cursor}.`;
      lostAt = null;
      refreshSoon();
    } else {
      state.textContent = 'live';
    }
  });
  source.addEventListener('change', event => {
    cursor = Number(event.lastEventId) || cursor;
    const change = JSON.parse(event.data);
    detail.textContent = `Last change ${change.id}: ${change.kind.replace('-', ' ')} for ${change.person}.`;
    if (change.kind !== 'person-registered') refreshSoon();
  });
  // The server cut this client off for falling behind: start again from the present.
  source.addEventListener('too-far-behind', async () => {
    source.close();
    state.textContent = 'fell behind — catching up';
    detail.textContent = `The feed dropped this page for falling behind at ${new Date().toLocaleTimeString()}; reloaded the list.`;
    lostAt = new Date().toLocaleTimeString();
    await start();
  });
  // EventSource retries by itself and resumes with Last-Event-ID.
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) { setTimeout(() => start(), 3000); }
    if (!lostAt) lostAt = new Date().toLocaleTimeString();
    state.textContent = 'reconnecting…';
    detail.textContent = `Lost the live feed at ${lostAt}; retrying.`;
  });
}

async function start() {
  try {
    cursor = await head();
    await refresh();
    connect();
  } catch (error) {
    state.textContent = 'offline';
    detail.textContent = `Could not reach the service (${error.message}); retrying.`;
    setTimeout(start, 5000);
  }
}

start();
