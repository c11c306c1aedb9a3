import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProviderConformance } from '../../../test/conformance.js';
import { startGateway, walk, type Harness } from '../../../test/helpers.js';
import type { Sandbox } from '../engine/sandbox-kit.js';
import {
  jumpcloudDataset, jumpcloudSandbox, JUMPCLOUD_API_KEY, JUMPCLOUD_MSP_KEY, JUMPCLOUD_ORG_ID, JUMPCLOUD_OTHER_ORG_ID, startJumpCloudSandbox,
} from './sandbox.js';

describeProviderConformance({ sandbox: jumpcloudSandbox, category: 'USER_DIRECTORY' });

// What is specific to JumpCloud: skip/limit paging sorted on _id, the optional x-org-id header, status flags.

const Q = `query($account: ID!, $first: Int, $after: String, $filters: UserFilter) {
  users(category: USER_DIRECTORY, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {
    edges { node { ... on DirectoryUser { remoteId status remoteStatus userType is2faEnabled } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const LIST = /^\/api\/systemusers$/;

let sandbox: Sandbox;
let h: Harness;
const data = jumpcloudDataset();
const account = (id: string, apiKey: string, context: Record<string, unknown> = {}) => ({ id, provider: 'jumpcloud', context: { baseUrl: sandbox.url, ...context }, credentials: { apiKey } });

beforeAll(async () => {
  sandbox = await startJumpCloudSandbox();
  h = startGateway([
    account('jc', JUMPCLOUD_API_KEY),
    account('jc-api-suffix', JUMPCLOUD_API_KEY, { baseUrl: `${sandbox.url}/api` }),
    account('jc-org', JUMPCLOUD_API_KEY, { orgId: JUMPCLOUD_ORG_ID }),
    account('jc-msp', JUMPCLOUD_MSP_KEY, { orgId: JUMPCLOUD_OTHER_ORG_ID }),
    account('jc-msp-no-org', JUMPCLOUD_MSP_KEY),
  ]);
});
afterAll(async () => {
  await h.close();
  await sandbox.close();
});
const listCalls = () => sandbox.requests.filter((r) => LIST.test(r.path));

describe('jumpcloud: paging', () => {
  it('pages with skip + limit ≤ 100 sorted on _id, and goes on past a short page until totalCount', async () => {
    const before = listCalls().length;
    // A page shorter than asked for (a server-side cap) is not the end while totalCount says more follow.
    sandbox.inject({ match: LIST, body: { totalCount: data.length, results: data.slice(0, 7) } });
    const { nodes } = await walk(h, Q, { account: 'jc', filters: {} }, 100);
    expect(nodes.map((n) => n.remoteId)).toEqual(data.map((u) => u._id));
    const calls = listCalls().slice(before);
    expect(calls.every((r) => r.query.get('sort') === '_id' && Number(r.query.get('limit')) <= 100)).toBe(true);
    // The offset advances by what came back (7), not by what was asked for (a gateway page may re-read its upstream page).
    expect([...new Set(calls.map((r) => Number(r.query.get('skip'))))]).toEqual([0, 7, 107, 207]);
  });

  it('reaches /api/systemusers whether context.baseUrl is the bare origin or ends in /api', async () => {
    const res = await h.query(Q, { account: 'jc-api-suffix', first: 3 });
    expect(res.body.data.users.edges.map((e: any) => e.node.remoteId)).toEqual(data.slice(0, 3).map((u) => u._id));
    expect(sandbox.requests.at(-1)!.path).toBe('/api/systemusers');
  });
});

describe('jumpcloud: x-org-id', () => {
  it('sends no x-org-id header when context.orgId is not set', async () => {
    await h.query(Q, { account: 'jc', first: 2 });
    expect(sandbox.requests.at(-1)!.headers['x-org-id']).toBeUndefined();
    expect(sandbox.requests.at(-1)!.headers['x-api-key']).toBe(JUMPCLOUD_API_KEY);
  });

  it('sends context.orgId as x-org-id, which picks a multi-tenant administrator\'s organization', async () => {
    const own = await h.query(Q, { account: 'jc-org', first: 2 });
    expect(sandbox.requests.at(-1)!.headers['x-org-id']).toBe(JUMPCLOUD_ORG_ID);
    expect(own.body.data.users.edges).toHaveLength(2);
    const { nodes } = await walk(h, Q, { account: 'jc-msp', filters: {} }, 10);
    expect(sandbox.requests.at(-1)!.headers['x-org-id']).toBe(JUMPCLOUD_OTHER_ORG_ID);
    expect(nodes.map((n) => n.remoteId)).toEqual(jumpcloudDataset(5, JUMPCLOUD_OTHER_ORG_ID, '6b00c0de').map((u) => u._id));
  });

  it('reports JumpCloud\'s refusal of a multi-tenant key without x-org-id as UPSTREAM_BAD_REQUEST, quoting it', async () => {
    const res = await h.query(Q, { account: 'jc-msp-no-org', first: 2 });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_BAD_REQUEST', provider: 'jumpcloud', upstreamStatus: 400 });
    expect(res.body.errors![0].message).toContain('x-org-id');
  });

  it('refuses an empty context.orgId at start rather than sending an empty header', () => {
    expect(() => startGateway([account('jc-empty', JUMPCLOUD_API_KEY, { orgId: '  ' })])).toThrow(/orgId/);
  });
});

describe('jumpcloud: mapping through the gateway', () => {
  it('makes locked and suspended users INACTIVE, staged ones INVITED, and reads 2FA and administrators', async () => {
    const { nodes } = await walk(h, Q, { account: 'jc', filters: {} }, 100);
    const byId = new Map(nodes.map((n) => [n.remoteId, n]));
    const locked = data.find((u) => u.account_locked && u.state === 'ACTIVATED')!;
    expect(byId.get(locked._id)).toMatchObject({ status: 'INACTIVE', remoteStatus: 'ACTIVATED:locked' });
    expect(byId.get(data.find((u) => u.state === 'STAGED')!._id)).toMatchObject({ status: 'INVITED' });
    expect(byId.get(data.find((u) => u.state === 'SUSPENDED')!._id)).toMatchObject({ status: 'INACTIVE', remoteStatus: 'SUSPENDED' });
    expect(byId.get(data[10]!._id)).toMatchObject({ status: 'ACTIVE', remoteStatus: 'activated' });
    expect(nodes.filter((n) => n.userType === 'ADMIN').map((n) => n.remoteId)).toEqual(data.filter((u) => u.admin).map((u) => u._id));
    expect(nodes.map((n) => n.is2faEnabled)).toEqual(data.map((u) => u.mfa?.configured === true));
  });
});
