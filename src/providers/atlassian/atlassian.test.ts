import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProviderConformance } from '../../../test/conformance.js';
import { startGateway, walk, type Harness } from '../../../test/helpers.js';
import type { Sandbox } from '../engine/sandbox-kit.js';
import { atlassian } from './adapter.js';
import { ATLASSIAN_API_KEY, ATLASSIAN_ORG_ID, atlassianDataset, atlassianSandbox, startAtlassianSandbox } from './sandbox.js';

describeProviderConformance({ sandbox: atlassianSandbox, category: 'USER_DIRECTORY' });

// What is specific to Atlassian: the org in the path, links.next followed as given, licences from product access.

const Q = `query($account: ID!, $first: Int, $after: String, $filters: UserFilter) {
  users(category: USER_DIRECTORY, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {
    edges { node { ... on DirectoryUser { remoteId status remoteStatus userType lastActiveAt licenses { id name lastActiveAt organization } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const LIST = /^\/admin\/v1\/orgs\/[^/]+\/users$/;

let sandbox: Sandbox;
let h: Harness;
const data = atlassianDataset();

beforeAll(async () => {
  sandbox = await startAtlassianSandbox();
  h = startGateway([
    { id: 'atl', provider: 'atlassian', context: { baseUrl: sandbox.url, orgId: ATLASSIAN_ORG_ID }, credentials: { apiKey: ATLASSIAN_API_KEY } },
    { id: 'atl-other-org', provider: 'atlassian', context: { baseUrl: sandbox.url, orgId: 'no-such-org' }, credentials: { apiKey: ATLASSIAN_API_KEY } },
  ]);
});
afterAll(async () => {
  await h.close();
  await sandbox.close();
});
const calls = () => sandbox.requests.filter((r) => LIST.test(r.path));
const ext = (res: { body: { errors?: any[] } }) => res.body.errors?.[0]?.extensions;

describe('atlassian: paging', () => {
  it('reads the org\'s users with the Bearer API key, sends no page size, and follows links.next until it is gone', async () => {
    const before = calls().length;
    const { nodes } = await walk(h, Q, { account: 'atl', filters: {} }, 100);
    expect(nodes.map((n) => n.remoteId)).toEqual(data.map((u) => u.account_id));
    const seen = calls().slice(before);
    expect(seen.map((r) => r.path)).toEqual(Array(Math.ceil(data.length / 50)).fill(`/admin/v1/orgs/${ATLASSIAN_ORG_ID}/users`));
    expect(seen[0]!.query.toString()).toBe('');
    expect(seen.slice(1).every((r) => [...r.query.keys()].join() === 'cursor')).toBe(true);
    expect(seen.every((r) => r.headers.authorization === `Bearer ${ATLASSIAN_API_KEY}`)).toBe(true);
  });

  it('needs context.orgId, and reports an org the key cannot reach as UPSTREAM_NOT_FOUND', async () => {
    expect(atlassian.contextKeys.find((k) => k.key === 'orgId')?.required).toBe(true);
    const res = await h.query(Q, { account: 'atl-other-org', first: 5 });
    expect(ext(res)).toMatchObject({ code: 'UPSTREAM_NOT_FOUND', provider: 'atlassian', upstreamStatus: 404 });
    expect(res.body.errors![0].message).toContain('Organization not found');
  });

  it('reports Atlassian\'s rejection of a cursor as UPSTREAM_BAD_REQUEST', async () => {
    const first = await h.query(Q, { account: 'atl', first: 60 });
    sandbox.inject({ match: LIST, status: 400, body: { code: 400, message: 'Invalid cursor' } });
    const res = await h.query(Q, { account: 'atl', first: 60, after: first.body.data.users.pageInfo.endCursor });
    expect(ext(res)).toMatchObject({ code: 'UPSTREAM_BAD_REQUEST', upstreamStatus: 400 });
  });
});

describe('atlassian: fields and filters', () => {
  it('maps account_status and account_type, and product access to licences with their last-active dates', async () => {
    const { nodes } = await walk(h, Q, { account: 'atl', filters: {} }, 100);
    const pairs = new Set(nodes.map((n, i) => `${data[i]!.account_status}→${n.status}`));
    expect([...pairs].sort()).toEqual(['active→ACTIVE', 'closed→DELETED', 'inactive→INACTIVE', 'pending_deletion→null']);
    const types = new Set(nodes.map((n, i) => `${data[i]!.account_type}→${n.userType}`));
    expect([...types].sort()).toEqual(['app→MACHINE', 'atlassian→USER', 'customer→END_USER']);
    const i = data.findIndex((u) => (u.product_access ?? []).length === 3);
    expect(nodes[i].licenses).toEqual(data[i]!.product_access!.map((p) => ({ id: p.key, name: p.name, lastActiveAt: p.last_active, organization: p.url })));
    expect(nodes[i].lastActiveAt).toBe(data[i]!.last_active);
    expect(nodes[0].licenses).toEqual([]);
    expect(nodes[0].lastActiveAt).toBeNull();
  });

  it('filters by userType and status while paging, since v1 takes no filters', async () => {
    const before = calls().length;
    const { nodes } = await walk(h, Q, { account: 'atl', filters: { userType: 'MACHINE', status: 'ACTIVE' } }, 100);
    expect(nodes.map((n) => n.remoteId)).toEqual(data.filter((u) => u.account_type === 'app' && u.account_status === 'active').map((u) => u.account_id));
    expect(calls().slice(before).every((r) => !r.query.has('accountStatus'))).toBe(true);
  });
});
