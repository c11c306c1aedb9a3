// The values a filter takes on one account (Query.filterValues): a Relay connection of { value name }.
import { builder } from './builder.js';
import type { FilterValue } from '../providers/engine/lookups.js';

export const FilterValueType = builder.objectRef<FilterValue>('FilterValue').implement({
  description:
    'One value a filter takes on an account: a group, team, organization or project (or an enum value). It has no `id` field on purpose: the same value can exist in two accounts with different names, and clients cache objects by `id`.',
  fields: (t) => ({
    value: t.exposeString('id', { description: 'What to pass as the filter, e.g. `users(filters: { groupId: value })`.' }),
    name: t.string({ nullable: true, description: 'A label for people (a group or project name).', resolve: (v) => v.name }),
    remoteData: t.field({ type: 'JSON', nullable: true, description: 'The raw upstream record (null for enum values).', resolve: (v) => v.remoteData ?? null }),
  }),
});

export const FilterValueConnection = builder.connectionObject({ type: FilterValueType, name: 'FilterValueConnection' }, { name: 'FilterValueEdge' });
