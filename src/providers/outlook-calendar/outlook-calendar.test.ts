import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProviderConformance } from '../../../test/conformance.js';
import { startGateway, walk, type Harness } from '../../../test/helpers.js';
import type { Sandbox } from '../engine/sandbox-kit.js';
import { GRAPH_SELECT, graphStatus, outlookCalendar } from './adapter.js';
import {
  GRAPH_SANDBOX_ACCESS_TOKEN,
  GRAPH_SANDBOX_CLIENT_ID,
  GRAPH_SANDBOX_CLIENT_SECRET,
  GRAPH_SANDBOX_TENANT_ID,
  GRAPH_SKUS,
  graphDataset,
  outlookCalendarSandbox,
  startGraphSandbox,
} from './sandbox.js';

describeProviderConformance({ sandbox: outlookCalendarSandbox, category: 'CALENDAR' });

// What is specific to Microsoft Graph: its $filter dialect, client credentials, batching and error bodies.
const Q = `query($account: ID!, $first: Int, $after: String, $filters: UserFilter) {
  users(category: CALENDAR, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {
    edges { cursor node { ... on CalendarUser { id remoteId name firstName lastName username emails { email isPrimary type } status remoteStatus userType title languages phones { number type } licenses { id } organizations { id name } externalId remoteData } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

let sandbox: Sandbox;
let h: Harness;
const data = graphDataset();
const ids = (nodes: any[]) => nodes.map((n) => n.remoteId);
const code = (res: any) => res.body.errors?.[0]?.extensions?.code;
/** Requests to the users collection made since `from`. */
const listCalls = (from: number) => sandbox.requests.slice(from).filter((r) => r.path === '/v1.0/users');

beforeAll(async () => {
  sandbox = await startGraphSandbox();
  h = startGateway([
    { id: 'graph-token', provider: 'outlook-calendar', context: { baseUrl: `${sandbox.url}/v1.0` }, credentials: { accessToken: GRAPH_SANDBOX_ACCESS_TOKEN } },
    { id: 'graph-app', provider: 'outlook-calendar', ...outlookCalendarSandbox.demoAccount(sandbox.url) },
  ]);
});
afterAll(async () => {
  await h.close();
  await sandbox.close();
});

describe('outlook-calendar adapter', () => {
  it('maps enabled, disabled and invited users, keeping both raw status fields in remoteStatus', () => {
    const base = data[10]!;
    const cases: [Record<string, unknown>, string | null, string | null][] = [
      [{ accountEnabled: true, externalUserState: null }, 'ACTIVE', 'enabled'],
      [{ accountEnabled: true, externalUserState: 'Accepted' }, 'ACTIVE', 'enabled:Accepted'],
      [{ accountEnabled: true, externalUserState: 'PendingAcceptance' }, 'INVITED', 'enabled:PendingAcceptance'],
      [{ accountEnabled: false, externalUserState: null }, 'INACTIVE', 'disabled'],
      [{ accountEnabled: false, externalUserState: 'PendingAcceptance' }, 'INACTIVE', 'disabled:PendingAcceptance'],
      [{ accountEnabled: undefined, externalUserState: undefined }, null, null],
    ];
    for (const [patch, status, remote] of cases) {
      const u = outlookCalendar.map({ ...base, ...patch }, {});
      expect([u.status, u.remoteStatus]).toEqual([status, remote]);
      expect(graphStatus({ ...base, ...patch }).status).toBe(status);
    }
    // every status the dataset holds maps to the four values
    expect(new Set(data.map((u) => outlookCalendar.map(u, {}).status))).toEqual(new Set(['ACTIVE', 'INACTIVE', 'INVITED']));
  });

  it('maps a full record: names, e-mails, phones, licenses, user type and company', () => {
    const raw = data[60]!; // member, licensed twice, business phone, mobile, French
    const u = outlookCalendar.map(raw, {});
    expect(u).toMatchObject({
      remoteId: raw.id,
      name: raw.displayName,
      firstName: raw.givenName,
      lastName: raw.surname,
      username: raw.userPrincipalName,
      emails: [{ email: raw.mail, isPrimary: true, type: 'work' }],
      userType: 'USER',
      isActive: true,
      languages: ['fr-FR'],
      phones: [{ number: (raw.businessPhones as string[])[0], type: 'work' }, { number: raw.mobilePhone, type: 'mobile' }],
      licenses: [{ id: GRAPH_SKUS.E3 }, { id: GRAPH_SKUS.E5 }],
      organizations: [{ id: 'Contoso', name: 'Contoso' }],
      externalId: '10060',
      createdAt: new Date(raw.createdDateTime as string).toISOString(),
      lastLoginAt: null,
    });
    const guest = outlookCalendar.map(data[13]!, {});
    expect(guest).toMatchObject({ userType: 'LIMITED', organizations: [{ id: 'Fabrikam', name: 'Fabrikam' }], externalId: null, licenses: [] });
    expect(guest.username).toContain('#EXT#');
  });

  it('survives odd records: no names, no mailbox, duplicate and junk e-mails, wrong types, sign-in activity', () => {
    expect(outlookCalendar.map(data[0]!, {})).toMatchObject({ name: null, firstName: null, lastName: null });
    expect(outlookCalendar.map({ id: 'x', givenName: 'Only', surname: 'Given' }, {})).toMatchObject({ name: 'Only Given', status: null, remoteStatus: null, emails: [], phones: [], licenses: [] });
    const odd = outlookCalendar.map(
      {
        id: 'y',
        displayName: '',
        mail: 'A@x.test',
        otherMails: ['a@x.test', 'b@x.test', 42, null, ''],
        businessPhones: 'not-an-array',
        mobilePhone: 7,
        assignedLicenses: [null, { skuId: 'sku' }, { disabledPlans: [] }],
        userType: 'toString',
        createdDateTime: 'yesterday',
        preferredLanguage: null,
        signInActivity: { lastSignInDateTime: '2025-11-20T08:12:00Z', lastSuccessfulSignInDateTime: null },
      },
      {},
    );
    expect(odd).toMatchObject({
      name: '',
      emails: [{ email: 'A@x.test', isPrimary: true, type: 'work' }, { email: 'b@x.test', isPrimary: false, type: 'other' }],
      phones: [{ number: '7', type: 'mobile' }],
      licenses: [{ id: 'sku' }],
      userType: null,
      createdAt: null,
      languages: [],
      lastLoginAt: '2025-11-20T08:12:00.000Z',
    });
    const noMailbox = outlookCalendar.map(data[6]!, {});
    expect(noMailbox.emails).toEqual([]);
    expect(noMailbox.username).toBe(data[6]!.userPrincipalName);
  });

  it('sends $select and $top on every page, and follows $skiptoken', async () => {
    const from = sandbox.requests.length;
    // A configured upstream page size (limits.upstreamPageSize) below the data set, so that $skiptoken is followed.
    const g = startGateway([{ id: 'graph-token', provider: 'outlook-calendar', context: { baseUrl: `${sandbox.url}/v1.0` }, credentials: { accessToken: GRAPH_SANDBOX_ACCESS_TOKEN } }], { limits: { upstreamPageSize: 50 } as never });
    const { nodes } = await walk(g, Q, { account: 'graph-token' }, 30).finally(() => g.close());
    expect(ids(nodes)).toEqual(data.map((u) => u.id));
    const calls = listCalls(from);
    expect(calls.every((r) => r.query.get('$top') === '50' && r.query.get('$select') === GRAPH_SELECT)).toBe(true);
    expect(calls.slice(1).every((r) => r.query.get('$skiptoken'))).toBe(true);
    expect(calls.every((r) => r.headers.authorization === `Bearer ${GRAPH_SANDBOX_ACCESS_TOKEN}`)).toBe(true);
  });

  it('gets a token with the client-credentials grant once, then lists with it', async () => {
    const from = sandbox.requests.length;
    const { nodes } = await walk(h, Q, { account: 'graph-app' }, 100);
    expect(ids(nodes)).toEqual(data.map((u) => u.id));
    const tokenCalls = sandbox.requests.slice(from).filter((r) => r.path === `/${GRAPH_SANDBOX_TENANT_ID}/oauth2/v2.0/token`);
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0]!.method).toBe('POST');
    expect(tokenCalls[0]!.body).toMatchObject({ grant_type: 'client_credentials', client_id: GRAPH_SANDBOX_CLIENT_ID, scope: 'https://graph.microsoft.com/.default' });
    expect(listCalls(from).every((r) => /^Bearer eyJ0eXAiOiJKV1QifQ\.sandbox-cc-/.test(String(r.headers.authorization)))).toBe(true);
  });

  it('serves e-mail upstream against mail and otherMails, case-insensitively', async () => {
    const withAlt = data.find((u) => (u.otherMails as string[]).length && u.mail)!;
    for (const email of [String(withAlt.mail).toUpperCase(), (withAlt.otherMails as string[])[0]!]) {
      const from = sandbox.requests.length;
      const res = await h.query(Q, { account: 'graph-token', first: 10, filters: { email } });
      expect(ids(res.body.data.users.edges.map((e: any) => e.node))).toEqual([withAlt.id]);
      expect(listCalls(from)[0]!.query.get('$filter')).toBe(`(mail eq '${email}' or otherMails/any(m:m eq '${email}'))`);
    }
  });

  it('serves username upstream, doubling single quotes', async () => {
    const target = data[15]!;
    const from = sandbox.requests.length;
    const res = await h.query(Q, { account: 'graph-token', first: 10, filters: { username: target.userPrincipalName } });
    expect(ids(res.body.data.users.edges.map((e: any) => e.node))).toEqual([target.id]);
    expect(listCalls(from)[0]!.query.get('$filter')).toBe("userPrincipalName eq 'd''arcy.15@contoso-sandbox.test'");
  });

  it('joins upstream filters with "and"; isActive: false is tested in memory, so invited guests count as inactive', async () => {
    const mapped = data.map((u) => outlookCalendar.map(u, {}));
    let from = sandbox.requests.length;
    const members = await walk(h, Q, { account: 'graph-token', filters: { isActive: true, userType: 'USER' } }, 100);
    expect(ids(members.nodes)).toEqual(data.filter((u, i) => mapped[i]!.status === 'ACTIVE' && u.userType === 'Member').map((u) => u.id));
    expect(listCalls(from)[0]!.query.get('$filter')!.split(' and ').sort()).toEqual(['accountEnabled eq true', "userType eq 'Member'"]);
    from = sandbox.requests.length;
    const { nodes } = await walk(h, Q, { account: 'graph-token', filters: { isActive: false, userType: 'LIMITED' } }, 50);
    const guests = data.filter((u, i) => mapped[i]!.status !== 'ACTIVE' && u.userType === 'Guest');
    expect(ids(nodes)).toEqual(guests.map((u) => u.id));
    expect(guests.some((u) => u.accountEnabled === true && u.externalUserState === 'PendingAcceptance')).toBe(true);
    expect(listCalls(from)[0]!.query.get('$filter')).toBe("userType eq 'Guest'");
  });

  it('turns createdAfter into createdDateTime ge the next whole second, so it stays strict', async () => {
    const pivot = data[200]!.createdDateTime as string;
    const from = sandbox.requests.length;
    const { nodes } = await walk(h, Q, { account: 'graph-token', filters: { createdAfter: pivot } }, 100);
    expect(ids(nodes)).toEqual(data.slice(201).map((u) => u.id));
    const next = new Date(Date.parse(pivot) + 1000).toISOString().replace('.000Z', 'Z');
    expect(listCalls(from)[0]!.query.get('$filter')).toBe(`createdDateTime ge ${next}`);
  });

  it('filters status, names and company in memory, asking Graph for its largest page', async () => {
    const mapped = data.map((u) => outlookCalendar.map(u, {}));
    const cases: [Record<string, unknown>, (i: number) => boolean][] = [
      [{ status: 'INVITED' }, (i) => mapped[i]!.status === 'INVITED'],
      [{ status: 'INACTIVE' }, (i) => mapped[i]!.status === 'INACTIVE'],
      [{ firstName: 'AN' }, (i) => (mapped[i]!.firstName ?? '').toLowerCase().includes('an')],
      [{ lastName: 'ø' }, (i) => (mapped[i]!.lastName ?? '').toLowerCase().includes('ø')],
      [{ name: 'ray ✨' }, (i) => (mapped[i]!.name ?? '').toLowerCase().includes('ray ✨')],
      [{ organizationId: 'Fabrikam', status: 'ACTIVE' }, (i) => data[i]!.companyName === 'Fabrikam' && mapped[i]!.status === 'ACTIVE'],
    ];
    for (const [filters, want] of cases) {
      const from = sandbox.requests.length;
      const { nodes } = await walk(h, Q, { account: 'graph-token', filters }, 100);
      expect(ids(nodes)).toEqual(data.filter((_, i) => want(i)).map((u) => u.id));
      expect(nodes.length).toBeGreaterThan(0);
      expect(listCalls(from).every((r) => r.query.get('$filter') === null && r.query.get('$top') === '999')).toBe(true);
    }
    expect(mapped[40]).toMatchObject({ status: 'INACTIVE', remoteStatus: 'disabled:PendingAcceptance' });
  });

  it('refuses user types Graph never reports', async () => {
    const admin = await h.query(Q, { account: 'graph-token', filters: { userType: 'ADMIN' } });
    expect(admin.body.errors![0].extensions).toMatchObject({ code: 'UNSUPPORTED_FILTER', filter: 'userType' });
  });

  it('resolves node and nodes by id, batching 15 ids per `id in (…)` request', async () => {
    const page = await h.query(Q, { account: 'graph-token', first: 20 });
    const nodes = page.body.data.users.edges.map((e: any) => e.node);
    const missing = Buffer.from('CalendarUser:graph-token:00000000-0000-4000-8000-000000000000').toString('base64url');
    const from = sandbox.requests.length;
    const res = await h.query(`query($ids: [ID!]!) { nodes(ids: $ids) { id ... on CalendarUser { remoteId remoteStatus } } }`, { ids: [...nodes.map((n: any) => n.id), missing] });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.nodes.slice(0, 20).map((n: any) => n.remoteId)).toEqual(data.slice(0, 20).map((u) => u.id));
    expect(res.body.data.nodes[20]).toBeNull();
    const calls = listCalls(from);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.query.get('$filter')).toBe(`id in (${data.slice(0, 15).map((u) => `'${u.id}'`).join(',')})`);
    expect(calls.every((c) => c.query.get('$select') === GRAPH_SELECT)).toBe(true);
    const one = await h.query(`query($id: ID!) { node(id: $id) { ... on CalendarUser { remoteId } } }`, { id: nodes[4].id });
    expect(one.body.data.node).toEqual({ remoteId: data[4]!.id });
  });

  it("maps a 401 with Graph's error body to UPSTREAM_UNAUTHORIZED", async () => {
    const bad = startGateway([{ id: 'graph-bad', provider: 'outlook-calendar', context: { baseUrl: `${sandbox.url}/v1.0` }, credentials: { accessToken: 'wrong-graph-token' } }]);
    const res = await bad.query(Q, { account: 'graph-bad' });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', provider: 'outlook-calendar', upstreamStatus: 401 });
    expect(res.body.errors![0].message).toContain('InvalidAuthenticationToken: Access token validation failure');
    await bad.close();
  });

  it('reports a wrong client secret from the token endpoint as UPSTREAM_UNAUTHORIZED', async () => {
    const account = outlookCalendarSandbox.demoAccount(sandbox.url);
    // Same tenant and client as the working account: the token cache is keyed by the secret too, so it misses.
    const credentials = { ...account.credentials, clientSecret: 'not-the-secret' };
    const bad = startGateway([{ id: 'graph-bad-app', provider: 'outlook-calendar', context: account.context, credentials }]);
    const res = await bad.query(Q, { account: 'graph-bad-app' });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', upstreamStatus: 401 });
    expect(res.body.errors![0].message).toContain('AADSTS7000215: Invalid client secret provided.');
    expect(res.text).not.toContain('not-the-secret');
    expect(res.text).not.toContain(GRAPH_SANDBOX_CLIENT_SECRET);
    await bad.close();
  });

  it("quotes Graph's error code when it rate limits", async () => {
    sandbox.inject({ status: 429, headers: { 'retry-after': '120' }, body: { error: { code: 'TooManyRequests', message: 'Too many requests.' } }, match: /\/v1\.0\/users$/ });
    const res = await h.query(Q, { account: 'graph-token', first: 6 });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', upstreamStatus: 429, retryAfter: 120 });
    expect(res.body.errors![0].message).toContain('TooManyRequests: Too many requests.');
  });

  it('sandbox speaks Graph: default properties, $top bounds, 15-value `in` limit, 404 envelope', async () => {
    const get = async (path: string) => {
      const r = await fetch(`${sandbox.url}${path}`, { headers: { authorization: `Bearer ${GRAPH_SANDBOX_ACCESS_TOKEN}` } });
      return { status: r.status, body: (await r.json()) as any };
    };
    const plain = await get('/v1.0/users');
    expect(plain.body.value).toHaveLength(100);
    expect(plain.body.value[0].accountEnabled).toBeUndefined();
    expect(plain.body['@odata.nextLink']).toContain('%24skiptoken=');
    expect((await get('/v1.0/users?$top=1000')).body.error.code).toBe('Request_BadRequest');
    const many = data.slice(0, 16).map((u) => `'${u.id}'`).join(',');
    expect((await get(`/v1.0/users?$filter=${encodeURIComponent(`id in (${many})`)}`)).status).toBe(400);
    expect((await get(`/v1.0/users?$filter=${encodeURIComponent("externalUserState eq 'PendingAcceptance'")}`)).body.error.code).toBe('Request_UnsupportedQuery');
    const missing = await get('/v1.0/users/nobody');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'Request_ResourceNotFound', innerError: { 'request-id': expect.any(String) } });
    expect((await get(`/v1.0/users/${encodeURIComponent(String(data[2]!.userPrincipalName))}`)).body.id).toBe(data[2]!.id);
  });
});
