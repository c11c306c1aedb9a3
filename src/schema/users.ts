// The four category user types and the User union. Each exposes its category's subset of the unified
// model; `remoteData` is always the raw upstream record.
import { builder } from './builder.js';
import { UserStatusEnum, UserTypeEnum } from './enums.js';
import { EmailType, GroupType, LicenseType, MoneyType, OrganizationType, PhoneType, RoleType, UrlType, WorkspaceType } from './objects.js';
import type { Category, UserRecord } from '../providers/engine/types.js';

type T = PothosSchemaTypes.ObjectFieldBuilder<PothosSchemaTypes.ExtendDefaultTypes<any>, UserRecord>;
const opt = <K extends keyof UserRecord>(k: K) => (u: UserRecord) => (u[k] ?? null) as any;
const list = <K extends keyof UserRecord>(k: K) => (u: UserRecord) => (u[k] ?? []) as any;

const common = (t: T) => ({
  remoteId: t.exposeString('remoteId', { description: "The provider's own identifier." }),
  name: t.string({ nullable: true, resolve: opt('name') }),
  firstName: t.string({ nullable: true, resolve: opt('firstName') }),
  lastName: t.string({ nullable: true, resolve: opt('lastName') }),
  roles: t.field({ type: [RoleType], resolve: list('roles') }),
  createdAt: t.field({ type: 'DateTime', nullable: true, resolve: opt('createdAt') }),
  updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: opt('updatedAt') }),
  remoteData: t.field({ type: 'JSON', description: 'The raw upstream record, untouched.', resolve: (u: UserRecord) => u.remoteData }),
});
const status = (t: T) => ({
  status: t.field({ type: UserStatusEnum, nullable: true, resolve: opt('status') }),
  remoteStatus: t.string({ nullable: true, description: "The provider's raw status value.", resolve: opt('remoteStatus') }),
});
const emails = (t: T) => ({ emails: t.field({ type: [EmailType], resolve: list('emails') }) });

function userNode(name: string, category: Category, description: string, fields: (t: T) => Record<string, any>) {
  const ref = builder.objectRef<UserRecord>(name);
  builder.node(ref, {
    description,
    id: { resolve: (u) => `${u.accountId}:${u.remoteId}` },
    isTypeOf: (u: any) => u?.category === category,
    fields: (t) => ({ ...common(t as T), ...fields(t as T) }),
  });
  return ref;
}

export const UsageMeteringUser = userNode('UsageMeteringUser', 'USAGE_METERING', 'A member of a usage-metered AI tool (Claude, OpenAI, Cursor).', (t) => ({
  ...emails(t),
  ...status(t),
  organization: t.field({ type: OrganizationType, nullable: true, resolve: opt('organization') }),
  spendLimit: t.field({ type: MoneyType, nullable: true, resolve: opt('spendLimit') }),
  lastActiveAt: t.field({ type: 'DateTime', nullable: true, description: 'Last activity found in the usage data of `filters.date`.', resolve: opt('lastActiveAt') }),
}));

export const TicketingUser = userNode('TicketingUser', 'TICKETING', 'A user of a ticketing or issue-tracking tool.', (t) => ({
  ...emails(t),
  username: t.string({ nullable: true, resolve: opt('username') }),
  avatar: t.string({ nullable: true, resolve: opt('avatar') }),
  isActive: t.boolean({ nullable: true, resolve: opt('isActive') }),
  teamIds: t.stringList({ resolve: list('teamIds') }),
}));

const directoryFields = (t: T) => ({
  ...emails(t),
  ...status(t),
  username: t.string({ nullable: true, resolve: opt('username') }),
  statusChangedAt: t.field({ type: 'DateTime', nullable: true, resolve: opt('statusChangedAt') }),
  activatedAt: t.field({ type: 'DateTime', nullable: true, resolve: opt('activatedAt') }),
  avatar: t.string({ nullable: true, resolve: opt('avatar') }),
  bio: t.string({ nullable: true, resolve: opt('bio') }),
  externalId: t.string({ nullable: true, resolve: opt('externalId') }),
  groups: t.field({ type: [GroupType], resolve: list('groups') }),
  identifiers: t.field({ type: 'JSON', nullable: true, resolve: opt('identifiers') }),
  is2faEnabled: t.boolean({ nullable: true, resolve: opt('is2faEnabled') }),
  isEmailVerified: t.boolean({ nullable: true, resolve: opt('isEmailVerified') }),
  languages: t.stringList({ resolve: list('languages') }),
  lastActiveAt: t.field({ type: 'DateTime', nullable: true, resolve: opt('lastActiveAt') }),
  lastLoginAt: t.field({ type: 'DateTime', nullable: true, resolve: opt('lastLoginAt') }),
  licenses: t.field({ type: [LicenseType], resolve: list('licenses') }),
  organizations: t.field({ type: [OrganizationType], resolve: list('organizations') }),
  phones: t.field({ type: [PhoneType], resolve: list('phones') }),
  timezone: t.string({ nullable: true, resolve: opt('timezone') }),
  title: t.string({ nullable: true, resolve: opt('title') }),
  urls: t.field({ type: [UrlType], resolve: list('urls') }),
  userType: t.field({ type: UserTypeEnum, nullable: true, resolve: opt('userType') }),
  workspaces: t.field({ type: [WorkspaceType], resolve: list('workspaces') }),
});

export const DirectoryUser = userNode('DirectoryUser', 'USER_DIRECTORY', 'A user of an identity directory (Okta, Entra ID, Google Workspace…).', directoryFields);
export const CalendarUser = userNode('CalendarUser', 'CALENDAR', 'A user of a calendar system (Outlook via Microsoft Graph…).', directoryFields);

export const USER_TYPES = { USAGE_METERING: UsageMeteringUser, TICKETING: TicketingUser, USER_DIRECTORY: DirectoryUser, CALENDAR: CalendarUser } as const;

export const UserUnion = builder.unionType('User', {
  types: [UsageMeteringUser, TicketingUser, DirectoryUser, CalendarUser],
  resolveType: (u) => USER_TYPES[u.category],
});
