// The unified filter input, built from the engine's filter table (one definition per filter: input type,
// description, TypeScript type, predicate). Which filters a provider honours, and how, is in `providers`.
import { builder } from './builder.js';
import { SortDirectionEnum, SortFieldEnum, UserStatusEnum, UserTypeEnum } from './enums.js';
import { FILTERS, type FilterKind } from '../providers/engine/filter-defs.js';

export const UserSortInput = builder.inputType('UserSort', {
  fields: (t) => ({
    field: t.field({ type: SortFieldEnum, required: true }),
    direction: t.field({ type: SortDirectionEnum, defaultValue: 'ASC', required: true }),
  }),
});

type Fields = PothosSchemaTypes.InputFieldBuilder<PothosSchemaTypes.ExtendDefaultTypes<any>, 'InputObject'>;
const FIELD: Record<FilterKind, (t: Fields, description?: string) => any> = {
  string: (t, description) => t.string({ description }),
  day: (t, description) => t.string({ description }),
  strings: (t, description) => t.stringList({ description }),
  boolean: (t, description) => t.boolean({ description }),
  dateTime: (t, description) => t.field({ type: 'DateTime', description }),
  status: (t, description) => t.field({ type: UserStatusEnum, description }),
  userType: (t, description) => t.field({ type: UserTypeEnum, description }),
  sort: (t, description) => t.field({ type: UserSortInput, description }),
};

export const UserFilterInput = builder.inputType('UserFilter', {
  description: 'Filters a provider cannot honour are refused with UNSUPPORTED_FILTER, never ignored.',
  fields: (t) => Object.fromEntries(Object.entries(FILTERS).map(([name, f]) => [name, FIELD[f.kind](t as Fields, 'description' in f ? f.description : undefined)])),
});
