// TEMPORARY: runs adapters written in the pre-spec shape on the new runtime while they are converted to
// `defineProvider(spec)` one by one. Deleted with the last conversion.
import type { AuthScheme, ByIdDefinition, ByIdsDefinition, Category, ContextKey, Credentials, FilterName, FilterServe, JoinDefinition, Joined, ListDefinition, Paginator, ProviderContext, ProviderDefinition, QueryValue, RateLimitSpec, RequestTemplate, RequestVars, UnifiedUser, UserFilter } from './types.js';
import { daysAgo } from './engine.js';
import { tokenCursor } from './paginators.js';

type LegacyFilter =
  | { param: string; value?: (v: any, all: UserFilter) => QueryValue; join?: string; note?: string }
  | { params: (v: any, all: UserFilter) => [string, string][]; note?: string }
  | { endpoint: (v: any, all: UserFilter) => string; exclusive?: boolean; note?: string }
  | { engine: true; note?: string }
  | { usage: true; note?: string };

interface LegacyRequest { method?: 'GET' | 'POST'; path: string; query?: Record<string, string | string[]>; body?: Record<string, unknown> }
interface LegacyDefinition<Raw> {
  slug: string; displayName: string; category: Category; docsUrl: string;
  baseUrl: (ctx: ProviderContext) => string | undefined;
  contextKeys?: { key: string; required: boolean; description: string }[];
  auth: AuthScheme;
  list: LegacyRequest & { records: (b: any) => unknown; paginator: Paginator };
  filters: Partial<Record<FilterName, LegacyFilter>>;
  requiredFilters?: FilterName[];
  joins?: { name: string; request: (f: UserFilter) => LegacyRequest; records: (b: any) => unknown; paginator: Paginator; key: (r: any) => string | null | undefined; userKey: (r: any) => string | null | undefined; maxPages?: number }[];
  byId?: { path: (id: string) => string; record?: (b: any) => unknown };
  byIds?: { path: string; query: (ids: string[]) => Record<string, string | string[]>; records: (b: any) => unknown; idOf: (r: any) => string; maxBatch: number };
  rateLimit?: RateLimitSpec;
  fields: (keyof UnifiedUser)[];
  errorMessage?: (b: any) => string | undefined;
  headers?: Record<string, string>;
  map: (raw: Raw, joined: Joined) => UnifiedUser;
}

const pairs = (q: Record<string, string | string[]>): [string, string][] => Object.entries(q).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x] as [string, string]) : [[k, v] as [string, string]]));
const tpl = (method: 'GET' | 'POST', make: (vars: RequestVars) => LegacyRequest): RequestTemplate => ({
  method,
  idempotent: true,
  render(vars) {
    const r = make(vars);
    const [path, qs] = r.path.split('?', 2) as [string, string | undefined];
    return { path, query: [...pairs(r.query ?? {}), ...new URLSearchParams(qs ?? '').entries()], headers: {}, ...(r.body ? { body: r.body } : {}) };
  },
});
const generic = (b: any) => {
  const e = b?.error;
  const c = [typeof e === 'object' ? e?.message : undefined, b?.errorSummary, b?.error_description, b?.description, Array.isArray(b?.errorMessages) ? b.errorMessages[0] : undefined, b?.message, b?.detail, typeof e === 'string' ? e : undefined];
  return c.find((x) => typeof x === 'string' && x.length > 0) as string | undefined;
};

export function defineProvider<Raw>(d: LegacyDefinition<Raw>): ProviderDefinition<Raw> {
  const filters: Partial<Record<FilterName, FilterServe>> = {};
  for (const [name, f] of Object.entries(d.filters) as [FilterName, LegacyFilter][]) {
    if ('engine' in f) filters[name] = { by: 'engine', note: f.note };
    else if ('usage' in f) filters[name] = { by: 'usage', note: f.note };
    else if ('endpoint' in f) filters[name] = { by: 'endpoint', path: (v, vars) => f.endpoint(v, vars.filters), query: () => [], exclusive: !!f.exclusive, note: f.note };
    else if ('params' in f) filters[name] = { by: 'params', params: f.params, recheck: true, note: f.note };
    else filters[name] = { by: 'query', param: f.param, value: f.value ?? ((v) => v), join: f.join, recheck: true, note: f.note };
  }
  const list: ListDefinition = { ...tpl(d.list.method ?? 'GET', () => d.list), records: d.list.records, paginator: d.list.paginator, filters, requiredFilters: d.requiredFilters ?? [], remoteQueryIn: 'query' };
  const dated = !!d.filters.date;
  const joins: JoinDefinition[] = (d.joins ?? []).map((j) => ({
    ...tpl(j.request({}).method ?? 'GET', (vars) => j.request(vars.filters)),
    name: j.name, records: j.records, paginator: j.paginator, key: j.key, userKey: j.userKey, maxPages: j.maxPages,
    ...(dated ? { selectedBy: { filter: 'date' as const, default: () => daysAgo(3) }, optional: { unlessFilter: 'date' as const } } : { optional: false }),
  }));
  const byId: ByIdDefinition | undefined = d.byId && { ...tpl('GET', (vars) => ({ path: d.byId!.path(encodeURIComponent(vars.id!)) })), record: d.byId.record ?? ((b) => b) };
  const byIds: ByIdsDefinition | undefined = d.byIds && { ...tpl('GET', (vars) => ({ path: d.byIds!.path, query: d.byIds!.query(vars.ids!) })), records: d.byIds.records, idOf: d.byIds.idOf, maxBatch: d.byIds.maxBatch };
  // Legacy "required" keys were only ever checked when no context.baseUrl was given.
  const contextKeys: ContextKey[] = (d.contextKeys ?? []).map((k) => ({ ...k, required: k.required && k.key !== 'baseUrl' ? 'unless-baseUrl' : k.required }));
  return {
    slug: d.slug, displayName: d.displayName, docsUrl: d.docsUrl, categories: [d.category], category: d.category,
    baseUrl: d.baseUrl, contextKeys, auth: d.auth, headers: () => d.headers ?? {},
    lists: { [d.category]: list }, joins, byId, byIds, rateLimit: d.rateLimit,
    errors: { message: (b) => d.errorMessage?.(b) || generic(b) }, fields: d.fields, map: d.map,
  };
}

/** The old header scheme: a credential in one header, optionally formatted. */
export function legacyHeaderAuth(o: { key: string; header: string; format?: (s: string) => string; description: string }): AuthScheme {
  return {
    kind: 'API_KEY', credentialKeys: [o.key], description: o.description,
    applies: (c: Credentials) => typeof c[o.key] === 'string' && c[o.key] !== '',
    headers: (c) => ({ [o.header]: o.format ? o.format(c[o.key]!) : c[o.key]! }),
  };
}

/** The old body-cursor factory. */
export function bodyCursor(o: { param: string; next: (body: any) => unknown; pageSizeParam: string; maxPageSize: number; reservedParams?: string[] }): Paginator {
  return tokenCursor({ token: (r) => o.next(r.body), from: 'body', send: { query: o.param }, size: { query: o.pageSizeParam }, maxPageSize: o.maxPageSize, reservedParams: o.reservedParams });
}
