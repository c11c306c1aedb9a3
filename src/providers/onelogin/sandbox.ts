// OneLogin sandbox: a simulated OneLogin account (https://<subdomain>.onelogin.com) speaking the documented wire
// format of POST /auth/oauth2/v2/token (client credentials: form body, JSON with the `client_id:…, client_secret:…`
// header, or HTTP Basic; `{access_token, created_at, expires_in, refresh_token, token_type, account_id}`), and of
// GET /api/2/users (Bearer token, `limit` default 50 and at most 100, `cursor` from the After-Cursor response
// header — base64 of `limit=…&page=…`, as the documented example — Total-Count/Total-Pages/Current-Page/
// Page-Items headers, `created_since`/`updated_since`, a bare JSON array) and GET /api/2/users/{id}.
// X-RateLimit-Limit/-Remaining/-Reset (seconds left in the hour) on every API response. The v2 error body is not
// documented: errors here are `{ statusCode, name, message }`; token errors follow RFC 6749 (`error`, `error_description`).
import { people, startSandbox, type ProviderSandbox, type Sandbox, type SandboxRequest } from '../engine/sandbox-kit.js';
import type { OneLoginUser } from './map.js';

export const ONELOGIN_CLIENT_ID = 'ol-sandbox-client-5d1e8a2f9c3b';
export const ONELOGIN_CLIENT_SECRET = 'ol-sandbox-secret-7f4c2e9a1b6d3e8f0a5c';
const STATUSES = [1, 1, 1, 0, 1, 2, 1, 3, 1, 7, 1, 4, 1, 5, 1, 8];

export function oneloginDataset(count = 258): OneLoginUser[] {
  return people(count, 0x0e109, 'acme.onelogin-sandbox.test').map((p, i) => {
    const user: OneLoginUser = {
      id: 48210000 + i * 7,
      username: i % 6 === 1 ? null : p.email.split('@')[0]!,
      email: p.email,
      firstname: p.firstName,
      lastname: p.lastName,
      title: i % 3 === 0 ? 'Engineer' : null,
      department: i % 5 === 0 ? 'Finance' : null,
      company: i % 2 === 0 ? 'Acme' : null,
      comment: null,
      group_id: i % 4 === 0 ? 112233 : null,
      role_ids: i % 10 === 0 ? [5544, 5545] : i % 3 === 0 ? [5544] : [],
      phone: i % 9 === 0 ? '+525512345678' : null,
      state: i % 19 === 3 ? 3 : 1,
      status: STATUSES[i % STATUSES.length]!,
      directory_id: null,
      trusted_idp_id: null,
      manager_ad_id: null,
      manager_user_id: null,
      samaccountname: i % 6 === 1 ? `ACME\\user${i}` : null,
      member_of: null,
      userprincipalname: null,
      distinguished_name: null,
      external_id: i % 8 === 0 ? `hr-${1000 + i}` : null,
      activated_at: STATUSES[i % STATUSES.length] === 0 ? null : p.createdAt,
      last_login: p.lastLoginAt,
      invitation_sent_at: null,
      updated_at: p.updatedAt,
      preferred_locale_code: i % 7 === 0 ? 'es' : null,
      created_at: p.createdAt,
      invalid_login_attempts: i % 11,
      locked_until: null,
      password_changed_at: p.createdAt,
      custom_attributes: i === 12 ? { costcenter: '42', badge: null } : {},
    };
    return user;
  });
}

const fail = (statusCode: number, name: string, message: string) => ({ status: statusCode, body: { statusCode, name, message } });
const encodeCursor = (limit: number, page: number) => Buffer.from(`limit=${limit}&page=${page}`).toString('base64');
function decodeCursor(c: string): { limit: number; page: number } | null {
  const m = /^limit=(\d+)&page=(\d+)$/.exec(Buffer.from(c, 'base64').toString('utf8'));
  return m ? { limit: Number(m[1]), page: Number(m[2]) } : null;
}

/** Client id and secret from the documented client-authentication forms. */
function clientOf(req: SandboxRequest): { id?: string; secret?: string } {
  const auth = String(req.headers.authorization ?? '');
  const legacy = /^client_id:\s*([^,]+),\s*client_secret:\s*(.+)$/.exec(auth);
  if (legacy) return { id: legacy[1]!.trim(), secret: legacy[2]!.trim() };
  if (/^basic /i.test(auth)) {
    const [id, secret] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
    return { id, secret };
  }
  return { id: req.body?.client_id, secret: req.body?.client_secret };
}

export interface OneLoginSandboxOptions { port?: number; users?: OneLoginUser[]; expiresIn?: number }

export function startOneLoginSandbox(opts: OneLoginSandboxOptions = {}): Promise<Sandbox> {
  const users = opts.users ?? oneloginDataset();
  const issued = new Map<string, number>(); // token → expiry (ms)
  const windowEnd = Date.now() + 3_600_000;
  const valid = (req: SandboxRequest) => {
    const m = /^bearer[: ]\s*(.+)$/i.exec(String(req.headers.authorization ?? ''));
    const exp = m ? issued.get(m[1]!.trim()) : undefined;
    return exp !== undefined && exp > Date.now();
  };
  const list = (req: SandboxRequest) => {
    const cursor = req.query.get('cursor');
    let limit = Math.min(Number(req.query.get('limit') ?? 50) || 50, 100);
    let page = Number(req.query.get('page') ?? 1) || 1;
    if (cursor) {
      const c = decodeCursor(cursor);
      if (!c) return fail(400, 'BadRequest', 'Invalid cursor');
      ({ limit, page } = c);
    }
    let pool = users;
    for (const [param, field] of [['created_since', 'created_at'], ['updated_since', 'updated_at']] as const) {
      const since = req.query.get(param);
      if (!since) continue;
      const t = Date.parse(since);
      if (Number.isNaN(t)) return fail(400, 'BadRequest', `${param} must be an ISO 8601 date`);
      pool = pool.filter((u) => Date.parse(String(u[field])) >= t);
    }
    const totalPages = Math.max(1, Math.ceil(pool.length / limit));
    const body = pool.slice((page - 1) * limit, page * limit);
    const headers: Record<string, string> = {
      'total-count': String(pool.length),
      'total-pages': String(totalPages),
      'current-page': String(page),
      'page-items': String(limit),
    };
    if (page > 1) headers['before-cursor'] = encodeCursor(limit, page - 1);
    if (page < totalPages) headers['after-cursor'] = encodeCursor(limit, page + 1);
    return { headers, body };
  };
  return startSandbox(
    {
      name: 'onelogin',
      authenticate: (req) => req.path === '/auth/oauth2/v2/token' || valid(req),
      unauthorized: fail(401, 'Unauthorized', 'Authentication Failure'),
      notFound: fail(404, 'NotFound', 'No Route Exists'),
      commonHeaders: () => ({ 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4988', 'x-ratelimit-reset': String(Math.max(0, Math.round((windowEnd - Date.now()) / 1000))) }),
      routes: [
        {
          method: 'POST',
          path: /^\/auth\/oauth2\/v2\/token$/,
          handle: (req) => {
            if (req.body?.grant_type !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials' } };
            const c = clientOf(req);
            if (c.id !== ONELOGIN_CLIENT_ID || c.secret !== ONELOGIN_CLIENT_SECRET) return { status: 401, body: { error: 'invalid_client', error_description: 'Invalid client credentials' } };
            const expiresIn = opts.expiresIn ?? 36000;
            const token = `olsbx${issued.size + 1}${Math.random().toString(36).slice(2, 10)}`;
            issued.set(token, Date.now() + expiresIn * 1000);
            return { body: { access_token: token, created_at: new Date().toISOString(), expires_in: expiresIn, refresh_token: `r${token}`, token_type: 'bearer', account_id: 555555 } };
          },
        },
        { method: 'GET', path: /^\/api\/2\/users$/, handle: list },
        {
          method: 'GET',
          path: /^\/api\/2\/users\/([^/]+)$/,
          handle: (_req, [id]) => {
            const u = users.find((x) => String(x.id) === id);
            return u ? { body: u } : fail(404, 'NotFound', 'User not found');
          },
        },
      ],
    },
    opts.port,
  );
}

export const oneloginSandbox: ProviderSandbox = {
  slug: 'onelogin',
  start: (port) => startOneLoginSandbox({ port }),
  demoAccount: (url) => ({ context: { baseUrl: url }, credentials: { clientId: ONELOGIN_CLIENT_ID, clientSecret: ONELOGIN_CLIENT_SECRET } }),
  expectedUsers: () => oneloginDataset(),
};
