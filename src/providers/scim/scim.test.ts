// The shared contract against the SCIM sandbox, then what is specific to SCIM — paging by what came back,
// filter pushdown and its quoting, sort refused, byIds in one filter — and the same walk and filters
// against an independently written server (scimmy + scimmy-routers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProviderConformance } from '../../../test/conformance.js';
import { startGateway, walk, type Harness } from '../../../test/helpers.js';
import type { Sandbox } from '../engine/sandbox-kit.js';
import { mapScimUser } from './map.js';
import { scimDataset, scimSandbox, SCIM_BASE_PATH, SCIM_SANDBOX_BASIC, SCIM_SANDBOX_MAX_COUNT, SCIM_SANDBOX_TOKEN, startScimSandbox } from './sandbox.js';
import { startScimmyServer, SCIMMY_TOKEN, type ScimmyServer } from './scimmy-server.js';

describeProviderConformance({ sandbox: scimSandbox, category: 'USER_DIRECTORY' });

const Q = `query($account: ID!, $first: Int, $after: String, $filters: UserFilter) {
  users(category: USER_DIRECTORY, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {
    edges { cursor node { ... on DirectoryUser { id remoteId name username emails { email isPrimary } status externalId identifiers organizations { id } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const data = scimDataset();
const ids = (nodes: any[]) => nodes.map((n) => n.remoteId);
const code = (res: any) => res.body.errors?.[0]?.extensions?.code;

describe('scim adapter against its sandbox', () => {
  let sandbox: Sandbox;
  let h: Harness;
  const lists = () => sandbox.requests.filter((r) => r.path === `${SCIM_BASE_PATH}/Users`);
  const lastFilter = () => lists().at(-1)!.query.get('filter');

  beforeAll(async () => {
    sandbox = await startScimSandbox();
    h = startGateway([
      { id: 'scim-1', provider: 'scim', context: { baseUrl: `${sandbox.url}${SCIM_BASE_PATH}` }, credentials: { accessToken: SCIM_SANDBOX_TOKEN } },
      { id: 'scim-basic', provider: 'scim', context: { baseUrl: `${sandbox.url}${SCIM_BASE_PATH}` }, credentials: { ...SCIM_SANDBOX_BASIC } },
      { id: 'scim-bad', provider: 'scim', context: { baseUrl: `${sandbox.url}${SCIM_BASE_PATH}` }, credentials: { accessToken: 'wrong-scim-token-value' } },
    ]);
  });
  afterAll(async () => {
    await h.close();
    await sandbox.close();
  });

  it('pages by what came back: startIndex advances by the returned count under the server cap, and stops at totalResults', async () => {
    const before = lists().length;
    const { nodes } = await walk(h, Q, { account: 'scim-1' }, 100);
    expect(ids(nodes)).toEqual(data.map((u) => u.id));
    const calls = lists().slice(before).map((r) => ({ start: Number(r.query.get('startIndex')), count: Number(r.query.get('count')) }));
    expect(calls[0]).toMatchObject({ start: 1 });
    expect(calls[0]!.count).toBeGreaterThan(SCIM_SANDBOX_MAX_COUNT); // asked for more than the server gives
    // Each startIndex is 1 or a previous one advanced by what came back (never by the count asked), a Relay
    // page resuming inside an upstream page may re-read it, every index is read, none past totalResults.
    const returned = (c: { start: number; count: number }) => Math.max(0, Math.min(c.count, SCIM_SANDBOX_MAX_COUNT, data.length - c.start + 1));
    const reachable = new Set([1, ...calls.map((c) => c.start + returned(c))]);
    expect(calls.filter((c) => !reachable.has(c.start))).toEqual([]);
    const served = new Set(calls.flatMap((c) => Array.from({ length: returned(c) }, (_, k) => c.start + k)));
    expect(served.size).toBe(data.length);
    expect(calls.every((c) => c.start <= data.length)).toBe(true);
  });

  it('authenticates with Basic credentials as well as a bearer token', async () => {
    const res = await h.query(Q, { account: 'scim-basic', first: 3 });
    expect(ids(res.body.data.users.edges.map((e: any) => e.node))).toEqual(data.slice(0, 3).map((u) => u.id));
    expect(sandbox.requests.at(-1)!.headers.authorization).toMatch(/^Basic /);
  });

  it('reports a rejected token as UPSTREAM_UNAUTHORIZED with the SCIM detail', async () => {
    const res = await h.query(Q, { account: 'scim-bad', first: 3 });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', provider: 'scim', upstreamStatus: 401 });
    expect(res.body.errors![0].message).toContain('Authorization failure');
  });

  it('pushes username, e-mail, activity and dates down as one SCIM filter joined with and', async () => {
    const target = data.find((u) => u.active === false && (u.emails?.length ?? 0) > 1)!;
    const secondary = target.emails!.find((e) => e.primary !== true)!.value as string;
    const res = await h.query(Q, { account: 'scim-1', first: 10, filters: { email: secondary, isActive: false, updatedAfter: '2000-01-02T03:04:05Z' } });
    expect(ids(res.body.data.users.edges.map((e: any) => e.node))).toEqual([target.id]);
    const f = lastFilter()!;
    expect(f).toContain(`emails[value eq "${secondary}"]`);
    expect(f).toContain('active eq false');
    expect(f).toContain('meta.lastModified gt "2000-01-02T03:04:05.000Z"');
    expect(f.split(' and ').length).toBe(3);
    await h.query(Q, { account: 'scim-1', first: 10, filters: { username: data[7]!.userName } });
    expect(lastFilter()).toBe(`userName eq "${data[7]!.userName}"`);
  });

  it('serves emails as an or of value paths', async () => {
    const addresses = [data[5]!.emails![1]!.value as string, data[20]!.emails![0]!.value as string];
    const { nodes } = await walk(h, Q, { account: 'scim-1', filters: { emails: addresses } }, 50);
    expect(ids(nodes)).toEqual([data[5]!.id, data[20]!.id]);
    expect(lastFilter()).toBe(`(emails[value eq "${addresses[0]}"] or emails[value eq "${addresses[1]}"])`);
  });

  it('quotes values as JSON strings: a quote or backslash can neither break nor widen the filter', async () => {
    const odd = data[12]!; // displayName `Quote "Q" Back\slash`
    const res = await h.query(Q, { account: 'scim-1', first: 10, filters: { name: '"Q" Back\\sl' } });
    expect(ids(res.body.data.users.edges.map((e: any) => e.node))).toEqual([odd.id]);
    expect(lastFilter()).toContain('displayName co "\\"Q\\" Back\\\\sl"');
    const injected = await h.query(Q, { account: 'scim-1', first: 10, filters: { username: 'x" or userName pr or userName eq "y' } });
    expect(injected.body.errors).toBeUndefined();
    expect(injected.body.data.users.edges).toEqual([]);
    expect(lastFilter()).toBe(`userName eq ${JSON.stringify('x" or userName pr or userName eq "y')}`);
  });

  it('answers an empty result (a ListResponse without Resources) with no users and no error', async () => {
    const res = await h.query(Q, { account: 'scim-1', first: 10, filters: { username: 'nobody-at-all' } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.users).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('refuses sort (no capability probe) and the statuses SCIM does not have, before any upstream call', async () => {
    const before = sandbox.requests.length;
    for (const filters of [{ sort: { field: 'NAME', direction: 'ASC' } }, { status: 'DELETED' }, { status: 'INVITED' }]) {
      expect(code(await h.query(Q, { account: 'scim-1', first: 5, filters }))).toBe('UNSUPPORTED_FILTER');
    }
    expect(sandbox.requests.length).toBe(before);
  });

  it("quotes SCIM's scimType and detail when the server refuses a filter", async () => {
    sandbox.inject({ match: /\/Users$/, status: 400, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidFilter', detail: 'Filter not supported' } });
    const res = await h.query(Q, { account: 'scim-1', first: 5, filters: { firstName: 'a' } });
    expect(res.body.errors![0].message).toContain('invalidFilter: Filter not supported');
  });

  it('resolves nodes with one filter `id eq … or id eq …`, keeping the enterprise fields', async () => {
    const page = (await h.query(Q, { account: 'scim-1', first: 4 })).body.data.users.edges.map((e: any) => e.node);
    const before = lists().length;
    const res = await h.query(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on DirectoryUser { remoteId externalId identifiers } } }`, { ids: page.map((n: any) => n.id) });
    expect(res.body.data.nodes.map((n: any) => n.remoteId)).toEqual(data.slice(0, 4).map((u) => u.id));
    expect(lists().length - before).toBe(1);
    expect(lastFilter()).toBe(data.slice(0, 4).map((u) => `id eq "${u.id}"`).join(' or '));
    const withManager = res.body.data.nodes.find((n: any) => n.identifiers?.managerId)!;
    expect(withManager).toMatchObject(JSON.parse(JSON.stringify({ externalId: mapScimUser(data.find((u) => u.id === withManager.remoteId)!).externalId })));
  });
});

// scimmy re-serialises every matching user on each request: a smaller directory (still three capped pages
// of 45) keeps these tests fast while proving the same paging and filters.
const few = data.slice(0, 120);

describe('scim adapter against an independent SCIM server (scimmy)', () => {
  let server: ScimmyServer;
  let named: ScimmyServer;
  let h: Harness;
  const account = (s: ScimmyServer) => ({ context: { baseUrl: s.baseUrl }, credentials: { accessToken: SCIMMY_TOKEN } });
  const lastFilter = (s: ScimmyServer) => s.requests.filter((r) => r.path.endsWith('/Users')).at(-1)!.query.get('filter');

  beforeAll(async () => {
    server = await startScimmyServer({ users: few });
    // scimmy 1.3.5 fails a name.* filter (400 "Cannot convert undefined or null to object") when any user
    // lacks `name`; the name filters run against a second server whose users all have one.
    named = await startScimmyServer({ users: few.filter((u) => u.name) });
    h = startGateway([
      { id: 'scimmy', provider: 'scim', ...account(server) },
      { id: 'scimmy-named', provider: 'scim', ...account(named) },
    ]);
  });
  afterAll(async () => {
    await h.close();
    await server.close();
    await named.close();
  });

  for (const first of [23, 100]) {
    it(`walks every user exactly once, in order, with first: ${first}`, async () => {
      const { nodes } = await walk(h, Q, { account: 'scimmy' }, first);
      expect(ids(nodes)).toEqual(few.map((u) => u.id));
    });
  }

  it('isActive true and false split the users in two', async () => {
    const active = ids((await walk(h, Q, { account: 'scimmy', filters: { isActive: true } }, 100)).nodes);
    const inactive = ids((await walk(h, Q, { account: 'scimmy', filters: { isActive: false } }, 100)).nodes);
    expect(active).toEqual(few.filter((u) => u.active).map((u) => u.id));
    expect(inactive).toEqual(few.filter((u) => !u.active).map((u) => u.id));
    expect(lastFilter(server)).toBe('active eq false');
  });

  it('finds a user by username, by a secondary e-mail and by several e-mails', async () => {
    const target = few.find((u) => (u.emails?.length ?? 0) > 1)!;
    const secondary = target.emails!.find((e) => e.primary !== true)!.value as string;
    expect(ids((await walk(h, Q, { account: 'scimmy', filters: { username: target.userName } }, 10)).nodes)).toEqual([target.id]);
    expect(ids((await walk(h, Q, { account: 'scimmy', filters: { email: secondary } }, 10)).nodes)).toEqual([target.id]);
    const other = few[30]!;
    const both = ids((await walk(h, Q, { account: 'scimmy', filters: { emails: [secondary, other.emails![0]!.value] } }, 10)).nodes);
    expect(both).toEqual(few.filter((u) => u.id === target.id || u.id === other.id).map((u) => u.id));
  });

  it('filters by createdAfter and updatedAfter through meta dates', async () => {
    const cut = few[80]!.meta!.created!;
    expect(ids((await walk(h, Q, { account: 'scimmy', filters: { createdAfter: cut } }, 100)).nodes)).toEqual(few.slice(81).map((u) => u.id));
    const updated = '2023-09-01T00:00:00.000Z';
    const got = ids((await walk(h, Q, { account: 'scimmy', filters: { updatedAfter: updated, isActive: true } }, 100)).nodes);
    expect(got).toEqual(few.filter((u) => u.active && Date.parse(u.meta!.lastModified!) > Date.parse(updated)).map((u) => u.id));
    expect(got.length).toBeGreaterThan(0);
  });

  it('filters by first and last name (co)', async () => {
    const withNames = few.filter((u) => u.name);
    const got = ids((await walk(h, Q, { account: 'scimmy-named', filters: { firstName: 'Lee' } }, 100)).nodes);
    expect(got).toEqual(withNames.filter((u) => (u.name!.givenName ?? '').includes('Lee')).map((u) => u.id));
    expect(got.length).toBeGreaterThan(0);
    const last = ids((await walk(h, Q, { account: 'scimmy-named', filters: { lastName: 'Park' } }, 100)).nodes);
    expect(last).toEqual(withNames.filter((u) => (u.name!.familyName ?? '').includes('Park')).map((u) => u.id));
  });

  it('resolves nodes through one id filter', async () => {
    const page = (await h.query(Q, { account: 'scimmy', first: 3 })).body.data.users.edges.map((e: any) => e.node);
    const res = await h.query(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on DirectoryUser { remoteId } } }`, { ids: page.map((n: any) => n.id).reverse() });
    expect(res.body.data.nodes.map((n: any) => n.remoteId)).toEqual(few.slice(0, 3).map((u) => u.id).reverse());
  });
});
