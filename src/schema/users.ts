// The User interface and the four category user types that implement it. The interface carries what
// every user has (identity, names, e-mails, status, dates, raw record, the account it came from); each
// category type adds its own subset of the unified model. `remoteData` is always the raw upstream record.
import { builder } from './builder.js';
import { UserStatusEnum, UserTypeEnum } from './enums.js';
import { EmailType, GroupType, LicenseType, MoneyType, OrganizationType, PhoneType, RoleType, UrlType, WorkspaceType } from './objects.js';
import { IntegratedAccountType, accountView } from './accounts.js';
import type { Category, UserRecord } from '../providers/engine/types.js';
import type { GatewayContext } from '../context.js';
import { enrichedRef, enrichedRefs } from '../resolvers/enrich.js';
import { USER_TYPE_NAME } from '../providers/engine/user.js';

type T = PothosSchemaTypes.ObjectFieldBuilder<PothosSchemaTypes.ExtendDefaultTypes<any>, UserRecord>;

export { USER_TYPE_NAME } from '../providers/engine/user.js';

export const UserInterface = builder.interfaceRef<UserRecord>('User').implement({
  description:
    'A user of any connected account. Every category type implements it, so `... on User { name emails { email } }` works on `users` edges and on `node`/`nodes` without one fragment per category.',
  interfaces: [builder.nodeInterfaceRef()],
  resolveType: (u) => USER_TYPE_NAME[u.category],
  fields: (t) => ({
    remoteId: t.exposeString('remoteId', { description: "The provider's own identifier." }),
    name: t.exposeString('name', { nullable: true }),
    firstName: t.exposeString('firstName', { nullable: true, description: 'Split from a single name field at the first space where the provider has only one.' }),
    lastName: t.exposeString('lastName', { nullable: true }),
    emails: t.expose('emails', { type: [EmailType] } as any),
    status: t.expose('status', { type: UserStatusEnum, nullable: true, description: 'Unified status (filterable as `filters.status`; `filters.isActive` means ACTIVE).' } as any),
    remoteStatus: t.exposeString('remoteStatus', { nullable: true, description: "The provider's raw status value." }),
    roles: t.expose('roles', { type: [RoleType] } as any),
    createdAt: t.expose('createdAt', { type: 'DateTime', nullable: true } as any),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', nullable: true } as any),
    remoteData: t.expose('remoteData', { type: 'JSON', description: 'The raw upstream record, untouched.' } as any),
    integratedAccount: t.field({
      type: IntegratedAccountType,
      description: 'The integrated account this user was listed from.',
      resolve: async (u, _args, ctx) => {
        // Loaded through the tenant-scoped loader (one store read per account per request).
        const account = await ctx.accounts.load(u.accountId);
        return accountView(account ?? { id: u.accountId, tenant: ctx.tenantId, provider: u.provider, context: {}, credentials: {} }, ctx.providers.get(u.provider)!);
      },
    }),
  }),
});

const userType = (t: T) => ({ userType: t.expose('userType', { type: UserTypeEnum, nullable: true, description: 'Filterable as `filters.userType`.' } as any) });

function userNode(category: Category, description: string, fields: (t: T) => Record<string, any>) {
  const ref = builder.objectRef<UserRecord>(USER_TYPE_NAME[category]);
  // Not builder.node: its id resolver is async, one promise per user of every page. `id` is a property every
  // mapped user inherits (engine/user.ts MAPPED_USER), read like the other exposed fields.
  builder.objectType(ref, {
    description,
    interfaces: [builder.nodeInterfaceRef(), UserInterface],
    isTypeOf: (u: any) => u?.category === category,
    fields: (t) => ({ id: t.exposeID('id' as never), ...fields(t as T) }),
  });
  return ref;
}

export const UsageMeteringUser = userNode('USAGE_METERING', 'A member of a usage-metered AI tool (Claude, OpenAI, Cursor).', (t) => ({
  ...userType(t),
  organization: t.expose('organization', { type: OrganizationType, nullable: true } as any),
  spendLimit: t.expose('spendLimit', { type: MoneyType, nullable: true } as any),
  lastActiveAt: t.expose('lastActiveAt', { type: 'DateTime', nullable: true, description: 'Last activity the provider reports: Claude Code or Cursor usage on the day `filters.date` (default three days ago); OpenAI the last API-key use.' } as any),
}));

export const TicketingUser = userNode('TICKETING', 'A user of a ticketing or issue-tracking tool.', (t) => ({
  ...userType(t),
  username: t.exposeString('username', { nullable: true }),
  avatar: t.exposeString('avatar', { nullable: true }),
  isActive: t.exposeBoolean('isActive', { nullable: true, description: 'The provider\'s active flag (see `status` for the unified value).' }),
  teamIds: t.exposeStringList('teamIds'),
  organization: t.field({
    type: OrganizationType,
    nullable: true,
    description: "The user's organization (Zendesk). Its `name` is looked up only when selected, one batched call per page; a failing lookup nulls only `name`.",
    resolve: (u: UserRecord, _a: unknown, ctx: GatewayContext) => enrichedRef(u, ctx, 'organization'),
  }),
}));

const directoryFields = (t: T) => ({
  ...userType(t),
  username: t.exposeString('username', { nullable: true }),
  statusChangedAt: t.expose('statusChangedAt', { type: 'DateTime', nullable: true } as any),
  activatedAt: t.expose('activatedAt', { type: 'DateTime', nullable: true } as any),
  avatar: t.exposeString('avatar', { nullable: true }),
  bio: t.exposeString('bio', { nullable: true }),
  externalId: t.exposeString('externalId', { nullable: true }),
  groups: t.field({
    type: [GroupType],
    nullable: true,
    description: "Groups the user belongs to. Okta lists them with one call per user (only when selected, a few at a time): null with an error when that call fails.",
    resolve: (u: UserRecord, _a: unknown, ctx: GatewayContext) => enrichedRefs(u, ctx, 'groups'),
  }),
  identifiers: t.expose('identifiers', { type: 'JSON', nullable: true } as any),
  is2faEnabled: t.exposeBoolean('is2faEnabled', { nullable: true }),
  isEmailVerified: t.exposeBoolean('isEmailVerified', { nullable: true }),
  languages: t.exposeStringList('languages'),
  lastActiveAt: t.expose('lastActiveAt', { type: 'DateTime', nullable: true } as any),
  lastLoginAt: t.expose('lastLoginAt', { type: 'DateTime', nullable: true } as any),
  licenses: t.expose('licenses', { type: [LicenseType] } as any),
  organizations: t.field({ type: [OrganizationType], resolve: (u: UserRecord, _a: unknown, ctx: GatewayContext) => enrichedRefs(u, ctx, 'organizations') }),
  phones: t.expose('phones', { type: [PhoneType] } as any),
  timezone: t.exposeString('timezone', { nullable: true }),
  title: t.exposeString('title', { nullable: true }),
  urls: t.expose('urls', { type: [UrlType] } as any),
  workspaces: t.expose('workspaces', { type: [WorkspaceType] } as any),
});

export const DirectoryUser = userNode('USER_DIRECTORY', 'A user of an identity directory (Okta, Entra ID, Google Workspace…).', directoryFields);
export const CalendarUser = userNode('CALENDAR', 'A user of a calendar system (Outlook via Microsoft Graph…).', directoryFields);

export const USER_TYPES = { USAGE_METERING: UsageMeteringUser, TICKETING: TicketingUser, USER_DIRECTORY: DirectoryUser, CALENDAR: CalendarUser } as const;
