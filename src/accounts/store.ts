// Where integrated accounts come from. The gateway only sees this interface; the config-file store is
// the default and a database-backed store can replace it without touching resolvers.
import type { Account } from '../providers/engine/engine.js';

export interface AccountStore {
  /** The account if it exists *and* belongs to the tenant; otherwise null (the two are indistinguishable). */
  get(tenantId: string, accountId: string): Promise<Account | null>;
}

export class StaticAccountStore implements AccountStore {
  private readonly byId: Map<string, Account>;
  constructor(accounts: Account[]) {
    this.byId = new Map(accounts.map((a) => [a.id, Object.freeze({ ...a })]));
  }
  async get(tenantId: string, accountId: string): Promise<Account | null> {
    const a = this.byId.get(accountId);
    return a && a.tenant === tenantId ? a : null;
  }
}
