// Linear: the shared provider contract, then only what is specific to Linear (GraphQL documents and
// variables, the two credential kinds, body-served filters, errors in 200 and 400 bodies, epoch-ms resets).
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProviderConformance } from '../../../test/conformance.js';
import { startGateway, walk, type Harness } from '../../../test/helpers.js';
import type { Sandbox } from '../engine/sandbox-kit.js';
import { LINEAR_PAGE_MAX, LINEAR_USER_QUERY, LINEAR_USERS_BY_IDS_QUERY, LINEAR_USERS_QUERY, toUnified } from './adapter.js';
import { complexityOf, MAX_QUERY_COMPLEXITY } from './sandbox-graphql.js';
import { LINEAR_SANDBOX_API_KEY, LINEAR_SANDBOX_OAUTH_TOKEN, linearDataset, linearOrder, linearSandbox, startLinearSandbox } from './sandbox.js';

describeProviderConformance({ sandbox: linearSandbox, category: 'TICKETING' });

const Q = `query($account: ID!, $first: Int, $after: String, $filters: UserFilter, $rq: JSON) {
  users(category: TICKETING, integratedAccountId: $account, first: $first, after: $after, filters: $filters, remoteQuery: $rq) {
    edges { cursor node { ... on TicketingUser { id remoteId name username emails { email } isActive roles { id } teamIds remoteData } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on TicketingUser { remoteId } } }`;

let sandbox: Sandbox;
let h: Harness;
const data = linearDataset();
const newestFirst = linearOrder(data);
const graphqlCalls = () => sandbox.requests.filter((r) => r.path === '/graphql');
const ids = (res: any) => res.body.data.users.edges.map((e: any) => e.node.remoteId);

beforeAll(async () => {
  sandbox = await startLinearSandbox();
  h = startGateway([
    { id: 'lin-key', provider: 'linear', context: { baseUrl: sandbox.url }, credentials: { apiKey: LINEAR_SANDBOX_API_KEY } },
    { id: 'lin-oauth', provider: 'linear', context: { baseUrl: sandbox.url }, credentials: { accessToken: LINEAR_SANDBOX_OAUTH_TOKEN } },
  ]);
});
afterAll(async () => {
  await h.close();
  await sandbox.close();
});

describe('linear adapter', () => {
  it('maps the most privileged Linear role to roles and userType, and a disabled user to INACTIVE with its reason', () => {
    const base = data[20]!;
    expect(toUnified({ ...base, owner: true, admin: true })).toMatchObject({ roles: [{ id: 'owner' }], userType: 'ADMIN' });
    expect(toUnified({ ...base, owner: false, admin: false, guest: true })).toMatchObject({ roles: [{ id: 'guest' }], userType: 'LIMITED' });
    expect(toUnified({ ...base, owner: false, admin: false, guest: false, app: true })).toMatchObject({ roles: [{ id: 'app' }], userType: 'MACHINE' });
    expect(toUnified({ ...base, active: false, disableReason: 'admin suspension' })).toMatchObject({ isActive: false, status: 'INACTIVE', remoteStatus: 'admin suspension' });
    expect(toUnified({ id: 'x' })).toMatchObject({ roles: [], userType: null, status: null, emails: [], teamIds: [] });
  });

  it('posts one small document per page, page size and cursor as variables, the personal key raw and OAuth as Bearer', async () => {
    const before = graphqlCalls().length;
    const { nodes } = await walk(h, Q, { account: 'lin-key' }, 100);
    expect(nodes.map((n) => n.remoteId)).toEqual(newestFirst.map((u) => u.id)); // includeDisabled: every user
    const calls = graphqlCalls().slice(before);
    expect(calls.every((c) => c.method === 'POST' && c.body.query === LINEAR_USERS_QUERY && c.headers.authorization === LINEAR_SANDBOX_API_KEY)).toBe(true);
    expect(calls[0]!.body.variables).toEqual({ first: expect.any(Number) });
    expect(calls.slice(1).every((c) => typeof c.body.variables.after === 'string')).toBe(true);
    expect(calls.every((c) => c.body.variables.first <= LINEAR_PAGE_MAX)).toBe(true);
    const res = await h.query(Q, { account: 'lin-oauth', first: 2 });
    expect(ids(res)).toEqual(newestFirst.slice(0, 2).map((u) => u.id));
    expect(graphqlCalls().at(-1)!.headers.authorization).toBe(`Bearer ${LINEAR_SANDBOX_OAUTH_TOKEN}`);
  });

  it('keeps the GraphQL document out of the cursors it returns, and resumes from them with it', async () => {
    const res = await h.query(Q, { account: 'lin-key', first: 3 });
    const { edges, pageInfo } = res.body.data.users;
    const readable = (cursor: string) => [cursor, ...cursor.split('.').map((p) => Buffer.from(p, 'base64url').toString('utf8'))].join('\n');
    for (const e of edges) {
      expect(readable(e.cursor)).not.toContain('query Users');
      expect(readable(e.cursor)).not.toContain('pageInfo');
    }
    const next = await h.query(Q, { account: 'lin-key', first: 3, after: pageInfo.endCursor });
    expect(ids(next)).toEqual(newestFirst.slice(3, 6).map((u) => u.id));
    expect(graphqlCalls().at(-1)!.body.query).toBe(LINEAR_USERS_QUERY);
  });

  it('keeps its own documents under Linear\'s 10,000-point complexity cap at the largest page', () => {
    expect(complexityOf(parse(LINEAR_USERS_QUERY), { first: LINEAR_PAGE_MAX })).toBeLessThanOrEqual(MAX_QUERY_COMPLEXITY);
    expect(complexityOf(parse(LINEAR_USERS_BY_IDS_QUERY), {})).toBeLessThanOrEqual(MAX_QUERY_COMPLEXITY);
    expect(complexityOf(parse(LINEAR_USER_QUERY), {})).toBeLessThan(100);
  });

  it('serves status and isActive through filter.active over all users, and refuses statuses Linear does not have', async () => {
    const inactive = await walk(h, Q, { account: 'lin-key', filters: { status: 'INACTIVE' } }, 100);
    expect(inactive.nodes.map((n) => n.remoteId)).toEqual(newestFirst.filter((u) => !u.active).map((u) => u.id));
    expect(graphqlCalls().at(-1)!.body.variables.filter).toEqual({ active: { eq: false } });
    const active = await walk(h, Q, { account: 'lin-key', filters: { isActive: true } }, 100);
    expect(active.nodes).toHaveLength(data.filter((u) => u.active).length);
    for (const status of ['INVITED', 'DELETED']) {
      const res = await h.query(Q, { account: 'lin-key', first: 5, filters: { status } });
      expect(res.body.errors![0].extensions).toMatchObject({ code: 'UNSUPPORTED_FILTER', provider: 'linear' });
    }
  });

  it('sends email as eqIgnoreCase, name as containsIgnoreCase and username as displayName in the body', async () => {
    const mixed = data[8]!;
    const byEmail = await h.query(Q, { account: 'lin-key', first: 5, filters: { email: mixed.email.toLowerCase() } });
    expect(ids(byEmail)).toEqual([mixed.id]);
    expect(graphqlCalls().at(-1)!.body.variables.filter).toEqual({ email: { eqIgnoreCase: mixed.email.toLowerCase() } });
    const byName = await walk(h, Q, { account: 'lin-key', filters: { name: 'kim' } }, 100);
    expect(byName.nodes.map((n) => n.remoteId)).toEqual(newestFirst.filter((u) => u.name.toLowerCase().includes('kim')).map((u) => u.id));
    const byUsername = await h.query(Q, { account: 'lin-key', first: 5, filters: { username: data[30]!.displayName.toUpperCase() } });
    expect(ids(byUsername)).toEqual([data[30]!.id]);
    expect(graphqlCalls().at(-1)!.body.variables.filter).toEqual({ displayName: { eqIgnoreCase: data[30]!.displayName.toUpperCase() } });
  });

  it('tests userType and emails in the gateway (UserFilter has no guest field) and refuses teamId', async () => {
    const guests = await walk(h, Q, { account: 'lin-key', filters: { userType: 'LIMITED' } }, 100);
    // A guest who is also an admin, owner or app is listed under the more privileged type.
    expect(guests.nodes.map((n) => n.remoteId)).toEqual(newestFirst.filter((u) => u.guest && !u.admin && !u.owner && !u.app).map((u) => u.id));
    expect(graphqlCalls().at(-1)!.body.variables.filter).toBeUndefined();
    const res = await h.query(Q, { account: 'lin-key', first: 5, filters: { teamId: 'x' } });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UNSUPPORTED_FILTER' });
  });

  it('merges remoteQuery into variables.filter without letting it override the adapter\'s filters or paging', async () => {
    const res = await walk(h, Q, { account: 'lin-key', filters: { isActive: true }, rq: { admin: { eq: true }, active: { eq: false } } }, 100);
    expect(res.nodes.map((n) => n.remoteId)).toEqual(newestFirst.filter((u) => u.active && u.admin).map((u) => u.id));
    expect(graphqlCalls().at(-1)!.body.variables.filter).toEqual({ admin: { eq: true }, active: { eq: true } });
  });

  it('treats RATELIMITED on HTTP 400 as a rate limit, with the reset header read as epoch milliseconds', async () => {
    const body = { errors: [{ message: 'Rate limit exceeded.', extensions: { type: 'ratelimited', code: 'RATELIMITED' } }] };
    sandbox.inject({ status: 400, body, headers: { 'x-ratelimit-requests-reset': String(Date.now()) }, match: /graphql/ });
    expect(ids(await h.query(Q, { account: 'lin-key', first: 3 }))).toEqual(newestFirst.slice(0, 3).map((u) => u.id)); // retried
    sandbox.inject({ status: 400, body, headers: { 'x-ratelimit-requests-reset': String(Date.now() + 600_000) }, times: 5, match: /graphql/ });
    const res = await h.query(Q, { account: 'lin-key', first: 3 });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', provider: 'linear' });
    expect(res.body.errors![0].extensions.retryAfter).toBeGreaterThan(500);
    expect(res.body.errors![0].extensions.retryAfter).toBeLessThanOrEqual(600);
    sandbox.clearFaults();
  });

  it('reads errors from HTTP 200 bodies: an auth failure is UNAUTHORIZED, anything else a bad request, never a short page', async () => {
    sandbox.inject({ status: 200, body: { errors: [{ message: 'Authentication required, not authenticated', extensions: { type: 'authentication error', code: 'AUTHENTICATION_ERROR' } }] }, match: /graphql/ });
    const auth = await h.query(Q, { account: 'lin-key', first: 3 });
    expect(auth.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', provider: 'linear' });
    sandbox.inject({ status: 200, body: { data: null, errors: [{ message: 'Argument Validation Error', extensions: { code: 'INVALID_INPUT', userPresentableMessage: 'first must not be greater than 250.' } }] }, match: /graphql/ });
    const bad = await h.query(Q, { account: 'lin-key', first: 3 });
    expect(bad.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_BAD_REQUEST' });
    expect(bad.body.errors![0].message).toContain('first must not be greater than 250.');
  });

  it('retries a POST page on 503 because a GraphQL query is idempotent', async () => {
    sandbox.inject({ status: 503, raw: 'unavailable', match: /graphql/ });
    expect(ids(await h.query(Q, { account: 'lin-key', first: 2 }))).toEqual(newestFirst.slice(0, 2).map((u) => u.id));
  });

  it('resolves nodes through one users(filter: { id: { in } }) call, in the order asked', async () => {
    const listed = (await h.query(Q, { account: 'lin-key', first: 12 })).body.data.users.edges.map((e: any) => e.node);
    const before = graphqlCalls().length;
    const out = await h.query(NODES, { ids: listed.map((n: any) => n.id) });
    expect(out.body.data.nodes.map((n: any) => n.remoteId)).toEqual(listed.map((n: any) => n.remoteId));
    const calls = graphqlCalls().slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body).toEqual({ query: LINEAR_USERS_BY_IDS_QUERY, variables: { ids: listed.map((n: any) => n.remoteId) } });
  });
});
