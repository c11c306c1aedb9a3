// Slack — Web API users.list (workspace directory).
// Docs: https://docs.slack.dev/reference/methods/users.list — GET/POST https://slack.com/api/users.list,
//   `limit` ("Fewer than the requested number of items may be returned, even if the end of the users list
//   hasn't been reached"; "specify a limit value under 1000. We recommend no more than 200"), `cursor`,
//   `include_locale`, `team_id` ("required if org token is used"; "ignored if the API call is sent using a
//   workspace-level token"). Returns "a list of all users in the workspace. This includes both invited users and
//   deleted/deactivated users", "in no particular order". No server-side filter or sort.
// Pagination: https://docs.slack.dev/apis/web-api/pagination — `response_metadata.next_cursor`; "An empty,
//   null, or non-existent next_cursor in the response indicates no further results".
// User object: https://docs.slack.dev/reference/objects/user-object — `has_2fa` "Only visible if the user
//   executing the call is an admin"; Slackbot's is_bot is false; is_invited_user; `updated` (Unix seconds);
//   `profile.email` needs users:read.email.
// Errors: HTTP 200 `{ok:false, error}`; users.list error table (not_authed, invalid_auth, account_inactive,
//   token_revoked, missing_scope, no_permission, invalid_cursor, limit_required, team_added_to_org,
//   request_timeout, fatal_error, …) as mirrored in slack-ruby/slack-api-ref methods/users/users.list.json.
// Rate limits: https://docs.slack.dev/apis/web-api/rate-limits — HTTP 429 with `Retry-After` (seconds).
// Unconfirmed: users.list's tier (Tier 2 per a mirror whose label is cut off); that a 429 body is always
//   `{ok:false,error:"ratelimited"}` (third-party sources only); that `ratelimited` never comes with HTTP 200
//   (both are mapped); whether bot tokens ever see has_2fa; that deactivated users come without role flags;
//   that the limit cap is 1000 rather than 999 (we send at most 200, the documented recommendation).
import { defineProvider } from '../engine/spec/index.js';
import { mapSlackUser, type SlackUser } from './map.js';

const UNAUTHORIZED = ['not_authed', 'invalid_auth', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type'];
const FORBIDDEN = ['missing_scope', 'no_permission', 'access_denied', 'accesslimited', 'ekm_access_denied'];
/** Transient: Slack's own failures and a workspace mid-migration to an Enterprise org. */
const UNAVAILABLE = ['fatal_error', 'internal_error', 'service_unavailable', 'request_timeout', 'team_added_to_org', 'org_login_required'];

/** `error` plus what Slack adds: the scope `needed`/`provided` for missing_scope, messages for invalid_arguments. */
function slackMessage(b: any): string | undefined {
  if (typeof b?.error !== 'string') return undefined;
  const parts = [b.error];
  if (typeof b.needed === 'string') parts.push(`needed scope ${b.needed}`);
  if (typeof b.provided === 'string') parts.push(`token has ${b.provided}`);
  if (Array.isArray(b.response_metadata?.messages)) parts.push(...b.response_metadata.messages.filter((m: unknown) => typeof m === 'string'));
  return parts.join('; ');
}

const engine = (note?: string) => ({ engine: true as const, ...(note ? { note } : {}) });

export const slack = defineProvider({
  slug: 'slack',
  displayName: 'Slack',
  docsUrl: 'https://docs.slack.dev/reference/methods/users.list',
  // The origin: context.baseUrl may be a bare origin (http://mock:8080) or end in /api — both reach /api/<method>.
  baseUrl: 'https://slack.com',
  context: { baseUrl: { description: 'Slack API origin, with or without /api; default https://slack.com' } },
  auth: {
    kind: 'bearer',
    key: 'accessToken',
    description: '`credentials.accessToken`: a bot (xoxb-) or user (xoxp-) token with users:read and users:read.email; an admin\'s user token also reveals has_2fa',
  },
  // Installing with OAuth: https://docs.slack.dev/authentication/installing-with-oauth — GET
  // https://slack.com/oauth/v2/authorize with comma-separated bot `scope`, POST https://slack.com/api/oauth.v2.access
  // (client_id/client_secret in the form), answered HTTP 200 with ok:true and the bot token, or ok:false and `error`.
  // With token rotation on, tokens expire (12 h) and come with a refresh token (grant_type=refresh_token at the same
  // method). Unconfirmed: PKCE for confidential apps (not sent).
  oauth: {
    docsUrl: 'https://docs.slack.dev/authentication/installing-with-oauth',
    authorizeUrl: 'https://slack.com/oauth/v2/authorize',
    tokenUrl: 'https://slack.com/api/oauth.v2.access',
    scopes: ['users:read', 'users:read.email'],
    scopeSeparator: ',',
    pkce: false,
  },
  rateLimit: { resetHeader: 'retry-after', resetFormat: 'delta-seconds' },
  errors: {
    message: slackMessage,
    // First match wins; checked on every response, so Slack's HTTP 200 failures are classified too. An `error`
    // field only ever comes with ok:false. A plain 401/403/429/5xx falls through to the status mapping.
    rules: [
      { when: { path: 'error', equals: 'ratelimited' }, as: 'RATE_LIMITED' },
      { when: { path: 'error', in: UNAUTHORIZED }, as: 'UNAUTHORIZED' },
      { when: { path: 'error', in: FORBIDDEN }, as: 'FORBIDDEN' },
      { when: { path: 'error', equals: 'invalid_cursor' }, as: 'INVALID_CURSOR' },
      { when: { path: 'error', in: ['user_not_found', 'users_not_found'] }, as: 'NOT_FOUND' },
      { when: { path: 'error', in: UNAVAILABLE }, as: 'UNAVAILABLE' },
      // limit_required, invalid_arguments, invalid_arg_name, invalid_form_data, … and any code Slack adds later.
      { when: { status: 200, path: 'ok', equals: false }, as: 'BAD_REQUEST' },
    ],
  },
  lists: {
    USER_DIRECTORY: {
      method: 'GET',
      path: '/api/users.list',
      // `locale` fills languages; Slack only sends it when asked.
      query: { include_locale: 'true' },
      records: 'members',
      paginator: {
        kind: 'cursor',
        next: 'response_metadata.next_cursor',
        send: { query: 'cursor' },
        // Short (even empty) pages do not mean the end: only an empty next_cursor does.
        pageSize: { param: 'limit', max: 200 },
      },
      filters: {
        workspaceId: {
          query: 'team_id',
          note: '`team_id`: picks the workspace for an org-level token; a workspace token ignores it, so the gateway re-checks',
        },
        // users.list filters nothing else: the gateway tests the mapped users while it pages.
        email: engine('any of the member\'s addresses (profile.email; needs users:read.email)'),
        emails: engine(),
        name: engine('profile.real_name, else real_name, else display_name'),
        firstName: engine(),
        lastName: engine(),
        username: engine('the member\'s `name` handle'),
        status: engine('deleted → DELETED, is_invited_user → INVITED, else ACTIVE'),
        isActive: engine(),
        userType: engine('is_bot or Slackbot → MACHINE; admin/owner → ADMIN; guests → LIMITED; else USER'),
        roleId: engine('primary_owner, owner, admin, member, multi_channel_guest, single_channel_guest, bot, org_owner, org_admin'),
        organizationId: engine('the Enterprise org id (enterprise_user.enterprise_id)'),
        updatedAfter: engine('`updated`'),
      },
    },
  },
  byId: { method: 'GET', path: '/api/users.info', query: { user: '{id}', include_locale: 'true' }, record: 'user' },
  fields: [
    'name', 'firstName', 'lastName', 'username', 'emails', 'isEmailVerified', 'status', 'remoteStatus', 'roles', 'userType',
    'is2faEnabled', 'organizations', 'workspaces', 'title', 'phones', 'avatar', 'timezone', 'languages', 'updatedAt',
  ],
  map: (raw: SlackUser) => mapSlackUser(raw),
});
