// What a provider can filter on, and how: shared by `providers`, `integratedAccounts` and the README table.
import { builder } from './builder.js';
import { FilterServingEnum } from './enums.js';
import { valuesSource, type ValuesSource } from '../providers/engine/lookups.js';
import { servingOf, type FilterServing } from '../providers/engine/filters.js';
import type { Category, FilterName, FilterServe, ListDefinition, ProviderDefinition } from '../providers/engine/types.js';

export interface FilterCapability { name: string; servedBy: FilterServing; detail: string | null; required: boolean; valuesSource: ValuesSource | null }

function detailOf(spec: FilterServe): string | null {
  if (spec.note !== undefined) return spec.note;
  if (spec.by === 'query') return `\`${spec.param}\``;
  if (spec.by === 'body') return `body \`${spec.path}\``;
  return null;
}

/** The list serving a category (the provider's first when none is named); null when it serves no such category. */
export function listFor(def: ProviderDefinition, category?: Category | null): ListDefinition | null {
  return def.lists[category ?? def.category] ?? null;
}

export function filterCapabilities(list: ListDefinition): FilterCapability[] {
  return Object.entries(list.filters).map(([name, spec]) => ({
    name,
    servedBy: servingOf(spec!),
    detail: detailOf(spec!),
    required: list.requiredFilters.includes(name as never),
    valuesSource: valuesSource(list, name as FilterName),
  }));
}

const FilterValuesSourceEnum = builder.enumType('FilterValuesSource', {
  values: {
    UPSTREAM: { description: "the provider's own list (groups, organizations, projects), paged" },
    ENUM: { description: "the filter's enum or boolean values (status, userType, isActive); which occur depends on the account" },
  },
});

export const FilterCapabilityType = builder.objectRef<FilterCapability>('FilterCapability').implement({
  description: 'One filter of `users(filters:)` a provider honours.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The field of UserFilter.' }),
    servedBy: t.field({ type: FilterServingEnum, resolve: (f) => f.servedBy }),
    detail: t.string({ nullable: true, resolve: (f) => f.detail }),
    required: t.exposeBoolean('required', { description: 'users refuses to list without it (MISSING_REQUIRED_FILTER).' }),
    valuesListable: t.boolean({ description: '`filterValues(filter: name)` lists the values it takes on an account.', resolve: (f) => f.valuesSource !== null }),
    valuesSource: t.field({ type: FilterValuesSourceEnum, nullable: true, description: 'Where `filterValues` reads them; null when they cannot be listed.', resolve: (f) => f.valuesSource }),
  }),
});
