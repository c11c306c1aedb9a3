import { builder } from './builder.js';
import { FILTER_SERVINGS } from '../providers/engine/filters.js';
import { AUTH_KINDS, CATEGORIES, PAGINATION_KINDS, SORT_DIRECTIONS, SORT_FIELDS, USER_STATUSES, USER_TYPES } from '../providers/engine/types.js';

export const CategoryEnum = builder.enumType('Category', { values: CATEGORIES });
export const UserStatusEnum = builder.enumType('UserStatus', {
  description: 'Unified status; `remoteStatus` always carries the provider\'s raw value.',
  values: USER_STATUSES,
});
export const UserTypeEnum = builder.enumType('UserType', { values: USER_TYPES });
export const SortFieldEnum = builder.enumType('UserSortField', { values: SORT_FIELDS });
export const SortDirectionEnum = builder.enumType('SortDirection', { values: SORT_DIRECTIONS });
export const PaginationKindEnum = builder.enumType('PaginationKind', { values: PAGINATION_KINDS });
export const AuthKindEnum = builder.enumType('AuthKind', { values: AUTH_KINDS });
export const FilterServingEnum = builder.enumType('FilterServing', {
  description: 'How a provider serves a filter.',
  values: Object.fromEntries(Object.entries(FILTER_SERVINGS).map(([k, description]) => [k, { description }])) as Record<keyof typeof FILTER_SERVINGS, { description: string }>,
});
