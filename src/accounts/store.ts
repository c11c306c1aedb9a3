// Where integrated accounts and tenant tokens come from. The gateway only sees this interface: the
// config-file entries (StaticAccountStore) and the database (DatabaseStore) both answer it, and
// CompositeStore asks the config first, then the database.
import { createHash } from 'node:crypto';
import type { Account } from '../providers/engine/engine.js';

export type AccountStatus = 'ACTIVE' | 'NEEDS_REAUTH' | 'DISABLED';

/** An account as stored: what the engine needs, plus an optional label for people. */
export interface StoredAccount extends Account {
  displayName?: string;
  /** Absent for config-file accounts, which are always ACTIVE. */
  status?: AccountStatus;
  lastError?: string | null;
}

export interface StoreHealth {
  ok: boolean;
  /** e.g. { store: 'pglite', reachable: true, migrations: 'applied' }; never a secret. */
  detail: Record<string, unknown>;
}

export interface AccountStore {
  /** The account if it exists *and* belongs to the tenant; otherwise null (the two are indistinguishable). */
  get(tenantId: string, accountId: string): Promise<StoredAccount | null>;
  /** Every account of the tenant, in a stable order; never another tenant's. */
  list(tenantId: string): Promise<StoredAccount[]>;
  /** The tenant an API token belongs to (a revoked or unknown token: null). */
  tenantForToken(token: string): Promise<string | null>;
  /** For /readyz. */
  health?(): Promise<StoreHealth>;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** The config file's tenants and accounts: read-only, in memory, tokens kept only as hashes. */
export class StaticAccountStore implements AccountStore {
  private readonly byId: Map<string, StoredAccount>;
  private readonly tenantByTokenHash: Map<string, string>;
  readonly tenantIds: ReadonlySet<string>;
  constructor(accounts: StoredAccount[], tenants: { id: string; apiTokens: string[] }[] = []) {
    this.byId = new Map(accounts.map((a) => [a.id, Object.freeze({ ...a })]));
    this.tenantByTokenHash = new Map(tenants.flatMap((t) => t.apiTokens.map((tok) => [hashToken(tok), t.id] as const)));
    this.tenantIds = new Set(tenants.map((t) => t.id));
  }
  has(accountId: string): boolean {
    return this.byId.has(accountId);
  }
  async get(tenantId: string, accountId: string): Promise<StoredAccount | null> {
    const a = this.byId.get(accountId);
    return a && a.tenant === tenantId ? a : null;
  }
  async list(tenantId: string): Promise<StoredAccount[]> {
    return [...this.byId.values()].filter((a) => a.tenant === tenantId);
  }
  async tenantForToken(token: string): Promise<string | null> {
    return this.tenantByTokenHash.get(hashToken(token)) ?? null;
  }
  tenantForTokenHash(hash: string): string | null {
    return this.tenantByTokenHash.get(hash) ?? null;
  }
  async health(): Promise<StoreHealth> {
    return { ok: true, detail: { store: 'config' } };
  }
}
