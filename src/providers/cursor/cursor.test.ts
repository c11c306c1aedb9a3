import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProviderConformance } from '../../../test/conformance.js';
import { startGateway, walk, type Harness } from '../../../test/helpers.js';
import type { Sandbox } from '../engine/sandbox-kit.js';
import { daysAgo } from '../engine/engine.js';
import { cursor, CURSOR_ROLES, CURSOR_USER_TYPE, SPEND_PAGE_SIZE, usageRange, type CursorMember } from './adapter.js';
import { CURSOR_SANDBOX_KEY, cursorDataset, cursorSandbox, cursorSpend, cursorUsage, startCursorSandbox } from './sandbox.js';

describeProviderConformance({ sandbox: cursorSandbox, category: 'USAGE_METERING' });

// What is specific to Cursor: the single members response, the spend and daily-usage joins, Basic auth with the key as user.
const Q = `query($account: ID!, $first: Int, $after: String, $filters: UserFilter) {
  users(category: USAGE_METERING, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {
    edges { cursor node { ... on UsageMeteringUser { id remoteId name firstName lastName emails { email isPrimary type } roles { id name } status remoteStatus organization { id } spendLimit { amount currency } lastActiveAt createdAt updatedAt remoteData } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on UsageMeteringUser { remoteId spendLimit { amount } } } }`;

const NOW = Date.UTC(2025, 7, 10, 12); // the sandbox's clock: usage rows cover 2025-08-04 … 2025-08-09
const DAY = '2025-08-08';
const DAY_MS = Date.UTC(2025, 7, 8);
let sandbox: Sandbox;
let h: Harness;
const data = cursorDataset();
const spend = cursorSpend(data);
const usage = cursorUsage(data, NOW);
const ids = (res: any) => res.body.data.users.edges.map((e: any) => e.node.remoteId);
const calls = (path: string) => sandbox.requests.filter((r) => r.path === path);
const account = { id: 'cursor-1', provider: 'cursor', credentials: { apiKey: CURSOR_SANDBOX_KEY } };
const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

beforeAll(async () => {
  sandbox = await startCursorSandbox({ now: () => NOW });
  h = startGateway([{ ...account, context: { baseUrl: sandbox.url } }]);
});
afterAll(async () => {
  await h.close();
  await sandbox.close();
});

describe('cursor adapter', () => {
  it('maps isRemoved to DELETED or ACTIVE with the raw value in remoteStatus, and every role to roles and a user type', () => {
    expect(new Set(data.map((m) => m.role))).toEqual(new Set(CURSOR_ROLES));
    expect(data.some((m) => m.isRemoved) && data.some((m) => !m.isRemoved)).toBe(true);
    expect(cursor.map({ ...data[10]!, isRemoved: true }, {})).toMatchObject({ status: 'DELETED', remoteStatus: 'removed' });
    expect(cursor.map({ ...data[10]!, isRemoved: false }, {})).toMatchObject({ status: 'ACTIVE', remoteStatus: 'active' });
    expect(cursor.map({ id: 1, email: 'old@x.test', role: 'member' }, {})).toMatchObject({ status: 'ACTIVE', remoteStatus: 'active' });
    for (const role of CURSOR_ROLES) {
      const u = cursor.map({ ...data[10]!, role }, {});
      expect(u.roles).toEqual([{ id: role, name: role }]);
      expect(u.userType).toBe(CURSOR_USER_TYPE[role]);
    }
    expect(cursor.map({ ...data[10]!, role: 'admin' }, {})).toMatchObject({ userType: null, roles: [{ id: 'admin', name: 'admin' }] });
  });

  it('maps names and the e-mail, and never throws on odd records', () => {
    expect(cursor.map({ id: 12345, name: 'Ana Ruiz van Dyke', email: 'ana@x.test', role: 'owner', isRemoved: false }, {})).toMatchObject({
      remoteId: '12345', name: 'Ana Ruiz van Dyke', firstName: 'Ana', lastName: 'Ruiz van Dyke',
      emails: [{ email: 'ana@x.test', isPrimary: true, type: 'work' }], organization: null, spendLimit: null, lastActiveAt: null, createdAt: null, updatedAt: null,
    });
    expect(cursor.map(data[0]!, {})).toMatchObject({ name: null, firstName: null, lastName: null });
    expect(cursor.map(data[9]!, {})).toMatchObject({ name: '', firstName: null, lastName: null });
    expect(cursor.map({ name: 'Sam', email: 'sam@x.test', role: 'member' }, {}).remoteId).toBe('sam@x.test'); // older shape without id
    const odd = cursor.map({ id: 7, name: 5 as any, email: null, role: null, isRemoved: 'yes' as any }, { spend: [null, 3] as any, dailyUsage: [null, { date: 'x', isActive: true }] as any });
    expect(odd).toMatchObject({ remoteId: '7', name: '5', emails: [], roles: [], userType: null, status: 'ACTIVE', spendLimit: null, lastActiveAt: null });
  });

  it('takes spendLimit from a positive hardLimitOverrideDollars, else monthlyLimitDollars, and lastActiveAt from the latest active usage row', () => {
    expect(cursor.map(data[4]!, { spend: [{ email: data[4]!.email, hardLimitOverrideDollars: 100 }] }).spendLimit).toEqual({ amount: 100, currency: 'USD' });
    expect(cursor.map(data[4]!, { spend: [{ email: data[4]!.email, hardLimitOverrideDollars: 0 }] }).spendLimit).toBeNull();
    expect(cursor.map(data[4]!, { spend: [{ email: data[4]!.email, hardLimitOverrideDollars: 0, monthlyLimitDollars: 77 }] }).spendLimit).toEqual({ amount: 77, currency: 'USD' });
    expect(cursor.map(data[4]!, { spend: [{ email: data[4]!.email, hardLimitOverrideDollars: null }] }).spendLimit).toBeNull();
    expect(cursor.map(data[4]!, { spend: [{ email: data[4]!.email, spendCents: 10 }] }).spendLimit).toBeNull();
    const rows = [{ date: DAY_MS - 3_600_000, isActive: true }, { date: DAY_MS, isActive: true }, { date: DAY_MS + 1000, isActive: false }];
    expect(cursor.map(data[4]!, { dailyUsage: rows }).lastActiveAt).toBe('2025-08-08T00:00:00.000Z');
    expect(cursor.map(data[4]!, { dailyUsage: [{ date: DAY_MS, isActive: false }] }).lastActiveAt).toBeNull();
  });

  it('turns the usage day into an epoch-millisecond UTC range', () => {
    expect(usageRange(DAY)).toEqual({ startDate: DAY_MS, endDate: DAY_MS + 86_400_000 - 1 });
  });

  it('slices the single /teams/members response, one plain GET for the whole walk, with Basic auth', async () => {
    const before = calls('/teams/members').length;
    const { nodes, pages } = await walk(h, Q, { account: 'cursor-1', filters: { date: DAY } }, 50);
    expect(nodes.map((n) => n.remoteId)).toEqual(data.map((m) => String(m.id)));
    const made = calls('/teams/members').slice(before);
    expect(pages).toBeGreaterThan(1);
    expect(made.length).toBe(1); // later GraphQL pages resume inside the cached response
    expect(made.every((c) => c.method === 'GET' && [...c.query.keys()].length === 0)).toBe(true);
    expect(sandbox.requests.every((r) => r.headers.authorization === basic(CURSOR_SANDBOX_KEY))).toBe(true);
  });

  it('joins /teams/spend by e-mail, paging the POST body, to fill spendLimit', async () => {
    const before = calls('/teams/spend').length;
    const { nodes } = await walk(h, Q, { account: 'cursor-1', filters: { date: DAY } }, 100);
    const pages = Math.ceil(spend.length / SPEND_PAGE_SIZE);
    const perQuery = calls('/teams/spend').slice(before, before + pages);
    expect(perQuery.map((c) => c.body)).toEqual(Array.from({ length: pages }, (_, i) => ({ page: i + 1, pageSize: SPEND_PAGE_SIZE })));
    expect(perQuery.every((c) => c.method === 'POST' && String(c.headers['content-type']).includes('application/json'))).toBe(true);
    const limit = new Map(spend.map((s) => [String(s.email).toLowerCase(), s.hardLimitOverrideDollars]));
    for (const [i, n] of nodes.entries()) {
      const l = limit.get(String(data[i]!.email).toLowerCase());
      expect(n.spendLimit, String(i)).toEqual(typeof l === 'number' && l > 0 ? { amount: l, currency: 'USD' } : null);
    }
    expect(nodes[12].spendLimit).toEqual({ amount: 112, currency: 'USD' }); // spend lists this e-mail in upper case
    expect([...limit.values()].some((l) => l === 0)).toBe(true); // the dataset has "no override" zeros, shown as null
    expect(nodes.filter((n) => n.status === 'DELETED').every((n) => n.spendLimit === null)).toBe(true);
  });

  it('joins the daily usage of filters.date by e-mail to fill lastActiveAt', async () => {
    const before = calls('/teams/daily-usage-data').length;
    const { nodes } = await walk(h, Q, { account: 'cursor-1', filters: { date: DAY } }, 100);
    const made = calls('/teams/daily-usage-data').slice(before);
    expect(made[0]!.method).toBe('POST');
    expect(made.every((c) => JSON.stringify(c.body) === JSON.stringify({ startDate: DAY_MS, endDate: DAY_MS + 86_400_000 - 1 }))).toBe(true);
    const active = new Set(usage.filter((r) => r.date === DAY_MS && r.isActive).map((r) => r.email));
    expect(active.size).toBeGreaterThan(20);
    expect(usage.some((r) => r.date === DAY_MS && !r.isActive)).toBe(true);
    for (const [i, n] of nodes.entries()) expect(n.lastActiveAt, String(i)).toBe(active.has(data[i]!.email) ? '2025-08-08T00:00:00.000Z' : null);
  });

  it('asks for the daily usage of three days ago when filters.date is absent', async () => {
    const before = calls('/teams/daily-usage-data').length;
    const res = await h.query(Q, { account: 'cursor-1', first: 5 });
    expect(res.body.errors).toBeUndefined();
    expect(calls('/teams/daily-usage-data').slice(before).map((c) => c.body)).toEqual([usageRange(daysAgo(3))]);
  });

  it('refuses a malformed filters.date before calling upstream', async () => {
    const before = sandbox.requests.length;
    const res = await h.query(Q, { account: 'cursor-1', first: 5, filters: { date: '8 Aug 2025' } });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', filter: 'date' });
    expect(sandbox.requests.length).toBe(before);
  });

  it('filters e-mail, names, status, role and user type in memory, sending nothing upstream', async () => {
    const cases: [Record<string, unknown>, (m: CursorMember) => boolean][] = [
      [{ email: data[37]!.email!.toUpperCase() }, (m) => m === data[37]],
      [{ emails: [data[3]!.email, data[90]!.email] }, (m) => m === data[3] || m === data[90]],
      [{ name: 'chen' }, (m) => String(m.name ?? '').toLowerCase().includes('chen')],
      [{ firstName: '伟' }, (m) => m === data[2]],
      [{ lastName: 'ИВАН' }, (m) => m === data[3]],
      [{ status: 'DELETED' }, (m) => m.isRemoved === true],
      [{ isActive: false }, (m) => m.isRemoved === true],
      [{ status: 'ACTIVE', roleId: 'free-owner' }, (m) => !m.isRemoved && m.role === 'free-owner'],
      [{ userType: 'ADMIN' }, (m) => m.role === 'owner' || m.role === 'free-owner'],
      [{ status: 'INVITED' }, () => false],
    ];
    for (const [filters, keep] of cases) {
      const before = calls('/teams/members').length;
      const { nodes } = await walk(h, Q, { account: 'cursor-1', filters: { ...filters, date: DAY } }, 30);
      expect(nodes.map((n) => n.remoteId), JSON.stringify(filters)).toEqual(data.filter(keep).map((m) => String(m.id)));
      expect(calls('/teams/members').slice(before).every((c) => [...c.query.keys()].length === 0 && c.body === undefined)).toBe(true);
    }
  });

  it("maps an upstream 401 with Cursor's error body to UPSTREAM_UNAUTHORIZED", async () => {
    const bad = startGateway([{ ...account, id: 'cursor-bad', context: { baseUrl: sandbox.url }, credentials: { apiKey: 'key_wrong' } }]);
    const res = await bad.query(Q, { account: 'cursor-bad', filters: { date: DAY } });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', provider: 'cursor', upstreamStatus: 401 });
    expect(res.body.errors![0].message).toContain('Invalid API key');
    expect(sandbox.requests.at(-1)!.headers.authorization).toBe(basic('key_wrong'));
    await bad.close();
  });

  it('reports a spend list without its rows as UPSTREAM_BAD_RESPONSE when the day was asked for', async () => {
    sandbox.inject({ status: 200, body: { teamMemberSpend: 'nope', totalPages: 1 }, match: /^\/teams\/spend$/ });
    const join = await h.query(Q, { account: 'cursor-1', first: 3, filters: { date: DAY } });
    expect(join.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', provider: 'cursor' });
  });

  it("fails an explicitly asked usage day when the daily-usage join is rate limited, quoting Cursor's message", async () => {
    const body = { error: 'Too Many Requests', message: 'Rate limit exceeded. Please try again later.' };
    sandbox.inject({ status: 429, headers: { 'retry-after': '120' }, body, match: /^\/teams\/daily-usage-data$/ });
    const res = await h.query(Q, { account: 'cursor-1', first: 3, filters: { date: DAY } });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', provider: 'cursor', upstreamStatus: 429, retryAfter: 120 });
    expect(res.body.errors![0].message).toContain('Rate limit exceeded');
  });

  it('resolves node and nodes by id through a bounded scan of /teams/members (there is no single-member endpoint)', async () => {
    const res = await h.query(Q, { account: 'cursor-1', first: 100, filters: { date: DAY } });
    const listed = res.body.data.users.edges.map((e: any) => e.node);
    const picked = [listed[0], listed[12], listed[99]];
    const before = sandbox.requests.length;
    const out = await h.query(NODES, { ids: picked.map((n: any) => n.id) });
    expect(out.body.errors).toBeUndefined();
    expect(out.body.data.nodes.map((n: any) => n.remoteId)).toEqual(picked.map((n: any) => n.remoteId));
    expect(out.body.data.nodes[1].spendLimit).toEqual({ amount: 112 });
    const made = sandbox.requests.slice(before);
    expect(made.filter((c) => c.path === '/teams/members').length).toBe(1); // one fetch serves the whole scan
  });

});
