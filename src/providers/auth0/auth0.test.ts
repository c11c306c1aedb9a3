import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProviderConformance } from '../../../test/conformance.js';
import { startGateway, walk, type Harness } from '../../../test/helpers.js';
import type { Sandbox } from '../engine/sandbox-kit.js';
import { AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_DOMAIN, auth0Dataset, auth0Sandbox, startAuth0Sandbox } from './sandbox.js';

describeProviderConformance({ sandbox: auth0Sandbox, category: 'USER_DIRECTORY' });

// What is specific to Auth0: the Management API token (JSON body, audience), page/per_page while pages are full,
// the 1000-record window, and q searches.

const Q = `query($account: ID!, $first: Int, $after: String, $filters: UserFilter) {
  users(category: USER_DIRECTORY, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {
    edges { node { ... on DirectoryUser { remoteId status is2faEnabled roles { id name } identifiers lastLoginAt createdAt } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const LIST = /^\/api\/v2\/users$/;
const TOKEN = /^\/oauth\/token$/;

let sandbox: Sandbox;
let big: Sandbox;
let h: Harness;
const data = auth0Dataset();
const bigData = auth0Dataset(1030);
const creds = { clientId: AUTH0_CLIENT_ID, clientSecret: AUTH0_CLIENT_SECRET };
const ctx = () => ({ domain: AUTH0_DOMAIN, baseUrl: sandbox.url });

beforeAll(async () => {
  sandbox = await startAuth0Sandbox();
  big = await startAuth0Sandbox({ users: bigData });
  h = startGateway([
    { id: 'a0', provider: 'auth0', context: ctx(), credentials: creds },
    { id: 'a0-big', provider: 'auth0', context: { domain: AUTH0_DOMAIN, baseUrl: big.url }, credentials: creds },
    { id: 'a0-token-url', provider: 'auth0', context: { ...ctx(), tokenUrl: `${sandbox.url}/oauth/token?via=override` }, credentials: creds },
    { id: 'a0-audience', provider: 'auth0', context: { ...ctx(), audience: 'https://elsewhere.test/api/v2/' }, credentials: creds },
    { id: 'a0-wrong', provider: 'auth0', context: ctx(), credentials: { clientId: AUTH0_CLIENT_ID, clientSecret: 'not-the-secret-000000' } },
  ]);
});
afterAll(async () => {
  await h.close();
  await sandbox.close();
  await big.close();
});
const calls = (re: RegExp, s = sandbox) => s.requests.filter((r) => re.test(r.path));
const ext = (res: { body: { errors?: any[] } }) => res.body.errors?.[0]?.extensions;

describe('auth0: the Management API token', () => {
  it('asks for one token with a JSON body and the domain\'s audience, and reuses it across pages and requests', async () => {
    const g = startGateway([{ id: 'a0-fresh', provider: 'auth0', context: ctx(), credentials: creds }]);
    try {
      const before = calls(TOKEN).length;
      const { nodes } = await walk(g, Q, { account: 'a0-fresh', filters: {} }, 40);
      expect(nodes).toHaveLength(data.length);
      await g.query(Q, { account: 'a0-fresh', first: 3 });
      const tokens = calls(TOKEN).slice(before);
      expect(tokens).toHaveLength(1);
      expect(tokens[0]!.headers['content-type']).toContain('application/json');
      expect(tokens[0]!.body).toEqual({ grant_type: 'client_credentials', client_id: AUTH0_CLIENT_ID, client_secret: AUTH0_CLIENT_SECRET, audience: `https://${AUTH0_DOMAIN}/api/v2/` });
    } finally {
      await g.close();
    }
  });

  it('shares one token request among concurrent requests on a cold account (single-flight)', async () => {
    // Tokens are cached per client and token endpoint: another endpoint URL starts cold.
    const g = startGateway([{ id: 'a0-burst', provider: 'auth0', context: { ...ctx(), tokenUrl: `${sandbox.url}/oauth/token?cold=burst` }, credentials: creds }]);
    try {
      const before = calls(TOKEN).length;
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => g.query(Q, { account: 'a0-burst', first: 2 + i })));
      expect(results.every((r) => !r.body.errors)).toBe(true);
      expect(calls(TOKEN).length - before).toBe(1);
    } finally {
      await g.close();
    }
  });

  it('refreshes an expired token: exactly one new token request, then the list goes on', async () => {
    const short = await startAuth0Sandbox({ expiresIn: 1 });
    const g = startGateway([{ id: 'a0-short', provider: 'auth0', context: { domain: AUTH0_DOMAIN, baseUrl: short.url }, credentials: creds }]);
    try {
      expect((await g.query(Q, { account: 'a0-short', first: 2 })).body.errors).toBeUndefined();
      await new Promise((r) => setTimeout(r, 1100));
      expect((await g.query(Q, { account: 'a0-short', first: 2 })).body.errors).toBeUndefined();
      expect(calls(TOKEN, short)).toHaveLength(2);
    } finally {
      await g.close();
      await short.close();
    }
  });

  it('uses context.tokenUrl and context.audience when they are set', async () => {
    await h.query(Q, { account: 'a0-token-url', first: 2 });
    expect(calls(TOKEN).at(-1)!.query.get('via')).toBe('override');
    const res = await h.query(Q, { account: 'a0-audience', first: 2 });
    expect(calls(TOKEN).at(-1)!.body.audience).toBe('https://elsewhere.test/api/v2/');
    expect(ext(res)).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', provider: 'auth0' });
    expect(res.body.errors![0].message).toContain('Service not enabled within domain');
  });

  it('reports a refused client secret as UPSTREAM_UNAUTHORIZED with Auth0\'s reason, never the secret', async () => {
    const res = await h.query(Q, { account: 'a0-wrong', first: 2 });
    expect(ext(res)).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', provider: 'auth0', upstreamStatus: 401 });
    expect(res.body.errors![0].message).toMatch(/access_denied|Unauthorized/);
    expect(JSON.stringify(res.body)).not.toContain('not-the-secret-000000');
  });

  it('takes a ready Management API token as credentials.accessToken', async () => {
    const { auth0 } = await import('./adapter.js');
    expect(auth0.auth.description).toContain('credentials.accessToken');
    expect(auth0.baseUrl({ domain: AUTH0_DOMAIN })).toBe(`https://${AUTH0_DOMAIN}`);
    expect(auth0.baseUrl({ domain: 'not a domain/x' })).toBeUndefined();
  });
});

describe('auth0: paging and the 1000-record window', () => {
  it('pages with page (from 0), per_page ≤ 100, include_totals and a stable sort, until a page comes back short', async () => {
    const before = calls(LIST).length;
    const { nodes } = await walk(h, Q, { account: 'a0', filters: {} }, 100);
    expect(nodes.map((n) => n.remoteId)).toEqual(data.map((u) => u.user_id));
    const seen = calls(LIST).slice(before);
    expect(seen.map((r) => r.query.get('page'))).toEqual(['0', '1', '2']);
    expect(seen.every((r) => r.query.get('per_page') === '100' && r.query.get('include_totals') === 'true' && r.query.get('sort') === 'created_at:1')).toBe(true);
  });

  it('answers the window\'s end with UPSTREAM_RESULT_LIMIT naming the export job, after every user it could read', async () => {
    const got: string[] = [];
    let after: string | null = null;
    let error: any;
    for (let i = 0; i < 20; i++) {
      const res: { body: any } = await h.query(Q, { account: 'a0-big', first: 100, after });
      if (res.body.errors) { error = res.body.errors[0]; break; }
      got.push(...res.body.data.users.edges.map((e: any) => e.node.remoteId));
      if (!res.body.data.users.pageInfo.hasNextPage) break;
      after = res.body.data.users.pageInfo.endCursor;
    }
    expect(got).toEqual(bigData.slice(0, 1000).map((u) => u.user_id));
    expect(error?.extensions).toMatchObject({ code: 'UPSTREAM_RESULT_LIMIT', provider: 'auth0', upstreamStatus: 400 });
    expect(error.message).toContain('first 1000 records');
    expect(error.message).toContain('POST /api/v2/jobs/users-exports');
  });
});

describe('auth0: q searches and fields', () => {
  it('searches email upstream as a quoted Lucene phrase with search_engine=v3, whatever the case', async () => {
    const target = data[37]!;
    const { nodes } = await walk(h, Q, { account: 'a0', filters: { email: target.email!.toUpperCase() } }, 100);
    expect(nodes.map((n) => n.remoteId)).toEqual([target.user_id]);
    const last = calls(LIST).at(-1)!;
    expect(last.query.get('q')).toBe(`email:"${target.email!.toUpperCase()}"`);
    expect(last.query.get('search_engine')).toBe('v3');
  });

  it('quotes a value that holds Lucene syntax, so it matches nothing instead of widening the search', async () => {
    const { nodes } = await walk(h, Q, { account: 'a0', filters: { email: '*" OR email:*' } }, 100);
    expect(nodes).toEqual([]);
    expect(calls(LIST).at(-1)!.query.get('q')).toBe('email:"*\\" OR email:*"');
  });

  it('joins createdAfter and email with AND, createdAfter as an exclusive range', async () => {
    const pivot = data[200]!.created_at!;
    const { nodes } = await walk(h, Q, { account: 'a0', filters: { createdAfter: pivot } }, 100);
    expect(nodes.map((n) => n.remoteId)).toEqual(data.slice(201).map((u) => u.user_id));
    expect(calls(LIST).at(-1)!.query.get('q')).toBe(`created_at:{"${new Date(pivot).toISOString()}" TO *]`);
    const both = await walk(h, Q, { account: 'a0', filters: { createdAfter: pivot, email: data[210]!.email } }, 100);
    expect(both.nodes.map((n) => n.remoteId)).toEqual([data[210]!.user_id]);
    expect(calls(LIST).at(-1)!.query.get('q')).toMatch(/^email:"[^"]+" AND created_at:\{/);
  });

  it('maps blocked, multifactor, app_metadata roles, identities and logins_count', async () => {
    const { nodes } = await walk(h, Q, { account: 'a0', filters: {} }, 100);
    nodes.forEach((n, i) => {
      const u = data[i]!;
      expect(n.status).toBe(u.blocked ? 'INACTIVE' : 'ACTIVE');
      expect(n.is2faEnabled).toBe(Array.isArray(u.multifactor) ? true : null);
      expect(n.identifiers.identities[0].connection).toBe(u.identities![0]!.connection);
      expect(n.identifiers.loginsCount).toBe(u.logins_count);
    });
    expect(nodes[8].roles).toEqual([{ id: 'viewer', name: 'viewer' }, { id: 'billing', name: 'billing' }]);
    expect(nodes[16].roles).toEqual([{ id: 'rol_admin', name: 'Admin' }]);
    expect(nodes[10].lastLoginAt).toBeNull();
  });
});
