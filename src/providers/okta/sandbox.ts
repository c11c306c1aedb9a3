// Okta sandbox: a simulated Okta org speaking the documented wire format of /api/v1/users —
// SSWS auth, Link-header paging with an opaque `after`, `search` expressions (eq/sw/co/gt/lt/ge/le,
// and/or, parentheses), DEPROVISIONED users only visible through search, X-Rate-Limit-* headers and
// Okta's error envelope.
import { people, startSandbox, intParam, type ProviderSandbox, type Sandbox, type SandboxRequest } from '../engine/sandbox-kit.js';
import type { OktaUser } from './adapter.js';

export const OKTA_SANDBOX_TOKEN = '00sandbox-okta-ssws-token-5f2c9a';
const STATUSES = ['ACTIVE', 'ACTIVE', 'ACTIVE', 'STAGED', 'PROVISIONED', 'ACTIVE', 'SUSPENDED', 'LOCKED_OUT', 'PASSWORD_EXPIRED', 'RECOVERY', 'ACTIVE', 'DEPROVISIONED'];

export function oktaDataset(count = 260): OktaUser[] {
  return people(count, 0x0c7a, 'acme.okta-sandbox.test').map((p, i) => {
    const user: OktaUser = {
      id: `00u${(100000 + i).toString(36)}${'ABCDEFGH'[i % 8]}sbx`,
      status: STATUSES[i % STATUSES.length]!,
      created: p.createdAt,
      activated: i % 12 === 3 ? null : p.createdAt,
      statusChanged: p.updatedAt,
      lastLogin: p.lastLoginAt,
      lastUpdated: p.updatedAt,
      passwordChanged: p.createdAt,
      type: { id: 'oty1sandbox' },
      profile: {
        firstName: p.firstName,
        lastName: p.lastName,
        ...(i === 6 ? { displayName: 'Ms. Display Name' } : {}),
        email: p.email,
        login: p.email,
        secondEmail: p.secondEmail,
        title: i % 3 === 0 ? 'Engineer' : null,
        timezone: i % 4 === 0 ? 'Europe/Paris' : null,
        preferredLanguage: i % 6 === 0 ? 'fr' : null,
        locale: 'en_US',
        mobilePhone: i % 9 === 0 ? '+1 555 0100' : null,
        primaryPhone: i % 10 === 0 ? '+1 555 0199' : null,
        organization: i % 2 === 0 ? 'Acme' : null,
        employeeNumber: String(5000 + i),
      },
      _links: { self: { href: `/api/v1/users/${i}` } },
    };
    if (i === 8) Object.assign(user, { realmId: 'guo1sandbox', transitioningToStatus: null, unexpectedField: { nested: [1, 2, 3] } });
    return user;
  });
}

export const OKTA_GROUPS: Record<string, (u: OktaUser, i: number) => boolean> = {
  '00gengineering': (_u, i) => i % 3 === 0,
  '00gempty': () => false,
};
/** The groups of the org as GET /api/v1/groups lists them (the Everyone group first, as in every org). */
export const OKTA_GROUP_RECORDS = [
  { id: '00geveryone', name: 'Everyone', type: 'BUILT_IN', member: () => true },
  { id: '00gengineering', name: 'Engineering', type: 'OKTA_GROUP', member: OKTA_GROUPS['00gengineering']! },
  { id: '00gempty', name: 'Empty group', type: 'OKTA_GROUP', member: OKTA_GROUPS['00gempty']! },
].map(({ member, ...g }) => ({
  record: {
    id: g.id, created: '2023-01-01T00:00:00.000Z', lastUpdated: '2023-01-01T00:00:00.000Z', lastMembershipUpdated: '2023-06-01T00:00:00.000Z',
    objectClass: ['okta:user_group'], type: g.type, profile: { name: g.name, description: g.type === 'BUILT_IN' ? 'All users in your organization' : null },
    _links: { users: { href: `/api/v1/groups/${g.id}/users` } },
  },
  member,
}));
OKTA_GROUPS['00geveryone'] = () => true;

// --- a small evaluator for Okta search expressions -------------------------------------------
type Tok = { t: 'word' | 'str' | 'lp' | 'rp'; v: string };
function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(?:(\()|(\))|"((?:[^"\\]|\\.)*)"|([^\s()"]+))/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) && m[0].length) {
    if (m[1]) out.push({ t: 'lp', v: '(' });
    else if (m[2]) out.push({ t: 'rp', v: ')' });
    else if (m[3] !== undefined) out.push({ t: 'str', v: m[3].replace(/\\(.)/g, '$1') });
    else out.push({ t: 'word', v: m[4]! });
  }
  return out;
}
function field(u: OktaUser, path: string): unknown {
  return path.split('.').reduce<any>((o, k) => (o == null ? undefined : o[k]), u);
}
export function compileSearch(expr: string): (u: OktaUser) => boolean {
  const toks = tokenize(expr);
  let i = 0;
  const fail = () => { throw new Error('bad search'); };
  const primary = (): ((u: OktaUser) => boolean) => {
    const tok = toks[i++] ?? fail();
    if (tok.t === 'lp') { const e = or(); if (toks[i++]?.t !== 'rp') fail(); return e; }
    const op = toks[i++]?.v.toLowerCase();
    const val = toks[i++] ?? fail();
    if (tok.t !== 'word' || val.t !== 'str') fail();
    const want = val.v.toLowerCase();
    return (u) => {
      const got = field(u, tok.v);
      if (got == null) return false;
      const g = String(got).toLowerCase();
      switch (op) {
        case 'eq': return g === want;
        case 'sw': return g.startsWith(want);
        case 'co': return g.includes(want);
        case 'gt': return g > want;
        case 'ge': return g >= want;
        case 'lt': return g < want;
        case 'le': return g <= want;
        default: return fail();
      }
    };
  };
  const and = () => { let l = primary(); while (toks[i]?.v.toLowerCase() === 'and') { i++; const a = l, b = primary(); l = (u) => a(u) && b(u); } return l; };
  const or = () => { let l = and(); while (toks[i]?.v.toLowerCase() === 'or') { i++; const a = l, b = and(); l = (u) => a(u) || b(u); } return l; };
  const e = or();
  if (i !== toks.length) fail();
  return e;
}

const error = (status: number, code: string, summary: string) => ({
  status,
  body: { errorCode: code, errorSummary: summary, errorLink: code, errorId: `oae${code}sandbox`, errorCauses: [] },
});

/** An org-wide limit enforced as Okta does: fixed windows, 429 E0000047 past `limit`, X-Rate-Limit-* on every answer. */
/** An enforced limit in fixed windows; or, with `enforce: false`, only a constant report (599 left of 600, reset at `resetAt` epoch seconds) that never counts down. */
export type OktaRateLimit = { limit: number; windowSeconds: number; onLimited?: () => void } | { enforce: false; resetAt: number };

function oktaWindow(given: OktaRateLimit | undefined) {
  const constant = given && 'enforce' in given ? given : undefined;
  const rl = given && !('enforce' in given) ? given : undefined;
  let windowStart = 0;
  let used = 0;
  const roll = () => {
    const now = Date.now();
    if (now - windowStart >= rl!.windowSeconds * 1000) {
      windowStart = now - (now % (rl!.windowSeconds * 1000));
      used = 0;
    }
  };
  const headers = () => {
    if (!rl) return { 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '599', 'x-rate-limit-reset': String(constant?.resetAt ?? Math.ceil(Date.now() / 1000) + 60) };
    roll();
    return { 'x-rate-limit-limit': String(rl.limit), 'x-rate-limit-remaining': String(Math.max(0, rl.limit - used)), 'x-rate-limit-reset': String(Math.ceil((windowStart + rl.windowSeconds * 1000) / 1000)) };
  };
  const before = rl
    ? () => {
        roll();
        if (used < rl.limit) {
          used++;
          return undefined;
        }
        rl.onLimited?.();
        return error(429, 'E0000047', 'API call exceeded rate limit due to too many requests.');
      }
    : undefined;
  return { headers, before };
}

export function startOktaSandbox(opts: { token?: string; users?: OktaUser[]; port?: number; rateLimit?: OktaRateLimit } = {}): Promise<Sandbox> {
  const token = opts.token ?? OKTA_SANDBOX_TOKEN;
  const users = opts.users ?? oktaDataset();
  const window = oktaWindow(opts.rateLimit);
  /** Groups, paged like users: `limit`, an opaque `after` (the last id), `Link: rel="next"`. */
  const groupsPage = (req: SandboxRequest, pool: { id: string }[], path: string) => {
    const limit = intParam(req.query, 'limit', 10000, 10000);
    const after = req.query.get('after');
    const start = after ? pool.findIndex((g) => g.id === after) + 1 : 0;
    if (after && start === 0) return error(400, 'E0000001', 'Api validation failed: after');
    const page = pool.slice(start, start + limit);
    const links = [`<${new URL(path, req.origin)}>; rel="self"`];
    if (start + limit < pool.length) links.push(`<${req.origin}${path}?after=${page.at(-1)!.id}&limit=${limit}>; rel="next"`);
    return { body: page, headers: { link: links.join(', ') } };
  };
  const list = (req: SandboxRequest, base: OktaUser[], path: string) => {
    const limit = intParam(req.query, 'limit', 200, 200);
    let pool = base;
    const search = req.query.get('search');
    if (search) {
      try {
        const test = compileSearch(search);
        pool = pool.filter(test);
      } catch {
        return error(400, 'E0000031', 'Invalid search criteria.');
      }
    } else {
      pool = pool.filter((u) => u.status !== 'DEPROVISIONED'); // the plain list omits them, as documented
    }
    const after = req.query.get('after');
    let start = 0;
    if (after) {
      const at = pool.findIndex((u) => u.id === after);
      if (at < 0) return error(400, 'E0000001', 'Api validation failed: after');
      start = at + 1;
    }
    const page = pool.slice(start, start + limit);
    const self = new URL(path, req.origin);
    req.query.forEach((v, k) => self.searchParams.set(k, v));
    const links = [`<${self}>; rel="self"`];
    if (start + limit < pool.length && page.length) {
      const next = new URL(self);
      next.searchParams.set('after', page.at(-1)!.id);
      next.searchParams.set('limit', String(limit));
      links.push(`<${next}>; rel="next"`);
    }
    return { body: page, headers: { link: links.join(', ') } };
  };
  return startSandbox(
    {
      name: 'okta',
      authenticate: (req) => req.headers.authorization === `SSWS ${token}`,
      unauthorized: error(401, 'E0000011', 'Invalid token provided'),
      notFound: error(404, 'E0000007', 'Not found: Resource not found'),
      commonHeaders: window.headers,
      before: window.before,
      routes: [
        { method: 'GET', path: /^\/api\/v1\/users$/, handle: (req) => list(req, users, '/api/v1/users') },
        {
          method: 'GET',
          path: /^\/api\/v1\/users\/([^/]+)$/,
          handle: (_req, [id]) => {
            const u = users.find((x) => x.id === id || x.profile?.login === id);
            return u ? { body: u } : error(404, 'E0000007', `Not found: Resource not found: ${id} (User)`);
          },
        },
        { method: 'GET', path: /^\/api\/v1\/groups$/, handle: (req) => groupsPage(req, OKTA_GROUP_RECORDS.map((g) => g.record), '/api/v1/groups') },
        {
          method: 'GET',
          path: /^\/api\/v1\/users\/([^/]+)\/groups$/,
          handle: (req, [id]) => {
            const i = users.findIndex((x) => x.id === id || x.profile?.login === id);
            if (i < 0) return error(404, 'E0000007', `Not found: Resource not found: ${id} (User)`);
            return groupsPage(req, OKTA_GROUP_RECORDS.filter((g) => g.member(users[i]!, i)).map((g) => g.record), `/api/v1/users/${id}/groups`);
          },
        },
        {
          method: 'GET',
          path: /^\/api\/v1\/groups\/([^/]+)\/users$/,
          handle: (req, [id]) => {
            const member = OKTA_GROUPS[id!];
            if (!member) return error(404, 'E0000007', `Not found: Resource not found: ${id} (UserGroup)`);
            return list(req, users.filter((u, i) => member(u, i) && u.status !== 'DEPROVISIONED'), `/api/v1/groups/${id}/users`);
          },
        },
      ],
    },
    opts.port,
  );
}

export const oktaSandbox: ProviderSandbox = {
  slug: 'okta',
  start: (port) => startOktaSandbox({ port }),
  demoAccount: (url) => ({ context: { baseUrl: url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN } }),
  expectedUsers: () => oktaDataset().filter((u) => u.status !== 'DEPROVISIONED'), // the plain list omits them
};
