// Turns a UserFilter into an upstream plan: query parameters, body values, a scoped endpoint, or predicates
// the engine evaluates on mapped users while it pages. A filter the provider cannot serve is refused, never ignored.
import { GatewayError } from './errors.js';
import { predicateOf } from './filter-defs.js';
import { renderText } from './spec/template.js';
import type { FilterName, FilterServe, ListDefinition, ProviderDefinition, RequestVars, UnifiedUser, UserFilter } from './types.js';

/** Thrown by a filter's value function: the filter is served, but not with this value. */
export class RefusedValue extends Error {}
export function refuse(reason: string): never {
  throw new RefusedValue(reason);
}

/** How a filter is served, as the capability matrix (FilterServing enum) describes it. */
export const FILTER_SERVINGS = {
  QUERY_PARAMETER: 'an upstream query parameter',
  REQUEST_BODY: 'a value in the upstream request body (e.g. a GraphQL variable)',
  SCOPED_ENDPOINT: "the gateway switches to a scoped upstream endpoint (e.g. a group's members)",
  ENGINE: 'the gateway tests each record while it pages (bounded by limits.maxScan)',
  USAGE_DATA: 'selects the usage data joined to each user',
} as const;
export type FilterServing = keyof typeof FILTER_SERVINGS;

const SERVING: Record<FilterServe['by'], FilterServing> = {
  query: 'QUERY_PARAMETER', params: 'QUERY_PARAMETER', body: 'REQUEST_BODY', endpoint: 'SCOPED_ENDPOINT', path: 'SCOPED_ENDPOINT', engine: 'ENGINE', usage: 'USAGE_DATA',
};
export function servingOf(spec: FilterServe): FilterServing {
  return SERVING[spec.by];
}

export interface FilterPlan {
  /** A scoped endpoint's path (relative to the base URL) and its own query parameters. */
  path?: string;
  /** The filter that chose the scoped endpoint: a 404 there means its value names nothing. */
  scopedBy?: FilterName;
  params: [string, string][];
  /** Headers the served filters need (FilterServe `with`). */
  headers: Record<string, string>;
  /** Values to set at dot paths of the request body. */
  body: [string, unknown][];
  predicates: ((u: UnifiedUser) => boolean)[];
}

/**
 * A 404 from a scoped endpoint chosen by a filter (Okta's /groups/{id}/users, Zendesk's
 * /organizations/{id}/users): the value names no group or organization, which is the caller's input to
 * fix, not an upstream failure. Other errors pass through unchanged.
 */
export function unknownFilterValue(e: unknown, def: ProviderDefinition, filter: FilterName, value: unknown, hint: string): unknown {
  if (!(e instanceof GatewayError) || e.code !== 'UPSTREAM_NOT_FOUND') return e;
  const shown = JSON.stringify(String(value).slice(0, 80));
  return new GatewayError('BAD_USER_INPUT', `${def.displayName} knows no filters.${filter} ${shown}: its scoped endpoint answered 404. ${hint}`, { provider: def.slug, filter, upstreamStatus: 404 });
}

export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
}

/** A filter served upstream that the caller leaves out takes its context default (Google's customer ← context.customerId);
 *  path filters read theirs when the list's path is rendered. */
function withDefaults(list: ListDefinition, vars: RequestVars): UserFilter {
  const out: Record<string, unknown> = { ...vars.filters };
  for (const [name, tpl] of Object.entries(list.filterDefaults ?? {}) as [FilterName, string][]) {
    const by = list.filters[name]?.by;
    if (isSet(out[name]) || (by !== 'query' && by !== 'params' && by !== 'body')) continue;
    const v = renderText(tpl, { context: vars.context });
    if (v !== undefined && v !== '') out[name] = v;
  }
  return out as UserFilter;
}

export function planFilters(def: ProviderDefinition, list: ListDefinition, vars: RequestVars): FilterPlan {
  const filter: UserFilter = withDefaults(list, vars);
  const plan: FilterPlan = { params: [], headers: {}, body: [], predicates: [] };
  const extras: [string, string][] = [];
  for (const name of list.requiredFilters) {
    if (!isSet(filter[name]))
      throw new GatewayError('MISSING_REQUIRED_FILTER', `${def.displayName} needs filters.${name} to list users${name === 'collectionId' ? ' (a project key or id)' : ''}. Add it to the users query.`, { provider: def.slug, filter: name });
  }
  const joined = new Map<string, { values: string[]; join: string }>();
  const names = (Object.keys(filter) as FilterName[]).filter((n) => isSet(filter[n]));
  for (const name of names) {
    if (!list.filters[name]) {
      const supported = Object.keys(list.filters).join(', ') || 'none';
      throw new GatewayError('UNSUPPORTED_FILTER', `${def.displayName} (${def.slug}) cannot filter users by ${name}. Supported filters: ${supported}.`, { provider: def.slug, filter: name });
    }
  }
  // A scoped endpoint that takes no other parameters turns the other filters into in-memory tests.
  const exclusive = names.find((n) => { const s = list.filters[n]!; return s.by === 'endpoint' && s.exclusive; });
  const served = <T>(name: FilterName, compute: () => T): T => {
    try {
      return compute();
    } catch (e) {
      if (!(e instanceof RefusedValue)) throw e;
      throw new GatewayError('UNSUPPORTED_FILTER', `${def.displayName} (${def.slug}) cannot serve filters.${name} here: ${e.message}`, { provider: def.slug, filter: name });
    }
  };
  for (const name of names) {
    const value = filter[name];
    let spec = list.filters[name]!;
    if (exclusive && name !== exclusive && (spec.by === 'query' || spec.by === 'params' || spec.by === 'body')) {
      if (!predicateOf(name))
        throw new GatewayError('UNSUPPORTED_FILTER', `${def.displayName} cannot combine filters.${name} with filters.${exclusive}. Use one of them.`, { provider: def.slug, filter: name });
      spec = { by: 'engine' };
    }
    if (spec.by === 'usage' || spec.by === 'path') continue; // the list's template reads it
    if (spec.by === 'engine') {
      const test = predicateOf(name);
      if (!test) throw new Error(`${def.slug}: no engine predicate for filter ${name}`);
      plan.predicates.push((u) => test(u, value));
      continue;
    }
    if (spec.by === 'endpoint') {
      if (plan.path) throw new GatewayError('UNSUPPORTED_FILTER', `${def.displayName} cannot combine filters.${name} with another scoped filter. Use one of them.`, { provider: def.slug, filter: name });
      plan.path = served(name, () => spec.path(value, vars));
      plan.scopedBy = name;
      plan.params.push(...served(name, () => spec.query(value, vars)));
      continue; // scoped endpoints are trusted: their scope is not a field of the user
    }
    // Served upstream, and re-checked on the mapped user unless the spec says the payload cannot show it:
    // an upstream (or proxy) that ignores a parameter must not turn a filter into a silent no-op.
    const recheck = spec.recheck ? predicateOf(name) : undefined;
    if (recheck) plan.predicates.push((u) => recheck(u, value));
    if (spec.by === 'params') {
      plan.params.push(...served(name, () => spec.params(value, filter)));
      continue;
    }
    if (spec.by === 'body') {
      const out = served(name, () => spec.value(value, filter));
      if (out !== undefined) plan.body.push([spec.path, out]);
      continue;
    }
    const out = served(name, () => spec.value(value, filter));
    // The extras apply even without a clause (Google's status DELETED is showDeleted=true alone).
    const more = spec.with?.(value, filter);
    for (const [k, v] of Object.entries(more?.headers ?? {})) plan.headers[k.toLowerCase()] = v;
    for (const [k, v] of Object.entries(more?.query ?? {})) if (!extras.some(([x]) => x === k)) extras.push([k, v]);
    if (out === undefined) continue;
    if (spec.join) {
      const entry = joined.get(spec.param) ?? { values: [], join: spec.join };
      entry.values.push(...(Array.isArray(out) ? out : [out]));
      joined.set(spec.param, entry);
    } else {
      for (const v of Array.isArray(out) ? out : [String(out)]) plan.params.push([spec.param, v]);
    }
  }
  for (const [param, { values, join }] of joined) plan.params.push([param, values.join(join)]);
  // Two filters asking for the same extra parameter send it once.
  for (const [k, v] of extras) if (!plan.params.some(([x]) => x === k)) plan.params.push([k, v]);
  return plan;
}
