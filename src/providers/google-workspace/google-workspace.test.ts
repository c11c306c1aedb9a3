import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { describeProviderConformance } from '../../../test/conformance.js';
import { startGateway, walk, type Harness } from '../../../test/helpers.js';
import { parseConfig } from '../../config.js';
import type { Sandbox } from '../engine/sandbox-kit.js';
import { googleQuote } from './adapter.js';
import { mapGoogleUser } from './map.js';
import { GOOGLE_SANDBOX_ACCESS_TOKEN, GOOGLE_SANDBOX_CUSTOMER, googleDataset, googleServiceAccount, googleWorkspaceSandbox, parseQuery, startGoogleSandbox } from './sandbox.js';

describeProviderConformance({ sandbox: googleWorkspaceSandbox, category: 'USER_DIRECTORY' });

// What is specific to Google: the service-account JWT grant, `query` clauses, customer, showDeleted and orderBy.
const Q = `query($account: ID!, $first: Int, $after: String, $filters: UserFilter) {
  users(category: USER_DIRECTORY, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {
    edges { cursor node { ... on DirectoryUser { id remoteId status remoteStatus userType roles { id } is2faEnabled identifiers lastLoginAt } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

let sandbox: Sandbox;
let h: Harness;
const data = googleDataset();
const listed = data.filter((u) => !u.deletionTime);
const mapped = listed.map(mapGoogleUser);
const ids = (nodes: any[]) => nodes.map((n) => n.remoteId);
const demo = () => googleWorkspaceSandbox.demoAccount(sandbox.url);
const listCalls = (from: number, s = sandbox) => s.requests.slice(from).filter((r) => r.path === '/admin/directory/v1/users');
const tokenCalls = (from: number, s = sandbox) => s.requests.slice(from).filter((r) => r.path === '/token');

beforeAll(async () => {
  sandbox = await startGoogleSandbox();
  h = startGateway([
    { id: 'gws', provider: 'google-workspace', ...demo() },
    { id: 'gws-token', provider: 'google-workspace', context: { baseUrl: sandbox.url }, credentials: { accessToken: GOOGLE_SANDBOX_ACCESS_TOKEN } },
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

describe('google-workspace: mapping', () => {
  it('maps suspended and archived users to INACTIVE, admins to roles and ADMIN, epoch-zero logins to null', () => {
    const byIndex = (i: number) => mapGoogleUser(data[i]!);
    expect(byIndex(6)).toMatchObject({ status: 'INACTIVE', remoteStatus: 'suspended', isActive: false });
    expect(byIndex(9)).toMatchObject({ status: 'INACTIVE', remoteStatus: 'archived' });
    expect(byIndex(11)).toMatchObject({ status: 'DELETED', remoteStatus: 'deleted' });
    expect(byIndex(1)).toMatchObject({ roles: [{ id: 'super_admin', name: 'Super Admin' }], userType: 'ADMIN', lastName: null });
    expect(byIndex(3).roles).toEqual([{ id: 'delegated_admin', name: 'Delegated Admin' }]);
    expect(byIndex(0)).toMatchObject({ lastLoginAt: null, name: null, is2faEnabled: false });
    expect(byIndex(5).emails!.map((e) => e.email)).toEqual([data[5]!.primaryEmail, data[5]!.aliases![0]]);
  });
});

describe('google-workspace: service-account tokens (JWT-bearer grant)', () => {
  it('asks the token endpoint once for 20 concurrent queries on a cold account, with a JWT the sandbox verified', async () => {
    const fresh = await startGoogleSandbox();
    const g = startGateway([{ id: 'gws-cold', provider: 'google-workspace', ...googleWorkspaceSandbox.demoAccount(fresh.url) }]);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => g.query(Q, { account: 'gws-cold', first: 5 + i })));
    expect(results.every((r) => r.body.errors === undefined && r.body.data.users.edges.length > 0)).toBe(true);
    const tokens = tokenCalls(0, fresh);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.body.grant_type).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(new Set(listCalls(0, fresh).map((r) => r.headers.authorization)).size).toBe(1);
    await g.close();
    await fresh.close();
  });

  it('renews once shortly before the token expires, and drops a token the API refuses (one new grant, one retry)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const t0 = Date.now();
    expect((await h.query(Q, { account: 'gws', first: 2 })).body.errors).toBeUndefined();
    let from = sandbox.requests.length;
    vi.setSystemTime(t0 + 3_545_000); // tokens live 3599 s: inside the last minute
    const burst = await Promise.all(Array.from({ length: 10 }, () => h.query(Q, { account: 'gws', first: 3 })));
    expect(burst.every((r) => r.body.errors === undefined)).toBe(true);
    expect(tokenCalls(from)).toHaveLength(1);
    vi.useRealTimers();
    from = sandbox.requests.length;
    sandbox.inject({ status: 401, body: { error: { code: 401, message: 'Invalid Credentials' } }, match: /\/admin\/directory\/v1\/users$/ });
    expect((await h.query(Q, { account: 'gws', first: 2 })).body.errors).toBeUndefined();
    expect(tokenCalls(from)).toHaveLength(1);
    expect(listCalls(from)).toHaveLength(2);
  });

  it('answers a token endpoint refusal with UPSTREAM_UNAUTHORIZED and its reason, never the private key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const account = demo();
    const cases: [Record<string, unknown>, Record<string, unknown>, string][] = [
      [{}, { subject: 'nobody@acme-sandbox.test' }, 'invalid_grant: Invalid email or User ID'],
      [{ private_key: other }, {}, 'invalid_grant: Invalid JWT Signature.'],
      [{ client_email: 'someone-else@rollcall-sandbox.iam.gserviceaccount.test' }, {}, 'invalid_client'],
    ];
    for (const [keyPatch, ctxPatch, reason] of cases) {
      const g = startGateway([{ id: 'gws-bad', provider: 'google-workspace', context: { ...account.context, ...ctxPatch }, credentials: { serviceAccount: googleServiceAccount(sandbox.url, keyPatch) } }]);
      const res = await g.query(Q, { account: 'gws-bad', first: 2 });
      expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', provider: 'google-workspace' });
      expect(res.body.errors![0].message).toContain(reason);
      expect(res.text).not.toContain('PRIVATE KEY');
      await g.close();
    }
  });

  it("reports Google's 403 for a subject without admin rights as UPSTREAM_FORBIDDEN", async () => {
    const account = demo();
    const g = startGateway([{ id: 'gws-user', provider: 'google-workspace', context: { ...account.context, subject: listed[2]!.primaryEmail }, credentials: account.credentials }]);
    const res = await g.query(Q, { account: 'gws-user', first: 2 });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_FORBIDDEN', upstreamStatus: 403 });
    expect(res.body.errors![0].message).toContain('Not Authorized to access this resource/api');
    await g.close();
  });

  it('accepts the key as a JSON object or as its JSON text in the config, and refuses one without a private key', () => {
    const base = { cursorSecret: 'a-cursor-secret-of-some-length', tenants: [{ id: 't', apiTokens: ['tenant-token-0123456789abcdef'] }] };
    const account = (serviceAccount: unknown) => ({ ...base, integratedAccounts: [{ id: 'g', tenant: 't', provider: 'google-workspace', context: { subject: 'admin@example.com' }, credentials: { serviceAccount } }] });
    const key = googleServiceAccount('https://oauth2.googleapis.com');
    expect(parseConfig(account(key)).integratedAccounts[0]!.credentials.serviceAccount).toEqual(key);
    expect(() => parseConfig(account(JSON.stringify(key)))).not.toThrow();
    expect(() => parseConfig(account({ client_email: 'x@y.test' }))).toThrow('google-workspace needs');
  });
});

describe('google-workspace: filters', () => {
  const run = async (filters: Record<string, unknown>, account = 'gws', first = 100) => {
    const from = sandbox.requests.length;
    const { nodes } = await walk(h, Q, { account, filters }, first);
    return { nodes, calls: listCalls(from) };
  };

  it('sends customer=my_customer by default, and filters.customerId instead when given', async () => {
    const plain = await run({}, 'gws', 100);
    expect(ids(plain.nodes)).toEqual(listed.map((u) => u.id));
    expect(plain.calls.every((r) => r.query.get('customer') === 'my_customer' && r.query.get('maxResults') === '500')).toBe(true);
    expect(plain.calls.slice(1).every((r) => r.query.get('pageToken'))).toBe(true);
    const by = await run({ customerId: GOOGLE_SANDBOX_CUSTOMER }, 'gws', 100);
    expect(by.nodes).toHaveLength(listed.length);
    expect(by.calls.every((r) => r.query.get('customer') === GOOGLE_SANDBOX_CUSTOMER)).toBe(true);
  });

  it('pushes email and orgUnitPath into one `query`, quoting the value (an apostrophe included)', async () => {
    const ou = "/Sales/O'Brien Team";
    const { nodes, calls } = await run({ orgUnitPath: ou });
    expect(ids(nodes)).toEqual(listed.filter((u) => u.orgUnitPath === ou).map((u) => u.id));
    expect(nodes.length).toBeGreaterThan(10);
    expect(calls[0]!.query.get('query')).toBe("orgUnitPath='/Sales/O\\'Brien Team'");
    const target = listed.find((u) => u.aliases?.length && u.orgUnitPath === ou) ?? listed.find((u) => u.aliases?.length)!;
    const both = await run({ email: target.aliases![0]!.toUpperCase(), orgUnitPath: target.orgUnitPath });
    expect(ids(both.nodes)).toEqual([target.id]);
    expect(both.calls[0]!.query.get('query')).toBe(`email=${googleQuote(target.aliases![0]!.toUpperCase())} orgUnitPath=${googleQuote(target.orgUnitPath!)}`);
    expect(parseQuery(both.calls[0]!.query.get('query')!)).toHaveLength(2);
  });

  it('serves ACTIVE upstream, INACTIVE in the gateway, DELETED with showDeleted=true, and refuses INVITED', async () => {
    const active = await run({ status: 'ACTIVE' });
    expect(ids(active.nodes)).toEqual(listed.filter((_, i) => mapped[i]!.status === 'ACTIVE').map((u) => u.id));
    expect(active.calls[0]!.query.get('query')).toBe('isSuspended=false isArchived=false');
    const inactive = await run({ status: 'INACTIVE' });
    expect(ids(inactive.nodes)).toEqual(listed.filter((u) => u.suspended || u.archived).map((u) => u.id));
    expect(inactive.calls[0]!.query.get('query')).toBeNull();
    const deleted = await run({ status: 'DELETED' });
    expect(ids(deleted.nodes)).toEqual(data.filter((u) => u.deletionTime).map((u) => u.id));
    expect(deleted.calls.every((r) => r.query.get('showDeleted') === 'true')).toBe(true);
    const invited = await h.query(Q, { account: 'gws', filters: { status: 'INVITED' } });
    expect(invited.body.errors![0].extensions).toMatchObject({ code: 'UNSUPPORTED_FILTER', filter: 'status' });
  });

  it('sorts by orderBy/sortOrder, and refuses a sort field Google does not have', async () => {
    const { nodes, calls } = await run({ sort: { field: 'EMAIL', direction: 'DESC' } }, 'gws-token', 50);
    expect(nodes.map((n) => listed.find((u) => u.id === n.remoteId)!.primaryEmail)).toEqual(listed.map((u) => u.primaryEmail!).sort((a, b) => b.localeCompare(a)));
    expect(calls.every((r) => r.query.get('orderBy') === 'email' && r.query.get('sortOrder') === 'DESCENDING')).toBe(true);
    const refused = await h.query(Q, { account: 'gws', filters: { sort: { field: 'CREATED_AT', direction: 'ASC' } } });
    expect(refused.body.errors![0].extensions).toMatchObject({ code: 'UNSUPPORTED_FILTER', filter: 'sort' });
  });

  it('asks for at most 500 users a page when the gateway filters', async () => {
    const { calls } = await run({ name: 'a' });
    expect(calls.every((r) => r.query.get('maxResults') === '500')).toBe(true);
  });
});

describe('google-workspace: errors', () => {
  it("reads Google's 403 rateLimitExceeded as UPSTREAM_RATE_LIMITED, with the message", async () => {
    const body = { error: { code: 403, message: 'Rate Limit Exceeded', errors: [{ message: 'Rate Limit Exceeded', domain: 'usageLimits', reason: 'userRateLimitExceeded' }] } };
    sandbox.inject({ status: 403, body, match: /\/admin\/directory\/v1\/users$/, times: 10 });
    const res = await h.query(Q, { account: 'gws', first: 2 });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED' });
    expect(res.body.errors![0].message).toContain('Rate Limit Exceeded');
  });
});
