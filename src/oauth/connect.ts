// The OAuth connect flow (authorization code, RFC 6749 §4.1, with PKCE S256, RFC 7636, where the provider takes it):
// 1. the admin API's createConnectLink stores a pending link (tenant, provider, context, PKCE verifier) and returns
//    {publicUrl}/oauth/connect?state=…, where `state` is the link's random id signed with an HMAC;
// 2. GET /oauth/connect redirects the browser to the provider's authorize URL;
// 3. GET /oauth/callback takes the link (single use, expiring), exchanges the code, finds the site where the provider
//    needs it (Atlassian's accessible-resources), stores the account with its tokens encrypted, and redirects to
//    oauth.successUrl?integratedAccountId=… (failures: oauth.errorUrl?error=CODE&message=…).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import type { CompositeStore } from '../accounts/composite.js';
import { StoreError } from '../accounts/errors.js';
import type { GatewayConfig } from '../config.js';
import { accountKeys } from '../config.js';
import { GatewayError } from '../providers/engine/errors.js';
import type { UpstreamClient } from '../providers/engine/http.js';
import { getPath } from '../providers/engine/paths.js';
import type { ProviderContext, ProviderDefinition } from '../providers/engine/types.js';
import { endpoint, tokenGrant, TokenRefused, type OAuthApp } from './tokens.js';

export const CONNECT_PATH = '/oauth/connect';
export const CALLBACK_PATH = '/oauth/callback';

/** Where a connect flow can end, as `error=` on the error URL (the README lists them). */
export const CALLBACK_ERRORS = {
  OAUTH_STATE_INVALID: 'the link is unknown, forged, already used or expired: create a new connect link',
  OAUTH_ACCESS_DENIED: 'the user (or the provider) declined the authorization',
  OAUTH_EXCHANGE_FAILED: 'the provider refused to exchange the code (client id/secret, redirect URI), or answered without a token',
  OAUTH_NO_SITE: 'the grant reaches no site the account can use (Atlassian: no accessible resource)',
  OAUTH_ACCOUNT_INVALID: 'the account could not be stored (its tenant was deleted meanwhile, or its context is incomplete)',
} as const;
type CallbackError = keyof typeof CALLBACK_ERRORS;

class FlowError extends Error {
  constructor(readonly code: CallbackError, message: string) {
    super(message);
  }
}

export interface ConnectLink { url: string; redirectUri: string; expiresAt: Date }

const pkceChallenge = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

export class OAuthFlow {
  private readonly key: Buffer;
  constructor(
    private readonly store: CompositeStore,
    private readonly client: UpstreamClient,
    private readonly config: Pick<GatewayConfig, 'oauth' | 'oauthApps' | 'providers' | 'cursorSecret'>,
  ) {
    // A key of its own, derived from the config's secret: a state is never a valid cursor signature or the reverse.
    this.key = createHmac('sha256', config.cursorSecret).update('rollcall/oauth-state').digest();
  }

  private sign(id: string): string {
    return `${id}.${createHmac('sha256', this.key).update(id).digest('base64url')}`;
  }

  private verify(state: string | null): string | null {
    const [id, mac] = (state ?? '').split('.');
    if (!id || !mac) return null;
    const want = Buffer.from(this.sign(id).split('.')[1]!);
    const got = Buffer.from(mac);
    return got.length === want.length && timingSafeEqual(got, want) ? id : null;
  }

  private app(provider: string): { def: ProviderDefinition; app: OAuthApp } {
    const def = this.config.providers.get(provider);
    if (!def) throw new StoreError('INVALID_INPUT', `Unknown provider "${provider.slice(0, 60)}"; known: ${this.config.providers.slugs().join(', ')}.`, { field: 'provider' });
    const withOAuth = this.config.providers.all.filter((p) => p.oauth).map((p) => p.slug).join(', ');
    if (!def.oauth) throw new StoreError('INVALID_INPUT', `${provider} has no OAuth connect flow; providers with one: ${withOAuth}. Create the account with createIntegratedAccount and its credentials instead.`, { field: 'provider' });
    const app = this.config.oauthApps[provider];
    if (!app) throw new StoreError('OAUTH_APP_NOT_CONFIGURED', `No OAuth app is configured for ${provider}: add oauthApps.${provider} { clientId, clientSecret } to the config (see the README's OAuth app set-up).`, { provider });
    return { def, app };
  }

  private publicUrl(requestOrigin: string): string {
    return (this.config.oauth.publicUrl ?? requestOrigin).replace(/\/+$/, '');
  }

  /** A link for one tenant to connect one account of `provider`; `origin`: where the admin request came in (default public URL). */
  async createLink(input: { tenantId: string; provider: string; context?: Record<string, unknown>; displayName?: string | null }, actor: string, origin: string): Promise<ConnectLink> {
    const { def, app } = this.app(input.provider);
    const context = input.context ?? {};
    if (!context || typeof context !== 'object' || Array.isArray(context)) throw new StoreError('INVALID_INPUT', 'context must be an object.', { field: 'context' });
    const allowed = accountKeys(def.slug, this.config.providers)!.context;
    for (const k of Object.keys(context))
      if (!allowed.includes(k)) throw new StoreError('INVALID_INPUT', `Unknown context key "${k.slice(0, 60)}" for ${def.slug}; it accepts ${allowed.join(', ')}.`, { field: `context.${k.slice(0, 60)}` });
    if (!endpoint(def, app, context, 'authorize') || !endpoint(def, app, context, 'token'))
      throw new StoreError('INVALID_INPUT', `${def.slug}'s OAuth endpoints need more context: ${def.contextKeys.filter((k) => k.required).map((k) => `context.${k.key} (${k.description})`).join(', ') || 'context.baseUrl'}.`, { field: 'context' });
    const tenant = await this.store.getTenant(input.tenantId);
    if (!tenant) throw new StoreError('TENANT_NOT_FOUND', `No tenant "${input.tenantId.slice(0, 140)}" exists; create it first or check the id.`);
    const id = randomBytes(24).toString('base64url');
    const base = this.publicUrl(origin);
    const redirectUri = `${base}${CALLBACK_PATH}`;
    const expiresAt = await (await this.store.database).createOAuthState(
      id,
      { tenantId: input.tenantId, provider: def.slug, context, displayName: input.displayName ?? null, redirectUri, verifier: randomBytes(32).toString('base64url'), actor, tenantInConfig: tenant.source === 'config' },
      this.config.oauth.linkTtlSeconds,
    );
    return { url: `${base}${CONNECT_PATH}?state=${encodeURIComponent(this.sign(id))}`, redirectUri, expiresAt };
  }

  /** GET /oauth/connect: where the link sends the browser (the link itself stays usable until its callback). */
  async authorizeUrl(state: string | null): Promise<string> {
    const id = this.verify(state);
    const s = id && (await (await this.store.database).oauthState(id, false));
    if (!s) throw new FlowError('OAUTH_STATE_INVALID', 'This connect link is unknown, already used or expired; ask for a new one.');
    const { def, app } = this.app(s.provider);
    const o = def.oauth!;
    const u = new URL(endpoint(def, app, s.context, 'authorize')!);
    const params: Record<string, string> = {
      ...o.authorizeParams,
      response_type: 'code',
      client_id: app.clientId,
      redirect_uri: s.redirectUri,
      scope: (app.scopes ?? o.scopes).join(o.scopeSeparator),
      state: state!,
      ...(o.pkce ? { code_challenge: pkceChallenge(s.verifier), code_challenge_method: 'S256' } : {}),
    };
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    return u.toString();
  }

  /** GET /oauth/callback: the new account's id, or a FlowError. */
  async callback(q: URLSearchParams): Promise<{ accountId: string; provider: string }> {
    const id = this.verify(q.get('state'));
    const s = id && (await (await this.store.database).oauthState(id, true));
    if (!s) throw new FlowError('OAUTH_STATE_INVALID', 'This connect link is unknown, already used or expired; ask for a new one.');
    if (q.get('error') || !q.get('code'))
      throw new FlowError('OAUTH_ACCESS_DENIED', `${s.provider} did not grant access${q.get('error') ? ` (${q.get('error')!.slice(0, 60)})` : ''}; try the connect link again.`);
    const { def, app } = this.app(s.provider);
    let credentials;
    try {
      const fields: Record<string, string> = { grant_type: 'authorization_code', code: q.get('code')!, redirect_uri: s.redirectUri, ...(def.oauth!.pkce ? { code_verifier: s.verifier } : {}) };
      credentials = await tokenGrant(this.client, def, app, endpoint(def, app, s.context, 'token')!, fields);
    } catch (e) {
      if (e instanceof TokenRefused) throw new FlowError('OAUTH_EXCHANGE_FAILED', `${s.provider} refused the code (${e.message.slice(0, 200)}); check oauthApps.${s.provider} and its redirect URI ${s.redirectUri}.`);
      throw new FlowError('OAUTH_EXCHANGE_FAILED', `${s.provider}'s token endpoint failed: ${(e as Error).message.slice(0, 200)}`);
    }
    const context = def.oauth!.resources ? await this.site(def, app, s.context, String(credentials.accessToken)) : s.context;
    try {
      const a = await this.store.createAccount({ tenantId: s.tenantId, provider: s.provider, context, credentials, displayName: s.displayName }, `oauth:${s.actor}`);
      return { accountId: a.id, provider: s.provider };
    } catch (e) {
      throw new FlowError('OAUTH_ACCOUNT_INVALID', (e as Error).message.slice(0, 300));
    }
  }

  /** Atlassian: which site the grant reaches, and the API base URL for it. */
  private async site(def: ProviderDefinition, app: OAuthApp, ctx: ProviderContext, token: string): Promise<ProviderContext> {
    const r = def.oauth!.resources!;
    const u = new URL(app.resourcesUrl ?? r.url);
    let body: unknown;
    try {
      const res = await this.client.call({ provider: def.slug, origin: u.origin, request: { method: 'GET', path: u.pathname, query: [...u.searchParams.entries()] }, headers: { authorization: `Bearer ${token}` }, secrets: [token], errors: def.errors });
      body = res.body;
    } catch (e) {
      throw new FlowError('OAUTH_NO_SITE', `${def.slug} did not list the sites the grant reaches: ${e instanceof GatewayError ? e.message.slice(0, 200) : 'network failure'}`);
    }
    const records = r.records ? getPath(body, r.records) : body;
    const list = Array.isArray(records) ? records : [];
    const wanted = r.match && ctx[r.match.context];
    const pick = list.find((x) => !wanted || String(getPath(x, r.match!.path)).replace(/\/+$/, '') === String(wanted).replace(/\/+$/, ''));
    if (!pick) throw new FlowError('OAUTH_NO_SITE', wanted ? `The grant does not reach ${String(wanted).slice(0, 100)}; connect again and pick that site.` : `The grant reaches no ${def.displayName} site.`);
    const out: ProviderContext = { ...ctx };
    for (const [key, path] of Object.entries(r.context)) {
      const v = getPath(pick, path);
      if (typeof v === 'string') out[key] = v;
    }
    const rel = r.baseUrl?.(out);
    if (rel) out.baseUrl = u.origin + rel;
    return out;
  }

  /** Where the browser goes after the callback. */
  finish(result: { accountId: string; provider: string } | FlowError): { status: number; headers: Record<string, string>; body: string } {
    const { successUrl, errorUrl } = this.config.oauth;
    const to = result instanceof FlowError ? errorUrl ?? successUrl : successUrl;
    const params: Record<string, string> = result instanceof FlowError ? { error: result.code, message: result.message } : { integratedAccountId: result.accountId, provider: result.provider };
    if (to) {
      const u = new URL(to);
      for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
      return { status: 302, headers: { location: u.toString(), 'cache-control': 'no-store' }, body: '' };
    }
    // No URL configured (demo mode): a small JSON answer the operator can read in the browser.
    return { status: result instanceof FlowError ? 400 : 200, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, body: JSON.stringify(params) };
  }

  /** Serves /oauth/connect and /oauth/callback on the tenant endpoint (browsers reach it; no token is needed). */
  plugin(): Plugin {
    return {
      onRequest: async ({ url, request, endResponse, fetchAPI }) => {
        if (url.pathname !== CONNECT_PATH && url.pathname !== CALLBACK_PATH) return;
        if (request.method !== 'GET') return endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET' } }));
        let out;
        try {
          if (url.pathname === CONNECT_PATH) out = { status: 302, headers: { location: await this.authorizeUrl(url.searchParams.get('state')), 'cache-control': 'no-store' }, body: '' };
          else out = this.finish(await this.callback(url.searchParams));
        } catch (e) {
          out = this.finish(e instanceof FlowError ? e : new FlowError(e instanceof StoreError && e.code === 'OAUTH_APP_NOT_CONFIGURED' ? 'OAUTH_EXCHANGE_FAILED' : 'OAUTH_ACCOUNT_INVALID', e instanceof StoreError ? e.message : 'The connect flow failed; try again.'));
        }
        endResponse(new fetchAPI.Response(out.body || null, { status: out.status, headers: out.headers }));
      },
    };
  }
}
