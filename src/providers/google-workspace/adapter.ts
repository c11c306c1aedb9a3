// Google Workspace — the users of a customer's directory, from the Admin SDK Directory API `users.list`.
// Docs: https://developers.google.com/workspace/admin/directory/reference/rest/v1/users/list (GET
//   /admin/directory/v1/users; `customer` (or the `my_customer` alias) or `domain` is required; `maxResults`
//   1–500 (the range from the API's discovery document, as generated clients print it); `pageToken` ←
//   `nextPageToken`, valid three days; `orderBy` email | givenName | familyName with `sortOrder` ASCENDING |
//   DESCENDING; `showDeleted=true` lists deleted users only; scope admin.directory.user.readonly),
//   https://developers.google.com/workspace/admin/directory/reference/rest/v1/users (the User resource),
//   https://developers.google.com/workspace/admin/directory/v1/guides/search-users (`query`: clauses joined by
//   spaces are ANDed; `email` (aliases included) with `=`; isSuspended, isArchived, orgUnitPath with `=`; `:` is
//   a word match, not a substring, so names are filtered by the gateway),
//   https://developers.google.com/identity/protocols/oauth2/service-account (the JWT-bearer grant: RS256 JWT with
//   iss = client_email, scope, aud = https://oauth2.googleapis.com/token, exp ≤ 1 h, `sub` = the user impersonated
//   under domain-wide delegation; POST grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=…),
//   https://developers.google.com/workspace/admin/directory/v1/limits (403 userRateLimitExceeded / rateLimitExceeded;
//   back off), https://cloud.google.com/apis/design/errors (`{ error: { code, message, errors: [{ reason }], status } }`).
// Unconfirmed: how `query` escapes a single quote inside a quoted value (a backslash is assumed); that
//   `orgUnitPath=` matches the unit only and not its children; Google's default order without orderBy (the
//   gateway pages by the token whatever the order); the epoch-zero lastLoginTime for users who never signed in.
import { refuse } from '../engine/filters.js';
import type { SortInput, UserStatus } from '../engine/types.js';
import { defineProvider, type FilterSpec } from '../engine/spec/index.js';
import { mapGoogleUser, type GoogleUser } from './map.js';

export const GOOGLE_DIRECTORY_SCOPE = 'https://www.googleapis.com/auth/admin.directory.user.readonly';
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** A value inside `query`, single-quoted (the search guide quotes values with spaces so); `\` and `'` escaped. */
export const googleQuote = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const clause = (f: (v: any) => string | undefined): FilterSpec => ({ query: 'query', join: ' ', value: f });
const ORDER_BY: Partial<Record<SortInput['field'], string>> = { EMAIL: 'email', FIRST_NAME: 'givenName', LAST_NAME: 'familyName' };
const ACTIVE = 'isSuspended=false isArchived=false';

export const googleWorkspace = defineProvider<GoogleUser>({
  slug: 'google-workspace',
  displayName: 'Google Workspace (Admin SDK Directory)',
  docsUrl: 'https://developers.google.com/workspace/admin/directory/reference/rest/v1/users/list',
  baseUrl: 'https://admin.googleapis.com',
  context: {
    subject: { description: 'the admin user the service account impersonates (domain-wide delegation), e.g. admin@example.com' },
    customerId: { description: 'the customer whose users are listed (`customer`); default my_customer, the caller\'s own', default: 'my_customer' },
  },
  auth: [
    {
      kind: 'oauth2-jwt-bearer', key: 'serviceAccount', scope: GOOGLE_DIRECTORY_SCOPE, subject: '{context.subject}', tokenUrl: GOOGLE_TOKEN_URL,
      description: '`credentials.serviceAccount`: the service account\'s JSON key (client_email, private_key, private_key_id), with domain-wide delegation of the admin.directory.user.readonly scope; `context.subject` the admin it acts as',
    },
    { kind: 'bearer', key: 'accessToken', description: '`credentials.accessToken`: an OAuth 2.0 access token with the admin.directory.user.readonly scope' },
  ],
  // The web-server flow: https://developers.google.com/identity/protocols/oauth2/web-server — GET
  // https://accounts.google.com/o/oauth2/v2/auth (access_type=offline for a refresh token; prompt=consent so a
  // re-connect gets one again), POST https://oauth2.googleapis.com/token with client_id/client_secret in the form;
  // PKCE S256 is accepted. The consenting user must be an admin with the directory read privilege.
  oauth: {
    docsUrl: 'https://developers.google.com/identity/protocols/oauth2/web-server',
    authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    scopes: [GOOGLE_DIRECTORY_SCOPE],
    pkce: true,
    authorizeParams: { access_type: 'offline', prompt: 'consent' },
  },
  lists: {
    USER_DIRECTORY: {
      path: '/admin/directory/v1/users',
      records: 'users',
      paginator: { kind: 'cursor', next: 'nextPageToken', send: { query: 'pageToken' }, pageSize: { param: 'maxResults', max: 500 }, reservedParams: ['query', 'orderBy', 'sortOrder', 'showDeleted'] },
      filterDefaults: { customerId: '{context.customerId}' },
      filters: {
        customerId: { query: 'customer', note: "`customer`; defaults to context.customerId (my_customer)" },
        orgUnitPath: { ...clause((v: string) => `orgUnitPath=${googleQuote(v)}`), note: "`query` orgUnitPath='…'" },
        email: { ...clause((v: string) => `email=${googleQuote(v)}`), note: "`query` email='…' (aliases included)" },
        username: { ...clause((v: string) => `email=${googleQuote(v)}`), note: "`query` email='…'; the username is the primary address" },
        status: {
          ...clause((v: UserStatus) => (v === 'ACTIVE' ? ACTIVE : v === 'INVITED' ? refuse('Google Workspace has no invited users.') : undefined)),
          with: (v: UserStatus) => (v === 'DELETED' ? { query: { showDeleted: 'true' } } : undefined),
          note: "ACTIVE as `query` isSuspended=false isArchived=false; DELETED as showDeleted=true; INACTIVE (suspended or archived) filtered by the gateway; INVITED is refused",
        },
        isActive: { ...clause((v: boolean) => (v ? ACTIVE : undefined)), note: 'true as `query` isSuspended=false isArchived=false; false filtered by the gateway' },
        sort: {
          params: (s: SortInput) => {
            const f = ORDER_BY[s.field];
            if (!f) refuse(`Google sorts users by EMAIL, FIRST_NAME or LAST_NAME only, not ${s.field}.`);
            return [['orderBy', f], ['sortOrder', s.direction === 'DESC' ? 'DESCENDING' : 'ASCENDING']];
          },
          recheck: false,
          note: '`orderBy` email | givenName | familyName + `sortOrder`',
        },
        emails: { engine: true },
        name: { engine: true, note: "substring match; Google's name: is a word match" },
        firstName: { engine: true, note: "substring match; Google's givenName: is a word match" },
        lastName: { engine: true, note: "substring match; Google's familyName: is a word match" },
        roleId: { engine: true, note: 'super_admin or delegated_admin' },
        userType: { engine: true, note: 'ADMIN (isAdmin or isDelegatedAdmin) or USER' },
        organizationId: { engine: true, note: 'the name of an entry of organizations[]' },
        createdAfter: { engine: true, note: 'users.list cannot filter by creationTime' },
      },
    },
  },
  byId: { path: '/admin/directory/v1/users/{id}' },
  errors: {
    rules: [{ when: { status: [403, 429], path: 'error.errors.*.reason', in: ['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded'] }, as: 'RATE_LIMITED' }],
  },
  fields: ['name', 'firstName', 'lastName', 'username', 'emails', 'status', 'remoteStatus', 'isActive', 'roles', 'userType', 'organizations', 'title', 'phones', 'languages', 'avatar', 'externalId', 'is2faEnabled', 'identifiers', 'lastLoginAt', 'createdAt'],
  map: (raw) => mapGoogleUser(raw),
});
