// A simulated OAuth 2.0 authorization server for provider sandboxes (RFC 6749 §4.1 authorization code, §6 refresh,
// RFC 7636 PKCE S256): the authorize step approves at once (demo and tests have no person to click), the token
// endpoint issues expiring access tokens and rotating refresh tokens, and answers invalid_grant for a code or refresh
// token that was used, revoked or never issued. Each provider's sandbox mounts it at its documented paths.
import { createHash, randomBytes } from 'node:crypto';

// The shapes of sandbox-kit's request, reply and route (declared here so the kit can import this file).
interface SandboxRequest { query: URLSearchParams; headers: Record<string, string | string[] | undefined>; body: any }
interface SandboxReply { status?: number; headers?: Record<string, string>; body?: unknown }
interface Route { method: 'GET' | 'POST'; path: RegExp; handle: (req: SandboxRequest) => SandboxReply | undefined }

export interface OAuthSimOptions {
  clientId: string;
  clientSecret: string;
  authorizePath: RegExp;
  tokenPath: RegExp;
  /** Prefix of issued tokens (readable in a sandbox's logs). */
  prefix: string;
  /** Seconds an access token lives; null: it never expires and no refresh token is issued (a GitHub OAuth app). */
  accessLifetimeSeconds?: number | null;
  /** `rfc`: 400 + { error } (RFC 6749 §5.2); `github`: HTTP 200 + { error, error_description }, as GitHub answers;
   *  `slack`: HTTP 200 + { ok: false, error }, and `ok: true` on success (oauth.v2.access). */
  errorStyle?: 'rfc' | 'github' | 'slack';
}

export interface OAuthSim {
  /** Authorize (GET) and token (POST) routes; mount them before the API's. */
  routes: Route[];
  /** Paths that need no API credentials. */
  owns(path: string): boolean;
  /** Whether a bearer token is an issued, unexpired, unrevoked access token. */
  accepts(token: string | undefined): boolean;
  /** The access token lifetime of tokens issued from now on. */
  setAccessLifetime(seconds: number | null): void;
  /** The user revoked the app: every refresh token (and access token) stops working. */
  revokeRefreshTokens(): void;
  /** Access tokens stop working early (the provider's own revocation); refresh tokens still do. */
  revokeAccessTokens(): void;
  /** Token requests served, by grant type. */
  grants: { authorization_code: number; refresh_token: number };
}

const b64url = (b: Buffer) => b.toString('base64url');

export function oauthSim(o: OAuthSimOptions): OAuthSim {
  let lifetime = o.accessLifetimeSeconds === undefined ? 3600 : o.accessLifetimeSeconds;
  const codes = new Map<string, { redirectUri: string; challenge?: string; scope: string }>();
  const access = new Map<string, number>(); // token → expires at (ms), Infinity when it never expires
  const refresh = new Set<string>();
  const grants = { authorization_code: 0, refresh_token: 0 };
  const refuse = (error: string, description: string): SandboxReply =>
    o.errorStyle === 'slack' ? { status: 200, body: { ok: false, error } }
    : o.errorStyle === 'github' ? { status: 200, body: { error, error_description: description } } : { status: error === 'invalid_client' ? 401 : 400, body: { error, error_description: description } };

  const issue = (scope: string): SandboxReply => {
    const at = `${o.prefix}-at-${b64url(randomBytes(12))}`;
    access.set(at, lifetime === null ? Infinity : Date.now() + lifetime * 1000);
    if (lifetime === null) return { body: { access_token: at, token_type: 'bearer', scope } };
    const rt = `${o.prefix}-rt-${b64url(randomBytes(12))}`;
    refresh.add(rt);
    const body = { access_token: at, token_type: 'Bearer', expires_in: lifetime, refresh_token: rt, scope };
    return { body: o.errorStyle === 'slack' ? { ok: true, ...body, token_type: 'bot' } : body };
  };

  const authorize = (req: SandboxRequest): SandboxReply => {
    const q = req.query;
    const redirectUri = q.get('redirect_uri');
    if (q.get('client_id') !== o.clientId || !redirectUri) return { status: 400, body: { error: 'invalid_request', error_description: 'unknown client_id or no redirect_uri' } };
    const back = new URL(redirectUri);
    if (q.get('state')) back.searchParams.set('state', q.get('state')!);
    if (q.get('response_type') !== 'code') back.searchParams.set('error', 'unsupported_response_type');
    else if (q.get('code_challenge') && q.get('code_challenge_method') !== 'S256') back.searchParams.set('error', 'invalid_request');
    else {
      const code = `${o.prefix}-code-${b64url(randomBytes(9))}`;
      codes.set(code, { redirectUri, challenge: q.get('code_challenge') ?? undefined, scope: q.get('scope') ?? '' });
      back.searchParams.set('code', code);
    }
    return { status: 302, headers: { location: back.toString() } };
  };

  const token = (req: SandboxRequest): SandboxReply | undefined => {
    const f = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, string>;
    if (f.grant_type !== 'authorization_code' && f.grant_type !== 'refresh_token') return undefined;
    let id = f.client_id;
    let secret = f.client_secret;
    const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if (basic) [id, secret] = Buffer.from(basic, 'base64').toString().split(':').map(decodeURIComponent) as [string, string];
    if (id !== o.clientId || secret !== o.clientSecret) return refuse('invalid_client', 'Client authentication failed.');
    if (f.grant_type === 'authorization_code') {
      grants.authorization_code++;
      const c = f.code ? codes.get(f.code) : undefined;
      if (!c) return refuse(o.errorStyle === 'github' ? 'bad_verification_code' : 'invalid_grant', 'The code passed is incorrect or expired.');
      codes.delete(f.code!); // single use
      if (f.redirect_uri !== c.redirectUri) return refuse('invalid_grant', 'redirect_uri does not match the authorization request.');
      if (c.challenge && b64url(createHash('sha256').update(f.code_verifier ?? '').digest()) !== c.challenge) return refuse('invalid_grant', 'PKCE verification failed.');
      return issue(c.scope);
    }
    if (f.grant_type === 'refresh_token') {
      grants.refresh_token++;
      if (!f.refresh_token || !refresh.delete(f.refresh_token)) return refuse(o.errorStyle === 'github' ? 'bad_refresh_token' : 'invalid_grant', 'The refresh token is invalid, expired or revoked.');
      return issue(f.scope ?? '');
    }
    return undefined; // another grant (client credentials): the sandbox's own route answers it
  };

  return {
    routes: [
      { method: 'GET', path: o.authorizePath, handle: authorize },
      { method: 'POST', path: o.tokenPath, handle: token },
    ],
    owns: (path) => o.authorizePath.test(path) || o.tokenPath.test(path),
    accepts: (t) => t !== undefined && (access.get(t) ?? 0) > Date.now(),
    setAccessLifetime: (s) => void (lifetime = s),
    revokeRefreshTokens: () => {
      refresh.clear();
      access.clear();
    },
    revokeAccessTokens: () => access.clear(),
    grants,
  };
}
