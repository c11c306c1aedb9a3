// Atlassian — the managed accounts of an Atlassian organization, from the Admin (Organizations) REST API v1.
// Docs: https://developer.atlassian.com/cloud/admin/organization/rest/api-group-users/ (GET
//   https://api.atlassian.com/admin/v1/orgs/{orgId}/users, `Authorization: Bearer <organization API key>`, response
//   `{ data: [{ account_id, account_type, account_status, name, picture, email, access_billable, last_active,
//   product_access: [{ key, name, url, last_active }], links }], meta: { total }, links: { self, prev, next } }`),
//   https://developer.atlassian.com/cloud/admin/organization/rest/api-group-orgs/ (base URL, the org id),
//   https://developer.atlassian.com/cloud/admin/organization/user-last-active-dates/ (what "last active" means).
// Paging: the only query parameter is `cursor`; `links.next` is the whole next-page URL on this endpoint (Atlassian's
//   own tracker, https://jira.atlassian.com/browse/AX-241, contrasts it with the search endpoint's bare token) and is
//   followed as given (path and query against the account's base URL). Pages hold 50 accounts
//   (https://jira.atlassian.com/browse/AX-243); no size parameter exists.
// v1 or v2: Atlassian announced (community.atlassian.com "New organization APIs available today", 2025) that
//   GET /admin/v2/orgs/{orgId}/directories/{directoryId}/users (`-` for every directory; camelCase fields, `limit` ≤ 100,
//   a bare cursor token in links.next, filters such as accountStatus) "will eventually replace" GET /v1/orgs/{orgId}/users.
//   v1 is still documented and is what this adapter reads (the contract); v2 is a later adapter change.
// Filters: v1 takes none, so every supported filter is evaluated by the gateway while it pages.
// Unconfirmed: the error body (the gateway reads `message`, then `errors.0.title`/`detail`), whether a 429 carries
//   Retry-After (the engine honours it when present), that `links.next` is always absolute (a relative one works too).
import { defineProvider } from '../engine/spec/index.js';
import { mapAtlassianUser, type AtlassianUser } from './map.js';

export const atlassian = defineProvider<AtlassianUser>({
  slug: 'atlassian',
  displayName: 'Atlassian (organization admin)',
  docsUrl: 'https://developer.atlassian.com/cloud/admin/organization/rest/api-group-users/',
  baseUrl: 'https://api.atlassian.com',
  context: {
    orgId: { required: true, pattern: '^[A-Za-z0-9-]+$', description: 'the organization id (in the admin.atlassian.com URL, or GET /admin/v1/orgs)' },
    baseUrl: { description: 'API origin, default https://api.atlassian.com' },
  },
  auth: { kind: 'bearer', key: 'apiKey', description: '`credentials.apiKey` (an organization API key from admin.atlassian.com, scope read:accounts:admin if scoped) as a Bearer token' },
  errors: { message: ['message', 'errors.0.title', 'errors.0.detail'] },
  lists: {
    USER_DIRECTORY: {
      path: '/admin/v1/orgs/{context.orgId}/users',
      records: 'data',
      paginator: { kind: 'next-url', next: 'links.next', pageSize: { fixed: 50 }, reservedParams: ['cursor'] },
      filters: {
        email: { engine: true },
        emails: { engine: true },
        name: { engine: true },
        status: { engine: true, note: 'account_status: active → ACTIVE, inactive → INACTIVE, closed → DELETED' },
        isActive: { engine: true },
        userType: { engine: true, note: 'account_type: atlassian → USER, customer → END_USER, app → MACHINE' },
      },
    },
  },
  fields: ['name', 'emails', 'status', 'remoteStatus', 'userType', 'avatar', 'licenses', 'lastActiveAt'],
  map: (raw) => mapAtlassianUser(raw),
});
