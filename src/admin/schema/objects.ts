// What the admin API shows of the store: never a credential value, never a token's plaintext or hash.
import type { AccountInfo, AuditEntry, TenantInfo, TokenInfo } from '../../accounts/database-store.js';
import { builder } from './builder.js';

export const SourceEnum = builder.enumType('Source', {
  description: 'Where an entry lives: the config file (read-only here) or the database.',
  values: { CONFIG: { value: 'config' }, DATABASE: { value: 'database' } } as const,
});

export const AccountStatusEnum = builder.enumType('AccountStatus', {
  values: {
    ACTIVE: { description: 'Serves requests.' },
    NEEDS_REAUTH: { description: 'The provider no longer accepts its credentials: rotate them (or reconnect).' },
    DISABLED: { description: 'Switched off by an administrator; tenant requests answer INTEGRATED_ACCOUNT_DISABLED.' },
  } as const,
});

export const TenantRef = builder.objectRef<TenantInfo>('Tenant').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    source: t.field({ type: SourceEnum, resolve: (x) => x.source }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (x) => x.createdAt }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (x) => x.updatedAt }),
  }),
});

export const ApiTokenRef = builder.objectRef<TokenInfo>('ApiToken').implement({
  description: 'A tenant API token stored in the database (config-file tokens are not listed). Its plaintext is shown only by createApiToken.',
  fields: (t) => ({
    id: t.exposeID('id'),
    tenantId: t.exposeID('tenantId'),
    label: t.exposeString('label'),
    createdAt: t.field({ type: 'DateTime', resolve: (x) => x.createdAt }),
    lastUsedAt: t.field({ type: 'DateTime', nullable: true, description: 'Recorded at most once a minute per gateway process.', resolve: (x) => x.lastUsedAt }),
    revokedAt: t.field({ type: 'DateTime', nullable: true, resolve: (x) => x.revokedAt }),
    revoked: t.boolean({ resolve: (x) => x.revokedAt !== null }),
  }),
});

export const IntegratedAccountRef = builder.objectRef<AccountInfo>('IntegratedAccount').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    tenantId: t.exposeID('tenantId'),
    provider: t.exposeString('provider'),
    displayName: t.exposeString('displayName', { nullable: true }),
    context: t.field({ type: 'JSON', description: 'The non-secret settings (base URL, subdomain, …).', resolve: (x) => x.context }),
    credentialKeys: t.exposeStringList('credentialKeys', { description: 'Which credential keys are set; their values are never shown.' }),
    status: t.field({ type: AccountStatusEnum, resolve: (x) => x.status }),
    lastError: t.exposeString('lastError', { nullable: true }),
    source: t.field({ type: SourceEnum, resolve: (x) => x.source }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (x) => x.createdAt }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (x) => x.updatedAt }),
  }),
});

export const AuditEntryRef = builder.objectRef<AuditEntry>('AuditEntry').implement({
  description: 'One change made through the store: who (`admin:<admin token id>`), what, to which tenant or account. Never a secret.',
  fields: (t) => ({
    id: t.exposeID('id'),
    at: t.field({ type: 'DateTime', resolve: (x) => x.at }),
    actor: t.exposeString('actor'),
    action: t.exposeString('action', { description: 'e.g. tenant.create, token.revoke, account.rotate-credentials.' }),
    tenantId: t.exposeID('tenantId', { nullable: true }),
    integratedAccountId: t.exposeID('accountId', { nullable: true }),
    detail: t.field({ type: 'JSON', resolve: (x) => x.detail }),
  }),
});

export const DeletedRef = builder.objectRef<{ id: string }>('Deleted').implement({
  fields: (t) => ({ id: t.exposeID('id', { description: 'The id of what was deleted.' }) }),
});
