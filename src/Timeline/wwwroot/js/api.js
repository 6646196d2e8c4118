// Shared helpers: API reads, safe element building and partial-date arithmetic.

export class NotFound extends Error {}

export async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  if (response.status === 404) throw new NotFound(path);
  if (!response.ok) {
    let detail = '';
    try { detail = (await response.json()).detail ?? ''; } catch { /* not JSON */ }
    throw new Error(`${path} answered ${response.status} ${detail}`);
  }
  return response.json();
}

/** h('p', {class: 'x'}, 'text', child): builds DOM without innerHTML, so quoted text can never become markup. */
export function h(tag, attributes = {}, ...children) {
  const svg = ['svg', 'g', 'rect', 'line', 'text', 'title', 'desc', 'circle', 'path', 'defs', 'linearGradient', 'stop', 'pattern', 'polygon'].includes(tag);
  const element = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function sourceLink(claim) {
  const source = claim.attribution?.source;
  if (!source) return null;
  return h('a', { href: `/sources/${encodeURIComponent(source.id)}#claim-${claim.id}` }, source.title || source.publisher);
}

export function describeClaimant(claimant) {
  if (!claimant) return 'unknown';
  const parts = [claimant.name];
  if (claimant.role) parts.push(claimant.role);
  if (claimant.affiliation) parts.push(claimant.affiliation);
  return parts.join(', ');
}

export const publishedDay = claim => claim.attribution?.source?.publishedAt?.slice(0, 10) ?? '';

/** A partial date (2005, 2013-11, 2013-11-30) as the first and last instant it can mean. */
export function period(partial) {
  if (!partial) return null;
  const [y, m, d] = partial.split('-').map(Number);
  if (d) return { from: Date.UTC(y, m - 1, d), to: Date.UTC(y, m - 1, d + 1), precision: 'day' };
  if (m) return { from: Date.UTC(y, m - 1, 1), to: Date.UTC(y, m, 1), precision: 'month' };
  return { from: Date.UTC(y, 0, 1), to: Date.UTC(y + 1, 0, 1), precision: 'year' };
}

export function validTimeText(validTime) {
  if (!validTime) return 'undated';
  if (typeof validTime === 'string') return validTime;
  return validTime.isInterval ? `${validTime.from ?? '…'} to ${validTime.to ?? 'open'}` : validTime.from;
}

export function humanize(slugOrPredicate) {
  // "held-office" and "termEnded" alike read as words: "held office", "term ended".
  return String(slugOrPredicate).replaceAll('-', ' ').replace(/([a-z])([A-Z])/g, (_, a, b) => `${a} ${b.toLowerCase()}`);
}

export function propositionText(proposition) {
  return `${humanize(proposition.predicate)} ${proposition.object}`;
}
