import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProviderConformance } from '../../../test/conformance.js';
import { startGateway, walk, type Harness } from '../../../test/helpers.js';
import type { Sandbox } from '../engine/sandbox-kit.js';
import { okta, OKTA_STATUS } from './adapter.js';
import { oktaDataset, oktaSandbox, OKTA_SANDBOX_TOKEN, startOktaSandbox } from './sandbox.js';

describeProviderConformance({ sandbox: oktaSandbox, category: 'USER_DIRECTORY' });

// What is specific to Okta: its statuses, search expressions, the group endpoint and its error bodies.

const Q = `query($account: ID!, $first: Int, $after: String, $filters: UserFilter) {
  users(category: USER_DIRECTORY, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {
    edges { cursor node { ... on DirectoryUser { id remoteId name firstName lastName username emails { email isPrimary type } status remoteStatus createdAt updatedAt remoteData } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

let sandbox: Sandbox;
let h: Harness;
const data = oktaDataset();
const listed = data.filter((u) => u.status !== 'DEPROVISIONED');

beforeAll(async () => {
  sandbox = await startOktaSandbox();
  h = startGateway([{ id: 'okta-1', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN } }]);
});
afterAll(async () => {
  await h.close();
  await sandbox.close();
});

describe('okta adapter', () => {
  it('maps every Okta status, keeping the raw value', () => {
    for (const [raw, unified] of Object.entries(OKTA_STATUS)) {
      const u = okta.map({ ...data[10]!, status: raw }, {});
      expect(u.status).toBe(unified);
      expect(u.remoteStatus).toBe(raw);
    }
    expect(okta.map({ ...data[10]!, status: 'ACTIVATING' }, {}).status).toBeNull();
  });

  it('serves status through Okta search, which also reaches DEPROVISIONED users', async () => {
    const { nodes } = await walk(h, Q, { account: 'okta-1', filters: { status: 'DELETED' } }, 20);
    expect(nodes.length).toBe(data.filter((u) => u.status === 'DEPROVISIONED').length);
    expect(nodes.every((n) => n.status === 'DELETED' && n.remoteStatus === 'DEPROVISIONED')).toBe(true);
    const searched = sandbox.requests.filter((r) => r.query.get('search'));
    expect(searched.at(-1)!.query.get('search')).toBe('status eq "DEPROVISIONED"');
  });

  it('never lets a filter bring in DEPROVISIONED users the plain list hides, unless status DELETED asks', async () => {
    const { nodes } = await walk(h, Q, { account: 'okta-1', filters: { updatedAfter: '2000-01-01T00:00:00Z' } }, 100);
    expect(nodes.map((n) => n.remoteId)).toEqual(listed.map((u) => u.id));
    expect(sandbox.requests.at(-1)!.query.get('search')).toContain('status eq "RECOVERY")');
  });

  it('searches both profile.email and profile.secondEmail for filters.email', async () => {
    const target = listed.find((u) => u.profile?.secondEmail)!;
    const res = await h.query(Q, { account: 'okta-1', first: 5, filters: { email: target.profile!.secondEmail } });
    expect(res.body.data.users.edges.map((e: any) => e.node.remoteId)).toEqual([target.id]);
    const search = sandbox.requests.at(-1)!.query.get('search')!;
    expect(search).toContain(`(profile.email eq "${target.profile!.secondEmail}" or profile.secondEmail eq "${target.profile!.secondEmail}")`);
  });

  it('combines e-mail and status into one search expression', async () => {
    const target = listed.find((u) => u.status === 'SUSPENDED')!;
    const res = await h.query(Q, { account: 'okta-1', first: 5, filters: { email: target.profile!.email, status: 'INACTIVE' } });
    expect(res.body.data.users.edges.map((e: any) => e.node.remoteId)).toEqual([target.id]);
  });

  it('switches to the group members endpoint for groupId and filters the rest in memory', async () => {
    const res = await h.query(Q, { account: 'okta-1', first: 100, filters: { groupId: '00gengineering', status: 'ACTIVE' } });
    const expected = data.filter((u, i) => i % 3 === 0 && u.status === 'ACTIVE').map((u) => u.id);
    expect(res.body.data.users.edges.map((e: any) => e.node.remoteId)).toEqual(expected);
    expect(sandbox.requests.at(-1)!.path).toBe('/api/v1/groups/00gengineering/users');
  });

  it('maps an upstream 401 with Okta\'s error body to UPSTREAM_UNAUTHORIZED', async () => {
    const bad = startGateway([{ id: 'okta-bad', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: { apiToken: 'wrong-token-value' } }]);
    const res = await bad.query(Q, { account: 'okta-bad' });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', provider: 'okta', upstreamStatus: 401 });
    expect(res.body.errors![0].message).toContain('Invalid token provided');
    await bad.close();
  });

  it("quotes Okta's errorCode and errorSummary when it rate limits", async () => {
    const throttled = { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.', errorLink: 'E0000047', errorId: 'x', errorCauses: [] };
    sandbox.inject({ status: 429, headers: { 'retry-after': '120' }, body: throttled });
    const limited = await h.query(Q, { account: 'okta-1', first: 2 });
    expect(limited.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', retryAfter: 120 });
    expect(limited.body.errors![0].message).toContain('E0000047: API call exceeded rate limit');
  });

  it('resolves node and nodes with one GET /api/v1/users/{id} each (Okta has no bulk lookup)', async () => {
    const page = await h.query(Q, { account: 'okta-1', first: 4 });
    const ids = page.body.data.users.edges.map((e: any) => e.node.id);
    const before = sandbox.requests.length;
    const res = await h.query(`query($ids: [ID!]!) { nodes(ids: $ids) { id ... on DirectoryUser { remoteId status } } }`, { ids });
    expect(res.body.data.nodes.map((n: any) => n.id)).toEqual(ids);
    const paths = sandbox.requests.slice(before).map((r) => r.path).sort();
    expect(paths).toEqual(listed.slice(0, 4).map((u) => `/api/v1/users/${u.id}`).sort());
  });
});
