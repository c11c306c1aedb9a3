// Turns a UserFilter into an upstream plan: query parameters, a scoped endpoint, or predicates the engine
// evaluates on mapped users while it pages. A filter the provider cannot serve is refused, never ignored.
import { GatewayError } from './errors.js';
import type { FilterName, FilterSpec, ProviderDefinition, UnifiedUser, UserFilter } from './types.js';

/** Thrown by a filter's `value` function: the filter is served, but not with this value. */
export class RefusedValue extends Error {}
export function refuse(reason: string): never {
  throw new RefusedValue(reason);
}

export type FilterServing = 'QUERY_PARAMETER' | 'SCOPED_ENDPOINT' | 'ENGINE' | 'USAGE_DATA';

export function servingOf(spec: FilterSpec): FilterServing {
  if ('endpoint' in spec) return 'SCOPED_ENDPOINT';
  if ('param' in spec || 'params' in spec) return 'QUERY_PARAMETER';
  if ('engine' in spec) return 'ENGINE';
  return 'USAGE_DATA';
}

export interface FilterPlan {
  path?: string;
  params: [string, string][];
  predicates: ((u: UnifiedUser) => boolean)[];
}

const ci = (s: string | null | undefined) => (s ?? '').toLocaleLowerCase();
const toTime = (s: string | null | undefined) => (s ? Date.parse(s) : NaN);

/** The engine's in-memory semantics for each filter, on the unified user. */
export const PREDICATES: Partial<Record<FilterName, (u: UnifiedUser, v: any) => boolean>> = {
  email: (u, v: string) => (u.emails ?? []).some((e) => ci(e.email) === ci(v)),
  emails: (u, v: string[]) => (u.emails ?? []).some((e) => v.some((x) => ci(x) === ci(e.email))),
  name: (u, v: string) => ci(u.name).includes(ci(v)),
  firstName: (u, v: string) => ci(u.firstName).includes(ci(v)),
  lastName: (u, v: string) => ci(u.lastName).includes(ci(v)),
  username: (u, v: string) => ci(u.username) === ci(v),
  status: (u, v: string) => u.status === v,
  // Active means status ACTIVE where the provider has a status (an enabled but invited user is not active).
  isActive: (u, v: boolean) => (u.status != null ? u.status === 'ACTIVE' : u.isActive === true) === v,
  teamId: (u, v: string) => (u.teamIds ?? []).includes(v),
  organizationId: (u, v: string) => u.organization?.id === v || (u.organizations ?? []).some((o) => o.id === v),
  workspaceId: (u, v: string) => (u.workspaces ?? []).some((w) => w.id === v),
  groupId: (u, v: string) => (u.groups ?? []).some((g) => g.id === v),
  roleId: (u, v: string) => (u.roles ?? []).some((r) => r.id === v),
  userType: (u, v: string) => u.userType === v,
  createdAfter: (u, v: string) => toTime(u.createdAt) > Date.parse(v),
  updatedAfter: (u, v: string) => toTime(u.updatedAt) > Date.parse(v),
};

export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
}

export function planFilters(def: ProviderDefinition, filter: UserFilter): FilterPlan {
  const plan: FilterPlan = { params: [], predicates: [] };
  for (const name of def.requiredFilters ?? []) {
    if (!isSet(filter[name]))
      throw new GatewayError('MISSING_REQUIRED_FILTER', `${def.displayName} needs filters.${name} to list users${name === 'collectionId' ? ' (a project key or id)' : ''}. Add it to the users query.`, { provider: def.slug, filter: name });
  }
  const joined = new Map<string, { values: string[]; join: string }>();
  const names = (Object.keys(filter) as FilterName[]).filter((n) => isSet(filter[n]));
  for (const name of names) {
    if (!def.filters[name]) {
      const supported = Object.keys(def.filters).join(', ') || 'none';
      throw new GatewayError('UNSUPPORTED_FILTER', `${def.displayName} (${def.slug}) cannot filter users by ${name}. Supported filters: ${supported}.`, { provider: def.slug, filter: name });
    }
  }
  // A scoped endpoint that takes no other parameters turns the other filters into in-memory tests.
  const exclusive = names.find((n) => { const s = def.filters[n]!; return 'endpoint' in s && s.exclusive; });
  for (const name of names) {
    const value = filter[name];
    let spec = def.filters[name]!;
    if (exclusive && name !== exclusive && ('param' in spec || 'params' in spec) && !('endpoint' in spec)) {
      if (!PREDICATES[name])
        throw new GatewayError('UNSUPPORTED_FILTER', `${def.displayName} cannot combine filters.${name} with filters.${exclusive}. Use one of them.`, { provider: def.slug, filter: name });
      spec = { engine: true };
    }
    if ('usage' in spec) continue;
    if ('engine' in spec) {
      const test = PREDICATES[name];
      if (!test) throw new Error(`${def.slug}: no engine predicate for filter ${name}`);
      plan.predicates.push((u) => test(u, value));
      continue;
    }
    if ('endpoint' in spec) {
      if (plan.path) throw new GatewayError('UNSUPPORTED_FILTER', `${def.displayName} cannot combine filters.${name} with another scoped filter. Use one of them.`, { provider: def.slug, filter: name });
      plan.path = spec.endpoint(value, filter);
    }
    const served = <T>(compute: () => T): T => {
      try {
        return compute();
      } catch (e) {
        if (!(e instanceof RefusedValue)) throw e;
        throw new GatewayError('UNSUPPORTED_FILTER', `${def.displayName} (${def.slug}) cannot serve filters.${name} here: ${e.message}`, { provider: def.slug, filter: name });
      }
    };
    if (!('params' in spec) && !spec.param) continue;
    // Served upstream, and re-checked on the mapped user: an upstream (or proxy) that ignores a parameter
    // must not turn a filter into a silent no-op. Scoped endpoints are trusted: their scope is not a field.
    const recheck = 'endpoint' in spec ? undefined : PREDICATES[name];
    if (recheck) plan.predicates.push((u) => recheck(u, value));
    if ('params' in spec) {
      plan.params.push(...served(() => spec.params(value as never, filter)));
      continue;
    }
    const param = spec.param!;
    const out = served(() => (spec.value ? spec.value(value as never, filter) : (value as string)));
    if (out === undefined) continue;
    if ('join' in spec && spec.join) {
      const entry = joined.get(param) ?? { values: [], join: spec.join };
      entry.values.push(...(Array.isArray(out) ? out : [out]));
      joined.set(param, entry);
    } else {
      for (const v of Array.isArray(out) ? out : [String(out)]) plan.params.push([param, v]);
    }
  }
  for (const [param, { values, join }] of joined) plan.params.push([param, values.join(join)]);
  return plan;
}
