// compileProvider: a ProviderSpec (data + named hooks) → the ProviderDefinition the engine runs.
// defineProvider validates first (zod), so a bad spec stops the start with its slug and field named.
import { GatewayError } from '../errors.js';
import { anyOf, basicAuth, bearerAuth, clientCredentialsAuth, headerAuth, ldapBindAuth } from '../auth.js';
import { daysAgo } from '../engine.js';
import { joinKey } from '../map-helpers.js';
import { graphqlCursor, ldapPaged, linkHeader, nextUrl, offsetLimit, pageNumber, singlePage, tokenCursor, type Slot } from '../paginators.js';
import { getPath } from '../paths.js';
import {
  predicateOf,
  type AuthScheme, type ByIdDefinition, type ByIdsDefinition, type Category, type ContextKey, type ErrorPolicy, type FilterName, type FilterServe,
  type EnrichableField, type JoinDefinition, type ListDefinition, type Paginator, type ProviderContext, type ProviderDefinition, type RequestTemplate, type RequestVars, type UnifiedUser,
} from '../types.js';
import { compileDeclarativeMap } from './declarative.js';
import { bodyReader, firstString, locate } from './locator.js';
import { QUOTES } from './quote.js';
import { ProviderSpecError, validateSpec } from './schema.js';
import { placeholders, renderHeaders, renderJson, renderPath, renderQuery, renderText, renderUrl, type TemplateValues } from './template.js';
import type { AuthSpec, ByIdsSpec, DeclarativeMap, EnrichSpec, ErrorSpec, FilterSpec, FilterValuesSpec, JoinSpec, ListSpec, PaginatorSpec, ProviderSpec, RequestSpec } from './types.js';
import { compileValue } from './values.js';

/** Tried after a provider's own message locators: OAuth (RFC 6749), problem details (RFC 9457) and the usual fields. */
export const DEFAULT_MESSAGE_LOCATORS = ['error.message', 'error_description', 'message', 'detail', 'error'];

/** Validates (zod) and compiles. Throws a ProviderSpecError naming the slug and the bad field. */
export function defineProvider<Raw>(spec: ProviderSpec<Raw>): ProviderDefinition<Raw> {
  validateSpec(spec, 'typescript');
  return compileProvider(spec);
}

export function compileProvider<Raw>(spec: ProviderSpec<Raw>): ProviderDefinition<Raw> {
  const fail = (path: string, message: string): never => { throw new ProviderSpecError(spec.slug, [{ path, message }]); };
  const contextKeys: ContextKey[] = Object.entries(spec.context ?? {}).map(([key, c]) => ({ key, required: c.required ?? false, description: c.description, pattern: c.pattern, default: c.default }));
  // Every provider with a token endpoint takes context.tokenUrl to override it (proxies, sovereign clouds, tests).
  const grants = [spec.auth].flat().filter((a) => a.kind === 'oauth2-client-credentials');
  if (grants.length && !contextKeys.some((k) => k.key === 'tokenUrl'))
    contextKeys.push({ key: 'tokenUrl', required: false, description: `token endpoint, overriding ${grants.map((g) => g.tokenUrl).join(' / ')}`, pattern: '^https?://' });
  const withDefaults = (ctx: ProviderContext): ProviderContext => {
    const missing = contextKeys.filter((k) => k.default !== undefined && ctx[k.key] === undefined);
    return missing.length ? { ...Object.fromEntries(missing.map((k) => [k.key, k.default])), ...ctx } : ctx;
  };
  const patterns = new Map(contextKeys.filter((k) => k.pattern).map((k) => [k.key, new RegExp(k.pattern!)]));
  const baseRefs = spec.baseUrl ? placeholders(spec.baseUrl).map((p) => p.key!) : [];

  const categories = Object.keys(spec.lists) as Category[];
  const lists: Partial<Record<Category, ListDefinition>> = {};
  for (const c of categories) {
    for (const key of spec.lists[c]!.requiredContext ?? [])
      if (!spec.context?.[key]) fail(`lists.${c}.requiredContext`, `context.${key} is not declared under context`);
    lists[c] = compileList(spec.lists[c]!, spec.slug, c, fail);
  }
  const joins = (spec.joins ?? []).map((j) => compileJoin(j, spec.slug));
  for (const c of categories)
    for (const [name, f] of Object.entries(spec.lists[c]!.filters) as [FilterName, FilterSpec][])
      if ('usage' in f && !joins.some((j) => j.selectedBy?.filter === name)) fail(`lists.${c}.filters.${name}`, `served by usage, but no join is selectedBy ${name}`);

  return {
    slug: spec.slug,
    displayName: spec.displayName,
    ...(spec.transport === 'ldap' ? { transport: 'LDAP' as const } : {}),
    docsUrl: spec.docsUrl,
    categories,
    category: categories[0]!,
    baseUrl(ctx) {
      if (!spec.baseUrl) return undefined;
      const c = withDefaults(ctx);
      for (const key of baseRefs) {
        const v = c[key];
        if (typeof v !== 'string' || v === '' || (patterns.has(key) && !patterns.get(key)!.test(v))) return undefined;
      }
      return renderUrl(spec.baseUrl, { context: c });
    },
    contextKeys,
    auth: compileAuth(spec.auth),
    headers: (vars) => renderHeaders(spec.headers, { context: vars.context }),
    lists,
    joins,
    byId: spec.byId && { ...compileRequest(spec.byId, spec.slug), record: spec.byId.record ? bodyReader(spec.byId.record) : (b) => b },
    byIds: spec.byIds && compileByIds(spec.byIds, spec.slug),
    ...(spec.enrich ? { enrich: compileEnrich(spec.enrich, spec.slug) } : {}),
    rateLimit: spec.rateLimit,
    errors: compileErrors(spec.errors),
    fields: spec.fields,
    ...(typeof spec.map === 'function' ? { map: spec.map } : compileDeclarativeMap(spec.slug, spec.map, fail)),
  };
}

function values(vars: RequestVars): TemplateValues {
  return { context: vars.context, filters: vars.filters as Record<string, unknown>, id: vars.id, ids: vars.ids };
}

function compileRequest(spec: RequestSpec, slug: string, ids?: (ids: string[]) => unknown): RequestTemplate {
  const method = spec.method ?? 'GET';
  const body = spec.body;
  return {
    method,
    idempotent: method === 'GET' || spec.idempotent === true,
    render(vars) {
      const v = values(vars);
      if (ids && vars.ids) v.ids = ids(vars.ids);
      const rendered = typeof body === 'function' ? body({ context: vars.context, filters: vars.filters }) : body === undefined ? undefined : renderJson(body, v);
      return {
        path: renderPath(spec.path, v, slug),
        query: renderQuery(spec.query, v),
        headers: renderHeaders(spec.headers, v),
        ...(rendered !== undefined ? { body: rendered as Record<string, unknown> } : {}),
      };
    },
  };
}

function compileByIds(spec: ByIdsSpec, slug: string): ByIdsDefinition {
  const quote = spec.idsQuote ? QUOTES[spec.idsQuote] : undefined;
  const each = spec.idsTemplate;
  const idsValue = (ids: string[]) => {
    const quoted = quote ? ids.map(quote) : ids;
    const q = each === undefined ? quoted : quoted.map((id) => renderText(each, { id }) ?? '');
    return spec.idsJoin !== undefined ? q.join(spec.idsJoin) : q;
  };
  const pattern = spec.idPattern !== undefined ? new RegExp(spec.idPattern) : undefined;
  const joinedRaw = spec.idsJoin !== undefined && !quote ? spec.idsJoin : undefined;
  const accepts = (id: string) => id !== '' && (!pattern || pattern.test(id)) && (joinedRaw === undefined || !id.includes(joinedRaw));
  return { ...compileRequest(spec, slug, idsValue), records: bodyReader(spec.records), idOf: (r) => String(getPath(r, spec.idOf) ?? ''), maxBatch: spec.maxBatch, accepts };
}

function compileList(spec: ListSpec, slug: string, category: Category, fail: (path: string, message: string) => never): ListDefinition {
  const at = `lists.${category}`;
  const filters: Partial<Record<FilterName, FilterServe>> = {};
  const inPath = new Set(placeholders(spec.path).filter((p) => p.scope === 'filters').map((p) => p.key));
  for (const [name, f] of Object.entries(spec.filters) as [FilterName, FilterSpec][]) {
    filters[name] = compileFilter(f, slug);
    if ('engine' in f && !predicateOf(name)) fail(`${at}.filters.${name}`, `the engine cannot test ${name} on a user; serve it upstream`);
    if ('path' in f && !inPath.has(name)) fail(`${at}.filters.${name}`, `served by path, but ${at}.path does not read {filters.${name}}`);
  }
  const defaults = Object.entries(spec.filterDefaults ?? {}) as [FilterName, string][];
  for (const [name] of defaults) if (!filters[name]) fail(`${at}.filterDefaults.${name}`, `${name} is not one of this list's filters`);
  const requiredContext = spec.requiredContext ?? [];
  const request = compileRequest(spec, slug);
  return {
    ...request,
    render(vars) {
      const missing = requiredContext.filter((k) => vars.context[k] === undefined || vars.context[k] === null || vars.context[k] === '');
      if (missing.length)
        throw new GatewayError('INTEGRATED_ACCOUNT_NOT_FOUND', `The integrated account has no ${missing.map((k) => `context.${k}`).join(', ')}, which ${slug} needs to list ${category} users; set it in the account's context.`, { provider: slug });
      if (!defaults.length) return request.render(vars);
      const filled: Record<string, unknown> = { ...vars.filters };
      for (const [name, tpl] of defaults) {
        if (filled[name] !== undefined && filled[name] !== null) continue;
        const v = renderText(tpl, { context: vars.context });
        if (v !== undefined) filled[name] = v;
        else if (inPath.has(name)) {
          const keys = placeholders(tpl).map((p) => `context.${p.key}`).join(' + ');
          throw new GatewayError('MISSING_REQUIRED_FILTER', `${slug} needs filters.${name} (or ${keys} in the account's context) to list ${category} users. Add it to the users query.`, { provider: slug, filter: name });
        }
      }
      return request.render({ ...vars, filters: filled as RequestVars['filters'] });
    },
    requiredContext,
    filterDefaults: Object.fromEntries(defaults),
    records: bodyReader(spec.records),
    paginator: compilePaginator(spec.paginator),
    filters,
    requiredFilters: spec.requiredFilters ?? [],
    remoteQueryIn: spec.remoteQueryIn ?? 'query',
    ...(spec.values ? { values: compileValues(spec.values, slug, at, fail, spec.filters) } : {}),
  };
}

/** A dot path read as a non-empty string (numbers too: Zendesk ids), else null. */
function textAt(path: string): (record: unknown) => string | null {
  return (r) => {
    const v = getPath(r, path);
    return (typeof v === 'string' && v !== '') || typeof v === 'number' ? String(v) : null;
  };
}

function compileValues(specs: NonNullable<ListSpec['values']>, slug: string, at: string, fail: (path: string, message: string) => never, filters: ListSpec['filters']): NonNullable<ListDefinition['values']> {
  const out: NonNullable<ListDefinition['values']> = {};
  for (const [name, v] of Object.entries(specs) as [FilterName, FilterValuesSpec][]) {
    if (!filters[name]) fail(`${at}.values.${name}`, `lists values for ${name}, which this list does not serve as a filter`);
    out[name] = { ...compileRequest(v, slug), records: bodyReader(v.records), paginator: compilePaginator(v.paginator), id: textAt(v.id), name: textAt(v.name) };
  }
  return out;
}

function compileEnrich(specs: NonNullable<ProviderSpec['enrich']>, slug: string): NonNullable<ProviderDefinition['enrich']> {
  const out: NonNullable<ProviderDefinition['enrich']> = {};
  for (const [field, e] of Object.entries(specs) as [EnrichableField, EnrichSpec][]) {
    const join = e.by === 'ids' ? e.idsJoin : undefined;
    const ids = e.by === 'ids' ? (list: string[]) => (join !== undefined ? list.join(join) : list) : undefined;
    out[field] = {
      ...compileRequest(e, slug, ids),
      by: e.by,
      records: bodyReader(e.records),
      id: textAt(e.id),
      name: textAt(e.name),
      maxBatch: e.by === 'ids' ? e.maxBatch : e.by === 'json-batch' ? e.batch.max : 1,
      ...(e.by === 'json-batch' ? { batch: compileRequest({ method: 'POST', path: e.batch.path, idempotent: true }, slug) } : {}),
    };
  }
  return out;
}

function compileFilter(f: FilterSpec, slug: string): FilterServe {
  const note = f.note;
  if ('body' in f) return { by: 'body', path: f.body, value: compileValue(f.value), recheck: f.recheck ?? true, note };
  if ('params' in f) return { by: 'params', params: f.params, recheck: f.recheck ?? true, note };
  if ('endpoint' in f) {
    const { endpoint, query, exclusive } = f;
    const v = (value: unknown, vars: RequestVars): TemplateValues => ({ ...values(vars), value });
    return { by: 'endpoint', path: (value, vars) => renderPath(endpoint, v(value, vars), slug), query: (value, vars) => renderQuery(query, v(value, vars)), exclusive: exclusive ?? false, note };
  }
  if ('query' in f) {
    const extras = f.with;
    const more = typeof extras === 'function' ? extras : extras === undefined ? undefined : () => extras;
    return { by: 'query', param: f.query, value: compileValue(f.value), join: f.join, recheck: f.recheck ?? true, note, ...(more ? { with: more } : {}) };
  }
  if ('engine' in f) return { by: 'engine', note };
  if ('path' in f) return { by: 'path', note };
  return { by: 'usage', note };
}

const unescape = (path: string) => path.replace(/\\\./g, '.');

export function compilePaginator(p: PaginatorSpec): Paginator {
  const built = ((): Paginator => {
    switch (p.kind) {
      case 'cursor': {
        const size: Slot = 'param' in p.pageSize ? { query: p.pageSize.param } : 'variable' in p.pageSize ? { body: `variables.${p.pageSize.variable}` } : { body: p.pageSize.body };
        const stop = p.stop;
        const read = locate(p.next);
        return tokenCursor({
          token: (res) => read(res),
          from: typeof p.next === 'object' && 'header' in p.next ? 'header' : 'body',
          send: p.send,
          size,
          maxPageSize: p.pageSize.max,
          stop: stop && ((body) => {
            const v = getPath(body, stop.path);
            return stop.equals !== undefined ? v === stop.equals : stop.notEquals !== undefined ? v !== stop.notEquals : false;
          }),
        });
      }
      case 'link-header':
        return linkHeader({ pageSizeParam: p.pageSize.param, maxPageSize: p.pageSize.max, rel: p.rel });
      case 'next-url': {
        const read = bodyReader(typeof p.next === 'string' || 'body' in p.next ? p.next : { body: '' });
        const name = typeof p.next === 'string' ? p.next : 'body' in p.next ? p.next.body : p.next.header;
        const fromHeader = typeof p.next === 'object' && 'header' in p.next ? locate(p.next) : undefined;
        const size = 'param' in p.pageSize ? { pageSizeParam: p.pageSize.param, maxPageSize: p.pageSize.max } : { maxPageSize: p.pageSize.fixed };
        const paginator = nextUrl({ next: read, ...size, description: `\`${unescape(name)}\` (its path and query, sent to the account base URL)` });
        if (!fromHeader) return paginator;
        return { ...paginator, next: (req, res, base) => nextUrl({ next: () => fromHeader(res), ...size, description: '' }).next(req, res, base) };
      }
      case 'offset': {
        const total = p.total === undefined ? undefined : locate(p.total);
        const totalName = p.total === undefined ? undefined : typeof p.total === 'string' ? p.total : 'body' in p.total ? p.total.body : p.total.header;
        return offsetLimit({ offsetParam: p.offsetParam, limitParam: p.limitParam, maxPageSize: p.max, start: p.start, total, totalName: totalName && unescape(totalName), filteredWindows: p.filteredWindows });
      }
      case 'page-number': {
        const { totalPages, hasMore } = p;
        return pageNumber({
          pageParam: p.pageParam, sizeParam: p.sizeParam, maxPageSize: p.max, first: p.first, in: p.in,
          hasMore: totalPages !== undefined ? (b, page) => page < Number(getPath(b, totalPages)) : hasMore !== undefined ? (b) => getPath(b, hasMore) === true : (_b, _page, got) => got.records >= got.size,
          ...(p.fullPages ? { until: 'while pages come back full' } : {}),
        });
      }
      case 'graphql':
        return graphqlCursor({ pageInfo: p.pageInfo, cursorVariable: p.cursorVariable, sizeVariable: p.pageSize.variable, maxPageSize: p.pageSize.max });
      case 'ldap-paged':
        return ldapPaged({ maxPageSize: p.max });
      case 'none':
        return singlePage();
    }
  })();
  return p.reservedParams?.length ? { ...built, reservedParams: [...built.reservedParams, ...p.reservedParams] } : built;
}

function compileJoin(j: JoinSpec, slug: string): JoinDefinition {
  const key = (k: JoinSpec['key']) => {
    if (typeof k === 'function') return k;
    return (r: unknown) => {
      const v = getPath(r, k);
      if (j.keyTransform === 'email') return joinKey(v);
      return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
    };
  };
  const sel = j.selectedBy;
  return {
    ...compileRequest(j, slug),
    name: j.name,
    records: bodyReader(j.records),
    paginator: compilePaginator(j.paginator),
    key: key(j.key),
    userKey: key(j.userKey),
    maxPages: j.maxPages,
    selectedBy: sel && { filter: sel.filter, default: () => daysAgo(sel.default.daysAgo) },
    optional: j.optional ?? (sel ? { unlessFilter: sel.filter } : false),
  };
}

export function compileAuth(auth: AuthSpec | AuthSpec[]): AuthScheme {
  if (Array.isArray(auth)) return auth.length === 1 ? compileAuth(auth[0]!) : anyOf(...auth.map((a) => compileAuth(a)));
  const creds = (...tpls: string[]) => [...new Set(tpls.flatMap((t) => placeholders(t).filter((p) => p.scope === 'credentials').map((p) => p.key!)))];
  switch (auth.kind) {
    case 'header':
      return headerAuth({ header: auth.header.toLowerCase(), value: (c, ctx) => renderText(auth.value, { credentials: c, context: ctx }) ?? '', keys: creds(auth.value), description: auth.description });
    case 'bearer':
      return bearerAuth({ key: auth.key, description: auth.description });
    case 'ldap-bind':
      return ldapBindAuth({
        dn: (c) => renderText(auth.bindDn, { credentials: c }) ?? '',
        password: (c) => renderText(auth.password, { credentials: c }) ?? '',
        keys: creds(auth.bindDn, auth.password),
        description: auth.description,
      });
    case 'basic':
      return basicAuth({
        user: (c) => renderText(auth.username, { credentials: c }) ?? '',
        password: (c) => renderText(auth.password, { credentials: c }) ?? '',
        keys: auth.keys ?? creds(auth.username, auth.password),
        description: auth.description,
      });
    case 'oauth2-client-credentials': {
      const tokenUrls = Array.isArray(auth.tokenUrl) ? auth.tokenUrl : [auth.tokenUrl];
      return clientCredentialsAuth({
        tokenUrl: (c, ctx) => {
          // Several templates are tried in order; the first whose values are all present wins.
          for (const tpl of tokenUrls) {
            const url = renderUrl(tpl, { credentials: c, context: ctx });
            if (url) return url;
          }
          return '';
        },
        scope: auth.scope === undefined ? undefined : (c, ctx) => renderText(auth.scope!, { credentials: c, context: ctx }),
        clientAuth: auth.clientAuth,
        grantType: auth.grantType,
        params: auth.params && ((c, ctx) => Object.fromEntries(Object.entries(auth.params!).map(([k, t]) => [k, [t].flat().map((x) => renderText(x, { credentials: c, context: ctx })).find((v) => v)]))),
        keys: auth.keys ?? [...new Set([...creds(...tokenUrls, auth.scope ?? '', ...Object.values(auth.params ?? {}).flat()), 'clientId', 'clientSecret'])],
        description: auth.description,
      });
    }
    case 'hook':
      return auth.scheme;
  }
}

export function compileErrors(e: ErrorSpec | undefined): ErrorPolicy {
  const fallback = firstString(DEFAULT_MESSAGE_LOCATORS);
  const m = e?.message;
  const own = typeof m === 'function' ? m : m === undefined ? undefined : firstString(Array.isArray(m) ? m : [m]);
  return {
    message: own ? (b) => own(b) || fallback(b) : fallback,
    retryable: e?.retryable,
    rules: e?.rules?.map((r) => ({ when: { ...r.when, status: r.when.status === undefined ? undefined : Array.isArray(r.when.status) ? r.when.status : [r.when.status] }, as: r.as, ...(r.hint ? { hint: r.hint } : {}) })),
  };
}
