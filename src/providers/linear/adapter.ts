// Linear — workspace users over Linear's GraphQL API (TICKETING).
//
// Docs
//   Endpoint and auth: https://linear.app/developers/graphql — `POST https://api.linear.app/graphql`, one global
//     host (the key or token picks the workspace). A personal API key is the raw `Authorization` value, an OAuth
//     token is `Bearer …`; the SDK does exactly that and prefers the token when both are given
//     (https://github.com/linear/linear/blob/master/packages/sdk/src/client.ts).
//   Schema: https://github.com/linear/linear/blob/master/packages/sdk/src/schema.graphql (read at 8335e09a):
//     `Query.users(after, before, filter: UserFilter, first, includeArchived, includeDisabled, last, orderBy)`
//     → `UserConnection { edges nodes pageInfo { hasNextPage endCursor … } }`; `includeDisabled` "Should query
//     return disabled/suspended users (default: false)"; `Query.user(id: String!): User!`; `UserFilter` has id,
//     name, displayName, email (StringComparator: eq, eqIgnoreCase, in, containsIgnoreCase, …), active, admin,
//     owner, app, invited, isMe (BooleanComparator), createdAt/updatedAt (DateComparator), and/or — and no guest.
//   Paging: https://linear.app/developers/pagination — Relay `first`/`after`, 50 by default, `orderBy`
//     createdAt (default) | updatedAt.
//   Rate limits: https://linear.app/developers/rate-limiting — leaky bucket; `X-RateLimit-Requests-Limit`,
//     `-Remaining`, `-Reset` (UTC epoch milliseconds; the schema's `RateLimitResultPayload.reset` is also
//     "UNIX timestamp (in milliseconds)"), the same triple for complexity; over the limit Linear answers
//     HTTP 400 (not 429) with `errors[].extensions.code: "RATELIMITED"`. One query may cost at most 10,000
//     complexity points (0.1 per property, 1 per object, a connection multiplies its children by its page size).
//   Errors: the SDK (packages/sdk/src/error.ts) classifies by `extensions.type` ("ratelimited",
//     "authentication error", "forbidden", "invalid input", …) and prefers `userPresentableMessage`.
//
// Choices
//   - `includeDisabled: true` is part of the document, so a list is every user and `status`/`isActive` partition
//     it through `filter.active` (without it INACTIVE would silently return nobody).
//   - Page size: Linear's maximum, 250. The nested `teams(first: 25)` keeps one page at ≈ 8,000 complexity
//     points (under the 10,000 cap; sandbox-graphql.ts computes it): teamIds lists at most 25 teams per user.
//   - userType is tested by the gateway: `UserFilter` has no `guest` comparator, and one unified value maps to
//     different upstream fields (ADMIN → admin/owner, MACHINE → app), which a single body path cannot say.
//   - emails is tested by the gateway: `email.in` is an exact (case-sensitive) match in Linear's comparator
//     vocabulary, while the unified filter is case-insensitive.
//   - teamId / collectionId are not offered: they need another root field (`team(id:){ members(…) }`,
//     `project(id:){ members(…) }`) with other record and pageInfo paths, i.e. a list per filter value.
//   - status INVITED is not offered: `invited` is a separate flag, so INVITED/INACTIVE would need one value to
//     write two comparators; a pending invite is INACTIVE with remoteStatus "pending invite".
//   - Error rules test every element of `errors` (`errors.*`): a rate limit need not be the first error.
//   - The GraphQL document is the same on every page; cursors carry only the variables that move.
//
// Not confirmed (third-party captures only, or not published)
//   - the HTTP status of an authentication failure (401 in most captures, 400 or 200 in others): the rules below
//     match the body's code at any status; the 250 page maximum and `INVALID_INPUT` on HTTP 200 (live probes by
//     third parties, not in the SDL); the per-hour budgets; whether owners always have `admin: true` (we map
//     either to ADMIN); the strings of `disableReason`; the order direction (newest first was observed on issues);
//     the error shape of a query over the complexity cap; what an unknown `after` cursor returns.
import { compact, idOf, isoDate, splitName, str } from '../engine/map-helpers.js';
import type { UnifiedUser, UserType } from '../engine/types.js';
import { defineProvider } from '../engine/spec/index.js';
import type { LinearUser } from './types.js';

export const LINEAR_PAGE_MAX = 250;
export const LINEAR_TEAMS_PER_USER = 25;

// One field list for every document; kept small because only the variables change between pages.
const USER_FIELDS = `id name displayName email avatarUrl active admin owner guest app disableReason createdAt updatedAt lastSeen timezone title teams(first: ${LINEAR_TEAMS_PER_USER}) { nodes { id } }`;
export const LINEAR_USERS_QUERY = `query Users($first: Int, $after: String, $filter: UserFilter) { users(first: $first, after: $after, filter: $filter, includeDisabled: true) { nodes { ${USER_FIELDS} } pageInfo { hasNextPage endCursor } } }`;
export const LINEAR_USER_QUERY = `query User($id: String!) { user(id: $id) { ${USER_FIELDS} } }`;
export const LINEAR_USERS_BY_IDS_QUERY = `query UsersByIds($ids: [ID!]) { users(first: ${LINEAR_PAGE_MAX}, filter: { id: { in: $ids } }, includeDisabled: true) { nodes { ${USER_FIELDS} } } }`;

/** Linear's `UserRoleType` (admin, app, guest, owner, user): the most privileged that applies. */
export function linearRole(u: LinearUser): 'owner' | 'admin' | 'app' | 'guest' | 'user' | null {
  if (u.owner === true) return 'owner';
  if (u.admin === true) return 'admin';
  if (u.app === true) return 'app';
  if (u.guest === true) return 'guest';
  return [u.owner, u.admin, u.app, u.guest].some((f) => typeof f === 'boolean') ? 'user' : null;
}
const USER_TYPE: Record<string, UserType> = { owner: 'ADMIN', admin: 'ADMIN', app: 'MACHINE', guest: 'LIMITED', user: 'USER' };

export function toUnified(u: LinearUser): UnifiedUser {
  const name = str(u.name);
  const email = typeof u.email === 'string' && u.email !== '' ? u.email : null;
  const active = typeof u.active === 'boolean' ? u.active : null;
  const role = linearRole(u);
  const teams = Array.isArray(u.teams?.nodes) ? u.teams!.nodes! : [];
  return {
    remoteId: idOf(u.id),
    name,
    ...splitName(name), // heuristic: Linear has one full name; split at the first space
    username: str(u.displayName), // unique per workspace
    emails: email ? [{ email, isPrimary: true, type: 'primary' }] : [],
    avatar: str(u.avatarUrl),
    isActive: active,
    status: active === null ? null : active ? 'ACTIVE' : 'INACTIVE',
    remoteStatus: active === null ? null : active ? 'active' : (str(u.disableReason) ?? 'disabled'),
    roles: role ? [{ id: role, name: role }] : [],
    userType: role ? USER_TYPE[role]! : null,
    teamIds: compact(teams.map((t) => (t && typeof t === 'object' ? str(t.id) : null))),
    timezone: str(u.timezone),
    title: str(u.title),
    lastActiveAt: isoDate(u.lastSeen),
    createdAt: isoDate(u.createdAt),
    updatedAt: isoDate(u.updatedAt),
  };
}

export const linear = defineProvider({
  slug: 'linear',
  displayName: 'Linear',
  docsUrl: 'https://linear.app/developers/graphql',
  baseUrl: 'https://api.linear.app',
  auth: [
    { kind: 'bearer', key: 'accessToken', description: '`credentials.accessToken`: an OAuth 2.0 access token, sent as `Authorization: Bearer …`' },
    { kind: 'header', header: 'Authorization', value: '{credentials.apiKey}', description: '`credentials.apiKey`: a personal API key (`lin_api_…`), sent as the raw `Authorization` value (no Bearer)' },
  ],
  rateLimit: { resetHeader: 'x-ratelimit-requests-reset', resetFormat: 'epoch-ms', remainingHeader: 'x-ratelimit-requests-remaining', limitHeader: 'x-ratelimit-requests-limit' },
  errors: {
    message: ['errors.0.extensions.userPresentableMessage', 'errors.0.message'],
    rules: [
      // Rate limits arrive as HTTP 400; older answers carry only the prose type.
      { when: { path: 'errors.*.extensions.code', equals: 'RATELIMITED' }, as: 'RATE_LIMITED' },
      { when: { path: 'errors.*.extensions.type', equals: 'ratelimited' }, as: 'RATE_LIMITED' },
      { when: { path: 'errors.*.extensions.code', equals: 'AUTHENTICATION_ERROR' }, as: 'UNAUTHORIZED' },
      { when: { path: 'errors.*.extensions.type', equals: 'authentication error' }, as: 'UNAUTHORIZED' },
      { when: { path: 'errors.*.extensions.type', in: ['forbidden', 'feature not accessible'] }, as: 'FORBIDDEN' },
      // `user(id:)` of an unknown id: 200, `data: null`, "Entity not found: User" (INPUT_ERROR).
      { when: { path: 'errors.*.message', contains: 'Entity not found' }, as: 'NOT_FOUND' },
      { when: { path: 'errors.*.extensions.type', in: ['internal error', 'lock timeout'] }, as: 'UNAVAILABLE' },
      // Anything else in `errors` (validation, bad filter values) is a request the gateway must not page past.
      { when: { path: 'errors.*', exists: true }, as: 'BAD_REQUEST' },
    ],
  },
  lists: {
    TICKETING: {
      method: 'POST',
      path: '/graphql',
      body: { query: LINEAR_USERS_QUERY, variables: {} },
      idempotent: true, // a GraphQL query: safe to retry
      records: 'data.users.nodes',
      paginator: { kind: 'graphql', pageInfo: 'data.users.pageInfo', cursorVariable: 'after', pageSize: { variable: 'first', max: LINEAR_PAGE_MAX } },
      remoteQueryIn: { body: 'variables.filter' }, // raw `UserFilter` fields; the adapter's own win
      filters: {
        email: { body: 'variables.filter.email.eqIgnoreCase' },
        name: { body: 'variables.filter.name.containsIgnoreCase' },
        username: { body: 'variables.filter.displayName.eqIgnoreCase', note: 'displayName, unique per workspace' },
        isActive: { body: 'variables.filter.active.eq' },
        status: { body: 'variables.filter.active.eq', value: { map: { ACTIVE: true, INACTIVE: false } }, note: 'ACTIVE or INACTIVE (disabled/suspended); Linear has no deleted or invited status on User' },
        createdAfter: { body: 'variables.filter.createdAt.gt' },
        updatedAfter: { body: 'variables.filter.updatedAt.gt' },
        emails: { engine: true, note: 'Linear `email.in` is case-sensitive; the gateway tests the addresses case-insensitively' },
        firstName: { engine: true, note: 'Linear has one full name; tested on the split name' },
        lastName: { engine: true, note: 'Linear has one full name; tested on the split name' },
        userType: { engine: true, note: 'ADMIN (owner or admin), LIMITED (guest), MACHINE (app), USER — from the payload flags' },
      },
    },
  },
  byId: { method: 'POST', path: '/graphql', body: { query: LINEAR_USER_QUERY, variables: { id: '{id}' } }, record: 'data.user' },
  byIds: { method: 'POST', path: '/graphql', body: { query: LINEAR_USERS_BY_IDS_QUERY, variables: { ids: '{ids}' } }, records: 'data.users.nodes', idOf: 'id', maxBatch: LINEAR_PAGE_MAX },
  fields: ['name', 'firstName', 'lastName', 'username', 'emails', 'avatar', 'isActive', 'status', 'remoteStatus', 'roles', 'userType', 'teamIds', 'timezone', 'title', 'lastActiveAt', 'createdAt', 'updatedAt'],
  map: (raw: LinearUser) => toUnified(raw),
});
