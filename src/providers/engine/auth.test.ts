// Token acquisition (OAuth 2.0 client credentials) through the engine, against a token endpoint and an API
// on a sandbox over real HTTP: client authentication styles, caching until shortly before expiry,
// single-flight, the one retry after a 401, token endpoint refusals, and context.tokenUrl.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { defineProvider } from './spec/index.js';
import type { AuthSpec } from './spec/types.js';
import { exportPKCS8, generateKeyPair, jwtVerify } from 'jose';
import { JWT_BEARER_GRANT, renewAt } from './auth.js';
import { secretsOf } from './redact.js';
import { Engine, type Account } from './engine.js';
import { GatewayError } from './errors.js';
import { UpstreamClient } from './http.js';
import { startSandbox, type Sandbox, type SandboxReply, type SandboxRequest } from './sandbox-kit.js';
import type { ProviderDefinition } from './types.js';

const CLIENT_ID = 'app:client-7f3a';
const SECRET = 'tok-test~secret/with+odd=chars';
const USERS = Array.from({ length: 5 }, (_, i) => ({ id: `u${i}` }));

let sandbox: Sandbox;
let engine: Engine;
const issued = new Map<string, { revoked: boolean }>();
/** What the token endpoint answers next instead of a token (one request each). */
const refusals: SandboxReply[] = [];

function grant(req: SandboxRequest): { id?: string; secret?: string; fields: Record<string, unknown> } {
  const fields = (req.body ?? {}) as Record<string, unknown>;
  const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (basic) {
    const [id, secret] = Buffer.from(basic, 'base64').toString().split(':').map((s) => decodeURIComponent(s.replace(/\+/g, ' ')));
    return { id, secret, fields };
  }
  return { id: fields.client_id as string, secret: fields.client_secret as string, fields };
}

beforeAll(async () => {
  const token = (req: SandboxRequest): SandboxReply => {
    const next = refusals.shift();
    if (next) return next;
    const { id, secret, fields } = grant(req);
    if (fields.grant_type !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
    if (id !== CLIENT_ID || secret !== SECRET) return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed.' } };
    const t = `at-${issued.size + 1}`;
    issued.set(t, { revoked: false });
    return { body: { access_token: t, token_type: 'Bearer', expires_in: 3600 } };
  };
  sandbox = await startSandbox({
    name: 'auth-test',
    routes: [
      { method: 'POST', path: /^\/(form|basic|json|other)\/token$/, handle: token },
      { method: 'GET', path: /^\/users$/, handle: () => ({ body: { users: USERS } }) },
    ],
    authenticate: (req) => {
      if (req.path.endsWith('/token')) return true;
      const t = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      return t !== undefined && issued.get(t)?.revoked === false;
    },
    unauthorized: { status: 401, body: { message: 'invalid token' } },
    notFound: { status: 404, body: { message: 'not found' } },
  });
  const client = new UpstreamClient({ allowPrivateUpstreams: true, connectTimeoutMs: 2000, headersTimeoutMs: 2000, bodyTimeoutMs: 2000, connectionsPerOrigin: 8, retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1500, maxTotalMs: 3000 } });
  engine = new Engine(client, 'auth-test-cursor-secret-0123456', { maxScan: 1000, maxJoinPages: 20, maxPages: 50, joinCacheMs: 0 });
});
afterAll(async () => {
  await engine.client.close();
  await sandbox.close();
});
afterEach(() => {
  vi.useRealTimers();
  refusals.splice(0);
});

let slugs = 0;
/** A fresh provider (its own token cache) whose token endpoint is /{style}/token. */
function provider(style: 'form' | 'basic' | 'json', more: Partial<Extract<AuthSpec, { kind: 'oauth2-client-credentials' }>> = {}): ProviderDefinition {
  return defineProvider({
    slug: `auth-test-${++slugs}`,
    displayName: 'Auth test',
    docsUrl: 'https://auth.test/docs',
    context: { tokenHost: { description: 'token origin' } },
    auth: { kind: 'oauth2-client-credentials', tokenUrl: `{context.tokenHost}/${style}/token`, clientAuth: style, description: 'client credentials', ...more },
    lists: { USER_DIRECTORY: { path: '/users', records: 'users', paginator: { kind: 'none' }, filters: {} } },
    fields: [],
    map: (u: any) => ({ remoteId: u.id }),
  });
}
const account = (context: Record<string, unknown> = {}, credentials: Record<string, string> = {}): Account => ({
  id: 'acct',
  tenant: 't',
  provider: 'auth-test',
  context: { baseUrl: sandbox.url, tokenHost: sandbox.url, ...context },
  credentials: { clientId: CLIENT_ID, clientSecret: SECRET, ...credentials },
});
const since = (from: number) => sandbox.requests.slice(from);
const tokenRequests = (from: number) => since(from).filter((r) => r.path.endsWith('/token'));
const list = (def: ProviderDefinition, acct = account()) => engine.scope().list(acct, def, { first: 10, filter: {} });
const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e as GatewayError;
  }
  throw new Error('expected an error');
};

describe('client authentication at the token endpoint', () => {
  it('sends the client id and secret in the form (client_secret_post) by default, with the scope', async () => {
    const from = sandbox.requests.length;
    const def = provider('form', { scope: 'users.read', clientAuth: undefined });
    expect((await list(def)).edges).toHaveLength(5);
    const [t] = tokenRequests(from);
    expect(t!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(t!.headers.authorization).toBeUndefined();
    expect(t!.body).toEqual({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: SECRET, scope: 'users.read' });
  });

  it('sends them as HTTP Basic (client_secret_basic), form-encoded first, and leaves them out of the body', async () => {
    const from = sandbox.requests.length;
    expect((await list(provider('basic'))).edges).toHaveLength(5);
    const [t] = tokenRequests(from);
    const enc = (s: string) => new URLSearchParams({ s }).toString().slice(2);
    expect(t!.headers.authorization).toBe(`Basic ${Buffer.from(`${enc(CLIENT_ID)}:${enc(SECRET)}`).toString('base64')}`);
    expect(t!.body).toEqual({ grant_type: 'client_credentials' });
  });

  it('sends a JSON body when the provider wants one, with extra grant parameters and no empty scope', async () => {
    const from = sandbox.requests.length;
    const def = provider('json', { params: { audience: '{context.baseUrl}/api/', unset: '{context.nothing}' } });
    expect((await list(def)).edges).toHaveLength(5);
    const [t] = tokenRequests(from);
    expect(t!.headers['content-type']).toBe('application/json');
    expect(t!.body).toEqual({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: SECRET, audience: `${sandbox.url}/api/` });
  });

  it('takes the first grant parameter template whose values are all present (an override, else a default)', async () => {
    const def = provider('json', { params: { audience: ['{context.audience}', '{context.baseUrl}/api/v2/'] } });
    let from = sandbox.requests.length;
    await list(def);
    expect(tokenRequests(from)[0]!.body.audience).toBe(`${sandbox.url}/api/v2/`);
    from = sandbox.requests.length;
    await list(def, account({ audience: 'https://custom.test/api/' }));
    expect(tokenRequests(from)[0]!.body.audience).toBe('https://custom.test/api/');
  });

  it('declares context.tokenUrl, and sends the grant there when an account sets it', async () => {
    const def = provider('form');
    expect(def.contextKeys.find((k) => k.key === 'tokenUrl')).toMatchObject({ required: false, pattern: '^https?://' });
    const from = sandbox.requests.length;
    await list(def, account({ tokenUrl: `${sandbox.url}/other/token` }));
    expect(tokenRequests(from).map((r) => r.path)).toEqual(['/other/token']);
  });
});

describe('token caching and single-flight', () => {
  it('asks for one token when 20 requests arrive together on a cold account, and reuses it', async () => {
    const def = provider('form');
    const from = sandbox.requests.length;
    const results = await Promise.all(Array.from({ length: 20 }, () => list(def)));
    expect(results.every((r) => r.edges.length === 5)).toBe(true);
    expect(tokenRequests(from)).toHaveLength(1);
    // Identical concurrent pages may share one upstream call (single-flight): what matters is one token, used by every call.
    const api = since(from).filter((r) => r.path === '/users');
    expect(api.length).toBeGreaterThan(0);
    expect(new Set(api.map((r) => r.headers.authorization)).size).toBe(1);
    await list(def);
    expect(tokenRequests(from)).toHaveLength(1);
  });

  it('renews the token shortly before it expires: one refresh for a burst of requests', async () => {
    const def = provider('form');
    vi.useFakeTimers({ toFake: ['Date'] });
    const t0 = Date.now();
    await list(def);
    const from = sandbox.requests.length;
    vi.setSystemTime(t0 + 3_500_000); // 58 min 20 s into a one-hour token: still valid
    await list(def);
    expect(tokenRequests(from)).toHaveLength(0);
    vi.setSystemTime(t0 + 3_545_000); // inside the last minute: renewed
    await Promise.all(Array.from({ length: 10 }, () => list(def)));
    expect(tokenRequests(from)).toHaveLength(1);
    expect(renewAt(0, 3600)).toBe(3_540_000);
    expect(renewAt(0, 60)).toBe(30_000); // a short-lived token is kept for half its life
  });

  it('keeps one cache entry per client: another secret gets its own token (or its own refusal)', async () => {
    const def = provider('form');
    await list(def);
    const from = sandbox.requests.length;
    const e = await errorOf(list(def, account({}, { clientSecret: 'another-secret-value' })));
    expect(e.code).toBe('UPSTREAM_UNAUTHORIZED');
    expect(tokenRequests(from)).toHaveLength(1);
  });
});

describe('a token the API refuses', () => {
  it('is dropped, replaced by exactly one new token and the request retried once', async () => {
    const def = provider('form');
    await list(def);
    for (const t of issued.values()) t.revoked = true;
    const from = sandbox.requests.length;
    const results = await Promise.all(Array.from({ length: 20 }, () => list(def)));
    expect(results.every((r) => r.edges.length === 5)).toBe(true);
    expect(tokenRequests(from)).toHaveLength(1);
  });

  it('fails with UPSTREAM_UNAUTHORIZED when the fresh token is refused too, without a third try', async () => {
    const def = provider('form');
    await list(def);
    sandbox.inject({ status: 401, body: { message: 'invalid token' }, match: /^\/users$/, times: 2 });
    const from = sandbox.requests.length;
    const e = await errorOf(list(def));
    expect(e.code).toBe('UPSTREAM_UNAUTHORIZED');
    expect(since(from).map((r) => r.path)).toEqual(['/users', '/form/token', '/users']);
  });
});

describe('token endpoint refusals', () => {
  const cases: [string, SandboxReply, string][] = [
    ['invalid_client (401)', { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed.' } }, 'invalid_client: Client authentication failed.'],
    ['invalid_grant (400)', { status: 400, body: { error: 'invalid_grant', error_description: 'The grant is expired.' } }, 'invalid_grant: The grant is expired.'],
    [
      'an Entra AADSTS code, first line only',
      { status: 400, body: { error: 'unauthorized_client', error_description: "AADSTS700016: Application with identifier 'x' was not found in the directory 'contoso'.\r\nTrace ID: 1\r\nCorrelation ID: 2", error_codes: [700016] } },
      "unauthorized_client: AADSTS700016: Application with identifier 'x' was not found in the directory 'contoso'.",
    ],
    ['a bare error (403)', { status: 403, body: { error: 'access_denied' } }, 'access_denied'],
  ];
  for (const [what, reply, reason] of cases)
    it(`turns ${what} into UPSTREAM_UNAUTHORIZED with the reason, never the secret`, async () => {
      refusals.push(reply);
      const e = await errorOf(list(provider('form')));
      expect(e.code).toBe('UPSTREAM_UNAUTHORIZED');
      expect(e.extensions).toMatchObject({ upstreamStatus: reply.status });
      expect(e.message).toContain(reason);
      expect(e.message).not.toContain('Trace ID');
      expect(JSON.stringify(e.toJSON())).not.toContain(SECRET);
    });

  it('redacts the secret when a token endpoint echoes it, in any client authentication style', async () => {
    for (const style of ['form', 'basic', 'json'] as const) {
      refusals.push({ status: 401, body: { error: 'invalid_client', error_description: `bad secret ${SECRET} / ${encodeURIComponent(SECRET)}` } });
      const e = await errorOf(list(provider(style)));
      expect(e.code).toBe('UPSTREAM_UNAUTHORIZED');
      expect(e.message, style).not.toContain(SECRET);
      expect(e.message, style).not.toContain(encodeURIComponent(SECRET));
    }
  });

  it('keeps a rate limit a rate limit, and asks again after a failed fetch (no failure is cached)', async () => {
    const def = provider('form');
    refusals.push(...Array.from({ length: 3 }, () => ({ status: 429, headers: { 'retry-after': '30' }, body: { error: 'slow_down' } })));
    const e = await errorOf(list(def));
    expect(e.code).toBe('UPSTREAM_RATE_LIMITED');
    refusals.splice(0);
    expect((await list(def)).edges).toHaveLength(5);
  });

  it('reports a token answer without an access_token as UPSTREAM_BAD_RESPONSE', async () => {
    refusals.push({ body: { token_type: 'Bearer' } });
    const e = await errorOf(list(provider('form')));
    expect(e.code).toBe('UPSTREAM_BAD_RESPONSE');
  });
});

describe('JWT-bearer grant (service-account key)', () => {
  const SA_EMAIL = 'rollcall-test@project.iam.example.test';
  let keyDoc: Record<string, string>;
  let jwtSandbox: Sandbox;
  const jwtIssued = new Set<string>();
  /** The verified header and claims of every assertion the token endpoint received. */
  const grants: { header: Record<string, unknown>; claims: Record<string, unknown> }[] = [];
  const jwtRefusals: SandboxReply[] = [];

  beforeAll(async () => {
    // A throwaway test key pair, made for this run.
    const pair = await generateKeyPair('RS256', { extractable: true });
    keyDoc = { type: 'service_account', client_email: SA_EMAIL, private_key_id: 'kid-test-1', private_key: await exportPKCS8(pair.privateKey), token_uri: 'https://oauth2.invalid/token' };
    jwtSandbox = await startSandbox({
      name: 'jwt-test',
      routes: [
        {
          method: 'POST',
          path: /^\/token$/,
          handle: async (req) => {
            const next = jwtRefusals.shift();
            if (next) return next;
            if (req.body?.grant_type !== JWT_BEARER_GRANT) return { status: 400, body: { error: 'unsupported_grant_type' } };
            try {
              const { payload, protectedHeader } = await jwtVerify(String(req.body.assertion), pair.publicKey, { issuer: SA_EMAIL, audience: `${req.origin}/token`, algorithms: ['RS256'] });
              grants.push({ header: { ...protectedHeader }, claims: { ...payload } });
            } catch (e) {
              return { status: 400, body: { error: 'invalid_grant', error_description: `Invalid JWT Signature. (${(e as Error).name})` } };
            }
            const t = `ya29.test-${jwtIssued.size + 1}`;
            jwtIssued.add(t);
            return { body: { access_token: t, token_type: 'Bearer', expires_in: 3599 } };
          },
        },
        { method: 'GET', path: /^\/users$/, handle: () => ({ body: { users: USERS } }) },
      ],
      authenticate: (req) => {
        if (req.path === '/token') return true;
        const t = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        return t !== undefined && jwtIssued.has(t);
      },
      unauthorized: { status: 401, body: { error: { code: 401, message: 'Invalid Credentials' } } },
      notFound: { status: 404, body: {} },
    });
  });
  afterAll(() => jwtSandbox.close());
  afterEach(() => void jwtRefusals.splice(0));

  let jwtSlugs = 0;
  const jwtProvider = () =>
    defineProvider({
      slug: `jwt-test-${++jwtSlugs}`,
      displayName: 'JWT test',
      docsUrl: 'https://jwt.test/docs',
      context: { subject: { description: 'admin to impersonate' } },
      auth: { kind: 'oauth2-jwt-bearer', key: 'serviceAccount', scope: 'https://scope.test/read', subject: '{context.subject}', tokenUrl: 'https://oauth2.invalid/default', description: 'service account' },
      lists: { USER_DIRECTORY: { path: '/users', records: 'users', paginator: { kind: 'none' }, filters: {} } },
      fields: [],
      map: (u: any) => ({ remoteId: u.id }),
    });
  const jwtAccount = (serviceAccount: unknown = keyDoc, context: Record<string, unknown> = { subject: 'admin@example.test' }): Account => ({
    id: 'jwt-acct',
    tenant: 't',
    provider: 'jwt-test',
    context: { baseUrl: jwtSandbox.url, tokenUrl: `${jwtSandbox.url}/token`, ...context },
    credentials: { serviceAccount: serviceAccount as Record<string, unknown> },
  });
  const tokenPosts = (from: number) => jwtSandbox.requests.slice(from).filter((r) => r.path === '/token');
  const jwtList = (def: ProviderDefinition, acct = jwtAccount()) => engine.scope().list(acct, def, { first: 10, filter: {} });

  it('declares context.tokenUrl and applies only to a key document with client_email and private_key', () => {
    const def = jwtProvider();
    expect(def.auth.kind).toBe('OAUTH2_JWT_BEARER');
    expect(def.contextKeys.find((k) => k.key === 'tokenUrl')).toBeDefined();
    expect(def.auth.applies({ serviceAccount: keyDoc })).toBe(true);
    expect(def.auth.applies({ serviceAccount: JSON.stringify(keyDoc) })).toBe(true);
    expect(def.auth.applies({ serviceAccount: { client_email: SA_EMAIL } })).toBe(false);
    expect(def.auth.applies({ serviceAccount: 'not json' })).toBe(false);
  });

  it('signs an RS256 assertion the key verifies: iss, scope, aud = token URL, sub, kid, one hour', async () => {
    const from = jwtSandbox.requests.length;
    const before = grants.length;
    expect((await jwtList(jwtProvider())).edges).toHaveLength(5);
    const [post] = tokenPosts(from);
    expect(post!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.keys(post!.body).sort()).toEqual(['assertion', 'grant_type']);
    const g = grants.slice(before);
    expect(g).toHaveLength(1);
    expect(g[0]!.header).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: 'kid-test-1' });
    expect(g[0]!.claims).toMatchObject({ iss: SA_EMAIL, scope: 'https://scope.test/read', aud: `${jwtSandbox.url}/token`, sub: 'admin@example.test' });
    expect(Number(g[0]!.claims.exp) - Number(g[0]!.claims.iat)).toBe(3600);
  });

  it('leaves sub out without a subject, and accepts the key as its JSON text', async () => {
    const before = grants.length;
    await jwtList(jwtProvider(), jwtAccount(JSON.stringify(keyDoc), {}));
    expect(grants.slice(before)[0]!.claims.sub).toBeUndefined();
  });

  it('caches the token, shares one grant among 20 concurrent requests, and renews shortly before expiry', async () => {
    const def = jwtProvider();
    vi.useFakeTimers({ toFake: ['Date'] });
    const t0 = Date.now();
    const from = jwtSandbox.requests.length;
    await Promise.all(Array.from({ length: 20 }, () => jwtList(def)));
    expect(tokenPosts(from)).toHaveLength(1);
    await jwtList(def);
    expect(tokenPosts(from)).toHaveLength(1);
    vi.setSystemTime(t0 + 3_545_000);
    await Promise.all(Array.from({ length: 5 }, () => jwtList(def)));
    expect(tokenPosts(from)).toHaveLength(2);
  });

  it('drops a token the API refuses, grants exactly one new one and retries once', async () => {
    const def = jwtProvider();
    await jwtList(def);
    jwtIssued.clear();
    const from = jwtSandbox.requests.length;
    const results = await Promise.all(Array.from({ length: 10 }, () => jwtList(def)));
    expect(results.every((r) => r.edges.length === 5)).toBe(true);
    expect(tokenPosts(from)).toHaveLength(1);
  });

  it('turns invalid_grant into UPSTREAM_UNAUTHORIZED with the reason, never the key or the assertion', async () => {
    jwtRefusals.push({ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid email or User ID' } });
    const e = await errorOf(jwtList(jwtProvider()));
    expect(e.code).toBe('UPSTREAM_UNAUTHORIZED');
    expect(e.message).toContain('invalid_grant: Invalid email or User ID');
    const pemLine = keyDoc.private_key!.split('\n')[3]!;
    jwtRefusals.push({ status: 400, body: { error: 'invalid_grant', error_description: `echo ${keyDoc.private_key} ${pemLine}` } });
    const echoed = await errorOf(jwtList(jwtProvider()));
    expect(JSON.stringify(echoed.toJSON())).not.toContain(pemLine);
  });

  it('answers a private key that does not import with UPSTREAM_UNAUTHORIZED naming the field, before any token request', async () => {
    const from = jwtSandbox.requests.length;
    const e = await errorOf(jwtList(jwtProvider(), jwtAccount({ ...keyDoc, private_key: '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----' })));
    expect(e.code).toBe('UPSTREAM_UNAUTHORIZED');
    expect(e.message).toContain('credentials.serviceAccount.private_key');
    expect(tokenPosts(from)).toHaveLength(0);
  });

  it("counts a key document's secret fields (not its e-mail or URLs) among the secrets to redact", () => {
    const secrets = secretsOf({ serviceAccount: keyDoc, apiToken: 'plain-token-value' });
    expect(secrets).toContain(keyDoc.private_key);
    expect(secrets).toContain('plain-token-value');
    expect(secrets.filter((s) => s.length >= 16 && keyDoc.private_key!.includes(s)).length).toBeGreaterThan(3);
    expect(secrets).not.toContain(SA_EMAIL);
    expect(secrets).not.toContain(keyDoc.token_uri);
  });
});
