// Zendesk Support sandbox: a simulated `{subdomain}.zendesk.com` speaking the documented wire format of
// List Users — Basic `{email}/token:{token}` or Bearer auth, cursor paging (`page[size]` ≤ 100, opaque
// `page[after]`/`page[before]`, `meta.has_more`/`after_cursor`/`before_cursor`, `links.next`/`prev`), offset
// paging when `page[size]` is absent (`page`, `per_page`, `next_page`, `count`), `role`/`role[]`, `permission_set`, `sort`,
// the group and organization variants, List Groups, List Organizations, Show Many Organizations, Show User, Show Many Users, rate-limit headers and Zendesk's
// `{ error, description }` envelope.
import { oauthSim } from '../engine/oauth-sandbox.js';
import { people, startSandbox, intParam, type ProviderSandbox, type Sandbox, type SandboxRequest } from '../engine/sandbox-kit.js';
import type { ZendeskUser } from './adapter.js';

export const ZENDESK_SANDBOX_EMAIL = 'api-owner@sandbox-admin.invalid';
export const ZENDESK_SANDBOX_API_TOKEN = 'zd-sandbox-api-token-6QmX2v9R';
export const ZENDESK_SANDBOX_OAUTH_TOKEN = 'zd-sandbox-oauth-token-c41f7e0b';

/** The OAuth client registered in the sandbox (Admin Center > Apps and integrations > APIs > OAuth clients). */
export const ZENDESK_OAUTH_CLIENT = { clientId: 'rollcall_sandbox', clientSecret: 'zd-sandbox-oauth-client-secret-93kQ' };

export const ZENDESK_GROUPS = [360000000101, 360000000102, 360000000103];
export const ZENDESK_ORGANIZATIONS = [360000000201, 360000000202, 360000000203];
const BASE_ID = 381045990000;
const zdTime = (iso: string | null) => (iso ? iso.replace(/\.\d{3}Z$/, 'Z') : null);

export function zendeskDataset(count = 260): ZendeskUser[] {
  return people(count, 0x2e4d, 'acme.zendesk-sandbox.test').map((p, i) => {
    const role = i % 13 === 2 ? 'admin' : i % 5 === 1 ? 'agent' : 'end-user';
    const staff = role !== 'end-user';
    const u: ZendeskUser = {
      id: BASE_ID + i * 17,
      url: `https://acme.zendesk.com/api/v2/users/${BASE_ID + i * 17}.json`,
      name: i === 0 ? '' : p.name, // Zendesk requires a name; '' is the edge case
      email: i === 7 ? null : p.email, // an end-user known only by phone
      created_at: zdTime(p.createdAt),
      updated_at: zdTime(p.updatedAt),
      time_zone: i % 4 === 0 ? 'Paris' : 'Eastern Time (US & Canada)',
      iana_time_zone: i % 4 === 0 ? 'Europe/Paris' : 'America/New_York',
      phone: i === 7 || i % 9 === 0 ? '+15550100' : null,
      shared_phone_number: null,
      photo: i % 4 === 0 ? { id: 928000 + i, name: 'avatar.png', content_url: `https://acme.zendesk.com/system/photos/${928000 + i}/avatar.png`, content_type: 'image/png', size: 1024, thumbnails: [] } : null,
      remote_photo_url: i % 4 === 2 ? `https://avatars.example.test/${i}.png` : null,
      locale_id: 1,
      locale: i % 6 === 0 ? 'fr' : 'en-US',
      organization_id: i % 3 === 2 ? null : ZENDESK_ORGANIZATIONS[i % 3]!,
      role,
      role_type: role === 'admin' ? 4 : role === 'agent' ? (i % 10 === 6 ? 1 : 0) : null,
      custom_role_id: role === 'agent' && i % 10 === 1 ? 360001122334 : null,
      default_group_id: staff ? ZENDESK_GROUPS[i % 3]! : null,
      verified: i % 8 !== 3,
      external_id: i % 5 === 0 ? `crm-${i}` : null,
      tags: i % 7 === 0 ? ['vip'] : [],
      alias: null,
      active: i % 17 !== 9, // false = deleted
      shared: false,
      shared_agent: false,
      last_login_at: zdTime(p.lastLoginAt),
      two_factor_auth_enabled: staff ? i % 2 === 0 : null,
      signature: null,
      details: '',
      notes: '',
      moderator: role === 'admin',
      ticket_restriction: staff ? null : 'requested',
      only_private_comments: false,
      restricted_agent: role === 'agent',
      suspended: i % 11 === 6,
      report_csv: role === 'admin',
      user_fields: {},
    };
    if (i === 8) Object.assign(u, { unexpected_field: { nested: [1, 2, 3] }, chat_only: false, beta_flag: 'x' });
    return u;
  });
}

const stamp = '2023-01-02T09:00:00Z';
/** The groups (GET /api/v2/groups) and organizations (GET /api/v2/organizations) as Zendesk lists them. */
export const ZENDESK_GROUP_RECORDS = ZENDESK_GROUPS.map((id, i) => ({
  id, url: `https://acme.zendesk.com/api/v2/groups/${id}.json`, name: ['Tier 1', 'Tier 2', 'Escalations'][i]!, description: '', default: i === 0, deleted: false, is_public: true, created_at: stamp, updated_at: stamp,
}));
export const ZENDESK_ORGANIZATION_RECORDS = ZENDESK_ORGANIZATIONS.map((id, i) => ({
  id, url: `https://acme.zendesk.com/api/v2/organizations/${id}.json`, name: ['Acme Corp', 'Globex', 'Initech'][i]!, domain_names: [], details: '', notes: '', group_id: null,
  shared_tickets: false, shared_comments: false, tags: [], external_id: null, created_at: stamp, updated_at: stamp, organization_fields: {},
}));

/** Group membership: staff belong to their default group, and every admin also to the last group. */
export function zendeskGroupMembers(users: ZendeskUser[], groupId: number): ZendeskUser[] {
  return users.filter((u) => u.default_group_id === groupId || (u.role === 'admin' && groupId === ZENDESK_GROUPS[2]));
}

const error = (status: number, err: string, description?: string) => ({ status, body: description === undefined ? { error: err } : { error: err, description } });
const notFound = () => error(404, 'RecordNotFound', 'Not found');
const SORTS: Record<string, (u: ZendeskUser) => string | number> = {
  id: (u) => u.id,
  name: (u) => (u.name ?? '').toLocaleLowerCase(),
  created_at: (u) => u.created_at ?? '',
  updated_at: (u) => u.updated_at ?? '',
};
const encodeCursor = (id: number, sort: string) => Buffer.from(JSON.stringify({ o: id, s: sort })).toString('base64');
function decodeCursor(token: string, sort: string): number | null {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    return typeof c.o === 'number' && c.s === sort ? c.o : null;
  } catch {
    return null;
  }
}

/** A list endpoint's paging (cursor with page[size], else offset), over users or any records with an id. */
function list(req: SandboxRequest, base: ZendeskUser[], as = 'users') {
  let pool = base;
  const roles = [...req.query.getAll('role'), ...req.query.getAll('role[]')];
  if (roles.length) pool = pool.filter((u) => roles.includes(String(u.role)));
  const permissionSet = req.query.get('permission_set'); // a custom agent role id (Enterprise)
  if (permissionSet) pool = pool.filter((u) => String(u.custom_role_id) === permissionSet);
  const sort = req.query.get('sort') ?? 'id';
  const key = SORTS[sort.replace(/^-/, '')];
  if (!key) return error(400, 'InvalidPaginationParameter', `sort is not valid: ${sort}`);
  const dir = sort.startsWith('-') ? -1 : 1;
  pool = [...pool].sort((a, b) => { const x = key(a), y = key(b); return x < y ? -dir : x > y ? dir : a.id - b.id; });

  const url = (q: Record<string, string>) => {
    const u = new URL(req.path, req.origin);
    req.query.forEach((v, k) => { if (!/^page(\[(after|before)\])?$/.test(k)) u.searchParams.set(k, v); });
    for (const [k, v] of Object.entries(q)) u.searchParams.set(k, v);
    return u.toString();
  };
  if (!req.query.has('page[size]')) {
    // Offset pagination (the default when page[size] is absent).
    const perPage = intParam(req.query, 'per_page', 100, 100);
    const page = intParam(req.query, 'page', 1, Number.MAX_SAFE_INTEGER);
    const users = pool.slice((page - 1) * perPage, page * perPage);
    return { body: { [as]: users, next_page: page * perPage < pool.length ? url({ page: String(page + 1) }) : null, previous_page: page > 1 ? url({ page: String(page - 1) }) : null, count: pool.length } };
  }
  const size = intParam(req.query, 'page[size]', 100, 100);
  let start = 0;
  let end: number;
  const after = req.query.get('page[after]');
  const before = req.query.get('page[before]');
  if (after || before) {
    const at = decodeCursor((after ?? before)!, sort);
    const idx = at === null ? -1 : pool.findIndex((u) => u.id === at);
    if (idx < 0) return error(400, 'InvalidPaginationParameter', 'page[after] or page[before] is not a valid cursor');
    if (after) start = idx + 1;
    else start = Math.max(0, idx - size);
    end = after ? start + size : idx;
  } else end = size;
  const users = pool.slice(start, end);
  const hasMore = before ? start > 0 : end < pool.length;
  const afterCursor = users.length ? encodeCursor(users.at(-1)!.id, sort) : null;
  const beforeCursor = users.length ? encodeCursor(users[0]!.id, sort) : null;
  return {
    body: {
      [as]: users,
      // As on Zendesk, cursors and links are present on the last page too: has_more is the stop signal.
      meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: beforeCursor },
      links: {
        next: afterCursor ? url({ 'page[size]': String(size), 'page[after]': afterCursor }) : null,
        prev: beforeCursor ? url({ 'page[size]': String(size), 'page[before]': beforeCursor }) : null,
      },
    },
  };
}

export function startZendeskSandbox(opts: { email?: string; apiToken?: string; accessToken?: string; users?: ZendeskUser[]; port?: number } = {}): Promise<Sandbox> {
  const basic = `Basic ${Buffer.from(`${opts.email ?? ZENDESK_SANDBOX_EMAIL}/token:${opts.apiToken ?? ZENDESK_SANDBOX_API_TOKEN}`).toString('base64')}`;
  const bearer = `Bearer ${opts.accessToken ?? ZENDESK_SANDBOX_OAUTH_TOKEN}`;
  const users = opts.users ?? zendeskDataset();
  let remaining = 700;
  return startSandbox(
    {
      name: 'zendesk',
      // https://developer.zendesk.com/documentation/api-basics/authentication/refresh-token: {subdomain}.zendesk.com/oauth/authorizations/new, POST /oauth/tokens
      oauth: oauthSim({ ...ZENDESK_OAUTH_CLIENT, authorizePath: /^\/oauth\/authorizations\/new$/, tokenPath: /^\/oauth\/tokens$/, prefix: 'zd' }),
      authenticate: (req) => req.headers.authorization === basic || req.headers.authorization === bearer,
      unauthorized: error(401, "Couldn't authenticate you"),
      notFound: error(404, 'InvalidEndpoint', 'Not found'),
      commonHeaders: () => {
        remaining = remaining > 1 ? remaining - 1 : 700;
        const reset = String(60 - new Date().getUTCSeconds());
        return { 'x-rate-limit': '700', 'x-rate-limit-remaining': String(remaining), 'ratelimit-limit': '700', 'ratelimit-remaining': String(remaining), 'ratelimit-reset': reset };
      },
      routes: [
        { method: 'GET', path: /^\/api\/v2\/users(?:\.json)?$/, handle: (req) => list(req, users) },
        {
          method: 'GET',
          path: /^\/api\/v2\/users\/show_many(?:\.json)?$/,
          handle: (req) => {
            const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
            if (ids.length > 100) return error(400, 'InvalidValue', 'ids accepts up to 100 user ids');
            return { body: { users: users.filter((u) => ids.includes(String(u.id))) } };
          },
        },
        {
          method: 'GET',
          path: /^\/api\/v2\/users\/(\d+)(?:\.json)?$/,
          handle: (_req, [id]) => {
            const u = users.find((x) => String(x.id) === id);
            return u ? { body: { user: u } } : notFound();
          },
        },
        { method: 'GET', path: /^\/api\/v2\/groups(?:\.json)?$/, handle: (req) => list(req, ZENDESK_GROUP_RECORDS as never, 'groups') },
        { method: 'GET', path: /^\/api\/v2\/organizations(?:\.json)?$/, handle: (req) => list(req, ZENDESK_ORGANIZATION_RECORDS as never, 'organizations') },
        {
          method: 'GET',
          path: /^\/api\/v2\/organizations\/show_many(?:\.json)?$/,
          handle: (req) => {
            const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
            if (ids.length > 100) return error(400, 'InvalidValue', 'ids accepts up to 100 organization ids');
            return { body: { organizations: ZENDESK_ORGANIZATION_RECORDS.filter((o) => ids.includes(String(o.id))) } };
          },
        },
        {
          method: 'GET',
          path: /^\/api\/v2\/groups\/([^/]+?)\/users(?:\.json)?$/,
          handle: (req, [id]) => (ZENDESK_GROUPS.map(String).includes(id!) ? list(req, zendeskGroupMembers(users, Number(id))) : notFound()),
        },
        {
          method: 'GET',
          path: /^\/api\/v2\/organizations\/([^/]+?)\/users(?:\.json)?$/,
          handle: (req, [id]) => (ZENDESK_ORGANIZATIONS.map(String).includes(id!) ? list(req, users.filter((u) => String(u.organization_id) === id)) : notFound()),
        },
      ],
    },
    opts.port,
  );
}

export const zendeskSandbox: ProviderSandbox = {
  slug: 'zendesk',
  start: (port) => startZendeskSandbox({ port }),
  demoAccount: (url) => ({ context: { baseUrl: url, subdomain: 'demo' }, credentials: { email: ZENDESK_SANDBOX_EMAIL, apiToken: ZENDESK_SANDBOX_API_TOKEN } }),
  expectedUsers: () => zendeskDataset(),
  demoOAuthApp: (url) => ({ ...ZENDESK_OAUTH_CLIENT, context: { baseUrl: url, subdomain: 'demo' } }),
};
