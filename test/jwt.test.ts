// Short-lived tokens for frontend apps through HTTP: JWTs signed with an HS256 secret, or by a key published at a
// JWKS URL (served on 127.0.0.1:0), name the tenant and may narrow the accounts; bad ones are 401 with the reason.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/providers/engine/sandbox-kit.js';
import { OKTA_SANDBOX_TOKEN, startOktaSandbox } from '../src/providers/okta/sandbox.js';
import { secretsInUse, startGateway, type Harness } from './helpers.js';

const SECRET = 'frontend-jwt-secret-0123456789abcdefghijklmnop';
const ISSUER = 'https://backend.example.test';
const AUDIENCE = 'rollcall';
const USERS = `query($id: ID!) { users(category: USER_DIRECTORY, integratedAccountId: $id, first: 1) { edges { node { ... on DirectoryUser { remoteId } } } } }`;
const code = (r: { body: { errors?: any[] } }) => r.body.errors?.[0]?.extensions?.code;

const hs256 = (claims: JWTPayload, opts: { secret?: string; exp?: string | number; aud?: string; iss?: string } = {}) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '5m')
    .sign(new TextEncoder().encode(opts.secret ?? SECRET));

let okta: Sandbox;
beforeAll(async () => {
  okta = await startOktaSandbox();
  secretsInUse.add(OKTA_SANDBOX_TOKEN);
  secretsInUse.add(SECRET);
});
afterAll(() => okta.close());

const accounts = () => [
  { id: 'okta-a', provider: 'okta', context: { baseUrl: okta.url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN } },
  { id: 'okta-b', provider: 'okta', context: { baseUrl: okta.url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN } },
  { id: 'okta-globex', tenant: 'globex', provider: 'okta', context: { baseUrl: okta.url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN } },
];

describe('HS256 frontend tokens', () => {
  let h: Harness;
  beforeAll(() => {
    h = startGateway(accounts(), { auth: { jwt: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE, tenantClaim: 'org', accountsClaim: 'accounts' } } });
  });
  afterAll(() => h.close());

  it('a valid token reads the accounts it lists, of the tenant it names', async () => {
    const token = await hs256({ org: 'acme', accounts: ['okta-a'], sub: 'user-7' });
    const r = await h.query(USERS, { id: 'okta-a' }, token);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.users.edges).toHaveLength(1);
  });

  it('an account not in the token\'s list answers exactly as a missing account does, and is not listed', async () => {
    const token = await hs256({ org: 'acme', accounts: ['okta-a'] });
    const notListed = await h.query(USERS, { id: 'okta-b' }, token);
    const missing = await h.query(USERS, { id: 'okta-b' }, await hs256({ org: 'globex', accounts: ['okta-b'] }));
    expect(code(notListed)).toBe('INTEGRATED_ACCOUNT_NOT_FOUND');
    expect(notListed.body.errors![0].message).toBe(missing.body.errors![0].message);
    expect(missing.status).toBe(notListed.status);
    const listed = await h.query('{ integratedAccounts { id } }', {}, token);
    expect(listed.body.data.integratedAccounts.map((a: any) => a.id)).toEqual(['okta-a']);
    const noClaim = await h.query('{ integratedAccounts { id } }', {}, await hs256({ org: 'acme' }));
    expect(noClaim.body.data.integratedAccounts).toEqual([]); // the claim is configured: without it, nothing
  });

  it.each([
    ['expired', () => hs256({ org: 'acme' }, { exp: Math.floor(Date.now() / 1000) - 120 }), /expired/],
    ['mis-signed', () => hs256({ org: 'acme' }, { secret: 'another-secret-0123456789abcdefghijklmnopq' }), /signature/],
    ['for another audience', () => hs256({ org: 'acme' }, { aud: 'someone-else' }), /audience/],
    ['from another issuer', () => hs256({ org: 'acme' }, { iss: 'https://evil.example.test' }), /issuer/],
    ['without the tenant claim', () => hs256({ tenant: 'acme' }), /"org" claim/],
  ])('a token %s is 401 UNAUTHENTICATED with the reason', async (_name, make, reason) => {
    const r = await h.query(USERS, { id: 'okta-a' }, await make());
    expect(r.status).toBe(401);
    expect(code(r)).toBe('UNAUTHENTICATED');
    expect(r.body.errors![0].message).toMatch(reason);
  });

  it('a token signed with "none" or without exp is refused', async () => {
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ org: 'acme', iss: ISSUER, aud: AUDIENCE })).toString('base64url')}.`;
    expect((await h.query(USERS, { id: 'okta-a' }, none)).status).toBe(401);
    const noExp = await new SignJWT({ org: 'acme' }).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setAudience(AUDIENCE).sign(new TextEncoder().encode(SECRET));
    const r = await h.query(USERS, { id: 'okta-a' }, noExp);
    expect(r.status).toBe(401);
    expect(r.body.errors![0].message).toMatch(/"exp"/);
  });

  it('API tokens keep working next to JWTs', async () => {
    const r = await h.query(USERS, { id: 'okta-b' });
    expect(r.body.errors).toBeUndefined();
  });
});

describe('frontend tokens signed by a key at a JWKS URL', () => {
  let h: Harness;
  let jwks: Server;
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;
  let other: Awaited<ReturnType<typeof generateKeyPair>>;
  beforeAll(async () => {
    [keys, other] = await Promise.all([generateKeyPair('ES256'), generateKeyPair('ES256')]);
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    h = startGateway(accounts(), { auth: { jwt: { jwksUrl: url, issuer: ISSUER, audience: AUDIENCE } } });
  });
  afterAll(async () => {
    await h.close();
    jwks.closeAllConnections();
    await new Promise((r) => jwks.close(r));
  });
  const es256 = (key: CryptoKey, kid = 'k1') => new SignJWT({ tenant: 'acme' }).setProtectedHeader({ alg: 'ES256', kid }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').sign(key);

  it('a token signed by the published key reads every account of its tenant (no accounts claim configured)', async () => {
    const token = await es256(keys.privateKey as CryptoKey);
    expect((await h.query(USERS, { id: 'okta-b' }, token)).body.errors).toBeUndefined();
    const listed = await h.query('{ integratedAccounts { id } }', {}, token);
    expect(listed.body.data.integratedAccounts.map((a: any) => a.id)).toEqual(['okta-a', 'okta-b']);
  });

  it('a token signed by another key, or naming an unknown kid, is 401 with the reason', async () => {
    const wrong = await h.query(USERS, { id: 'okta-a' }, await es256(other.privateKey as CryptoKey));
    expect(wrong.status).toBe(401);
    expect(wrong.body.errors![0].message).toMatch(/signature/);
    const kid = await h.query(USERS, { id: 'okta-a' }, await es256(other.privateKey as CryptoKey, 'k9'));
    expect(kid.status).toBe(401);
    expect(kid.body.errors![0].message).toMatch(/kid/);
  });

  it('an HS256 token is refused when keys come from a JWKS URL (no algorithm confusion)', async () => {
    const r = await h.query(USERS, { id: 'okta-a' }, await hs256({ tenant: 'acme' }));
    expect(r.status).toBe(401);
  });
});
