// The admin API through HTTP (yoga.fetch): its own endpoint and tokens, every mutation, and changes that
// take effect on the next tenant request against a real sandbox, with no restart.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompositeStore } from '../src/accounts/composite.js';
import { openAccountStore } from '../src/accounts/open.js';
import { readStoreSettings } from '../src/accounts/settings.js';
import { testKeyring } from '../src/accounts/test-databases.js';
import { adminTokensOf } from '../src/admin/tokens.js';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import type { Sandbox } from '../src/providers/engine/sandbox-kit.js';
import { OKTA_SANDBOX_TOKEN, startOktaSandbox } from '../src/providers/okta/sandbox.js';
import { createGateway, type Gateway } from '../src/server.js';
import { secretsInUse, TENANT_TOKEN, transcript } from './helpers.js';

const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
const USERS = `query($id: ID!) { users(category: USER_DIRECTORY, integratedAccountId: $id, first: 2) { edges { node { ... on DirectoryUser { remoteId } } } } }`;
const ACCOUNT_FIELDS = 'id tenantId provider displayName context credentialKeys status lastError source';

describe('the admin API', () => {
  let sandbox: Sandbox;
  let store: CompositeStore;
  let gateway: Gateway;
  /** Tenant tokens created through the admin API: shown once by design, so not in secretsInUse. */
  const plaintexts: string[] = [];

  const post = async (path: string, query: string, variables: Record<string, unknown>, token: string | null, yoga: 'admin' | 'tenant') => {
    const target = yoga === 'admin' ? gateway.admin! : gateway.yoga;
    const res = await target.fetch(`http://gateway.test${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    transcript.push(text);
    return { status: res.status, body: JSON.parse(text), text };
  };
  const admin = (query: string, variables: Record<string, unknown> = {}, token: string | null = ADMIN_TOKEN) => post('/admin/graphql', query, variables, token, 'admin');
  const tenant = (query: string, variables: Record<string, unknown>, token: string) => post('/graphql', query, variables, token, 'tenant');
  const code = (r: { body: any }) => r.body.errors?.[0]?.extensions?.code;

  const createAccount = (input: Record<string, unknown>) =>
    admin(`mutation($input: CreateIntegratedAccountInput!) { createIntegratedAccount(input: $input) { account { ${ACCOUNT_FIELDS} } verification { ok provider upstreamStatus usersSeen } } }`, { input });
  const newTenantWithToken = async (id: string) => {
    expect(code(await admin('mutation($id: ID!) { createTenant(input: { id: $id }) { id } }', { id }))).toBeUndefined();
    const t = await admin('mutation($t: ID!) { createApiToken(tenantId: $t, label: "backend") { token { id } plaintext } }', { t: id });
    plaintexts.push(t.body.data.createApiToken.plaintext);
    return { token: t.body.data.createApiToken.plaintext as string, tokenId: t.body.data.createApiToken.token.id as string };
  };

  beforeAll(async () => {
    sandbox = await startOktaSandbox();
    secretsInUse.add(OKTA_SANDBOX_TOKEN);
    secretsInUse.add(ADMIN_TOKEN);
    const config = parseConfig({
      allowPrivateUpstreams: true,
      cursorSecret: 'test-cursor-secret-0123456789abcdef',
      tenants: [{ id: 'acme', apiTokens: [TENANT_TOKEN] }],
      adminTokens: [{ id: 'ops', token: ADMIN_TOKEN }],
      integratedAccounts: [{ id: 'cfg-okta', tenant: 'acme', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN } }],
      graphiql: true,
      http: { maxRetries: 0 },
    });
    store = await openAccountStore(config, { settings: { ...readStoreSettings({}), dataDir: 'memory://' }, keyring: testKeyring() });
    const sink = new Writable({ write: (chunk, _e, cb) => (transcript.push(String(chunk)), cb()) });
    gateway = createGateway(config, { store, logger: createLogger(() => [OKTA_SANDBOX_TOKEN, ADMIN_TOKEN], sink, 'debug') });
  });
  afterAll(async () => {
    await gateway?.close();
    await store?.close();
    await sandbox?.close();
    // The plaintexts were shown once, by createApiToken; nothing else may ever show them.
    const elsewhere = transcript.filter((t) => !t.includes('"createApiToken"'));
    expect(plaintexts.filter((p) => elsewhere.some((t) => t.includes(p)))).toEqual([]);
  });

  it('refuses a missing, unknown or tenant token with 401 UNAUTHENTICATED, and serves no tenant schema', async () => {
    for (const token of [null, 'not-an-admin-token-0123456789', TENANT_TOKEN]) {
      const r = await admin('{ tenants { id } }', {}, token);
      expect([r.status, code(r)]).toEqual([401, 'UNAUTHENTICATED']);
      expect(r.body.errors[0].message).toContain('admin token');
    }
    const users = await admin(USERS, { id: 'cfg-okta' });
    expect(users.body.errors[0].message).toContain('Cannot query field "users"');
    // …and the admin token is no tenant token.
    expect((await tenant(USERS, { id: 'cfg-okta' }, ADMIN_TOKEN)).status).toBe(401);
  });

  it('creates a tenant, a token and a verified account, and the new token lists users on the next request', async () => {
    const { token } = await newTenantWithToken('initech');
    const created = await createAccount({ id: 'initech-okta', tenantId: 'initech', provider: 'okta', displayName: 'Initech Okta', context: { baseUrl: sandbox.url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN }, verify: true });
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data.createIntegratedAccount).toEqual({
      account: { id: 'initech-okta', tenantId: 'initech', provider: 'okta', displayName: 'Initech Okta', context: { baseUrl: sandbox.url }, credentialKeys: ['apiToken'], status: 'ACTIVE', lastError: null, source: 'DATABASE' },
      verification: { ok: true, provider: 'okta', upstreamStatus: 200, usersSeen: 1 },
    });
    const users = await tenant(USERS, { id: 'initech-okta' }, token);
    expect(users.body.errors).toBeUndefined();
    expect(users.body.data.users.edges).toHaveLength(2);
  });

  it('lists tenants with their source, renames a database tenant and refuses to change a config one', async () => {
    await admin('mutation { createTenant(input: { id: "hooli", name: "Hooli" }) { id } }');
    const renamed = await admin('mutation { renameTenant(id: "hooli", name: "Hooli XYZ") { id name source } }');
    expect(renamed.body.data.renameTenant).toEqual({ id: 'hooli', name: 'Hooli XYZ', source: 'DATABASE' });
    const listed = await admin('{ tenants { id name source } }');
    expect(listed.body.data.tenants).toEqual(expect.arrayContaining([{ id: 'acme', name: 'acme', source: 'CONFIG' }, { id: 'hooli', name: 'Hooli XYZ', source: 'DATABASE' }]));
    expect(code(await admin('mutation { renameTenant(id: "acme", name: "Acme") { id } }'))).toBe('READ_ONLY');
    expect(code(await admin('mutation { deleteTenant(id: "acme") { id } }'))).toBe('READ_ONLY');
    expect(code(await admin('mutation { createTenant(input: { id: "hooli" }) { id } }'))).toBe('TENANT_EXISTS');
    expect(code(await admin('mutation { createTenant(input: { id: "acme" }) { id } }'))).toBe('TENANT_EXISTS');
    expect(code(await admin('mutation { createTenant(input: { id: "no spaces" }) { id } }'))).toBe('INVALID_INPUT');
    expect(code(await admin('mutation { renameTenant(id: "nobody", name: "X") { id } }'))).toBe('TENANT_NOT_FOUND');
  });

  it('deletes a tenant, and its token is refused on the next request', async () => {
    const { token } = await newTenantWithToken('doomed');
    expect((await tenant('{ integratedAccounts { id } }', {}, token)).status).toBe(200);
    expect((await admin('mutation { deleteTenant(id: "doomed") { id } }')).body.data.deleteTenant).toEqual({ id: 'doomed' });
    const r = await tenant('{ integratedAccounts { id } }', {}, token);
    expect([r.status, code(r)]).toEqual([401, 'UNAUTHENTICATED']);
    expect(code(await admin('mutation { deleteTenant(id: "doomed") { id } }'))).toBe('TENANT_NOT_FOUND');
  });

  it('lists tokens without their plaintext, and a revoked token is refused on the next request', async () => {
    const { token, tokenId } = await newTenantWithToken('umbrella');
    const listed = await admin('query($t: ID!) { apiTokens(tenantId: $t) { id tenantId label revoked revokedAt createdAt lastUsedAt } }', { t: 'umbrella' });
    expect(listed.body.data.apiTokens).toEqual([expect.objectContaining({ id: tokenId, tenantId: 'umbrella', label: 'backend', revoked: false, revokedAt: null })]);
    expect(listed.text).not.toContain(token);
    const revoked = await admin('mutation($t: ID!, $id: ID!) { revokeApiToken(tenantId: $t, id: $id) { id revoked } }', { t: 'umbrella', id: tokenId });
    expect(revoked.body.data.revokeApiToken).toEqual({ id: tokenId, revoked: true });
    expect((await tenant('{ integratedAccounts { id } }', {}, token)).status).toBe(401);
    expect(code(await admin('mutation($id: ID!) { revokeApiToken(tenantId: "acme", id: $id) { id } }', { id: tokenId }))).toBe('TOKEN_NOT_FOUND');
    expect(code(await admin('{ apiTokens(tenantId: "nobody") { id } }'))).toBe('TENANT_NOT_FOUND');
    expect(code(await admin('mutation { createApiToken(tenantId: "nobody", label: "x") { plaintext } }'))).toBe('TENANT_NOT_FOUND');
  });

  it('validates an account against its provider\'s declaration before storing anything', async () => {
    const base = { tenantId: 'initech', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN } };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, provider: 'nope' }, 'provider'],
      [{ ...base, context: { baseURL: sandbox.url } }, 'context.baseURL'],
      [{ ...base, credentials: { apiToken: OKTA_SANDBOX_TOKEN, password: 'hunter2-hunter2' } }, 'credentials.password'],
      [{ ...base, credentials: {} }, 'credentials'],
      [{ ...base, credentials: { apiToken: 42 } }, 'credentials.apiToken'],
      [{ ...base, credentials: 'x' }, 'credentials'],
      [{ ...base, context: { baseUrl: 'ftp://example.com' } }, 'context.baseUrl'],
      [{ ...base, id: '../x' }, 'id'],
    ];
    for (const [input, field] of cases) {
      const r = await createAccount(input);
      expect([code(r), r.body.errors[0].extensions.field], JSON.stringify(input)).toEqual(['INVALID_INPUT', field]);
      expect(r.text).not.toContain(OKTA_SANDBOX_TOKEN);
    }
    expect(code(await createAccount({ ...base, tenantId: 'nobody' }))).toBe('TENANT_NOT_FOUND');
    expect(code(await createAccount({ ...base, id: 'cfg-okta' }))).toBe('INTEGRATED_ACCOUNT_EXISTS');
    expect(code(await createAccount({ ...base, id: 'initech-okta' }))).toBe('INTEGRATED_ACCOUNT_EXISTS');
  });

  it('reports the provider\'s refusal when verify is asked, and then stores nothing', async () => {
    const r = await createAccount({ id: 'bad-okta', tenantId: 'initech', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: { apiToken: 'wrong-okta-token-000000' }, verify: true });
    expect(r.body.errors[0]).toMatchObject({ message: expect.stringContaining('Verification failed, nothing was changed'), extensions: { code: 'UPSTREAM_UNAUTHORIZED', provider: 'okta', upstreamStatus: 401, verification: 'failed' } });
    const listed = await admin('{ integratedAccounts(tenantId: "initech") { id } }');
    expect(listed.body.data.integratedAccounts.map((a: { id: string }) => a.id)).toEqual(['initech-okta']);
    // Without verify the same account is stored, and the tenant's request reports the provider's answer.
    expect(code(await createAccount({ id: 'bad-okta', tenantId: 'initech', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: { apiToken: 'wrong-okta-token-000000' } }))).toBeUndefined();
    expect(code(await admin('mutation { deleteIntegratedAccount(tenantId: "initech", id: "bad-okta") { id } }'))).toBeUndefined();
  });

  it('lists accounts with the names of their credential keys, never the values, config ones as read-only', async () => {
    const r = await admin(`{ acme: integratedAccounts(tenantId: "acme") { ${ACCOUNT_FIELDS} } initech: integratedAccounts(tenantId: "initech") { id credentialKeys } }`);
    expect(r.body.data.acme).toEqual([{ id: 'cfg-okta', tenantId: 'acme', provider: 'okta', displayName: null, context: { baseUrl: sandbox.url }, credentialKeys: ['apiToken'], status: 'ACTIVE', lastError: null, source: 'CONFIG' }]);
    expect(r.body.data.initech).toEqual([{ id: 'initech-okta', credentialKeys: ['apiToken'] }]);
    expect(r.text).not.toContain(OKTA_SANDBOX_TOKEN);
    expect(code(await admin('mutation { disableIntegratedAccount(tenantId: "acme", id: "cfg-okta") { id } }'))).toBe('READ_ONLY');
    expect(code(await admin('mutation { rotateIntegratedAccountCredentials(tenantId: "acme", id: "cfg-okta", credentials: { apiToken: "x-0123456789" }) { account { id } } }'))).toBe('READ_ONLY');
    // Another tenant's account looks like a missing one.
    expect(code(await admin('mutation { disableIntegratedAccount(tenantId: "acme", id: "initech-okta") { id } }'))).toBe('INTEGRATED_ACCOUNT_NOT_FOUND');
  });

  it('updates an account\'s context, and the next tenant request uses it', async () => {
    const token = plaintexts[0]!;
    const moved = await admin('mutation($c: JSON!) { updateIntegratedAccountContext(tenantId: "initech", id: "initech-okta", context: $c, displayName: null) { context displayName } }', { c: { baseUrl: `${sandbox.url}/moved` } });
    expect(moved.body.data.updateIntegratedAccountContext).toEqual({ context: { baseUrl: `${sandbox.url}/moved` }, displayName: null });
    expect(code(await tenant(USERS, { id: 'initech-okta' }, token))).toBe('UPSTREAM_NOT_FOUND');
    expect(code(await admin('mutation { updateIntegratedAccountContext(tenantId: "initech", id: "initech-okta", context: { baseURL: "https://x.test" }) { id } }'))).toBe('INVALID_INPUT');
    expect(code(await admin('mutation { updateIntegratedAccountContext(tenantId: "initech", id: "nope", context: {}) { id } }'))).toBe('INTEGRATED_ACCOUNT_NOT_FOUND');
    await admin('mutation($c: JSON!) { updateIntegratedAccountContext(tenantId: "initech", id: "initech-okta", context: $c) { id } }', { c: { baseUrl: sandbox.url } });
    expect((await tenant(USERS, { id: 'initech-okta' }, token)).body.data.users.edges).toHaveLength(2);
  });

  it('rotates credentials: a verified rotation that fails changes nothing, one that passes takes effect at once', async () => {
    const token = plaintexts[0]!;
    const rotate = (credentials: Record<string, string>, verify: boolean) =>
      admin('mutation($c: JSON!, $v: Boolean) { rotateIntegratedAccountCredentials(tenantId: "initech", id: "initech-okta", credentials: $c, verify: $v) { account { credentialKeys status } verification { ok usersSeen } } }', { c: credentials, v: verify });
    const refused = await rotate({ apiToken: 'wrong-okta-token-000000' }, true);
    expect([code(refused), refused.body.errors[0].extensions.upstreamStatus]).toEqual(['UPSTREAM_UNAUTHORIZED', 401]);
    expect((await tenant(USERS, { id: 'initech-okta' }, token)).body.data.users.edges).toHaveLength(2);
    expect(code(await rotate({ apiToken: 'wrong-okta-token-000000' }, false))).toBeUndefined();
    expect(code(await tenant(USERS, { id: 'initech-okta' }, token))).toBe('UPSTREAM_UNAUTHORIZED');
    const ok = await rotate({ apiToken: OKTA_SANDBOX_TOKEN }, true);
    expect(ok.body.data.rotateIntegratedAccountCredentials).toEqual({ account: { credentialKeys: ['apiToken'], status: 'ACTIVE' }, verification: { ok: true, usersSeen: 1 } });
    expect(ok.text).not.toContain(OKTA_SANDBOX_TOKEN);
    expect((await tenant(USERS, { id: 'initech-okta' }, token)).body.data.users.edges).toHaveLength(2);
    expect(code(await rotate({ sessionToken: 'x-0123456789' }, false))).toBe('INVALID_INPUT');
  });

  it('disables and enables an account, and deletes it', async () => {
    const token = plaintexts[0]!;
    const disabled = await admin('mutation { disableIntegratedAccount(tenantId: "initech", id: "initech-okta") { status } }');
    expect(disabled.body.data.disableIntegratedAccount).toEqual({ status: 'DISABLED' });
    expect(code(await tenant(USERS, { id: 'initech-okta' }, token))).toBe('INTEGRATED_ACCOUNT_DISABLED');
    expect((await admin('mutation { enableIntegratedAccount(tenantId: "initech", id: "initech-okta") { status } }')).body.data.enableIntegratedAccount).toEqual({ status: 'ACTIVE' });
    expect((await tenant(USERS, { id: 'initech-okta' }, token)).body.data.users.edges).toHaveLength(2);
    expect((await admin('mutation { deleteIntegratedAccount(tenantId: "initech", id: "initech-okta") { id } }')).body.data.deleteIntegratedAccount).toEqual({ id: 'initech-okta' });
    expect(code(await tenant(USERS, { id: 'initech-okta' }, token))).toBe('INTEGRATED_ACCOUNT_NOT_FOUND');
    expect(code(await admin('mutation { deleteIntegratedAccount(tenantId: "initech", id: "initech-okta") { id } }'))).toBe('INTEGRATED_ACCOUNT_NOT_FOUND');
  });

  it('records every change in the audit log under the admin token\'s id, never a token or credential', async () => {
    const r = await admin('{ auditLog(tenantId: "initech", first: 500) { id at actor action tenantId integratedAccountId detail } }');
    const entries = r.body.data.auditLog;
    expect(new Set(entries.map((e: { actor: string }) => e.actor))).toEqual(new Set(['admin:ops']));
    expect(entries.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['tenant.create', 'token.create', 'account.create', 'account.update', 'account.rotate-credentials', 'account.disable', 'account.enable', 'account.delete']));
    expect(entries.at(-1)).toMatchObject({ action: 'tenant.create', tenantId: 'initech' });
    for (const secret of [ADMIN_TOKEN, OKTA_SANDBOX_TOKEN, 'wrong-okta-token-000000', ...plaintexts]) expect(r.text).not.toContain(secret);
    const page = await admin('query($b: ID!) { auditLog(first: 2, before: $b) { id } }', { b: entries[0].id });
    expect(page.body.data.auditLog).toEqual([{ id: entries[1].id }, { id: entries[2].id }]);
    expect(code(await admin('{ auditLog(first: 0) { id } }'))).toBe('INVALID_INPUT');
  });

  it('serves GraphiQL on GET /admin/graphql to a browser when graphiql is on', async () => {
    const res = await gateway.admin!.fetch('http://gateway.test/admin/graphql', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Rollcall admin');
    expect(html).not.toContain(ADMIN_TOKEN);
  });

  it('with no admin token configured, answers 401 saying how to set one', async () => {
    const config = parseConfig({ cursorSecret: 'test-cursor-secret-0123456789abcdef', tenants: [{ id: 'acme', apiTokens: [TENANT_TOKEN] }], integratedAccounts: [] });
    const bare = createGateway(config, { store, logger: createLogger(() => [], undefined, 'silent') });
    try {
      const res = await bare.admin!.fetch('http://gateway.test/admin/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TENANT_TOKEN}` }, body: JSON.stringify({ query: '{ tenants { id } }' }) });
      const body = await res.json();
      expect([res.status, body.errors[0].extensions.code]).toEqual([401, 'UNAUTHENTICATED']);
      expect(body.errors[0].message).toContain('set ROLLCALL_ADMIN_TOKEN');
    } finally {
      await bare.close();
    }
  });

  it('answers STORE_UNAVAILABLE (503) when the database is gone', async () => {
    await store.close();
    const r = await admin('{ tenants { id } }');
    expect([r.status, code(r)]).toEqual([503, 'STORE_UNAVAILABLE']);
  });
});

describe('admin tokens', () => {
  const base = { cursorSecret: 'test-cursor-secret-0123456789abcdef', tenants: [{ id: 'acme', apiTokens: [TENANT_TOKEN] }], integratedAccounts: [] };

  it('refuses an admin token that is also a tenant token, or a weak one, in the config', () => {
    expect(() => parseConfig({ ...base, adminTokens: [{ id: 'ops', token: TENANT_TOKEN }] })).toThrow(/adminTokens\["ops"\]\.token: this token is already listed at tenants\["acme"\]\.apiTokens\[0\]/);
    expect(() => parseConfig({ ...base, adminTokens: [{ id: 'ops', token: 'short' }] })).toThrow(/at least 16 characters/);
    expect(() => parseConfig({ ...base, adminTokens: [{ id: 'ops', token: ADMIN_TOKEN }, { id: 'ops', token: `${ADMIN_TOKEN}x` }] })).toThrow(/duplicate admin token id "ops"/);
  });

  it('adds ROLLCALL_ADMIN_TOKEN as the admin "env", and refuses one that is weak or a tenant token without quoting it', () => {
    const config = parseConfig({ ...base, adminTokens: [{ id: 'ops', token: ADMIN_TOKEN }] });
    expect(adminTokensOf(config, { ROLLCALL_ADMIN_TOKEN: 'env-admin-token-0123456789abcdef' }).map((a) => a.id)).toEqual(['ops', 'env']);
    expect(adminTokensOf(config, {}).map((a) => a.id)).toEqual(['ops']);
    expect(() => adminTokensOf(config, { ROLLCALL_ADMIN_TOKEN: TENANT_TOKEN })).toThrow(/must differ from every other token/);
    expect(() => adminTokensOf(config, { ROLLCALL_ADMIN_TOKEN: 'aaaaaaaaaaaaaaaaaaaa' })).toThrow(/^ROLLCALL_ADMIN_TOKEN: API tokens need at least 8 different characters/);
  });
});

describe('the admin schema', () => {
  it('is committed as admin-schema.graphql (run `npm run schema:print`) and shares nothing with the tenant schema', async () => {
    const { readFileSync } = await import('node:fs');
    const { printSchema } = await import('graphql');
    const { adminSchema } = await import('../src/admin/schema/index.js');
    const { schema } = await import('../src/schema/index.js');
    expect(readFileSync(new URL('../admin-schema.graphql', import.meta.url), 'utf8')).toBe(`${printSchema(adminSchema)}\n`);
    expect(schema.getMutationType()).toBeUndefined();
    for (const name of ['Tenant', 'ApiToken', 'AuditEntry', 'CreateIntegratedAccountInput']) expect(schema.getType(name)).toBeUndefined();
    expect(adminSchema.getType('User')).toBeUndefined();
  });
});
