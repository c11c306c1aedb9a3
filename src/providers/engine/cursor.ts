// Relay cursors: opaque, signed positions. A cursor names the upstream request of a page and the offset
// inside it, bound to one account and one set of filters. The gateway only ever follows a request it
// signed itself, so a forged cursor cannot make it call a URL of the client's choosing.
//
// Format: `<page>.<offset>.<sig>`. `page` is base64url JSON of [version, account, query key, method, path,
// query, body?]; its key is HMAC-SHA256(secret, page), computed once per upstream page; `sig` is the first
// 128 bits of SHA-256(key "." offset), so each of the (up to 100) edges of a page costs one small hash instead
// of one HMAC. Offsets must be plain digits, which rules out length-extension forgeries of the keyed hash.
import { createHash, createHmac, hash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from './errors.js';
import type { UpstreamRequest } from './types.js';

export interface Position {
  /** The page's upstream request. */
  request: UpstreamRequest;
  /** Records of that page already consumed. */
  offset: number;
}

type PagePayload = [version: 3, accountId: string, queryKey: string, method: UpstreamRequest['method'], path: string, query: UpstreamRequest['query'], body?: UpstreamRequest['body']];
interface SignedPage { accountId: string; queryKey: string; page: string; key: string }

const PAGE = /^[A-Za-z0-9_-]+$/;
const OFFSET = /^\d{1,9}$/;

export class CursorCodec {
  /** Edges of one upstream page share their request object: encode and key it once per page. */
  private readonly pages = new WeakMap<UpstreamRequest, SignedPage>();
  constructor(private readonly secret: string) {}

  private pageKey(page: string): string {
    return createHmac('sha256', this.secret).update(page).digest('base64url');
  }

  private static sig(key: string, offset: number | string): string {
    return hash('sha256', `${key}.${offset}`, 'base64url').slice(0, 22);
  }

  encode(accountId: string, queryKey: string, pos: Position): string {
    let signed = this.pages.get(pos.request);
    if (!signed || signed.accountId !== accountId || signed.queryKey !== queryKey) {
      const r = pos.request;
      const payload: PagePayload = r.body === undefined ? [3, accountId, queryKey, r.method, r.path, r.query] : [3, accountId, queryKey, r.method, r.path, r.query, r.body];
      const page = Buffer.from(JSON.stringify(payload)).toString('base64url');
      signed = { accountId, queryKey, page, key: this.pageKey(page) };
      this.pages.set(pos.request, signed);
    }
    return `${signed.page}.${pos.offset}.${CursorCodec.sig(signed.key, pos.offset)}`;
  }

  decode(cursor: string, accountId: string, queryKey: string): Position {
    const invalid = (why: string) =>
      new GatewayError('INVALID_CURSOR', `The cursor is not valid for this query (${why}). Use a cursor returned by the same users query, or omit it to start over.`);
    const parts = cursor.split('.');
    if (parts.length !== 3 || !PAGE.test(parts[0]!) || !OFFSET.test(parts[1]!)) throw invalid('malformed');
    const [page, offset, sig] = parts as [string, string, string];
    const given = Buffer.from(sig, 'base64url');
    const expected = Buffer.from(CursorCodec.sig(this.pageKey(page), offset), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid('bad signature');
    let p: PagePayload;
    try {
      p = JSON.parse(Buffer.from(page, 'base64url').toString('utf8'));
    } catch {
      throw invalid('malformed');
    }
    if (!Array.isArray(p) || p[0] !== 3) throw invalid('malformed');
    const [, account, key, method, path, query, body] = p;
    if (account !== accountId) throw invalid('issued for another integrated account');
    if (key !== queryKey) throw invalid('issued for other filters');
    return { request: body === undefined ? { method, path, query } : { method, path, query, body }, offset: Number(offset) };
  }
}

/**
 * What a cursor carries of a page's request: its body without the top-level keys it shares with the list's
 * base request (a GraphQL document is the same on every page; only its variables move). The base is
 * rebuilt from the spec, the filters and remoteQuery — all bound by the query key — when the cursor returns.
 * Memoised per request object, so the edges of one page keep sharing one object (and one signed page).
 */
export function carriedRequest(base: UpstreamRequest): (req: UpstreamRequest) => UpstreamRequest {
  const shared = base.body ? Object.entries(base.body).map(([k, v]) => [k, stableStringify(v)] as const) : [];
  if (!shared.length) return (req) => req;
  const memo = new WeakMap<UpstreamRequest, UpstreamRequest>();
  return (req) => {
    if (!req.body) return req;
    let out = memo.get(req);
    if (!out) {
      const body = { ...req.body };
      for (const [k, v] of shared) if (Object.hasOwn(body, k) && stableStringify(body[k]) === v) delete body[k];
      out = { ...req, body };
      memo.set(req, out);
    }
    return out;
  };
}

/** The page's full request from what a cursor carried: the base's body keys it left out are put back. */
export function restoredRequest(carried: UpstreamRequest, base: UpstreamRequest): UpstreamRequest {
  if (!base.body || !carried.body) return carried;
  return { ...carried, body: { ...base.body, ...carried.body } };
}

/** A stable digest of what shapes the upstream query, so a cursor cannot be replayed with other filters. */
export function queryKey(parts: unknown): string {
  return createHash('sha256').update(stableStringify(parts)).digest('base64url').slice(0, 16);
}

export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v).sort().filter((k) => (v as any)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stableStringify((v as any)[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}
