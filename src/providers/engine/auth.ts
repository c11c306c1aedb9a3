// Auth schemes as data. Each turns an account's credentials into request headers; the engine calls it
// per request so a rotated secret takes effect at once, and never records what it returns.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { GatewayError } from './errors.js';
import type { AuthIo, AuthScheme, Credentials, ErrorPolicy, ProviderContext } from './types.js';

export type { AuthIo, AuthKind, AuthScheme, TokenRequest } from './types.js';

const has = (creds: Credentials, keys: string[]) => keys.every((k) => typeof creds[k] === 'string' && creds[k] !== '');

/** A secret sent in one header, verbatim or inside a value (`x-api-key`, `Authorization: SSWS <token>`). */
export function headerAuth(opts: { header: string; value: (c: Credentials, ctx: ProviderContext) => string; keys: string[]; description: string }): AuthScheme {
  return {
    kind: 'API_KEY',
    credentialKeys: opts.keys,
    description: opts.description,
    applies: (c) => has(c, opts.keys),
    headers: (c, ctx) => ({ [opts.header]: opts.value(c, ctx) }),
  };
}

export function basicAuth(opts: { user: (c: Credentials) => string; password: (c: Credentials) => string; keys: string[]; description: string }): AuthScheme {
  return {
    kind: 'BASIC',
    credentialKeys: opts.keys,
    description: opts.description,
    applies: (c) => has(c, opts.keys),
    headers: (c) => ({ authorization: `Basic ${Buffer.from(`${opts.user(c)}:${opts.password(c)}`).toString('base64')}` }),
  };
}

/** Where an LDAP simple bind (RFC 4511 §4.2) travels from the auth scheme to the LDAP transport: request-scoped
 *  values like headers, redacted like them, never sent anywhere but the bind. */
export const LDAP_BIND_DN = 'x-ldap-bind-dn';
export const LDAP_BIND_PASSWORD = 'x-ldap-bind-password';

export function ldapBindAuth(opts: { dn: (c: Credentials) => string; password: (c: Credentials) => string; keys: string[]; description: string }): AuthScheme {
  return {
    kind: 'LDAP_SIMPLE_BIND',
    credentialKeys: opts.keys,
    description: opts.description,
    applies: (c) => has(c, opts.keys),
    headers: (c) => ({ [LDAP_BIND_DN]: opts.dn(c), [LDAP_BIND_PASSWORD]: opts.password(c) }),
  };
}

export function bearerAuth(opts: { key: string; description: string }): AuthScheme {
  return {
    kind: 'BEARER',
    credentialKeys: [opts.key],
    description: opts.description,
    applies: (c) => has(c, [opts.key]),
    headers: (c) => ({ authorization: `Bearer ${c[opts.key]}` }),
  };
}

/** How the client authenticates at the token endpoint (RFC 6749 §2.3.1): `form` = client_secret_post,
 *  `basic` = client_secret_basic, `json` = the same fields in a JSON body (Auth0). */
export const CLIENT_AUTH_METHODS = ['form', 'basic', 'json'] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

/** Token endpoint refusals (RFC 6749 §5.2: invalid_client, invalid_grant, unauthorized_client, invalid_scope; Entra's
 *  AADSTS codes arrive the same way) are a credentials problem, whatever 4xx carries them. 429 and 5xx keep their class. */
export function tokenEndpointErrors(provider: ErrorPolicy): ErrorPolicy {
  return {
    message: (b) => oauthReason(b) ?? provider.message?.(b),
    rules: [{ when: { status: [400, 401, 403] }, as: 'UNAUTHORIZED' }],
  };
}
function oauthReason(b: any): string | undefined {
  if (typeof b?.error !== 'string') return undefined;
  const said = typeof b.error_description === 'string' ? b.error_description : typeof b.message === 'string' ? b.message : '';
  // Entra appends "Trace ID: … Correlation ID: … Timestamp: …" on new lines: the first line is the reason.
  return said ? `${b.error}: ${said.split(/\r?\n/)[0]}` : b.error;
}

interface CachedToken { token: string; expiresAt: number }

/** When a token is renewed: a minute early; a token living two minutes or less is kept for half its life. */
export function renewAt(now: number, expiresInSeconds: number): number {
  return now + (expiresInSeconds > 120 ? expiresInSeconds - 60 : expiresInSeconds / 2) * 1000;
}

/**
 * OAuth 2.0 client-credentials grant (RFC 6749 §4.4). Tokens are cached until shortly before they expire; the
 * requests of an account that find no valid token share one in-flight token request (single-flight), so a
 * burst of 20 queries on a cold account asks the token endpoint once. `context.tokenUrl` overrides the token
 * endpoint. The cache is keyed by token URL, client id, secret and grant parameters, so two accounts never
 * share a token unless they hold the same credentials, and a rotated secret never reuses the old one's.
 */
export function clientCredentialsAuth(opts: {
  tokenUrl: (c: Credentials, ctx: ProviderContext) => string;
  scope?: string | ((c: Credentials, ctx: ProviderContext) => string | undefined);
  /** Default `form`. */
  clientAuth?: ClientAuthMethod;
  /** Default `client_credentials` (Zoom: `account_credentials`). */
  grantType?: string;
  /** More grant parameters (Auth0's audience, Zoom's account_id); an empty value is left out. */
  params?: (c: Credentials, ctx: ProviderContext) => Record<string, string | undefined>;
  keys: string[];
  description: string;
  /** The clock (tests). */
  now?: () => number;
}): AuthScheme {
  const now = opts.now ?? (() => Date.now());
  const cache = new LRUCache<string, CachedToken>({ max: 10_000 });
  const inFlight = new Map<string, Promise<string>>();
  const grantOf = (c: Credentials, ctx: ProviderContext) => {
    const override = typeof ctx.tokenUrl === 'string' && ctx.tokenUrl !== '' ? ctx.tokenUrl : undefined;
    const scope = typeof opts.scope === 'function' ? opts.scope(c, ctx) : opts.scope;
    const fields: Record<string, string> = { grant_type: opts.grantType ?? 'client_credentials' };
    if (scope) fields.scope = scope;
    for (const [k, v] of Object.entries(opts.params?.(c, ctx) ?? {})) if (v) fields[k] = v;
    const url = override ?? opts.tokenUrl(c, ctx);
    const key = createHash('sha256').update(JSON.stringify([url, c.clientId, c.clientSecret, fields])).digest('base64url');
    return { url, fields, key };
  };

  async function fetchToken(c: Credentials, grant: ReturnType<typeof grantOf>, io: AuthIo): Promise<string> {
    const id = c.clientId!;
    const secret = c.clientSecret!;
    const method = opts.clientAuth ?? 'form';
    const credsIn: Record<string, string> = method === 'basic' ? {} : { client_id: id, client_secret: secret };
    // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
    const enc = (s: string) => new URLSearchParams({ s }).toString().slice(2);
    const basic = `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
    const body = await io.postToken(grant.url, {
      ...(method === 'json' ? { json: { ...grant.fields, ...credsIn } } : { form: { ...grant.fields, ...credsIn } }),
      headers: method === 'basic' ? { authorization: basic } : ({} as Record<string, string>),
      secrets: [secret, basic, basic.slice(6)],
    });
    const token = body?.access_token;
    if (typeof token !== 'string' || token === '')
      throw new GatewayError('UPSTREAM_BAD_RESPONSE', `The token endpoint answered without an access_token. Check the account's ${opts.keys.join(', ')} and context.tokenUrl.`);
    const ttl = Number(body.expires_in);
    cache.set(grant.key, { token, expiresAt: renewAt(now(), Number.isFinite(ttl) && ttl > 0 ? ttl : 300) });
    return token;
  }

  return {
    kind: 'OAUTH2_CLIENT_CREDENTIALS',
    credentialKeys: opts.keys,
    description: opts.description,
    applies: (c) => has(c, opts.keys),
    invalidate(c, ctx, used) {
      const { key } = grantOf(c, ctx);
      const sent = used?.authorization?.replace(/^Bearer /, '');
      // Only the token that was refused: a request refused with a token another request already replaced
      // retries with the replacement (or joins its fetch) instead of fetching yet another.
      if (sent === undefined || cache.get(key)?.token === sent) cache.delete(key);
      return true;
    },
    async headers(c, ctx, io) {
      const grant = grantOf(c, ctx);
      const hit = cache.get(grant.key);
      if (hit && hit.expiresAt > now()) return { authorization: `Bearer ${hit.token}` };
      let pending = inFlight.get(grant.key);
      if (!pending) {
        pending = fetchToken(c, grant, io).finally(() => inFlight.delete(grant.key));
        inFlight.set(grant.key, pending);
      }
      return { authorization: `Bearer ${await pending}` };
    },
  };
}

/** The first scheme whose credentials are all present wins (e.g. API token, else OAuth token). */
export function anyOf(...schemes: AuthScheme[]): AuthScheme {
  const pick = (c: Credentials) => schemes.find((s) => s.applies(c));
  return {
    kind: schemes[0]!.kind,
    credentialKeys: [...new Set(schemes.flatMap((s) => s.credentialKeys))],
    description: schemes.map((s) => s.description).join('; or '),
    applies: (c) => pick(c) !== undefined,
    headers: (c, ctx, io) => pick(c)!.headers(c, ctx, io),
    invalidate: (c, ctx, used) => pick(c)?.invalidate?.(c, ctx, used) ?? false,
  };
}
