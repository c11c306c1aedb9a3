// The provider contract: a provider is data (endpoint, auth, paginator, filter map) plus a pure mapper.
import type { Paginator } from './paginators.js';
import type { AuthScheme } from './auth.js';

export const CATEGORIES = ['USAGE_METERING', 'TICKETING', 'USER_DIRECTORY', 'CALENDAR'] as const;
export type Category = (typeof CATEGORIES)[number];

export type UserStatus = 'ACTIVE' | 'INACTIVE' | 'DELETED' | 'INVITED';
export type UserType = 'ADMIN' | 'END_USER' | 'LIMITED' | 'MACHINE' | 'USER';

export interface Email { email: string; isPrimary?: boolean | null; type?: string | null }
export interface Ref { id: string; name?: string | null }
export interface Role extends Ref { group?: string | null; organization?: string | null; workspace?: string | null }
export interface Group extends Ref { organization?: string | null }
export interface License extends Ref { lastActiveAt?: string | null; organization?: string | null }
export interface Phone { number: string; extension?: string | null; type?: string | null }
export interface Url { url: string; type?: string | null }
export interface Money { amount: number; currency: string }

/** The superset of every category's unified user; each GraphQL type exposes its own subset. */
export interface UnifiedUser {
  remoteId: string;
  name?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  username?: string | null;
  emails?: Email[];
  status?: UserStatus | null;
  remoteStatus?: string | null;
  isActive?: boolean | null;
  roles?: Role[];
  teamIds?: string[];
  organization?: Ref | null;
  organizations?: Ref[];
  workspaces?: Ref[];
  groups?: Group[];
  licenses?: License[];
  phones?: Phone[];
  urls?: Url[];
  identifiers?: Record<string, unknown> | null;
  spendLimit?: Money | null;
  avatar?: string | null;
  bio?: string | null;
  externalId?: string | null;
  is2faEnabled?: boolean | null;
  isEmailVerified?: boolean | null;
  languages?: string[];
  timezone?: string | null;
  title?: string | null;
  userType?: UserType | null;
  statusChangedAt?: string | null;
  activatedAt?: string | null;
  lastActiveAt?: string | null;
  lastLoginAt?: string | null;
  createdAt?: string | null;
  updatedAt?: string | null;
}

/** A user as the schema sees it: unified fields plus where it came from. */
export interface UserRecord extends UnifiedUser {
  accountId: string;
  category: Category;
  provider: string;
  remoteData: unknown;
}

export const FILTER_NAMES = [
  'date', 'email', 'emails', 'name', 'firstName', 'lastName', 'username', 'status', 'isActive', 'teamId',
  'organizationId', 'workspaceId', 'groupId', 'roleId', 'collectionId', 'userType', 'createdAfter', 'updatedAfter', 'sort',
] as const;
export type FilterName = (typeof FILTER_NAMES)[number];

export interface SortInput { field: 'CREATED_AT' | 'UPDATED_AT' | 'NAME' | 'EMAIL' | 'FIRST_NAME' | 'LAST_NAME'; direction: 'ASC' | 'DESC' }

export interface UserFilter {
  date?: string;
  email?: string;
  emails?: string[];
  name?: string;
  firstName?: string;
  lastName?: string;
  username?: string;
  status?: UserStatus;
  isActive?: boolean;
  teamId?: string;
  organizationId?: string;
  workspaceId?: string;
  groupId?: string;
  roleId?: string;
  collectionId?: string;
  userType?: UserType;
  createdAfter?: string;
  updatedAfter?: string;
  sort?: SortInput;
}

/** A request relative to the account's origin; `path` is absolute (includes any base path). */
export interface UpstreamRequest {
  method: 'GET' | 'POST';
  path: string;
  query: [string, string][];
  body?: Record<string, unknown>;
}

export type QueryValue = string | string[] | undefined;

/**
 * How one unified filter is served. Exactly one of:
 * - `param`: an upstream query parameter (several filters may share one param, joined by `join`);
 * - `params`: upstream query parameters chosen from the value;
 * - `endpoint`: switch to a scoped endpoint (optionally also passing the value as `param`);
 * - `body`: a field of a POST body;
 * - `engine`: the engine tests the mapped user while it pages (field is in the payload, API cannot filter);
 * - `usage`: the value selects the usage data joined to each user (usage-metering `date`).
 */
export type FilterSpec<V = any> =
  | { param: string; value?: (v: V, all: UserFilter) => QueryValue; join?: string; note?: string }
  /** Several or value-dependent parameters (e.g. a built-in role as `role`, a custom one as `permission_set`). */
  | { params: (v: V, all: UserFilter) => [string, string][]; note?: string }
  | {
      endpoint: (v: V, all: UserFilter) => string;
      param?: string;
      value?: (v: V) => QueryValue;
      /** The scoped endpoint takes no other filter parameters: the engine evaluates the rest in memory. */
      exclusive?: boolean;
      note?: string;
    }
  | { engine: true; note?: string }
  | { usage: true; note?: string };

export interface ListSpec {
  method?: 'GET' | 'POST';
  /** Path relative to the account's base URL. */
  path: string;
  query?: Record<string, string | string[]>;
  body?: Record<string, unknown>;
  /** Pulls the records out of a response body; must return an array or the engine reports UPSTREAM_BAD_RESPONSE. */
  records: (body: any) => unknown;
  paginator: Paginator;
}

/** A secondary list fetched once per request and indexed by key, e.g. a usage report joined by e-mail. */
export interface JoinSpec {
  name: string;
  request: (filter: UserFilter) => Omit<ListSpec, 'paginator' | 'records'>;
  records: (body: any) => unknown;
  paginator: Paginator;
  /** Index key of a joined record, and the key of a user record to look it up. */
  key: (record: any) => string | undefined | null;
  userKey: (raw: any) => string | undefined | null;
  maxPages?: number;
}

export type Joined = Record<string, unknown[]>;

export interface ByIdSpec {
  /** Path of one user, relative to the base URL; may carry a query string (`/user?accountId=…`). The id arrives URL-encoded. */
  path: (id: string) => string;
  record?: (body: any) => unknown;
}

export interface ByIdsSpec {
  path: string;
  query: (ids: string[]) => Record<string, string | string[]>;
  records: (body: any) => unknown;
  idOf: (raw: any) => string;
  maxBatch: number;
}

export interface RateLimitSpec {
  /** Header carrying when the window resets, and its format. */
  resetHeader?: string;
  resetFormat?: 'epoch-seconds' | 'iso-date' | 'delta-seconds';
}

export interface ProviderContext {
  baseUrl?: string;
  [key: string]: unknown;
}
export type Credentials = Record<string, string>;

export interface ProviderDefinition<Raw = any> {
  slug: string;
  displayName: string;
  category: Category;
  /** Public documentation of the list-users endpoint. */
  docsUrl: string;
  /** Default API origin (with base path), derived from context; context.baseUrl always wins. */
  baseUrl: (ctx: ProviderContext) => string | undefined;
  contextKeys?: { key: string; required: boolean; description: string }[];
  auth: AuthScheme;
  list: ListSpec;
  filters: Partial<Record<FilterName, FilterSpec>>;
  requiredFilters?: FilterName[];
  joins?: JoinSpec[];
  byId?: ByIdSpec;
  byIds?: ByIdsSpec;
  rateLimit?: RateLimitSpec;
  /** Unified fields this provider fills (advertised in the capability matrix). */
  fields: (keyof UnifiedUser)[];
  /** Pulls a human-readable message out of an upstream error body. */
  errorMessage?: (body: any) => string | undefined;
  map: (raw: Raw, joined: Joined) => UnifiedUser;
}

export function defineProvider<Raw>(def: ProviderDefinition<Raw>): ProviderDefinition<Raw> {
  return def;
}
