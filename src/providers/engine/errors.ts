// One table of error codes. Every error a client can see is a GatewayError (a GraphQLError), so yoga
// never masks it, and it always carries a stable `extensions.code` plus what to do about it.
import { GraphQLError } from 'graphql';

export const ERROR_CODES = {
  UNAUTHENTICATED: 'missing or unknown tenant API token (HTTP 401)',
  INTEGRATED_ACCOUNT_NOT_FOUND: 'no such account for this tenant',
  UNSUPPORTED_FILTER: 'the provider cannot honour this filter',
  MISSING_REQUIRED_FILTER: 'the provider needs this filter to list users',
  CATEGORY_MISMATCH: 'the account belongs to another category',
  INVALID_CURSOR: 'cursor forged, truncated, or issued for another query',
  BACKWARD_PAGINATION_UNSUPPORTED: 'last/before on a provider that only pages forward',
  BAD_USER_INPUT: 'an argument is out of range or malformed',
  FILTER_SCAN_EXHAUSTED: 'a filter the gateway tests while paging matched nothing within the scan budget',
  QUERY_TOO_COMPLEX: 'too many aliases, too deep, or too large a document',
  PRIVATE_UPSTREAM_REFUSED: 'upstream resolves to a loopback/private address',
  UPSTREAM_UNAUTHORIZED: 'upstream answered 401',
  UPSTREAM_FORBIDDEN: 'upstream answered 403',
  UPSTREAM_NOT_FOUND: 'upstream answered 404',
  UPSTREAM_RATE_LIMITED: 'upstream answered 429 and retries ran out',
  UPSTREAM_UNAVAILABLE: 'upstream 5xx, timeout or network failure',
  UPSTREAM_BAD_REQUEST: 'upstream rejected the request (other 4xx)',
  UPSTREAM_BAD_RESPONSE: 'malformed JSON or unexpected shape',
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

/** Maps an upstream HTTP status to our code and a sentence telling the caller what to do. */
export function upstreamStatusError(provider: string, status: number, detail: string | undefined, retryAfter?: number): GatewayError {
  const said = detail ? ` (${detail})` : '';
  const ext: GatewayErrorExtensions = { provider, upstreamStatus: status };
  if (status === 401)
    return new GatewayError('UPSTREAM_UNAUTHORIZED', `${provider} rejected the credentials with 401${said}. Check or rotate the integrated account's credentials.`, ext);
  if (status === 403)
    return new GatewayError('UPSTREAM_FORBIDDEN', `${provider} refused access with 403${said}. Grant the credential the scopes needed to list users.`, ext);
  if (status === 404)
    return new GatewayError('UPSTREAM_NOT_FOUND', `${provider} answered 404${said}. Check the account's base URL, subdomain or the id given in the filter.`, ext);
  if (status === 429)
    return new GatewayError('UPSTREAM_RATE_LIMITED', `${provider} is rate limiting this account${said}. Retry after ${retryAfter ?? 'a few'} seconds.`, { ...ext, retryAfter });
  if (status >= 300 && status < 400)
    return new GatewayError('UPSTREAM_BAD_RESPONSE', `${provider} answered with a redirect (HTTP ${status}), which the gateway does not follow. Set context.baseUrl to the API's final address.`, ext);
  if (status >= 500)
    return new GatewayError('UPSTREAM_UNAVAILABLE', `${provider} is unavailable (HTTP ${status})${said}. Retry later.`, ext);
  return new GatewayError('UPSTREAM_BAD_REQUEST', `${provider} rejected the request with HTTP ${status}${said}. Check the filters and remoteQuery values.`, ext);
}
