// Okta — Users API, list users.
// Docs: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/listUsers
// Spec: okta/okta-management-openapi-spec (dist/current/management-minimal.yaml): GET /api/v1/users,
//   `limit` (default 200), `after` via `Link: <…>; rel="next"`, `search` (SCIM-like expressions, returns
//   DEPROVISIONED users; the plain list omits them), `Authorization: SSWS {token}`.
// Rate limits: https://developer.okta.com/docs/reference/rl-best-practices/ (X-Rate-Limit-Limit, -Remaining, -Reset in
//   epoch seconds, per org-wide window); per-endpoint limits: https://developer.okta.com/docs/reference/rl-global-mgmt/
//   Unconfirmed: the exact per-minute limit of GET /api/v1/users for every plan; 600/min is the common figure
//   (the bucket follows the X-Rate-Limit-* headers, so a plan's own limit is used as reported).
// Groups (filterValues for groupId): https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Group/#tag/Group/operation/listGroups
//   GET /api/v1/groups, a bare array of groups ({ id, profile: { name, description } }), `limit` (≤ 10000; Okta
//   "strongly encourages" ≤ 200), `after` via `Link: rel="next"`. An unknown group id on /groups/{id}/users is 404.
// A user's groups (DirectoryUser.groups, only when selected): https://developer.okta.com/docs/api/openapi/okta-management/management/tags/userresources/other/listusergroups
//   GET /api/v1/users/{id}/groups, `limit` ≤ 200 (default 200), `after` via the Link header; one call per user.
// Unconfirmed: the hard maximum of `limit` on /users (200 assumed, it is the documented default); the gateway
//   reads a user's first 200 groups only.
import { compact, idOf, isoDate, str } from '../engine/map-helpers.js';
import type { FilterName, UserFilter, UserStatus } from '../engine/types.js';
import { defineProvider, isSet, QUOTES, type FilterSpec } from '../engine/spec/index.js';

export interface OktaUser {
  id: string;
  status: string;
  created?: string | null;
  activated?: string | null;
  statusChanged?: string | null;
  lastLogin?: string | null;
  lastUpdated?: string | null;
  profile?: Record<string, any>;
  [extra: string]: unknown;
}

export const OKTA_STATUS: Record<string, UserStatus> = {
  ACTIVE: 'ACTIVE',
  STAGED: 'INVITED',
  PROVISIONED: 'INVITED',
  SUSPENDED: 'INACTIVE',
  LOCKED_OUT: 'INACTIVE',
  PASSWORD_EXPIRED: 'INACTIVE',
  RECOVERY: 'INACTIVE',
  DEPROVISIONED: 'DELETED',
};

const quote = QUOTES.okta;
const anyStatus = (raw: string[]) => (raw.length === 1 ? `status eq ${quote(raw[0]!)}` : `(${raw.map((r) => `status eq ${quote(r)}`).join(' or ')})`);
const statusClause = (s: UserStatus) => anyStatus(Object.keys(OKTA_STATUS).filter((k) => OKTA_STATUS[k] === s));
// Okta's plain list omits DEPROVISIONED users but `search` returns them: so that adding a filter never
// widens the list, the first search clause also keeps them out unless the status filter asks for them.
const LISTED = anyStatus(Object.keys(OKTA_STATUS).filter((k) => k !== 'DEPROVISIONED'));
const SEARCHED: FilterName[] = ['email', 'username', 'firstName', 'lastName', 'isActive', 'createdAfter', 'updatedAfter'];
const search = (name: FilterName, clause: (v: any) => string): FilterSpec => ({
  query: 'search',
  join: ' and ',
  value: (v: any, all: UserFilter) => (!isSet(all.status) && SEARCHED.find((n) => isSet(all[n])) === name ? `${clause(v)} and ${LISTED}` : clause(v)),
});

export const okta = defineProvider<OktaUser>({
  slug: 'okta',
  displayName: 'Okta',
  docsUrl: 'https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/listUsers',
  context: { baseUrl: { required: true, description: 'the Okta org URL, e.g. https://acme.okta.com' } },
  auth: [
    { kind: 'header', header: 'authorization', value: 'SSWS {credentials.apiToken}', description: '`credentials.apiToken` sent as `Authorization: SSWS <token>`' },
    { kind: 'bearer', key: 'accessToken', description: '`credentials.accessToken` (OAuth 2.0, scope okta.users.read) as a Bearer token' },
  ],
  lists: {
    USER_DIRECTORY: {
      path: '/api/v1/users',
      records: '',
      paginator: { kind: 'link-header', pageSize: { param: 'limit', max: 200 }, reservedParams: ['after'] },
      filters: {
        // Any of the user's addresses, as everywhere: the secondary one is listed in `emails` too.
        email: search('email', (v: string) => `(profile.email eq ${quote(v)} or profile.secondEmail eq ${quote(v)})`),
        username: search('username', (v: string) => `profile.login eq ${quote(v)}`),
        firstName: search('firstName', (v: string) => `profile.firstName co ${quote(v)}`),
        lastName: search('lastName', (v: string) => `profile.lastName co ${quote(v)}`),
        status: { query: 'search', join: ' and ', value: (v: UserStatus) => statusClause(v), note: '`search`; DELETED (DEPROVISIONED) users appear only when asked for' },
        isActive: search('isActive', (v: boolean) => (v ? statusClause('ACTIVE') : anyStatus(Object.keys(OKTA_STATUS).filter((k) => k !== 'ACTIVE')))),
        createdAfter: search('createdAfter', (v: string) => `created gt ${quote(new Date(v).toISOString())}`),
        updatedAfter: search('updatedAfter', (v: string) => `lastUpdated gt ${quote(new Date(v).toISOString())}`),
        name: { engine: true, note: 'Okta cannot search displayName with co; the gateway filters while paging' },
        groupId: { endpoint: '/api/v1/groups/{value}/users', exclusive: true, note: 'GET /api/v1/groups/{id}/users' },
      },
      values: {
        groupId: { path: '/api/v1/groups', records: '', paginator: { kind: 'link-header', pageSize: { param: 'limit', max: 200 }, reservedParams: ['after'] }, id: 'id', name: 'profile.name' },
      },
    },
  },
  enrich: {
    groups: { by: 'user', path: '/api/v1/users/{id}/groups', query: { limit: '200' }, records: '', id: 'id', name: 'profile.name' },
  },
  byId: { path: '/api/v1/users/{id}' },
  rateLimit: { resetHeader: 'x-rate-limit-reset', resetFormat: 'epoch-seconds', remainingHeader: 'x-rate-limit-remaining', limitHeader: 'x-rate-limit-limit', limit: { requests: 600, perSeconds: 60 } },
  errors: { message: (b) => (typeof b?.errorSummary === 'string' ? `${b.errorCode ?? 'error'}: ${b.errorSummary}` : undefined) },
  fields: ['name', 'firstName', 'lastName', 'username', 'emails', 'status', 'remoteStatus', 'statusChangedAt', 'activatedAt', 'title', 'timezone', 'languages', 'phones', 'organizations', 'groups', 'externalId', 'lastLoginAt', 'createdAt', 'updatedAt'],
  map(u) {
    const p = u.profile ?? {};
    const first = str(p.firstName);
    const last = str(p.lastName);
    const org = str(p.organization);
    return {
      remoteId: idOf(u.id),
      name: str(p.displayName) ?? (compact([first, last]).join(' ') || null),
      firstName: first,
      lastName: last,
      username: str(p.login),
      emails: [
        ...(typeof p.email === 'string' ? [{ email: p.email, isPrimary: true, type: 'work' }] : []),
        ...(typeof p.secondEmail === 'string' && p.secondEmail ? [{ email: p.secondEmail, isPrimary: false, type: 'other' }] : []),
      ],
      status: OKTA_STATUS[u.status] ?? null,
      remoteStatus: str(u.status),
      statusChangedAt: isoDate(u.statusChanged),
      activatedAt: isoDate(u.activated),
      title: str(p.title),
      timezone: str(p.timezone),
      languages: compact([str(p.preferredLanguage), str(p.locale)]),
      phones: [
        ...(p.primaryPhone ? [{ number: String(p.primaryPhone), type: 'work' }] : []),
        ...(p.mobilePhone ? [{ number: String(p.mobilePhone), type: 'mobile' }] : []),
      ],
      organizations: org ? [{ id: org, name: org }] : [],
      externalId: str(p.employeeNumber),
      lastLoginAt: isoDate(u.lastLogin),
      createdAt: isoDate(u.created),
      updatedAt: isoDate(u.lastUpdated),
    };
  },
});
