// Talking to a provider's OAuth endpoints for the connect flow and refresh: where they are for an account (the
// provider's spec, a relative URL under the account's base URL, the OAuth app's overrides), and one token request
// (authorization_code or refresh_token) through the engine's upstream client, read into stored credentials.
import { tokenEndpointErrors } from '../providers/engine/auth.js';
import { GatewayError } from '../providers/engine/errors.js';
import type { UpstreamClient } from '../providers/engine/http.js';
import type { Credentials, ProviderContext, ProviderDefinition } from '../providers/engine/types.js';

/** An operator's OAuth app for one provider (config `oauthApps.<slug>`). */
export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  scopes?: string[];
  authorizeUrl?: string;
  tokenUrl?: string;
  resourcesUrl?: string;
}

/** The context with the provider's defaults for keys it leaves out (Graph's loginUrl). */
export function withDefaults(def: ProviderDefinition, ctx: ProviderContext): ProviderContext {
  const missing = def.contextKeys.filter((k) => k.default !== undefined && ctx[k.key] === undefined);
  return missing.length ? { ...Object.fromEntries(missing.map((k) => [k.key, k.default])), ...ctx } : ctx;
}

/** The authorize or token URL for an account's context; undefined when the context lacks what it needs. */
export function endpoint(def: ProviderDefinition, app: OAuthApp, ctx: ProviderContext, which: 'authorize' | 'token'): string | undefined {
  const override = which === 'authorize' ? app.authorizeUrl : app.tokenUrl;
  if (override) return override;
  const c = withDefaults(def, ctx);
  const url = which === 'authorize' ? def.oauth!.authorizeUrl(c) : def.oauth!.tokenUrl(c);
  if (!url || !url.startsWith('/')) return url;
  const base = typeof c.baseUrl === 'string' && c.baseUrl ? c.baseUrl : def.baseUrl(c);
  return base ? base.replace(/\/+$/, '') + url : undefined;
}

/** A refusal by the token endpoint (invalid_grant, a revoked app): the account must be connected again. */
export class TokenRefused extends Error {}

/**
 * POSTs one grant to the token endpoint and reads the answer into credentials: the access token, the refresh token
 * (a rotated one replaces the old; none kept means the old stays), and when the access token expires. A 4xx, or an
 * `error` in a 200 body (GitHub), is TokenRefused with the provider's reason; 5xx and network failures stay GatewayErrors.
 */
export async function tokenGrant(client: UpstreamClient, def: ProviderDefinition, app: OAuthApp, url: string, fields: Record<string, string>, previous: Credentials = {}, now = Date.now()): Promise<Credentials> {
  const method = def.oauth!.clientAuth;
  const enc = (s: string) => new URLSearchParams({ s }).toString().slice(2);
  const basic = `Basic ${Buffer.from(`${enc(app.clientId)}:${enc(app.clientSecret)}`).toString('base64')}`;
  const body = method === 'basic' ? fields : { ...fields, client_id: app.clientId, client_secret: app.clientSecret };
  const u = new URL(url);
  let res;
  try {
    res = await client.call({
      provider: def.slug,
      origin: u.origin,
      request: { method: 'POST', path: u.pathname, query: [...u.searchParams.entries()], ...(method === 'json' ? { body } : {}) },
      headers: { accept: 'application/json', ...(method === 'basic' ? { authorization: basic } : {}) },
      ...(method === 'json' ? {} : { form: body }),
      secrets: [app.clientSecret, basic, ...Object.values(fields).filter((v) => v.length >= 8)],
      errors: tokenEndpointErrors(def.errors),
      // A refresh token may be single use: a retried refresh whose first attempt landed would be refused.
      idempotent: fields.grant_type !== 'refresh_token',
      debug: false,
    });
  } catch (e) {
    if (e instanceof GatewayError && e.code === 'UPSTREAM_UNAUTHORIZED') throw new TokenRefused(reasonOf(e.message));
    throw e;
  }
  const b = res.body ?? {};
  if (typeof b.error === 'string') throw new TokenRefused(typeof b.error_description === 'string' ? `${b.error}: ${b.error_description}` : b.error);
  if (typeof b.access_token !== 'string' || !b.access_token)
    throw new GatewayError('UPSTREAM_BAD_RESPONSE', `${def.slug}'s token endpoint answered without an access_token; check oauthApps.${def.slug}.tokenUrl.`, { provider: def.slug });
  const ttl = Number(b.expires_in);
  const out: Credentials = { accessToken: b.access_token };
  const refresh = typeof b.refresh_token === 'string' && b.refresh_token ? b.refresh_token : previous.refreshToken;
  if (refresh) out.refreshToken = refresh;
  if (Number.isFinite(ttl) && ttl >= 0 && b.expires_in !== undefined) out.expiresAt = new Date(now + ttl * 1000).toISOString();
  return out;
}

/** The provider's own words from an UPSTREAM_UNAUTHORIZED message ("x rejected the credentials with 400 (reason). …"). */
function reasonOf(message: string): string {
  return /\((.*)\)\. /.exec(message)?.[1] ?? 'refused by the token endpoint';
}
