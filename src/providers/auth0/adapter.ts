// Auth0 — the users of an Auth0 tenant, from the Management API v2.
// Docs: https://auth0.com/docs/api/management/v2/users/get-users (GET https://{domain}/api/v2/users: `page` 0-based,
//   `per_page`, `include_totals` → `{ start, limit, length, total, users }`, `sort` `field:1|-1`, `q` + `search_engine=v3`),
//   https://auth0.com/docs/manage-users/user-search/view-search-results-by-page ("Auth0 limits the total number of users
//   you can retrieve to 1000"; without `page` at most 50 records), https://auth0.com/docs/manage-users/user-search/user-search-query-syntax
//   (Lucene syntax; `email`, `name`, `given_name`, `family_name`, `nickname` match case-insensitively, other fields
//   case-sensitively; exact match in double quotes; ranges `[a TO b]` / `{a TO b}`; operators AND/OR/NOT in capitals),
//   https://auth0.com/docs/manage-users/user-migration/bulk-user-exports (POST /api/v2/jobs/users-exports: the way to
//   read more than 1000 users), https://auth0.com/docs/secure/tokens/access-tokens/management-api-access-tokens
//   (client-credentials grant at POST https://{domain}/oauth/token, audience https://{domain}/api/v2/, JSON body),
//   https://auth0.com/docs/troubleshoot/customer-support/operational-policies/rate-limit-policy (429 with
//   x-ratelimit-limit/-remaining/-reset).
// The 1000-record window: past it Auth0 answers 400 "You can only page through the first 1000 records" (quoted by
//   Auth0's community forum, https://community.auth0.com/t/help-using-the-bulk-user-export-api/79535). The gateway pages
//   while pages come back full (totals may be capped, so they never end the walk early) and answers that 400 with
//   UPSTREAM_RESULT_LIMIT naming the export job and the filters that narrow the list: never a silent stop.
// Filters: `email` (case-insensitive per the docs) and createdAfter/updatedAfter (exclusive ranges) go upstream in `q`;
//   names are substring matches the query syntax cannot say (only prefix and 3+ character suffix wildcards), username
//   matches case-sensitively upstream, and `blocked` is absent on users never blocked: those are tested while paging.
// Unconfirmed: the exact window condition (the sandbox refuses a page reaching past record 1000), whether
//   `include_totals.total` is capped at 1000 (a forum answer says so), quoted date endpoints in a range
//   (`created_at:{"2024-01-01T00:00:00.000Z" TO *]`), the unit of x-ratelimit-reset (epoch seconds assumed), `per_page` > 100
//   being refused rather than capped, and that `user_id:("a" OR "b")` is accepted for bulk lookups.
import { defineProvider, QUOTES } from '../engine/spec/index.js';
import { mapAuth0User, type Auth0User } from './map.js';

const phrase = QUOTES.lucenePhrase;
const V3 = { query: { search_engine: 'v3' } };
const q = (clause: (v: any) => string, note?: string) => ({ query: 'q', join: ' AND ', value: clause, with: V3, ...(note ? { note } : {}) });
const EXPORT_HINT = 'Auth0 reads at most the first 1000 users of a list or search: narrow it with filters Auth0 serves (email, createdAfter, updatedAfter), or read the whole tenant with a user export job (POST /api/v2/jobs/users-exports, https://auth0.com/docs/manage-users/user-migration/bulk-user-exports).';

export const auth0 = defineProvider<Auth0User>({
  slug: 'auth0',
  displayName: 'Auth0',
  docsUrl: 'https://auth0.com/docs/api/management/v2/users/get-users',
  baseUrl: 'https://{context.domain}',
  context: {
    domain: { required: true, pattern: '^[A-Za-z0-9.-]+(:[0-9]+)?$', description: 'the tenant domain, e.g. acme.us.auth0.com (or a custom domain)' },
    audience: { description: 'Management API audience for the token; default https://{domain}/api/v2/' },
    baseUrl: { description: 'API origin, default https://{domain}; the token endpoint is on it too unless context.tokenUrl is set' },
    tokenUrl: { description: 'token endpoint; default {origin}/oauth/token' },
  },
  auth: [
    { kind: 'bearer', key: 'accessToken', description: '`credentials.accessToken` (a Management API token with read:users) as a Bearer token' },
    {
      kind: 'oauth2-client-credentials',
      tokenUrl: ['{context.baseUrl}/oauth/token', 'https://{context.domain}/oauth/token'],
      clientAuth: 'json',
      scope: '',
      params: { audience: ['{context.audience}', 'https://{context.domain}/api/v2/'] },
      description: 'client-credentials grant with `credentials.clientId` + `credentials.clientSecret` (a machine-to-machine application authorised for the Management API with read:users)',
    },
  ],
  rateLimit: { resetHeader: 'x-ratelimit-reset', resetFormat: 'epoch-seconds', remainingHeader: 'x-ratelimit-remaining', limitHeader: 'x-ratelimit-limit' },
  errors: {
    message: ['message', 'error_description'],
    rules: [{ when: { status: 400, path: 'message', contains: 'page through the first 1000' }, as: 'RESULT_LIMIT', hint: EXPORT_HINT }],
  },
  lists: {
    USER_DIRECTORY: {
      path: '/api/v2/users',
      // A stable order for paging (the default order is not documented); include_totals gives the `users` envelope.
      query: { include_totals: 'true', sort: 'created_at:1' },
      records: 'users',
      paginator: { kind: 'page-number', pageParam: 'page', sizeParam: 'per_page', max: 100, first: 0, fullPages: true, reservedParams: ['include_totals', 'sort'] },
      filters: {
        email: q((v: string) => `email:${phrase(v)}`, '`q=email:"…"` (case-insensitive), search_engine=v3'),
        createdAfter: q((v: string) => `created_at:{${phrase(new Date(v).toISOString())} TO *]`, '`q=created_at:{… TO *]`'),
        updatedAfter: q((v: string) => `updated_at:{${phrase(new Date(v).toISOString())} TO *]`, '`q=updated_at:{… TO *]`'),
        emails: { engine: true },
        name: { engine: true },
        firstName: { engine: true, note: 'given_name' },
        lastName: { engine: true, note: 'family_name' },
        username: { engine: true, note: 'Auth0 matches username case-sensitively' },
        status: { engine: true, note: 'blocked → INACTIVE, else ACTIVE' },
        isActive: { engine: true },
        roleId: { engine: true, note: 'app_metadata.roles, when present' },
      },
    },
  },
  byIds: { path: '/api/v2/users', query: { q: 'user_id:({ids})', search_engine: 'v3', per_page: '100' }, idsQuote: 'lucenePhrase', idsJoin: ' OR ', records: '', idOf: 'user_id', maxBatch: 50 },
  byId: { path: '/api/v2/users/{id}' },
  fields: ['name', 'firstName', 'lastName', 'username', 'emails', 'isEmailVerified', 'status', 'remoteStatus', 'roles', 'phones', 'avatar', 'is2faEnabled', 'identifiers', 'lastLoginAt', 'createdAt', 'updatedAt'],
  map: (raw) => mapAuth0User(raw),
});
