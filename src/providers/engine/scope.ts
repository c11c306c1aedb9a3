// What the engine's jobs (list.ts, lookups.ts, joins.ts) share: the account and option types, a page, and
// the request scope's interface they call (engine.ts implements it), so no job imports engine.ts.
import type { LRUCache } from 'lru-cache';
import type { CursorCodec, CursorStoreOptions } from './cursor.js';
import { GatewayError } from './errors.js';
import { isPlainSegment } from './paths.js';
import type { UpstreamCall } from './http.js';
import type { WalkHistory } from './loops.js';
import type { Credentials, Paginator, ProviderContext, ProviderDefinition, RenderedRequest, RequestTemplate, RequestVars, UpstreamRequest, UserRecord } from './types.js';

export interface Account {
  id: string;
  tenant: string;
  provider: string;
  context: ProviderContext;
  credentials: Credentials;
  /** The account's own request rate, overriding the provider's documented one (rate-limit.ts). */
  rateLimit?: { requests: number; perSeconds: number };
}

export interface EngineOptions {
  /** Most records the engine reads for one connection page while it filters in memory. */
  maxScan: number;
  /** Most pages a joined list (e.g. a usage report) may span. */
  maxJoinPages: number;
  /** Most upstream pages read to answer one connection page. */
  maxPages: number;
  /** How long a joined list (a daily usage report, spend data) is reused across requests; 0 disables. */
  joinCacheMs: number;
  /** Every upstream is asked for pages of min(its paginator's maximum, this) records, whatever `first` is;
   *  the engine splits them to serve `first` (default: the paginator's maximum). */
  upstreamPageSize?: number;
  /** How long a list page stays cached for a walk that resumes inside it (a `first` smaller than the
   *  upstream page; limits.pageCacheSeconds); 0 disables. A walk's fresh pages are always fetched. */
  resumeCacheMs?: number;
  /** New credentials for an account whose token the upstream refused (OAuth refresh, src/oauth); null: none to be had. */
  renewCredentials?: (account: Account, used: Credentials) => Promise<Credentials | null>;
  /** Upstream calls one GraphQL request may make across all its fields (default 200). */
  maxUpstreamCallsPerRequest?: number;
  /** How long an upstream page is reused across requests of the same account (cache.pageTtlSeconds); 0 or absent: off. */
  pageCacheMs?: number;
  /** Most pages the page cache keeps. */
  pageCacheMax?: number;
  /** Longest wait for a turn in an account's request bucket before UPSTREAM_RATE_LIMITED (limits.rateLimitWaitMs). */
  rateLimitWaitMs?: number;
  /** Most users one `edges @stream` connection may ask for (limits.maxStreamFirst). */
  maxStreamFirst?: number;
  /** Paging positions kept server-side (long or secret-bearing upstream states); defaults in cursor.ts. */
  cursorStore?: CursorStoreOptions;
}

export interface Page {
  records: unknown[];
  next: UpstreamRequest | null;
  call: UpstreamCall;
  /** The body's size, what caching the page costs. */
  bytes: number;
  /** A next link the paginator refused to follow (redacted, for the warning): the list stops there. */
  refusedNext?: { link: string; reason: string };
}
/** What to fetch and how to read it; `kind` names the reader (list, a join, byId, byIds) for the cache key. */
export interface PageSpec {
  kind: string;
  records: (body: any) => unknown;
  paginator?: Paginator;
  idempotent: boolean;
  /** The provider's async per-page preparation of records it will map (declarative JSONata maps). */
  prepare?: (records: unknown[]) => Promise<void>;
}

/** A joined list indexed by key, with the upstream pages (records arrays) it was built from. */
export interface JoinIndex { index: Map<string, unknown[]>; pages: readonly unknown[][] }

/** One page's records as users, for one account, category and provider definition (null: skipped). */
export interface MappedPage {
  def: ProviderDefinition;
  accountId: string;
  category: string;
  /** Per join, the pages its data came from (the users are valid for these only). */
  joins: readonly (readonly unknown[][])[];
  users: (UserRecord | null)[];
}

/** The request scope as the jobs see it (engine.ts: RequestScope). */
export interface Scope {
  readonly engine: { readonly cursors: CursorCodec; readonly walks: WalkHistory; readonly options: EngineOptions; readonly joinCache: LRUCache<string, Promise<JoinIndex>> | null; readonly mapped: WeakMap<readonly unknown[], MappedPage> };
  readonly joins: Map<string, Promise<JoinIndex>>;
  target(account: Account, def: ProviderDefinition): { origin: string; basePath: string };
  render(account: Account, def: ProviderDefinition, tpl: RequestTemplate, vars: RequestVars): { request: UpstreamRequest; headers: Record<string, string>; rendered: RenderedRequest };
  /** `resume`: the walk resumes inside this page, which may come from the page cache (read moments ago). */
  loadPage(account: Account, def: ProviderDefinition, spec: PageSpec, request: UpstreamRequest, headers: Record<string, string>, resume?: boolean, keep?: boolean): Promise<Page>;
  /** The account's secrets known to this request (credentials, minted tokens): never put into a cursor. */
  secrets(account: Account): readonly string[];
  /** The same, read when called, without holding the scope. */
  secretsReader(account: Account): () => readonly string[];
}

/** The account's context with the provider's defaults for keys it leaves out. */
export function contextOf(account: Account, def: ProviderDefinition): ProviderContext {
  const defaults = def.contextKeys.filter((k) => k.default !== undefined && account.context[k.key] === undefined);
  return defaults.length ? { ...Object.fromEntries(defaults.map((k) => [k.key, k.default])), ...account.context } : account.context;
}

/** Refuses `.`/`..` segments a filter value or id could put into a scoped path (an upstream may normalise them). */
export function safePath(path: string): string {
  if (path.split('/').some((seg) => !isPlainSegment(seg)))
    throw new GatewayError('BAD_USER_INPUT', 'An id or filter value may not be "." or "..", nor contain "/" or "\\" (encoded or not). Use the id as the provider gives it.');
  return path;
}
