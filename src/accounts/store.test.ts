import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { CompositeStore } from './composite.js';
import type { DatabaseStore } from './database-store.js';
import { StaticAccountStore } from './store.js';
import { BACKENDS, testDatabase, testStore, type TestDatabase } from './test-databases.js';

const OKTA_SECRET = 'okta-api-token-PLAINTEXT-0123456789';
const CONFIG_TOKEN = 'config-tenant-token-0123456789abcdef';
const okta = (id: string, tenantId = 'initech', secret = OKTA_SECRET) => ({ id, tenantId, provider: 'okta', context: { baseUrl: 'https://initech.okta.com' }, credentials: { apiToken: secret } });

describe.each(BACKENDS)('the account store on %s', (kind) => {
  let db: TestDatabase;
  let database: DatabaseStore;
  let store: CompositeStore;
  const config = new StaticAccountStore(
    [{ id: 'cfg-okta', tenant: 'acme', provider: 'okta', context: { baseUrl: 'https://acme.okta.com' }, credentials: { apiToken: 'config-okta-token-0123456789' } }],
    [{ id: 'acme', apiTokens: [CONFIG_TOKEN] }],
  );

  beforeAll(async () => {
    db = await testDatabase(kind);
    database = await testStore(db);
    store = new CompositeStore(config, database);
  });
  afterAll(async () => {
    await database.handle.close();
    await db.drop();
  });

  it('is ready once its migrations are applied', async () => {
    expect(await store.health()).toEqual({ ok: true, detail: { store: kind, reachable: true, migrations: 'applied' } });
  });

  it('creates, renames and lists tenants, after the config file\'s own', async () => {
    const t = await store.createTenant({ id: 'initech', name: 'Initech' }, 'test');
    expect(t).toMatchObject({ id: 'initech', name: 'Initech', source: 'database' });
    await expect(store.createTenant({ id: 'initech' }, 'test')).rejects.toMatchObject({ code: 'TENANT_EXISTS' });
    await expect(store.createTenant({ id: 'acme' }, 'test')).rejects.toMatchObject({ code: 'TENANT_EXISTS' });
    await expect(store.createTenant({ id: 'no/slash' }, 'test')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await store.renameTenant('initech', 'Initech Corp', 'test')).name).toBe('Initech Corp');
    expect((await store.listTenants()).map((x) => [x.id, x.source])).toEqual([['acme', 'config'], ['initech', 'database']]);
    await expect(store.renameTenant('acme', 'Acme', 'test')).rejects.toMatchObject({ code: 'READ_ONLY' });
    await expect(store.deleteTenant('acme', 'test')).rejects.toMatchObject({ code: 'READ_ONLY' });
    await expect(store.renameTenant('nobody', 'X', 'test')).rejects.toMatchObject({ code: 'TENANT_NOT_FOUND' });
  });

  it('returns a new token\'s plaintext once, answers it with its tenant, and forgets it when revoked', async () => {
    const { token, plaintext } = await store.createToken('initech', 'backend', 'test');
    expect(plaintext).toMatch(/^rc_[A-Za-z0-9_-]{43}$/);
    expect(await store.tenantForToken(plaintext)).toBe('initech');
    expect(await store.tenantForToken(CONFIG_TOKEN)).toBe('acme');
    expect(await store.tenantForToken('rc_unknown')).toBeNull();
    const listed = await store.listTokens('initech');
    expect(listed).toEqual([{ ...token, lastUsedAt: expect.any(String) }]);
    expect(JSON.stringify(listed)).not.toContain(plaintext);
    const raw = await sql<{ row: string }>`select row_to_json(t)::text as row from api_tokens t`.execute(database.handle.db);
    expect(raw.rows.map((r) => r.row).join()).not.toContain(plaintext.slice(3));
    expect((await store.revokeToken('initech', token.id, 'test')).revokedAt).not.toBeNull();
    expect(await store.tenantForToken(plaintext)).toBeNull(); // this process's cache was cleared by the write
    await expect(store.revokeToken('acme', token.id, 'test')).rejects.toMatchObject({ code: 'TOKEN_NOT_FOUND' });
  });

  it('gives config tenants database tokens too, but never a token to an unknown tenant', async () => {
    const { plaintext } = await store.createToken('acme', 'extra', 'test');
    expect(await store.tenantForToken(plaintext)).toBe('acme');
    await expect(store.createToken('nobody', 'x', 'test')).rejects.toMatchObject({ code: 'TENANT_NOT_FOUND' });
  });

  it('creates an account, serves it decrypted to its tenant only, and lists the config\'s first', async () => {
    const info = await store.createAccount(okta('initech-okta'), 'test');
    expect(info).toMatchObject({ id: 'initech-okta', provider: 'okta', credentialKeys: ['apiToken'], status: 'ACTIVE', source: 'database', lastError: null });
    expect(JSON.stringify(info)).not.toContain(OKTA_SECRET);
    expect(await store.get('initech', 'initech-okta')).toMatchObject({ tenant: 'initech', credentials: { apiToken: OKTA_SECRET }, status: 'ACTIVE' });
    expect(await store.get('acme', 'initech-okta')).toBeNull();
    const mine = await store.createAccount({ ...okta('acme-db-okta', 'acme'), displayName: 'Acme (db)' }, 'test');
    expect((await store.list('acme')).map((a) => a.id)).toEqual(['cfg-okta', mine.id]);
    expect((await store.listAccountInfos('acme')).map((a) => [a.id, a.source])).toEqual([['cfg-okta', 'config'], ['acme-db-okta', 'database']]);
  });

  it('checks a new account against its provider\'s declaration', async () => {
    await expect(store.createAccount({ ...okta('x1'), provider: 'nope' }, 'test')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('Unknown provider "nope"') });
    await expect(store.createAccount({ ...okta('x2'), credentials: {} }, 'test')).rejects.toMatchObject({ code: 'INVALID_INPUT', extensions: { field: 'credentials' } });
    await expect(store.createAccount({ ...okta('x3'), context: {} }, 'test')).rejects.toMatchObject({ code: 'INVALID_INPUT', extensions: { field: 'context' } });
    await expect(store.createAccount({ ...okta('x4'), context: { baseUrl: 'ftp://x' } }, 'test')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(store.createAccount(okta('..'), 'test')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(store.createAccount(okta('cfg-okta', 'acme'), 'test')).rejects.toMatchObject({ code: 'INTEGRATED_ACCOUNT_EXISTS' });
    await expect(store.createAccount(okta('initech-okta'), 'test')).rejects.toMatchObject({ code: 'INTEGRATED_ACCOUNT_EXISTS' });
    await expect(store.createAccount(okta('x5', 'nobody'), 'test')).rejects.toMatchObject({ code: 'TENANT_NOT_FOUND' });
    const fresh = await store.createAccount({ ...okta('ignored'), id: undefined }, 'test');
    expect(fresh.id).toMatch(/^[0-9a-f-]{36}$/);
    await store.deleteAccount('initech', fresh.id, 'test');
  });

  it('updates context, rotates credentials, disables, enables and marks an account for re-authorisation', async () => {
    const id = 'initech-okta';
    const updated = await store.updateAccount('initech', id, { context: { baseUrl: 'https://initech-new.okta.com' }, displayName: 'Initech Okta' }, 'test');
    expect(updated).toMatchObject({ context: { baseUrl: 'https://initech-new.okta.com' }, displayName: 'Initech Okta' });
    expect((await store.get('initech', id))!.context.baseUrl).toBe('https://initech-new.okta.com');

    await store.setAccountStatus('initech', id, 'NEEDS_REAUTH', 'okta answered 401', 'test');
    expect(await store.get('initech', id)).toMatchObject({ status: 'NEEDS_REAUTH', lastError: 'okta answered 401' });
    await store.rotateCredentials('initech', id, { accessToken: 'okta-oauth-access-NEW-0123456789' }, 'test');
    expect(await store.get('initech', id)).toMatchObject({ credentials: { accessToken: 'okta-oauth-access-NEW-0123456789' }, status: 'ACTIVE', lastError: null });
    await expect(store.rotateCredentials('initech', id, { nothing: 'x' }, 'test')).rejects.toMatchObject({ code: 'INVALID_INPUT' });

    expect((await store.disableAccount('initech', id, 'test')).status).toBe('DISABLED');
    expect((await store.get('initech', id))!.status).toBe('DISABLED');
    expect((await store.enableAccount('initech', id, 'test')).status).toBe('ACTIVE');

    await expect(store.disableAccount('acme', 'cfg-okta', 'test')).rejects.toMatchObject({ code: 'READ_ONLY' });
    await expect(store.disableAccount('initech', 'cfg-okta', 'test')).rejects.toMatchObject({ code: 'INTEGRATED_ACCOUNT_NOT_FOUND' });
    await expect(store.updateAccount('acme', id, { displayName: 'x' }, 'test')).rejects.toMatchObject({ code: 'INTEGRATED_ACCOUNT_NOT_FOUND' });
  });

  it('keeps an audit log of every write with actor, action, tenant and account, and never a secret', async () => {
    const log = await store.listAudit({ tenantId: 'initech', limit: 500 });
    const actions = log.map((e) => e.action).reverse();
    expect(actions).toEqual(expect.arrayContaining(['tenant.create', 'tenant.rename', 'token.create', 'token.revoke', 'account.create', 'account.update', 'account.needs-reauth', 'account.rotate-credentials', 'account.disable', 'account.enable']));
    expect(log.find((e) => e.action === 'account.create' && e.accountId === 'initech-okta')).toMatchObject({ actor: 'test', tenantId: 'initech', accountId: 'initech-okta', detail: { provider: 'okta', credentialKeys: ['apiToken'] } });
    await store.appendAudit({ actor: 'admin:ops', action: 'admin.login-refused', tenantId: 'initech' });
    expect((await store.listAudit({ tenantId: 'initech', limit: 1 }))[0]).toMatchObject({ actor: 'admin:ops', action: 'admin.login-refused' });
    const page = await store.listAudit({ tenantId: 'initech', limit: 2 });
    const next = await store.listAudit({ tenantId: 'initech', limit: 2, before: page[1]!.id });
    expect(BigInt(next[0]!.id)).toBeLessThan(BigInt(page[1]!.id));
  });

  it('keeps no credential in plaintext in any row of any table', async () => {
    const secrets = [OKTA_SECRET, 'okta-oauth-access-NEW-0123456789'];
    const dump: string[] = [];
    for (const t of ['tenants', 'api_tokens', 'integrated_accounts', 'audit_log']) {
      const r = await sql<{ row: string }>`select row_to_json(t)::text as row from ${sql.table(t)} t`.execute(database.handle.db);
      dump.push(...r.rows.map((x) => x.row));
    }
    expect(dump.join('\n')).toContain('initech-okta');
    for (const s of secrets) expect(dump.join('\n')).not.toContain(s);
  });

  it('deletes an account, and a tenant together with its tokens and accounts', async () => {
    await store.createAccount(okta('initech-2'), 'test');
    await store.deleteAccount('initech', 'initech-2', 'test');
    expect(await store.get('initech', 'initech-2')).toBeNull();
    await expect(store.deleteAccount('initech', 'initech-2', 'test')).rejects.toMatchObject({ code: 'INTEGRATED_ACCOUNT_NOT_FOUND' });
    const { plaintext } = await store.createToken('initech', 'doomed', 'test');
    await store.deleteTenant('initech', 'test');
    expect(await store.tenantForToken(plaintext)).toBeNull();
    expect(await store.get('initech', 'initech-okta')).toBeNull();
    expect(await store.getTenant('initech')).toBeNull();
    expect((await store.listAudit({ tenantId: 'initech', limit: 1 }))[0]).toMatchObject({ action: 'tenant.delete' });
  });
});
