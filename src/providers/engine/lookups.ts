// Lookups beside the users list, per GraphQL request: the values a filter takes (Query.filterValues, paged
// with the engine's own signed cursors), and fields filled by a second call only when a query selects
// them (organization names by id, batched; a user's groups, one call per user with bounded concurrency).
import DataLoader from 'dataloader';
import { queryKey, type Position, type Walk } from './cursor.js';
import { GatewayError } from './errors.js';
import { FILTERS, FILTER_NAMES } from './filter-defs.js';
import type { UpstreamCall } from './http.js';
import { loadBatched } from './json-batch.js';
import { singlePage } from './paginators.js';
import { secretsOf } from './redact.js';
import { contextOf, type Account, type Scope } from './scope.js';
import { USER_STATUSES, USER_TYPES, type Category, type EnrichableField, type FilterName, type ListDefinition, type Paginator, type ProviderDefinition, type Ref, type RenderedRequest, type RequestTemplate, type RequestVars, type UpstreamRequest } from './types.js';

export interface FilterValue { id: string; name: string | null; remoteData: unknown }
export interface ValuesArgs { category?: Category | null; filter: string; first: number; after?: string | null }
/** A connection of filter values; cursors are encoded when read, like the users connection's. */
export interface ValuesResult { edges: { readonly node: FilterValue; readonly cursor: string }[]; hasNextPage: boolean; readonly endCursor: string | null; calls: UpstreamCall[] }

/** Where a filter's values come from: the provider's own list, or the filter's enum (status, userType, isActive). */
export type ValuesSource = 'UPSTREAM' | 'ENUM';

const ENUM_VALUES: Partial<Record<string, readonly string[]>> = { status: USER_STATUSES, userType: USER_TYPES, boolean: ['true', 'false'] };

export function valuesSource(list: ListDefinition, filter: FilterName): ValuesSource | null {
  if (!list.filters[filter]) return null;
  if (list.values?.[filter]) return 'UPSTREAM';
  return ENUM_VALUES[FILTERS[filter].kind] ? 'ENUM' : null;
}

/** The hint an error about a filter's value gives: where the valid values are listed. */
export function valuesHint(accountId: string, list: ListDefinition, filter: FilterName): string {
  return valuesSource(list, filter)
    ? `List the valid values with filterValues(integratedAccountId: "${accountId.slice(0, 128)}", filter: "${filter}").`
    : 'Use an id exactly as the provider gives it.';
}

interface EnrichKey { account: Account; def: ProviderDefinition; field: EnrichableField; id: string }

/** How many per-user lookups run at once (Okta: one call per user): bounded so a page cannot burst a rate limit. */
const USER_LOOKUP_CONCURRENCY = 4;
const ENUM_PAGINATOR = singlePage();

export class Lookups {
  private readonly enriched: DataLoader<EnrichKey, Ref | Ref[] | null, string>;

  constructor(private readonly scope: Scope) {
    this.enriched = new DataLoader((keys) => this.batchEnrich(keys), { cacheKeyFn: (k) => `${k.account.id}|${k.field}|${k.id}` });
  }

  /** One Relay page of the values `filter` takes on this account; calls collects the upstream calls. */
  async values(account: Account, def: ProviderDefinition, args: ValuesArgs, calls: UpstreamCall[] = []): Promise<ValuesResult> {
    const category = args.category ?? def.category;
    const list = def.lists[category];
    if (!list) throw new GatewayError('CATEGORY_MISMATCH', `Integrated account "${account.id}" (${def.displayName}) is in ${def.categories.join(', ')}, not ${category}. Ask with category: ${def.category}.`, { provider: def.slug });
    if (!(FILTER_NAMES as string[]).includes(args.filter))
      throw new GatewayError('BAD_USER_INPUT', `"${args.filter.slice(0, 64)}" is not a filter. Use a name from supportedFilters { name } (${Object.keys(list.filters).join(', ')}).`, { filter: args.filter.slice(0, 64) });
    const filter = args.filter as FilterName;
    const source = valuesSource(list, filter);
    if (!source) {
      const listable = Object.keys(list.filters).filter((n) => valuesSource(list, n as FilterName));
      const why = list.filters[filter] ? `cannot list the values of filters.${filter}` : `cannot filter users by ${filter}`;
      throw new GatewayError('UNSUPPORTED_FILTER', `${def.displayName} (${def.slug}) ${why}. Filters with listable values here: ${listable.join(', ') || 'none'} (supportedFilters { valuesListable }).`, { provider: def.slug, filter });
    }
    const qk = queryKey({ p: def.slug, c: category, v: filter });
    const codec = this.scope.engine.cursors;
    const first = args.first;
    const secrets = secretsOf(account.credentials);
    const result = (walk: Walk, edges: { value: FilterValue; position: Position }[], hasNextPage: boolean, end: Position | null): ValuesResult => ({
      edges: edges.map(({ value, position }) => { let c: string | undefined; return { node: value, get cursor() { return (c ??= codec.encode(walk, position)); } }; }),
      hasNextPage,
      calls,
      get endCursor() { return end ? codec.encode(walk, end) : (this.edges.at(-1)?.cursor ?? null); },
    });
    if (source === 'ENUM') {
      // One synthetic page: the cursor machinery still signs offsets into it.
      const request: UpstreamRequest = { method: 'GET', path: `enum:${filter}`, query: [] };
      const walk: Walk = { accountId: account.id, queryKey: qk, paginator: ENUM_PAGINATOR, base: request, pageSize: 1, secrets };
      const offset = args.after ? codec.decode(args.after, walk).offset : 0;
      const all = ENUM_VALUES[FILTERS[filter].kind]!;
      const slice = all.slice(offset, offset + first);
      return result(walk, slice.map((v, i) => ({ value: { id: v, name: v, remoteData: null }, position: { request, offset: offset + i + 1 } })), offset + slice.length < all.length, null);
    }
    const spec = list.values![filter]!;
    const pag = spec.paginator;
    const { request, headers } = this.scope.render(account, def, spec, { context: contextOf(account, def), filters: {} });
    const walk: Walk = { accountId: account.id, queryKey: qk, paginator: pag, base: request, pageSize: Math.min(pag.maxPageSize, Math.max(first, 1)), secrets };
    let pos: Position;
    if (args.after) {
      const resumed = codec.decode(args.after, walk);
      walk.pageSize = resumed.pageSize;
      pos = resumed;
    } else pos = { request: pag.first(request, walk.pageSize), offset: 0 };
    const pageSpec = { kind: `values:${category}:${filter}`, records: spec.records, paginator: pag, idempotent: spec.idempotent };
    const edges: { value: FilterValue; position: Position }[] = [];
    for (let pages = 0; ; pages++) {
      const page = await this.scope.loadPage(account, def, pageSpec, pos.request, headers);
      calls.push(page.call);
      let i = pos.offset;
      for (; i < page.records.length && edges.length < first; i++) {
        const raw = page.records[i];
        const id = spec.id(raw);
        if (id === null) continue; // a record without an id cannot be passed as a filter
        const after: Position = i + 1 === page.records.length && page.next ? { request: page.next, offset: 0 } : { request: pos.request, offset: i + 1 };
        edges.push({ value: { id, name: spec.name(raw), remoteData: raw }, position: after });
      }
      if (edges.length === first) return result(walk, edges, i < page.records.length || page.next !== null, null);
      if (!page.next) return result(walk, edges, false, null);
      if (pages + 1 >= this.scope.engine.options.maxPages) return result(walk, edges, true, { request: page.next, offset: 0 });
      pos = { request: page.next, offset: 0 };
    }
  }

  /** A name for an id the user carries (`ids` lookups), batched with every other id of the request. */
  async refName(account: Account, def: ProviderDefinition, field: EnrichableField, id: string): Promise<string | null> {
    const ref = (await this.enriched.load({ account, def, field, id })) as Ref | null;
    return ref?.name ?? null;
  }

  /** A per-user list (`user` and `json-batch` lookups), e.g. a user's groups. */
  async refsOf(account: Account, def: ProviderDefinition, field: EnrichableField, remoteId: string): Promise<Ref[]> {
    return ((await this.enriched.load({ account, def, field, id: remoteId })) as Ref[] | null) ?? [];
  }

  private async batchEnrich(keys: readonly EnrichKey[]): Promise<(Ref | Ref[] | null | Error)[]> {
    const out = new Map<EnrichKey, Ref | Ref[] | null | Error>();
    const groups = new Map<string, EnrichKey[]>();
    for (const k of keys) {
      const g = `${k.account.id}|${k.field}`;
      groups.set(g, [...(groups.get(g) ?? []), k]);
    }
    await Promise.all([...groups.values()].map(async (group) => {
      const { account, def, field } = group[0]!;
      const spec = def.enrich?.[field];
      if (!spec) return group.forEach((k) => out.set(k, null));
      const vars: RequestVars = { context: contextOf(account, def), filters: {} };
      const pageSpec = { kind: `enrich:${field}`, records: spec.records, idempotent: spec.idempotent };
      const read = (raw: unknown): Ref | null => { const id = spec.id(raw); return id === null ? null : { id, name: spec.name(raw) }; };
      if (spec.by === 'ids') {
        for (let i = 0; i < group.length; i += spec.maxBatch) {
          const chunk = group.slice(i, i + spec.maxBatch);
          try {
            const { request, headers } = this.scope.render(account, def, spec, { ...vars, ids: chunk.map((k) => k.id) });
            const page = await this.scope.loadPage(account, def, pageSpec, request, headers);
            const byId = new Map(page.records.map(read).filter((r): r is Ref => r !== null).map((r) => [r.id, r]));
            for (const k of chunk) out.set(k, byId.get(k.id) ?? null);
          } catch (e) {
            for (const k of chunk) out.set(k, e as Error);
          }
        }
        return;
      }
      if (spec.by === 'json-batch') {
        const lists = await loadBatched(this.scope, account, def, field, spec, [...new Set(group.map((k) => k.id))], vars);
        for (const k of group) out.set(k, lists.get(k.id) ?? null);
        return;
      }
      await pool(group, USER_LOOKUP_CONCURRENCY, async (k) => {
        try {
          const { request, headers } = this.scope.render(account, def, spec, { ...vars, id: k.id });
          const page = await this.scope.loadPage(account, def, pageSpec, request, headers);
          out.set(k, page.records.map(read).filter((r): r is Ref => r !== null));
        } catch (e) {
          out.set(k, e as Error);
        }
      });
    }));
    return keys.map((k) => out.get(k) ?? null);
  }
}

/** Runs `work` over items with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => { while (next < items.length) await work(items[next++]!); };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
