// Reusable paginator kinds. A paginator sets the page size on the first request and, from a response,
// derives the *next request* (or null at the end). Cursors do not carry that request: each kind names a
// page by its state relative to the list's base request (its own slot values, or a next link's
// difference from the base), from which `resume` rebuilds the request exactly.
import { GatewayError } from './errors.js';
import { getPath, setPath } from './paths.js';
import type { PageResponse, PaginationKind, Paginator, UpstreamRequest } from './types.js';

export type { PageResponse, PaginationKind, Paginator, PaginatorState } from './types.js';

/** Where a paginator puts a value: a query parameter or a dot path of the JSON body (GraphQL: 'variables.first'). */
export type Slot = { query: string } | { body: string };

export function setParam(req: UpstreamRequest, name: string, value: string): UpstreamRequest {
  return { ...req, query: [...req.query.filter(([k]) => k !== name), [name, value]] };
}
export function getParam(req: UpstreamRequest, name: string): string | undefined {
  return req.query.find(([k]) => k === name)?.[1];
}
export function setSlot(req: UpstreamRequest, slot: Slot, value: string | number): UpstreamRequest {
  return 'query' in slot ? setParam(req, slot.query, String(value)) : { ...req, body: setPath(req.body ?? {}, slot.body, value) };
}
function getSlot(req: UpstreamRequest, slot: Slot): unknown {
  return 'query' in slot ? getParam(req, slot.query) : getPath(req.body, slot.body);
}
type Scalar = string | number;
const isScalar = (v: unknown): v is Scalar => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));

/**
 * State as the values of the paginator's position slots (null: unset), in slot order. The page size is
 * not among them: the engine resumes from `first(base, size)` with the walk's size.
 */
function slotState(...slots: Slot[]): Pick<Paginator, 'state' | 'resume'> {
  return {
    state: (req) => slots.map((s) => { const v = getSlot(req, s); return isScalar(v) ? v : null; }),
    resume(first, state) {
      if (state.length !== slots.length || !state.every((v) => v === null || isScalar(v))) return null;
      return slots.reduce((req, s, i) => (state[i] === null ? req : setSlot(req, s, state[i] as Scalar)), first);
    },
  };
}

const samePair = (a: [string, string], b: [string, string]) => a[0] === b[0] && a[1] === b[1];
const flat = (pairs: [string, string][]) => pairs.flat();
function pairsOf(v: unknown): [string, string][] | null {
  if (!Array.isArray(v) || v.length % 2 || !v.every((x) => typeof x === 'string')) return null;
  const out: [string, string][] = [];
  for (let i = 0; i < v.length; i += 2) out.push([v[i] as string, v[i + 1] as string]);
  return out;
}

/**
 * A next link as its difference from the walk's first request: the query pairs it adds, then (only when
 * not empty or equal) the pairs it drops and its path. A link that echoes the filters costs only its token.
 */
const linkState: Pick<Paginator, 'state' | 'resume'> = {
  state(req, first) {
    const added = req.query.filter((p) => !first.query.some((b) => samePair(b, p)));
    const dropped = first.query.filter((b) => !req.query.some((p) => samePair(b, p)));
    if (req.path !== first.path) return [flat(added), flat(dropped), req.path];
    return dropped.length ? [flat(added), flat(dropped)] : [flat(added)];
  },
  resume(first, state) {
    const added = pairsOf(state[0]);
    const dropped = state.length > 1 ? pairsOf(state[1]) : [];
    const path = state.length > 2 ? state[2] : first.path;
    if (!added || !dropped || typeof path !== 'string' || state.length > 3) return null;
    const query = first.query.filter((b) => !dropped.some((d) => samePair(b, d)));
    return { method: first.method, path, query: [...query, ...added] };
  },
};

const slotName = (s: Slot) => ('query' in s ? `\`${s.query}\`` : `body \`${s.body}\``);
const queryNames = (...slots: Slot[]) => slots.flatMap((s) => ('query' in s ? [s.query] : []));

/**
 * An adapter path (which carries its API version, e.g. `/v1.0/users`) under the account's base path: a
 * proxy prefix is prepended, but a base URL that already ends in the version is not doubled.
 */
export function underBase(basePath: string, path: string): string {
  if (!basePath || path === basePath || path.startsWith(`${basePath}/`)) return path;
  const version = /^\/[^/]+/.exec(path)?.[0];
  if (version && basePath.endsWith(version)) return basePath + path.slice(version.length);
  return basePath + path;
}

/**
 * Builds the next request from an upstream's next link. Only its path and query are kept, sent to the
 * account's own base URL: an upstream (or a proxy) that writes its public host into links still pages
 * correctly, and a link can never send the gateway, or the account's credentials, to another host.
 */
export function requestFromUrl(next: string, base: string, method: 'GET' | 'POST' = 'GET'): UpstreamRequest | null {
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return null;
  }
  // An opaque link (`x:http://other-host/…`) has no absolute path: sent as it is, it would be an absolute-form
  // request target carrying the account's credentials to whatever a forward proxy makes of it.
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !url.pathname.startsWith('/')) return null;
  const basePath = new URL(base).pathname.replace(/\/+$/, '');
  return { method, path: underBase(basePath, url.pathname), query: [...url.searchParams.entries()] };
}

/**
 * An opaque token read from the body (Anthropic, OpenAI, Zendesk) or a header (`After-Cursor`), sent back
 * as a query parameter or at a body path. `stop` ends the list whatever the token says (`has_more: false`).
 */
export function tokenCursor(opts: {
  token: (res: PageResponse) => unknown;
  from: 'body' | 'header';
  send: Slot;
  size: Slot;
  maxPageSize: number;
  stop?: (body: any) => boolean;
  reservedParams?: string[];
}): Paginator {
  return {
    kind: opts.from === 'header' ? 'HEADER_CURSOR' : 'BODY_CURSOR',
    description: `${slotName(opts.send)} from the response ${opts.from}; ${slotName(opts.size)} ≤ ${opts.maxPageSize}`,
    maxPageSize: opts.maxPageSize,
    reservedParams: [...queryNames(opts.send, opts.size), ...(opts.reservedParams ?? [])],
    first: (req, size) => setSlot(req, opts.size, size),
    ...slotState(opts.send),
    next(req, res) {
      if (opts.stop?.(res.body)) return null;
      const token = opts.token(res);
      if (token === undefined || token === null || token === '') return null;
      // Read as data: an object (`{"toString":1}`) or a boolean is no position, and ending quietly would hide it.
      if (!isScalar(token)) throw new GatewayError('UPSTREAM_BAD_RESPONSE', `answered a next-page token that is not a string or a number (a ${Array.isArray(token) ? 'list' : typeof token}). The upstream API may have changed.`);
      return setSlot(req, opts.send, String(token));
    },
  };
}

/** RFC 8288 `Link: <…>; rel="next"` (Okta, GitHub, keyset links included): its path and query, on the account base URL. */
export function linkHeader(opts: { pageSizeParam: string; maxPageSize: number; rel?: string; reservedParams?: string[] }): Paginator {
  const rel = (opts.rel ?? 'next').toLowerCase();
  return {
    kind: 'LINK_HEADER',
    description: `\`Link: rel="${rel}"\` header; \`${opts.pageSizeParam}\` ≤ ${opts.maxPageSize}`,
    maxPageSize: opts.maxPageSize,
    reservedParams: [opts.pageSizeParam, ...(opts.reservedParams ?? [])],
    first: (req, size) => setParam(req, opts.pageSizeParam, String(size)),
    ...linkState,
    next(req, res, base) {
      const next = parseLinkHeader(res.headers['link'] ?? '')[rel];
      return next ? requestFromUrl(next, base, req.method) : null;
    },
  };
}

/** A full next URL in the body, e.g. Microsoft Graph `@odata.nextLink`. */
export function nextUrl(opts: { next: (body: any) => unknown; pageSizeParam?: string; maxPageSize: number; description: string; reservedParams?: string[] }): Paginator {
  const param = opts.pageSizeParam;
  return {
    kind: 'NEXT_URL',
    // Without a size parameter the upstream pages by its own fixed size (Atlassian's v1 users: 50).
    description: param ? `${opts.description}; \`${param}\` ≤ ${opts.maxPageSize}` : `${opts.description}; pages of ${opts.maxPageSize}, sized by the upstream`,
    maxPageSize: opts.maxPageSize,
    reservedParams: [...(param ? [param] : []), ...(opts.reservedParams ?? [])],
    first: (req, size) => (param ? setParam(req, param, String(size)) : req),
    ...linkState,
    next(req, res, base) {
      const next = opts.next(res.body);
      return typeof next === 'string' && next ? requestFromUrl(next, base, req.method) : null;
    },
  };
}

/**
 * Offset/limit paging (SCIM startIndex/count, Jira startAt/maxResults). Plain: the offset advances by the
 * records returned and a short page is the end. `total`: for APIs that report the result's size and may
 * return fewer records than asked for while more follow (SCIM servers cap `count`, RFC 7644 §3.4.2.4), a
 * short page is not the end: the offset still advances by what came back, and the list ends once the
 * records seen reach the total, or at an empty page (also when the total is missing). `filteredWindows`:
 * for APIs that take the window first and filter it afterwards (Jira's assignable-user search), a fixed
 * window is always asked for, the offset advances by the window (advancing by the records returned would
 * re-read part of it: duplicates), and short or empty windows are not the end until the offset passes
 * `reach` candidates.
 */
export function offsetLimit(opts: {
  offsetParam: string; limitParam: string; maxPageSize: number; start?: number;
  total?: (res: PageResponse) => unknown; totalName?: string;
  filteredWindows?: { size: number; reach: number };
}): Paginator {
  const start = opts.start ?? 0;
  const win = opts.filteredWindows;
  const total = opts.total;
  return {
    kind: 'OFFSET',
    description: win
      ? `\`${opts.offsetParam}\` + \`${opts.limitParam}\` = ${win.size}, advanced by the window (the API filters after windowing); empty windows are skipped up to the ${win.reach}th candidate`
      : total
        ? `\`${opts.offsetParam}\` + \`${opts.limitParam}\` ≤ ${opts.maxPageSize}, advanced by the records returned (a short page is not the end) until \`${opts.totalName ?? 'the total'}\``
        : `\`${opts.offsetParam}\` + \`${opts.limitParam}\` ≤ ${opts.maxPageSize}`,
    maxPageSize: win ? win.size : opts.maxPageSize,
    reservedParams: [opts.offsetParam, opts.limitParam],
    first: (req, size) => setParam(setParam(req, opts.offsetParam, String(start)), opts.limitParam, String(win ? win.size : size)),
    ...slotState({ query: opts.offsetParam }),
    next(req, res) {
      const offset = Number(getParam(req, opts.offsetParam) ?? start);
      const size = Number(getParam(req, opts.limitParam));
      const n = res.records.length;
      if (win) {
        const next = offset + size;
        return n === 0 && next >= win.reach ? null : setParam(req, opts.offsetParam, String(next));
      }
      if (total) {
        const t = Number(total(res) ?? NaN);
        if (n === 0 || (Number.isFinite(t) && offset - start + n >= t)) return null;
        return setParam(req, opts.offsetParam, String(offset + n));
      }
      if (n === 0 || n < size) return null;
      return setParam(req, opts.offsetParam, String(offset + n));
    },
  };
}

/** Page numbers, in the query string or (kind POST_BODY) in a JSON body (Cursor's /teams/spend). */
export function pageNumber(opts: { pageParam: string; sizeParam: string; maxPageSize: number; first?: number; in?: 'query' | 'body'; hasMore: (body: any, page: number, page_: { records: number; size: number }) => boolean; until?: string }): Paginator {
  const firstPage = opts.first ?? 1;
  const inBody = opts.in === 'body';
  const slot = (name: string): Slot => (inBody ? { body: name.replace(/\./g, '\\.') } : { query: name });
  const page = slot(opts.pageParam);
  const size = slot(opts.sizeParam);
  return {
    kind: inBody ? 'POST_BODY' : 'PAGE_NUMBER',
    description: `${inBody ? 'body' : 'query'} \`${opts.pageParam}\` (from ${firstPage}) + \`${opts.sizeParam}\` ≤ ${opts.maxPageSize}${opts.until ? `, ${opts.until}` : ''}`,
    maxPageSize: opts.maxPageSize,
    reservedParams: queryNames(page, size),
    first: (req, n) => setSlot(setSlot(req, page, firstPage), size, n),
    ...slotState(page),
    next(req, res) {
      const current = Number(getSlot(req, page));
      if (res.records.length === 0 || !opts.hasMore(res.body, current, { records: res.records.length, size: Number(getSlot(req, size)) })) return null;
      return setSlot(req, page, current + 1);
    },
  };
}

/**
 * GraphQL over HTTP: page size and cursor are variables of the POSTed query; `pageInfo { endCursor
 * hasNextPage }` is read from the body (Linear, GitHub GraphQL).
 */
export function graphqlCursor(opts: { pageInfo: string; cursorVariable: string; sizeVariable: string; maxPageSize: number }): Paginator {
  const variable = (name: string): Slot => ({ body: `variables.${name.replace(/\./g, '\\.')}` });
  return {
    kind: 'GRAPHQL',
    description: `GraphQL \`$${opts.cursorVariable}\` ← \`${opts.pageInfo}.endCursor\` while \`hasNextPage\`; \`$${opts.sizeVariable}\` ≤ ${opts.maxPageSize}`,
    maxPageSize: opts.maxPageSize,
    reservedParams: [],
    first: (req, size) => setSlot(req, variable(opts.sizeVariable), size),
    ...slotState(variable(opts.cursorVariable)),
    next(req, res) {
      const info = getPath(res.body, opts.pageInfo) as { endCursor?: unknown; hasNextPage?: unknown } | undefined;
      const cursor = info?.endCursor;
      if (info?.hasNextPage !== true || typeof cursor !== 'string' || cursor === '') return null;
      return setSlot(req, variable(opts.cursorVariable), cursor);
    },
  };
}

/** The whole list in one response (Cursor /teams/members); the engine slices it into Relay pages. */
export function singlePage(): Paginator {
  return {
    kind: 'NONE',
    description: 'one response holds every user; the gateway slices it',
    maxPageSize: Number.MAX_SAFE_INTEGER,
    reservedParams: [],
    first: (req) => req,
    next: () => null,
    state: () => [],
    resume: (base, state) => (state.length ? null : base),
  };
}

export function parseLinkHeader(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /<([^>]*)>\s*;(.*)/.exec(part.trim());
    if (!m) continue;
    const rel = /rel="?([^";]+)"?/i.exec(m[2]!);
    if (rel) for (const r of rel[1]!.trim().split(/\s+/)) out[r.toLowerCase()] = m[1]!;
  }
  return out;
}

/** The query slots of an LDAP paged search (engine/ldap.ts reads them). */
export const LDAP_SLOTS = { size: 'size', skip: 'skip', after: 'after' } as const;

/**
 * RFC 2696 paged results over the LDAP transport. The server's cookie is valid only on the connection that
 * issued it, so it never enters a cursor: a page is named by the entries before it (`skip`) and a short
 * digest of the last one's DN (`after`), and the transport (engine/ldap.ts) continues the live paged search
 * kept for that position, or re-walks to it. The transport says where the next page starts (`body.next`).
 */
export function ldapPaged(opts: { maxPageSize: number }): Paginator {
  const { size, skip, after } = LDAP_SLOTS;
  return {
    kind: 'LDAP_PAGED',
    description: `RFC 2696 paged results, ≤ ${opts.maxPageSize} entries a page (the cookie stays with its connection, server-side)`,
    maxPageSize: opts.maxPageSize,
    reservedParams: [size, skip, after],
    first: (req, n) => setParam({ ...req, query: req.query.filter(([k]) => k !== skip && k !== after) }, size, String(n)),
    ...slotState({ query: skip }, { query: after }),
    next(req, res) {
      const next = res.body?.next;
      if (!next || !Number.isInteger(next.skip) || typeof next.after !== 'string' || !res.records.length) return null;
      return setParam(setParam(req, skip, String(next.skip)), after, next.after);
    },
  };
}
