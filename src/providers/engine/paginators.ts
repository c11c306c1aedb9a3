// Reusable paginator kinds. A paginator sets the page size on the first request and, from a response,
// derives the *next request* (or null at the end). The engine stores that request, signed, in Relay
// cursors, so any kind resumes exactly where it left off.
import type { UpstreamRequest } from './types.js';

export type PaginationKind = 'BODY_CURSOR' | 'LINK_HEADER' | 'NEXT_URL' | 'OFFSET' | 'PAGE_NUMBER' | 'POST_BODY' | 'NONE';

export interface PageResponse { headers: Record<string, string>; body: any; records: unknown[] }

export interface Paginator {
  kind: PaginationKind;
  description: string;
  maxPageSize: number;
  /** Query parameters the paginator owns; remoteQuery can never set them. */
  reservedParams: string[];
  first(req: UpstreamRequest, pageSize: number): UpstreamRequest;
  /** `base` is the account's base URL (origin and any base path). */
  next(req: UpstreamRequest, res: PageResponse, base: string): UpstreamRequest | null;
}

export function setParam(req: UpstreamRequest, name: string, value: string): UpstreamRequest {
  return { ...req, query: [...req.query.filter(([k]) => k !== name), [name, value]] };
}
export function getParam(req: UpstreamRequest, name: string): string | undefined {
  return req.query.find(([k]) => k === name)?.[1];
}

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
  const basePath = new URL(base).pathname.replace(/\/+$/, '');
  return { method, path: underBase(basePath, url.pathname), query: [...url.searchParams.entries()] };
}

/** An opaque token from the body goes back as a query parameter (Anthropic, OpenAI, Zendesk, Google, Slack). */
export function bodyCursor(opts: { param: string; next: (body: any) => unknown; pageSizeParam: string; maxPageSize: number; reservedParams?: string[] }): Paginator {
  return {
    kind: 'BODY_CURSOR',
    description: `\`${opts.param}\` from the response body; \`${opts.pageSizeParam}\` ≤ ${opts.maxPageSize}`,
    maxPageSize: opts.maxPageSize,
    reservedParams: [opts.param, opts.pageSizeParam, ...(opts.reservedParams ?? [])],
    first: (req, size) => setParam(req, opts.pageSizeParam, String(size)),
    next(req, res) {
      const token = opts.next(res.body);
      if (token === undefined || token === null || token === '') return null;
      return setParam(req, opts.param, String(token));
    },
  };
}

/** RFC 8288 `Link: <…>; rel="next"` (Okta, GitHub): its path and query, on the account base URL. */
export function linkHeader(opts: { pageSizeParam: string; maxPageSize: number; reservedParams?: string[] }): Paginator {
  return {
    kind: 'LINK_HEADER',
    description: `\`Link: rel="next"\` header; \`${opts.pageSizeParam}\` ≤ ${opts.maxPageSize}`,
    maxPageSize: opts.maxPageSize,
    reservedParams: [opts.pageSizeParam, ...(opts.reservedParams ?? [])],
    first: (req, size) => setParam(req, opts.pageSizeParam, String(size)),
    next(req, res, base) {
      const next = parseLinkHeader(res.headers['link'] ?? '').next;
      return next ? requestFromUrl(next, base, req.method) : null;
    },
  };
}

/** A full next URL in the body, e.g. Microsoft Graph `@odata.nextLink`. */
export function nextUrl(opts: { next: (body: any) => unknown; pageSizeParam: string; maxPageSize: number; description: string; reservedParams?: string[] }): Paginator {
  return {
    kind: 'NEXT_URL',
    description: `${opts.description}; \`${opts.pageSizeParam}\` ≤ ${opts.maxPageSize}`,
    maxPageSize: opts.maxPageSize,
    reservedParams: [opts.pageSizeParam, ...(opts.reservedParams ?? [])],
    first: (req, size) => setParam(req, opts.pageSizeParam, String(size)),
    next(req, res, base) {
      const next = opts.next(res.body);
      return typeof next === 'string' && next ? requestFromUrl(next, base, req.method) : null;
    },
  };
}

/**
 * Offset/limit paging (SCIM startIndex/count, Jira startAt/maxResults). Plain: the offset advances by the
 * records returned and a short page is the end. `filteredWindows`: for APIs that take the window first and
 * filter it afterwards (Jira's assignable-user search), a fixed window is always asked for, the offset
 * advances by the window (advancing by the records returned would re-read part of it: duplicates), and
 * short or empty windows are not the end until the offset passes `reach` candidates.
 */
export function offsetLimit(opts: { offsetParam: string; limitParam: string; maxPageSize: number; start?: number; filteredWindows?: { size: number; reach: number } }): Paginator {
  const start = opts.start ?? 0;
  const win = opts.filteredWindows;
  return {
    kind: 'OFFSET',
    description: win
      ? `\`${opts.offsetParam}\` + \`${opts.limitParam}\` = ${win.size}, advanced by the window (the API filters after windowing); empty windows are skipped up to the ${win.reach}th candidate`
      : `\`${opts.offsetParam}\` + \`${opts.limitParam}\` ≤ ${opts.maxPageSize}`,
    maxPageSize: win ? win.size : opts.maxPageSize,
    reservedParams: [opts.offsetParam, opts.limitParam],
    first: (req, size) => setParam(setParam(req, opts.offsetParam, String(start)), opts.limitParam, String(win ? win.size : size)),
    next(req, res) {
      const offset = Number(getParam(req, opts.offsetParam) ?? start);
      const size = Number(getParam(req, opts.limitParam));
      const n = res.records.length;
      if (win) {
        const next = offset + size;
        return n === 0 && next >= win.reach ? null : setParam(req, opts.offsetParam, String(next));
      }
      if (n === 0 || n < size) return null;
      return setParam(req, opts.offsetParam, String(offset + n));
    },
  };
}

/** Page numbers, in the query string or (kind POST_BODY) in a JSON body (Cursor's /teams/spend). */
export function pageNumber(opts: { pageParam: string; sizeParam: string; maxPageSize: number; first?: number; in?: 'query' | 'body'; hasMore: (body: any, page: number) => boolean }): Paginator {
  const firstPage = opts.first ?? 1;
  const inBody = opts.in === 'body';
  const set = (req: UpstreamRequest, name: string, value: number): UpstreamRequest =>
    inBody ? { ...req, body: { ...req.body, [name]: value } } : setParam(req, name, String(value));
  const get = (req: UpstreamRequest, name: string) => Number(inBody ? req.body?.[name] : getParam(req, name));
  return {
    kind: inBody ? 'POST_BODY' : 'PAGE_NUMBER',
    description: `${inBody ? 'body' : 'query'} \`${opts.pageParam}\` (from ${firstPage}) + \`${opts.sizeParam}\` ≤ ${opts.maxPageSize}`,
    maxPageSize: opts.maxPageSize,
    reservedParams: inBody ? [] : [opts.pageParam, opts.sizeParam],
    first: (req, size) => set(set(req, opts.pageParam, firstPage), opts.sizeParam, size),
    next(req, res) {
      const page = get(req, opts.pageParam);
      if (res.records.length === 0 || !opts.hasMore(res.body, page)) return null;
      return set(req, opts.pageParam, page + 1);
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
