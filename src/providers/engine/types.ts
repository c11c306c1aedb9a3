// The runtime provider contract: what the engine executes. Providers are written as specs
// (src/providers/engine/spec) and compiled into this shape. Nothing here knows any provider: every
// provider-specific fact arrives as data or as a named function.
import type { FilterName, UserFilter } from './filter-defs.js';
import type { Category, UnifiedUser } from './user.js';

export * from './user.js';
export { FILTERS, FILTER_NAMES, predicateOf, type FilterName, type UserFilter } from './filter-defs.js';

/** A request relative to the account's origin; `path` is absolute (includes any base path). */
export interface UpstreamRequest {
  method: 'GET' | 'POST';
  path: string;
  query: [string, string][];
  body?: Record<string, unknown>;
}

export const PAGINATION_KINDS = ['BODY_CURSOR', 'HEADER_CURSOR', 'LINK_HEADER', 'NEXT_URL', 'OFFSET', 'PAGE_NUMBER', 'POST_BODY', 'GRAPHQL', 'LDAP_PAGED', 'NONE'] as const;
export type PaginationKind = (typeof PAGINATION_KINDS)[number];

export interface PageResponse { headers: Record<string, string>; body: any; records: unknown[] }

/**
 * What names one page relative to the walk's first request: the paginator's position slots (token,
 * offset, page) or a next link's difference from the first request. Small JSON data; see cursor.ts.
 */
export type PaginatorState = unknown[];

/** Derives each page's request from the previous response; the engine keeps only each page's state in cursors. */
export interface Paginator {
  kind: PaginationKind;
  description: string;
  maxPageSize: number;
  /** Query parameters the paginator owns; remoteQuery can never set them. */
  reservedParams: string[];
  first(req: UpstreamRequest, pageSize: number): UpstreamRequest;
  /** `base` is the account's base URL (origin and any base path). */
  next(req: UpstreamRequest, res: PageResponse, base: string): UpstreamRequest | null;
  /** The page `req` as state relative to the walk's first request `first` (`resume(first, state(req, first))` rebuilds it). */
  state(req: UpstreamRequest, first: UpstreamRequest): PaginatorState;
  /** The page's request from the walk's first request and a state this paginator returned; null when the state is not its own. */
  resume(first: UpstreamRequest, state: PaginatorState): UpstreamRequest | null;
  /** The paginator one walk uses, from the walk's base request (a multi-pass walk whose parameter a filter set is one pass). */
  forWalk?(base: UpstreamRequest): Paginator;
}

export const AUTH_KINDS = ['API_KEY', 'BASIC', 'BEARER', 'OAUTH2_CLIENT_CREDENTIALS', 'OAUTH2_JWT_BEARER', 'LDAP_SIMPLE_BIND'] as const;
export type AuthKind = (typeof AUTH_KINDS)[number];

/** A token request: a form (or JSON) body, extra headers (HTTP Basic client authentication), and the secrets in it. */
export interface TokenRequest {
  form?: Record<string, string>;
  json?: Record<string, unknown>;
  headers?: Record<string, string>;
  secrets?: string[];
}

export interface AuthIo {
  /** POSTs a form to a token endpoint through the engine (same pools, guards and timeouts). */
  postForm(url: string, form: Record<string, string>): Promise<any>;
  /** POSTs a token request; a 400/401/403 answer is UPSTREAM_UNAUTHORIZED with the endpoint's reason. */
  postToken(url: string, req: TokenRequest): Promise<any>;
}

export interface AuthScheme {
  kind: AuthKind;
  /** Credential keys this scheme reads, for docs and config validation. */
  credentialKeys: string[];
  description: string;
  applies(creds: Credentials): boolean;
  headers(creds: Credentials, ctx: ProviderContext, io: AuthIo): Record<string, string> | Promise<Record<string, string>>;
  /** Forgets a cached token the upstream has just rejected (`used`: the headers the refused request carried);
   *  true when a retry may succeed, and the engine then retries once with a fresh token. */
  invalidate?(creds: Credentials, ctx: ProviderContext, used?: Record<string, string>): boolean;
}

/**
 * How the engine reaches a provider: HTTP (undici, JSON bodies) or LDAP v3 (ldapts, RFC 4511 searches). A
 * request is the same UpstreamRequest either way: for LDAP its query names the search (base, filter,
 * attributes) and the paginator's slots, and the response body is what the transport builds from the entries.
 */
export const TRANSPORTS = ['HTTP', 'LDAP'] as const;
export type TransportKind = (typeof TRANSPORTS)[number];

export interface ProviderContext {
  baseUrl?: string;
  [key: string]: unknown;
}
/** A credential is a string, or a JSON document where the provider issues one (a Google service-account key). */
export type CredentialValue = string | { [key: string]: unknown };
export type Credentials = Record<string, CredentialValue>;

/** What request templates read: the account's context (defaults applied), the filters, and a lookup's ids. */
export interface RequestVars {
  context: ProviderContext;
  filters: UserFilter;
  id?: string;
  ids?: string[];
}

export interface RenderedRequest {
  /** Relative to the account's base URL. */
  path: string;
  query: [string, string][];
  headers: Record<string, string>;
  body?: Record<string, unknown>;
}

/** A request whose parts are rendered from RequestVars. */
export interface RequestTemplate {
  method: 'GET' | 'POST';
  /** A POST is retried (429, 5xx, network errors) only when idempotent; a GET always is. */
  idempotent: boolean;
  /** Throws a GatewayError when a value cannot go where the template puts it (e.g. `..` in a path). */
  render(vars: RequestVars): RenderedRequest;
}

export type QueryValue = string | string[] | undefined;

/**
 * How one unified filter is served:
 * - `query`: an upstream query parameter (filters sharing a param are joined by `join`);
 * - `params`: value-dependent query parameters;
 * - `body`: a value at a dot path of the POST body;
 * - `endpoint`: a scoped endpoint (`exclusive`: it takes no other filter parameters);
 * - `engine`: the engine tests the mapped user while it pages;
 * - `usage`: the value selects joined data (a usage day);
 * - `path`: the list's own path template reads it (a repository in the path).
 * `recheck`: an upstream-served filter is re-tested on the mapped user (false when the payload lacks the field).
 */
/** What a filter served upstream brings along when it sends a value: headers and query parameters the
 *  upstream needs for that clause (Graph's advanced queries: `ConsistencyLevel: eventual` + `$count=true`). */
export interface FilterExtras { headers?: Record<string, string>; query?: Record<string, string> }

export type FilterServe = { note?: string } & (
  | { by: 'query'; param: string; value: (v: any, all: UserFilter) => QueryValue; join?: string; recheck: boolean; with?: (v: any, all: UserFilter) => FilterExtras | undefined }
  | { by: 'params'; params: (v: any, all: UserFilter) => [string, string][]; recheck: boolean }
  | { by: 'body'; path: string; value: (v: any, all: UserFilter) => unknown; recheck: boolean }
  | { by: 'endpoint'; path: (v: any, vars: RequestVars) => string; query: (v: any, vars: RequestVars) => [string, string][]; exclusive: boolean }
  | { by: 'engine' }
  | { by: 'usage' }
  | { by: 'path' }
);

/** An upstream list of the values a filter takes (groups, organizations, projects), read as { id, name }. */
export interface ValuesDefinition extends RequestTemplate {
  records: (body: any) => unknown;
  paginator: Paginator;
  id: (record: any) => string | null;
  name: (record: any) => string | null;
}

export interface ListDefinition extends RequestTemplate {
  /** Pulls the records out of a response body; must return an array or the engine reports UPSTREAM_BAD_RESPONSE. */
  records: (body: any) => unknown;
  paginator: Paginator;
  filters: Partial<Record<FilterName, FilterServe>>;
  /** Filters whose values the provider can list (Query.filterValues). */
  values?: Partial<Record<FilterName, ValuesDefinition>>;
  requiredFilters: FilterName[];
  /** Context keys this category needs, beyond those every category needs (for docs; render checks them). */
  requiredContext: string[];
  /** Filters that fall back to a value from the account's context (for docs; render applies them). */
  filterDefaults: Partial<Record<FilterName, string>>;
  /** Where remoteQuery goes: query parameters, or an object at a body path (a POST upstream). */
  remoteQueryIn: 'query' | { body: string };
}

/** A secondary list fetched once per request and indexed by key, e.g. a usage report joined by e-mail. */
export interface JoinDefinition extends RequestTemplate {
  name: string;
  records: (body: any) => unknown;
  paginator: Paginator;
  key: (record: any) => string | undefined | null;
  userKey: (raw: any) => string | undefined | null;
  maxPages?: number;
  /** The filter that selects what is joined (the usage day), with its default when the caller gave none. */
  selectedBy?: { filter: FilterName; default: () => unknown };
  /** A failing join leaves the enrichment empty: always (true), never (false), or unless the caller gave this filter. */
  optional: boolean | { unlessFilter: FilterName };
}

export type Joined = Record<string, unknown[]>;

/** Unified fields a second lookup may fill when a query selects them. */
export const ENRICHABLE_FIELDS = ['organization', 'organizations', 'groups'] as const;
export type EnrichableField = (typeof ENRICHABLE_FIELDS)[number];

/**
 * Fills a field the list payload leaves incomplete: `ids` looks names up for ids the user carries, batched
 * (`{ids}`, at most maxBatch per call); `user` lists per user (`{id}`: the remoteId), first page only;
 * `json-batch` sends those per-user requests maxBatch at a time inside one OData JSON batch.
 */
export interface EnrichDefinition extends RequestTemplate {
  by: 'ids' | 'user' | 'json-batch';
  records: (body: any) => unknown;
  id: (record: any) => string | null;
  name: (record: any) => string | null;
  maxBatch: number;
  /** `json-batch`: the batch endpoint (a POST); maxBatch sub-requests per call. */
  batch?: RequestTemplate;
}

export interface ByIdDefinition extends RequestTemplate {
  record: (body: any) => unknown;
}
export interface ByIdsDefinition extends RequestTemplate {
  records: (body: any) => unknown;
  idOf: (raw: any) => string;
  maxBatch: number;
  /** False for an id that cannot be one of this provider's (it would change the batch: `1,2,3` joined by `,`). */
  accepts: (id: string) => boolean;
}

export const RESET_FORMATS = ['epoch-seconds', 'epoch-ms', 'delta-seconds', 'http-date', 'iso-date'] as const;
export type ResetFormat = (typeof RESET_FORMATS)[number];
export interface RateLimitSpec {
  /** Header carrying when the window resets, and its format. */
  resetHeader?: string;
  resetFormat?: ResetFormat;
  /** The reset header counts only when this header has this value (GitHub sends x-ratelimit-reset on every
   *  response; it means "wait until then" only with x-ratelimit-remaining: 0). */
  resetWhen?: { header: string; equals: string };
  /** The wait for a rate limit that names none (no Retry-After, no reset that counts), e.g. GitHub's "at least a minute". */
  defaultWaitSeconds?: number;
  /** The documented request rate of the list endpoint for one account: the gateway paces its calls to it. */
  limit?: { requests: number; perSeconds: number };
  /** Header carrying the requests left in the window (shown by the connection's `rateLimit`); with the reset
   *  header, the account's bucket follows it instead of the documented `limit`. */
  remainingHeader?: string;
  /** Header carrying the window's limit for this account (its plan): the budget of a new window until its first report. */
  limitHeader?: string;
}

export const ERROR_CLASSES = ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'RATE_LIMITED', 'BAD_REQUEST', 'UNAVAILABLE', 'INVALID_CURSOR', 'BAD_RESPONSE', 'RESULT_LIMIT'] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

/** Data the HTTP layer tests on every response (2xx included): the first matching rule says what it really is. */
export interface ErrorRule {
  when: {
    status?: number[];
    /** A dot path into the JSON body (`*` = any element of an array), or a response header; tested with equals/in/exists/contains. */
    path?: string;
    header?: string;
    equals?: unknown;
    in?: unknown[];
    exists?: boolean;
    /** Case-insensitive substring of a string value. */
    contains?: string;
  };
  as: ErrorClass;
  /** What to do instead, added to the message (Auth0's 1000-record window: its user export job). */
  hint?: string;
}

export interface ErrorPolicy {
  /** The provider's own message in an error body. */
  message?: (body: any) => string | undefined;
  /** Statuses retried besides 429, 502, 503, 504. */
  retryable?: number[];
  rules?: ErrorRule[];
}

export interface ContextKey {
  key: string;
  /** 'unless-baseUrl': needed only to derive the base URL (context.baseUrl makes it unnecessary). */
  required: boolean | 'unless-baseUrl';
  description: string;
  pattern?: string;
  default?: string;
}

/** Credential keys of an account connected through OAuth (src/oauth): `expiresAt` is an ISO 8601 instant. */
export const OAUTH_CREDENTIAL_KEYS = ['accessToken', 'refreshToken', 'expiresAt'] as const;

export interface OAuthDefinition {
  docsUrl: string;
  credentialKeys: readonly string[];
  /** Rendered for an account's context; a leading `/` means under its base URL; undefined when a context key is missing. */
  authorizeUrl(ctx: ProviderContext): string | undefined;
  tokenUrl(ctx: ProviderContext): string | undefined;
  scopes: string[];
  scopeSeparator: string;
  pkce: boolean;
  clientAuth: 'form' | 'basic' | 'json';
  authorizeParams: Record<string, string>;
  resources?: { url: string; records: string; context: Record<string, string>; match?: { context: string; path: string }; baseUrl?(ctx: ProviderContext): string | undefined };
}

export interface ProviderDefinition<Raw = any> {
  slug: string;
  displayName: string;
  /** HTTP when absent. */
  transport?: TransportKind;
  /** Public documentation of the list-users endpoint. */
  docsUrl: string;
  /** Categories served, in declaration order; `category` is the first. */
  categories: Category[];
  category: Category;
  /** Default API origin (with base path), derived from context; context.baseUrl always wins. */
  baseUrl: (ctx: ProviderContext) => string | undefined;
  contextKeys: ContextKey[];
  auth: AuthScheme;
  /** The OAuth authorization-code flow (connect links, refresh), when the provider offers it. */
  oauth?: OAuthDefinition;
  /** Headers sent on every request (API version headers). */
  headers: (vars: RequestVars) => Record<string, string>;
  lists: Partial<Record<Category, ListDefinition>>;
  joins: JoinDefinition[];
  byId?: ByIdDefinition;
  byIds?: ByIdsDefinition;
  enrich?: Partial<Record<EnrichableField, EnrichDefinition>>;
  rateLimit?: RateLimitSpec;
  errors: ErrorPolicy;
  /** Unified fields this provider fills (advertised in the capability matrix). */
  fields: (keyof UnifiedUser)[];
  map: (raw: Raw, joined: Joined) => UnifiedUser;
  /** Async work on a fetched page before `map` reads its records, once per page (a custom provider's JSONata
   *  fields). Built-in TS mappers have none: their mapping stays synchronous. */
  preparePage?: (records: unknown[]) => Promise<void>;
}
