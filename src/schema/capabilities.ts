// What a provider can filter on, and how: shared by `providers` and `integratedAccounts`.
import { builder } from './builder.js';
import { FilterServingEnum } from './enums.js';
import { servingOf, type FilterServing } from '../providers/engine/filters.js';
import type { ProviderDefinition } from '../providers/engine/types.js';

export interface FilterCapability { name: string; servedBy: FilterServing; detail: string | null; required: boolean }

export function filterCapabilities(def: ProviderDefinition): FilterCapability[] {
  return Object.entries(def.filters).map(([name, spec]) => ({
    name,
    servedBy: servingOf(spec!),
    detail: spec!.note ?? ('param' in spec! && spec!.param ? `\`${spec!.param}\`` : null),
    required: (def.requiredFilters ?? []).includes(name as never),
  }));
}

export const FilterCapabilityType = builder.objectRef<FilterCapability>('FilterCapability').implement({
  description: 'One filter of `users(filters:)` a provider honours.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The field of UserFilter.' }),
    servedBy: t.field({ type: FilterServingEnum, resolve: (f) => f.servedBy }),
    detail: t.string({ nullable: true, resolve: (f) => f.detail }),
    required: t.exposeBoolean('required', { description: 'users refuses to list without it (MISSING_REQUIRED_FILTER).' }),
  }),
});
