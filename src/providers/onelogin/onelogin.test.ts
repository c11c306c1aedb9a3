import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProviderConformance } from '../../../test/conformance.js';
import { startGateway, walk, type Harness } from '../../../test/helpers.js';
import type { Sandbox } from '../engine/sandbox-kit.js';
import { oneloginDataset, oneloginSandbox, ONELOGIN_CLIENT_ID, ONELOGIN_CLIENT_SECRET, startOneLoginSandbox } from './sandbox.js';

describeProviderConformance({ sandbox: oneloginSandbox, category: 'USER_DIRECTORY' });

// What is specific to OneLogin: the token endpoint on the account's origin, the After-Cursor header, statuses.

const Q = `query($account: ID!, $first: Int, $after: String, $filters: UserFilter) {
  users(category: USER_DIRECTORY, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {
    edges { node { ... on DirectoryUser { remoteId status remoteStatus createdAt } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const LIST = /^\/api\/2\/users$/;
const TOKEN = /^\/auth\/oauth2\/v2\/token$/;

let sandbox: Sandbox;
let h: Harness;
const data = oneloginDataset();
const creds = { clientId: ONELOGIN_CLIENT_ID, clientSecret: ONELOGIN_CLIENT_SECRET };

beforeAll(async () => {
  sandbox = await startOneLoginSandbox();
  h = startGateway([
    { id: 'ol', provider: 'onelogin', context: { baseUrl: sandbox.url }, credentials: creds },
    { id: 'ol-token-url', provider: 'onelogin', context: { subdomain: 'acme', baseUrl: sandbox.url, tokenUrl: `${sandbox.url}/auth/oauth2/v2/token?via=override` }, credentials: creds },
    { id: 'ol-wrong', provider: 'onelogin', context: { baseUrl: sandbox.url }, credentials: { clientId: ONELOGIN_CLIENT_ID, clientSecret: 'not-the-secret-000000' } },
  ]);
});
afterAll(async () => {
  await h.close();
  await sandbox.close();
});
const calls = (re: RegExp) => sandbox.requests.filter((r) => re.test(r.path));
const ext = (res: { body: { errors?: any[] } }) => res.body.errors?.[0]?.extensions;

describe('onelogin: client credentials', () => {
  it('asks the account\'s origin for a token with the documented form body (no scope) and reuses it across pages', async () => {
    const g = startGateway([{ id: 'ol-fresh', provider: 'onelogin', context: { baseUrl: sandbox.url }, credentials: creds }]);
    try {
      const before = calls(TOKEN).length;
      const { nodes } = await walk(g, Q, { account: 'ol-fresh', filters: {} }, 40);
      expect(nodes).toHaveLength(data.length);
      const tokens = calls(TOKEN).slice(before);
      expect(tokens).toHaveLength(1);
      expect(tokens[0]!.headers['content-type']).toContain('application/x-www-form-urlencoded');
      expect(tokens[0]!.body).toEqual({ grant_type: 'client_credentials', client_id: ONELOGIN_CLIENT_ID, client_secret: ONELOGIN_CLIENT_SECRET });
      expect(calls(LIST).at(-1)!.headers.authorization).toMatch(/^Bearer olsbx/);
    } finally {
      await g.close();
    }
  });

  it('uses context.tokenUrl when it is set', async () => {
    await h.query(Q, { account: 'ol-token-url', first: 2 });
    expect(calls(TOKEN).at(-1)!.query.get('via')).toBe('override');
  });

  it('reports a refused client secret as UPSTREAM_UNAUTHORIZED with OneLogin\'s reason, never the secret', async () => {
    const res = await h.query(Q, { account: 'ol-wrong', first: 2 });
    expect(ext(res)).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', provider: 'onelogin', upstreamStatus: 401 });
    expect(res.body.errors![0].message).toMatch(/invalid client credentials|invalid_client/i);
    expect(JSON.stringify(res.body)).not.toContain('not-the-secret-000000');
  });

  it('derives https://{subdomain}.onelogin.com for the API and the token endpoint', async () => {
    const { onelogin } = await import('./adapter.js');
    expect(onelogin.baseUrl({ subdomain: 'acme' })).toBe('https://acme.onelogin.com');
    expect(onelogin.baseUrl({ subdomain: 'not a subdomain' })).toBeUndefined();
  });
});

describe('onelogin: paging', () => {
  it('sends the After-Cursor header value back as `cursor`, limit ≤ 100, and stops when the header is gone', async () => {
    const before = calls(LIST).length;
    const { nodes } = await walk(h, Q, { account: 'ol', filters: {} }, 100);
    expect(nodes.map((n) => n.remoteId)).toEqual(data.map((u) => String(u.id)));
    const seen = calls(LIST).slice(before);
    expect(seen[0]!.query.get('cursor')).toBeNull();
    expect(seen.slice(1).every((r) => /^[A-Za-z0-9+/]+=*$/.test(r.query.get('cursor') ?? ''))).toBe(true);
    expect(seen.every((r) => Number(r.query.get('limit')) <= 100)).toBe(true);
  });

  it('reports OneLogin\'s rejection of a cursor as UPSTREAM_BAD_REQUEST', async () => {
    // A full upstream page (100), so that the next one is asked for with OneLogin's cursor.
    const first = await h.query(Q, { account: 'ol', first: 100 });
    sandbox.inject({ match: LIST, status: 400, body: { statusCode: 400, name: 'BadRequest', message: 'Invalid cursor' } });
    const res = await h.query(Q, { account: 'ol', first: 5, after: first.body.data.users.pageInfo.endCursor });
    expect(ext(res)).toMatchObject({ code: 'UPSTREAM_BAD_REQUEST', upstreamStatus: 400 });
    expect(res.body.errors![0].message).toContain('Invalid cursor');
  });

  it('waits out a 429 by X-RateLimit-Reset (seconds left) and reports a long one with retryAfter', async () => {
    sandbox.inject({ match: LIST, status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '900' }, body: { statusCode: 429, name: 'TooManyRequests', message: 'Rate limit exceeded' } });
    const res = await h.query(Q, { account: 'ol', first: 2 });
    expect(ext(res)).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', provider: 'onelogin', retryAfter: 900 });
  });

  it('passes createdAfter upstream as created_since and keeps it strict', async () => {
    const pivot = data[100]!.created_at!;
    const { nodes } = await walk(h, Q, { account: 'ol', filters: { createdAfter: pivot } }, 100);
    expect(calls(LIST).at(-1)!.query.get('created_since')).toBe(new Date(pivot).toISOString());
    expect(nodes.map((n) => n.remoteId)).toEqual(data.filter((u) => Date.parse(u.created_at!) > Date.parse(pivot)).map((u) => String(u.id)));
  });
});

describe('onelogin: statuses', () => {
  it('maps 1 to ACTIVE, 0 and 7 to INVITED and the sign-in blocking ones to INACTIVE, naming each', async () => {
    const { nodes } = await walk(h, Q, { account: 'ol', filters: {} }, 100);
    const byStatus = new Map<number, Set<string>>();
    nodes.forEach((n, i) => {
      const s = data[i]!.status!;
      byStatus.set(s, (byStatus.get(s) ?? new Set()).add(`${n.status}:${n.remoteStatus}`));
    });
    expect(Object.fromEntries([...byStatus].map(([k, v]) => [k, [...v]]))).toEqual({
      0: ['INVITED:unactivated'], 1: ['ACTIVE:active'], 2: ['INACTIVE:suspended'], 3: ['INACTIVE:locked'], 4: ['INACTIVE:password_expired'],
      5: ['INACTIVE:awaiting_password_reset'], 7: ['INVITED:password_pending'], 8: ['INACTIVE:security_questions_required'],
    });
  });
});
