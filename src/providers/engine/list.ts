// One Relay page of users: plans the upstream query (filters, remoteQuery, the cursor's position), pages
// through it splitting or joining upstream pages to honour `first`, maps and filters records, and hands
// back edges whose cursors the codec encodes when read.
import { setImmediate as immediate } from 'node:timers/promises';
import { queryKey, type CursorCodec, type Position, type Walk } from './cursor.js';
import { GatewayError, type GatewayWarning } from './errors.js';
import { isSet, planFilters, servingOf, unknownFilterValue } from './filters.js';
import { failedCallOf, withCall, type UpstreamCall } from './http.js';
import { valuesHint } from './lookups.js';
import { mapper } from './joins.js';
import { underBase } from './paginators.js';
import { getPath, setPath } from './paths.js';
import { contextOf, safePath, type Account, type Page, type PageSpec, type Scope } from './scope.js';
import type { Category, FilterName, ListDefinition, ProviderDefinition, RequestVars, UpstreamRequest, UserFilter, UserRecord } from './types.js';

export interface ListArgs {
  /** The category asked for; the provider's first category when absent. */
  category?: Category;
  first: number;
  after?: string | null;
  filter: UserFilter;
  remoteQuery?: Record<string, unknown> | null;
  /** False when the caller reads whole pages (a stream's walk): its pages are not kept to resume inside them. */
  keepPages?: boolean;
  /**
   * A walk that will ask for the page after this one: with no in-memory filter, the next upstream page is
   * read as soon as its request is known (before this page's users are mapped), and handed back as `ahead`.
   */
  readAhead?: boolean;
  /** The previous page's `ahead`: used when this page starts where it was read. */
  ahead?: Ahead;
}

/** An upstream page read ahead, from the request a next link (or cursor) gave. */
export interface Ahead {
  readonly request: UpstreamRequest;
  readonly page: Promise<Page>;
}

/** A connection edge; its cursor is encoded when first read (a query that selects none pays nothing). */
export interface Edge { readonly node: UserRecord; readonly cursor: string }
export interface ListResult {
  edges: Edge[];
  hasNextPage: boolean;
  /** Where the next page starts: the last edge's cursor, or past it when the scan limit was reached. */
  readonly endCursor: string | null;
  calls: UpstreamCall[];
  /** What the gateway refused while answering (a loop, a next link, records without an id): extensions.warnings. */
  warnings: GatewayWarning[];
  /** With `readAhead`: the upstream page endCursor starts at, already being read. */
  ahead?: Ahead;
}

/** Edges and endCursor encode their positions lazily, with the walk's codec. */
/** Cursors are made up front: a page's are sealed once and memoised, and plain objects execute faster than getters. */
function edgeOf(codec: CursorCodec, walk: Walk, node: UserRecord, position: Position): Edge {
  return { node, cursor: codec.encode(walk, position) };
}
function resultOf(codec: CursorCodec, walk: Walk, edges: Edge[], hasNextPage: boolean, end: Position | null, calls: UpstreamCall[], warnings: GatewayWarning[] = []): ListResult {
  return { edges, hasNextPage, calls, warnings, get endCursor() { return end ? codec.encode(walk, end) : (edges.at(-1)?.cursor ?? null); } };
}

/**
 * The walk a page's cursors are sealed for. The cursor codec keeps a walk as long as the request of a page it
 * encoded lives, so the walk holds as little as it can: not `list`'s closure (its edges, the page read ahead),
 * not the scope (every page it loaded), only what the account's secrets are read from.
 */
function walkOf(scope: Scope, account: Account, queryKey: string, paginator: Walk['paginator'], base: UpstreamRequest, pageSize: number): Walk {
  const secrets = scope.secretsReader(account);
  return { accountId: account.id, queryKey, paginator, base, pageSize, get secrets() { return secrets(); } };
}

/** Past maxScan with no match yet, scanning goes on up to this many times maxScan records, or this long. */
const EMPTY_SCAN_FACTOR = 10;
const EMPTY_SCAN_MS = 5_000;

/** The list a category is served by, or CATEGORY_MISMATCH. */
function listOf(account: Account, def: ProviderDefinition, category: Category | undefined): [Category, ListDefinition] {
  const cat = category ?? def.category;
  const list = def.lists[cat];
  if (!list)
    throw new GatewayError('CATEGORY_MISMATCH', `Integrated account "${account.id}" (${def.displayName}) is in ${def.categories.length > 1 ? 'categories' : 'category'} ${def.categories.join(', ')}, not ${cat}. Ask with category: ${def.category}.`, { provider: def.slug });
  return [cat, list];
}

/** One Relay page of users; `calls` collects the upstream calls as they happen (kept when the page fails). */
export async function list(scope: Scope, account: Account, def: ProviderDefinition, args: ListArgs, calls: UpstreamCall[] = []): Promise<ListResult> {
  const [category, list] = listOf(account, def, args.category);
  const vars: RequestVars = { context: contextOf(account, def), filters: args.filter };
  const plan = planFilters(def, list, vars);
  const { request: templ, headers, rendered } = scope.render(account, def, list, vars);
  const { basePath } = scope.target(account, def);
  // Compared loosely: some APIs read `$TOP` as `$top`, and some parsers trim `limit ` or `page[ size]`.
  const loose = (k: string) => k.replace(/\s+/g, '').toLowerCase();
  const reserved = new Set([...list.paginator.reservedParams, ...rendered.query.map(([k]) => k), ...plan.params.map(([k]) => k)].map(loose));
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
  const pag = list.paginator.forWalk?.(base) ?? list.paginator;
  const qk = queryKey({ p: def.slug, c: args.category && args.category !== def.category ? args.category : undefined, f: args.filter, r: args.remoteQuery ?? null });
  const codec = scope.engine.cursors;
  // Full pages whatever `first` is (split below to serve it): a small first page must not make one upstream
  // call per user for the whole walk, as the size sticks in next links (Okta's `limit`).
  const pageSize = Math.max(1, Math.min(pag.maxPageSize, scope.engine.options.upstreamPageSize ?? pag.maxPageSize));
  const walk = walkOf(scope, account, qk, pag, base, pageSize);
  let pos: Position;
  if (args.after) {
    const resumed = codec.decode(args.after, walk);
    walk.pageSize = resumed.pageSize;
    pos = resumed;
  } else pos = { request: pag.first(base, walk.pageSize), offset: 0 };
  const pageSpec: PageSpec = { kind: `list:${category}`, records: list.records, paginator: pag, idempotent: list.idempotent, prepare: def.preparePage };

  const load = (at: Position) =>
    scope.loadPage(account, def, pageSpec, at.request, { ...headers, ...plan.headers }, at.offset > 0, args.keepPages !== false).catch((e) => {
      // A 404 on the endpoint a filter chose means the filter's value does not exist (Okta groupId "everyone").
      if (!plan.scopedBy) throw e;
      const mapped = unknownFilterValue(e, def, plan.scopedBy, args.filter[plan.scopedBy], valuesHint(account.id, list, plan.scopedBy));
      const call = failedCallOf(e);
      throw mapped !== e && call ? withCall(mapped as Error, call) : mapped;
    });
  // The joined pages (usage, memberships) and the first page of users are read at once, not one after the
  // other; a failing join is still the error reported, as when it was read first.
  // Pages are compared by paginator state: a resumed request may order its query differently.
  const first = pag.first(base, walk.pageSize);
  const stateKey = (req: UpstreamRequest) => JSON.stringify(pag.state(req, first));
  const given = args.ahead && pos.offset === 0 && stateKey(args.ahead.request) === stateKey(pos.request) ? args.ahead.page : null;
  const [joined, firstPage] = await Promise.allSettled([mapper(scope, account, def, category, vars, calls), args.first === 0 ? null : (given ?? load(pos))]);
  if (joined.status === 'rejected') throw joined.reason;
  if (firstPage.status === 'rejected') throw firstPage.reason;
  const map = joined.value;
  let prefetched = firstPage.value;
  const edges: Edge[] = [];
  const seen = new Set([stateKey(pos.request)]);
  // Read ahead only where every record with an id is an edge: then this list, or the next, reads that page.
  const readAhead = !!args.readAhead && !plan.predicates.length;
  let upcoming: Ahead | null = null;
  /** Where the last edge's cursor points. */
  let lastAfter: Position | null = null;
  let scanned = 0;
  let pages = 0;
  const started = performance.now();
  let hasNextPage = false;
  let endPosition: Position | null = null;
  const warnings: GatewayWarning[] = [];
  let skipped = 0;
  const done = () => {
    if (skipped) warnings.push(skippedRecords(def, skipped));
    const result = resultOf(codec, walk, edges, hasNextPage, endPosition, calls, warnings);
    // Handed on only when endCursor starts at the page read ahead (not inside this one, where records were left).
    const end = endPosition ?? lastAfter;
    if (upcoming && hasNextPage && end?.offset === 0 && stateKey(end.request) === stateKey(upcoming.request)) result.ahead = upcoming;
    upcoming = null;
    return result;
  };
  if (args.first === 0) return resultOf(codec, walk, edges, true, null, calls);

  for (;;) {
    const page: Page = prefetched ?? (await (upcoming && stateKey(upcoming.request) === stateKey(pos.request) ? upcoming.page : load(pos)));
    prefetched = null;
    upcoming = null;
    calls.push(page.call);
    const { records } = page;
    let next = page.next;
    if (page.refusedNext) {
      page.call.refusedNextLink = page.refusedNext.link;
      warnings.push(refusedLink(def, page.refusedNext.reason));
    }
    // A next page this walk has already read (in this request, or in an earlier one resumed here) ends it.
    if (next && (seen.has(stateKey(next)) || scope.engine.walks.revisits(walk, pos.request, next))) {
      page.call.isLooping = true;
      warnings.push(looping(def));
      next = null;
    }
    if (readAhead && next) {
      const request = next;
      const ahead = load({ request, offset: 0 });
      ahead.catch(() => {}); // read by this list or the next; a walk that stops first must not leave it unhandled
      upcoming = { request, page: ahead };
      // The call leaves on a later tick (pages are batched): let it go before mapping holds the thread.
      await immediate();
    }
    let i = pos.offset;
    for (; i < records.length && edges.length < args.first; i++) {
      scanned++;
      const user = map(records[i], i, records);
      if (!user) {
        skipped++;
        if (!page.call.skippedRecords.includes(i)) page.call.skippedRecords.push(i);
      } else if (plan.predicates.every((p) => p(user))) {
        const after: Position = i + 1 === records.length && next ? { request: next, offset: 0 } : { request: pos.request, offset: i + 1 };
        edges.push(edgeOf(codec, walk, user, after));
        lastAfter = after;
      }
      if (plan.predicates.length && scanned >= scope.engine.options.maxScan && edges.length < args.first) {
        const rest: Position = i + 1 === records.length && next ? { request: next, offset: 0 } : { request: pos.request, offset: i + 1 };
        const more = i + 1 < records.length || next !== null;
        if (edges.length) {
          hasNextPage = more;
          endPosition = rest;
          return done();
        }
        // A page with no edges must be the last one (urql's relayPagination skips empty pages, so
        // "load more" would stall): keep scanning within a budget, then say so instead.
        if (more && (scanned >= scope.engine.options.maxScan * EMPTY_SCAN_FACTOR || performance.now() - started > EMPTY_SCAN_MS))
          throw scanExhausted(def, list, args.filter, scanned, codec.encode(walk, rest));
      }
    }
    if (edges.length === args.first) {
      hasNextPage = i < records.length || next !== null;
      break;
    }
    if (!next) break;
    // Bounded work per request, whatever the upstream does (e.g. endless empty pages with fresh cursors):
    // answer with what we have and a cursor to continue.
    if (++pages >= scope.engine.options.maxPages) {
      if (!edges.length && plan.predicates.length) throw scanExhausted(def, list, args.filter, scanned, codec.encode(walk, { request: next, offset: 0 }));
      // A page with no edges must be the last one (clients stop, or stall, on it): an upstream that keeps
      // answering empty pages with a next link is reported, with a cursor to go on, instead.
      if (!edges.length) throw emptyPages(def, pages, codec.encode(walk, { request: next, offset: 0 }));
      hasNextPage = true;
      endPosition = { request: next, offset: 0 };
      break;
    }
    seen.add(stateKey(next));
    pos = { request: next, offset: 0 };
  }
  return done();
}

function looping(def: ProviderDefinition): GatewayWarning {
  return {
    code: 'UPSTREAM_LOOPING',
    message: `${def.displayName} pointed its next page back to a page this walk has already read (the upstream looped); paging stopped here, with hasNextPage false. Check the upstream, or start the list again without after.`,
    provider: def.slug,
  };
}

function refusedLink(def: ProviderDefinition, reason: string): GatewayWarning {
  return {
    code: 'UPSTREAM_NEXT_LINK_REFUSED',
    message: `${def.displayName} sent a next link the gateway does not follow (${reason}); the users already read are served and paging stopped, with hasNextPage false. Check the account's base URL, or the upstream.`,
    provider: def.slug,
  };
}

function skippedRecords(def: ProviderDefinition, n: number): GatewayWarning {
  return {
    code: 'UPSTREAM_RECORD_SKIPPED',
    message: `${def.displayName} returned ${n} record${n === 1 ? '' : 's'} without a usable id; the gateway left ${n === 1 ? 'it' : 'them'} out of the page rather than invent an id. The upstream data may be incomplete.`,
    provider: def.slug,
    skipped: n,
  };
}

function emptyPages(def: ProviderDefinition, pages: number, after: string): GatewayError {
  return new GatewayError(
    'UPSTREAM_BAD_RESPONSE',
    `${def.displayName} answered ${pages} pages in a row without a record while still pointing to a next page; the gateway stopped there (limits.maxPages). Pass extensions.after as after to keep going, or check the upstream.`,
    { provider: def.slug, after },
  );
}

/** No match within the scan budget: names the filters the gateway tested and those the upstream serves. */
function scanExhausted(def: ProviderDefinition, list: ListDefinition, filter: UserFilter, scanned: number, after: string): GatewayError {
  const served = (n: string) => { const s = list.filters[n as FilterName]; return s ? servingOf(s) : undefined; };
  const tested = Object.keys(filter).filter((n) => isSet(filter[n as FilterName]) && served(n) === 'ENGINE');
  const pushed = Object.keys(list.filters).filter((n) => served(n) === 'QUERY_PARAMETER' || served(n) === 'SCOPED_ENDPOINT');
  const names = (tested.length ? tested : Object.keys(filter)).map((n) => `filters.${n}`).join(', ');
  const hint = pushed.length ? `add a filter ${def.displayName} serves upstream (${pushed.join(', ')}) to narrow the list` : 'narrow the query';
  return new GatewayError(
    'FILTER_SCAN_EXHAUSTED',
    `No user matched ${names} in the ${scanned} ${def.displayName} records read for this page; the gateway tests ${tested.length > 1 ? 'these filters' : 'this filter'} while paging and stopped at its scan budget. To go on, ${hint}, or pass extensions.after as after to keep scanning.`,
    { provider: def.slug, filter: tested[0], after },
  );
}
