// The HTTP surface a browser or a GraphQL client meets: refusals, caching, CORS, GraphiQL, persisted
// queries, batching, and the log lines each request leaves.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, TENANT_TOKEN, transcript, type Harness } from './helpers.js';
import type { ConfigInput } from '../src/config.js';
import { startOktaSandbox, OKTA_SANDBOX_TOKEN } from '../src/providers/okta/sandbox.js';
import type { Sandbox } from '../src/providers/engine/sandbox-kit.js';

const auth = { authorization: `Bearer ${TENANT_TOKEN}` };
const json = { 'content-type': 'application/json', ...auth };
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

let okta: Sandbox;
beforeAll(async () => {
  okta = await startOktaSandbox();
});
afterAll(() => okta.close());

async function withGateway(overrides: Partial<ConfigInput>, fn: (h: Harness, fetch: (path: string, init?: RequestInit) => Promise<{ status: number; headers: Headers; text: string; body: any }>) => Promise<void>) {
  const h = startGateway([{ id: 'okta', provider: 'okta', context: { baseUrl: okta.url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN } }], overrides);
  const fetch = async (path: string, init: RequestInit = {}) => {
    const res = await h.gateway.yoga.fetch(`http://gateway.test${path}`, init);
    const text = await res.text();
    transcript.push(text);
    let body: any;
    try {
      body = JSON.parse(text);
    } catch { /* html */ }
    return { status: res.status, headers: res.headers, text, body };
  };
  try {
    await fn(h, fetch);
  } finally {
    await h.close();
  }
}

describe('refusals', () => {
  it('answers a text/plain POST with 415 and a GraphQL error body with a code', () =>
    withGateway({}, async (_h, fetch) => {
      const res = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'text/plain', ...auth }, body: '{"query":"{ __typename }"}' });
      expect(res.status).toBe(415);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body.errors[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(res.body.errors[0].message).toMatch(/application\/json/);
    }));

  it('answers an unknown path with 404 NOT_FOUND naming the endpoint', () =>
    withGateway({}, async (_h, fetch) => {
      const res = await fetch('/graphq', { headers: auth });
      expect(res.status).toBe(404);
      expect(res.body.errors[0]).toMatchObject({ message: expect.stringContaining('/graphql'), extensions: { code: 'NOT_FOUND' } });
    }));

  it('refuses a batched (JSON array) request with 400 BAD_REQUEST: one operation per request', () =>
    withGateway({}, async (_h, fetch) => {
      const res = await fetch('/graphql', { method: 'POST', headers: json, body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]) });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(res.body.data).toBeUndefined();
    }));
});

describe('caching and CORS', () => {
  it('marks GET responses private, no-store and varying by Authorization', () =>
    withGateway({}, async (_h, fetch) => {
      const res = await fetch(`/graphql?query=${encodeURIComponent('{ providers { slug } }')}`, { headers: { ...auth, accept: 'application/json' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      expect(res.headers.get('vary')).toMatch(/\bAuthorization\b/);
    }));

  const preflight = (origin: string) => ({ method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });

  it('allows no cross-origin caller by default when configured from a file', () =>
    withGateway({}, async (_h, fetch) => {
      const pre = await fetch('/graphql', preflight('https://evil.test'));
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      const post = await fetch('/graphql', { method: 'POST', headers: { ...json, origin: 'https://evil.test' }, body: '{"query":"{ __typename }"}' });
      expect(post.headers.get('access-control-allow-origin')).toBeNull();
      expect(post.headers.get('access-control-allow-credentials')).toBeNull();
    }));

  it('allows the cors.origins allowlist, with Access-Control-Max-Age and never credentials', () =>
    withGateway({ cors: { origins: ['https://app.example.com', 'http://localhost:5173'], maxAge: 300 } }, async (_h, fetch) => {
      const pre = await fetch('/graphql', preflight('http://localhost:5173'));
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      expect(pre.headers.get('access-control-max-age')).toBe('300');
      expect(pre.headers.get('access-control-allow-headers')).toMatch(/authorization/);
      expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
      expect(pre.headers.get('vary')).toMatch(/\bOrigin\b/);
      expect((await fetch('/graphql', preflight('https://evil.test'))).headers.get('access-control-allow-origin')).toBeNull();
    }));

  it('with "*" allows any origin, still without credentials', () =>
    withGateway({ cors: { origins: ['*'] } }, async (_h, fetch) => {
      const post = await fetch('/graphql', { method: 'POST', headers: { ...json, origin: 'https://anywhere.test' }, body: '{"query":"{ __typename }"}' });
      expect(post.headers.get('access-control-allow-origin')).toBe('https://anywhere.test');
      expect(post.headers.get('access-control-allow-credentials')).toBeNull();
    }));
});

describe('GraphiQL', () => {
  const browser = { accept: 'text/html,application/xhtml+xml' };
  it('is off by default with a config file, and says how to turn it on', () =>
    withGateway({}, async (_h, fetch) => {
      const res = await fetch('/graphql', { headers: browser });
      expect(res.text).not.toMatch(/<html/i);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.body.errors[0].message).toMatch(/"graphiql": true/);
      expect(res.body.errors[0].extensions.code).toEqual(expect.any(String));
    }));

  it('is served with "graphiql": true', () =>
    withGateway({ graphiql: true }, async (_h, fetch) => {
      const res = await fetch('/graphql', { headers: browser });
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/<title>Rollcall<\/title>/);
    }));
});

describe('automatic persisted queries', () => {
  const query = '{ providers { slug } }';
  const ext = (q: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256(q) } });

  it('answers an unknown hash with PERSISTED_QUERY_NOT_FOUND, then serves it once registered (POST and GET)', () =>
    withGateway({}, async (_h, fetch) => {
      const miss = await fetch('/graphql', { method: 'POST', headers: json, body: JSON.stringify({ extensions: ext(query) }) });
      expect(miss.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect(miss.body.errors[0].message).toBe('PersistedQueryNotFound'); // what Apollo's link matches on
      const register = await fetch('/graphql', { method: 'POST', headers: json, body: JSON.stringify({ query, extensions: ext(query) }) });
      expect(register.body.data.providers.length).toBeGreaterThan(0);
      const hit = await fetch('/graphql', { method: 'POST', headers: json, body: JSON.stringify({ extensions: ext(query) }) });
      expect(hit.body).toEqual(register.body);
      const get = await fetch(`/graphql?extensions=${encodeURIComponent(JSON.stringify(ext(query)))}`, { headers: { ...auth, accept: 'application/json' } });
      expect(get.body).toEqual(register.body);
    }));

  it('refuses a query whose hash does not match', () =>
    withGateway({}, async (_h, fetch) => {
      const res = await fetch('/graphql', { method: 'POST', headers: json, body: JSON.stringify({ query, extensions: ext('{ something else }') }) });
      expect(res.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_MISMATCH');
    }));

  it('keeps a bounded store: past apq.maxEntries the oldest query is forgotten', () =>
    withGateway({ apq: { maxEntries: 2 } }, async (_h, fetch) => {
      const qs = ['{ a: providers { slug } }', '{ b: providers { slug } }', '{ c: providers { slug } }'];
      for (const q of qs) await fetch('/graphql', { method: 'POST', headers: json, body: JSON.stringify({ query: q, extensions: ext(q) }) });
      const codes = [];
      for (const q of qs) codes.push((await fetch('/graphql', { method: 'POST', headers: json, body: JSON.stringify({ extensions: ext(q) }) })).body.errors?.[0]?.extensions?.code ?? 'OK');
      expect(codes).toEqual(['PERSISTED_QUERY_NOT_FOUND', 'OK', 'OK']);
    }));

  it('can be turned off', () =>
    withGateway({ apq: { enabled: false } }, async (_h, fetch) => {
      const res = await fetch('/graphql', { method: 'POST', headers: json, body: JSON.stringify({ extensions: ext(query) }) });
      expect(res.body.errors[0].extensions.code).not.toBe('PERSISTED_QUERY_NOT_FOUND');
    }));
});

describe('request logs', () => {
  const lines = (h: Harness) => h.logs.flatMap((l) => l.split('\n')).filter(Boolean).map((l) => JSON.parse(l));

  it('tags every line of a request with its id, tenant and account; upstream calls at debug with a redacted URL', () =>
    withGateway({}, async (h, fetch) => {
      const q = `{ ok: users(category: USER_DIRECTORY, integratedAccountId: "okta", first: 2) { edges { cursor } }
                  bad: users(category: TICKETING, integratedAccountId: "okta", first: 2) { edges { cursor } } }`;
      const res = await fetch('/graphql', { method: 'POST', headers: { ...json, 'x-request-id': 'req-42' }, body: JSON.stringify({ query: q }) });
      expect(res.headers.get('x-request-id')).toBe('req-42');
      const mine = lines(h).filter((l) => l.reqId === 'req-42');
      expect(lines(h).length).toBe(mine.length); // nothing of this request is untagged
      // The tenant is known once the token is checked: every line from then on carries it.
      const fromAuth = mine.slice(mine.findIndex((l) => l.tenant));
      expect(fromAuth.length).toBeGreaterThanOrEqual(3);
      expect(fromAuth.every((l) => l.tenant === 'acme')).toBe(true);
      const call = mine.find((l) => l.msg === 'upstream call');
      expect(call).toMatchObject({ level: 20, accountId: 'okta', provider: 'okta', method: 'GET', status: 200, retries: 0, durationMs: expect.any(Number) });
      expect(call.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/users\?limit=200$/); // the full upstream page, whatever first is
      expect(mine.find((l) => l.code === 'CATEGORY_MISMATCH')).toMatchObject({ accountId: 'okta', path: 'bad' });
      expect(mine.find((l) => l.msg === 'request')).toMatchObject({ accountIds: ['okta'], status: 200 });
    }));

  it('makes a request id when the caller sends none (or an unusable one), and keeps requests apart', () =>
    withGateway({}, async (h, fetch) => {
      const a = await fetch('/graphql', { method: 'POST', headers: json, body: '{"query":"{ __typename }"}' });
      const b = await fetch('/graphql', { method: 'POST', headers: { ...json, 'x-request-id': 'bad id\twith spaces' }, body: '{"query":"{ __typename }"}' });
      const ids = [a.headers.get('x-request-id'), b.headers.get('x-request-id')];
      expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(ids[1]).toMatch(/^[0-9a-f-]{36}$/);
      expect(ids[0]).not.toBe(ids[1]);
      expect(lines(h).filter((l) => l.msg === 'request').map((l) => l.reqId)).toEqual(ids);
    }));
});
