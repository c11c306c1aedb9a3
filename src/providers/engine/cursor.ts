// Relay cursors: compact, opaque, signed positions, encoded and decoded by the engine alone.
//
// A cursor never carries the upstream request. The engine rebuilds the list's base request from the
// query itself (which the cursor is bound to), so a page is named by the walk's page size and the
// paginator's state relative to the walk's first request (a token, an offset, a page number, a next
// link's new query pairs). That state is encrypted, so a cursor shows nothing of the upstream. When it
// is long (a Graph `$skiptoken`, a link to another path) or contains one of the account's secrets (an
// upstream echoing a credential into its next link), it stays in this process, in a bounded LRU, and the
// cursor carries only a keyed hash of it: such a cursor is valid on this process until the entry ages out.
//
// Format: `<page>.<offset>.<sig>`, at most 100 characters.
// - `page`: base64url of SIV(plaintext) with associated data (account, query key): a 12-byte synthetic IV
//   (HMAC of the associated data and plaintext) then AES-256-CTR. Deterministic, so a page has one cursor.
//   Plaintext: one byte (version << 4 | kind), then kind 0: JSON [size, ...state]; kind 1: a 12-byte handle.
// - `offset`: records of that page already consumed, plain digits (rules out length-extension forgeries).
// - `sig`: 64 bits at position 8·offset of an AES-256-CTR keystream keyed by pageKey = HMAC(page) (a PRF of page
//   and offset): computed once per upstream page for all its edges, about a fifth of a hash per edge; a
//   cursor is checked by computing its one block.
// Kinds 2–15 are free for what follows (e.g. a short history of the walk's positions for loop refusal).
import { createCipheriv, createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { GatewayError } from './errors.js';
import type { Paginator, PaginatorState, UpstreamRequest } from './types.js';

export interface Position {
  /** The page's upstream request. */
  request: UpstreamRequest;
  /** Records of that page already consumed. */
  offset: number;
}

/** One walk through one account's list: what a cursor is bound to and relative to. */
export interface Walk {
  accountId: string;
  /** Digest of what shapes the upstream query (provider, category, filters, remoteQuery). */
  queryKey: string;
  paginator: Paginator;
  /** The list's request before paging (filters and remoteQuery applied). */
  base: UpstreamRequest;
  /** The walk's upstream page size, set on the first page and kept by every cursor. */
  pageSize: number;
  /** The account's secrets: a state containing one is never put into a cursor. */
  secrets: readonly string[];
}

export interface CursorStoreOptions {
  /** Most positions kept server-side (long or secret-bearing states). */
  max: number;
  /** How long a kept position stays valid after its last use. */
  ttlMs: number;
}
export const CURSOR_STORE_DEFAULTS: CursorStoreOptions = { max: 20_000, ttlMs: 3_600_000 };

export const MAX_CURSOR_LENGTH = 100;
const VERSION = 1;
const INLINE = 0;
const HANDLE = 1;
const IV_BYTES = 12;
const HANDLE_BYTES = 12;
const SIG_BYTES = 8;
const SIG_CHARS = Math.ceil((SIG_BYTES * 4) / 3);
const MAX_OFFSET_DIGITS = 7;
/** The largest plaintext whose cursor stays within MAX_CURSOR_LENGTH with any offset. */
const MAX_PLAINTEXT = Math.floor(((MAX_CURSOR_LENGTH - SIG_CHARS - MAX_OFFSET_DIGITS - 2) * 3) / 4) - IV_BYTES;

const PAGE = /^[A-Za-z0-9_-]+$/;
const OFFSET = new RegExp(`^\\d{1,${MAX_OFFSET_DIGITS}}$`);

interface SignedPage { walk: Walk; page: string; key: Buffer; tags: Buffer }
interface Kept { accountId: string; queryKey: string; json: string }

export class CursorCodec {
  /** Edges of one upstream page share their request object: encode and key it once per page. */
  private readonly pages = new WeakMap<UpstreamRequest, SignedPage>();
  private readonly kept: LRUCache<string, Kept>;
  private readonly encKey: Buffer;
  private readonly ivKey: Buffer;
  private readonly sigKey: Buffer;
  private readonly handleKey: Buffer;

  constructor(secret: string, private readonly store: CursorStoreOptions = CURSOR_STORE_DEFAULTS) {
    const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, 'rollcall-cursor', info, 32));
    this.encKey = derive('enc');
    this.ivKey = derive('iv');
    this.sigKey = derive('sig');
    this.handleKey = derive('handle');
    this.kept = new LRUCache({ max: store.max, ttl: store.ttlMs, updateAgeOnGet: true });
  }

  private static aad(accountId: string, queryKey: string): Buffer {
    return Buffer.from(`${accountId.length}:${accountId}|${queryKey}`);
  }

  private iv(aad: Buffer, plaintext: Buffer): Buffer {
    return createHmac('sha256', this.ivKey).update(aad).update(plaintext).digest().subarray(0, IV_BYTES);
  }

  private ctr(iv: Buffer, data: Buffer): Buffer {
    const c = createCipheriv('aes-256-ctr', this.encKey, Buffer.concat([iv, Buffer.alloc(16 - IV_BYTES)]));
    return Buffer.concat([c.update(data), c.final()]);
  }

  private pageKey(page: string): Buffer {
    return createHmac('sha256', this.sigKey).update(page).digest();
  }

  /** The page's tag keystream from offset `from` (even) for `count` offsets. */
  private static tags(key: Buffer, from: number, count: number): Buffer {
    const iv = Buffer.alloc(16);
    iv.writeUIntBE((from * SIG_BYTES) / 16, 10, 6); // the CTR block counter where offset `from` starts
    return createCipheriv('aes-256-ctr', key, iv).update(Buffer.alloc(count * SIG_BYTES));
  }

  private static sig(signed: SignedPage, offset: number): string {
    if ((offset + 1) * SIG_BYTES > signed.tags.length) signed.tags = CursorCodec.tags(signed.key, 0, Math.max(offset + 1, 2 * signed.tags.length / SIG_BYTES, 128));
    return signed.tags.toString('base64url', offset * SIG_BYTES, (offset + 1) * SIG_BYTES);
  }

  private seal(walk: Walk, request: UpstreamRequest): string {
    const json = JSON.stringify([walk.pageSize, ...walk.paginator.state(request, walk.paginator.first(walk.base, walk.pageSize))]);
    let plaintext = Buffer.concat([Buffer.from([(VERSION << 4) | INLINE]), Buffer.from(json)]);
    if (plaintext.length > MAX_PLAINTEXT || containsSecret(json, walk.secrets)) {
      const handle = createHmac('sha256', this.handleKey).update(CursorCodec.aad(walk.accountId, walk.queryKey)).update(json).digest().subarray(0, HANDLE_BYTES);
      this.kept.set(handle.toString('base64url'), { accountId: walk.accountId, queryKey: walk.queryKey, json });
      plaintext = Buffer.concat([Buffer.from([(VERSION << 4) | HANDLE]), handle]);
    }
    const iv = this.iv(CursorCodec.aad(walk.accountId, walk.queryKey), plaintext);
    return Buffer.concat([iv, this.ctr(iv, plaintext)]).toString('base64url');
  }

  encode(walk: Walk, pos: Position): string {
    let signed = this.pages.get(pos.request);
    if (!signed || signed.walk !== walk) {
      const page = this.seal(walk, pos.request);
      signed = { walk, page, key: this.pageKey(page), tags: Buffer.alloc(0) };
      this.pages.set(pos.request, signed);
    }
    return `${signed.page}.${pos.offset}.${CursorCodec.sig(signed, pos.offset)}`;
  }

  /** The position a cursor names, and the walk's page size (the caller sets `walk.pageSize` from it). */
  decode(cursor: string, walk: Omit<Walk, 'pageSize'>): Position & { pageSize: number } {
    const invalid = (why: string) =>
      new GatewayError('INVALID_CURSOR', `The cursor is not valid for this query (${why}). Use a cursor returned by the same users query, or omit it to start over.`);
    const parts = cursor.length <= MAX_CURSOR_LENGTH ? cursor.split('.') : [];
    if (parts.length !== 3 || !PAGE.test(parts[0]!) || !OFFSET.test(parts[1]!)) throw invalid('malformed');
    const [page, offset, sig] = parts as [string, string, string];
    const given = Buffer.from(sig, 'base64url');
    // One spelling per cursor: base64url's unused trailing bits would otherwise give each one several.
    if (given.toString('base64url') !== sig || Buffer.from(page, 'base64url').toString('base64url') !== page) throw invalid('malformed');
    const at = Number(offset);
    const block = at - (at % 2); // tags are made two per AES block: start at this offset's block
    const expected = CursorCodec.tags(this.pageKey(page), block, 2).subarray((at - block) * SIG_BYTES, (at - block + 1) * SIG_BYTES);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid('bad signature');
    const sealed = Buffer.from(page, 'base64url');
    if (sealed.length <= IV_BYTES) throw invalid('malformed');
    const iv = sealed.subarray(0, IV_BYTES);
    const plaintext = this.ctr(iv, sealed.subarray(IV_BYTES));
    // The synthetic IV binds the page to its account and query: another account's or filters' cursor fails here.
    if (!timingSafeEqual(iv, this.iv(CursorCodec.aad(walk.accountId, walk.queryKey), plaintext))) throw invalid('issued for another integrated account or other filters');
    if (plaintext[0]! >> 4 !== VERSION) throw invalid('issued by another version of the gateway');
    let json: string;
    if ((plaintext[0]! & 15) === INLINE) json = plaintext.subarray(1).toString('utf8');
    else if ((plaintext[0]! & 15) === HANDLE) {
      const kept = this.kept.get(plaintext.subarray(1).toString('base64url'));
      if (!kept || kept.accountId !== walk.accountId || kept.queryKey !== walk.queryKey)
        throw new GatewayError(
          'INVALID_CURSOR',
          `The cursor's paging position has expired: this gateway keeps long upstream positions in memory for ${Math.round(this.store.ttlMs / 60_000)} minutes after their last use, per process. Restart paging by omitting after.`,
        );
      json = kept.json;
    } else throw invalid('malformed');
    let state: unknown;
    try {
      state = JSON.parse(json);
    } catch {
      throw invalid('malformed');
    }
    if (!Array.isArray(state) || !Number.isInteger(state[0]) || state[0] < 1) throw invalid('malformed');
    const pageSize = state[0] as number;
    const request = walk.paginator.resume(walk.paginator.first(walk.base, pageSize), state.slice(1) as PaginatorState);
    if (!request) throw invalid('issued for another paginator');
    return { request, offset: Number(offset), pageSize };
  }
}

/** True when the state holds one of the secrets, verbatim or as JSON escapes it. */
function containsSecret(json: string, secrets: readonly string[]): boolean {
  return secrets.some((s) => s.length >= 4 && (json.includes(s) || json.includes(JSON.stringify(s).slice(1, -1))));
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
