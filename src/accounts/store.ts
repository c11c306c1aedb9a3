// Where integrated accounts come from. The gateway only sees this interface; the config-file store is
// the default and a database-backed store can replace it without touching resolvers.
import type { Account } from '../providers/engine/engine.js';

/** An account as stored: what the engine needs, plus an optional label for people. */
export interface StoredAccount extends Account {
  displayName?: string;
}

export interface AccountStore {
  /** The account if it exists *and* belongs to the tenant; otherwise null (the two are indistinguishable). */
  get(tenantId: string, accountId: string): Promise<StoredAccount | null>;
  /** Every account of the tenant, in a stable order; never another tenant's. */
  list(tenantId: string): Promise<StoredAccount[]>;
}

export class StaticAccountStore implements AccountStore {
  private readonly byId: Map<string, StoredAccount>;
  constructor(accounts: StoredAccount[]) {
    this.byId = new Map(accounts.map((a) => [a.id, Object.freeze({ ...a })]));
  }
  async get(tenantId: string, accountId: string): Promise<StoredAccount | null> {
    const a = this.byId.get(accountId);
    return a && a.tenant === tenantId ? a : null;
  }
  async list(tenantId: string): Promise<StoredAccount[]> {
    return [...this.byId.values()].filter((a) => a.tenant === tenantId);
  }
}

export interface TenantAuth {
  /** The tenant an API token belongs to, or null. */
  tenantForToken(token: string): string | null;
}
