// Auth0 sandbox: a simulated tenant speaking the documented wire format of the Management API's GET /api/v2/users —
// `page` (0-based) and `per_page` (default 50, at most 100), `include_totals` (`{ start, limit, length, total, users }`,
// else a bare array), `sort` (`field:1|-1`), `q` in the Lucene forms the gateway sends (`field:"phrase"`, ranges
// `{"a" TO *]`, `user_id:("a" OR "b")`, joined by AND; only with search_engine=v3), the 1000-record window (400 "You
// can only page through the first 1000 records"), GET /api/v2/users/{id} — and of POST /oauth/token (client-credentials
// grant, JSON or form body, the audience https://{domain}/api/v2/; tokens expire). x-ratelimit-* headers on every
// API response; errors `{ statusCode, error, message, errorCode }`, token errors `{ error, error_description }`.
import { people, startSandbox, type ProviderSandbox, type Sandbox, type SandboxReply, type SandboxRequest } from '../engine/sandbox-kit.js';
import type { Auth0User } from './map.js';

export const AUTH0_DOMAIN = 'acme-sandbox.us.auth0.com';
export const AUTH0_CLIENT_ID = 'sbxA0c1i3nt1dZ9qW2e4R6t8Y0u';
export const AUTH0_CLIENT_SECRET = 'sbx-auth0-secret_Kq3L9vX2mN7pR4tW8yB1cF6hJ0';
const WINDOW = 1000;
const CONNECTIONS = [
  { connection: 'Username-Password-Authentication', provider: 'auth0', isSocial: false },
  { connection: 'google-oauth2', provider: 'google-oauth2', isSocial: true },
  { connection: 'acme-okta', provider: 'okta', isSocial: false },
];

/**
 * Users in created_at order: every 6th (from 2) blocked, every 4th with Guardian MFA, every 5th (from 1) a social login
 * without username, every 8th with app_metadata roles (strings, or objects for every 16th), every 10th never logged in;
 * 9 was blocked once and unblocked (`blocked: false`).
 */
export function auth0Dataset(count = 257): Auth0User[] {
  return people(count, 0xa0a0, 'acme-auth0.test').map((p, i) => {
    const c = CONNECTIONS[i % 5 === 1 ? 1 : i % 7 === 3 ? 2 : 0]!;
    const local = p.email.split('@')[0]!;
    const id = c.provider === 'auth0' ? (0x65f0c2a1b2c3 + i * 7919).toString(16).padStart(24, '0') : String(100200300400 + i);
    const user: Auth0User = {
      user_id: `${c.provider}|${id}`,
      email: p.email,
      email_verified: i % 3 !== 1,
      ...(c.provider === 'auth0' ? { username: local.replace(/\./g, '_') } : {}),
      name: p.name ?? p.email,
      nickname: local,
      ...(p.firstName ? { given_name: p.firstName } : {}),
      ...(p.lastName ? { family_name: p.lastName } : {}),
      picture: `https://s.gravatar.com/avatar/sbx${i.toString(16)}?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2F${local.slice(0, 2)}.png`,
      identities: [{ ...c, user_id: id }],
      app_metadata: i % 16 === 0 ? { roles: [{ id: 'rol_admin', name: 'Admin' }] } : i % 8 === 0 ? { roles: ['viewer', 'billing'] } : {},
      user_metadata: i % 9 === 0 ? { preferred_language: 'fr' } : {},
      ...(i % 4 === 0 ? { multifactor: ['guardian'] } : {}),
      ...(i % 6 === 2 ? { blocked: true } : i === 9 ? { blocked: false } : {}),
      created_at: p.createdAt,
      updated_at: p.updatedAt,
      ...(i % 10 === 0 ? { logins_count: 0 } : { last_login: p.lastLoginAt ?? p.updatedAt, last_ip: `203.0.113.${i % 250}`, logins_count: 1 + (i % 40) }),
      ...(i % 11 === 4 ? { phone_number: `+1555010${String(i).padStart(4, '0')}`, phone_verified: true } : {}),
    };
    return user;
  });
}

const fail = (statusCode: number, error: string, message: string, errorCode?: string): SandboxReply => ({ status: statusCode, body: { statusCode, error, message, ...(errorCode ? { errorCode } : {}) } });
const badQuery = (why: string) => fail(400, 'Bad Request', `Query validation error: ${why}`, 'invalid_query_string');

/** One Lucene phrase at the start of `s`: its text and the rest. */
function phraseAt(s: string): [string, string] | null {
  if (s[0] !== '"') return null;
  let out = '';
  for (let i = 1; i < s.length; i++) {
    if (s[i] === '\\') { out += s[++i] ?? ''; continue; }
    if (s[i] === '"') return [out, s.slice(i + 1)];
    out += s[i];
  }
  return null;
}

/** Case-insensitive for Auth0's normalized fields, exact otherwise (user-search-query-syntax). */
const NORMALIZED = new Set(['email', 'name', 'given_name', 'family_name', 'nickname']);

/** A predicate for the q forms the gateway sends, or a reason the query is refused. */
function parseQ(q: string): ((u: Auth0User) => boolean) | string {
  const tests: ((u: Auth0User) => boolean)[] = [];
  let rest = q.trim();
  while (rest) {
    const m = /^([a-z_.]+):/.exec(rest);
    if (!m) return `cannot parse "${rest.slice(0, 20)}"`;
    const field = m[1]!;
    rest = rest.slice(m[0].length);
    const value = (u: Auth0User) => u[field];
    if (rest[0] === '"') {
      const p = phraseAt(rest);
      if (!p) return 'unterminated phrase';
      const [want, after] = p;
      tests.push(NORMALIZED.has(field) ? (u) => String(value(u) ?? '').toLowerCase() === want.toLowerCase() : (u) => value(u) === want);
      rest = after;
    } else if (rest[0] === '{' || rest[0] === '[') {
      const inclusive = rest[0] === '[';
      const p = phraseAt(rest.slice(1));
      if (!p) return 'a range needs a quoted start';
      const end = /^ TO \*[\]}]/.exec(p[1]);
      if (!end) return 'only open-ended ranges are simulated';
      const from = Date.parse(p[0]);
      tests.push((u) => { const t = Date.parse(String(value(u))); return inclusive ? t >= from : t > from; });
      rest = p[1].slice(end[0].length);
    } else if (rest[0] === '(') {
      const wanted: string[] = [];
      let inner = rest.slice(1);
      for (;;) {
        const p = phraseAt(inner);
        if (!p) return 'a group holds quoted phrases';
        wanted.push(p[0]);
        inner = p[1];
        if (inner.startsWith(' OR ')) { inner = inner.slice(4); continue; }
        if (inner[0] === ')') { rest = inner.slice(1); break; }
        return 'a group joins phrases with OR';
      }
      tests.push((u) => wanted.includes(String(value(u))));
    } else return `unquoted values are not simulated (${field})`;
    if (rest.startsWith(' AND ')) rest = rest.slice(5);
    else if (rest) return `expected AND, got "${rest.slice(0, 10)}"`;
  }
  return (u) => tests.every((t) => t(u));
}

export interface Auth0SandboxOptions { port?: number; users?: Auth0User[]; expiresIn?: number }

export function startAuth0Sandbox(opts: Auth0SandboxOptions = {}): Promise<Sandbox> {
  const users = opts.users ?? auth0Dataset();
  const issued = new Map<string, number>(); // token → expiry (ms)
  const valid = (req: SandboxRequest) => {
    const t = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const exp = t ? issued.get(t) : undefined;
    return exp !== undefined && exp > Date.now();
  };
  const token = (req: SandboxRequest): SandboxReply => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (b.grant_type !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'Unsupported grant type: ' + String(b.grant_type) } };
    if (b.client_id !== AUTH0_CLIENT_ID || b.client_secret !== AUTH0_CLIENT_SECRET) return { status: 401, body: { error: 'access_denied', error_description: 'Unauthorized' } };
    if (b.audience !== `https://${AUTH0_DOMAIN}/api/v2/`) return { status: 403, body: { error: 'access_denied', error_description: `Service not enabled within domain: ${String(b.audience)}` } };
    const expiresIn = opts.expiresIn ?? 86400;
    const t = `eyJhbGciOiJSUzI1NiJ9.sbx-auth0-${issued.size + 1}-${Math.random().toString(36).slice(2, 10)}`;
    issued.set(t, Date.now() + expiresIn * 1000);
    return { body: { access_token: t, scope: 'read:users read:roles', expires_in: expiresIn, token_type: 'Bearer' } };
  };
  const list = (req: SandboxRequest): SandboxReply => {
    const num = (name: string, def: number) => { const v = req.query.get(name); return v === null ? def : Number(v); };
    const paged = req.query.has('page');
    const page = num('page', 0);
    const perPage = num('per_page', 50);
    if (!Number.isInteger(page) || page < 0) return fail(400, 'Bad Request', 'Query validation error: \'Invalid value\' on property page.', 'invalid_query_string');
    if (!Number.isInteger(perPage) || perPage < 0 || perPage > 100) return fail(400, 'Bad Request', 'Query validation error: \'Expected a number between 0 and 100\' on property per_page.', 'invalid_query_string');
    let pool = users;
    const q = req.query.get('q');
    if (q !== null) {
      if (req.query.get('search_engine') !== 'v3') return fail(400, 'Bad Request', 'You must specify search_engine=v3 to search with q.', 'invalid_query_string');
      const test = parseQ(q);
      if (typeof test === 'string') return badQuery(test);
      pool = pool.filter(test);
    }
    const sort = req.query.get('sort');
    if (sort) {
      const m = /^([a-z_]+):(-?1)$/.exec(sort);
      if (!m) return fail(400, 'Bad Request', 'Query validation error: invalid sort.', 'invalid_query_string');
      const [, field, dir] = m;
      pool = [...pool].sort((a, b) => (String(a[field!] ?? '') < String(b[field!] ?? '') ? -1 : String(a[field!] ?? '') > String(b[field!] ?? '') ? 1 : 0) * Number(dir));
    }
    const size = paged ? perPage : Math.min(perPage, 50);
    const start = paged ? page * size : 0;
    if (start + size > WINDOW) return fail(400, 'Bad Request', 'You can only page through the first 1000 records. See https://auth0.com/docs/users/search/v3/view-search-results-by-page#limitation', 'invalid_paging');
    const slice = pool.slice(start, start + size);
    if (req.query.get('include_totals') !== 'true') return { body: slice };
    return { body: { start, limit: size, length: slice.length, total: pool.length, users: slice } };
  };
  const resetAt = String(Math.floor(Date.now() / 1000) + 60);
  return startSandbox(
    {
      name: 'auth0',
      authenticate: (req) => req.path === '/oauth/token' || valid(req),
      unauthorized: fail(401, 'Unauthorized', 'Invalid token', 'invalid_token'),
      notFound: fail(404, 'Not Found', 'Not Found'),
      commonHeaders: () => ({ 'x-ratelimit-limit': '50', 'x-ratelimit-remaining': '49', 'x-ratelimit-reset': resetAt }),
      routes: [
        { method: 'POST', path: /^\/oauth\/token$/, handle: token },
        { method: 'GET', path: /^\/api\/v2\/users$/, handle: list },
        {
          method: 'GET',
          path: /^\/api\/v2\/users\/([^/]+)$/,
          handle: (_req, [id]) => {
            const u = users.find((x) => x.user_id === id);
            return u ? { body: u } : fail(404, 'Not Found', 'The user does not exist.', 'inexistent_user');
          },
        },
      ],
    },
    opts.port,
  );
}

export const auth0Sandbox: ProviderSandbox = {
  slug: 'auth0',
  start: (port) => startAuth0Sandbox({ port }),
  demoAccount: (url) => ({ context: { domain: AUTH0_DOMAIN, baseUrl: url }, credentials: { clientId: AUTH0_CLIENT_ID, clientSecret: AUTH0_CLIENT_SECRET } }),
  expectedUsers: () => auth0Dataset(),
};
