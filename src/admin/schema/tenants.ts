// Tenants: list, create, rename, delete. Config-file tenants are listed but answer READ_ONLY to changes.
import { guarded } from '../input.js';
import { builder } from './builder.js';
import { DeletedRef, TenantRef } from './objects.js';

builder.queryFields((t) => ({
  tenants: t.field({ type: [TenantRef], description: 'Every tenant: the config file\'s first, then the database\'s.', resolve: (_r, _a, ctx) => guarded(() => ctx.store.listTenants()) }),
  tenant: t.field({ type: TenantRef, nullable: true, args: { id: t.arg.id({ required: true }) }, resolve: (_r, a, ctx) => guarded(() => ctx.store.getTenant(String(a.id))) }),
}));

const CreateTenantInput = builder.inputType('CreateTenantInput', {
  fields: (t) => ({
    id: t.id({ required: true, description: '1-128 letters, digits, ".", "_" or "-".' }),
    name: t.string({ description: 'For people; defaults to the id.' }),
  }),
});

builder.mutationFields((t) => ({
  createTenant: t.field({
    type: TenantRef,
    args: { input: t.arg({ type: CreateTenantInput, required: true }) },
    resolve: (_r, { input }, ctx) => guarded(() => ctx.store.createTenant({ id: String(input.id), name: input.name ?? undefined }, ctx.admin.actor)),
  }),
  renameTenant: t.field({
    type: TenantRef,
    args: { id: t.arg.id({ required: true }), name: t.arg.string({ required: true }) },
    resolve: (_r, a, ctx) => guarded(() => ctx.store.renameTenant(String(a.id), a.name, ctx.admin.actor)),
  }),
  deleteTenant: t.field({
    type: DeletedRef,
    description: 'Deletes the tenant with its API tokens and integrated accounts; its tokens stop working on the next request.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => guarded(async () => (await ctx.store.deleteTenant(String(a.id), ctx.admin.actor), { id: String(a.id) })),
  }),
}));
