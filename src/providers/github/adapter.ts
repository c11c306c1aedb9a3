// GitHub — organization members (USER_DIRECTORY) and a repository's assignable users (TICKETING).
// Docs:
//   https://docs.github.com/rest/orgs/members#list-organization-members        GET /orgs/{org}/members
//   https://docs.github.com/rest/orgs/members#list-pending-organization-invitations
//   https://docs.github.com/rest/issues/assignees#list-assignees               GET /repos/{owner}/{repo}/assignees
//   https://docs.github.com/rest/users/users#get-a-user-using-their-id          GET /user/{account_id}
//   https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api
//   https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api
//   https://docs.github.com/enterprise-server@3.17/rest/orgs/members (GHES: https://HOSTNAME/api/v3)
// Spec: github/rest-api-description, descriptions/api.github.com/api.github.com.2022-11-28.yaml (read through the
//   file index; the repository snapshot is over the fetch size limit): orgs/list-members `filter`
//   2fa_disabled|2fa_insecure|all (owners only), `role` all|admin|member, per_page ≤ 100 (default 30), page,
//   Link header, 422 "Validation failed, or the endpoint has been spammed"; orgs/list-pending-invitations
//   (`role`, `invitation_source`, organization-invitation, 404); users/get-by-id; simple-user and basic-error.
// Confirmed: Bearer auth, `Accept: application/vnd.github+json`, `X-GitHub-Api-Version: 2022-11-28`; primary limit
//   = 403 or 429 with x-ratelimit-remaining 0 and x-ratelimit-reset (UTC epoch seconds); secondary limit = 403
//   or 429 with a message naming it, `retry-after` when present, else wait at least a minute.
// Third-party only: Link headers point at the id-based routes (/organizations/{id}/members,
//   /repositories/{id}/assignees) — GitHub's own pagination guide shows the same for /repositories/{id}/issues.
// Not confirmed: the order of the member list; the 422 a non-owner gets for the 2fa filters and its wording;
//   that `suspended_at` (GHES) appears in the public view; the SAML-enforcement 403 wording.
//
// Choices
// - USER_DIRECTORY needs context.org (requiredContext); TICKETING reads the repository from filters.collectionId
//   ("owner/repo", split into two checked path segments), else from context.owner + context.repo — the filter wins,
//   neither is MISSING_REQUIRED_FILTER. One account can serve both categories.
// - roleId, not userType, carries the org role: GitHub's own values (`admin` = owner, `member`), sent as `role`.
//   No user payload has the role, so the engine cannot re-check it (`recheck: false`) and `roles` stays empty on
//   the mapped users; userType stays what the payload says (`type`: User → USER, Bot → MACHINE), served by the
//   engine. Mapping userType ADMIN to role=admin would list owners whose own userType reads USER.
// - is2faEnabled: GitHub can list only the members *without* 2FA (`filter=2fa_disabled`, owners only), and the
//   payload never says. There is no `is2faEnabled` filter in the schema; `remoteQuery: { filter: "2fa_disabled" }`
//   passes through untouched and the field stays null (a filter name would touch the schema: left for later).
// - Pending invitations are not listed (GitHub lists them elsewhere, owners only; the mapper reads them, the list
//   does not reach them yet): status is served by the engine, listed members are ACTIVE, so INVITED/INACTIVE/DELETED
//   return nothing rather than a guess.
// - name/email/firstName/lastName are not in list payloads (simple-user): those filters are refused, not
//   evaluated against nulls.
// - Rate limits: a 403/429 with x-ratelimit-remaining 0 waits until x-ratelimit-reset (epoch seconds); a secondary
//   limit honours retry-after, else waits the documented "at least a minute" (the reset header, sent on every
//   response, counts only with remaining 0).
// - node ids resolve with GET /user/{id} (the durable numeric id; logins can be renamed) — any GitHub user, so a
//   member who has left still resolves (a membership check after the lookup would need more vocabulary).
import { defineProvider, type PaginatorSpec } from '../engine/spec/index.js';
import { toUnifiedGitHubUser } from './map.js';

const linkPages: PaginatorSpec = { kind: 'link-header', pageSize: { param: 'per_page', max: 100 }, reservedParams: ['page'] };
const LOGIN = '^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$';
const LOGIN_FILTERS = {
  isActive: { engine: true },
  username: { engine: true, note: 'login, case-insensitive' },
  userType: { engine: true, note: 'from `type`: User → USER, Bot → MACHINE' },
} as const;

export const github = defineProvider({
  slug: 'github',
  displayName: 'GitHub',
  docsUrl: 'https://docs.github.com/rest/orgs/members#list-organization-members',
  // GHES: context.baseUrl = https://HOSTNAME/api/v3 (it always wins; Link headers keep their /api/v3 path).
  baseUrl: 'https://api.github.com',
  context: {
    org: { description: 'the organization login, e.g. acme-corp (USER_DIRECTORY)', pattern: LOGIN },
    owner: { description: 'the repository owner for TICKETING, unless filters.collectionId ("owner/repo") is given', pattern: LOGIN },
    repo: { description: 'the repository name for TICKETING, without .git', pattern: '^[A-Za-z0-9._-]{1,100}$' },
  },
  auth: {
    kind: 'bearer',
    key: 'accessToken',
    description: '`credentials.accessToken` (a fine-grained or classic personal access token, or a GitHub App token; "Members" read for org members, "Issues" read for assignees) as a Bearer token; GitHub Enterprise Server: `context.baseUrl` https://HOSTNAME/api/v3',
  },
  // The web application flow: https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-user-access-token-for-a-github-app
  // and https://docs.github.com/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps — POST /login/oauth/access_token
  // (Accept: application/json), errors as HTTP 200 with `error`; a GitHub App's expiring user tokens last 8 hours with a
  // 6-month refresh token that is replaced on each use (refreshing-user-access-tokens); an OAuth app's never expire.
  // Unconfirmed: PKCE S256 on github.com (announced in GitHub's changelog; not on the pages read) — sent, and harmless if ignored.
  oauth: {
    docsUrl: 'https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-user-access-token-for-a-github-app',
    authorizeUrl: 'https://github.com/login/oauth/authorize',
    tokenUrl: 'https://github.com/login/oauth/access_token',
    scopes: ['read:org'],
    pkce: true,
  },
  headers: { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
  rateLimit: { resetHeader: 'x-ratelimit-reset', resetFormat: 'epoch-seconds', resetWhen: { header: 'x-ratelimit-remaining', equals: '0' }, defaultWaitSeconds: 60, remainingHeader: 'x-ratelimit-remaining', limitHeader: 'x-ratelimit-limit' },
  errors: {
    message: 'message',
    rules: [
      { when: { status: [403, 429], header: 'x-ratelimit-remaining', equals: '0' }, as: 'RATE_LIMITED' },
      { when: { status: [403, 429], path: 'message', contains: 'secondary rate limit' }, as: 'RATE_LIMITED' },
      { when: { status: [403, 429], path: 'message', contains: 'abuse detection' }, as: 'RATE_LIMITED' }, // the older wording
    ],
  },
  lists: {
    USER_DIRECTORY: {
      path: '/orgs/{context.org}/members',
      requiredContext: ['org'],
      records: '',
      paginator: linkPages,
      filters: {
        roleId: {
          query: 'role',
          value: { map: { admin: 'admin', member: 'member' } },
          recheck: false,
          note: '`role` (admin = organization owner, member = non-owner); trusted as GitHub returns it (the payload has no role)',
        },
        status: { engine: true, note: 'every listed member is ACTIVE' },
        ...LOGIN_FILTERS,
      },
    },
    TICKETING: {
      path: '/repos/{filters.collectionId/2}/assignees',
      filterDefaults: { collectionId: '{context.owner}/{context.repo}' },
      records: '',
      paginator: linkPages,
      filters: {
        collectionId: { path: true, note: 'the repository as "owner/repo"; else context.owner + context.repo' },
        status: { engine: true, note: 'every assignable user is ACTIVE' },
        ...LOGIN_FILTERS,
      },
    },
  },
  byId: { path: '/user/{id}' },
  fields: ['name', 'firstName', 'lastName', 'username', 'emails', 'avatar', 'status', 'remoteStatus', 'isActive', 'userType', 'urls', 'identifiers', 'roles', 'bio', 'is2faEnabled', 'createdAt', 'updatedAt'],
  map: (raw) => toUnifiedGitHubUser(raw),
});
