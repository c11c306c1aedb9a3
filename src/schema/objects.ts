// Small value objects shared by the user types.
import { builder } from './builder.js';
import type { Email, Group, License, Money, Phone, Ref, Role, Url } from '../providers/engine/types.js';

export const EmailType = builder.objectRef<Email>('Email').implement({
  fields: (t) => ({
    email: t.exposeString('email', { description: 'As the provider gave it; not validated, so one odd address cannot fail a page.' }),
    isPrimary: t.exposeBoolean('isPrimary', { nullable: true }),
    type: t.exposeString('type', { nullable: true }),
  }),
});
const refFields = (t: any) => ({
  id: t.exposeID('id'),
  name: t.exposeString('name', { nullable: true }),
});
export const RoleType = builder.objectRef<Role>('Role').implement({
  fields: (t) => ({
    ...refFields(t),
    group: t.exposeString('group', { nullable: true }),
    organization: t.exposeString('organization', { nullable: true }),
    workspace: t.exposeString('workspace', { nullable: true }),
  }),
});
/** `loadName`: a name the provider looks up by id (Zendesk organizations), fetched only when selected. */
type LazyRef = Ref & { loadName?: () => Promise<string | null> };
const lazyName = <T extends LazyRef>(t: any) => t.string({ nullable: true, resolve: (r: T) => r.name ?? r.loadName?.() ?? null });
export const OrganizationType = builder.objectRef<LazyRef>('Organization').implement({ fields: (t) => ({ id: t.exposeID('id'), name: lazyName(t) }) });
export const WorkspaceType = builder.objectRef<Ref>('Workspace').implement({ fields: (t) => refFields(t) });
export const GroupType = builder.objectRef<Group & LazyRef>('Group').implement({
  fields: (t) => ({ id: t.exposeID('id'), name: lazyName(t), organization: t.exposeString('organization', { nullable: true }) }),
});
export const LicenseType = builder.objectRef<License>('License').implement({
  fields: (t) => ({
    ...refFields(t),
    lastActiveAt: t.expose('lastActiveAt', { type: 'DateTime', nullable: true } as any),
    organization: t.exposeString('organization', { nullable: true }),
  }),
});
export const PhoneType = builder.objectRef<Phone>('Phone').implement({
  fields: (t) => ({
    number: t.exposeString('number'),
    extension: t.exposeString('extension', { nullable: true }),
    type: t.exposeString('type', { nullable: true }),
  }),
});
export const UrlType = builder.objectRef<Url>('Url').implement({
  fields: (t) => ({ url: t.exposeString('url'), type: t.exposeString('type', { nullable: true }) }),
});
export const MoneyType = builder.objectRef<Money>('Money').implement({
  description: 'An amount in major units (e.g. dollars) and an ISO 4217 currency.',
  fields: (t) => ({ amount: t.exposeFloat('amount'), currency: t.exposeString('currency') }),
});
