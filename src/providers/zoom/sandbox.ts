// Zoom sandbox: a simulated Zoom account speaking the documented wire format of Server-to-Server OAuth
// (POST /oauth/token, grant_type=account_credentials and account_id in the query or the form, the client id
// and secret as HTTP Basic; `{ access_token, token_type, expires_in, scope }`; refusals as `{ reason, error }`)
// and of GET /v2/users (Bearer token; one `status` per call, default active; `page_size` default 30, at most
// 300; an opaque `next_page_token` bound to the status, '' on the last page; `role_id`; `{ code, message }` errors).
import { createHash } from 'node:crypto';
import { oauthSim } from '../engine/oauth-sandbox.js';
import { intParam, people, startSandbox, type ProviderSandbox, type Sandbox, type SandboxReply, type SandboxRequest } from '../engine/sandbox-kit.js';
import type { ZoomUser } from './map.js';

export const ZOOM_ACCOUNT_ID = 'sbxAcct_Q5yrDoIvmdClYw';
export const ZOOM_CLIENT_ID = 'sbxZoomClient9f3kQ2';
export const ZOOM_CLIENT_SECRET = 'sbxZoomSecret_7Hn2pLx0vR4tWq8sY1';
export const ZOOM_STATIC_TOKEN = 'sbx.zoom.static-access-token.3c9d';
const PASSES = ['active', 'inactive', 'pending'] as const;
const noMs = (iso: string) => iso.replace(/\.\d{3}Z$/, 'Z');

export function zoomDataset(count = 262): ZoomUser[] {
  return people(count, 0x2004, 'acme.zoom-sandbox.test').map((p, i) => {
    const status = i % 11 === 4 ? 'inactive' : i % 17 === 7 ? 'pending' : 'active';
    const u: ZoomUser = {
      id: `z${(1_000_003 * (i + 11)).toString(36)}Sb${'QRSTUVWXYZ'[i % 10]}`,
      first_name: p.firstName ?? '',
      last_name: p.lastName ?? '',
      display_name: p.name ?? '',
      email: p.email,
      type: i % 23 === 3 ? 4 : i % 37 === 2 ? 99 : i % 5 === 0 ? 1 : 2,
      pmi: 5_550_000_000 + i,
      timezone: i % 4 === 0 ? 'Europe/Paris' : 'America/New_York',
      verified: i % 6 === 5 ? 0 : 1,
      dept: i % 3 === 0 ? 'Engineering' : i % 3 === 1 ? 'Sales' : '',
      created_at: noMs(p.createdAt),
      user_created_at: noMs(p.createdAt),
      ...(status !== 'pending' && p.lastLoginAt ? { last_login_time: noMs(p.lastLoginAt), last_client_version: '6.0.2.33403(mac)' } : {}),
      ...(i % 4 === 1 ? { pic_url: `https://us05web.zoom.test/p/sbx${i}` } : {}),
      language: i % 6 === 0 ? 'fr-FR' : 'en-US',
      ...(i % 9 === 0 ? { phone_number: '+1 5550100' } : {}),
      ...(i % 6 === 0 ? { employee_unique_id: `E${5000 + i}` } : {}),
      status,
      role_id: i === 1 ? '0' : i % 15 === 2 ? '1' : i % 29 === 5 ? 'rCustomAuditor' : '2',
      group_ids: i % 4 === 0 ? ['grpEngineering01'] : [],
    };
    if (i === 8) u.unexpected_field = { nested: [1, 2, 3] };
    return u;
  });
}

/** The users a walk of every pass yields: active, then inactive, then pending, each in account order. */
export const zoomListed = (users = zoomDataset()) => PASSES.flatMap((s) => users.filter((u) => u.status === s));

const zError = (status: number, code: number, message: string): SandboxReply => ({ status, body: { code, message } });

/** The OAuth app the sandbox's user-authorization flow knows (sandbox values, no real app). */
export const ZOOM_OAUTH_CLIENT = { clientId: 'sbxZoomOAuthApp4Kq1', clientSecret: 'sbx-zoom-oauth-secret-8Jw3' };

export function startZoomSandbox(opts: { users?: ZoomUser[]; port?: number } = {}): Promise<Sandbox> {
  const users = opts.users ?? zoomDataset();
  const issued = new Set<string>([ZOOM_STATIC_TOKEN]);

  function token(req: SandboxRequest): SandboxReply {
    const field = (k: string) => req.query.get(k) ?? (req.body?.[k] as string | undefined);
    if (field('grant_type') !== 'account_credentials') return { status: 400, body: { reason: 'Unsupported grant type', error: 'unsupported_grant_type' } };
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [id, secret] = basic ? Buffer.from(basic, 'base64').toString().split(':').map((s) => decodeURIComponent(s)) : [];
    if (id !== ZOOM_CLIENT_ID || secret !== ZOOM_CLIENT_SECRET) return { status: 401, body: { reason: 'Invalid client_id or client_secret', error: 'invalid_client' } };
    if (field('account_id') !== ZOOM_ACCOUNT_ID) return { status: 400, body: { reason: 'Invalid request : Account does not exist or is not activated.', error: 'invalid_request' } };
    const t = `eyJzbSBzYng.${createHash('sha256').update(String(issued.size)).digest('base64url').slice(0, 32)}`;
    issued.add(t);
    return { body: { access_token: t, token_type: 'bearer', expires_in: 3599, scope: 'user:read:admin', api_url: req.origin } };
  }

  function list(req: SandboxRequest): SandboxReply {
    const status = req.query.get('status') ?? 'active';
    if (!(PASSES as readonly string[]).includes(status)) return zError(400, 300, `Invalid field: status ${status}`);
    const size = intParam(req.query, 'page_size', 30, 300);
    const roleId = req.query.get('role_id');
    const pool = users.filter((u) => u.status === status && (!roleId || u.role_id === roleId));
    const fingerprint = createHash('sha256').update(`${status}|${roleId}`).digest('hex').slice(0, 8);
    let start = 0;
    const tok = req.query.get('next_page_token');
    if (tok) {
      const m = /^([0-9a-f]{8})([0-9]+)$/.exec(tok);
      if (!m || m[1] !== fingerprint) return zError(400, 300, 'The next page token is invalid or expired.');
      start = Number(m[2]);
    }
    const page = pool.slice(start, start + size);
    const more = start + size < pool.length;
    return {
      body: {
        page_count: Math.ceil(pool.length / size),
        page_number: Math.floor(start / size) + 1,
        page_size: size,
        total_records: pool.length,
        next_page_token: more ? `${fingerprint}${start + size}` : '',
        users: page,
      },
    };
  }

  // The user-authorization flow on zoom.us (/oauth/authorize, /oauth/token for authorization_code and refresh_token;
  // account_credentials stays with the route below), served on the same origin.
  const oauth = oauthSim({ ...ZOOM_OAUTH_CLIENT, authorizePath: /^\/oauth\/authorize$/, tokenPath: /^\/oauth\/token$/, prefix: 'zoom' });
  return startSandbox(
    {
      name: 'zoom',
      oauth,
      routes: [
        { method: 'POST', path: /^\/oauth\/token$/, handle: token },
        { method: 'GET', path: /^\/v2\/users$/, handle: list },
        { method: 'GET', path: /^\/v2\/users\/([^/]+)$/, handle: (_req, [id]) => { const u = users.find((x) => x.id === id || x.email === id); return u ? { body: u } : zError(404, 1001, `User does not exist: ${id}.`); } },
      ],
      authenticate: (req) => req.path === '/oauth/token' || issued.has(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? ''),
      unauthorized: zError(401, 124, 'Invalid access token.'),
      notFound: zError(404, 404, 'Not Found'),
    },
    opts.port,
  );
}

export const zoomSandbox: ProviderSandbox = {
  slug: 'zoom',
  start: (port) => startZoomSandbox({ port }),
  demoAccount: (url) => ({
    context: { baseUrl: url, tokenUrl: `${url}/oauth/token` },
    credentials: { accountId: ZOOM_ACCOUNT_ID, clientId: ZOOM_CLIENT_ID, clientSecret: ZOOM_CLIENT_SECRET },
  }),
  expectedUsers: () => zoomListed(),
  demoOAuthApp: (url) => ({ ...ZOOM_OAUTH_CLIENT, authorizeUrl: `${url}/oauth/authorize`, tokenUrl: `${url}/oauth/token`, context: { baseUrl: url } }),
};
