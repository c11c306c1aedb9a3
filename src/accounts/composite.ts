// The store the gateway uses: the config file's tenants, tokens and accounts first (read-only), then the
// database. Writes go to the database; one aimed at a config entry is refused with READ_ONLY, and an id
// the config already uses cannot be created, so a config entry is never shadowed.
import type { Credentials } from '../providers/engine/types.js';
import type { AccountInfo, AuditEntry, AuditInput, DatabaseStore, LockedAccount, NewAccount, TenantInfo, TokenInfo } from './database-store.js';
import { tenantNotFound } from './database-store.js';
import { StoreError } from './errors.js';
import { hashToken, type AccountStatus, type AccountStore, type StaticAccountStore, type StoreHealth, type StoredAccount } from './store.js';
import { BUILT_IN_PROVIDERS, type ProviderRegistry } from '../providers/registry.js';
import { checkContext, checkCredentials, checkId, checkProvider } from './validate.js';

export class CompositeStore implements AccountStore {
  /** `providers`: the config's registry (built-ins + custom), which accounts written here are checked against. */
  private opening?: Promise<DatabaseStore>;

  /** `database` may be an opener, called at the first read the config file cannot answer (embedded PGlite
   * takes seconds and blocks the event loop while it starts: a gateway serving config accounts never waits). */
  constructor(readonly config: StaticAccountStore, private readonly open: DatabaseStore | (() => Promise<DatabaseStore>), readonly providers: ProviderRegistry = BUILT_IN_PROVIDERS) {
    if (typeof open !== 'function') {
      this.opened = open;
      this.opening = Promise.resolve(open);
    }
  }

  /** The database store, opened on first use. */
  get database(): Promise<DatabaseStore> {
    return (this.opening ??= (this.open as () => Promise<DatabaseStore>)().then((d) => (this.opened = d)));
  }

  /** The database store once it is open (synchronous readers such as the log redactor); undefined before. */
  opened?: DatabaseStore;

  // ---- reads ---------------------------------------------------------------------------------------

  async get(tenantId: string, accountId: string): Promise<StoredAccount | null> {
    if (this.config.has(accountId)) return this.config.get(tenantId, accountId);
    return (await this.database).get(tenantId, accountId);
  }

  async list(tenantId: string): Promise<StoredAccount[]> {
    const [fromConfig, fromDb] = await Promise.all([this.config.list(tenantId), (await this.database).list(tenantId)]);
    return [...fromConfig, ...fromDb.filter((a) => !this.config.has(a.id))];
  }

  async tenantForToken(token: string): Promise<string | null> {
    const hash = hashToken(token);
    return this.config.tenantForTokenHash(hash) ?? (await this.database).tenantForTokenHash(hash);
  }

  async health(): Promise<StoreHealth> {
    return (await this.database).health();
  }

  close(): Promise<void> {
    return this.opening ? this.opening.then((d) => d.handle.close(), () => {}) : Promise.resolve();
  }

  // ---- tenants -------------------------------------------------------------------------------------

  async listTenants(): Promise<TenantInfo[]> {
    const fromConfig: TenantInfo[] = [...this.config.tenantIds].map((id) => ({ id, name: id, source: 'config', createdAt: null, updatedAt: null }));
    return [...fromConfig, ...(await (await this.database).listTenants()).filter((t) => !this.config.tenantIds.has(t.id))];
  }

  async getTenant(id: string): Promise<TenantInfo | null> {
    if (this.config.tenantIds.has(id)) return { id, name: id, source: 'config', createdAt: null, updatedAt: null };
    return (await this.database).getTenant(id);
  }

  async createTenant(input: { id: string; name?: string }, actor: string): Promise<TenantInfo> {
    checkId('tenant', input.id);
    if (this.config.tenantIds.has(input.id)) throw new StoreError('TENANT_EXISTS', `A tenant "${input.id}" already exists in the config file; pick another id.`);
    return (await this.database).createTenant(input.id, checkName(input.name ?? input.id), actor);
  }

  async renameTenant(id: string, name: string, actor: string): Promise<TenantInfo> {
    this.refuseConfigTenant(id);
    return (await this.database).renameTenant(id, checkName(name), actor);
  }

  async deleteTenant(id: string, actor: string): Promise<void> {
    this.refuseConfigTenant(id);
    return (await this.database).deleteTenant(id, actor);
  }

  // ---- tokens (config tenants may hold database tokens too) ----------------------------------------

  async createToken(tenantId: string, label: string, actor: string): Promise<{ token: TokenInfo; plaintext: string }> {
    if (label.length > 200) throw new StoreError('INVALID_INPUT', 'A token label is at most 200 characters.', { field: 'label' });
    return (await this.database).createToken(tenantId, label, actor, { tenantInConfig: this.config.tenantIds.has(tenantId) });
  }

  async listTokens(tenantId: string): Promise<TokenInfo[]> {
    await this.requireTenant(tenantId);
    return (await this.database).listTokens(tenantId);
  }

  async revokeToken(tenantId: string, tokenId: string, actor: string): Promise<TokenInfo> {
    return (await this.database).revokeToken(tenantId, tokenId, actor);
  }

  // ---- accounts ------------------------------------------------------------------------------------

  async listAccountInfos(tenantId: string): Promise<AccountInfo[]> {
    await this.requireTenant(tenantId);
    const fromConfig = (await this.config.list(tenantId)).map(configInfo);
    const fromDb = (await (await this.database).listAccountInfos(tenantId)).filter((a) => !this.config.has(a.id));
    return [...fromConfig, ...fromDb];
  }

  async getAccountInfo(tenantId: string, accountId: string): Promise<AccountInfo | null> {
    if (this.config.has(accountId)) {
      const a = await this.config.get(tenantId, accountId);
      return a && configInfo(a);
    }
    return (await this.database).getAccountInfo(tenantId, accountId);
  }

  async createAccount(input: NewAccount, actor: string): Promise<AccountInfo> {
    if (input.id !== undefined) {
      checkId('account', input.id);
      if (this.config.has(input.id)) throw new StoreError('INTEGRATED_ACCOUNT_EXISTS', `An integrated account "${input.id}" already exists in the config file; pick another id.`);
    }
    checkProvider(this.providers, input.provider);
    const context = checkContext(this.providers, input.provider, input.context ?? {});
    const credentials = checkCredentials(this.providers, input.provider, input.credentials ?? {});
    return (await this.database).createAccount({ ...input, context, credentials, displayName: checkDisplayName(input.displayName) }, actor, { tenantInConfig: this.config.tenantIds.has(input.tenantId) });
  }

  async updateAccount(tenantId: string, accountId: string, patch: { context?: Record<string, unknown>; displayName?: string | null }, actor: string): Promise<AccountInfo> {
    const current = await this.writable(tenantId, accountId);
    return (await this.database).updateAccount(tenantId, accountId, { context: patch.context && checkContext(this.providers, current.provider, patch.context), displayName: checkDisplayName(patch.displayName) }, actor);
  }

  async rotateCredentials(tenantId: string, accountId: string, credentials: Credentials, actor: string): Promise<AccountInfo> {
    const current = await this.writable(tenantId, accountId);
    return (await this.database).rotateCredentials(tenantId, accountId, checkCredentials(this.providers, current.provider, credentials), actor);
  }

  async disableAccount(tenantId: string, accountId: string, actor: string): Promise<AccountInfo> {
    await this.writable(tenantId, accountId);
    return (await this.database).setStatus(tenantId, accountId, 'DISABLED', null, actor);
  }

  async enableAccount(tenantId: string, accountId: string, actor: string): Promise<AccountInfo> {
    await this.writable(tenantId, accountId);
    return (await this.database).setStatus(tenantId, accountId, 'ACTIVE', null, actor);
  }

  async setAccountStatus(tenantId: string, accountId: string, status: AccountStatus, lastError: string | null, actor: string): Promise<AccountInfo> {
    await this.writable(tenantId, accountId);
    return (await this.database).setStatus(tenantId, accountId, status, lastError, actor);
  }

  async deleteAccount(tenantId: string, accountId: string, actor: string): Promise<void> {
    await this.writable(tenantId, accountId);
    return (await this.database).deleteAccount(tenantId, accountId, actor);
  }

  /** Single-flight work on one database account (OAuth refresh): see DatabaseStore.withAccountLock. */
  async withAccountLock<T>(tenantId: string, accountId: string, fn: (locked: LockedAccount) => Promise<T>, actor?: string): Promise<T> {
    await this.writable(tenantId, accountId);
    return (await this.database).withAccountLock(tenantId, accountId, fn, actor);
  }

  async rotateKeys(actor: string) {
    return (await this.database).rotateKeys(actor);
  }

  // ---- audit ---------------------------------------------------------------------------------------

  async appendAudit(entry: AuditInput): Promise<void> {
    return (await this.database).appendAudit(entry);
  }

  async listAudit(opts?: { tenantId?: string; accountId?: string; limit?: number; before?: string }): Promise<AuditEntry[]> {
    return (await this.database).listAudit(opts);
  }

  // ---- helpers -------------------------------------------------------------------------------------

  private refuseConfigTenant(id: string): void {
    if (this.config.tenantIds.has(id)) throw new StoreError('READ_ONLY', `Tenant "${id}" comes from the config file; change it there.`);
  }

  private async requireTenant(id: string): Promise<void> {
    if (!this.config.tenantIds.has(id) && !(await (await this.database).getTenant(id))) throw tenantNotFound(id);
  }

  /** A config account is refused with READ_ONLY; another tenant's account looks like a missing one. */
  private async writable(tenantId: string, accountId: string): Promise<AccountInfo> {
    if (this.config.has(accountId)) {
      if (await this.config.get(tenantId, accountId)) throw new StoreError('READ_ONLY', `Integrated account "${accountId}" comes from the config file; change it there.`);
    }
    const info = await (await this.database).getAccountInfo(tenantId, accountId);
    if (!info) throw new StoreError('INTEGRATED_ACCOUNT_NOT_FOUND', `No integrated account "${accountId.slice(0, 140)}" exists for this tenant. Check the id.`);
    return info;
  }
}

function configInfo(a: StoredAccount): AccountInfo {
  return {
    id: a.id,
    tenantId: a.tenant,
    provider: a.provider,
    displayName: a.displayName ?? null,
    context: a.context,
    credentialKeys: Object.keys(a.credentials).sort(),
    status: 'ACTIVE',
    lastError: null,
    source: 'config',
    createdAt: null,
    updatedAt: null,
  };
}

function checkName(name: string): string {
  const n = name.trim();
  if (!n || n.length > 200) throw new StoreError('INVALID_INPUT', 'A tenant name is 1-200 characters.', { field: 'name' });
  return n;
}

function checkDisplayName(name: string | null | undefined): string | null | undefined {
  if (name != null && (name.trim() === '' || name.length > 200)) throw new StoreError('INVALID_INPUT', 'displayName is 1-200 characters.', { field: 'displayName' });
  return name;
}
