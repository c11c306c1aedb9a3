import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, walk, type Harness } from '../../../test/helpers.js';
import type { Sandbox } from '../engine/sandbox-kit.js';
import { openai, OPENAI_STATUS, type OpenAIUser } from './adapter.js';
import { openaiDataset, openaiError, OPENAI_SANDBOX_API_KEY, startOpenAISandbox } from './sandbox.js';

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

  it('lists every user exactly once, in upstream order, paging with after = last_id', async () => {
    for (const first of [7, 50, 100]) {
      const before = usersCalls().length;
      const { nodes } = await walk(h, Q, { account: 'openai-1' }, first);
      expect(nodes.map((n) => n.remoteId)).toEqual(data.map((u) => u.id));
      const calls = usersCalls().slice(before);
      expect(calls[0]!.query.get('limit')).toBe(String(first));
      expect(calls[0]!.query.get('after')).toBeNull();
      expect(calls.slice(1).every((c) => data.some((u) => u.id === c.query.get('after')))).toBe(true);
    }
    expect(sandbox.requests.every((r) => r.headers.authorization === `Bearer ${OPENAI_SANDBOX_API_KEY}`)).toBe(true);
    expect(sandbox.requests.some((r) => r.path.includes('/usage/'))).toBe(false); // no usage endpoint call
  });

  it('fills one Relay page from several upstream pages when an in-memory filter drops users', async () => {
    const before = usersCalls().length;
    const res = await h.query(Q, { account: 'openai-1', first: 100, filters: { isActive: true } });
    const kept = data.filter((u) => !(u.user?.banned === true || u.user?.enabled === false));
    expect(ids(res)).toEqual(kept.slice(0, 100).map((u) => u.id));
    expect(usersCalls().slice(before).map((c) => c.query.get('after'))).toEqual([null, data[99]!.id]);
  });

  it('sends filters.email and filters.emails upstream as the repeated emails array parameter', async () => {
    const target = data[37]!;
    const one = await h.query(Q, { account: 'openai-1', first: 10, filters: { email: target.email } });
    expect(ids(one)).toEqual([target.id]);
    expect(usersCalls().at(-1)!.query.getAll('emails')).toEqual([target.email]);

    const wanted = [data[3]!, data[90]!, data[200]!];
    const many = await h.query(Q, { account: 'openai-1', first: 10, filters: { emails: wanted.map((u) => u.email) } });
    expect(ids(many)).toEqual(wanted.map((u) => u.id));
    expect(usersCalls().at(-1)!.query.getAll('emails')).toEqual(wanted.map((u) => u.email));
  });

  it('refuses filters.email combined with filters.emails, which upstream would OR together', async () => {
    const res = await h.query(Q, { account: 'openai-1', filters: { email: data[1]!.email, emails: [data[2]!.email] } });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UNSUPPORTED_FILTER', provider: 'openai', filter: 'emails' });
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

  it('refuses filters the Admin API cannot serve', async () => {
    for (const filter of ['teamId', 'username', 'updatedAfter', 'groupId', 'organizationId', 'date']) {
      const value = filter === 'updatedAfter' ? '2025-01-01T00:00:00Z' : filter === 'date' ? '2025-08-08' : 'x';
      const res = await h.query(Q, { account: 'openai-1', filters: { [filter]: value } });
      expect(res.body.errors![0].extensions).toMatchObject({ code: 'UNSUPPORTED_FILTER', provider: 'openai', filter });
    }
  });

  it("maps an upstream 401 with OpenAI's error body to UPSTREAM_UNAUTHORIZED", async () => {
    const bad = startGateway([{ id: 'openai-bad', provider: 'openai', context: { baseUrl: `${sandbox.url}/v1` }, credentials: { apiKey: 'sk-admin-wrong-key-value' } }]);
    const res = await bad.query(Q, { account: 'openai-bad' });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', provider: 'openai', upstreamStatus: 401 });
    expect(res.body.errors![0].message).toContain('Incorrect API key provided');
    await bad.close();
  });

  it('retries a 429 with retry-after: 0 and gives up on a long Retry-After with UPSTREAM_RATE_LIMITED', async () => {
    const { body } = openaiError(429, 'Rate limit reached for requests', 'requests', 'rate_limit_exceeded');
    sandbox.inject({ status: 429, headers: { 'retry-after': '0' }, body, match: /\/organization\/users$/ });
    const ok = await h.query(Q, { account: 'openai-1', first: 3 });
    expect(ids(ok)).toEqual(data.slice(0, 3).map((u) => u.id));

    sandbox.inject({ status: 429, headers: { 'retry-after': '120' }, body, match: /\/organization\/users$/ });
    const res = await h.query(Q, { account: 'openai-1', first: 3 });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', provider: 'openai', upstreamStatus: 429, retryAfter: 120 });
  });

  it('reports a 200 with malformed JSON as UPSTREAM_BAD_RESPONSE', async () => {
    sandbox.inject({ raw: '{not json', headers: { 'content-type': 'application/json' }, match: /\/organization\/users$/ });
    const res = await h.query(Q, { account: 'openai-1', first: 3 });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', provider: 'openai' });
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

  it('keeps the raw record, unexpected fields included, in remoteData', async () => {
    const res = await h.query(Q, { account: 'openai-1', first: 13 });
    const nodes = res.body.data.users.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.remoteData)).toEqual(JSON.parse(JSON.stringify(data.slice(0, 13))));
    expect(nodes[8].remoteData.unexpected_field).toEqual({ nested: [1, 2, 3] });
    expect(nodes[12].remoteData.projects.data[0].id).toBe('proj_sbx1');
    expect(nodes[0]).toMatchObject({ name: null, firstName: null, lastName: null, roles: [{ id: 'owner', name: 'owner' }] });
    expect(nodes[1]).toMatchObject({ firstName: nodes[1].name, lastName: null });
    expect(nodes[2]).toMatchObject({ firstName: '伟', lastName: '王' });
    expect(nodes[6].name).toBe(data[6]!.user!.name); // name missing: the nested user's name
    expect(nodes[5].emails).toHaveLength(2); // the login e-mail differs from the org e-mail
  });
});
