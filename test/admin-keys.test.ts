// Key rotation through the admin API (rotateKeys) and the log redactor fed by the database: a credential the
// store decrypted is scrubbed from log lines like a config-file one.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Keyring } from '../src/accounts/keyring.js';
import { openAccountStore } from '../src/accounts/open.js';
import { readStoreSettings } from '../src/accounts/settings.js';
import { testDatabase, type TestDatabase } from '../src/accounts/test-databases.js';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { OKTA_SANDBOX_TOKEN, startOktaSandbox } from '../src/providers/okta/sandbox.js';
import { createGateway } from '../src/server.js';
import { secretsInUse, TENANT_TOKEN, transcript } from './helpers.js';

const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
// PostgreSQL (a schema of its own): the store is opened three times, each with other keys.
let db: TestDatabase;
beforeAll(async () => void (db = await testDatabase('postgres')));
afterAll(() => db?.drop());

const config = parseConfig({
  allowPrivateUpstreams: true,
  cursorSecret: 'test-cursor-secret-0123456789abcdef',
  tenants: [{ id: 'acme', apiTokens: [TENANT_TOKEN] }],
  adminTokens: [{ id: 'ops', token: ADMIN_TOKEN }],
  integratedAccounts: [],
});
const settings = () => ({ ...readStoreSettings({}), ...db.options });

it('rotateKeys re-encrypts every account under the current key, is audited, and the old key can then go', async () => {
  const [oldKey, newKey] = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
  const before = await openAccountStore(config, { settings: settings(), keyring: Keyring.parse(`old:${oldKey}`) });
  await before.createAccount({ id: 'okta-1', tenantId: 'acme', provider: 'okta', context: { baseUrl: 'https://acme.okta.com' }, credentials: { apiToken: 'okta-secret-token-for-rotation-1' } }, 'test');
  await before.close();

  const store = await openAccountStore(config, { settings: settings(), keyring: Keyring.parse(`new:${newKey},old:${oldKey}`) });
  const gateway = createGateway(config, { store, logger: createLogger(() => [], new Writable({ write: (_c, _e, cb) => cb() }), 'silent') });
  const admin = async (query: string) => {
    const res = await gateway.admin!.fetch('http://gateway.test/admin/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify({ query }) });
    return res.json() as Promise<any>;
  };
  expect((await admin('mutation { rotateKeys { keyId rotated } }')).data.rotateKeys).toEqual({ keyId: 'new', rotated: 1 });
  expect((await admin('mutation { rotateKeys { keyId rotated } }')).data.rotateKeys).toEqual({ keyId: 'new', rotated: 0 });
  const audit = await admin('{ auditLog(first: 1) { action actor detail } }');
  expect(audit.data.auditLog[0]).toEqual({ action: 'keys.rotate', actor: 'admin:ops', detail: { keyId: 'new', rotated: 0 } });
  const rows = await (await store.database).handle.db.selectFrom('integrated_accounts').select(['credentials_key_id', 'credentials_ciphertext']).execute();
  expect(rows.map((r) => r.credentials_key_id)).toEqual(['new']);
  expect(JSON.stringify(rows)).not.toContain('okta-secret-token-for-rotation-1');
  await gateway.close();
  await store.close();

  // The old key is no longer needed: the start succeeds with the new one alone, and the account opens.
  const after = await openAccountStore(config, { settings: settings(), keyring: Keyring.parse(`new:${newKey}`) });
  expect((await after.get('acme', 'okta-1'))!.credentials.apiToken).toBe('okta-secret-token-for-rotation-1');
  await after.close();
});

it('a credential held only in the database is scrubbed from log lines, like the config file\'s', async () => {
  const okta = await startOktaSandbox();
  secretsInUse.add(OKTA_SANDBOX_TOKEN);
  const own = await testDatabase('postgres');
  const store = await openAccountStore(config, { settings: { ...readStoreSettings({}), ...own.options }, keyring: Keyring.parse(`k:${randomBytes(32).toString('base64')}`) });
  const lines: string[] = [];
  const logger = createLogger(() => store.opened!.knownSecrets(), new Writable({ write: (c, _e, cb) => (lines.push(String(c)), transcript.push(String(c)), cb()) }), 'debug');
  const gateway = createGateway(config, { store, logger });
  await store.createAccount({ id: 'db-okta', tenantId: 'acme', provider: 'okta', context: { baseUrl: okta.url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN } }, 'test');
  const res = await gateway.yoga.fetch('http://gateway.test/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TENANT_TOKEN}` }, body: JSON.stringify({ query: '{ users(category: USER_DIRECTORY, integratedAccountId: "db-okta", first: 1) { edges { cursor } } }' }) });
  transcript.push(await res.text());
  expect(store.opened!.knownSecrets()).toContain(OKTA_SANDBOX_TOKEN);
  logger.warn(`a library printed the token ${OKTA_SANDBOX_TOKEN} by mistake`);
  expect(lines.at(-1)).toContain('a library printed the token [REDACTED] by mistake');
  await gateway.close();
  await store.close();
  await okta.close();
  await own.drop();
});
