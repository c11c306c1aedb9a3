// Relay cursors: opaque, HMAC-signed positions. A cursor names the upstream request of a page and the
// offset inside it, bound to one account and one set of filters. The gateway only ever follows a
// request it signed itself, so a forged cursor cannot make it call a URL of the client's choosing.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { GatewayError } from './errors.js';
import type { UpstreamRequest } from './types.js';

export interface Position {
  /** The page's upstream request. */
  request: UpstreamRequest;
  /** Records of that page already consumed. */
  offset: number;
}

interface Payload { v: 1; a: string; q: string; r: UpstreamRequest; o: number }

export class CursorCodec {
  /** Edges of one upstream page share their request object: serialise it once per page, not per edge. */
  private readonly encodedRequests = new WeakMap<UpstreamRequest, string>();
  constructor(private readonly secret: string) {}

  private sign(data: string): string {
    return createHmac('sha256', this.secret).update(data).digest('base64url');
  }

  encode(accountId: string, queryKey: string, pos: Position): string {
    let r = this.encodedRequests.get(pos.request);
    if (r === undefined) {
      r = JSON.stringify(pos.request);
      this.encodedRequests.set(pos.request, r);
    }
    const json = `{"v":1,"a":${JSON.stringify(accountId)},"q":${JSON.stringify(queryKey)},"r":${r},"o":${pos.offset}}`;
    const data = Buffer.from(json).toString('base64url');
    return `${data}.${this.sign(data)}`;
  }

  decode(cursor: string, accountId: string, queryKey: string): Position {
    const invalid = (why: string) =>
      new GatewayError('INVALID_CURSOR', `The cursor is not valid for this query (${why}). Use a cursor returned by the same users query, or omit it to start over.`);
    const dot = cursor.indexOf('.');
    if (dot < 1) throw invalid('malformed');
    const data = cursor.slice(0, dot);
    const given = Buffer.from(cursor.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.sign(data), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid('bad signature');
    let p: Payload;
    try {
      p = JSON.parse(Buffer.from(data, 'base64url').toString('utf8'));
    } catch {
      throw invalid('malformed');
    }
    if (p.a !== accountId) throw invalid('issued for another integrated account');
    if (p.q !== queryKey) throw invalid('issued for other filters');
    return { request: p.r, offset: p.o };
  }
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
