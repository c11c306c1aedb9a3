import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { describeProviderConformance } from '../../../test/conformance.js';
import { startGateway, walk, type Harness } from '../../../test/helpers.js';
import { GRAPH_SANDBOX_ACCESS_TOKEN, GRAPH_SANDBOX_CLIENT_SECRET, GRAPH_SANDBOX_TENANT_ID, groupsOfIndex, type GraphSandbox } from '../graph/sandbox.js';
import { GRAPH_SELECT } from '../graph/users.js';
import { microsoftEntra } from './adapter.js';
import { entraDataset, microsoftEntraSandbox, startEntraSandbox } from './sandbox.js';

describeProviderConformance({ sandbox: microsoftEntraSandbox, category: 'USER_DIRECTORY' });

// What is specific to Entra: sign-in activity on opt-in, advanced queries, and the tenant's token endpoint.
const Q = `query($account: ID!, $first: Int, $after: String, $filters: UserFilter) {
  users(category: USER_DIRECTORY, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {
    edges { cursor node { ... on DirectoryUser { id remoteId status userType lastLoginAt licenses { id } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

let sandbox: GraphSandbox;
let h: Harness;
const data = entraDataset();
const mapped = data.map((u) => microsoftEntra.map(u, {}));
const ids = (nodes: any[]) => nodes.map((n) => n.remoteId);
const demo = () => microsoftEntraSandbox.demoAccount(sandbox.url);
const listCalls = (from: number) => sandbox.requests.slice(from).filter((r) => r.path === '/v1.0/users');
const tokenCalls = (from: number) => sandbox.requests.slice(from).filter((r) => r.path === `/${GRAPH_SANDBOX_TENANT_ID}/oauth2/v2.0/token`);

beforeAll(async () => {
  sandbox = await startEntraSandbox();
  h = startGateway([
    { id: 'entra-token', provider: 'microsoft-entra', context: { baseUrl: `${sandbox.url}/v1.0` }, credentials: { accessToken: GRAPH_SANDBOX_ACCESS_TOKEN } },
    { id: 'entra-app', provider: 'microsoft-entra', ...demo() },
  ]);
});
afterAll(async () => {
  await h.close();
  await sandbox.close();
});
afterEach(() => {
  vi.useRealTimers();
  sandbox.clearFaults();
});

describe('microsoft-entra: sign-in activity', () => {
  it('selects signInActivity only when the account opts in, and maps lastLoginAt from it', async () => {
    let from = sandbox.requests.length;
    const plain = await walk(h, Q, { account: 'entra-token' }, 100);
    expect(ids(plain.nodes)).toEqual(data.map((u) => u.id));
    expect(plain.nodes.every((n) => n.lastLoginAt === null)).toBe(true);
    expect(listCalls(from).every((r) => r.query.get('$select') === GRAPH_SELECT)).toBe(true);

    from = sandbox.requests.length;
    const opted = await walk(h, Q, { account: 'entra-app' }, 100);
    expect(opted.nodes.map((n) => n.lastLoginAt)).toEqual(mapped.map((u) => u.lastLoginAt));
    expect(opted.nodes.filter((n) => n.lastLoginAt).length).toBeGreaterThan(150);
    expect(listCalls(from).every((r) => r.query.get('$select') === `${GRAPH_SELECT},signInActivity`)).toBe(true);
    // lastSuccessfulSignInDateTime first; lastSignInDateTime where the successful one was never recorded
    expect(mapped[3]!.lastLoginAt).toBe(new Date(String((data[3]!.signInActivity as any).lastSignInDateTime)).toISOString());
    expect(mapped[4]!.lastLoginAt).toBe(new Date(String((data[4]!.signInActivity as any).lastSuccessfulSignInDateTime)).toISOString());
  });

  it("reports Graph's 403 when the tenant refuses signInActivity, naming the permission problem", async () => {
    const denied = await startEntraSandbox({ signInActivity: false });
    const g = startGateway([{ id: 'entra-nop1', provider: 'microsoft-entra', ...microsoftEntraSandbox.demoAccount(denied.url) }]);
    const res = await g.query(Q, { account: 'entra-nop1', first: 5 });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_FORBIDDEN', upstreamStatus: 403 });
    expect(res.body.errors![0].message).toContain('Authorization_RequestDenied');
    await g.close();
    await denied.close();
  });

  it('maps licences from assignedLicenses', async () => {
    const res = await h.query(Q, { account: 'entra-token', first: 11 });
    expect(res.body.data.users.edges[10].node.licenses).toEqual((data[10]!.assignedLicenses as any[]).map((l) => ({ id: l.skuId })));
  });
});

describe('microsoft-entra: filters pushed down, advanced only where Graph requires it', () => {
  const run = async (filters: Record<string, unknown>) => {
    const from = sandbox.requests.length;
    const { nodes } = await walk(h, Q, { account: 'entra-token', filters }, 100);
    return { nodes, calls: listCalls(from) };
  };
  const advanced = (r: any) => r.headers.consistencylevel === 'eventual' && r.query.get('$count') === 'true';

  it('sends INVITED and isActive: false as advanced queries (ConsistencyLevel: eventual, $count=true) on every page', async () => {
    const invited = await run({ status: 'INVITED' });
    expect(ids(invited.nodes)).toEqual(data.filter((_, i) => mapped[i]!.status === 'INVITED').map((u) => u.id));
    expect(invited.calls[0]!.query.get('$filter')).toBe("(accountEnabled eq true and externalUserState eq 'PendingAcceptance')");
    expect(invited.calls.every(advanced)).toBe(true);
    const inactive = await run({ isActive: false });
    expect(ids(inactive.nodes)).toEqual(data.filter((_, i) => mapped[i]!.status !== 'ACTIVE').map((u) => u.id));
    expect(inactive.calls.length).toBeGreaterThan(0);
    expect(inactive.calls.every(advanced)).toBe(true);
  });

  it('keeps default queries plain: status ACTIVE/INACTIVE, userType and username need no ConsistencyLevel', async () => {
    for (const [filters, want] of [
      [{ status: 'INACTIVE' }, 'accountEnabled eq false'],
      [{ status: 'ACTIVE', userType: 'LIMITED' }, "accountEnabled eq true and userType eq 'Guest'"],
      [{ username: String(data[15]!.userPrincipalName) }, "userPrincipalName eq 'd''arcy.15@contoso-sandbox.test'"],
    ] as [Record<string, unknown>, string][]) {
      const { nodes, calls } = await run(filters);
      const f = filters as any;
      expect(ids(nodes)).toEqual(
        data.filter((u, i) => (!f.status || mapped[i]!.status === f.status) && (!f.userType || mapped[i]!.userType === f.userType) && (!f.username || u.userPrincipalName === f.username)).map((u) => u.id),
      );
      expect(nodes.length).toBeGreaterThan(0);
      expect(calls[0]!.query.get('$filter')).toBe(want);
      expect(calls.some(advanced) || calls.some((r) => r.headers.consistencylevel !== undefined)).toBe(false);
    }
  });

  it('serves organizationId as companyName in an advanced query, and refuses DELETED (not in /users)', async () => {
    const { nodes, calls } = await run({ organizationId: 'Fabrikam' });
    expect(ids(nodes)).toEqual(data.filter((u) => u.companyName === 'Fabrikam').map((u) => u.id));
    expect(calls[0]!.query.get('$filter')).toBe("companyName eq 'Fabrikam'");
    expect(calls.every(advanced)).toBe(true);
    const deleted = await h.query(Q, { account: 'entra-token', filters: { status: 'DELETED' } });
    expect(deleted.body.errors![0].extensions).toMatchObject({ code: 'UNSUPPORTED_FILTER', filter: 'status' });
    expect(deleted.body.errors![0].message).toContain('deletedItems');
  });

  it('asks Graph for $top ≤ 999 and follows @odata.nextLink with its $skiptoken', async () => {
    const from = sandbox.requests.length;
    const { nodes } = await walk(h, Q, { account: 'entra-token' }, 40);
    expect(nodes).toHaveLength(data.length);
    const calls = listCalls(from);
    expect(calls.every((r) => r.query.get('$top') === '40')).toBe(true);
    expect(calls.slice(1).every((r) => r.query.get('$skiptoken'))).toBe(true);
    const all = await run({ name: 'a' });
    expect(all.calls.every((r) => r.query.get('$top') === '999')).toBe(true);
  });
});

describe('microsoft-entra: client-credentials tokens', () => {
  it('asks the token endpoint once for 20 concurrent queries on a cold account', async () => {
    // A tenant of its own (another token URL): nothing cached for it yet.
    const fresh = await startEntraSandbox();
    const g = startGateway([{ id: 'entra-cold', provider: 'microsoft-entra', ...microsoftEntraSandbox.demoAccount(fresh.url) }]);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => g.query(Q, { account: 'entra-cold', first: 5 + i })));
    expect(results.every((r) => r.body.errors === undefined && r.body.data.users.edges.length > 0)).toBe(true);
    const tokens = fresh.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token'));
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.body).toMatchObject({ grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' });
    expect(new Set(fresh.requests.filter((r) => r.path === '/v1.0/users').map((r) => r.headers.authorization)).size).toBe(1);
    await g.close();
    await fresh.close();
  });

  it('refreshes once shortly before the token expires, for a burst of queries', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const t0 = Date.now();
    expect((await h.query(Q, { account: 'entra-app', first: 2 })).body.errors).toBeUndefined();
    const from = sandbox.requests.length;
    vi.setSystemTime(t0 + 3_545_000); // the sandbox's tokens live 3599 s: inside the last minute
    const burst = await Promise.all(Array.from({ length: 10 }, () => h.query(Q, { account: 'entra-app', first: 3 })));
    expect(burst.every((r) => r.body.errors === undefined)).toBe(true);
    expect(tokenCalls(from)).toHaveLength(1);
  });

  it('sends the grant to context.tokenUrl when the account sets it, not to loginUrl', async () => {
    const fresh = await startEntraSandbox();
    const account = microsoftEntraSandbox.demoAccount(fresh.url);
    const context = { ...account.context, loginUrl: 'http://127.0.0.1:9', tokenUrl: `${fresh.url}/${GRAPH_SANDBOX_TENANT_ID}/oauth2/v2.0/token` };
    const g = startGateway([{ id: 'entra-tokenurl', provider: 'microsoft-entra', context, credentials: account.credentials }]);
    const res = await g.query(Q, { account: 'entra-tokenurl', first: 2 });
    expect(res.body.errors).toBeUndefined();
    expect(fresh.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token'))).toHaveLength(1);
    await g.close();
    await fresh.close();
  });

  for (const [what, patch, reason] of [
    ['an unknown tenant', { tenantId: '00000000-0000-4000-8000-00000000dead' }, 'AADSTS90002'],
    ['an unknown application', { clientId: '00000000-0000-4000-8000-00000000beef' }, 'AADSTS700016'],
    ['a wrong secret', { clientSecret: 'sbx~wrong-secret-value-123' }, 'AADSTS7000215: Invalid client secret provided.'],
  ] as [string, Record<string, string>, string][])
    it(`answers ${what} with UPSTREAM_UNAUTHORIZED and the AADSTS reason, never a secret`, async () => {
      const account = demo();
      const g = startGateway([{ id: 'entra-bad', provider: 'microsoft-entra', context: account.context, credentials: { ...account.credentials, ...patch } }]);
      const res = await g.query(Q, { account: 'entra-bad', first: 2 });
      expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', provider: 'microsoft-entra' });
      expect(res.body.errors![0].message).toContain(reason);
      expect(res.text).not.toContain(GRAPH_SANDBOX_CLIENT_SECRET);
      expect(res.text).not.toContain('sbx~wrong-secret-value-123');
      await g.close();
    });
});

describe('microsoft-entra: Graph errors', () => {
  it('waits out a short 429 Retry-After and carries on; a long one is UPSTREAM_RATE_LIMITED with retryAfter', async () => {
    sandbox.inject({ status: 429, headers: { 'retry-after': '0' }, body: { error: { code: 'TooManyRequests', message: 'Too many requests.' } }, match: /\/v1\.0\/users$/ });
    const ok = await h.query(Q, { account: 'entra-token', first: 3 });
    expect(ok.body.errors).toBeUndefined();
    sandbox.inject({ status: 429, headers: { 'retry-after': '90' }, body: { error: { code: 'TooManyRequests', message: 'Too many requests.' } }, match: /\/v1\.0\/users$/ });
    const limited = await h.query(Q, { account: 'entra-token', first: 3 });
    expect(limited.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', retryAfter: 90 });
    expect(limited.body.errors![0].message).toContain('TooManyRequests: Too many requests.');
  });

  it("quotes Graph's error code and message from its error body", async () => {
    sandbox.inject({ status: 400, body: { error: { code: 'Request_UnsupportedQuery', message: "Unsupported Query." } }, match: /\/v1\.0\/users$/ });
    const res = await h.query(Q, { account: 'entra-token', first: 3 });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_BAD_REQUEST', upstreamStatus: 400 });
    expect(res.body.errors![0].message).toContain('Request_UnsupportedQuery: Unsupported Query.');
  });
});

describe('microsoft-entra: groups through $batch', () => {
  const G = `query($account: ID!, $first: Int) {
    users(category: USER_DIRECTORY, integratedAccountId: $account, first: $first) { edges { node { ... on DirectoryUser { remoteId groups { id name } } } } }
  }`;
  const batchCalls = (from: number) => sandbox.requests.slice(from).filter((r) => r.path === '/v1.0/$batch');
  const groupsOf = (i: number) => groupsOfIndex(i).map((g) => ({ id: g.id, name: g.displayName }));

  it('selecting groups for 100 users makes ⌈100/20⌉ = 5 batch calls of the documented format; not selecting them makes none', async () => {
    let from = sandbox.requests.length;
    const res = await h.query(G, { account: 'entra-token', first: 100 });
    expect(res.body.errors).toBeUndefined();
    const nodes = res.body.data.users.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.groups)).toEqual(data.slice(0, 100).map((_u, i) => groupsOf(i)));
    const batches = batchCalls(from);
    expect(batches).toHaveLength(5);
    expect(batches.every((b) => b.method === 'POST' && b.headers['content-type'] === 'application/json' && b.headers.authorization === `Bearer ${GRAPH_SANDBOX_ACCESS_TOKEN}`)).toBe(true);
    expect(batches.map((b) => b.body.requests.length)).toEqual([20, 20, 20, 20, 20]);
    expect(batches[0]!.body.requests[0]).toEqual({ id: '1', method: 'GET', url: `/users/${data[0]!.id}/memberOf/microsoft.graph.group?$select=id,displayName` });
    expect(sandbox.requests.slice(from).some((r) => r.path.includes('/memberOf'))).toBe(false); // never one call per user

    from = sandbox.requests.length;
    const plain = await h.query(Q, { account: 'entra-token', first: 100 });
    expect(plain.body.errors).toBeUndefined();
    expect(batchCalls(from)).toHaveLength(0);
  });

  it('sends a throttled sub-request again after its Retry-After, and fails only the user whose lookup failed', async () => {
    sandbox.injectBatchItem({ match: new RegExp(`/users/${data[1]!.id}/`), status: 429, headers: { 'Retry-After': '0' } });
    sandbox.injectBatchItem({ match: new RegExp(`/users/${data[2]!.id}/`), status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } } });
    const from = sandbox.requests.length;
    const res = await h.query(G, { account: 'entra-token', first: 5 });
    const nodes = res.body.data.users.edges.map((e: any) => e.node);
    expect(nodes[1].groups).toEqual(groupsOf(1));
    expect(nodes[2].groups).toBeNull();
    expect(nodes[3].groups).toEqual(groupsOf(3));
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0]).toMatchObject({ path: ['users', 'edges', 2, 'node', 'groups'], extensions: { code: 'UPSTREAM_FORBIDDEN', provider: 'microsoft-entra', upstreamStatus: 403 } });
    expect(res.body.errors![0].message).toContain('Insufficient privileges');
    expect(batchCalls(from).map((b) => b.body.requests.length)).toEqual([5, 1]);
  });

  it('reads a user deleted since the list was read (404 in its sub-response) as no groups', async () => {
    sandbox.injectBatchItem({ match: new RegExp(`/users/${data[3]!.id}/`), status: 404, body: { error: { code: 'Request_ResourceNotFound', message: 'gone' } } });
    const res = await h.query(G, { account: 'entra-token', first: 5 });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.users.edges[3].node.groups).toEqual([]);
  });

  it('reports a batch refused as a whole (429 on the POST itself) on every selected user\'s groups', async () => {
    sandbox.inject({ match: /^\/v1\.0\/\$batch$/, status: 429, headers: { 'retry-after': '120' }, body: { error: { code: 'TooManyRequests', message: 'slow down' } } });
    const res = await h.query(G, { account: 'entra-token', first: 3 });
    expect(res.body.data.users.edges.map((e: any) => e.node.groups)).toEqual([null, null, null]);
    expect(res.body.errors!.map((e: any) => e.extensions.code)).toEqual(['UPSTREAM_RATE_LIMITED', 'UPSTREAM_RATE_LIMITED', 'UPSTREAM_RATE_LIMITED']);
    expect(res.body.errors![0].extensions.retryAfter).toBe(120);
  });
});
