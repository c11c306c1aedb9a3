// OneLogin — API v2, list users.
// Docs: https://developers.onelogin.com/api-docs/2/users/list-users (GET https://<subdomain>.onelogin.com/api/2/users;
//   generated reference in onelogin/onelogin-python-sdk docs/UsersV2Api.md: `limit` ≤ 100, `cursor`, filters
//   `email`, `username`, `firstname`, `lastname`, `created_since`, `updated_since`, …; a bare JSON array),
//   https://developers.onelogin.com/api-docs/2/getting-started/using-query-parameters (`cursor` "Set to the value
//   extracted from Before-Cursor or After-Cursor headers"; Total-Count/Total-Pages/Current-Page headers; `*` wildcards),
//   https://developers.onelogin.com/api-docs/2/oauth20-tokens/generate-tokens-2 (POST
//   https://<subdomain>.onelogin.com/auth/oauth2/v2/token, grant_type=client_credentials; "With Content-Type
//   application/x-www-form-urlencoded" client_id and client_secret go in the body, which is what the gateway
//   sends; tokens are valid for 10 hours; RFC 6749 request and response),
//   https://developers.onelogin.com/api-docs/2/oauth20-tokens/get-rate-limit (X-RateLimit-Limit/-Remaining/-Reset,
//   Reset = "remaining time in seconds").
// Filters: only the timestamps go upstream (`created_since`/`updated_since`, inclusive: the gateway re-checks
//   "strictly after"). Whether OneLogin matches `email`/`username` case-insensitively is not documented, and `*`
//   in a value would be a wildcard with no documented escape: those are tested by the gateway while it pages.
// Unconfirmed: the v2 error body (we read `message`, `name`, then `status.message` of the v1 envelope); whether
//   a 429 carries Retry-After (the reset header is used otherwise); that `limit` above 100 is capped.
import { defineProvider } from '../engine/spec/index.js';
import { mapOneLoginUser, type OneLoginUser } from './map.js';

const engine = (note?: string) => ({ engine: true as const, ...(note ? { note } : {}) });
const TOKEN_PATH = '/auth/oauth2/v2/token';

export const onelogin = defineProvider<OneLoginUser>({
  slug: 'onelogin',
  displayName: 'OneLogin',
  docsUrl: 'https://developers.onelogin.com/api-docs/2/users/list-users',
  baseUrl: 'https://{context.subdomain}.onelogin.com',
  context: {
    subdomain: { required: 'unless-baseUrl', pattern: '^[A-Za-z0-9][A-Za-z0-9-]*$', description: 'the account subdomain, e.g. acme for https://acme.onelogin.com (or set context.baseUrl)' },
    baseUrl: { description: 'API origin, e.g. https://acme.onelogin.com; the token endpoint is on it too unless context.tokenUrl is set' },
    tokenUrl: { description: `token endpoint; default {origin}${TOKEN_PATH}` },
  },
  auth: {
    kind: 'oauth2-client-credentials',
    tokenUrl: ['{context.tokenUrl}', `{context.baseUrl}${TOKEN_PATH}`, `https://{context.subdomain}.onelogin.com${TOKEN_PATH}`],
    scope: '',
    description: 'client-credentials grant with `credentials.clientId` + `credentials.clientSecret` (an API credential pair with "Read users" or higher)',
  },
  rateLimit: { resetHeader: 'x-ratelimit-reset', resetFormat: 'delta-seconds', remainingHeader: 'x-ratelimit-remaining', limitHeader: 'x-ratelimit-limit' },
  errors: { message: ['message', 'name', 'status.message'] },
  lists: {
    USER_DIRECTORY: {
      path: '/api/2/users',
      records: '',
      paginator: { kind: 'cursor', next: { header: 'after-cursor' }, send: { query: 'cursor' }, pageSize: { param: 'limit', max: 100 }, reservedParams: ['page'] },
      filters: {
        createdAfter: { query: 'created_since', value: (v: string) => new Date(v).toISOString(), note: '`created_since` (inclusive; re-checked as strictly after)' },
        updatedAfter: { query: 'updated_since', value: (v: string) => new Date(v).toISOString(), note: '`updated_since` (inclusive; re-checked as strictly after)' },
        email: engine(),
        emails: engine(),
        name: engine('firstname + lastname'),
        firstName: engine(),
        lastName: engine(),
        username: engine('`username`, else `samaccountname`'),
        status: engine('status 1 → ACTIVE; 0, 7 → INVITED; 2, 3, 4, 5, 8 → INACTIVE'),
        isActive: engine(),
        roleId: engine('`role_ids`'),
        groupId: engine('`group_id`'),
        organizationId: engine('`company`'),
      },
    },
  },
  byId: { path: '/api/2/users/{id}' },
  fields: ['name', 'firstName', 'lastName', 'username', 'emails', 'status', 'remoteStatus', 'roles', 'groups', 'organizations', 'title', 'phones', 'languages', 'externalId', 'activatedAt', 'lastLoginAt', 'createdAt', 'updatedAt'],
  map: (raw) => mapOneLoginUser(raw),
});
