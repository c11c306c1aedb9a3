// Two gateway instances, each with its own store connection, on one real PostgreSQL (a schema of its own per run):
// an OAuth account whose token just expired is refreshed exactly once between them, and both use the new token.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CompositeStore } from '../src/accounts/composite.js';
import { openAccountStore } from '../src/accounts/open.js';
import { readStoreSettings } from '../src/accounts/settings.js';
import { testDatabase, testKeyring, type TestDatabase } from '../src/accounts/test-databases.js';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import type { Sandbox } from '../src/providers/engine/sandbox-kit.js';
import { startZendeskSandbox, ZENDESK_OAUTH_CLIENT } from '../src/providers/zendesk/sandbox.js';
import { createGateway, type Gateway } from '../src/server.js';
import { secretsInUse, TENANT_TOKEN, transcript } from './helpers.js';

const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
const USERS = `query($id: ID!) { users(category: TICKETING, integratedAccountId: $id, first: 2) { edges { node { ... on TicketingUser { remoteId } } } } }`;

let db: TestDatabase;
let sandbox: Sandbox;
const stores: CompositeStore[] = [];
const gateways: Gateway[] = [];

beforeAll(async () => {
  [db, sandbox] = await Promise.all([testDatabase('postgres'), startZendeskSandbox()]);
  const config = parseConfig({
    allowPrivateUpstreams: true,
    cursorSecret: 'test-cursor-secret-0123456789abcdef',
    tenants: [{ id: 'acme', apiTokens: [TENANT_TOKEN] }],
    adminTokens: [{ id: 'ops', token: ADMIN_TOKEN }],
    integratedAccounts: [],
    oauthApps: { zendesk: ZENDESK_OAUTH_CLIENT },
  });
  secretsInUse.add(ZENDESK_OAUTH_CLIENT.clientSecret);
  const keyring = testKeyring();
  const sink = new Writable({ write: (chunk, _e, cb) => (transcript.push(String(chunk)), cb()) });
  for (let i = 0; i < 2; i++) {
    const store = await openAccountStore(config, { settings: { ...readStoreSettings({}), ...db.options, cacheTtlMs: 60_000 }, keyring });
    stores.push(store);
    gateways.push(createGateway(config, { store, logger: createLogger(() => [], sink, 'debug') }));
  }
});
afterAll(async () => {
  for (const s of stores) for (const x of s.opened!.knownSecrets()) secretsInUse.add(x);
  for (const g of gateways) await g.close();
  for (const s of stores) await s.close();
  await sandbox?.close();
  await db?.drop();
});

it('two gateway processes on one PostgreSQL make exactly one refresh between them', async () => {
  const [a, b] = gateways as [Gateway, Gateway];
  // The connect flow through gateway A, with tokens that expire at once (expires_in 0).
  sandbox.oauth!.setAccessLifetime(0);
  const link = await (await a.admin!.fetch('http://gateway.test/admin/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ query: 'mutation($c: JSON) { createConnectLink(tenantId: "acme", provider: "zendesk", context: $c) { url } }', variables: { c: { baseUrl: sandbox.url, subdomain: 'acme' } } }),
  })).json();
  const toProvider = await a.yoga.fetch(link.data.createConnectLink.url, { redirect: 'manual' });
  const back = await fetch(toProvider.headers.get('location')!, { redirect: 'manual' });
  const done = await a.yoga.fetch(back.headers.get('location')!, { redirect: 'manual' });
  const id = JSON.parse((await done.text()) || '{}').integratedAccountId as string;
  expect(id).toBeTruthy();
  sandbox.oauth!.setAccessLifetime(3600);

  const refreshes = () => sandbox.requests.filter((r) => r.body?.grant_type === 'refresh_token').length;
  const query = async (g: Gateway) => {
    const res = await g.yoga.fetch('http://gateway.test/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TENANT_TOKEN}` }, body: JSON.stringify({ query: USERS, variables: { id } }) });
    const text = await res.text();
    transcript.push(text);
    return JSON.parse(text);
  };
  const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => query(i % 2 ? a : b)));
  for (const r of rs) expect(r.errors).toBeUndefined();
  expect(refreshes()).toBe(1);
  // Both processes hold the refreshed token now; a later query on either refreshes nothing.
  await Promise.all([query(a), query(b)]);
  expect(refreshes()).toBe(1);
});
