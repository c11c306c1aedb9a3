// The gateway on the database store: tokens and accounts created through the store work on the next
// request, next to the config file's; status changes answer with their codes; health endpoints.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompositeStore } from '../src/accounts/composite.js';
import { openAccountStore } from '../src/accounts/open.js';
import { readStoreSettings } from '../src/accounts/settings.js';
import { testKeyring } from '../src/accounts/test-databases.js';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import type { Sandbox } from '../src/providers/engine/sandbox-kit.js';
import { OKTA_SANDBOX_TOKEN, startOktaSandbox } from '../src/providers/okta/sandbox.js';
import { createGateway, type Gateway } from '../src/server.js';
import { secretsInUse, TENANT_TOKEN, transcript } from './helpers.js';

const USERS = `query($id: ID!) { users(category: USER_DIRECTORY, integratedAccountId: $id, first: 2) { edges { node { ... on DirectoryUser { remoteId } } } } }`;

describe('the gateway on the database store', () => {
  let sandbox: Sandbox;
  let store: CompositeStore;
  let gateway: Gateway;
  let dbToken: string;
  let dbTokenId: string;

  const call = async (path: string, init: RequestInit = {}) => {
    const res = await gateway.yoga.fetch(`http://gateway.test${path}`, init);
    const text = await res.text();
    transcript.push(text);
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const query = (q: string, variables: Record<string, unknown>, token: string) =>
    call('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: q, variables }) });

  beforeAll(async () => {
    sandbox = await startOktaSandbox();
    secretsInUse.add(OKTA_SANDBOX_TOKEN);
    const config = parseConfig({
      allowPrivateUpstreams: true,
      cursorSecret: 'test-cursor-secret-0123456789abcdef',
      tenants: [{ id: 'acme', apiTokens: [TENANT_TOKEN] }],
      integratedAccounts: [{ id: 'cfg-okta', tenant: 'acme', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN } }],
    });
    store = await openAccountStore(config, { settings: { ...readStoreSettings({}), dataDir: 'memory://' }, keyring: testKeyring() });
    const sink = new Writable({ write: (chunk, _e, cb) => (transcript.push(String(chunk)), cb()) });
    gateway = createGateway(config, { store, logger: createLogger(() => [OKTA_SANDBOX_TOKEN], sink, 'debug') });
    await store.createTenant({ id: 'initech', name: 'Initech' }, 'test');
    const created = await store.createToken('initech', 'backend', 'test');
    [dbToken, dbTokenId] = [created.plaintext, created.token.id];
    secretsInUse.add(dbToken);
    await store.createAccount({ id: 'db-okta', tenantId: 'initech', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN } }, 'test');
  });
  afterAll(async () => {
    await gateway?.close();
    await store?.close();
    await sandbox?.close();
  });

  it('lists the users of an account created in the database, for a token created in the database', async () => {
    const r = await query(USERS, { id: 'db-okta' }, dbToken);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.users.edges).toHaveLength(2);
  });

  it('keeps the config file\'s tenant, token and account working, and keeps tenants apart', async () => {
    expect((await query(USERS, { id: 'cfg-okta' }, TENANT_TOKEN)).body.data.users.edges).toHaveLength(2);
    expect((await query(USERS, { id: 'db-okta' }, TENANT_TOKEN)).body.errors[0].extensions.code).toBe('INTEGRATED_ACCOUNT_NOT_FOUND');
    expect((await query(USERS, { id: 'cfg-okta' }, dbToken)).body.errors[0].extensions.code).toBe('INTEGRATED_ACCOUNT_NOT_FOUND');
    const listed = await query('{ integratedAccounts { id provider } }', {}, dbToken);
    expect(listed.body.data.integratedAccounts).toEqual([{ id: 'db-okta', provider: 'okta' }]);
  });

  it('answers a disabled account with INTEGRATED_ACCOUNT_DISABLED and one that needs re-authorisation with what to do', async () => {
    await store.disableAccount('initech', 'db-okta', 'test');
    const disabled = await query(USERS, { id: 'db-okta' }, dbToken);
    expect(disabled.body.errors[0].extensions.code).toBe('INTEGRATED_ACCOUNT_DISABLED');
    await store.setAccountStatus('initech', 'db-okta', 'NEEDS_REAUTH', 'okta refused the refresh token', 'test');
    const reauth = await query(USERS, { id: 'db-okta' }, dbToken);
    expect(reauth.body.errors[0]).toMatchObject({ extensions: { code: 'INTEGRATED_ACCOUNT_NEEDS_REAUTH' }, message: expect.stringContaining('reconnect it (createConnectLink on the admin API, for an OAuth account) or rotate its credentials') });
    await store.enableAccount('initech', 'db-okta', 'test');
    expect((await query(USERS, { id: 'db-okta' }, dbToken)).body.data.users.edges).toHaveLength(2);
  });

  it('refuses a revoked token on the next request with 401', async () => {
    await store.revokeToken('initech', dbTokenId, 'test');
    const r = await query(USERS, { id: 'db-okta' }, dbToken);
    expect(r.status).toBe(401);
    expect(r.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('answers /healthz and /readyz, and /readyz turns 503 when the store is gone', async () => {
    expect(await call('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await call('/readyz')).toEqual({ status: 200, body: { status: 'ready', store: 'pglite', reachable: true, migrations: 'applied' } });
    expect((await call('/readyz', { method: 'POST' })).status).toBe(405);
    await store.close();
    expect(await call('/readyz')).toEqual({ status: 503, body: { status: 'unavailable', store: 'pglite', reachable: false } });
    expect((await call('/healthz')).status).toBe(200);
    const r = await query(USERS, { id: 'cfg-okta' }, 'rc_some_unknown_token_0123456789');
    expect([r.status, r.body.errors[0].extensions.code]).toEqual([503, 'STORE_UNAVAILABLE']);
  });
});

describe('the gateway on the config file alone', () => {
  it('is ready at once', async () => {
    const config = parseConfig({ cursorSecret: 'test-cursor-secret-0123456789abcdef', tenants: [{ id: 'acme', apiTokens: [TENANT_TOKEN] }], integratedAccounts: [] });
    const gateway = createGateway(config);
    const res = await gateway.yoga.fetch('http://gateway.test/readyz');
    expect([res.status, await res.json()]).toEqual([200, { status: 'ready', store: 'config' }]);
    await gateway.close();
  });
});
