import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProviderConformance } from '../../../test/conformance.js';
import { startGateway, walk, type Harness } from '../../../test/helpers.js';
import type { Sandbox } from '../engine/sandbox-kit.js';
import { openai, OPENAI_STATUS, type OpenAIUser } from './adapter.js';
import { openaiDataset, openaiSandbox, OPENAI_SANDBOX_API_KEY, startOpenAISandbox } from './sandbox.js';

describeProviderConformance({ sandbox: openaiSandbox, category: 'USAGE_METERING' });

// What is specific to OpenAI: its status signals, user types, paging parameters and error bodies.
const Q = `query($account: ID!, $first: Int, $after: String, $filters: UserFilter) {
  users(category: USAGE_METERING, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {
    edges { cursor node { ... on UsageMeteringUser { id remoteId name firstName lastName emails { email isPrimary type } roles { id name } status remoteStatus organization { id } spendLimit { amount } lastActiveAt createdAt updatedAt remoteData } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on UsageMeteringUser { remoteId name status } } }`;

let sandbox: Sandbox;
let h: Harness;
const data = openaiDataset();
const ids = (res: any) => res.body.data.users.edges.map((e: any) => e.node.remoteId);
const usersCalls = () => sandbox.requests.filter((r) => r.path === '/v1/organization/users');
const iso = (s: number | null | undefined) => (typeof s === 'number' ? new Date(s * 1000).toISOString() : null);

beforeAll(async () => {
  sandbox = await startOpenAISandbox();
  h = startGateway([{ id: 'openai-1', provider: 'openai', context: { baseUrl: `${sandbox.url}/v1` }, credentials: { apiKey: OPENAI_SANDBOX_API_KEY } }]);
});
afterAll(async () => {
  await h.close();
  await sandbox.close();
});

describe('openai adapter', () => {
  it('maps banned and disabled users to INACTIVE and everyone else to ACTIVE, naming the raw signal', () => {
    const base = data[10]!;
    const cases: [OpenAIUser['user'] | undefined, string][] = [
      [{ ...base.user!, banned: false, enabled: true }, 'active'],
      [{ ...base.user!, banned: false, enabled: null }, 'active'],
      [undefined, 'active'],
      [{ ...base.user!, banned: false, enabled: false }, 'disabled'],
      [{ ...base.user!, banned: true, enabled: true, banned_at: 1_700_000_000 }, 'banned'],
      [{ ...base.user!, banned: true, enabled: false, banned_at: null }, 'banned'],
    ];
    for (const [user, raw] of cases) {
      const u = openai.map({ ...base, user }, {});
      expect(u.remoteStatus).toBe(raw);
      expect(u.status).toBe(OPENAI_STATUS[raw as keyof typeof OPENAI_STATUS]);
    }
    expect(openai.map({ ...base, user: { ...base.user!, banned: true, banned_at: 1_700_000_000 } }, {}).statusChangedAt).toBe('2023-11-14T22:13:20.000Z');
    const statuses = new Set(data.map((u) => openai.map(u, {}).remoteStatus));
    expect(statuses).toEqual(new Set(['active', 'disabled', 'banned']));
  });

  it('maps names, e-mails, roles, user types and timestamps, and never throws on odd records', () => {
    const u = openai.map({ object: 'organization.user', id: 'user-a', name: 'Ana Ruiz van Dyke', email: 'ana@x.test', role: 'owner', added_at: 1_711_471_533, created: 1_700_000_000, api_key_last_used_at: 1_720_000_000, user: { object: 'user', id: 'user-a', email: 'Ana@Login.test', picture: 'https://p/a.png', enabled: true, banned: false } }, {});
    expect(u).toMatchObject({
      remoteId: 'user-a', name: 'Ana Ruiz van Dyke', firstName: 'Ana', lastName: 'Ruiz van Dyke',
      emails: [{ email: 'ana@x.test', isPrimary: true, type: 'work' }, { email: 'Ana@Login.test', isPrimary: false, type: 'other' }],
      roles: [{ id: 'owner', name: 'owner' }], userType: 'ADMIN', avatar: 'https://p/a.png',
      createdAt: '2023-11-14T22:13:20.000Z', lastActiveAt: '2024-07-03T09:46:40.000Z', organization: null, spendLimit: null, updatedAt: null,
    });
    expect(openai.map({ id: 'user-b', added_at: 1_711_471_533, role: 'reader', is_service_account: true }, {})).toMatchObject({ createdAt: '2024-03-26T16:45:33.000Z', userType: 'MACHINE', name: null, emails: [], lastActiveAt: null });
    expect(openai.map({ id: 'user-c', name: null, email: 'c@x.test', user: { name: 'Nested Name', email: 'C@X.TEST' } }, {})).toMatchObject({ name: 'Nested Name', emails: [{ email: 'c@x.test', isPrimary: true, type: 'work' }] });
    expect(openai.map({ id: 'user-d', name: '', email: '', role: '' }, {})).toMatchObject({ name: '', firstName: null, lastName: null, emails: [], roles: [], userType: null });
    const odd = openai.map({ id: 42 as any, name: 7 as any, email: 5 as any, role: null, added_at: 'yesterday' as any, user: 'nope' as any, api_key_last_used_at: 'x' as any }, {});
    expect(odd).toMatchObject({ remoteId: '42', name: '7', emails: [], roles: [], status: 'ACTIVE', remoteStatus: 'active', createdAt: null, lastActiveAt: null, avatar: null });
  });

  it('takes lastActiveAt from api_key_last_used_at alone, null when absent', () => {
    const u = data[20]!;
    expect(openai.map({ ...u, api_key_last_used_at: 1_720_000_000 }, {}).lastActiveAt).toBe('2024-07-03T09:46:40.000Z');
    expect(openai.map({ ...u, api_key_last_used_at: null }, {}).lastActiveAt).toBeNull();
    const { api_key_last_used_at: _, ...without } = u;
    expect(openai.map(without as OpenAIUser, {}).lastActiveAt).toBeNull();
    for (const raw of data) expect(openai.map(raw, {}).lastActiveAt).toBe(iso(raw.api_key_last_used_at));
  });

  it('pages with limit and after = last_id, a Bearer admin key, and no usage endpoint call', async () => {
    const before = usersCalls().length;
    const { nodes } = await walk(h, Q, { account: 'openai-1' }, 50);
    expect(nodes.map((n) => n.remoteId)).toEqual(data.map((u) => u.id));
    const calls = usersCalls().slice(before);
    expect(calls[0]!.query.get('limit')).toBe('100'); // the documented maximum, whatever first is
    expect(calls[0]!.query.get('after')).toBeNull();
    expect(calls.slice(1).every((c) => data.some((u) => u.id === c.query.get('after')))).toBe(true);
    expect(sandbox.requests.every((r) => r.headers.authorization === `Bearer ${OPENAI_SANDBOX_API_KEY}`)).toBe(true);
    expect(sandbox.requests.some((r) => r.path.includes('/usage/'))).toBe(false);
  });

  it('fills one Relay page from several upstream pages when an in-memory filter drops users', async () => {
    const before = usersCalls().length;
    const res = await h.query(Q, { account: 'openai-1', first: 100, filters: { isActive: true } });
    const kept = data.filter((u) => !(u.user?.banned === true || u.user?.enabled === false));
    expect(ids(res)).toEqual(kept.slice(0, 100).map((u) => u.id));
    expect(usersCalls().slice(before).map((c) => c.query.get('after'))).toEqual([null, data[99]!.id]);
  });

  it('tests filters.email and filters.emails in memory against the org and the login e-mail (the emails parameter sees only the org one)', async () => {
    const target = data.find((u) => u.user?.email && u.email && u.user.email !== u.email)!;
    const before = usersCalls().length;
    const byLogin = await h.query(Q, { account: 'openai-1', first: 10, filters: { email: target.user!.email } });
    expect(ids(byLogin)).toEqual([target.id]);
    expect(usersCalls().slice(before).every((c) => c.query.getAll('emails').length === 0)).toBe(true);
    const wanted = [data[3]!, data[90]!, target];
    const many = await h.query(Q, { account: 'openai-1', first: 10, filters: { emails: [wanted[0]!.email!, wanted[1]!.email!, target.user!.email!] } });
    expect(ids(many)).toEqual(wanted.map((u) => u.id).sort((a, b) => data.findIndex((u) => u.id === a) - data.findIndex((u) => u.id === b)));
    const both = await h.query(Q, { account: 'openai-1', first: 10, filters: { email: target.email, emails: [target.user!.email!, data[3]!.email!] } });
    expect(ids(both)).toEqual([target.id]);
  });

  it('filters name, first and last name, status, role, user type and creation date in memory while paging', async () => {
    const mapped = data.map((u) => ({ raw: u, m: openai.map(u, {}) }));
    const cases: [Record<string, unknown>, (u: (typeof mapped)[number]) => boolean][] = [
      [{ name: 'chen' }, ({ m }) => String(m.name).toLowerCase().includes('chen')],
      [{ lastName: 'ИВАН' }, ({ raw }) => raw.name === 'Дмитрий Иванов'],
      [{ status: 'INACTIVE' }, ({ raw }) => raw.user?.banned === true || raw.user?.enabled === false],
      [{ isActive: true }, ({ raw }) => !(raw.user?.banned === true || raw.user?.enabled === false)],
      [{ roleId: 'owner' }, ({ raw }) => raw.role === 'owner'],
      [{ userType: 'MACHINE' }, ({ raw }) => raw.is_service_account === true],
      [{ createdAfter: '2024-06-01T00:00:00Z' }, ({ m }) => Date.parse(m.createdAt!) > Date.parse('2024-06-01T00:00:00Z')],
      [{ status: 'DELETED' }, () => false],
    ];
    for (const [filters, keep] of cases) {
      const before = usersCalls().length;
      const { nodes } = await walk(h, Q, { account: 'openai-1', filters }, 30);
      const expected = mapped.filter(keep).map(({ raw }) => raw.id);
      expect(nodes.map((n) => n.remoteId), JSON.stringify(filters)).toEqual(expected);
      const first = usersCalls()[before]!;
      expect(first.query.get('limit')).toBe('100'); // in-memory filters read full upstream pages
      expect([...first.query.keys()]).toEqual(['limit']);
    }
  });

  it("maps an upstream 401 with OpenAI's error body to UPSTREAM_UNAUTHORIZED", async () => {
    const bad = startGateway([{ id: 'openai-bad', provider: 'openai', context: { baseUrl: `${sandbox.url}/v1` }, credentials: { apiKey: 'sk-admin-wrong-key-value' } }]);
    const res = await bad.query(Q, { account: 'openai-bad' });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', provider: 'openai', upstreamStatus: 401 });
    expect(res.body.errors![0].message).toContain('Incorrect API key provided');
    await bad.close();
  });

  it('resolves node and nodes by id, one GET /organization/users/{user_id} each (there is no bulk endpoint)', async () => {
    const res = await h.query(Q, { account: 'openai-1', first: 4 });
    const listed = res.body.data.users.edges.map((e: any) => e.node);
    const before = sandbox.requests.length;
    const out = await h.query(NODES, { ids: [...listed.map((n: any) => n.id), Buffer.from('UsageMeteringUser:openai-1:user-missing').toString('base64url')] });
    expect(out.body.errors).toBeUndefined();
    expect(out.body.data.nodes.map((n: any) => n?.remoteId ?? null)).toEqual([...listed.map((n: any) => n.remoteId), null]);
    const calls = sandbox.requests.slice(before);
    expect(calls.filter((c) => c.path.startsWith('/v1/organization/users/')).map((c) => c.path).sort()).toEqual([...listed.map((n: any) => n.remoteId), 'user-missing'].map((id) => `/v1/organization/users/${id}`).sort());
    expect(calls.filter((c) => c.path === '/v1/organization/users')).toEqual([]);

    const single = await h.query(`query($id: ID!) { node(id: $id) { ... on UsageMeteringUser { remoteId name } } }`, { id: listed[2].id });
    expect(single.body.data.node).toEqual({ remoteId: listed[2].remoteId, name: listed[2].name });
  });

});
