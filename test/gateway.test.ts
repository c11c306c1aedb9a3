// Cross-cutting behaviour through real HTTP: auth and tenancy, Relay cursors, errors, batching, guards.
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT_TOKEN, startGateway, walk, type Harness } from './helpers.js';
import { startSandbox, type Sandbox } from '../src/providers/engine/sandbox-kit.js';
import { okta } from '../src/providers/okta/adapter.js';
import { oktaDataset, OKTA_SANDBOX_TOKEN, startOktaSandbox } from '../src/providers/okta/sandbox.js';

const Q = `query($account: ID!, $first: Int, $after: String, $filters: UserFilter, $remoteQuery: JSON) {
  users(category: USER_DIRECTORY, integratedAccountId: $account, first: $first, after: $after, filters: $filters, remoteQuery: $remoteQuery) {
    edges { cursor node { ... on DirectoryUser { id remoteId name } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;
const listed = oktaDataset().filter((u) => u.status !== 'DEPROVISIONED');
const creds = { apiToken: OKTA_SANDBOX_TOKEN };

let sandbox: Sandbox;
let h: Harness;
beforeAll(async () => {
  sandbox = await startOktaSandbox();
  h = startGateway([
    { id: 'okta-a', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: creds },
    { id: 'okta-b', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: creds },
    { id: 'okta-globex', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: creds, tenant: 'globex' },
  ]);
});
afterAll(async () => {
  await h.close();
  await sandbox.close();
});

const code = (res: { body: { errors?: any[] } }) => res.body.errors?.[0]?.extensions?.code;

describe('authentication and tenancy', () => {
  it('answers HTTP 401 UNAUTHENTICATED without a token or with an unknown one', async () => {
    for (const token of [null, 'not-a-known-token-1234567890']) {
      const res = await h.query('{ providers { slug } }', {}, token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(code(res)).toBe('UNAUTHENTICATED');
    }
  });

  it("treats another tenant's account exactly like a missing one", async () => {
    const foreign = await h.query(Q, { account: 'okta-globex' });
    const missing = await h.query(Q, { account: 'no-such-account' });
    expect(code(foreign)).toBe('INTEGRATED_ACCOUNT_NOT_FOUND');
    expect(code(missing)).toBe('INTEGRATED_ACCOUNT_NOT_FOUND');
    expect(foreign.body.errors![0].message.replace('okta-globex', 'X')).toBe(missing.body.errors![0].message.replace('no-such-account', 'X'));
    const own = await h.query(Q, { account: 'okta-globex', first: 1 }, OTHER_TENANT_TOKEN);
    expect(own.body.data.users.edges).toHaveLength(1);
  });

  it('refuses a category that is not the account\'s', async () => {
    const res = await h.query('query($a: ID!) { users(category: TICKETING, integratedAccountId: $a) { edges { cursor } } }', { a: 'okta-a' });
    expect(code(res)).toBe('CATEGORY_MISMATCH');
  });
});

describe('Relay pagination', () => {
  it('rejects first outside 1–100 and any backward paging', async () => {
    expect(code(await h.query(Q, { account: 'okta-a', first: 0 }))).toBe('BAD_USER_INPUT');
    expect(code(await h.query(Q, { account: 'okta-a', first: 101 }))).toBe('BAD_USER_INPUT');
    const back = await h.query('query($a: ID!) { users(category: USER_DIRECTORY, integratedAccountId: $a, last: 5) { edges { cursor } } }', { a: 'okta-a' });
    expect(code(back)).toBe('BACKWARD_PAGINATION_UNSUPPORTED');
  });

  it('defaults first to 50 and splits or joins upstream pages for any first', async () => {
    const res = await h.query(Q, { account: 'okta-a' });
    expect(res.body.data.users.edges).toHaveLength(50);
    for (const first of [3, 64, 100]) {
      const { nodes } = await walk(h, Q, { account: 'okta-a' }, first);
      expect(nodes.map((n) => n.remoteId)).toEqual(listed.map((u) => u.id));
    }
  });

  it('resumes from any edge cursor, not only endCursor', async () => {
    const page = await h.query(Q, { account: 'okta-a', first: 10 });
    const third = page.body.data.users.edges[2];
    const next = await h.query(Q, { account: 'okta-a', first: 3, after: third.cursor });
    expect(next.body.data.users.edges.map((e: any) => e.node.remoteId)).toEqual(listed.slice(3, 6).map((u) => u.id));
  });

  it('rejects forged, truncated, foreign-account and other-filter cursors without calling upstream', async () => {
    const page = await h.query(Q, { account: 'okta-a', first: 2 });
    const cursor: string = page.body.data.users.pageInfo.endCursor;
    const [data, offset, sig] = cursor.split('.');
    // The page part is sealed: any changed byte (here the last state byte) breaks the signature.
    const sealed = Buffer.from(data!, 'base64url');
    sealed.writeUInt8(sealed.readUInt8(sealed.length - 1) ^ 1, sealed.length - 1);
    const forged = `${sealed.toString('base64url')}.${offset}.${sig}`;
    const otherOffset = `${data}.${Number(offset) + 1}.${sig}`;
    const before = sandbox.requests.length;
    for (const [account, after, filters] of [
      ['okta-a', forged, undefined],
      ['okta-a', otherOffset, undefined],
      ['okta-a', cursor.slice(0, -5), undefined],
      ['okta-a', 'garbage', undefined],
      ['okta-b', cursor, undefined],
      ['okta-a', cursor, { status: 'ACTIVE' }],
    ] as const) {
      const res = await h.query(Q, { account, after, filters });
      expect(code(res)).toBe('INVALID_CURSOR');
    }
    expect(sandbox.requests.length).toBe(before);
  });
});

describe('GraphQL over HTTP', () => {
  it('coerces variables before execution: input defaults apply, bad values are BAD_USER_INPUT with HTTP 400', async () => {
    const sorted = await h.query(`query($f: UserFilter) { users(category: USER_DIRECTORY, integratedAccountId: "okta-a", first: 1, filters: $f) { edges { cursor } } }`, { f: { sort: { field: 'NAME' } } });
    // Okta cannot sort: the point is that the default direction was applied and the filter reached the engine.
    expect(code(sorted)).toBe('UNSUPPORTED_FILTER');
    const since = await h.query(`query($f: UserFilter) { users(category: USER_DIRECTORY, integratedAccountId: "okta-a", first: 2, filters: $f) { edges { cursor } } }`, { f: { createdAfter: '2023-06-01T00:00:00Z' } });
    expect(since.body.errors).toBeUndefined();
    const badEnum = await h.query(`query($c: Category) { providers(category: $c) { slug } }`, { c: 'NOPE' });
    expect([badEnum.status, code(badEnum)]).toEqual([400, 'BAD_USER_INPUT']);
    const missing = await h.query(`query($c: Category!) { providers(category: $c) { slug } }`, {});
    expect([missing.status, code(missing)]).toEqual([400, 'BAD_USER_INPUT']);
  });

  it('refuses mutations and subscriptions as invalid documents, not server errors', async () => {
    for (const doc of ['mutation { __typename }', 'subscription { x }']) {
      const res = await h.query(doc);
      expect(res.status, doc).toBe(200); // application/json: validation errors answer 200 (GraphQL over HTTP)
      expect(code(res)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(res.body.errors![0].message).toContain('only answers queries');
    }
  });
});

describe('batching and debug', () => {
  it('makes one upstream call for aliases asking the same thing', async () => {
    const before = sandbox.requests.length;
    const res = await h.query(`query($a: ID!) {
      one: users(category: USER_DIRECTORY, integratedAccountId: $a, first: 5) { edges { node { ... on DirectoryUser { remoteId } } } }
      two: users(category: USER_DIRECTORY, integratedAccountId: $a, first: 5) { edges { node { ... on DirectoryUser { name } } } }
    }`, { a: 'okta-a' });
    expect(res.body.data.one.edges).toHaveLength(5);
    expect(sandbox.requests.length - before).toBe(1);
  });

  it('records upstream calls only when debug is selected, secrets redacted', async () => {
    const res = await h.query(`query($a: ID!) { users(category: USER_DIRECTORY, integratedAccountId: $a, first: 250) { edges { cursor } } }`, { a: 'okta-a' });
    expect(code(res)).toBe('BAD_USER_INPUT');
    const dbg = await h.query(`query($a: ID!) { users(category: USER_DIRECTORY, integratedAccountId: $a, first: 100, remoteQuery: { token: "x-secret-value" }) {
      edges { cursor } debug { method url status retries resultCount nextCursor isLooping isEmptyResult responseHeaders { name value } } } }`, { a: 'okta-a' });
    const calls = dbg.body.data.users.debug;
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: 'GET', status: 200, retries: 0, resultCount: 200, isLooping: false, isEmptyResult: false });
    expect(calls[0].url).toContain('/api/v1/users?');
    expect(calls[0].url).toContain('token=%5BREDACTED%5D');
    expect(calls[0].nextCursor).toContain('after=');
    expect(calls[0].responseHeaders.map((x: any) => x.name)).toContain('x-rate-limit-remaining');
  });

  it('passes remoteQuery through but never lets it override paging', async () => {
    await h.query(Q, { account: 'okta-a', first: 4, remoteQuery: { limit: 1, after: 'evil', expand: 'classification' } });
    const q = sandbox.requests.at(-1)!.query;
    expect(q.get('limit')).toBe('200'); // the upstream's full page, whatever first is
    expect(q.get('after')).toBeNull();
    expect(q.get('expand')).toBe('classification');
  });

  it('resolves node and nodes by global id, and hides other tenants\' users', async () => {
    const page = await h.query(Q, { account: 'okta-a', first: 3 });
    const ids = page.body.data.users.edges.map((e: any) => e.node.id);
    const res = await h.query(`query($ids: [ID!]!, $id: ID!) { node(id: $id) { id ... on DirectoryUser { remoteId } } nodes(ids: $ids) { id } }`, { ids, id: ids[1] });
    expect(res.body.data.node).toEqual({ id: ids[1], remoteId: listed[1]!.id });
    expect(res.body.data.nodes.map((n: any) => n.id)).toEqual(ids);
    const foreign = await h.query(`query($id: ID!) { node(id: $id) { id } }`, { id: ids[0] }, OTHER_TENANT_TOKEN);
    expect(foreign.body.data.node).toBeNull();
    const bad = await h.query(`query { node(id: "%%%not-an-id") { id } }`);
    expect(code(bad)).toBe('BAD_USER_INPUT');
    const tooMany = await h.query(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: Array.from({ length: 101 }, () => ids[0]) });
    expect(code(tooMany)).toBe('BAD_USER_INPUT');
  });
});

describe('engine safeguards', () => {
  it('refuses private upstreams unless allowPrivateUpstreams is set, before any request', async () => {
    const strict = startGateway([{ id: 'okta-local', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: creds }], { allowPrivateUpstreams: false });
    const before = sandbox.requests.length;
    const res = await strict.query(Q, { account: 'okta-local' });
    expect(code(res)).toBe('PRIVATE_UPSTREAM_REFUSED');
    expect(sandbox.requests.length).toBe(before);
    const named = startGateway([{ id: 'okta-named', provider: 'okta', context: { baseUrl: `http://localhost:${new URL(sandbox.url).port}` }, credentials: creds }], { allowPrivateUpstreams: false });
    expect(code(await named.query(Q, { account: 'okta-named' }))).toBe('PRIVATE_UPSTREAM_REFUSED');
    await strict.close();
    await named.close();
  });

  it('stops and reports when the upstream returns the same next link twice', async () => {
    const loop = await startSandbox({
      name: 'looping-okta',
      authenticate: () => true,
      unauthorized: { status: 401 },
      notFound: { status: 404 },
      routes: [{ method: 'GET', path: /^\/api\/v1\/users$/, handle: (req) => ({ body: [{ id: `u-${req.query.get('after') ?? 'first'}`, status: 'ACTIVE', profile: {} }], headers: { link: `<${req.origin}/api/v1/users?after=same&limit=200>; rel="next"` } }) }],
    });
    const g = startGateway([{ id: 'loop', provider: 'okta', context: { baseUrl: loop.url }, credentials: creds }]);
    const res = await g.query(`query { users(category: USER_DIRECTORY, integratedAccountId: "loop", first: 10) { edges { cursor } pageInfo { hasNextPage } debug { isLooping } } }`);
    expect(res.body.data.users.edges).toHaveLength(2);
    expect(res.body.data.users.pageInfo.hasNextPage).toBe(false);
    expect(res.body.data.users.debug.map((d: any) => d.isLooping)).toEqual([false, true]);
    expect(loop.requests).toHaveLength(2);
    await g.close();
    await loop.close();
  });

  it('re-checks upstream-served filters, so an upstream that ignores a parameter cannot widen the result', async () => {
    const users = oktaDataset().slice(0, 30);
    const deaf = await startSandbox({
      name: 'okta-ignoring-search',
      authenticate: () => true,
      unauthorized: { status: 401 },
      notFound: { status: 404 },
      routes: [{ method: 'GET', path: /^\/api\/v1\/users$/, handle: () => ({ body: users }) }],
    });
    const g = startGateway([{ id: 'deaf', provider: 'okta', context: { baseUrl: deaf.url }, credentials: creds }]);
    const res = await g.query(Q, { account: 'deaf', filters: { email: users[7]!.profile!.email } });
    expect(deaf.requests[0]!.query.get('search')).toMatch(new RegExp(`^\\(profile\\.email eq "${users[7]!.profile!.email}"`));
    expect(res.body.data.users.edges.map((e: any) => e.node.remoteId)).toEqual([users[7]!.id]);
    await g.close();
    await deaf.close();
  });

  it('filters in memory up to maxScan records, then answers with a cursor to continue', async () => {
    const g = startGateway([{ id: 'okta-scan', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: creds }], { limits: { maxScan: 40, maxJoinPages: 5 } });
    const expected = listed.filter((u) => (okta.map(u, {}).name ?? '').toLowerCase().includes('an')).map((u) => u.id);
    const first = await g.query(Q, { account: 'okta-scan', first: 100, filters: { name: 'an' } });
    const conn = first.body.data.users;
    expect(conn.edges.length).toBeLessThan(expected.length);
    expect(conn.pageInfo.hasNextPage).toBe(true);
    const { nodes } = await walk(g, Q, { account: 'okta-scan', filters: { name: 'an' } }, 100);
    expect(nodes.map((n) => n.remoteId)).toEqual(expected);
    await g.close();
  });

  it('retries 503 then succeeds, and does not retry a 500', async () => {
    sandbox.inject({ status: 503, body: { errorCode: 'E0000009', errorSummary: 'Internal Server Error' }, times: 2 });
    const ok = await h.query(`query { users(category: USER_DIRECTORY, integratedAccountId: "okta-a", first: 1) { edges { cursor } debug { retries status } } }`);
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.users.debug[0]).toEqual({ retries: 2, status: 200 });
    sandbox.inject({ status: 500, body: { errorCode: 'E0000009', errorSummary: 'Internal Server Error' } });
    const before = sandbox.requests.length;
    const res = await h.query(Q, { account: 'okta-a', first: 2 });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: 'okta', upstreamStatus: 500 });
    expect(sandbox.requests.length - before).toBe(1);
  });

  it('never follows a redirect, and says so', async () => {
    sandbox.inject({ status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data' } });
    const before = sandbox.requests.length;
    const res = await h.query(Q, { account: 'okta-a', first: 2 });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', provider: 'okta', upstreamStatus: 302 });
    expect(res.body.errors![0].message).toContain('redirect');
    expect(sandbox.requests.length - before).toBe(1);
  });

  it('honours the rate-limit reset header when there is no Retry-After', async () => {
    sandbox.inject({ status: 429, headers: { 'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 3600) }, body: { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' } });
    const res = await h.query(Q, { account: 'okta-a', first: 2 });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', upstreamStatus: 429 });
    expect(res.body.errors![0].extensions.retryAfter).toBeGreaterThan(3500);
  });

  it('times out a stalled upstream as UPSTREAM_UNAVAILABLE', async () => {
    const g = startGateway([{ id: 'okta-slow', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: creds }], {
      http: { headersTimeoutMs: 100, bodyTimeoutMs: 100, connectTimeoutMs: 500, maxRetries: 0, retryBaseDelayMs: 1, retryMaxDelayMs: 1, retryMaxTotalMs: 100 },
    });
    sandbox.inject({ delayMs: 2000 }); // undici checks timeouts on a coarse (~0.5 s) clock
    const res = await g.query(Q, { account: 'okta-slow', first: 1 });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: 'okta' });
    expect(res.body.errors![0].message).toMatch(/timed out|did not answer within/);
    await g.close();
  });

  it('logs one line per request, with operation, status and duration but no headers', async () => {
    const from = h.logs.length;
    await h.query(`query ListSome { users(category: USER_DIRECTORY, integratedAccountId: "okta-a", first: 1) { edges { cursor } } }`);
    const lines = h.logs.slice(from).map((l) => JSON.parse(l));
    const request = lines.find((l) => l.msg === 'request');
    expect(request).toMatchObject({ method: 'POST', path: '/graphql', operation: 'ListSome', status: 200 });
    expect(typeof request.durationMs).toBe('number');
    expect(JSON.stringify(lines)).not.toMatch(/authorization|Bearer/i);
  });

  it('accepts a full directory page but rejects documents that would fan out without bound', async () => {
    const full = await h.query(`query($a: ID!) { users(category: USER_DIRECTORY, integratedAccountId: $a, first: 100) { edges { cursor node { ... on DirectoryUser {
      id remoteId name firstName lastName username emails { email isPrimary type } status remoteStatus statusChangedAt activatedAt avatar bio externalId
      groups { id name organization } identifiers is2faEnabled isEmailVerified languages lastActiveAt lastLoginAt licenses { id name lastActiveAt organization }
      organizations { id name } phones { number extension type } roles { id name group organization workspace } timezone title urls { url type } userType
      workspaces { id name } createdAt updatedAt remoteData } } } pageInfo { hasNextPage endCursor } debug { url status } } }`, { a: 'okta-a' });
    expect(full.body.errors).toBeUndefined();
    const aliases = Array.from({ length: 30 }, (_, i) => `u${i}: users(category: USER_DIRECTORY, integratedAccountId: "okta-a", first: 1) { edges { cursor } }`).join('\n');
    const before = sandbox.requests.length;
    const fanOut = await h.query(`{ ${aliases} }`);
    expect(fanOut.body.errors![0].message).toMatch(/aliases/i);
    expect(code(fanOut)).toBe('QUERY_TOO_COMPLEX');
    expect(sandbox.requests.length).toBe(before);
    const intro = await h.query(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, inputValueDeprecation: true }));
    expect(intro.body.errors).toBeUndefined(); // GraphiQL's own introspection must pass
  });

  it('locates resolver errors in the document, as graphql-js does', async () => {
    const res = await h.query(`{\n  ok: providers { slug }\n  broken: users(category: USER_DIRECTORY, integratedAccountId: "nope") { edges { cursor } }\n}`);
    expect(res.body.errors![0]).toMatchObject({ path: ['broken'], locations: [{ line: 3, column: 3 }], extensions: { code: 'INTEGRATED_ACCOUNT_NOT_FOUND' } });
  });

  it('never leaks a stack trace', async () => {
    const res = await h.query(Q, { account: 'okta-a', filters: { teamId: 'x' } });
    expect(res.text).not.toMatch(/\bat .*\.ts:\d+/);
    expect(JSON.stringify(res.body.errors)).not.toContain('stack');
  });
});
