// The provider spec vocabulary: what an adapter (src/providers/<slug>/adapter.ts) or a user's YAML/JSON
// provider file declares. Plain data, validated by zod (schema.ts), plus a few named TypeScript hooks
// where data cannot say it (a mapper, a filter value function). compile.ts turns it into what the engine runs.
import type { AuthScheme, Category, EnrichableField, ErrorClass, FilterName, Joined, ResetFormat, UnifiedUser, UserFilter } from '../types.js';
import type { QuoteName } from './quote.js';

/** Where a value is read from a response: a dot path into the JSON body ('' = the body itself; numeric
 *  segments index arrays: 'errors.0.extensions.code'; `\.` is a dot inside a key), or a response header. */
export type Locator = string | { body: string } | { header: string };

/** What request templates may hook into instead of a JSON template (TS only). */
export interface TemplateVars { context: Record<string, unknown>; filters: UserFilter }

export interface ContextKeySpec {
  description: string;
  /** true, or 'unless-baseUrl' (Zendesk's subdomain is not needed when context.baseUrl is given). */
  required?: boolean | 'unless-baseUrl';
  /** A regular expression the value must match, checked at start. */
  pattern?: string;
  /** Used when the account leaves the key out. */
  default?: string;
}

export type AuthSpec =
  /** `value` is a template: 'SSWS {credentials.apiToken}', '{credentials.apiKey}'. */
  | { kind: 'header'; header: string; value: string; description: string }
  | { kind: 'bearer'; key: string; description: string }
  /** An LDAP simple bind (RFC 4511 §4.2) with a DN and password (templates): the `ldap` transport only. */
  | { kind: 'ldap-bind'; bindDn: string; password: string; description: string }
  /** `keys` default to the credentials the two templates name. */
  | { kind: 'basic'; username: string; password: string; keys?: string[]; description: string }
  /**
   * OAuth 2.0 client credentials. `tokenUrl` is a URL template ('{context.loginUrl}/{credentials.tenantId}/oauth2/v2.0/token');
   * an account's `context.tokenUrl` overrides it (declared for every provider with this scheme). `clientAuth`: how the
   * client id and secret are sent, as the provider documents it — `form` (client_secret_post, default), `basic`
   * (client_secret_basic) or `json` (a JSON body). `grantType` defaults to client_credentials; `params` are more
   * grant fields (templates; an empty one is left out; several: the first whose values are all present), e.g. Auth0's
   * audience (`['{context.audience}', 'https://{context.domain}/api/v2/']`). An empty `scope` sends none.
   */
  | {
      kind: 'oauth2-client-credentials'; tokenUrl: string | string[]; scope?: string; clientAuth?: 'form' | 'basic' | 'json'; grantType?: string;
      params?: Record<string, string | string[]>; keys?: string[]; description: string;
    }
  /**
   * OAuth 2.0 JWT-bearer grant (RFC 7523) with a service-account key document in `credentials.<key>` (Google's JSON
   * key: client_email, private_key, private_key_id, token_uri): an RS256 JWT with `scope` and `subject` (templates;
   * the user impersonated under domain-wide delegation, left out when empty) is exchanged at `context.tokenUrl`, else
   * the key's token_uri, else `tokenUrl`.
   */
  | { kind: 'oauth2-jwt-bearer'; key: string; scope: string; subject?: string; tokenUrl: string; description: string }
  /** Escape hatch (TS only): a named auth scheme. */
  | { kind: 'hook'; scheme: AuthScheme };

/**
 * OAuth 2.0 authorization code (RFC 6749 §4.1, PKCE RFC 7636) for the connect flow (src/oauth): where the provider's
 * authorize and token endpoints are and what it needs. The account then holds `credentials.accessToken` (sent by
 * the provider's bearer scheme), `refreshToken` and `expiresAt`, refreshed by the gateway. URL templates read
 * `{context.…}`; one that starts with `/` is under the account's base URL (Zendesk's per-subdomain endpoints).
 */
export interface OAuthSpec {
  /** The provider's guide to registering an app and the flow (cited in the README). */
  docsUrl: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** Asked for when the OAuth app's config names none. */
  scopes: string[];
  /** Default ' ' (RFC 6749 §3.3). */
  scopeSeparator?: ' ' | ',';
  /** Whether the provider accepts PKCE S256 (it is then always sent). */
  pkce: boolean;
  /** How the client id and secret reach the token endpoint; default `form` (client_secret_post). */
  clientAuth?: 'form' | 'basic' | 'json';
  /** Sent to the authorize endpoint too (Atlassian: audience, prompt=consent). */
  authorizeParams?: Record<string, string>;
  /**
   * After the code exchange: a GET with the new token whose records say where the API is (Atlassian's
   * accessible-resources → cloud id). `context` maps context keys to dot paths in the chosen record; the record
   * whose `match.path` equals `context[match.context]` is chosen, else the first. `baseUrl` (a template over the
   * context, relative to the resources URL's origin) becomes context.baseUrl.
   */
  resources?: { url: string; records: string; context: Record<string, string>; match?: { context: string; path: string }; baseUrl?: string };
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
/** A JSON template, or (TS only) a hook computing the body. */
export type BodyTemplate = Json | ((vars: TemplateVars) => Record<string, unknown> | undefined);

/** A query value: a template (or several: a repeated parameter), or (TS only) a hook reading the context and filters,
 *  e.g. a `$select` that grows when an account opts into a property needing more permissions. */
export type QueryValueSpec = string | string[] | ((vars: TemplateVars) => string | string[] | undefined);

export interface RequestSpec {
  method?: 'GET' | 'POST';
  /** Relative to the base URL; every substituted value is one encoded path segment. */
  path: string;
  query?: Record<string, QueryValueSpec>;
  headers?: Record<string, string>;
  /** A JSON template; a string that is exactly one placeholder keeps the value's type. A hook in TS. */
  body?: BodyTemplate;
  /** A POST is retried on 429/5xx/network errors only when true (a GraphQL query is). GET always is. */
  idempotent?: boolean;
}

export type PageSize = { param: string; max: number } | { variable: string; max: number } | { body: string; max: number };

export type PaginatorSpec = { reservedParams?: string[] } & (
  | {
      kind: 'cursor';
      next: Locator;
      send: { query: string } | { body: string };
      pageSize: PageSize;
      /** Stop when this body path equals `equals` (Zendesk meta.has_more === false), or differs from `notEquals`. */
      stop?: { path: string; equals?: unknown; notEquals?: unknown };
      /** One pass per value of a query parameter, in order (Zoom lists one `status` per call); a filter that sets the
       *  parameter makes the walk that one pass. Needs `send.query`. */
      passes?: { param: string; values: string[] };
    }
  | { kind: 'link-header'; rel?: string; pageSize: { param: string; max: number } }
  /** `pageSize.fixed`: the upstream takes no size parameter and pages by this many (nothing is sent). */
  | { kind: 'next-url'; next: Locator; pageSize: { param: string; max: number } | { fixed: number } }
  | {
      kind: 'offset'; offsetParam: string; limitParam: string; max: number; start?: number;
      /** The result's size (SCIM totalResults): a short page is then not the end; the walk stops at the total or an empty page. */
      total?: Locator;
      filteredWindows?: { size: number; reach: number };
    }
  | {
      kind: 'page-number'; pageParam: string; sizeParam: string; max: number; first?: number; in?: 'query' | 'body';
      /** More pages while page < this body path (totalPages), while this path is true, or (fullPages) while a page
       *  comes back full: for APIs whose totals are capped (Auth0 reports at most 1000), so the end is never guessed. */
      totalPages?: string; hasMore?: string; fullPages?: true;
    }
  | { kind: 'graphql'; pageInfo: string; cursorVariable: string; pageSize: { variable: string; max: number } }
  /** RFC 2696 paged results (the `ldap` transport): at most `max` entries a page. */
  | { kind: 'ldap-paged'; max: number }
  | { kind: 'none' }
);

export type QuoteSpec = { quote: QuoteName; template: string };
export type ValueHook = (value: any, all: UserFilter) => string | string[] | undefined;
export type ValueSpec =
  | string
  | { map: Record<string, string | string[] | boolean | number> }
  | QuoteSpec
  | ValueHook;

/** Headers and query parameters sent beside a filter's value when it has one (Graph's advanced queries need
 *  `ConsistencyLevel: eventual` and `$count=true`); a hook (TS only) decides per value. */
export type FilterExtrasSpec = { headers?: Record<string, string>; query?: Record<string, string> };

export type FilterSpec = { note?: string } & (
  | { query: string; value?: ValueSpec; join?: string; recheck?: boolean; with?: FilterExtrasSpec | ((value: any, all: UserFilter) => FilterExtrasSpec | undefined) }
  | { body: string; value?: ValueSpec | ((value: any, all: UserFilter) => unknown); recheck?: boolean }
  /** Value-dependent parameter names (TS only): a built-in role as `role`, a custom one as `permission_set`. */
  | { params: (value: any, all: UserFilter) => [string, string][]; recheck?: boolean }
  | { endpoint: string; query?: Record<string, string>; exclusive?: boolean }
  | { engine: true }
  | { usage: true }
  /** The list's own path reads it (`{filters.collectionId/2}`): a repository, project or workspace in the path. */
  | { path: true }
);

/** How the values a filter takes are listed (Query.filterValues): a paged upstream list, each record read
 *  as { id, name } by dot paths. Templates may read `{context.…}`. */
export interface FilterValuesSpec extends RequestSpec {
  records: Locator | ((body: any) => unknown);
  paginator: PaginatorSpec;
  /** Dot path of what to pass as the filter's value (a group id, a project key). */
  id: string;
  /** Dot path of a label for people ('profile.name'). */
  name: string;
}

export interface ListSpec extends RequestSpec {
  records: Locator | ((body: any) => unknown);
  paginator: PaginatorSpec;
  filters: Partial<Record<FilterName, FilterSpec>>;
  /** Per filter, the upstream list of the values it takes (groups, organizations, projects). */
  values?: Partial<Record<FilterName, FilterValuesSpec>>;
  requiredFilters?: FilterName[];
  /** A filter the caller leaves out takes this context template's value ('{context.owner}/{context.repo}'); the
   *  filter wins. A path that needs it and finds neither answers MISSING_REQUIRED_FILTER naming both. */
  filterDefaults?: Partial<Record<FilterName, string>>;
  /** Context keys this category needs (declared under `context`); checked before any upstream call. Keys
   *  required for every category go in `context.<key>.required` instead, which is checked at start. */
  requiredContext?: string[];
  /** 'query' (default) or a body path for a POST upstream (GraphQL: 'variables'). */
  remoteQueryIn?: 'query' | { body: string };
}

export interface ErrorSpec {
  /** Where the provider's own message is (tried in order, then the usual fields); a hook in TS. */
  message?: Locator | Locator[] | ((body: any) => string | undefined);
  retryable?: number[];
  /** Tested on every response, in order. A `path` may hold `*` for any element of an array: 'errors.*.extensions.code'. */
  rules?: { when: { status?: number | number[]; path?: string; header?: string; equals?: unknown; in?: unknown[]; exists?: boolean; contains?: string }; as: ErrorClass; hint?: string }[];
}

export interface ByIdSpec extends Omit<RequestSpec, 'path'> {
  /** Template with `{id}`. */
  path: string;
  record?: Locator | ((body: any) => unknown);
}
export interface ByIdsSpec extends Omit<RequestSpec, 'path'> {
  /** `{ids}` in query/body templates: the ids (repeated query values, or an array in a body). */
  path: string;
  /** Send the ids as one value joined by this separator (',' ). */
  idsJoin?: string;
  /** Quote each id with a named helper first (Graph's `id in ('a','b')`). */
  idsQuote?: QuoteName;
  /** Each (quoted) id through this template before joining: SCIM's `id eq {id}` joined by ' or '. */
  idsTemplate?: string;
  records: Locator | ((body: any) => unknown);
  /** Dot path of the id in a record. */
  idOf: string;
  maxBatch: number;
  /** What a remote id looks like (a regular expression, e.g. Zendesk's `^\\d+$`); an id that does not match is
   *  not found, without an upstream call. Without it, an unquoted id containing `idsJoin` is never sent. */
  idPattern?: string;
}

export interface JoinSpec extends RequestSpec {
  name: string;
  records: Locator | ((body: any) => unknown);
  paginator: PaginatorSpec;
  key: string | ((rec: any) => string | null | undefined);
  userKey: string | ((raw: any) => string | null | undefined);
  /** 'email': lower-cased (joinKey). */
  keyTransform?: 'email';
  maxPages?: number;
  /** The join is selected by this filter (the usage day), with a default when it is not given. */
  selectedBy?: { filter: 'date'; default: { daysAgo: number } };
  /** A failure leaves the enrichment empty: always (true), or unless the caller gave the filter. Default:
   *  { unlessFilter: selectedBy.filter } for a selected join, else false. */
  optional?: boolean | { unlessFilter: FilterName };
}

/**
 * How a unified field the list payload leaves incomplete is filled, only when a query selects it:
 * - `ids`: names for ids the mapped user already carries, batched (`{ids}`, at most maxBatch per call),
 *   e.g. Zendesk organization_id → GET /api/v2/organizations/show_many?ids=…;
 * - `user`: one list per user (`{id}` = the user's remoteId), e.g. Okta GET /api/v1/users/{id}/groups;
 *   its first page only (put the page size in `query`).
 * - `json-batch`: the same per-user GET, `batch.max` of them at a time inside one POST to `batch.path` in the
 *   OData JSON batch format (`{ requests: [{ id, method, url }] }` → `{ responses: [{ id, status, headers, body }] }`),
 *   e.g. Microsoft Graph `/v1.0/$batch` (20 per batch). Sub-request URLs are relative to the batch endpoint's folder
 *   (Graph: the version). Each response is read on its own: a 404 is an empty list, a 429 (or 503) is sent again
 *   in the next batch after its Retry-After, any other failure fails only that user's field.
 */
export type EnrichSpec = Omit<RequestSpec, 'path'> & { path: string; records: Locator | ((body: any) => unknown); id: string; name: string } & (
  | { by: 'ids'; idsJoin?: string; maxBatch: number }
  | { by: 'user' }
  | { by: 'json-batch'; batch: { path: string; max: number } }
);

/** Each unified field is a dot path in the raw record, a constant ({ value }), or ({ jsonata }) an expression. */
export type DeclarativeMap = Record<string, string | { jsonata: string } | { value: unknown }>;

export interface ProviderSpec<Raw = any> {
  slug: string;
  displayName: string;
  docsUrl: string;
  /**
   * 'http' (default), or 'ldap': requests are LDAP searches (engine/ldap.ts). Their query names the search:
   * `base` (the base DN), `filter` (each value an RFC 4515 filter, ANDed; filters served upstream add theirs),
   * `attr` (attributes to return, repeated), `scope` (sub by default), `startTls` ('true'). The paginator is
   * `ldap-paged` and the auth `ldap-bind`; records are read from the body `entries`.
   */
  transport?: 'http' | 'ldap';
  /** Default API origin (+ base path) as a URL template; context.baseUrl always wins. */
  baseUrl?: string;
  context?: Record<string, ContextKeySpec>;
  /** One scheme, or several: the first whose credential keys are all present wins. */
  auth: AuthSpec | AuthSpec[];
  /** The OAuth connect flow, when the provider offers authorization code (its auth must take a bearer `accessToken`). */
  oauth?: OAuthSpec;
  /** Sent on every request (templates allowed). */
  headers?: Record<string, string>;
  /** `resetWhen`: the reset header counts only when another header has a value (GitHub: x-ratelimit-remaining
   *  "0"); `defaultWaitSeconds`: the wait for a rate limit that names none. Retry-After always comes first. */
  /** `limit`: the documented request rate for one account (the gateway paces to it); `remainingHeader`: the requests left; `limitHeader`: the account's limit per window. */
  rateLimit?: { resetHeader: string; resetFormat: ResetFormat; resetWhen?: { header: string; equals: string }; defaultWaitSeconds?: number; limit?: { requests: number; perSeconds: number }; remainingHeader?: string; limitHeader?: string };
  errors?: ErrorSpec;
  lists: Partial<Record<Category, ListSpec>>;
  byId?: ByIdSpec;
  byIds?: ByIdsSpec;
  joins?: JoinSpec[];
  /** Fields filled by a second lookup when selected (organization names, a user's groups). */
  enrich?: Partial<Record<EnrichableField, EnrichSpec>>;
  fields: (keyof UnifiedUser)[];
  map: ((raw: Raw, joined: Joined) => UnifiedUser) | DeclarativeMap;
}
