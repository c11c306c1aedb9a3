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
    email: t.string({ description: 'Whole address, case-insensitive.' }),
    emails: t.stringList({ description: 'Any of these addresses (at most 100), case-insensitive.' }),
    name: t.string({ description: 'Substring of the full name, case-insensitive.' }),
    firstName: t.string({ description: 'Substring, case-insensitive.' }),
    lastName: t.string({ description: 'Substring, case-insensitive.' }),
    username: t.string({ description: 'Whole username or login, case-insensitive.' }),
    status: t.field({ type: UserStatusEnum }),
    isActive: t.boolean({ description: 'Status ACTIVE, wherever the provider reports a status.' }),
    teamId: t.string({ description: 'Members of a team or group (ticketing).' }),
    organizationId: t.string(),
    workspaceId: t.string(),
    groupId: t.string({ description: 'Members of a directory group.' }),
    roleId: t.string(),
    collectionId: t.string({ description: 'A project (or similar collection) for trackers that list users per project, e.g. a Jira project key.' }),
    userType: t.field({ type: UserTypeEnum }),
    createdAfter: t.field({ type: 'DateTime', description: 'Created strictly after this instant.' }),
    updatedAfter: t.field({ type: 'DateTime', description: 'Updated strictly after this instant.' }),
    sort: t.field({ type: UserSortInput }),
  }),
});
