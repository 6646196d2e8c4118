import { getJson, h, NotFound, period, validTimeText, propositionText, humanize, describeClaimant, sourceLink, publishedDay } from './api.js';
import { contestPanel, rulingText } from './contest.js';

const id = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const form = document.getElementById('clocks');
const fields = ['validAt', 'reportedAt', 'recordedAt'];
const message = document.getElementById('message');

// recordedAt travels as an ISO instant; the datetime-local field shows it in UTC, as its hint says.
const toField = { recordedAt: iso => { const t = new Date(iso); return isNaN(t) ? '' : t.toISOString().slice(0, 19); } };
const fromField = { recordedAt: value => value ? new Date(`${value.length === 16 ? `${value}:00` : value}Z`).toISOString() : '' };

function readUrl() {
  const params = new URLSearchParams(location.search);
  for (const name of fields) {
    const value = params.get(name) ?? '';
    form.elements[name].value = value && toField[name] ? toField[name](value) : value;
  }
  return params;
}

function formQuery() {
  const params = new URLSearchParams();
  for (const name of fields) {
    const raw = form.elements[name].value;
    const value = raw && fromField[name] ? fromField[name](raw) : raw;
    if (value) params.set(name, value);
  }
  return params;
}

async function apply() {
  const params = formQuery();
  const url = `${location.pathname}${params.size ? `?${params}` : ''}`;
  if (url !== location.pathname + location.search) history.pushState(null, '', url);
  await load(params);
}

form.addEventListener('submit', event => { event.preventDefault(); apply(); });
for (const name of fields) form.elements[name].addEventListener('change', () => apply());
document.getElementById('reset').addEventListener('click', () => { for (const name of fields) form.elements[name].value = ''; apply(); });
window.addEventListener('popstate', () => load(readUrl()));

async function load(params) {
  const query = params.size ? `?${params}` : '';
  message.textContent = 'Loading…';
  document.body.setAttribute('aria-busy', 'true');
  try {
    const [status, timeline] = await Promise.all([
      getJson(`/api/people/${encodeURIComponent(id)}${query}`),
      getJson(`/api/people/${encodeURIComponent(id)}/timeline${query}`),
    ]);
    render(status, timeline, params);
    message.textContent = describeClocks(params);
  } catch (error) {
    clear();
    if (error instanceof NotFound) document.getElementById('name').textContent = await currentName();
    message.textContent = error instanceof NotFound
      ? (params.get('recordedAt') ? `Nothing about “${id}” was on record at ${params.get('recordedAt')}.` : `No person “${id}” is on record.`)
      : `Could not load: ${error.message}`;
  } finally {
    document.body.removeAttribute('aria-busy');
  }
}

// The clocks may predate the person; the heading still says whom the page is about.
async function currentName() {
  try { return (await getJson(`/api/people/${encodeURIComponent(id)}`)).name; } catch { return id; }
}

function describeClocks(params) {
  const parts = [];
  if (params.get('validAt')) parts.push(`as things stood on ${params.get('validAt')}`);
  if (params.get('reportedAt')) parts.push(`as reported by ${params.get('reportedAt')}`);
  if (params.get('recordedAt')) parts.push(`as recorded on ${params.get('recordedAt')}`);
  return parts.length ? `Showing the record ${parts.join(', ')}.` : 'Showing the record as it stands today.';
}

function clear() {
  document.getElementById('status-line').textContent = '';
  for (const target of ['chart', 'tenures', 'contests', 'claims']) document.getElementById(target).replaceChildren();
}

function render(status, timeline, params) {
  document.title = `${status.name} · Timeline`;
  document.getElementById('name').textContent = status.name;
  document.getElementById('status-line').textContent = status.statusLine;
  const rows = careerRows(status);
  const conflicts = valueConflicts(status.contradictions, rows);
  document.getElementById('chart').replaceChildren(...chart(rows, conflicts, timeline.entries, params));
  document.getElementById('tenures').replaceChildren(tenureList(rows, conflicts));
  const contests = status.contradictions;
  document.getElementById('contests').replaceChildren(...(contests.length
    ? contests.map(c => contestPanel(c))
    : [h('p', {}, 'No contested propositions in this view.')]));
  document.getElementById('claims').replaceChildren(claimTable(timeline.entries, status.undatedClaimsSetAside));
}

function careerRows(status) {
  const today = status.validAt ?? (status.recordedAt ?? new Date().toISOString()).slice(0, 10);
  const office = (t, held) => ({ kind: 'office', label: t.office, detail: t.organization, since: t.since, sinceAtLatest: t.sinceAtLatest,
    until: t.until, held, endCause: t.endCause, scheduledEnd: t.scheduledEnd, pending: t.pending, claimIds: t.claimIds, today });
  return [
    ...status.offices.map(t => office(t, true)),
    ...status.formerOffices.map(t => office(t, false)),
    ...status.parties.map(p => ({ kind: 'party', label: `Member of ${p.party}`, since: p.since, until: p.until, held: true, claimIds: p.claimIds, today })),
    ...(status.formerParties ?? []).map(p => ({ kind: 'party', label: `Former member of ${p.party}`, since: p.since, until: p.until, held: false, claimIds: p.claimIds, today })),
    ...status.partyRoles.map(r => ({ kind: 'role', label: `${r.role}, ${r.party}`, since: r.since, until: r.until, held: true, claimIds: r.claimIds, today })),
    ...status.formerPartyRoles.map(r => ({ kind: 'role', label: `Former ${r.role}, ${r.party}`, since: r.since, until: r.until, held: false, claimIds: r.claimIds, today })),
  ];
}

/** Value conflicts (two starts or two ends) drawn on the bar whose claims they involve. */
function valueConflicts(contradictions, rows) {
  const found = new Map();
  for (const c of contradictions.filter(c => c.kind === 'valueConflict')) {
    const ids = new Set(c.sides.flatMap(s => s.claims.map(x => x.id)));
    // Each term of an office is a row of its own; each is marked with the disagreement among its own claims only.
    for (const row of rows.filter(r => r.claimIds.some(x => ids.has(x)))) {
    const cited = new Set(row.claimIds);
    const sides = c.sides.map(s => ({ ...s, claims: s.claims.filter(x => cited.has(x.id)) })).filter(s => s.claims.length > 0);
    const starts = new Set(sides.map(s => s.value).filter(Boolean));
    const ends = new Set(sides.map(s => s.end).filter(Boolean));
    const marks = sides.flatMap(s => [
      s.value && starts.size > 1 ? { what: 'start', date: s.value, claimants: s.claims.map(x => x.attribution.claimant.name) } : null,
      s.end && ends.size > 1 ? { what: 'end', date: s.end, claimants: s.claims.map(x => x.attribution.claimant.name) } : null,
    ]).filter(Boolean);
    if (marks.length > 0) found.set(row, [...(found.get(row) ?? []), ...marks]);
    }
  }
  return found;
}

const colours = { office: 'var(--office)', party: 'var(--party)', role: 'var(--role)' };

function chart(rows, conflicts, entries, params) {
  const dated = entries.filter(e => e.claim.validTime);
  const instants = [
    ...rows.flatMap(r => [r.since, r.sinceAtLatest, r.until, r.scheduledEnd]).filter(Boolean).flatMap(d => [period(d).from, period(d).to]),
    ...dated.flatMap(e => [period(e.claim.validTime.from)?.from, period(e.claim.validTime.to)?.to]).filter(Boolean),
    ...[...conflicts.values()].flat().map(m => period(m.date).from),
  ];
  const now = Date.parse(params.get('validAt') ?? rows[0]?.today ?? new Date().toISOString().slice(0, 10));
  instants.push(now);
  const startYear = new Date(Math.min(...instants)).getUTCFullYear() - 1;
  const endYear = new Date(Math.max(...instants)).getUTCFullYear() + 1;
  const t0 = Date.UTC(startYear, 0, 1), t1 = Date.UTC(endYear + 1, 0, 1);
  const left = 260, width = 720, rowHeight = 34, top = 30;
  const x = t => left + ((t - t0) / (t1 - t0)) * width;
  const height = top + (rows.length + 1) * rowHeight + 30;

  const gradient = (name, colour, fadeIn) => h('linearGradient', { id: `${name}`, x1: 0, x2: 1, y1: 0, y2: 0 },
    h('stop', { offset: 0, 'stop-color': colour, 'stop-opacity': fadeIn ? 0.05 : 1 }),
    h('stop', { offset: 1, 'stop-color': colour, 'stop-opacity': fadeIn ? 1 : 0.05 }));
  const defs = h('defs', {}, Object.entries(colours).flatMap(([k, c]) => [gradient(`in-${k}`, c, true), gradient(`out-${k}`, c, false)]));

  const axis = [];
  const step = Math.max(1, Math.ceil((endYear - startYear) / 12));
  for (let year = startYear; year <= endYear + 1; year += step) {
    const xi = x(Date.UTC(year, 0, 1));
    axis.push(h('line', { x1: xi, x2: xi, y1: top - 8, y2: height - 24, stroke: '#d0d0d0' }),
      h('text', { x: xi, y: top - 12, 'text-anchor': 'middle', 'font-size': 11, fill: '#4a4a4a' }, year));
  }
  axis.push(h('line', { x1: x(now), x2: x(now), y1: top - 8, y2: height - 24, stroke: '#1a1a1a', 'stroke-dasharray': '2 3' }),
    h('text', { x: x(now), y: height - 10, 'text-anchor': 'middle', 'font-size': 11, fill: '#1a1a1a' }, params.get('validAt') ? 'as of' : 'today'));

  const bars = rows.map((row, i) => {
    const y = top + i * rowHeight + 6;
    const parts = [h('text', { x: 8, y: y + 15, 'font-size': 12, fill: '#1a1a1a' }, truncate(row.label, 38))];
    const start = row.since ? period(row.since) : row.sinceAtLatest ? period(row.sinceAtLatest) : null;
    const end = row.until ? period(row.until) : null;
    // Solid from when the start is certain to when the end may begin; imprecise edges fade.
    const solidFrom = start ? (row.since ? (start.precision === 'day' ? start.from : start.to) : start.to) : t0;
    const solidTo = end ? (end.precision === 'day' ? end.to : end.from) : row.held ? now : solidFrom;
    const colour = colours[row.kind];
    if (start && row.since && start.precision !== 'day') parts.push(rect(x(start.from), y, x(start.to) - x(start.from), `url(#in-${row.kind})`, `start: some time in ${row.since}`));
    if (start && !row.since) parts.push(rect(x(Math.max(t0, start.to - 3 * 365 * 864e5)), y, x(start.to) - x(Math.max(t0, start.to - 3 * 365 * 864e5)), `url(#in-${row.kind})`, `held by ${row.sinceAtLatest} at the latest; start not on record`));
    if (!start) parts.push(rect(x(t0), y, Math.max(0, x(solidTo) - x(t0)), `url(#in-${row.kind})`, 'start not on record'));
    else if (solidTo > solidFrom) parts.push(rect(x(solidFrom), y, x(solidTo) - x(solidFrom), colour, `${row.label}`));
    if (end && end.precision !== 'day') parts.push(rect(x(end.from), y, x(end.to) - x(end.from), `url(#out-${row.kind})`, `ended some time in ${row.until}`));
    if (!end && row.held) parts.push(h('polygon', { points: `${x(now)},${y} ${x(now) + 8},${y + 9} ${x(now)},${y + 18}`, fill: colour }, h('title', {}, 'still held on the day shown')));
    // A pending resignation is written inside a long bar, else beside it.
    if (row.pending) {
      const inside = x(solidTo) - x(solidFrom) > 230;
      parts.push(h('text', { x: inside ? x(solidFrom) + 6 : x(solidTo) + 12, y: y + 13, 'font-size': 11, 'font-weight': 600, fill: inside ? '#fff' : '#a1261c' }, row.pending));
    }
    for (const mark of conflicts.get(row) ?? []) {
      const p = period(mark.date);
      parts.push(h('rect', { x: x(p.from), y: y - 4, width: Math.max(3, x(p.to) - x(p.from)), height: 26, fill: 'none', stroke: '#a1261c', 'stroke-width': 2, 'stroke-dasharray': '4 2', class: 'conflict' },
        h('title', {}, `${mark.what} ${mark.date} according to ${mark.claimants.join(', ')}`)));
    }
    return h('g', { class: `bar ${row.kind}` }, parts);
  });

  const claimY = top + rows.length * rowHeight + 10;
  const seen = new Map();
  const marks = dated.map(e => {
    const p = period(e.claim.validTime.from);
    const cx = x(p.from);
    const stack = seen.get(Math.round(cx)) ?? 0;
    seen.set(Math.round(cx), stack + 1);
    return h('circle', { cx, cy: claimY + 6, r: 5 + stack * 2.5, fill: 'none', stroke: e.claim.stance === 'asserts' ? '#1d6b32' : '#a1261c', 'stroke-width': 2, class: `claim-mark ${e.claim.stance}` },
      h('title', {}, `${validTimeText(e.claim.validTime)}: ${e.claim.attribution.claimant.name} ${e.claim.stance} “${propositionText(e.claim.proposition)}”`));
  });
  const claimLabel = h('text', { x: 8, y: claimY + 10, 'font-size': 12, fill: '#1a1a1a' }, `Claims (${dated.length} dated)`);

  const summary = rows.map(r => `${r.label}: ${span(r)}`).join('; ');
  const svg = h('svg', { viewBox: `0 0 ${left + width + 20} ${height}`, role: 'img', 'aria-labelledby': 'chart-title chart-desc' },
    h('title', { id: 'chart-title' }, 'Career on a valid-time axis'),
    h('desc', { id: 'chart-desc' }, summary || 'No offices or memberships on record.'),
    defs, ...axis, ...bars, claimLabel, ...marks);
  return [svg, h('figcaption', {}, `Years ${startYear}–${endYear}. Faded edges mean only the year or month is known; a dashed red box marks a date the sources disagree on.`)];
}

const rect = (rx, ry, w, fill, title) => h('rect', { x: rx, y: ry, width: Math.max(1, w), height: 18, fill, rx: 2 }, h('title', {}, title));
const truncate = (text, n) => text.length > n ? `${text.slice(0, n - 1)}…` : text;

function span(row) {
  const from = row.since ? `from ${row.since}` : row.sinceAtLatest ? `since ${row.sinceAtLatest} at the latest` : 'start not on record';
  const to = row.until ? `until ${row.until}${row.endCause && row.endCause !== 'unstated' ? ` (${humanize(row.endCause)})` : ''}` : row.held ? 'still held' : 'ended';
  return `${from}, ${to}`;
}

function tenureList(rows, conflicts) {
  if (!rows.length) return h('p', {}, 'No offices or party memberships on record in this view.');
  return h('ul', { class: 'tenures' }, rows.map(r => h('li', {},
    h('strong', {}, r.label), r.detail ? ` (${r.detail})` : '', `: ${span(r)}`,
    r.scheduledEnd ? `; term scheduled to end ${r.scheduledEnd}` : '',
    r.pending ? h('span', { class: 'badge open' }, ` ${r.pending}`) : null,
    ...(conflicts.get(r) ?? []).map(m => h('span', { class: 'badge open' }, ` sources disagree: ${m.what} ${m.date} per ${m.claimants.join(', ')}`)))));
}

/** What kind of claim it is, with what only its fields say: "office left (dismissed)", "dispute of the end 2018-05-04". */
function claimKind(claim) {
  const details = [
    claim.cause ? humanize(claim.cause) : null,
    claim.term ? `term ${claim.term}` : null,
    claim.scheduledEnd ? `scheduled to end ${claim.scheduledEnd}` : null,
    claim.disputedEnd ? `disputes only the end ${claim.disputedEnd}` : null,
  ].filter(Boolean);
  return `${humanize(claim.type)}${details.length ? ` (${details.join('; ')})` : ''}`;
}

function claimTable(entries, undatedSetAside) {
  if (!entries.length) return h('p', {}, 'No claims on record in this view.');
  return h('div', {},
    undatedSetAside ? h('p', { class: 'muted' }, `${undatedSetAside} undated claims are set aside on a past day.`) : null,
    h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Every claim in valid-time order'),
      h('thead', {}, h('tr', {}, ['When', 'Claim', 'Claimant', 'Source', 'Quote', 'Standing'].map(c => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, entries.map(e => h('tr', { id: `claim-${e.claim.id}` },
        h('td', {}, validTimeText(e.claim.validTime)),
        h('td', {}, h('span', { class: `badge ${e.claim.stance === 'asserts' ? 'resolved' : 'open'}` }, e.claim.stance), ' ', propositionText(e.claim.proposition),
          h('div', { class: 'muted' }, claimKind(e.claim))),
        h('td', {}, describeClaimant(e.claim.attribution.claimant)),
        h('td', {}, e.claim.attribution.source.publisher, `, ${publishedDay(e.claim)} `, sourceLink(e.claim)),
        h('td', {}, `“${e.claim.attribution.quote}”`),
        h('td', {}, e.retracted ? 'retracted' : e.noLongerStated ? 'no longer stated' : e.contestState,
          e.ruling ? `, ${rulingText(e.ruling, e.decisiveVerdict)}` : '',
          e.afterDeath ? h('span', { class: 'badge open' }, 'dated after the death on record') : null))))));
}

load(readUrl());
