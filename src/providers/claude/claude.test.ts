import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProviderConformance } from '../../../test/conformance.js';
import { startGateway, walk, type Harness } from '../../../test/helpers.js';
import type { Sandbox } from '../engine/sandbox-kit.js';
import { claude, CLAUDE_ROLES, CLAUDE_USER_TYPE, CLAUDE_VERSION, type ClaudeUser } from './adapter.js';
import { daysAgo } from '../engine/engine.js';
import { claudeDataset, claudeSandbox, claudeUsageReport, CLAUDE_MIXED_CASE_INDEX, CLAUDE_SANDBOX_API_KEY, startClaudeSandbox } from './sandbox.js';

describeProviderConformance({ sandbox: claudeSandbox, category: 'USAGE_METERING' });

// What is specific to Claude: its roles, the Claude Code usage join, the usage day and Anthropic's error bodies.
const Q = `query($account: ID!, $first: Int, $after: String, $filters: UserFilter) {
  users(category: USAGE_METERING, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {
    edges { cursor node { ... on UsageMeteringUser { id remoteId name firstName lastName emails { email isPrimary type } roles { id name } status remoteStatus organization { id } spendLimit { amount } lastActiveAt createdAt updatedAt remoteData } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on UsageMeteringUser { remoteId lastActiveAt } } }`;

const DAY = '2025-08-08';
let sandbox: Sandbox;
let h: Harness;
const data = claudeDataset();
const report = claudeUsageReport(DAY, data);
const ids = (res: any) => res.body.data.users.edges.map((e: any) => e.node.remoteId);
const usersCalls = () => sandbox.requests.filter((r) => r.path === '/v1/organizations/users');
const usageCalls = () => sandbox.requests.filter((r) => r.path === '/v1/organizations/usage_report/claude_code');
const account = { id: 'claude-1', provider: 'claude', context: { baseUrl: '' }, credentials: { apiKey: CLAUDE_SANDBOX_API_KEY } };

beforeAll(async () => {
  sandbox = await startClaudeSandbox({ usagePageMax: 40 }); // small report pages so the join pages through next_page
  h = startGateway([{ ...account, context: { baseUrl: sandbox.url } }]);
});
afterAll(async () => {
  await h.close();
  await sandbox.close();
});

describe('claude adapter', () => {
  it('reads the usage report and the first page of members at once, not one after the other', async () => {
    // The report is held back 2 s: read first, the members page would only be asked for once it is answered.
    sandbox.inject({ match: /^\/v1\/organizations\/usage_report\/claude_code$/, delayMs: 2000 });
    const [members, usage] = [usersCalls().length, usageCalls().length];
    const arrived = (n: () => number, before: number) => new Promise<number>((ok) => { const t = setInterval(() => n() > before && (clearInterval(t), ok(Date.now())), 5); });
    const res = h.query(Q, { account: 'claude-1', first: 5, filters: { date: '2025-08-01' } });
    const [usageAt, membersAt] = await Promise.all([arrived(() => usageCalls().length, usage), arrived(() => usersCalls().length, members)]);
    expect(membersAt - usageAt).toBeLessThan(1000);
    expect((await res).body.errors).toBeUndefined();
  });

  it('maps every role to roles and a user type, and every listed member to ACTIVE with no raw status', () => {
    expect(new Set(data.map((u) => u.role))).toEqual(new Set(CLAUDE_ROLES));
    for (const role of CLAUDE_ROLES) {
      const u = claude.map({ ...data[10]!, role }, {});
      expect(u.roles).toEqual([{ id: role, name: role }]);
      expect(u.userType).toBe(CLAUDE_USER_TYPE[role]);
      expect(u).toMatchObject({ status: 'ACTIVE', remoteStatus: null, organization: null, spendLimit: null, updatedAt: null });
    }
    expect(claude.map({ ...data[10]!, role: 'workspace_admin' }, {}).userType).toBeNull();
    expect(claude.map({ ...data[10]!, role: 'workspace_admin' }, {}).roles).toEqual([{ id: 'workspace_admin', name: 'workspace_admin' }]);
  });

  it('maps names, e-mail and added_at, and never throws on odd records', () => {
    expect(claude.map({ id: 'user_01a', name: 'Ana Ruiz van Dyke', email: 'ana@x.test', added_at: '2024-10-30T23:58:27.427722Z', role: 'admin' }, {})).toMatchObject({
      remoteId: 'user_01a', name: 'Ana Ruiz van Dyke', firstName: 'Ana', lastName: 'Ruiz van Dyke',
      emails: [{ email: 'ana@x.test', isPrimary: true, type: 'work' }], createdAt: '2024-10-30T23:58:27.427Z', lastActiveAt: null,
    });
    expect(claude.map({ id: 'user_01b', name: '', email: '' }, {})).toMatchObject({ name: '', firstName: null, lastName: null, emails: [], roles: [] });
    const odd = claude.map({ id: 42 as any, name: 7 as any, email: null, role: null, added_at: 'yesterday' }, { claudeCode: [null, { date: 'nope' }, 5] as any });
    expect(odd).toMatchObject({ remoteId: '42', name: '7', emails: [], roles: [], userType: null, createdAt: null, lastActiveAt: null });
  });

  it('sets lastActiveAt to the latest day among the joined Claude Code rows', () => {
    const rows = [{ date: '2025-08-07T00:00:00Z' }, { date: '2025-08-08T00:00:00Z' }, { date: 'garbage' }];
    expect(claude.map(data[20]!, { claudeCode: rows }).lastActiveAt).toBe('2025-08-08T00:00:00.000Z');
  });

  it('counts the default usage day three days back, in UTC', () => {
    expect(daysAgo(3, Date.UTC(2025, 2, 2, 23, 59))).toBe('2025-02-27');
  });

  it('pages with limit and after_id = last_id, sending x-api-key and anthropic-version', async () => {
    const before = usersCalls().length;
    const { nodes } = await walk(h, Q, { account: 'claude-1', filters: { date: DAY } }, 50);
    expect(nodes.map((n) => n.remoteId)).toEqual(data.map((u) => u.id));
    const calls = usersCalls().slice(before);
    expect(calls[0]!.query.get('limit')).toBe('1000'); // the documented maximum, whatever first is
    expect(calls[0]!.query.get('after_id')).toBeNull();
    expect(calls.slice(1).every((c) => data.some((u) => u.id === c.query.get('after_id')))).toBe(true);
    expect(sandbox.requests.every((r) => r.headers['x-api-key'] === CLAUDE_SANDBOX_API_KEY && r.headers['anthropic-version'] === CLAUDE_VERSION)).toBe(true);
  });

  it('joins the Claude Code report of filters.date by e-mail, following next_page, to fill lastActiveAt', async () => {
    const before = usageCalls().length;
    const res = await h.query(Q, { account: 'claude-1', first: 100, filters: { date: DAY } });
    const calls = usageCalls().slice(before);
    expect(res.body.errors).toBeUndefined();
    expect(report.length).toBeGreaterThan(40);
    expect(calls.length).toBe(Math.ceil(report.length / 40));
    expect(calls.every((c) => c.query.get('starting_at') === DAY && c.query.get('limit') === '1000')).toBe(true);
    expect(calls[0]!.query.get('page')).toBeNull();
    expect(calls.slice(1).every((c) => c.query.get('page')?.startsWith('page_'))).toBe(true);

    const { nodes } = await walk(h, Q, { account: 'claude-1', filters: { date: DAY } }, 100);
    const active = new Set(report.filter((r) => r.actor.type === 'user_actor').map((r) => (r.actor as any).email_address.toLowerCase()));
    for (const n of nodes) {
      const raw = data.find((u) => u.id === n.remoteId)!;
      expect(n.lastActiveAt).toBe(active.has(String(raw.email).toLowerCase()) ? `${DAY}T00:00:00.000Z` : null);
    }
    expect(nodes.filter((n) => n.lastActiveAt).length).toBeGreaterThan(40);
    // The member stored as Mixed.Case@ is reported in lower case and still joins.
    expect(nodes[CLAUDE_MIXED_CASE_INDEX].lastActiveAt).toBe(`${DAY}T00:00:00.000Z`);
  });

  it('uses the report of three days ago when filters.date is absent', async () => {
    const before = usageCalls().length;
    const res = await h.query(Q, { account: 'claude-1', first: 5 });
    expect(res.body.errors).toBeUndefined();
    const day = daysAgo(3);
    expect(usageCalls().slice(before)[0]!.query.get('starting_at')).toBe(day);
    expect(res.body.data.users.edges[0].node.lastActiveAt).toBe(claudeUsageReport(day, data).some((r) => (r.actor as any).email_address === data[0]!.email) ? `${day}T00:00:00.000Z` : null);
  });

  it('refuses a malformed filters.date before calling upstream', async () => {
    const before = sandbox.requests.length;
    const res = await h.query(Q, { account: 'claude-1', first: 5, filters: { date: '8 Aug 2025' } });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', filter: 'date' });
    expect(sandbox.requests.length).toBe(before);
  });

  it('sends filters.email upstream as the email parameter', async () => {
    const target = data[37]!;
    const res = await h.query(Q, { account: 'claude-1', first: 10, filters: { email: target.email, date: DAY } });
    expect(ids(res)).toEqual([target.id]);
    expect(usersCalls().at(-1)!.query.get('email')).toBe(target.email);
  });

  it('sends filters.roleId upstream as the roles parameter', async () => {
    const { nodes } = await walk(h, Q, { account: 'claude-1', filters: { roleId: 'billing', date: DAY } }, 50);
    expect(nodes.map((n) => n.remoteId)).toEqual(data.filter((u) => u.role === 'billing').map((u) => u.id));
    expect(nodes.every((n) => n.roles[0].id === 'billing')).toBe(true);
    expect(usersCalls().at(-1)!.query.getAll('roles')).toEqual(['billing']);
  });

  it('filters name, first and last name, e-mails, user type and join date in memory while paging', async () => {
    const cases: [Record<string, unknown>, (u: ClaudeUser) => boolean][] = [
      [{ name: 'chen' }, (u) => String(u.name).toLowerCase().includes('chen')],
      [{ firstName: 'lee' }, (u) => String(u.name).split(' ')[0]!.toLowerCase().includes('lee')],
      [{ lastName: 'ИВАН' }, (u) => u.name === 'Дмитрий Иванов'],
      [{ emails: [data[3]!.email, data[90]!.email!.toUpperCase()] }, (u) => u === data[3] || u === data[90]],
      [{ userType: 'ADMIN' }, (u) => ['admin', 'owner', 'primary_owner', 'membership_admin'].includes(String(u.role))],
      [{ createdAfter: data[200]!.added_at }, (u) => Date.parse(String(u.added_at)) > Date.parse(String(data[200]!.added_at))],
      [{ status: 'ACTIVE', isActive: true }, () => true],
      [{ status: 'INVITED' }, () => false],
    ];
    for (const [filters, keep] of cases) {
      const before = usersCalls().length;
      const { nodes } = await walk(h, Q, { account: 'claude-1', filters: { ...filters, date: DAY } }, 30);
      expect(nodes.map((n) => n.remoteId), JSON.stringify(filters)).toEqual(data.filter(keep).map((u) => u.id));
      const first = usersCalls()[before]!;
      expect(first.query.get('limit')).toBe('1000'); // in-memory filters read full upstream pages
      expect([...first.query.keys()].sort()).toEqual(['limit']);
    }
  });

  it('maps an upstream 401 with Anthropic\'s error body to UPSTREAM_UNAUTHORIZED', async () => {
    const bad = startGateway([{ ...account, id: 'claude-bad', context: { baseUrl: sandbox.url }, credentials: { apiKey: 'sk-ant-admin01-wrong' } }]);
    const res = await bad.query(Q, { account: 'claude-bad', filters: { date: DAY } });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', provider: 'claude', upstreamStatus: 401 });
    expect(res.body.errors![0].message).toContain('invalid x-api-key');
    await bad.close();
  });

  it('reports a usage report without its rows as UPSTREAM_BAD_RESPONSE when the day was asked for', async () => {
    sandbox.inject({ status: 200, body: { data: 'nope', has_more: false }, match: /usage_report/ });
    const join = await h.query(Q, { account: 'claude-1', first: 3, filters: { date: '2025-08-09' } });
    expect(join.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', provider: 'claude' });
  });

  it('resolves node and nodes by id, one GET /v1/organizations/users/{id} each (there is no bulk endpoint)', async () => {
    const res = await h.query(Q, { account: 'claude-1', first: 4, filters: { date: DAY } });
    const listed = res.body.data.users.edges.map((e: any) => e.node);
    const before = sandbox.requests.length;
    const out = await h.query(NODES, { ids: listed.map((n: any) => n.id) });
    expect(out.body.errors).toBeUndefined();
    expect(out.body.data.nodes.map((n: any) => n.remoteId)).toEqual(listed.map((n: any) => n.remoteId));
    const calls = sandbox.requests.slice(before);
    const byId = calls.filter((c) => c.path.startsWith('/v1/organizations/users/'));
    expect(byId.map((c) => c.path).sort()).toEqual(listed.map((n: any) => `/v1/organizations/users/${n.remoteId}`).sort());
    expect(calls.filter((c) => c.path === '/v1/organizations/users')).toEqual([]);

    const single = await h.query(`query($id: ID!) { node(id: $id) { ... on UsageMeteringUser { remoteId name } } }`, { id: listed[2].id });
    expect(single.body.data.node).toEqual({ remoteId: listed[2].remoteId, name: listed[2].name });
  });

});
