// Zoom — the users of a Zoom account, from GET /v2/users.
// Docs: https://developers.zoom.us/docs/api/users/#tag/users/GET/users (`status` active | inactive | pending, one per
//   call, default active; `page_size` (default 30, at most 300); `next_page_token` (expires after 15 minutes);
//   `role_id`; response { page_size, total_records, next_page_token, users }), https://developers.zoom.us/docs/internal-apps/s2s-oauth/
//   (Server-to-Server OAuth: POST https://zoom.us/oauth/token?grant_type=account_credentials&account_id=…, client id and
//   secret as HTTP Basic; a one-hour token, no refresh token), https://developers.zoom.us/docs/api/rest/rate-limits/
//   (429, Retry-After on daily limits), https://developers.zoom.us/docs/api/rest/error-definitions/ (`{ code, message }`).
// The walk over every user is three passes (active, then inactive, then pending); filters.status makes it one.
// The grant's fields go in the token URL's query, as documented, and in the form body too, so that a
//   context.tokenUrl without them (a proxy, the sandbox) still receives them.
// Unconfirmed: the page_size maximum (300 in older docs and third-party clients; newer docs may allow more); the
//   built-in role ids (0 Owner, 1 Admin, 2 Member); the licence type codes 4 and 99; that `language`,
//   `phone_number`, `pic_url` and `employee_unique_id` appear in the list (not only on GET /users/{id}).
import type { UserStatus } from '../engine/types.js';
import { defineProvider, refuse } from '../engine/spec/index.js';
import { mapZoomUser, type ZoomUser } from './map.js';

const STATUS: Partial<Record<UserStatus, string>> = { ACTIVE: 'active', INACTIVE: 'inactive', INVITED: 'pending' };

export const zoom = defineProvider<ZoomUser>({
  slug: 'zoom',
  displayName: 'Zoom',
  docsUrl: 'https://developers.zoom.us/docs/api/users/#tag/users/GET/users',
  baseUrl: 'https://api.zoom.us',
  auth: [
    {
      kind: 'oauth2-client-credentials',
      tokenUrl: 'https://zoom.us/oauth/token?grant_type=account_credentials&account_id={credentials.accountId}',
      grantType: 'account_credentials',
      clientAuth: 'basic',
      params: { account_id: '{credentials.accountId}' },
      keys: ['accountId', 'clientId', 'clientSecret'],
      description: 'Server-to-Server OAuth with `credentials.accountId`, `credentials.clientId`, `credentials.clientSecret` (scope user:read:admin, or user:read:list_users:admin)',
    },
    { kind: 'bearer', key: 'accessToken', description: '`credentials.accessToken`: an OAuth access token with user:read:admin' },
  ],
  // The user-authorization (authorization code) flow: https://developers.zoom.us/docs/integrations/oauth/ —
  // GET https://zoom.us/oauth/authorize, POST https://zoom.us/oauth/token with HTTP Basic client authentication for a
  // confidential app; PKCE S256 is accepted (https://developers.zoom.us/docs/integrations/PKCE/); each refresh returns
  // a new refresh token and the old one stops working. Unconfirmed: whether an account-level app needs more scopes.
  oauth: {
    docsUrl: 'https://developers.zoom.us/docs/integrations/oauth/',
    authorizeUrl: 'https://zoom.us/oauth/authorize',
    tokenUrl: 'https://zoom.us/oauth/token',
    scopes: ['user:read:admin'],
    pkce: true,
    clientAuth: 'basic',
  },
  lists: {
    USER_DIRECTORY: {
      path: '/v2/users',
      records: 'users',
      paginator: {
        kind: 'cursor', next: 'next_page_token', send: { query: 'next_page_token' }, pageSize: { param: 'page_size', max: 300 },
        passes: { param: 'status', values: ['active', 'inactive', 'pending'] },
      },
      filters: {
        status: {
          query: 'status',
          value: (v: UserStatus) => STATUS[v] ?? refuse('Zoom does not list deleted users.'),
          note: '`status` active | inactive | pending (one pass instead of three); DELETED is refused',
        },
        isActive: { query: 'status', value: (v: boolean) => (v ? 'active' : undefined), note: 'true as `status=active`; false walks the inactive and pending passes through the gateway' },
        roleId: { query: 'role_id', note: '`role_id` (0 Owner, 1 Admin, 2 Member, or a custom role id)' },
        email: { engine: true },
        emails: { engine: true },
        username: { engine: true, note: 'the e-mail address' },
        name: { engine: true },
        firstName: { engine: true },
        lastName: { engine: true },
        userType: { engine: true, note: 'ADMIN for the Owner and Admin roles' },
        organizationId: { engine: true, note: 'the department (`dept`)' },
        groupId: { engine: true, note: 'one of `group_ids`' },
        createdAfter: { engine: true },
      },
    },
  },
  byId: { path: '/v2/users/{id}' },
  fields: ['name', 'firstName', 'lastName', 'username', 'emails', 'status', 'remoteStatus', 'isActive', 'roles', 'userType', 'licenses', 'groups', 'organizations', 'timezone', 'languages', 'phones', 'avatar', 'externalId', 'isEmailVerified', 'lastLoginAt', 'createdAt'],
  map: (raw) => mapZoomUser(raw),
});
