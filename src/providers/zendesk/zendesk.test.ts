import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProviderConformance } from '../../../test/conformance.js';
import { startGateway, walk, type Harness } from '../../../test/helpers.js';
import type { Sandbox } from '../engine/sandbox-kit.js';
import { zendesk, type ZendeskUser } from './adapter.js';
import {
  startZendeskSandbox,
  zendeskDataset,
  zendeskGroupMembers,
  ZENDESK_GROUPS,
  ZENDESK_ORGANIZATIONS,
  ZENDESK_SANDBOX_API_TOKEN,
  ZENDESK_SANDBOX_EMAIL,
  ZENDESK_SANDBOX_OAUTH_TOKEN,
  zendeskSandbox,
} from './sandbox.js';

describeProviderConformance({ sandbox: zendeskSandbox, category: 'TICKETING' });

// What is specific to Zendesk: subdomains, its two raw status flags, role and permission-set parameters, scoped endpoints, sort.
const Q = `query($account: ID!, $first: Int, $after: String, $filters: UserFilter) {
  users(category: TICKETING, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {
    edges { cursor node { ... on TicketingUser { id remoteId name firstName lastName username emails { email isPrimary type } avatar isActive roles { id name } teamIds createdAt updatedAt remoteData } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on TicketingUser { remoteId name } } }`;

let sandbox: Sandbox;
let h: Harness;
const data = zendeskDataset();
const ids = (users: ZendeskUser[]) => users.map((u) => String(u.id));
const remoteIds = (res: any) => res.body.data.users.edges.map((e: any) => e.node.remoteId);
const basic = `Basic ${Buffer.from(`${ZENDESK_SANDBOX_EMAIL}/token:${ZENDESK_SANDBOX_API_TOKEN}`).toString('base64')}`;

beforeAll(async () => {
  sandbox = await startZendeskSandbox();
  h = startGateway([
    { id: 'zd-1', provider: 'zendesk', context: { baseUrl: sandbox.url, subdomain: 'acme' }, credentials: { email: ZENDESK_SANDBOX_EMAIL, apiToken: ZENDESK_SANDBOX_API_TOKEN } },
    { id: 'zd-oauth', provider: 'zendesk', context: { baseUrl: sandbox.url }, credentials: { accessToken: ZENDESK_SANDBOX_OAUTH_TOKEN } },
    { id: 'zd-bad', provider: 'zendesk', context: { baseUrl: sandbox.url }, credentials: { email: ZENDESK_SANDBOX_EMAIL, apiToken: 'wrong-token-value' } },
  ]);
});
afterAll(async () => {
  await h.close();
  await sandbox.close();
});

describe('zendesk adapter', () => {
  it('derives the API origin from the subdomain and refuses a malformed one', () => {
    expect(zendesk.baseUrl({ subdomain: 'acme' })).toBe('https://acme.zendesk.com');
    expect(zendesk.baseUrl({ subdomain: 'evil.com/x' })).toBeUndefined();
    expect(zendesk.baseUrl({})).toBeUndefined();
  });

  it('maps deleted, suspended and active users to isActive and status, keeping the raw flags', () => {
    const base = data[10]!;
    const cases: [boolean | undefined, boolean | undefined, boolean | null, string | null][] = [
      [true, false, true, 'ACTIVE'],
      [true, true, false, 'INACTIVE'],
      [false, false, false, 'DELETED'],
      [false, true, false, 'DELETED'],
      [undefined, undefined, null, null],
    ];
    for (const [active, suspended, isActive, status] of cases) {
      const u = zendesk.map({ ...base, active, suspended } as ZendeskUser, {});
      expect(u.isActive).toBe(isActive);
      expect(u.status).toBe(status);
      expect(u.remoteStatus).toBe(`active=${active ?? null},suspended=${suspended ?? null}`);
    }
    expect(data.some((u) => u.active === false)).toBe(true);
    expect(data.some((u) => u.suspended === true && u.active)).toBe(true);
  });

  it('maps names, e-mail, avatar, roles, team and organization, and survives odd data', () => {
    const agent = data.find((u) => u.custom_role_id)!;
    expect(zendesk.map(agent, {})).toMatchObject({
      remoteId: String(agent.id),
      emails: [{ email: agent.email, isPrimary: true, type: 'primary' }],
      avatar: null,
      roles: [{ id: 'agent', name: 'agent' }, { id: '360001122334', name: null }],
      teamIds: [String(agent.default_group_id)],
      userType: 'USER',
      username: null,
    });
    expect(zendesk.map(data[4]!, {}).avatar).toBe(data[4]!.photo!.content_url);
    expect(zendesk.map(data[2]!, {}).avatar).toBe(data[2]!.remote_photo_url);
    expect(zendesk.map(data[0]!, {})).toMatchObject({ name: '', firstName: null, lastName: null });
    expect(zendesk.map(data[1]!, {})).toMatchObject({ firstName: data[1]!.name, lastName: null });
    expect(zendesk.map(data[3]!, {})).toMatchObject({ name: 'Дмитрий Иванов', firstName: 'Дмитрий', lastName: 'Иванов' });
    expect(zendesk.map(data[7]!, {}).emails).toEqual([]);
    expect(zendesk.map(data.find((u) => u.role === 'end-user')!, {})).toMatchObject({ teamIds: [], userType: 'END_USER' });
    const odd = zendesk.map({ id: 5, name: 42 as never, photo: 'x' as never, role: null, created_at: 'not a date', default_group_id: null }, {});
    expect(odd).toMatchObject({ remoteId: '5', name: '42', avatar: null, roles: [], createdAt: null, isActive: null });
  });

  it('pages with page[size] (at most 100) and page[after], with Basic {email}/token auth', async () => {
    const before = sandbox.requests.length;
    const { nodes } = await walk(h, Q, { account: 'zd-1' }, 100);
    expect(nodes.map((n) => n.remoteId)).toEqual(ids(data));
    const reqs = sandbox.requests.slice(before);
    expect(reqs.every((r) => r.path === '/api/v2/users' && r.query.get('page[size]') === '100')).toBe(true);
    expect(reqs.slice(1).every((r) => r.query.get('page[after]'))).toBe(true);
    expect(reqs.every((r) => r.headers.authorization === basic)).toBe(true);
  });

  it('authenticates with an OAuth access token as a Bearer token', async () => {
    const res = await h.query(Q, { account: 'zd-oauth', first: 3 });
    expect(remoteIds(res)).toEqual(ids(data.slice(0, 3)));
    expect(sandbox.requests.at(-1)!.headers.authorization).toBe(`Bearer ${ZENDESK_SANDBOX_OAUTH_TOKEN}`);
  });

  it('sends roleId as the role parameter', async () => {
    const { nodes } = await walk(h, Q, { account: 'zd-1', filters: { roleId: 'agent' } }, 40);
    expect(nodes.map((n) => n.remoteId)).toEqual(ids(data.filter((u) => u.role === 'agent')));
    expect(sandbox.requests.at(-1)!.query.get('role')).toBe('agent');
  });

  it('sends a custom role id as permission_set', async () => {
    const { nodes } = await walk(h, Q, { account: 'zd-1', filters: { roleId: '360001122334' } }, 40);
    expect(nodes.map((n) => n.remoteId)).toEqual(ids(data.filter((u) => u.custom_role_id === 360001122334)));
    expect(sandbox.requests.at(-1)!.query.get('permission_set')).toBe('360001122334');
  });

  it('never lets remoteQuery switch Zendesk to offset paging', async () => {
    const res = await h.query(`query($rq: JSON) { users(category: TICKETING, integratedAccountId: "zd-1", first: 3, remoteQuery: $rq) { edges { cursor } } }`, { rq: { page: 2, per_page: 5, external_id: 'x' } });
    expect(res.body.errors).toBeUndefined();
    const q = sandbox.requests.at(-1)!.query;
    expect([q.get('page'), q.get('per_page'), q.get('external_id')]).toEqual([null, null, 'x']);
  });

  it('switches to the group members endpoint for teamId', async () => {
    const group = ZENDESK_GROUPS[2]!;
    const { nodes } = await walk(h, Q, { account: 'zd-1', filters: { teamId: String(group) } }, 30);
    expect(nodes.map((n) => n.remoteId)).toEqual(ids(zendeskGroupMembers(data, group)));
    expect(sandbox.requests.at(-1)!.path).toBe(`/api/v2/groups/${group}/users`);
  });

  it('switches to the organization members endpoint for organizationId, combined with role', async () => {
    const org = ZENDESK_ORGANIZATIONS[1]!;
    const res = await h.query(Q, { account: 'zd-1', first: 100, filters: { organizationId: String(org), roleId: 'end-user' } });
    expect(remoteIds(res)).toEqual(ids(data.filter((u) => u.organization_id === org && u.role === 'end-user')));
    const last = sandbox.requests.at(-1)!;
    expect(last.path).toBe(`/api/v2/organizations/${org}/users`);
    expect(last.query.get('role')).toBe('end-user');
  });

  it('reports an unknown group or organization as BAD_USER_INPUT naming the filter and filterValues', async () => {
    for (const filter of ['teamId', 'organizationId']) {
      const res = await h.query(Q, { account: 'zd-1', filters: { [filter]: '999' } });
      expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', filter, provider: 'zendesk', upstreamStatus: 404 });
      expect(res.body.errors![0].message).toContain(`filterValues(integratedAccountId: "zd-1", filter: "${filter}")`);
    }
  });

  it('sends sort as the sort parameter, with a minus for descending, across pages', async () => {
    const { nodes } = await walk(h, Q, { account: 'zd-1', filters: { sort: { field: 'UPDATED_AT', direction: 'DESC' } } }, 60);
    const expected = [...data].sort((a, b) => (a.updated_at! < b.updated_at! ? 1 : a.updated_at! > b.updated_at! ? -1 : a.id - b.id));
    expect(nodes.map((n) => n.remoteId)).toEqual(ids(expected));
    expect(sandbox.requests.at(-1)!.query.get('sort')).toBe('-updated_at');
  });

  it('filters isActive, email and createdAfter in memory while paging, without upstream parameters', async () => {
    const before = sandbox.requests.length;
    const { nodes } = await walk(h, Q, { account: 'zd-1', filters: { isActive: false } }, 25);
    expect(nodes.map((n) => n.remoteId)).toEqual(ids(data.filter((u) => !u.active || u.suspended)));
    const target = data[42]!;
    const one = await h.query(Q, { account: 'zd-1', first: 5, filters: { email: target.email!.toUpperCase() } });
    expect(remoteIds(one)).toEqual([String(target.id)]);
    const cut = data[200]!.created_at!;
    const recent = await walk(h, Q, { account: 'zd-1', filters: { createdAfter: cut } }, 100);
    expect(recent.nodes.map((n) => n.remoteId)).toEqual(ids(data.filter((u) => Date.parse(u.created_at!) > Date.parse(cut))));
    const extra = sandbox.requests.slice(before).flatMap((r) => [...r.query.keys()]).filter((k) => !k.startsWith('page['));
    expect(extra).toEqual([]);
  });

  it('refuses role values and sort fields Zendesk cannot serve', async () => {
    for (const [filters, filter] of [
      [{ roleId: 'light-agent' }, 'roleId'],
      [{ sort: { field: 'EMAIL', direction: 'ASC' } }, 'sort'],
    ] as const) {
      const res = await h.query(Q, { account: 'zd-1', filters });
      expect(res.body.errors![0].extensions).toMatchObject({ code: 'UNSUPPORTED_FILTER', provider: 'zendesk', filter });
    }
  });

  it("maps an upstream 401 with Zendesk's error body to UPSTREAM_UNAUTHORIZED", async () => {
    const res = await h.query(Q, { account: 'zd-bad' });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', provider: 'zendesk', upstreamStatus: 401 });
    expect(res.body.errors![0].message).toContain("Couldn't authenticate you");
  });

  it('resolves node and nodes by id, batching nodes into one show_many call', async () => {
    const listed = await h.query(Q, { account: 'zd-1', first: 12 });
    const edges = listed.body.data.users.edges;
    const [a, b] = [edges[5].node, edges[11].node];
    const before = sandbox.requests.length;
    const res = await h.query(NODES, { ids: [a.id, b.id] });
    expect(res.body.data.nodes.map((n: any) => n.remoteId)).toEqual([a.remoteId, b.remoteId]);
    const calls = sandbox.requests.slice(before);
    expect(calls.map((r) => r.path)).toEqual(['/api/v2/users/show_many']);
    expect(calls[0]!.query.get('ids')!.split(',').sort()).toEqual([a.remoteId, b.remoteId].sort());
    const one = await h.query(`query($id: ID!) { node(id: $id) { ... on TicketingUser { remoteId } } }`, { id: a.id });
    expect(one.body.data.node.remoteId).toBe(a.remoteId);
  });
});
