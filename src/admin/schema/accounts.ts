// Integrated accounts: create (optionally verified with one upstream call), update context, rotate
// credentials, disable/enable, delete. Credentials go in, never out: only their key names are shown.
import type { Credentials } from '../../providers/engine/types.js';
import { StoreError } from '../../accounts/errors.js';
import { checkContext, checkCredentials } from '../../accounts/validate.js';
import { checkDeclaredKeys, guarded, objectArg } from '../input.js';
import { verifyAccount, type Verification } from '../verify.js';
import type { AdminContext } from '../context.js';
import type { AccountInfo } from '../../accounts/database-store.js';
import { builder } from './builder.js';
import { DeletedRef, IntegratedAccountRef } from './objects.js';

const VerificationRef = builder.objectRef<Verification>('Verification').implement({
  description: 'What the provider answered to one list-users call (first: 1) made with the account. A failed verification is an error instead, with the provider\'s code, and nothing is changed.',
  fields: (t) => ({
    ok: t.exposeBoolean('ok'),
    provider: t.exposeString('provider'),
    category: t.exposeString('category'),
    upstreamStatus: t.exposeInt('upstreamStatus', { nullable: true }),
    usersSeen: t.exposeInt('usersSeen', { description: 'Users on the first page (0 or 1).' }),
  }),
});

const AccountPayload = builder.objectRef<{ account: AccountInfo; verification: Verification | null }>('IntegratedAccountPayload').implement({
  fields: (t) => ({
    account: t.field({ type: IntegratedAccountRef, resolve: (x) => x.account }),
    verification: t.field({ type: VerificationRef, nullable: true, description: 'Set when `verify: true` was asked.', resolve: (x) => x.verification }),
  }),
});

const CreateIntegratedAccountInput = builder.inputType('CreateIntegratedAccountInput', {
  fields: (t) => ({
    id: t.id({ description: 'Optional (a UUID is made): 1-128 letters, digits, ".", "_" or "-".' }),
    tenantId: t.id({ required: true }),
    provider: t.string({ required: true, description: 'A provider slug (see the README\'s provider table), e.g. "okta".' }),
    displayName: t.string(),
    context: t.field({ type: 'JSON', description: 'Only the context keys the provider declares (plus baseUrl).' }),
    credentials: t.field({ type: 'JSON', required: true, description: 'Only the credential keys the provider declares: strings, or a JSON object where the credential is a document (a Google service-account key).' }),
    verify: t.boolean({ defaultValue: false, description: 'Make one upstream call first; if the provider refuses it, nothing is stored.' }),
    verifyFilters: t.field({ type: 'JSON', description: 'Filters for the verification call, for providers that require one (Jira: {"collectionId": "ENG"}).' }),
  }),
});

const ids = (t: any) => ({ tenantId: t.arg.id({ required: true }), id: t.arg.id({ required: true }) });

/** The account as the store knows it, or INTEGRATED_ACCOUNT_NOT_FOUND (another tenant's looks the same). */
async function existing(ctx: AdminContext, tenantId: string, id: string): Promise<AccountInfo> {
  const info = await ctx.store.getAccountInfo(tenantId, id);
  if (!info) throw new StoreError('INTEGRATED_ACCOUNT_NOT_FOUND', `No integrated account "${id.slice(0, 140)}" exists for tenant "${tenantId.slice(0, 140)}". Check both ids.`);
  if (info.source === 'config') throw new StoreError('READ_ONLY', `Integrated account "${id.slice(0, 140)}" comes from the config file; change it there.`);
  return info;
}

builder.queryFields((t) => ({
  integratedAccounts: t.field({
    type: [IntegratedAccountRef],
    args: { tenantId: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => guarded(() => ctx.store.listAccountInfos(String(a.tenantId))),
  }),
  integratedAccount: t.field({
    type: IntegratedAccountRef,
    nullable: true,
    args: ids(t),
    resolve: (_r, a, ctx) => guarded(() => ctx.store.getAccountInfo(String(a.tenantId), String(a.id))),
  }),
}));

builder.mutationFields((t) => ({
  createIntegratedAccount: t.field({
    type: AccountPayload,
    args: { input: t.arg({ type: CreateIntegratedAccountInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      guarded(async () => {
        const tenantId = String(input.tenantId);
        const context = objectArg('context', input.context);
        const credentials = objectArg('credentials', input.credentials);
        checkDeclaredKeys(ctx.store.providers, input.provider, context, credentials);
        let verification: Verification | null = null;
        if (input.verify) {
          // Everything the store would refuse is refused before the upstream call.
          if (!(await ctx.store.getTenant(tenantId))) throw new StoreError('TENANT_NOT_FOUND', `No tenant "${tenantId.slice(0, 140)}" exists; create it first or check the id.`);
          verification = await verifyAccount(ctx.engine, ctx.store.providers, { id: input.id == null ? 'verification' : String(input.id), tenantId, provider: input.provider, context: checkContext(ctx.store.providers, input.provider, context), credentials: checkCredentials(ctx.store.providers, input.provider, credentials) }, objectArg('verifyFilters', input.verifyFilters));
        }
        const account = await ctx.store.createAccount(
          { id: input.id == null ? undefined : String(input.id), tenantId, provider: input.provider, displayName: input.displayName, context, credentials: credentials as Credentials },
          ctx.admin.actor,
        );
        return { account, verification };
      }),
  }),
  updateIntegratedAccountContext: t.field({
    type: IntegratedAccountRef,
    description: 'Replaces the context (give every key it should keep); `displayName: null` clears the label, leaving it out keeps it.',
    args: { ...ids(t), context: t.arg({ type: 'JSON', required: true }), displayName: t.arg.string() },
    resolve: (_r, a, ctx) =>
      guarded(async () => {
        const current = await existing(ctx, String(a.tenantId), String(a.id));
        const context = objectArg('context', a.context);
        checkDeclaredKeys(ctx.store.providers, current.provider, context, undefined);
        return ctx.store.updateAccount(current.tenantId, current.id, { context, displayName: a.displayName }, ctx.admin.actor);
      }),
  }),
  rotateIntegratedAccountCredentials: t.field({
    type: AccountPayload,
    description: 'Replaces every credential (the old values are gone); a NEEDS_REAUTH account becomes ACTIVE again.',
    args: { ...ids(t), credentials: t.arg({ type: 'JSON', required: true }), verify: t.arg.boolean({ defaultValue: false }), verifyFilters: t.arg({ type: 'JSON' }) },
    resolve: (_r, a, ctx) =>
      guarded(async () => {
        const current = await existing(ctx, String(a.tenantId), String(a.id));
        const credentials = objectArg('credentials', a.credentials);
        checkDeclaredKeys(ctx.store.providers, current.provider, undefined, credentials);
        const checked = checkCredentials(ctx.store.providers, current.provider, credentials);
        const verification = a.verify ? await verifyAccount(ctx.engine, ctx.store.providers, { ...current, credentials: checked }, objectArg('verifyFilters', a.verifyFilters)) : null;
        return { account: await ctx.store.rotateCredentials(current.tenantId, current.id, checked, ctx.admin.actor), verification };
      }),
  }),
  disableIntegratedAccount: t.field({
    type: IntegratedAccountRef,
    description: 'Tenant requests answer INTEGRATED_ACCOUNT_DISABLED until it is enabled again.',
    args: ids(t),
    resolve: (_r, a, ctx) => guarded(() => ctx.store.disableAccount(String(a.tenantId), String(a.id), ctx.admin.actor)),
  }),
  enableIntegratedAccount: t.field({
    type: IntegratedAccountRef,
    args: ids(t),
    resolve: (_r, a, ctx) => guarded(() => ctx.store.enableAccount(String(a.tenantId), String(a.id), ctx.admin.actor)),
  }),
  deleteIntegratedAccount: t.field({
    type: DeletedRef,
    args: ids(t),
    resolve: (_r, a, ctx) => guarded(async () => (await ctx.store.deleteAccount(String(a.tenantId), String(a.id), ctx.admin.actor), { id: String(a.id) })),
  }),
}));
