// The engine: given an account and a provider definition, it plans the upstream query, pages through it
// (splitting or joining upstream pages to honour Relay's `first`), maps records, and loads users by id.
// Gateway-wide state (pools, cursor key) lives in Engine; everything per GraphQL request lives in
// RequestScope, whose DataLoaders dedupe identical upstream calls.
import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import type { AuthIo } from './auth.js';
import { carriedRequest, CursorCodec, queryKey, restoredRequest, stableStringify, type Position } from './cursor.js';
import { GatewayError } from './errors.js';
import { isSet, planFilters, servingOf, unknownFilterValue } from './filters.js';
import { failedCallOf, UpstreamClient, withCall, type UpstreamCall } from './http.js';
import { Lookups, valuesHint } from './lookups.js';
import { underBase } from './paginators.js';
import { getPath, setPath } from './paths.js';
import { secretsOf, secretsOfHeaders } from './redact.js';
import type { Category, Credentials, FilterName, Joined, JoinDefinition, ListDefinition, Paginator, ProviderContext, ProviderDefinition, RenderedRequest, RequestTemplate, RequestVars, UpstreamRequest, UserFilter, UserRecord } from './types.js';

export interface Account {
  id: string;
  tenant: string;
  provider: string;
  context: ProviderContext;
  credentials: Credentials;
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
}

export interface ListArgs {
  /** The category asked for; the provider's first category when absent. */
  category?: Category;
  first: number;
  after?: string | null;
  filter: UserFilter;
  remoteQuery?: Record<string, unknown> | null;
}

export interface Edge { user: UserRecord; position: Position }
export interface ListResult {
  edges: Edge[];
  hasNextPage: boolean;
  /** Where the next page starts when it differs from the last edge (scan limit reached). */
  endPosition: Position | null;
  queryKey: string;
  calls: UpstreamCall[];
}

interface Page { records: unknown[]; next: UpstreamRequest | null; call: UpstreamCall }
/** What to fetch and how to read it; `kind` names the reader (list, a join, byId, byIds) for the cache key. */
interface PageSpec { kind: string; records: (body: any) => unknown; paginator?: Paginator; idempotent: boolean; prepare?: (records: unknown[]) => Promise<void> }
interface PageKey { account: Account; def: ProviderDefinition; spec: PageSpec; request: UpstreamRequest; headers: Record<string, string> }

/** Past maxScan with no match yet, scanning goes on up to this many times maxScan records, or this long. */
const EMPTY_SCAN_FACTOR = 10;
const EMPTY_SCAN_MS = 5_000;

function splitBaseUrl(baseUrl: string): { origin: string; basePath: string } {
  const u = new URL(baseUrl);
  return { origin: u.origin, basePath: u.pathname.replace(/\/+$/, '') };
}

export class Engine {
  readonly cursors: CursorCodec;
  /** Joined lists shared across requests: a client paging through users re-reads the same usage report. */
  readonly joinCache: LRUCache<string, Promise<Map<string, unknown[]>>> | null;
  constructor(readonly client: UpstreamClient, cursorSecret: string, readonly options: EngineOptions) {
    this.cursors = new CursorCodec(cursorSecret);
    this.joinCache = options.joinCacheMs > 0 ? new LRUCache({ max: 1000, ttl: options.joinCacheMs }) : null;
  }
  scope(): RequestScope {
    return new RequestScope(this);
  }
}

/** Per GraphQL request: page cache (DataLoader), join cache, and whether debug records are wanted. */
export class RequestScope {
  debug = false;
  private readonly pages: DataLoader<PageKey, Page, string>;
  private readonly joins = new Map<string, Promise<Map<string, unknown[]>>>();
  /** Filter values and fields filled only when selected, through this scope's page loader. */
  readonly lookups: Lookups;

  constructor(private readonly engine: Engine) {
    this.lookups = new Lookups({
      loadPage: (a, d, spec, req, headers) => this.loadPage(a, d, spec, req, headers),
      render: (a, d, tpl, vars) => this.render(a, d, tpl, vars),
      context: contextOf,
      maxPages: engine.options.maxPages,
    }, engine.cursors);
    this.pages = new DataLoader(async (keys) => Promise.all(keys.map((k) => this.fetchPage(k).catch((e: Error) => e))), {
      cacheKeyFn: (k) => `${k.account.id}|${k.spec.kind}|${stableStringify(k.request)}|${stableStringify(k.headers)}`,
    });
  }

  private target(account: Account, def: ProviderDefinition) {
    const base = account.context.baseUrl ?? def.baseUrl(contextOf(account, def));
    if (!base) throw new GatewayError('INTEGRATED_ACCOUNT_NOT_FOUND', `The integrated account ${account.id} has no base URL for ${def.slug}; set context.baseUrl.`);
    return splitBaseUrl(base);
  }

  private authIo(def: ProviderDefinition, secrets: string[]): AuthIo {
    return {
      postForm: async (url, form) => {
        const u = new URL(url);
        const res = await this.engine.client.call({
          provider: def.slug,
          origin: u.origin,
          request: { method: 'POST', path: u.pathname, query: [...u.searchParams.entries()] },
          headers: {},
          form,
          secrets: form.client_secret ? [...secrets, form.client_secret] : secrets,
          errors: def.errors,
          idempotent: true, // a token grant can be asked for again
          debug: false,
        });
        return res.body;
      },
    };
  }

  private async fetchPage({ account, def, spec, request, headers: requestHeaders }: PageKey): Promise<Page> {
    const { origin, basePath } = this.target(account, def);
    const secrets = secretsOf(account.credentials);
    const send = async () => {
      const auth = await def.auth.headers(account.credentials, contextOf(account, def), this.authIo(def, secrets));
      const headers = { ...requestHeaders, ...auth };
      return this.engine.client.call({
        provider: def.slug,
        accountId: account.id,
        origin,
        request,
        headers,
        secrets: [...secrets, ...secretsOfHeaders(auth)],
        rateLimit: def.rateLimit,
        errors: def.errors,
        idempotent: spec.idempotent,
        debug: this.debug,
      });
    };
    let res;
    try {
      res = await send();
    } catch (e) {
      // A cached token the upstream no longer accepts (revoked, rotated): fetch a fresh one, once.
      if (!(e instanceof GatewayError && e.code === 'UPSTREAM_UNAUTHORIZED' && def.auth.invalidate?.(account.credentials, account.context))) throw e;
      res = await send();
    }
    let records: unknown;
    try {
      records = spec.records(res.body);
    } catch {
      records = undefined;
    }
    if (!Array.isArray(records))
      throw withCall(new GatewayError('UPSTREAM_BAD_RESPONSE', `${def.slug} answered ${res.status} without the expected list of records. The upstream API may have changed; check the account's base URL.`, { provider: def.slug, upstreamStatus: res.status }), res.call);
    // Pages whose records are mapped get the provider's async preparation here, once (pages are cached).
    if (spec.prepare) await spec.prepare(records).catch((e: Error) => Promise.reject(withCall(e, res.call)));
    const next = spec.paginator ? spec.paginator.next(request, { headers: res.headers, body: res.body, records }, origin + basePath) : null;
    res.call.resultCount = records.length;
    res.call.isEmptyResult = records.length === 0;
    res.call.nextCursor = next ? describeNext(next, spec.paginator!.reservedParams) : null;
    return { records, next, call: res.call };
  }

  private loadPage(account: Account, def: ProviderDefinition, spec: PageSpec, request: UpstreamRequest, headers: Record<string, string>): Promise<Page> {
    return this.pages.load({ account, def, spec, request, headers });
  }

  /** A template rendered for this account: the request under the base path, and its headers. */
  private render(account: Account, def: ProviderDefinition, tpl: RequestTemplate, vars: RequestVars): { request: UpstreamRequest; headers: Record<string, string>; rendered: RenderedRequest } {
    const { basePath } = this.target(account, def);
    const rendered = tpl.render(vars);
    const request: UpstreamRequest = { method: tpl.method, path: underBase(basePath, safePath(rendered.path)), query: rendered.query, ...(rendered.body !== undefined ? { body: rendered.body } : {}) };
    return { request, headers: { ...def.headers(vars), ...rendered.headers }, rendered };
  }

  /** Every record of a joined list for this request, indexed by its key; fetched once per request. */
  private joinIndex(account: Account, def: ProviderDefinition, join: JoinDefinition, vars: RequestVars, calls: UpstreamCall[]): Promise<Map<string, unknown[]>> {
    const { request, headers } = this.render(account, def, join, vars);
    const first = join.paginator.first(request, join.paginator.maxPageSize);
    const key = `${account.id}|${join.name}|${stableStringify(first)}|${stableStringify(headers)}`;
    const shared = this.engine.joinCache;
    let index = this.joins.get(key) ?? shared?.get(key);
    if (!index) {
      index = (async () => {
        const out = new Map<string, unknown[]>();
        let req: UpstreamRequest | null = first;
        const seen = new Set<string>();
        for (let n = 0; req && n < (join.maxPages ?? this.engine.options.maxJoinPages); n++) {
          const page: Page = await this.loadPage(account, def, { kind: `join:${join.name}`, records: join.records, paginator: join.paginator, idempotent: join.idempotent }, req, headers);
          calls.push(page.call);
          for (const rec of page.records) {
            const k = join.key(rec);
            if (k == null) continue;
            const list = out.get(k);
            if (list) list.push(rec);
            else out.set(k, [rec]);
          }
          const nextKey = page.next ? stableStringify(page.next) : '';
          if (page.next && seen.has(nextKey)) { page.call.isLooping = true; break; }
          seen.add(nextKey);
          req = page.next;
        }
        return out;
      })();
      shared?.set(key, index);
      index.catch(() => shared?.delete(key)); // a failure is not worth remembering
    }
    this.joins.set(key, index);
    return index;
  }

  /**
   * A record → UserRecord function with the joined data loaded. Joins enrich users; a join the spec marks
   * optional (by default: one selected by a filter the caller did not give, such as a defaulted usage day)
   * leaves the enrichment empty when it fails instead of failing the list.
   */
  private async mapper(account: Account, def: ProviderDefinition, category: Category, vars: RequestVars, calls: UpstreamCall[]) {
    const indexes = await Promise.all(
      def.joins.map(async (j) => {
        const given = (name: keyof UserFilter) => vars.filters[name] !== undefined && vars.filters[name] !== null;
        const sel = j.selectedBy;
        // Defaulted here, after the cursor's query key was taken, so a cursor survives midnight.
        const joinVars = sel && !given(sel.filter) ? { ...vars, filters: { ...vars.filters, [sel.filter]: sel.default() } } : vars;
        const optional = typeof j.optional === 'boolean' ? j.optional : !given(j.optional.unlessFilter);
        try {
          return [j, await this.joinIndex(account, def, j, joinVars, calls)] as const;
        } catch (e) {
          if (!optional) throw e;
          return [j, new Map<string, unknown[]>()] as const;
        }
      }),
    );
    const none: Joined = Object.freeze({}) as Joined;
    return (raw: unknown, i: number): UserRecord => {
      if (raw === null || typeof raw !== 'object')
        throw new GatewayError('UPSTREAM_BAD_RESPONSE', `${def.slug} returned a record that is not an object (position ${i}).`, { provider: def.slug });
      let joined = none;
      if (indexes.length) {
        joined = {};
        for (const [j, index] of indexes) {
          const k = j.userKey(raw);
          joined[j.name] = (k != null && index.get(k)) || [];
        }
      }
      let user: UserRecord;
      try {
        // The mapper returns a fresh object: tag it in place rather than copying it (hot path: every record).
        user = def.map(raw, joined) as UserRecord;
      } catch {
        throw new GatewayError('UPSTREAM_BAD_RESPONSE', `${def.slug} returned a record the gateway could not read (position ${i}). The upstream shape may have changed.`, { provider: def.slug });
      }
      user.accountId = account.id;
      user.category = category;
      user.provider = def.slug;
      user.remoteData = raw;
      return user;
    };
  }

  /** The list a category is served by, or CATEGORY_MISMATCH. */
  private listOf(account: Account, def: ProviderDefinition, category: Category | undefined): [Category, ListDefinition] {
    const cat = category ?? def.category;
    const list = def.lists[cat];
    if (!list)
      throw new GatewayError('CATEGORY_MISMATCH', `Integrated account "${account.id}" (${def.displayName}) is in ${def.categories.length > 1 ? 'categories' : 'category'} ${def.categories.join(', ')}, not ${cat}. Ask with category: ${def.category}.`, { provider: def.slug });
    return [cat, list];
  }

  /** One Relay page of users; `calls` collects the upstream calls as they happen (kept when the page fails). */
  async list(account: Account, def: ProviderDefinition, args: ListArgs, calls: UpstreamCall[] = []): Promise<ListResult> {
    const [category, list] = this.listOf(account, def, args.category);
    const vars: RequestVars = { context: contextOf(account, def), filters: args.filter };
    const plan = planFilters(def, list, vars);
    const pag = list.paginator;
    const { request: templ, headers, rendered } = this.render(account, def, list, vars);
    const { basePath } = this.target(account, def);
    // Compared loosely: some APIs read `$TOP` as `$top`, and some parsers trim `limit ` or `page[ size]`.
    const loose = (k: string) => k.replace(/\s+/g, '').toLowerCase();
    const reserved = new Set([...pag.reservedParams, ...rendered.query.map(([k]) => k), ...plan.params.map(([k]) => k)].map(loose));
    const remote = Object.entries(args.remoteQuery ?? {}).filter(([k, v]) => !reserved.has(loose(k)) && v !== null && v !== undefined);
    let body = templ.body;
    let passthrough: [string, string][] = [];
    if (list.remoteQueryIn === 'query') {
      passthrough = remote.flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, String(x)] as [string, string]) : [[k, typeof v === 'object' ? JSON.stringify(v) : String(v)] as [string, string]]));
    } else if (remote.length) {
      // Into the POST body at the spec's path; what the spec, the filters and the paginator set there wins.
      const at = list.remoteQueryIn.body;
      const here = getPath(body, at);
      body = setPath(body ?? {}, at, { ...Object.fromEntries(remote), ...(here && typeof here === 'object' ? here : {}) });
    }
    for (const [path, value] of plan.body) body = setPath(body ?? {}, path, value);
    const base: UpstreamRequest = {
      method: list.method,
      path: plan.path !== undefined ? underBase(basePath, safePath(plan.path)) : templ.path,
      query: [...templ.query, ...passthrough, ...plan.params],
      ...(body !== undefined ? { body } : {}),
    };
    const qk = queryKey({ p: def.slug, c: args.category && args.category !== def.category ? args.category : undefined, f: args.filter, r: args.remoteQuery ?? null });
    const pageSize = Math.min(pag.maxPageSize, plan.predicates.length ? pag.maxPageSize : Math.max(args.first, 1));
    // Cursors carry only what moves between pages (not, say, a GraphQL document): see carriedRequest.
    const carry = carriedRequest(base);
    const at = (request: UpstreamRequest, offset: number): Position => ({ request: carry(request), offset });
    const decoded = args.after ? this.engine.cursors.decode(args.after, account.id, qk) : null;
    let pos: Position = decoded ? { request: restoredRequest(decoded.request, base), offset: decoded.offset } : { request: pag.first(base, pageSize), offset: 0 };
    const pageSpec: PageSpec = { kind: `list:${category}`, records: list.records, paginator: pag, idempotent: list.idempotent, prepare: def.preparePage };

    const map = await this.mapper(account, def, category, vars, calls);
    const edges: Edge[] = [];
    const seen = new Set([stableStringify(pos.request)]);
    let scanned = 0;
    let pages = 0;
    const started = performance.now();
    let hasNextPage = false;
    let endPosition: Position | null = null;
    if (args.first === 0) return { edges, hasNextPage: true, endPosition: null, queryKey: qk, calls };

    for (;;) {
      const page = await this.loadPage(account, def, pageSpec, pos.request, headers).catch((e) => {
        if (!plan.scopedBy) throw e;
        const mapped = unknownFilterValue(e, def, plan.scopedBy, args.filter[plan.scopedBy], valuesHint(account.id, list, plan.scopedBy));
        const call = failedCallOf(e);
        throw mapped !== e && call ? withCall(mapped as Error, call) : mapped;
      });
      calls.push(page.call);
      const { records, next } = page;
      let i = pos.offset;
      for (; i < records.length && edges.length < args.first; i++) {
        scanned++;
        const user = map(records[i], i);
        if (plan.predicates.every((p) => p(user))) {
          const after = i + 1 === records.length && next ? at(next, 0) : at(pos.request, i + 1);
          edges.push({ user, position: after });
        }
        if (plan.predicates.length && scanned >= this.engine.options.maxScan && edges.length < args.first) {
          const rest = i + 1 === records.length && next ? at(next, 0) : at(pos.request, i + 1);
          const more = i + 1 < records.length || next !== null;
          if (edges.length) return { edges, hasNextPage: more, endPosition: rest, queryKey: qk, calls };
          // A page with no edges must be the last one (urql's relayPagination skips empty pages, so
          // "load more" would stall): keep scanning within a budget, then say so instead.
          if (more && (scanned >= this.engine.options.maxScan * EMPTY_SCAN_FACTOR || performance.now() - started > EMPTY_SCAN_MS))
            throw this.scanExhausted(account, def, list, args.filter, scanned, qk, rest);
        }
      }
      if (edges.length === args.first) {
        hasNextPage = i < records.length || next !== null;
        break;
      }
      if (!next) break;
      // Bounded work per request, whatever the upstream does (e.g. endless empty pages with fresh cursors):
      // answer with what we have and a cursor to continue.
      if (++pages >= this.engine.options.maxPages) {
        if (!edges.length && plan.predicates.length) throw this.scanExhausted(account, def, list, args.filter, scanned, qk, at(next, 0));
        hasNextPage = true;
        endPosition = at(next, 0);
        break;
      }
      const nextKey = stableStringify(next);
      if (seen.has(nextKey)) {
        page.call.isLooping = true;
        break;
      }
      seen.add(nextKey);
      pos = { request: next, offset: 0 };
    }
    return { edges, hasNextPage, endPosition, queryKey: qk, calls };
  }

  /** No match within the scan budget: names the filters the gateway tested and those the upstream serves. */
  private scanExhausted(account: Account, def: ProviderDefinition, list: ListDefinition, filter: UserFilter, scanned: number, qk: string, rest: Position): GatewayError {
    const served = (n: string) => { const s = list.filters[n as FilterName]; return s ? servingOf(s) : undefined; };
    const tested = Object.keys(filter).filter((n) => isSet(filter[n as FilterName]) && served(n) === 'ENGINE');
    const pushed = Object.keys(list.filters).filter((n) => served(n) === 'QUERY_PARAMETER' || served(n) === 'SCOPED_ENDPOINT');
    const names = (tested.length ? tested : Object.keys(filter)).map((n) => `filters.${n}`).join(', ');
    const hint = pushed.length ? `add a filter ${def.displayName} serves upstream (${pushed.join(', ')}) to narrow the list` : 'narrow the query';
    return new GatewayError(
      'FILTER_SCAN_EXHAUSTED',
      `No user matched ${names} in the ${scanned} ${def.displayName} records read for this page; the gateway tests ${tested.length > 1 ? 'these filters' : 'this filter'} while paging and stopped at its scan budget. To go on, ${hint}, or pass extensions.after as after to keep scanning.`,
      { provider: def.slug, filter: tested[0], after: this.engine.cursors.encode(account.id, qk, rest) },
    );
  }

  /** Users by remote id, for node/nodes: the bulk endpoint, else one call per id, else a bounded scan. */
  async byIds(account: Account, def: ProviderDefinition, ids: readonly string[], category: Category = def.category): Promise<(UserRecord | null)[]> {
    const vars: RequestVars = { context: contextOf(account, def), filters: {} };
    const map = await this.mapper(account, def, category, vars, []);
    const found = new Map<string, UserRecord>();
    let pending: readonly string[] = ids;
    if (def.byIds) {
      const spec = def.byIds;
      try {
        for (let i = 0; i < ids.length; i += spec.maxBatch) {
          const { request, headers } = this.render(account, def, spec, { ...vars, ids: ids.slice(i, i + spec.maxBatch) });
          const page = await this.loadPage(account, def, { kind: 'byIds', records: spec.records, idempotent: spec.idempotent, prepare: def.preparePage }, request, headers);
          page.records.forEach((raw, n) => found.set(spec.idOf(raw), map(raw, n)));
        }
        pending = [];
      } catch (e) {
        // A host without the bulk endpoint (a proxy, an older version) still answers single lookups.
        if (!def.byId || !(e instanceof GatewayError && isRefusal(e))) throw e;
      }
    }
    if (pending.length && def.byId) {
      const spec = def.byId;
      await Promise.all(
        pending.map(async (id) => {
          const { request, headers } = this.render(account, def, spec, { ...vars, id });
          try {
            const page = await this.loadPage(account, def, { kind: 'byId', records: (b) => [spec.record(b)], idempotent: spec.idempotent, prepare: def.preparePage }, request, headers);
            if (page.records[0]) found.set(id, map(page.records[0], 0));
          } catch (e) {
            if (!(e instanceof GatewayError && e.code === 'UPSTREAM_NOT_FOUND')) throw e;
          }
        }),
      );
    } else if (pending.length && !def.byIds) {
      const wanted = new Set(ids);
      let after: string | null = null;
      for (let scanned = 0; wanted.size && scanned < this.engine.options.maxScan; ) {
        const res: ListResult = await this.list(account, def, { category, first: 100, after, filter: {} });
        for (const e of res.edges) if (wanted.delete(e.user.remoteId)) found.set(e.user.remoteId, e.user);
        scanned += res.edges.length;
        if (!res.hasNextPage || !res.edges.length) break;
        after = this.engine.cursors.encode(account.id, res.queryKey, res.edges.at(-1)!.position);
      }
    }
    return ids.map((id) => found.get(id) ?? null);
  }
}

/** The account's context with the provider's defaults for keys it leaves out. */
function contextOf(account: Account, def: ProviderDefinition): ProviderContext {
  const defaults = def.contextKeys.filter((k) => k.default !== undefined && account.context[k.key] === undefined);
  return defaults.length ? { ...Object.fromEntries(defaults.map((k) => [k.key, k.default])), ...account.context } : account.context;
}

/** Refuses `.`/`..` segments a filter value or id could put into a scoped path (an upstream may normalise them). */
function safePath(path: string): string {
  if (path.split('/').some((seg) => seg === '.' || seg === '..' || /^%2e(%2e)?$|^\.%2e$|^%2e\.$/i.test(seg)))
    throw new GatewayError('BAD_USER_INPUT', 'An id or filter value may not be "." or "..". Use the id as the provider gives it.');
  return path;
}

/** An upstream that does not serve a request shape (404, 400, 405, 422, 501), as opposed to failing. */
function isRefusal(e: GatewayError): boolean {
  const status = e.extensions.upstreamStatus as number | undefined;
  return status === 404 || status === 400 || status === 405 || status === 422 || status === 501;
}

export function daysAgo(n: number, now = Date.now()): string {
  return new Date(now - n * 86_400_000).toISOString().slice(0, 10);
}

/** A short, secret-free description of the next page for debug output. */
function describeNext(next: UpstreamRequest, reserved: string[]): string {
  const q = next.query.filter(([k]) => reserved.includes(k));
  if (q.length) return q.map(([k, v]) => `${k}=${v}`).join('&');
  if (next.body) return JSON.stringify(next.body);
  return next.path;
}
