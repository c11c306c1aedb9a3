// Zendesk Support — Users API, list users.
// Docs: https://developer.zendesk.com/api-reference/ticketing/users/users/ (List Users, Show Many Users)
//   https://developer.zendesk.com/api-reference/introduction/pagination/ — cursor paging: `page[size]` (most
//   endpoints ≤ 100) and `page[after]`; body `meta: { has_more, after_cursor, before_cursor }`, `links: { next, prev }`;
//   stop when `meta.has_more` is false.
//   https://developer.zendesk.com/documentation/ticketing/using-the-zendesk-api/best-practices-for-avoiding-rate-limiting/
//   — 429 + Retry-After; X-Rate-Limit / X-Rate-Limit-Remaining; list endpoints add ratelimit-reset (seconds).
//   https://support.zendesk.com/hc/en-us/articles/4408834530458 — GET /api/v2/groups/{id}/users and
//   /api/v2/organizations/{id}/users are List Users variants.
// Filter values: https://developer.zendesk.com/api-reference/ticketing/groups/groups/#list-groups — GET /api/v2/groups
//   ({ groups: [{ id, name, deleted, … }] }, cursor pagination recommended); https://developer.zendesk.com/api-reference/ticketing/organizations/organizations/#list-organizations
//   — GET /api/v2/organizations ({ organizations: [{ id, name, … }] }). Both page like users (page[size] ≤ 100,
//   page[after], meta.has_more). An unknown group or organization id on the scoped user lists is 404 RecordNotFound.
// Organization names (TicketingUser.organization.name, only when selected): Show Many Organizations,
//   GET /api/v2/organizations/show_many?ids=1,2 (comma-separated, ≤ 100) → { organizations }.
// Checked against Zendesk's Support OpenAPI (as vendored by botbrains-io/python-zendesk): ListUsers `role`
//   (end-user|agent|admin), ShowManyUsers `ids` (≤ 100, comma-separated) → { users }, UserObject fields
//   (active = false when deleted, suspended, photo Attachment, remote_photo_url, custom_role_id, default_group_id).
// Unconfirmed: which `sort` values List Users accepts (the pagination guide documents `sort` with a `-` prefix
//   for cursor paging; name/created_at/updated_at assumed), and whether the group/organization variants honour
//   `sort`; that List Organizations takes cursor pagination (the pagination guide says most list endpoints do;
//   the excerpt read documented it for groups); the 401 body `{"error":"Couldn't authenticate you"}` comes from third-party fixtures.
import { idOf, isoDate, splitName, str } from '../engine/map-helpers.js';
import type { Role, SortInput, UserStatus, UserType } from '../engine/types.js';
import { defineProvider, refuse, type PaginatorSpec } from '../engine/spec/index.js';

export interface ZendeskUser {
  id: number;
  name?: string | null;
  email?: string | null;
  role?: string | null;
  role_type?: number | null;
  custom_role_id?: number | null;
  default_group_id?: number | null;
  organization_id?: number | null;
  active?: boolean;
  suspended?: boolean;
  verified?: boolean;
  photo?: { content_url?: string | null; [k: string]: unknown } | null;
  remote_photo_url?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
  [extra: string]: unknown;
}

export const ZENDESK_ROLES = ['end-user', 'agent', 'admin'] as const;
const SORT: Partial<Record<SortInput['field'], string>> = { CREATED_AT: 'created_at', UPDATED_AT: 'updated_at', NAME: 'name' };

/** `active: false` means the user was deleted; `suspended` agents and end-users cannot sign in. */
export function zendeskStatus(u: Pick<ZendeskUser, 'active' | 'suspended'>): UserStatus | null {
  if (u.active === false) return 'DELETED';
  if (u.suspended === true) return 'INACTIVE';
  return u.active === true ? 'ACTIVE' : null;
}

// has_more is the documented stop signal; a missing/null after_cursor also ends the list.
const ZENDESK_CURSOR: PaginatorSpec = { kind: 'cursor', next: 'meta.after_cursor', stop: { path: 'meta.has_more', equals: false }, send: { query: 'page[after]' }, pageSize: { param: 'page[size]', max: 100 }, reservedParams: ['page', 'per_page', 'page[before]'] };

export const zendesk = defineProvider<ZendeskUser>({
  slug: 'zendesk',
  displayName: 'Zendesk Support',
  docsUrl: 'https://developer.zendesk.com/api-reference/ticketing/users/users/#list-users',
  baseUrl: 'https://{context.subdomain}.zendesk.com',
  context: {
    subdomain: { required: 'unless-baseUrl', pattern: '^[A-Za-z0-9][A-Za-z0-9-]*$', description: 'the account subdomain, e.g. acme for https://acme.zendesk.com (or set context.baseUrl)' },
  },
  auth: [
    { kind: 'basic', username: '{credentials.email}/token', password: '{credentials.apiToken}', description: '`credentials.email` + `credentials.apiToken` as Basic `{email}/token:{apiToken}`' },
    { kind: 'bearer', key: 'accessToken', description: '`credentials.accessToken` (OAuth, scope users:read or read) as a Bearer token' },
  ],
  // OAuth connect flow: https://developer.zendesk.com/documentation/api-basics/authentication/refresh-token,
  // https://developer.zendesk.com/documentation/api-basics/authentication/oauth-pkce (PKCE S256 on the Ticketing API),
  // https://developer.zendesk.com/api-reference/ticketing/oauth/grant_type_tokens/ (POST /oauth/tokens, authorization_code and
  // refresh_token grants). Unconfirmed: whether every refresh rotates the refresh token (we store whatever comes back).
  oauth: {
    docsUrl: 'https://developer.zendesk.com/documentation/api-basics/authentication/refresh-token',
    authorizeUrl: '/oauth/authorizations/new',
    tokenUrl: '/oauth/tokens',
    scopes: ['users:read', 'read'],
    pkce: true,
  },
  lists: {
    TICKETING: {
      path: '/api/v2/users',
      records: 'users',
      paginator: ZENDESK_CURSOR,
      filters: {
        teamId: { endpoint: '/api/v2/groups/{value}/users', note: 'GET /api/v2/groups/{id}/users (group membership, not only default_group_id)' },
        organizationId: { endpoint: '/api/v2/organizations/{value}/users', note: 'GET /api/v2/organizations/{id}/users' },
        roleId: {
          params: (v: string) => {
            if ((ZENDESK_ROLES as readonly string[]).includes(v)) return [['role', v]];
            if (/^\d+$/.test(v)) return [['permission_set', v]];
            return refuse(`roles are end-user, agent, admin or a custom role id, not "${v}".`);
          },
          note: '`role` = end-user | agent | admin; a custom role id as `permission_set`',
        },
        sort: {
          query: 'sort',
          value: (s: SortInput) => {
            const f = SORT[s.field];
            if (!f) refuse(`users sort by CREATED_AT, UPDATED_AT or NAME only, not ${s.field}.`);
            return s.direction === 'DESC' ? `-${f}` : f;
          },
          note: '`sort` = name | created_at | updated_at, `-` prefix for descending',
        },
        email: { engine: true, note: 'List Users cannot filter by e-mail (Search Users is offset-only)' },
        name: { engine: true },
        firstName: { engine: true, note: 'on the split of `name`' },
        lastName: { engine: true, note: 'on the split of `name`' },
        isActive: { engine: true, note: 'active && !suspended' },
        status: { engine: true },
        userType: { engine: true },
        createdAfter: { engine: true },
        updatedAfter: { engine: true },
      },
      values: {
        teamId: { path: '/api/v2/groups', records: 'groups', paginator: ZENDESK_CURSOR, id: 'id', name: 'name' },
        organizationId: { path: '/api/v2/organizations', records: 'organizations', paginator: ZENDESK_CURSOR, id: 'id', name: 'name' },
      },
    },
  },
  enrich: {
    organization: { by: 'ids', path: '/api/v2/organizations/show_many', query: { ids: '{ids}' }, idsJoin: ',', records: 'organizations', id: 'id', name: 'name', maxBatch: 100 },
  },
  byIds: { path: '/api/v2/users/show_many', query: { ids: '{ids}' }, idsJoin: ',', records: 'users', idOf: 'id', maxBatch: 100, idPattern: '^\\d{1,20}$' },
  rateLimit: { resetHeader: 'ratelimit-reset', resetFormat: 'delta-seconds', remainingHeader: 'ratelimit-remaining', limitHeader: 'ratelimit-limit' },
  errors: {
    message: (b) => {
      const e = b?.error;
      if (typeof e === 'string') return typeof b.description === 'string' && b.description ? `${e}: ${b.description}` : e;
      if (e && typeof e === 'object' && typeof e.message === 'string') return typeof e.title === 'string' ? `${e.title}: ${e.message}` : e.message;
      return undefined;
    },
  },
  fields: ['name', 'firstName', 'lastName', 'username', 'emails', 'avatar', 'isActive', 'status', 'remoteStatus', 'roles', 'teamIds', 'organization', 'userType', 'isEmailVerified', 'createdAt', 'updatedAt'],
  map(u) {
    const name = str(u.name);
    const role = str(u.role);
    const roles: Role[] = role ? [{ id: role, name: role }] : [];
    if (u.custom_role_id !== null && u.custom_role_id !== undefined) roles.push({ id: String(u.custom_role_id), name: null });
    const photo = u.photo && typeof u.photo === 'object' ? str(u.photo.content_url) : null;
    const userType: UserType | null = role === 'admin' ? 'ADMIN' : role === 'end-user' ? 'END_USER' : role === 'agent' ? (u.role_type === 1 ? 'LIMITED' : 'USER') : null;
    return {
      remoteId: idOf(u.id),
      name,
      ...splitName(name), // heuristic: Zendesk has one `name`; split at the first space
      username: null, // Zendesk has no login name (`alias` is a display alias)
      emails: typeof u.email === 'string' && u.email ? [{ email: u.email, isPrimary: true, type: 'primary' }] : [],
      avatar: photo ?? str(u.remote_photo_url),
      isActive: typeof u.active === 'boolean' ? u.active && u.suspended !== true : null,
      status: zendeskStatus(u),
      remoteStatus: `active=${u.active ?? null},suspended=${u.suspended ?? null}`, // the two raw flags behind status
      roles,
      teamIds: u.default_group_id !== null && u.default_group_id !== undefined ? [String(u.default_group_id)] : [],
      organization: u.organization_id !== null && u.organization_id !== undefined ? { id: String(u.organization_id) } : null,
      userType,
      isEmailVerified: typeof u.verified === 'boolean' ? u.verified : null,
      createdAt: isoDate(u.created_at),
      updatedAt: isoDate(u.updated_at),
    };
  },
});
