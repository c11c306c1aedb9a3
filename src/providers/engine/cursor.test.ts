// The cursor codec and the paginators' state/resume on their own: round trips, opacity, the server-side
// store for long or secret-bearing states, and refusals.
import { describe, expect, it } from 'vitest';
import { CursorCodec, MAX_CURSOR_LENGTH, type Walk } from './cursor.js';
import { GatewayError } from './errors.js';
import { graphqlCursor, linkHeader, nextUrl, offsetLimit, pageNumber, singlePage, tokenCursor } from './paginators.js';
import type { Paginator, UpstreamRequest } from './types.js';

const base: UpstreamRequest = { method: 'GET', path: '/api/v1/users', query: [['search', 'status eq "ACTIVE"']] };
const post: UpstreamRequest = { method: 'POST', path: '/graphql', query: [], body: { query: '{ users { nodes { id } } }', variables: { filter: { active: true } } } };
const walkOf = (paginator: Paginator, over: Partial<Walk> = {}): Walk => ({ accountId: 'acct-1', queryKey: 'qk-1', paginator, base, pageSize: 50, secrets: ['s3cr3t-token-value'], ...over });
const page = (records = 50, headers: Record<string, string> = {}, body: unknown = {}) => ({ headers, body, records: Array.from({ length: records }) });
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof GatewayError ? e.code : String(e);
  }
  return 'no error';
};

describe('paginator state', () => {
  const cases: [string, Paginator, UpstreamRequest, (first: UpstreamRequest, p: Paginator) => UpstreamRequest | null][] = [
    ['a body token', tokenCursor({ from: 'body', token: (r) => r.body.next, send: { query: 'after' }, size: { query: 'limit' }, maxPageSize: 100 }), base, (f, p) => p.next(f, page(50, {}, { next: 'tok-9' }), 'https://x.test')],
    ['an offset', offsetLimit({ offsetParam: 'startAt', limitParam: 'maxResults', maxPageSize: 100 }), base, (f, p) => p.next(f, page(50), 'https://x.test')],
    ['a page number in a body', pageNumber({ pageParam: 'page', sizeParam: 'pageSize', maxPageSize: 100, in: 'body', hasMore: () => true }), post, (f, p) => p.next(f, page(50), 'https://x.test')],
    ['a GraphQL endCursor', graphqlCursor({ pageInfo: 'data.users.pageInfo', cursorVariable: 'after', sizeVariable: 'first', maxPageSize: 100 }), post, (f, p) => p.next(f, page(50, {}, { data: { users: { pageInfo: { hasNextPage: true, endCursor: 'Y3Vy' } } } }), 'https://x.test')],
    ['a Link header echoing the filters', linkHeader({ pageSizeParam: 'limit', maxPageSize: 200 }), base, (f, p) => p.next(f, page(50, { link: '<https://x.test/api/v1/users?search=status+eq+%22ACTIVE%22&limit=50&after=00u9>; rel="next"' }), 'https://x.test')],
    ['a next link to another path without the filters', nextUrl({ next: (b) => b.next, pageSizeParam: '$top', maxPageSize: 999, description: '' }), base, (f, p) => p.next(f, page(50, {}, { next: 'https://x.test/api/v2/users?$top=50&$skiptoken=abc' }), 'https://x.test')],
  ];
  for (const [name, paginator, b, nextOf] of cases) {
    it(`rebuilds ${name} exactly from the first request and the state`, () => {
      const first = paginator.first(b, 50);
      const next = nextOf(first, paginator)!;
      expect(next).not.toBeNull();
      for (const req of [first, next]) {
        const again = paginator.resume(first, JSON.parse(JSON.stringify(paginator.state(req, first))))!;
        expect({ ...again, query: [...again.query].sort() }).toEqual({ ...req, query: [...req.query].sort() });
      }
    });
  }

  it('sends no page size for a next link the upstream sizes itself (pageSize.fixed), and keeps only the link\'s token', async () => {
    const { compilePaginator } = await import('./spec/compile.js');
    const p = compilePaginator({ kind: 'next-url', next: 'links.next', pageSize: { fixed: 50 } });
    const first = p.first(base, 23);
    expect(first).toEqual(base);
    expect(p.maxPageSize).toBe(50);
    const next = p.next(first, page(50, {}, { links: { next: 'https://x.test/api/v1/users?search=status+eq+%22ACTIVE%22&cursor=c2' } }), 'https://x.test')!;
    expect(next.query).toEqual([...base.query, ['cursor', 'c2']]);
    expect(p.state(next, first)).toEqual([['cursor', 'c2']]);
    expect(p.description).toContain('sized by the upstream');
  });

  it('keeps a link that only adds its token down to that token', () => {
    const p = linkHeader({ pageSizeParam: 'limit', maxPageSize: 200 });
    const first = p.first(base, 200);
    expect(p.state({ ...first, query: [...first.query, ['after', '00u9']] }, first)).toEqual([['after', '00u9']]);
  });

  it('refuses a state that is not its own', () => {
    expect(tokenCursor({ from: 'body', token: () => null, send: { query: 'after' }, size: { query: 'limit' }, maxPageSize: 1 }).resume(base, [{ a: 1 }])).toBeNull();
    expect(linkHeader({ pageSizeParam: 'limit', maxPageSize: 1 }).resume(base, ['x'])).toBeNull();
    expect(singlePage().resume(base, [1])).toBeNull();
  });
});

describe('cursor codec', () => {
  const codec = new CursorCodec('a-cursor-secret-of-some-length');
  const link = linkHeader({ pageSizeParam: 'limit', maxPageSize: 200 });
  const walk = walkOf(link);
  const first = link.first(base, walk.pageSize);
  const at = (after: string, more: [string, string][] = []) => ({ ...first, query: [...first.query, ...more, ['after', after]] as [string, string][] });

  it('round-trips a position in a short, opaque cursor, the same for the same position', () => {
    const pos = { request: at('00u255sAsbx'), offset: 7 };
    const cursor = codec.encode(walk, pos);
    expect(cursor.length).toBeLessThanOrEqual(MAX_CURSOR_LENGTH);
    expect(Buffer.from(cursor.split('.')[0]!, 'base64url').toString('latin1')).not.toContain('00u255sAsbx');
    expect(codec.encode(walkOf(link), { request: at('00u255sAsbx'), offset: 7 })).toBe(cursor);
    const back = codec.decode(cursor, walkOf(link, { pageSize: 1 }));
    expect(back).toMatchObject({ offset: 7, pageSize: 50 });
    expect(back.request.query).toEqual(pos.request.query);
  });

  it('keeps a long state server-side and still fits 100 characters; a fresh process cannot resume it', () => {
    const long = at('x'.repeat(600));
    const cursor = codec.encode(walk, { request: long, offset: 3 });
    expect(cursor.length).toBeLessThanOrEqual(MAX_CURSOR_LENGTH);
    expect(codec.decode(cursor, walk).request).toEqual(long);
    const restarted = new CursorCodec('a-cursor-secret-of-some-length');
    expect(codeOf(() => restarted.decode(cursor, walk))).toBe('INVALID_CURSOR');
    expect(() => restarted.decode(cursor, walk)).toThrow(/expired.*Restart paging by omitting after/);
  });

  it('never seals a state holding one of the account secrets into the cursor', () => {
    const cursor = codec.encode(walk, { request: at('s3cr3t-token-value'), offset: 0 });
    // Kept server-side: the same cursor opened elsewhere (no entry) fails instead of revealing anything.
    expect(codeOf(() => new CursorCodec('a-cursor-secret-of-some-length').decode(cursor, walk))).toBe('INVALID_CURSOR');
    expect(codec.decode(cursor, walk).request.query).toContainEqual(['after', 's3cr3t-token-value']);
  });

  it('expires server-side positions after their TTL', async () => {
    const short = new CursorCodec('a-cursor-secret-of-some-length', { max: 10, ttlMs: 20 });
    const cursor = short.encode(walk, { request: at('y'.repeat(100)), offset: 0 });
    await new Promise((r) => setTimeout(r, 60));
    expect(codeOf(() => short.decode(cursor, walk))).toBe('INVALID_CURSOR');
  });

  it('refuses another account, other filters, another secret, a changed offset and garbage', () => {
    const cursor = codec.encode(walk, { request: at('00u1'), offset: 2 });
    const [p, o, s] = cursor.split('.');
    for (const [c, w] of [
      [cursor, walkOf(link, { accountId: 'acct-2' })],
      [cursor, walkOf(link, { queryKey: 'qk-2' })],
      [`${p}.${Number(o) + 1}.${s}`, walk],
      [`${p}.${o}`, walk],
      ['x'.repeat(120), walk],
      ['', walk],
    ] as const)
      expect(codeOf(() => codec.decode(c, w))).toBe('INVALID_CURSOR');
    expect(codeOf(() => new CursorCodec('another-cursor-secret-entirely').decode(cursor, walk))).toBe('INVALID_CURSOR');
  });
});
