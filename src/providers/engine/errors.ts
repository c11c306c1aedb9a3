// One table of error codes. Every error a client can see is a GatewayError (a GraphQLError), so yoga
// never masks it, and it always carries a stable `extensions.code` plus what to do about it.
import { GraphQLError } from 'graphql';
import type { ErrorClass } from './types.js';

/** Every code a client can see, with when it happens: the README's error table is generated from this. */
export const ERROR_CODES = {
  UNAUTHENTICATED: 'missing, unknown or revoked tenant API token (HTTP 401)',
  BAD_REQUEST: 'malformed JSON, a batched (array) request, no query (HTTP 400)',
  UNSUPPORTED_MEDIA_TYPE: 'a body that is not JSON (HTTP 415); see [Clients](#clients)',
  NOT_FOUND: 'a path other than /graphql (HTTP 404)',
  METHOD_NOT_ALLOWED: 'a method other than GET or POST (HTTP 405)',
  NOT_ACCEPTABLE: 'an Accept header without JSON, or GraphiQL asked for while it is off (HTTP 406)',
  PERSISTED_QUERY_NOT_FOUND: 'an unknown persisted-query hash (HTTP 404; the client resends the query)',
  PERSISTED_QUERY_MISMATCH: 'a persisted-query hash that does not match its query',
  INTEGRATED_ACCOUNT_NOT_FOUND: "no such account — or another tenant's, which looks the same",
  INTEGRATED_ACCOUNT_DISABLED: 'the account was disabled by an administrator ([storage](#storage))',
  INTEGRATED_ACCOUNT_NEEDS_REAUTH: 'the account must be connected again ([storage](#storage))',
  STORE_UNAVAILABLE: 'the account database cannot be reached (HTTP 503)',
  CATEGORY_MISMATCH: 'the account\'s provider does not serve the category asked for',
  UNSUPPORTED_FILTER: 'the provider cannot honour a filter, or this value of it, or (`filterValues`) cannot list its values',
  MISSING_REQUIRED_FILTER: "the provider needs a filter to list users (e.g. Jira's project)",
  INVALID_CURSOR: 'forged, truncated, issued for another account or other filters, or its position (kept by the gateway process) expired: restart paging without `after`',
  BACKWARD_PAGINATION_UNSUPPORTED: '`last`/`before`: providers page forward only',
  BAD_USER_INPUT: '`first` outside 1–100 (1–`limits.maxStreamFirst` with `edges @stream`), `pageInfo` not deferred on a long stream, a bad export parameter, more than 100 node ids in a request, an empty or over-100 `filters.emails`, a malformed date or id, an id or path value of `.` or `..` or with `/` or `\\`, a filter value the provider does not know (its scoped endpoint answered 404; `extensions.filter` names it)',
  FILTER_SCAN_EXHAUSTED: 'a filter the engine tests while paging matched nothing within the scan budget (ten times `limits.maxScan` records, or five seconds); narrow with a filter served upstream, or pass `extensions.after` as `after` to keep scanning',
  QUERY_TOO_COMPLEX: 'more than 20 aliases, depth over 12, over 5000 tokens or 50 directives (each `users` field can fan out into upstream calls); a request body over 256 KiB (HTTP 413)',
  PRIVATE_UPSTREAM_REFUSED: 'the upstream resolves to a private address and `allowPrivateUpstreams` is off',
  UPSTREAM_UNAUTHORIZED: 'upstream 401 (or a response the provider\'s error rules read as one)',
  UPSTREAM_FORBIDDEN: 'upstream 403 (or a response the provider\'s error rules read as one)',
  UPSTREAM_NOT_FOUND: 'upstream 404',
  UPSTREAM_RATE_LIMITED: 'upstream 429 after retries, or a response the provider\'s error rules read as a rate limit (a GraphQL `RATELIMITED`, a secondary limit); with `retryAfter` seconds; or the account\'s request bucket has no turn within `limits.rateLimitWaitMs`',
  UPSTREAM_UNAVAILABLE: 'upstream 5xx, network failure or a missed deadline (`http.timeoutMs` for one attempt: connect, headers and the whole body) after retries; or the request\'s budget (`limits.requestTimeoutMs`) ran out, or the gateway is shutting down, and its upstream calls were stopped',
  GATEWAY_OVERLOADED: 'load shed, answered at once with `retryAfter` seconds: the tenant already has `limits.maxInFlightPerTenant` requests running (HTTP 429 with `Retry-After`), or every connection to an upstream stayed busy for `http.queueTimeoutMs`, or the tenant\'s share of an upstream\'s connections (`http.connectionsPerTenant`) for most of an attempt\'s deadline (an error on that field)',
  UPSTREAM_BUDGET_EXHAUSTED: 'the request reached `limits.maxUpstreamCallsPerRequest` upstream calls, counted across all its fields (aliases, nodes, joins, pages); ask for less per request or page with `after`',
  UPSTREAM_BAD_REQUEST: 'upstream rejected the request (other 4xx, or errors in a 200 body)',
  UPSTREAM_RESULT_LIMIT: 'the provider will not page past a fixed number of records (Auth0: the first 1000 of a list or search); narrow the list with filters the provider serves, or use the export the message names',
  UPSTREAM_BAD_RESPONSE: 'malformed JSON or an unexpected shape; or `limits.maxPages` pages in a row without a record that still point to a next one (`extensions.after` goes on)',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface GatewayErrorExtensions {
  provider?: string;
  upstreamStatus?: number;
  retryAfter?: number;
  filter?: string;
  [key: string]: unknown;
}

export class GatewayError extends GraphQLError {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, extensions: GatewayErrorExtensions = {}, http?: { status: number; headers?: Record<string, string> }) {
    super(message, {
      extensions: { code, ...extensions, ...(http ? { http } : {}) },
    });
    this.code = code;
  }
}

/** What an upstream response is, by its status alone (error rules may say otherwise). */
export function classOfStatus(status: number): ErrorClass | 'REDIRECT' {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 300 && status < 400) return 'REDIRECT';
  if (status >= 500) return 'UNAVAILABLE';
  return 'BAD_REQUEST';
}

/** Maps an upstream response's class to our code and a sentence telling the caller what to do. */
export function upstreamError(provider: string, cls: ErrorClass | 'REDIRECT', status: number, detail: string | undefined, retryAfter?: number, hint?: string): GatewayError {
  const said = detail ? ` (${detail})` : '';
  if (hint) return withHint(upstreamError(provider, cls, status, detail, retryAfter), hint);
  const ext: GatewayErrorExtensions = { provider, upstreamStatus: status };
  if (cls === 'UNAUTHORIZED')
    return new GatewayError('UPSTREAM_UNAUTHORIZED', `${provider} rejected the credentials with ${status}${said}. Check or rotate the integrated account's credentials.`, ext);
  if (cls === 'FORBIDDEN')
    return new GatewayError('UPSTREAM_FORBIDDEN', `${provider} refused access with ${status}${said}. Grant the credential the scopes needed to list users.`, ext);
  if (cls === 'NOT_FOUND')
    return new GatewayError('UPSTREAM_NOT_FOUND', `${provider} answered ${status}${said}. Check the account's base URL, subdomain or the id given in the filter.`, ext);
  if (cls === 'RATE_LIMITED')
    return new GatewayError('UPSTREAM_RATE_LIMITED', `${provider} is rate limiting this account${said}. Retry after ${retryAfter ?? 'a few'} seconds.`, { ...ext, retryAfter });
  if (cls === 'REDIRECT')
    return new GatewayError('UPSTREAM_BAD_RESPONSE', `${provider} answered with a redirect (HTTP ${status}), which the gateway does not follow. Set context.baseUrl to the API's final address.`, ext);
  if (cls === 'UNAVAILABLE')
    return new GatewayError('UPSTREAM_UNAVAILABLE', `${provider} is unavailable (HTTP ${status})${said}. Retry later.`, ext);
  if (cls === 'INVALID_CURSOR')
    return new GatewayError('INVALID_CURSOR', `${provider} no longer accepts this page's cursor${said}. Start the list again without \`after\`.`, ext);
  if (cls === 'RESULT_LIMIT')
    return new GatewayError('UPSTREAM_RESULT_LIMIT', `${provider} will not page any further${said}. Narrow the list with filters the provider serves upstream.`, ext);
  if (cls === 'BAD_RESPONSE')
    return new GatewayError('UPSTREAM_BAD_RESPONSE', `${provider} answered ${status} with a body the gateway cannot use${said}. The upstream API may have changed; check the account's base URL.`, ext);
  return new GatewayError('UPSTREAM_BAD_REQUEST', `${provider} rejected the request with HTTP ${status}${said}. Check the filters and remoteQuery values.`, ext);
}

/** The same error with a provider's advice (an error rule's `hint`) added to its message. */
function withHint(e: GatewayError, hint: string): GatewayError {
  const { code, ...extensions } = e.extensions as GatewayErrorExtensions & { code: ErrorCode };
  return new GatewayError(e.code, `${e.message} ${hint}`, extensions);
}
