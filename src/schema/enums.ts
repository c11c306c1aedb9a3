import { builder } from './builder.js';
import { CATEGORIES } from '../providers/engine/types.js';

export const CategoryEnum = builder.enumType('Category', { values: CATEGORIES });
export const UserStatusEnum = builder.enumType('UserStatus', {
  description: 'Unified status; `remoteStatus` always carries the provider\'s raw value.',
  values: ['ACTIVE', 'INACTIVE', 'DELETED', 'INVITED'] as const,
});
export const UserTypeEnum = builder.enumType('UserType', { values: ['ADMIN', 'END_USER', 'LIMITED', 'MACHINE', 'USER'] as const });
export const SortFieldEnum = builder.enumType('UserSortField', { values: ['CREATED_AT', 'UPDATED_AT', 'NAME', 'EMAIL', 'FIRST_NAME', 'LAST_NAME'] as const });
export const SortDirectionEnum = builder.enumType('SortDirection', { values: ['ASC', 'DESC'] as const });
export const PaginationKindEnum = builder.enumType('PaginationKind', {
  values: ['BODY_CURSOR', 'LINK_HEADER', 'NEXT_URL', 'OFFSET', 'PAGE_NUMBER', 'POST_BODY', 'NONE'] as const,
});
export const AuthKindEnum = builder.enumType('AuthKind', { values: ['API_KEY', 'BASIC', 'BEARER', 'OAUTH2_CLIENT_CREDENTIALS'] as const });
export const FilterServingEnum = builder.enumType('FilterServing', {
  description: 'How a provider serves a filter.',
  values: {
    QUERY_PARAMETER: { description: 'an upstream query parameter' },
    SCOPED_ENDPOINT: { description: 'the gateway switches to a scoped upstream endpoint (e.g. a group\'s members)' },
    ENGINE: { description: 'the gateway tests each record while it pages (bounded by limits.maxScan)' },
    USAGE_DATA: { description: 'selects the usage data joined to each user' },
  } as const,
});
