// Auth schemes as data. Each turns an account's credentials into request headers; the engine calls it
// per request so a rotated secret takes effect at once, and never records what it returns.
import { createHash } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import { GatewayError } from './errors.js';
import type { AuthIo, AuthKind, AuthScheme, Credentials, ErrorPolicy, ProviderContext, TokenRequest } from './types.js';

export type { AuthIo, AuthKind, AuthScheme, TokenRequest } from './types.js';

const has = (creds: Credentials, keys: string[]) => keys.every((k) => typeof creds[k] === 'string' && creds[k] !== '');
/** A credential a scheme has checked with `has`. */
const text = (creds: Credentials, key: string) => String(creds[key] ?? '');

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
  // Zoom's token endpoint says why in `reason`.
  const said = [b.error_description, b.message, b.reason].find((s): s is string => typeof s === 'string' && s !== '') ?? '';
  // Entra appends "Trace ID: … Correlation ID: … Timestamp: …" on new lines: the first line is the reason.
  return said ? `${b.error}: ${said.split(/\r?\n/)[0]}` : b.error;
}

interface CachedToken { token: string; expiresAt: number }

/** When a token is renewed: a minute early; a token living two minutes or less is kept for half its life. */
export function renewAt(now: number, expiresInSeconds: number): number {
  return now + (expiresInSeconds > 120 ? expiresInSeconds - 60 : expiresInSeconds / 2) * 1000;
}

/** One token grant of an account: where it goes, what identifies its token in the cache, and how the request is built. */
interface Grant { url: string; key: string; request(): TokenRequest | Promise<TokenRequest> }

const cacheKey = (parts: unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
const tokenUrlOverride = (ctx: ProviderContext) => (typeof ctx.tokenUrl === 'string' && ctx.tokenUrl !== '' ? ctx.tokenUrl : undefined);

/**
 * The token machinery every OAuth 2.0 grant shares. Tokens are cached until shortly before they expire; the
 * requests of an account that find no valid token share one in-flight token request (single-flight), so a
 * burst of 20 queries on a cold account asks the token endpoint once. A token the API refuses is dropped
 * (`invalidate`), and the engine retries once with a fresh one. The cache key covers the token URL and
 * everything the grant sends, so two accounts never share a token unless they hold the same credentials,
 * and a rotated secret never reuses the old one's.
 */
function tokenAuth(opts: { kind: AuthKind; keys: string[]; description: string; applies: (c: Credentials) => boolean; grant: (c: Credentials, ctx: ProviderContext) => Grant; now?: () => number }): AuthScheme {
  const now = opts.now ?? (() => Date.now());
  const cache = new LRUCache<string, CachedToken>({ max: 10_000 });
  const inFlight = new Map<string, Promise<string>>();

  async function fetchToken(grant: Grant, io: AuthIo): Promise<string> {
    const body = await io.postToken(grant.url, await grant.request());
    const token = body?.access_token;
    if (typeof token !== 'string' || token === '')
      throw new GatewayError('UPSTREAM_BAD_RESPONSE', `The token endpoint answered without an access_token. Check the account's ${opts.keys.join(', ')} and context.tokenUrl.`);
    const ttl = Number(body.expires_in);
    cache.set(grant.key, { token, expiresAt: renewAt(now(), Number.isFinite(ttl) && ttl > 0 ? ttl : 300) });
    return token;
  }

  return {
    kind: opts.kind,
    credentialKeys: opts.keys,
    description: opts.description,
    applies: opts.applies,
    invalidate(c, ctx, used) {
      const { key } = opts.grant(c, ctx);
      const sent = used?.authorization?.replace(/^Bearer /, '');
      // Only the token that was refused: a request refused with a token another request already replaced
      // retries with the replacement (or joins its fetch) instead of fetching yet another.
      if (sent === undefined || cache.get(key)?.token === sent) cache.delete(key);
      return true;
    },
    async headers(c, ctx, io) {
      const grant = opts.grant(c, ctx);
      const hit = cache.get(grant.key);
      if (hit && hit.expiresAt > now()) return { authorization: `Bearer ${hit.token}` };
      let pending = inFlight.get(grant.key);
      if (!pending) {
        pending = fetchToken(grant, io).finally(() => inFlight.delete(grant.key));
        inFlight.set(grant.key, pending);
      }
      return { authorization: `Bearer ${await pending}` };
    },
  };
}

/** OAuth 2.0 client-credentials grant (RFC 6749 §4.4) on the shared token machinery; `context.tokenUrl` overrides the endpoint. */
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
  return tokenAuth({
    kind: 'OAUTH2_CLIENT_CREDENTIALS',
    keys: opts.keys,
    description: opts.description,
    applies: (c) => has(c, opts.keys),
    now: opts.now,
    grant(c, ctx) {
      const scope = typeof opts.scope === 'function' ? opts.scope(c, ctx) : opts.scope;
      const fields: Record<string, string> = { grant_type: opts.grantType ?? 'client_credentials' };
      if (scope) fields.scope = scope;
      for (const [k, v] of Object.entries(opts.params?.(c, ctx) ?? {})) if (v) fields[k] = v;
      const url = tokenUrlOverride(ctx) ?? opts.tokenUrl(c, ctx);
      const id = text(c, 'clientId');
      const secret = text(c, 'clientSecret');
      return {
        url,
        key: cacheKey([url, id, secret, fields]),
        request() {
          const method = opts.clientAuth ?? 'form';
          const credsIn: Record<string, string> = method === 'basic' ? {} : { client_id: id, client_secret: secret };
          // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
          const enc = (v: string) => new URLSearchParams({ v }).toString().slice(2);
          const basic = `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
          return {
            ...(method === 'json' ? { json: { ...fields, ...credsIn } } : { form: { ...fields, ...credsIn } }),
            headers: (method === 'basic' ? { authorization: basic } : {}) as Record<string, string>,
            secrets: [secret, basic, basic.slice(6)],
          };
        },
      };
    },
  });
}

/** The fields of a Google-style service-account key the JWT-bearer grant reads. */
export interface ServiceAccountKey { client_email: string; private_key: string; private_key_id?: string; token_uri?: string; [more: string]: unknown }

/** A key document, given as a JSON object or as its JSON text (a key file pasted into an environment variable). */
export function serviceAccountKey(value: unknown): ServiceAccountKey | undefined {
  let doc = value;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch {
      return undefined;
    }
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const d = doc as Record<string, unknown>;
  return typeof d.client_email === 'string' && d.client_email !== '' && typeof d.private_key === 'string' && d.private_key !== '' ? (d as ServiceAccountKey) : undefined;
}

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * OAuth 2.0 JWT-bearer grant (RFC 7523 §2.1) as Google documents it for service accounts: an RS256 JWT signed
 * with the key's private key (`kid` = private_key_id), iss = client_email, `scope`, aud = the token URL,
 * `sub` = the user to impersonate under domain-wide delegation, valid one hour; exchanged at the token URL
 * (`context.tokenUrl`, else the key's token_uri, else `defaultTokenUrl`) for an access token, on the shared
 * token machinery (cache, single-flight, one refresh after a 401).
 */
export function jwtBearerAuth(opts: {
  /** The credential holding the key document. */
  key: string;
  scope: (c: Credentials, ctx: ProviderContext) => string | undefined;
  subject?: (c: Credentials, ctx: ProviderContext) => string | undefined;
  defaultTokenUrl: string;
  description: string;
  now?: () => number;
}): AuthScheme {
  const now = opts.now ?? (() => Date.now());
  const signingKeys = new LRUCache<string, Promise<CryptoKey>>({ max: 1_000 });
  const signingKey = (pem: string) => {
    const id = cacheKey([pem]);
    let k = signingKeys.get(id);
    if (!k) {
      // A key that does not import is not cached, so a corrected one is read next time.
      k = importPKCS8(pem.replace(/\\n/g, '\n'), 'RS256').catch((e) => {
        signingKeys.delete(id);
        throw new GatewayError('UPSTREAM_UNAUTHORIZED', `credentials.${opts.key}.private_key is not a PKCS #8 PEM RSA private key (${e instanceof Error ? e.name : 'unreadable'}): paste the service account's JSON key as issued.`);
      });
      signingKeys.set(id, k);
    }
    return k;
  };
  return tokenAuth({
    kind: 'OAUTH2_JWT_BEARER',
    keys: [opts.key],
    description: opts.description,
    applies: (c) => serviceAccountKey(c[opts.key]) !== undefined,
    now,
    grant(c, ctx) {
      const sa = serviceAccountKey(c[opts.key])!;
      const url = tokenUrlOverride(ctx) ?? (typeof sa.token_uri === 'string' && sa.token_uri ? sa.token_uri : opts.defaultTokenUrl);
      const scope = opts.scope(c, ctx);
      const sub = opts.subject?.(c, ctx) || undefined;
      return {
        url,
        key: cacheKey([url, sa.client_email, sa.private_key_id, sa.private_key, scope, sub]),
        async request() {
          const iat = Math.floor(now() / 1000);
          const jwt = new SignJWT({ ...(scope ? { scope } : {}) })
            .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...(sa.private_key_id ? { kid: sa.private_key_id } : {}) })
            .setIssuer(sa.client_email)
            .setAudience(url)
            .setIssuedAt(iat)
            .setExpirationTime(iat + 3600);
          if (sub) jwt.setSubject(sub);
          const assertion = await jwt.sign(await signingKey(sa.private_key));
          return { form: { grant_type: JWT_BEARER_GRANT, assertion }, secrets: [assertion, sa.private_key] };
        },
      };
    },
  });
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
