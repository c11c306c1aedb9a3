// oauth2-client-credentials as data: a list of token URL templates (the first whose values are present wins) and
// an empty scope that sends no scope parameter, run by the engine against a sandbox over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, type Account } from '../engine.js';
import { UpstreamClient } from '../http.js';
import { startSandbox, type Sandbox } from '../sandbox-kit.js';
import { defineProvider, validateSpec } from './index.js';
import type { ProviderSpec } from './types.js';

const spec = (tokenUrl: string | string[], scope = ''): ProviderSpec => ({
  slug: 'token-url-test',
  displayName: 'Token URL test',
  docsUrl: 'https://spec.test/docs',
  context: { tokenUrl: { description: 'token endpoint override' }, subdomain: { description: 'tenant' } },
  auth: { kind: 'oauth2-client-credentials', tokenUrl, scope, description: 'client credentials' },
  lists: { USER_DIRECTORY: { path: '/users', records: '', paginator: { kind: 'none' }, filters: {} } },
  fields: [],
  map: (u: any) => ({ remoteId: u.id }),
});

let sandbox: Sandbox;
let engine: Engine;
beforeAll(async () => {
  const token = { body: { access_token: 'minted-token-0123456789', token_type: 'bearer', expires_in: 3600 } };
  sandbox = await startSandbox({
    name: 'token-url',
    routes: [
      { method: 'POST', path: /^\/auth\/token$/, handle: () => token },
      { method: 'POST', path: /^\/override\/token$/, handle: () => token },
      { method: 'GET', path: /^\/users$/, handle: () => ({ body: [{ id: 'u1' }] }) },
    ],
    authenticate: (req) => req.path.endsWith('/token') || req.headers.authorization === 'Bearer minted-token-0123456789',
    unauthorized: { status: 401, body: { message: 'no' } },
    notFound: { status: 404, body: { message: 'not found' } },
  });
  const client = new UpstreamClient({ allowPrivateUpstreams: true, connectTimeoutMs: 2000, headersTimeoutMs: 2000, bodyTimeoutMs: 2000, connectionsPerOrigin: 4, retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 10, maxTotalMs: 2000 } });
  engine = new Engine(client, 'token-url-cursor-secret-0123456', { maxScan: 1000, maxJoinPages: 20, maxPages: 50, joinCacheMs: 0 });
});
afterAll(async () => {
  await engine.client.close();
  await sandbox.close();
});

const account = (id: string, context: Record<string, unknown>): Account => ({ id, tenant: 't', provider: 'token-url-test', context: { baseUrl: sandbox.url, ...context }, credentials: { clientId: `client-${id}`, clientSecret: `secret-${id}-0123456789` } });
const tokenCalls = () => sandbox.requests.filter((r) => r.path.endsWith('/token'));

describe('oauth2-client-credentials token URLs', () => {
  const def = defineProvider(spec(['{context.tokenUrl}', '{context.baseUrl}/auth/token']));

  it('takes the first token URL template whose values are present: the fallback when the override is not set', async () => {
    const before = tokenCalls().length;
    const res = await engine.scope().list(account('a', {}), def, { first: 5, after: null, filter: {} });
    expect(res.edges.map((e) => e.node.remoteId)).toEqual(['u1']);
    expect(tokenCalls().slice(before).map((r) => r.path)).toEqual(['/auth/token']);
  });

  it('takes the override when context.tokenUrl is set', async () => {
    const before = tokenCalls().length;
    await engine.scope().list(account('b', { tokenUrl: `${sandbox.url}/override/token` }), def, { first: 5, after: null, filter: {} });
    expect(tokenCalls().slice(before).map((r) => r.path)).toEqual(['/override/token']);
  });

  it('sends no scope parameter when the scope is empty, and the scope when one is given', async () => {
    await engine.scope().list(account('c', {}), def, { first: 5, after: null, filter: {} });
    expect(tokenCalls().at(-1)!.body).toEqual({ grant_type: 'client_credentials', client_id: 'client-c', client_secret: 'secret-c-0123456789' });
    await engine.scope().list(account('d', {}), defineProvider(spec('{context.baseUrl}/auth/token', 'read:users')), { first: 5, after: null, filter: {} });
    expect(tokenCalls().at(-1)!.body).toMatchObject({ scope: 'read:users' });
  });

  it('refuses an empty list of token URLs at start', () => {
    expect(() => validateSpec(spec([]))).toThrow(/tokenUrl/);
  });
});
