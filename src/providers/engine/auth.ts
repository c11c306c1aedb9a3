// Auth schemes as data. Each turns an account's credentials into request headers; the engine calls it
// per request so a rotated secret takes effect at once, and never records what it returns.
import { createHash } from 'node:crypto';
import { GatewayError } from './errors.js';
import type { AuthScheme, Credentials, ProviderContext } from './types.js';

export type { AuthIo, AuthKind, AuthScheme } from './types.js';

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

export function bearerAuth(opts: { key: string; description: string }): AuthScheme {
  return {
    kind: 'BEARER',
    credentialKeys: [opts.key],
    description: opts.description,
    applies: (c) => has(c, [opts.key]),
    headers: (c) => ({ authorization: `Bearer ${c[opts.key]}` }),
  };
}

/**
 * OAuth 2.0 client-credentials grant: fetches a token and caches it until shortly before it expires.
 * The cache is keyed by token URL, client id and secret, so two accounts never share a token.
 */
export function clientCredentialsAuth(opts: {
  tokenUrl: (c: Credentials, ctx: ProviderContext) => string;
  scope: string | ((c: Credentials, ctx: ProviderContext) => string);
  keys: string[];
  description: string;
}): AuthScheme {
  const cache = new Map<string, { token: string; expiresAt: number }>();
  // Keyed by the secret too, so a rotated or wrong secret never reuses another's token.
  const keyOf = (c: Credentials, ctx: ProviderContext) => createHash('sha256').update(`${opts.tokenUrl(c, ctx)}|${c.clientId}|${c.clientSecret}`).digest('base64url');
  return {
    kind: 'OAUTH2_CLIENT_CREDENTIALS',
    credentialKeys: opts.keys,
    description: opts.description,
    applies: (c) => has(c, opts.keys),
    invalidate: (c, ctx) => cache.delete(keyOf(c, ctx)),
    async headers(c, ctx, io) {
      const cacheKey = keyOf(c, ctx);
      const hit = cache.get(cacheKey);
      if (hit && hit.expiresAt > Date.now()) return { authorization: `Bearer ${hit.token}` };
      const scope = typeof opts.scope === 'function' ? opts.scope(c, ctx) : opts.scope;
      const body = await io.postForm(opts.tokenUrl(c, ctx), {
        grant_type: 'client_credentials',
        client_id: c.clientId!,
        client_secret: c.clientSecret!,
        // An empty scope is left out: providers whose credentials carry their scopes (OneLogin) take none.
        ...(scope ? { scope } : {}),
      });
      if (typeof body?.access_token !== 'string')
        throw new GatewayError('UPSTREAM_BAD_RESPONSE', 'The token endpoint answered without an access_token. Check tenantId, clientId and clientSecret.');
      const ttl = Number(body.expires_in) || 300;
      // Renew a minute early; a very short-lived token is kept for half its life.
      cache.set(cacheKey, { token: body.access_token, expiresAt: Date.now() + (ttl > 120 ? ttl - 60 : ttl / 2) * 1000 });
      return { authorization: `Bearer ${body.access_token}` };
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
    invalidate: (c, ctx) => pick(c)?.invalidate?.(c, ctx) ?? false,
  };
}
