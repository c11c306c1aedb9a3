// Reliability under hostile upstreams: an Okta-format upstream that loops its next links (on the same page,
// in a cycle across requests), sends records without ids, zero waits on 429s, huge or compressed bodies and
// next links the gateway does not follow. Each class is answered within the page, with a stable code.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, walk, type Harness } from './helpers.js';
import type { ConfigInput } from '../src/config.js';
import { retryDelay } from '../src/providers/engine/http.js';
import { oktaSandbox, startOktaSandbox, OKTA_SANDBOX_TOKEN } from '../src/providers/okta/sandbox.js';

const TOKEN = 'reliability-test-token-0123';
const Q = `query($first: Int, $after: String) { users(category: USER_DIRECTORY, integratedAccountId: "okta", first: $first, after: $after) {
  edges { node { ... on DirectoryUser { remoteId } } } pageInfo { hasNextPage endCursor }
  debug { status isLooping fromCache skippedRecords refusedNextLink }
} }`;

const user = (id: unknown) => ({ id, status: 'ACTIVE', profile: { login: `${String(id)}@acme.test`, email: `${String(id)}@acme.test`, firstName: 'Ada', lastName: String(id) } });
const users = (from: number, n: number) => Array.from({ length: n }, (_, i) => user(`u${from + i}`));

interface Seen { path: string; query: URLSearchParams; headers: http.IncomingHttpHeaders; at: number }
type Handler = (req: Seen, res: http.ServerResponse) => void;

/** A raw Okta-format upstream whose behaviour each test sets. */
let handler: Handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
const seen: Seen[] = [];
let server: http.Server;
let base = '';
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://upstream.test');
    const s = { path: url.pathname, query: url.searchParams, headers: req.headers, at: performance.now() };
    seen.push(s);
    handler(s, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const json = (res: http.ServerResponse, body: unknown, headers: Record<string, string> = {}) => res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
const link = (after: string) => ({ link: `<${base}/api/v1/users?limit=200&after=${after}>; rel="next"` });

async function withGateway<T>(overrides: Partial<ConfigInput>, fn: (h: Harness) => Promise<T>): Promise<T> {
  const h = startGateway([{ id: 'okta', provider: 'okta', context: { baseUrl: base }, credentials: { apiToken: TOKEN } }], overrides);
  try {
    return await fn(h);
  } finally {
    await h.close();
  }
}

/** Walks with `first`, passing endCursor back each time, for at most `max` requests; every response kept. */
async function walkAll(h: Harness, first: number, max = 100) {
  const responses: any[] = [];
  let after: string | null = null;
  for (let n = 0; n < max; n++) {
    const res = await h.query(Q, { first, after });
    responses.push(res.body);
    const conn: any = res.body.data?.users;
    if (!conn?.pageInfo.hasNextPage) break;
    after = conn.pageInfo.endCursor;
  }
  const ids = responses.flatMap((b) => b.data?.users?.edges.map((e: any) => e.node.remoteId) ?? []);
  return { responses, ids, last: responses.at(-1), warnings: responses.flatMap((b) => b.extensions?.warnings ?? []) };
}

/** Pages by `after`: pages[key] = [records, next key or null]. */
const paged = (pages: Record<string, [unknown[], string | null]>): Handler => (req, res) => {
  const [records, next] = pages[req.query.get('after') ?? ''] ?? [[], null];
  json(res, records, next ? link(next) : {});
};

describe('loops across requests', () => {
  it('refuses a next link naming the page just fetched: hasNextPage false, isLooping, warning UPSTREAM_LOOPING', async () => {
    handler = paged({ '': [users(0, 5), 'p2'], p2: [users(5, 5), 'p2'] });
    const { ids, last, warnings } = await withGateway({}, (h) => walkAll(h, 5));
    expect(ids).toEqual(users(0, 10).map((u) => u.id));
    expect(last.data.users.pageInfo.hasNextPage).toBe(false);
    expect(last.data.users.debug.at(-1).isLooping).toBe(true);
    expect(warnings).toEqual([expect.objectContaining({ code: 'UPSTREAM_LOOPING', provider: 'okta', path: ['users'] })]);
    expect(warnings[0].message).toMatch(/looped/);
  });

  it('ends a cycle 1 → 2 → 3 → 2 walked one page per request, the client passing endCursor each time', async () => {
    handler = paged({ '': [users(0, 5), 'p2'], p2: [users(5, 5), 'p3'], p3: [users(10, 5), 'p2'] });
    for (const first of [5, 2]) {
      const { ids, last, warnings } = await withGateway({}, (h) => walkAll(h, first));
      expect(ids, `first: ${first}`).toEqual(users(0, 15).map((u) => u.id));
      expect(last.data.users.pageInfo.hasNextPage).toBe(false);
      // Each response served from the page whose next link loops says so.
      expect(last.extensions.warnings.map((w: any) => w.code)).toEqual(['UPSTREAM_LOOPING']);
      expect(new Set(warnings.map((w) => w.code))).toEqual(new Set(['UPSTREAM_LOOPING']));
    }
  });

  it('ends a cycle longer than the recent history (twelve pages, back to the third) within a bounded walk', async () => {
    const pages: Record<string, [unknown[], string | null]> = { '': [users(0, 5), 'p1'] };
    for (let p = 1; p <= 12; p++) pages[`p${p}`] = [users(p * 5, 5), p === 12 ? 'p3' : `p${p + 1}`];
    handler = paged(pages);
    const { ids, last, warnings } = await withGateway({}, (h) => walkAll(h, 5, 200));
    expect(last.data.users.pageInfo.hasNextPage).toBe(false);
    expect(warnings.map((w) => w.code)).toEqual(['UPSTREAM_LOOPING']);
    expect(new Set(ids).size).toBe(65);
    expect(ids.length).toBeLessThan(65 * 3);
  });

  it('walks an honest upstream to its end, twice, without a false alarm', async () => {
    handler = paged({ '': [users(0, 5), 'p2'], p2: [users(5, 5), 'p3'], p3: [users(10, 5), null] });
    await withGateway({}, async (h) => {
      for (let round = 0; round < 2; round++) {
        const { ids, warnings } = await walkAll(h, 3);
        expect(ids).toEqual(users(0, 15).map((u) => u.id));
        expect(warnings).toEqual([]);
      }
    });
  });
});

describe('page size', () => {
  it('walks Okta with first: 1 in about one upstream call per 200 users, not one per user', async () => {
    const okta = await startOktaSandbox();
    const h = startGateway([{ id: 'okta', provider: 'okta', context: { baseUrl: okta.url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN } }]);
    try {
      const { nodes, pages } = await walk(h, Q, {}, 1);
      const calls = okta.requests.filter((r) => r.path === '/api/v1/users');
      const n = oktaSandbox.expectedUsers!().length;
      expect(nodes.map((u) => u.remoteId)).toEqual(oktaSandbox.expectedUsers!().map((u: any) => u.id));
      expect(pages).toBe(n);
      expect(calls.length).toBeLessThanOrEqual(Math.ceil(n / 200) + 1);
      expect(calls.every((r) => r.query.get('limit') === '200')).toBe(true);
    } finally {
      await h.close();
      await okta.close();
    }
  });
});

describe('retries', () => {
  it('backs off with jitter on Retry-After: 0 and on a rate-limit reset already past; retryAfter is never below 1', async () => {
    expect(retryDelay(0, 0, { baseDelayMs: 100, maxDelayMs: 1000 }, () => 0)).toBe(50);
    expect(retryDelay(2, 0, { baseDelayMs: 100, maxDelayMs: 1000 }, () => 1)).toBe(400);
    expect(retryDelay(0, 2, { baseDelayMs: 100, maxDelayMs: 5000 }, () => 0)).toBe(2000);
    const past = String(Math.floor(Date.now() / 1000) - 120);
    for (const headers of [{ 'retry-after': '0' }, { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': past }]) {
      let n = 0;
      handler = (_req, res) => (n++ < 2 ? res.writeHead(429, { 'content-type': 'application/json', ...headers }).end('{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit"}') : json(res, users(0, 2)));
      const from = seen.length;
      const res = await withGateway({ http: { retryBaseDelayMs: 40, retryMaxDelayMs: 1000, retryMaxTotalMs: 3000, maxRetries: 3 } as never }, (h) => h.query(Q, { first: 5 }));
      expect(res.body.errors, JSON.stringify(headers)).toBeUndefined();
      const at = seen.slice(from).map((s) => s.at);
      expect(at).toHaveLength(3);
      // Equal jitter: at least half of each step (40 ms, then 80 ms), never an immediate retry.
      expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(19);
      expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(39);

      handler = (_req, res) => res.writeHead(429, { 'content-type': 'application/json', ...headers }).end('{}');
      const limited = await withGateway({}, (h) => h.query(Q, { first: 5 }));
      expect(limited.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', retryAfter: 1 });
    }
  });
});

describe('bad records', () => {
  it('skips records whose id is null, missing or an object, and reports them (warning UPSTREAM_RECORD_SKIPPED, debug)', async () => {
    const { id: _none, ...missing } = user('x');
    handler = (_req, res) => json(res, [user('u0'), user(null), user(null), missing, user({ nested: 1 }), user('u1'), user(''), user(7)]);
    const res = await withGateway({}, (h) => h.query(Q, { first: 10 }));
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.users.edges.map((e: any) => e.node.remoteId)).toEqual(['u0', 'u1', '7']);
    expect(res.body.data.users.debug[0].skippedRecords).toEqual([1, 2, 3, 4, 6]);
    expect(res.body.extensions.warnings).toEqual([expect.objectContaining({ code: 'UPSTREAM_RECORD_SKIPPED', provider: 'okta', skipped: 5, path: ['users'] })]);
    expect(JSON.stringify(res.body)).not.toContain('"null"');
  });
});

describe('bodies', () => {
  it('caps a response body while reading it (http.maxResponseBytes): UPSTREAM_BAD_RESPONSE naming the cap, the rest never read', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const total = 32 * 1024 * 1024;
    let written = 0;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      const pump = () => {
        while (written < total && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end(']');
      };
      pump();
    };
    const res = await withGateway({ http: { maxResponseBytes: 1024 * 1024 } as never }, (h) => h.query(Q, { first: 5 }));
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', provider: 'okta', maxResponseBytes: 1024 * 1024 });
    expect(res.body.errors![0].message).toContain('1 MiB');
    expect(res.body.errors![0].message).toContain('http.maxResponseBytes');
    expect(written).toBeLessThan(total);
    // A declared length over the cap is refused before reading.
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(4 * 1024 * 1024) }).end('[' + ' '.repeat(4 * 1024 * 1024 - 2) + ']');
    const declared = await withGateway({ http: { maxResponseBytes: 1024 * 1024 } as never }, (h) => h.query(Q, { first: 5 }));
    expect(declared.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', maxResponseBytes: 1024 * 1024 });
  });

  it('asks for gzip, deflate or br and decodes each; a decompression bomb stops at the cap; corrupt data is a bad response', async () => {
    const page = JSON.stringify(users(0, 3));
    for (const [coding, encode] of [['gzip', gzipSync], ['deflate', deflateSync], ['br', brotliCompressSync]] as const) {
      handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': coding }).end(encode(page));
      const from = seen.length;
      const res = await withGateway({}, (h) => h.query(Q, { first: 5 }));
      expect(res.body.errors, coding).toBeUndefined();
      expect(res.body.data.users.edges).toHaveLength(3);
      expect(seen[from]!.headers['accept-encoding']).toBe('gzip, deflate, br');
    }
    const bomb = gzipSync(Buffer.concat([Buffer.from('['), Buffer.alloc(64 * 1024 * 1024, 0x20), Buffer.from(']')]));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(bomb);
    const exploded = await withGateway({ http: { maxResponseBytes: 1024 * 1024 } as never }, (h) => h.query(Q, { first: 5 }));
    expect(exploded.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', maxResponseBytes: 1024 * 1024 });
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync(page).subarray(0, 20));
    const corrupt = await withGateway({}, (h) => h.query(Q, { first: 5 }));
    expect(corrupt.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' });
    expect(corrupt.body.errors![0].message).toContain('corrupt gzip');
    // The gateway serves good queries afterwards.
    handler = (_req, res) => json(res, users(0, 2));
    expect((await withGateway({}, (h) => h.query(Q, { first: 5 }))).body.data.users.edges).toHaveLength(2);
  });
});

describe('next links', () => {
  it('keeps the users already read when a next link is refused, stops paging and reports the link', async () => {
    for (const next of ['x:http://elsewhere.test/api/v1/users?after=u4', 'http://[oops/api/v1/users?after=u4']) {
      handler = (req, res) => (req.query.get('after') ? json(res, users(100, 5)) : json(res, users(0, 5), { link: `<${next}>; rel="next"` }));
      const from = seen.length;
      const res = await withGateway({}, (h) => h.query(Q, { first: 10 }));
      expect(res.body.errors, next).toBeUndefined();
      const conn = res.body.data.users;
      expect(conn.edges.map((e: any) => e.node.remoteId)).toEqual(users(0, 5).map((u) => u.id));
      expect(conn.pageInfo.hasNextPage).toBe(false);
      expect(conn.debug[0].refusedNextLink).toBe(next);
      expect(res.body.extensions.warnings).toEqual([expect.objectContaining({ code: 'UPSTREAM_NEXT_LINK_REFUSED', provider: 'okta', path: ['users'] })]);
      expect(seen.length - from).toBe(1);
    }
  });
});
