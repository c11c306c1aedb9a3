// Small value objects shared by the user types.
import { builder } from './builder.js';
import type { Email, Group, License, Money, Phone, Ref, Role, Url } from '../providers/engine/types.js';

export const EmailType = builder.objectRef<Email>('Email').implement({
  fields: (t) => ({
    email: t.exposeString('email', { description: 'As the provider gave it; not validated, so one odd address cannot fail a page.' }),
    isPrimary: t.boolean({ nullable: true, resolve: (e) => e.isPrimary ?? null }),
    type: t.string({ nullable: true, resolve: (e) => e.type ?? null }),
  }),
});
const refFields = <T extends Ref>(t: any) => ({
  id: t.exposeID('id'),
  name: t.string({ nullable: true, resolve: (r: T) => r.name ?? null }),
});
export const RoleType = builder.objectRef<Role>('Role').implement({
  fields: (t) => ({
    ...refFields<Role>(t),
    group: t.string({ nullable: true, resolve: (r) => r.group ?? null }),
    organization: t.string({ nullable: true, resolve: (r) => r.organization ?? null }),
    workspace: t.string({ nullable: true, resolve: (r) => r.workspace ?? null }),
  }),
});
/** `loadName`: a name the provider looks up by id (Zendesk organizations), fetched only when selected. */
type LazyRef = Ref & { loadName?: () => Promise<string | null> };
const lazyName = <T extends LazyRef>(t: any) => t.string({ nullable: true, resolve: (r: T) => r.name ?? r.loadName?.() ?? null });
export const OrganizationType = builder.objectRef<LazyRef>('Organization').implement({ fields: (t) => ({ id: t.exposeID('id'), name: lazyName(t) }) });
export const WorkspaceType = builder.objectRef<Ref>('Workspace').implement({ fields: (t) => refFields<Ref>(t) });
export const GroupType = builder.objectRef<Group & LazyRef>('Group').implement({
  fields: (t) => ({ id: t.exposeID('id'), name: lazyName(t), organization: t.string({ nullable: true, resolve: (g) => g.organization ?? null }) }),
});
export const LicenseType = builder.objectRef<License>('License').implement({
  fields: (t) => ({
    ...refFields<License>(t),
    lastActiveAt: t.field({ type: 'DateTime', nullable: true, resolve: (l) => l.lastActiveAt ?? null }),
    organization: t.string({ nullable: true, resolve: (l) => l.organization ?? null }),
  }),
});
export const PhoneType = builder.objectRef<Phone>('Phone').implement({
  fields: (t) => ({
    number: t.exposeString('number'),
    extension: t.string({ nullable: true, resolve: (p) => p.extension ?? null }),
    type: t.string({ nullable: true, resolve: (p) => p.type ?? null }),
  }),
});
export const UrlType = builder.objectRef<Url>('Url').implement({
  fields: (t) => ({ url: t.exposeString('url'), type: t.string({ nullable: true, resolve: (u) => u.type ?? null }) }),
});
export const MoneyType = builder.objectRef<Money>('Money').implement({
  description: 'An amount in major units (e.g. dollars) and an ISO 4217 currency.',
  fields: (t) => ({ amount: t.exposeFloat('amount'), currency: t.exposeString('currency') }),
});
