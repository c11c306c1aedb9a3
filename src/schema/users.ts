// The four category user types and the User union. Each exposes its category's subset of the unified
// model; `remoteData` is always the raw upstream record.
import { builder } from './builder.js';
import { UserStatusEnum, UserTypeEnum } from './enums.js';
import { EmailType, GroupType, LicenseType, MoneyType, OrganizationType, PhoneType, RoleType, UrlType, WorkspaceType } from './objects.js';
import type { Category, UserRecord } from '../providers/engine/types.js';

type T = PothosSchemaTypes.ObjectFieldBuilder<PothosSchemaTypes.ExtendDefaultTypes<any>, UserRecord>;
const list = <K extends keyof UserRecord>(k: K) => (u: UserRecord) => (u[k] ?? []) as any;

const common = (t: T) => ({
  remoteId: t.exposeString('remoteId', { description: "The provider's own identifier." }),
  name: t.exposeString('name', { nullable: true }),
  firstName: t.exposeString('firstName', { nullable: true }),
  lastName: t.exposeString('lastName', { nullable: true }),
  roles: t.field({ type: [RoleType], resolve: list('roles') }),
  createdAt: t.expose('createdAt', { type: 'DateTime', nullable: true } as any),
  updatedAt: t.expose('updatedAt', { type: 'DateTime', nullable: true } as any),
  remoteData: t.field({ type: 'JSON', description: 'The raw upstream record, untouched.', resolve: (u: UserRecord) => u.remoteData }),
});
const status = (t: T) => ({
  status: t.expose('status', { type: UserStatusEnum, nullable: true } as any),
  remoteStatus: t.exposeString('remoteStatus', { nullable: true, description: "The provider's raw status value." }),
});
const emails = (t: T) => ({ emails: t.field({ type: [EmailType], resolve: list('emails') }) });

/** The GraphQL type of each category's users. */
export const USER_TYPE_NAME: Record<Category, string> = { USAGE_METERING: 'UsageMeteringUser', TICKETING: 'TicketingUser', USER_DIRECTORY: 'DirectoryUser', CALENDAR: 'CalendarUser' };

function userNode(category: Category, description: string, fields: (t: T) => Record<string, any>) {
  const ref = builder.objectRef<UserRecord>(USER_TYPE_NAME[category]);
  builder.node(ref, {
    description,
    id: { resolve: (u) => `${u.accountId}:${u.remoteId}` },
    isTypeOf: (u: any) => u?.category === category,
    fields: (t) => ({ ...common(t as T), ...fields(t as T) }),
  });
  return ref;
}

export const UsageMeteringUser = userNode('USAGE_METERING', 'A member of a usage-metered AI tool (Claude, OpenAI, Cursor).', (t) => ({
  ...emails(t),
  ...status(t),
  organization: t.expose('organization', { type: OrganizationType, nullable: true } as any),
  spendLimit: t.expose('spendLimit', { type: MoneyType, nullable: true } as any),
  lastActiveAt: t.expose('lastActiveAt', { type: 'DateTime', nullable: true, description: 'Last activity the provider reports: Claude Code or Cursor usage on the day `filters.date` (default three days ago); OpenAI the last API-key use.' } as any),
}));

export const TicketingUser = userNode('TICKETING', 'A user of a ticketing or issue-tracking tool.', (t) => ({
  ...emails(t),
  username: t.exposeString('username', { nullable: true }),
  avatar: t.exposeString('avatar', { nullable: true }),
  isActive: t.exposeBoolean('isActive', { nullable: true }),
  teamIds: t.stringList({ resolve: list('teamIds') }),
}));

const directoryFields = (t: T) => ({
  ...emails(t),
  ...status(t),
  username: t.exposeString('username', { nullable: true }),
  statusChangedAt: t.expose('statusChangedAt', { type: 'DateTime', nullable: true } as any),
  activatedAt: t.expose('activatedAt', { type: 'DateTime', nullable: true } as any),
  avatar: t.exposeString('avatar', { nullable: true }),
  bio: t.exposeString('bio', { nullable: true }),
  externalId: t.exposeString('externalId', { nullable: true }),
  groups: t.field({ type: [GroupType], resolve: list('groups') }),
  identifiers: t.expose('identifiers', { type: 'JSON', nullable: true } as any),
  is2faEnabled: t.exposeBoolean('is2faEnabled', { nullable: true }),
  isEmailVerified: t.exposeBoolean('isEmailVerified', { nullable: true }),
  languages: t.stringList({ resolve: list('languages') }),
  lastActiveAt: t.expose('lastActiveAt', { type: 'DateTime', nullable: true } as any),
  lastLoginAt: t.expose('lastLoginAt', { type: 'DateTime', nullable: true } as any),
  licenses: t.field({ type: [LicenseType], resolve: list('licenses') }),
  organizations: t.field({ type: [OrganizationType], resolve: list('organizations') }),
  phones: t.field({ type: [PhoneType], resolve: list('phones') }),
  timezone: t.exposeString('timezone', { nullable: true }),
  title: t.exposeString('title', { nullable: true }),
  urls: t.field({ type: [UrlType], resolve: list('urls') }),
  userType: t.expose('userType', { type: UserTypeEnum, nullable: true } as any),
  workspaces: t.field({ type: [WorkspaceType], resolve: list('workspaces') }),
});

export const DirectoryUser = userNode('USER_DIRECTORY', 'A user of an identity directory (Okta, Entra ID, Google Workspace…).', directoryFields);
export const CalendarUser = userNode('CALENDAR', 'A user of a calendar system (Outlook via Microsoft Graph…).', directoryFields);

export const USER_TYPES = { USAGE_METERING: UsageMeteringUser, TICKETING: TicketingUser, USER_DIRECTORY: DirectoryUser, CALENDAR: CalendarUser } as const;

export const UserUnion = builder.unionType('User', {
  types: [UsageMeteringUser, TicketingUser, DirectoryUser, CalendarUser],
  resolveType: (u) => USER_TYPES[u.category],
});
