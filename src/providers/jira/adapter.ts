// Jira Cloud — users assignable to issues in a project.
// Docs: https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-user-search/#api-rest-api-3-user-assignable-search-get
//   GET /rest/api/3/user/assignable/search: `project` (id or key, case sensitive; required unless issueKey/issueId),
//   `query` (matched against the prefix of displayName and emailAddress), `startAt` (0-based), `maxResults`
//   (default 50); a bare JSON array of users. The docs: it "takes the users in the range defined by startAt and
//   maxResults, up to the thousandth user, and then returns only the users from that range that can be assigned",
//   so it "usually returns fewer users than specified in maxResults".
// Bulk: https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-users/#api-rest-api-3-user-bulk-get
//   GET /rest/api/3/user/bulk?accountId=a&accountId=b (repeated), PageBeanUser `{ values, isLast, … }`, maxResults default 10.
// Rate limits: https://developer.atlassian.com/cloud/jira/platform/rate-limiting/ — 429 with Retry-After (seconds)
//   and X-RateLimit-Reset (ISO 8601, `yyyy-MM-ddTHH:mmZ`). Errors: `{"errorMessages":[…],"errors":{…}}`.
// Projects (filterValues for collectionId): https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-search-get
//   GET /rest/api/3/project/search, `startAt` (0-based) + `maxResults` (default 50, ≤ 100), PageBeanProject
//   `{ values: [{ id, key, name }], isLast, nextPage, total }`; projects the caller can browse. The key is the value.
// Auth: Basic `email:apiToken` (https://developer.atlassian.com/cloud/jira/software/basic-auth-for-rest-apis/).
// Paging: the window is over candidate users, not over the assignable ones, so the next `startAt` is the previous
//   one plus the *window* (advancing by the users returned would re-read part of the window: duplicates). A short or
//   even empty window is not the end: we keep paging to the 1000th user, then stop at the first empty window.
// Unconfirmed: the largest `maxResults` Cloud honours here (only the default, 50, is documented; we always ask for
//   50, so a silent server-side clamp can never skip users); the bulk endpoint's largest page (10, its default, is
//   used); whether deactivated users are returned by the assignable search. Jira has no created/updated dates.
import { compact, idOf, splitName, str } from '../engine/map-helpers.js';
import type { UserStatus } from '../engine/types.js';
import { defineProvider } from '../engine/spec/index.js';

export interface JiraUser {
  accountId: string;
  accountType?: string | null;
  displayName?: string | null;
  emailAddress?: string | null;
  active?: boolean | null;
  avatarUrls?: Record<string, string> | null;
  timeZone?: string | null;
  locale?: string | null;
  [extra: string]: unknown;
}

export const JIRA_WINDOW = 50;
/** The documented reach of the user-search operations: "up to the thousandth user". */
export const JIRA_REACH = 1000;

export const JIRA_STATUS: Record<string, UserStatus> = { true: 'ACTIVE', false: 'INACTIVE' };

/** The bulk endpoint's page size (its default): a batch never exceeds one page. */
const JIRA_BULK_BATCH = 10;

export const jira = defineProvider<JiraUser>({
  slug: 'jira',
  displayName: 'Jira Cloud',
  docsUrl: 'https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-user-search/#api-rest-api-3-user-assignable-search-get',
  context: {
    baseUrl: { required: true, description: 'the Jira Cloud site, e.g. https://acme.atlassian.net (an OAuth account: https://api.atlassian.com/ex/jira/{cloudId}, set by the connect flow)' },
    cloudId: { description: 'the site\'s cloud id (OAuth accounts; found through accessible-resources)' },
    siteUrl: { description: 'the site an OAuth connect link is for, e.g. https://acme.atlassian.net (default: the first site the user granted)' },
  },
  auth: [
    { kind: 'basic', username: '{credentials.email}', password: '{credentials.apiToken}', description: '`credentials.email` + `credentials.apiToken` (an Atlassian API token) as HTTP Basic auth' },
    { kind: 'bearer', key: 'accessToken', description: '`credentials.accessToken` (OAuth 2.0 3LO, scopes read:jira-user read:jira-work) as a Bearer token, with context.baseUrl https://api.atlassian.com/ex/jira/{cloudId}' },
  ],
  // OAuth 2.0 (3LO): https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/ — authorize at auth.atlassian.com
  // with audience=api.atlassian.com and prompt=consent, POST /oauth/token (JSON body in the docs' examples), offline_access for
  // a (rotating) refresh token; a 3LO token works only through api.atlassian.com/ex/jira/{cloudId}, the cloud id read from
  // GET https://api.atlassian.com/oauth/token/accessible-resources. Unconfirmed: PKCE (not documented there, so not sent).
  oauth: {
    docsUrl: 'https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/',
    authorizeUrl: 'https://auth.atlassian.com/authorize',
    tokenUrl: 'https://auth.atlassian.com/oauth/token',
    scopes: ['read:jira-user', 'read:jira-work', 'offline_access'],
    pkce: false,
    clientAuth: 'json',
    authorizeParams: { audience: 'api.atlassian.com', prompt: 'consent' },
    resources: { url: 'https://api.atlassian.com/oauth/token/accessible-resources', records: '', context: { cloudId: 'id', siteUrl: 'url' }, match: { context: 'siteUrl', path: 'url' }, baseUrl: '/ex/jira/{context.cloudId}' },
  },
  lists: {
    TICKETING: {
      path: '/rest/api/3/user/assignable/search',
      records: '',
      paginator: { kind: 'offset', offsetParam: 'startAt', limitParam: 'maxResults', max: JIRA_WINDOW, filteredWindows: { size: JIRA_WINDOW, reach: JIRA_REACH } },
      requiredFilters: ['collectionId'],
      filters: {
        collectionId: { query: 'project', note: 'a project key (case sensitive) or id' },
        email: { query: 'query', note: 'Jira `query` prefix-matches emailAddress (and displayName); hidden e-mails never match' },
        name: { engine: true, note: 'substring of displayName, tested by the gateway (`query` would only prefix-match and is used by email)' },
        isActive: { engine: true, note: 'the `active` flag, tested by the gateway' },
      },
      values: {
        collectionId: { path: '/rest/api/3/project/search', records: 'values', paginator: { kind: 'offset', offsetParam: 'startAt', limitParam: 'maxResults', max: 50 }, id: 'key', name: 'name' },
      },
    },
  },
  byIds: { path: '/rest/api/3/user/bulk', query: { accountId: '{ids}', maxResults: String(JIRA_BULK_BATCH) }, records: 'values', idOf: 'accountId', maxBatch: JIRA_BULK_BATCH },
  rateLimit: { resetHeader: 'x-ratelimit-reset', resetFormat: 'iso-date' },
  errors: {
    message: (b) => {
      const msgs = [...(Array.isArray(b?.errorMessages) ? b.errorMessages : []), ...Object.values(b?.errors && typeof b.errors === 'object' ? b.errors : {})];
      const text = msgs.filter((m) => typeof m === 'string' && m).join('; ');
      return text || undefined;
    },
  },
  fields: ['name', 'firstName', 'lastName', 'username', 'emails', 'avatar', 'isActive', 'status', 'remoteStatus', 'roles', 'teamIds', 'timezone', 'languages'],
  map(u) {
    const name = str(u.displayName);
    const email = typeof u.emailAddress === 'string' && u.emailAddress !== '' ? u.emailAddress : null;
    const active = typeof u.active === 'boolean' ? u.active : null;
    const accountType = str(u.accountType);
    const avatars = u.avatarUrls && typeof u.avatarUrls === 'object' ? u.avatarUrls : {};
    return {
      remoteId: idOf(u.accountId),
      name,
      ...splitName(name), // heuristic: Jira has one displayName; split at the first space
      username: null, // removed from Jira Cloud for GDPR; accountId is the only identifier
      emails: email ? [{ email, isPrimary: true, type: 'primary' }] : [],
      avatar: str(avatars['48x48']),
      isActive: active,
      status: active === null ? null : JIRA_STATUS[String(active)]!,
      remoteStatus: u.active === undefined || u.active === null ? null : String(u.active),
      roles: accountType ? [{ id: accountType, name: accountType }] : [],
      teamIds: [],
      timezone: str(u.timeZone),
      languages: compact([str(u.locale)]),
      createdAt: null,
      updatedAt: null,
    };
  },
});
