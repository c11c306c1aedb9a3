// The unified filter input. Which filters a provider honours, and how, is in `providers`.
import { builder } from './builder.js';
import { SortDirectionEnum, SortFieldEnum, UserStatusEnum, UserTypeEnum } from './enums.js';

export const UserSortInput = builder.inputType('UserSort', {
  fields: (t) => ({
    field: t.field({ type: SortFieldEnum, required: true }),
    direction: t.field({ type: SortDirectionEnum, defaultValue: 'ASC', required: true }),
  }),
});

export const UserFilterInput = builder.inputType('UserFilter', {
  description: 'Filters a provider cannot honour are refused with UNSUPPORTED_FILTER, never ignored.',
  fields: (t) => ({
    date: t.string({ description: 'Usage metering: the usage day (YYYY-MM-DD, UTC). Defaults to three days ago.' }),
    email: t.string(),
    emails: t.stringList(),
    name: t.string(),
    firstName: t.string(),
    lastName: t.string(),
    username: t.string(),
    status: t.field({ type: UserStatusEnum }),
    isActive: t.boolean(),
    teamId: t.string(),
    organizationId: t.string(),
    workspaceId: t.string(),
    groupId: t.string(),
    roleId: t.string(),
    collectionId: t.string({ description: 'A project (or similar collection) for trackers that list users per project, e.g. a Jira project key.' }),
    userType: t.field({ type: UserTypeEnum }),
    createdAfter: t.field({ type: 'DateTime' }),
    updatedAfter: t.field({ type: 'DateTime' }),
    sort: t.field({ type: UserSortInput }),
  }),
});
