// The database half of the store: tenants, API tokens (sha256 hashes only), integrated accounts with
// AES-256-GCM credentials, and the audit log. Reads are cached in-process for a short TTL; every write
// clears this process's cache and, on PostgreSQL, NOTIFYs the other gateway processes to clear theirs
// (should that connection drop, they still see the change once the TTL ends).
import type { Credentials } from '../providers/engine/types.js';
import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { LRUCache } from 'lru-cache';
import { migrationsApplied, type Database, type DatabaseHandle } from './db.js';
import { StoreError, StoreStartError } from './errors.js';
import { KeyringError, type Keyring } from './keyring.js';
import { secretsOf } from '../providers/engine/redact.js';
import { hashToken, type AccountStatus, type AccountStore, type StoreHealth, type StoredAccount } from './store.js';

export type Source = 'config' | 'database';
export interface TenantInfo { id: string; name: string; source: Source; createdAt: string | null; updatedAt: string | null }
export interface TokenInfo { id: string; tenantId: string; label: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }
export interface AccountInfo {
  id: string;
  tenantId: string;
  provider: string;
  displayName: string | null;
  context: Record<string, unknown>;
  /** Names of the credential keys that are set; never their values. */
  credentialKeys: string[];
  status: AccountStatus;
  lastError: string | null;
  source: Source;
  createdAt: string | null;
  updatedAt: string | null;
}
export interface AuditEntry { id: string; at: string; actor: string; action: string; tenantId: string | null; accountId: string | null; detail: Record<string, unknown> }
/** What the audit log records: who did what to which tenant or account. `detail` must never hold a secret. */
export interface AuditInput { actor: string; action: string; tenantId?: string | null; accountId?: string | null; detail?: Record<string, unknown> }

/** A pending connect link (src/oauth): what the callback needs to finish it. */
export interface OAuthState { tenantId: string; provider: string; context: Record<string, unknown>; displayName: string | null; redirectUri: string; verifier: string; actor: string; tenantInConfig?: boolean }

export interface NewAccount {
  id?: string;
  tenantId: string;
  provider: string;
  displayName?: string | null;
  context: Record<string, unknown>;
  credentials: Credentials;
}

/** Handed to the callback of withAccountLock: the account as it is now, and writes that land under the lock. */
export interface LockedAccount {
  account: StoredAccount;
  /** Replaces the credentials (e.g. rotated OAuth tokens), atomically; sets status ACTIVE unless told otherwise. */
  saveCredentials(credentials: Credentials, opts?: { status?: AccountStatus; lastError?: string | null }): Promise<void>;
  setStatus(status: AccountStatus, lastError?: string | null): Promise<void>;
}

type Row = Database['integrated_accounts'] extends infer R ? { [K in keyof R]: any } : never;
type Trx = Transaction<Database>;

const iso = (d: Date | string | null | undefined) => (d == null ? null : new Date(d).toISOString());
const aad = (accountId: string) => `rollcall/integrated-account/${accountId}`;
const LAST_USED_EVERY_MS = 60_000;

export interface DatabaseStoreOptions {
  cacheTtlMs?: number;
  /** Reports trouble that does not fail a request (a lost LISTEN connection, a last-used update). */
  warn?: (message: string) => void;
}

export class DatabaseStore implements AccountStore {
  private readonly cache: LRUCache<string, { v: unknown }> | undefined;
  private readonly lastUsedWritten = new Map<string, number>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly warn: (m: string) => void;
  /** The credential values of every account decrypted here, for the log redactor (replaced as they rotate). */
  private readonly decrypted = new Map<string, string[]>();

  constructor(readonly handle: DatabaseHandle, private readonly keyring: Keyring, opts: DatabaseStoreOptions = {}) {
    const ttl = opts.cacheTtlMs ?? 5000;
    this.cache = ttl > 0 ? new LRUCache({ max: 10_000, ttl }) : undefined;
    this.warn = opts.warn ?? (() => {});
  }

  private get db() {
    return this.handle.db;
  }

  /** Subscribes to other processes' changes (PostgreSQL); the TTL stays the fallback. */
  async listenForChanges(): Promise<void> {
    await this.handle.listen(
      () => this.invalidate(),
      (e) => this.warn(`account store: change notifications stopped (${e.message}); other processes' changes now show after ${this.cache?.ttl ?? 0} ms`),
    );
  }

  /** Every credential value this process decrypted (current ones per account), for the log and error scrubber. */
  knownSecrets(): string[] {
    return [...this.decrypted.values()].flat();
  }

  invalidate(): void {
    this.cache?.clear();
  }

  private async cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.cache?.get(key);
    if (hit) return hit.v as T;
    const v = await load();
    this.cache?.set(key, { v });
    return v;
  }

  // ---- reads (the AccountStore interface) -------------------------------------------------------------

  get(tenantId: string, accountId: string): Promise<StoredAccount | null> {
    return this.cached(`a\0${tenantId}\0${accountId}`, async () => {
      const row = await this.db.selectFrom('integrated_accounts').selectAll().where('id', '=', accountId).where('tenant_id', '=', tenantId).executeTakeFirst();
      return row ? this.toStored(row) : null;
    });
  }

  list(tenantId: string): Promise<StoredAccount[]> {
    return this.cached(`l\0${tenantId}`, async () => {
      const rows = await this.db.selectFrom('integrated_accounts').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute();
      return rows.map((r) => this.toStored(r));
    });
  }

  async tenantForToken(token: string): Promise<string | null> {
    return this.tenantForTokenHash(hashToken(token));
  }

  async tenantForTokenHash(hash: string): Promise<string | null> {
    const hit = await this.cached(`t\0${hash}`, async () => {
      const row = await this.db.selectFrom('api_tokens').select(['id', 'tenant_id']).where('token_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
      return row ? { id: row.id, tenantId: row.tenant_id } : null;
    });
    if (hit) this.touchToken(hit.id);
    return hit?.tenantId ?? null;
  }

  /** Records when a token was last used, at most once a minute per token and process, off the request path. */
  private touchToken(id: string): void {
    const now = Date.now();
    if (now - (this.lastUsedWritten.get(id) ?? 0) < LAST_USED_EVERY_MS) return;
    this.lastUsedWritten.set(id, now);
    this.db
      .updateTable('api_tokens')
      .set({ last_used_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute()
      .catch((e: Error) => this.warn(`account store: could not record a token's last use (${e.message})`));
  }

  async health(): Promise<StoreHealth> {
    const detail: Record<string, unknown> = { store: this.handle.kind };
    try {
      await sql`select 1`.execute(this.db);
      detail.reachable = true;
    } catch {
      return { ok: false, detail: { ...detail, reachable: false } };
    }
    const applied = await migrationsApplied(this.handle).catch(() => false);
    detail.migrations = applied ? 'applied' : 'pending';
    return { ok: applied, detail };
  }

  private toStored(row: Row): StoredAccount {
    let plaintext: string;
    try {
      plaintext = this.keyring.open({ keyId: row.credentials_key_id, ciphertext: row.credentials_ciphertext }, aad(row.id));
    } catch (e) {
      if (e instanceof KeyringError)
        throw new StoreError('STORE_UNAVAILABLE', `The credentials of integrated account "${row.id}" cannot be decrypted: ${e.message}. Check ROLLCALL_ENCRYPTION_KEY.`);
      throw e;
    }
    const credentials = JSON.parse(plaintext) as Credentials;
    // An OAuth expiry instant is no secret (and redacting timestamps would only confuse logs).
    this.decrypted.set(row.id, secretsOf(Object.fromEntries(Object.entries(credentials).filter(([k]) => k !== 'expiresAt'))));
    return Object.freeze({
      id: row.id,
      tenant: row.tenant_id,
      provider: row.provider,
      ...(row.display_name != null ? { displayName: row.display_name } : {}),
      context: row.context as Record<string, unknown>,
      credentials,
      status: row.status,
      lastError: row.last_error,
    }) as StoredAccount;
  }

  // ---- start-up checks --------------------------------------------------------------------------------

  /**
   * Every key that encrypted a stored row must be configured and must open one of its rows; otherwise the
   * gateway would start and then fail every request for those accounts. Throws StoreStartError.
   */
  async checkKeys(): Promise<void> {
    const byKey = await this.db
      .selectFrom('integrated_accounts')
      .select(['credentials_key_id', sql<string>`count(*)::text`.as('n'), sql<string>`min(id)`.as('sample')])
      .groupBy('credentials_key_id')
      .execute();
    if (!byKey.length) return;
    const total = byKey.reduce((s, k) => s + Number(k.n), 0);
    if (!this.keyring.currentId)
      throw new StoreStartError(`ROLLCALL_ENCRYPTION_KEY is not set, but ${this.handle.where} holds ${total} integrated account(s) with encrypted credentials: set it to the key they were stored with.`);
    for (const k of byKey) {
      if (!this.keyring.has(k.credentials_key_id))
        throw new StoreStartError(`ROLLCALL_ENCRYPTION_KEY has no key "${k.credentials_key_id}", which encrypts ${k.n} integrated account(s) in ${this.handle.where}: add that key (after the current one) and run npm run rotate-keys.`);
      const row = await this.db.selectFrom('integrated_accounts').selectAll().where('id', '=', k.sample).executeTakeFirstOrThrow();
      try {
        this.keyring.open({ keyId: row.credentials_key_id, ciphertext: row.credentials_ciphertext }, aad(row.id));
      } catch {
        throw new StoreStartError(`ROLLCALL_ENCRYPTION_KEY: key "${k.credentials_key_id}" does not decrypt integrated account "${row.id}" in ${this.handle.where}: it is the wrong key for this database.`);
      }
    }
  }

  // ---- writes -----------------------------------------------------------------------------------------

  /** Runs `fn` in a transaction with its audit entry; after commit, caches here and elsewhere are cleared. */
  private async write<T>(audit: AuditInput | ((result: T) => AuditInput), fn: (trx: Trx) => Promise<T>): Promise<T> {
    const result = await this.db.transaction().execute(async (trx) => {
      const out = await fn(trx);
      await this.insertAudit(trx, typeof audit === 'function' ? audit(out) : audit);
      if (this.handle.channel) await sql`select pg_notify(${this.handle.channel}, '')`.execute(trx);
      return out;
    });
    this.invalidate();
    return result;
  }

  private async insertAudit(trx: Trx | DatabaseHandle['db'], a: AuditInput): Promise<void> {
    await trx
      .insertInto('audit_log')
      .values({ actor: a.actor, action: a.action, tenant_id: a.tenantId ?? null, account_id: a.accountId ?? null, detail: JSON.stringify(a.detail ?? {}) })
      .execute();
  }

  /** Appends an entry on its own (e.g. a refused admin request); writes through the store add theirs already. */
  async appendAudit(a: AuditInput): Promise<void> {
    await this.insertAudit(this.db, a);
  }

  async listAudit(opts: { tenantId?: string; accountId?: string; limit?: number; before?: string } = {}): Promise<AuditEntry[]> {
    let q = this.db.selectFrom('audit_log').select([sql<string>`id::text`.as('id'), 'at', 'actor', 'action', 'tenant_id', 'account_id', 'detail']);
    if (opts.tenantId !== undefined) q = q.where('tenant_id', '=', opts.tenantId);
    if (opts.accountId !== undefined) q = q.where('account_id', '=', opts.accountId);
    if (opts.before !== undefined && /^\d+$/.test(opts.before)) q = q.where(sql<boolean>`id < ${opts.before}::bigint`);
    // Order by the bigint column itself, not the text alias of the same name.
    const rows = await q.orderBy(sql`audit_log.id`, 'desc').limit(Math.min(Math.max(opts.limit ?? 50, 1), 500)).execute();
    return rows.map((r) => ({ id: r.id, at: iso(r.at)!, actor: r.actor, action: r.action, tenantId: r.tenant_id, accountId: r.account_id, detail: r.detail as Record<string, unknown> }));
  }

  // tenants

  async getTenant(id: string): Promise<TenantInfo | null> {
    const r = await this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? { id: r.id, name: r.name, source: 'database', createdAt: iso(r.created_at), updatedAt: iso(r.updated_at) } : null;
  }

  async listTenants(): Promise<TenantInfo[]> {
    const rows = await this.db.selectFrom('tenants').selectAll().orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, source: 'database' as const, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at) }));
  }

  async createTenant(id: string, name: string, actor: string): Promise<TenantInfo> {
    return this.write({ actor, action: 'tenant.create', tenantId: id, detail: { name } }, async (trx) => {
      const r = await trx.insertInto('tenants').values({ id, name }).onConflict((oc) => oc.column('id').doNothing()).returningAll().executeTakeFirst();
      if (!r) throw new StoreError('TENANT_EXISTS', `A tenant "${id}" already exists; pick another id.`);
      return { id: r.id, name: r.name, source: 'database' as const, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at) };
    });
  }

  async renameTenant(id: string, name: string, actor: string): Promise<TenantInfo> {
    return this.write({ actor, action: 'tenant.rename', tenantId: id, detail: { name } }, async (trx) => {
      const r = await trx.updateTable('tenants').set({ name, updated_at: sql<Date>`now()` }).where('id', '=', id).returningAll().executeTakeFirst();
      if (!r) throw tenantNotFound(id);
      return { id: r.id, name: r.name, source: 'database' as const, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at) };
    });
  }

  /** Deletes the tenant with its tokens and accounts. */
  async deleteTenant(id: string, actor: string): Promise<void> {
    await this.write({ actor, action: 'tenant.delete', tenantId: id }, async (trx) => {
      const r = await trx.deleteFrom('tenants').where('id', '=', id).executeTakeFirst();
      if (!Number(r.numDeletedRows)) throw tenantNotFound(id);
      await this.deleteTenantData(trx, id);
    });
  }

  private async deleteTenantData(trx: Trx, id: string): Promise<void> {
    await trx.deleteFrom('api_tokens').where('tenant_id', '=', id).execute();
    await trx.deleteFrom('integrated_accounts').where('tenant_id', '=', id).execute();
  }

  // tokens

  /** A new API token for the tenant: the plaintext is returned here once and only its hash is kept. */
  async createToken(tenantId: string, label: string, actor: string, opts: { tenantInConfig?: boolean } = {}): Promise<{ token: TokenInfo; plaintext: string }> {
    const plaintext = `rc_${randomBytes(32).toString('base64url')}`;
    const id = `tok_${randomBytes(9).toString('base64url')}`;
    const token = await this.write((t: TokenInfo) => ({ actor, action: 'token.create', tenantId, detail: { tokenId: t.id, label } }), async (trx) => {
      if (!opts.tenantInConfig) await this.lockTenant(trx, tenantId);
      const r = await trx.insertInto('api_tokens').values({ id, tenant_id: tenantId, token_hash: hashToken(plaintext), label }).returningAll().executeTakeFirstOrThrow();
      return toToken(r);
    });
    return { token, plaintext };
  }

  async listTokens(tenantId: string): Promise<TokenInfo[]> {
    const rows = await this.db.selectFrom('api_tokens').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toToken);
  }

  async revokeToken(tenantId: string, tokenId: string, actor: string): Promise<TokenInfo> {
    return this.write({ actor, action: 'token.revoke', tenantId, detail: { tokenId } }, async (trx) => {
      const r = await trx
        .updateTable('api_tokens')
        .set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` })
        .where('id', '=', tokenId)
        .where('tenant_id', '=', tenantId)
        .returningAll()
        .executeTakeFirst();
      if (!r) throw new StoreError('TOKEN_NOT_FOUND', `Tenant "${tenantId}" has no API token "${tokenId}"; list its tokens for their ids.`);
      return toToken(r);
    });
  }

  // accounts

  async getAccountInfo(tenantId: string, accountId: string): Promise<AccountInfo | null> {
    const r = await this.db.selectFrom('integrated_accounts').selectAll().where('id', '=', accountId).where('tenant_id', '=', tenantId).executeTakeFirst();
    return r ? toInfo(r) : null;
  }

  async listAccountInfos(tenantId: string): Promise<AccountInfo[]> {
    const rows = await this.db.selectFrom('integrated_accounts').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toInfo);
  }

  async createAccount(a: NewAccount, actor: string, opts: { tenantInConfig?: boolean } = {}): Promise<AccountInfo> {
    const id = a.id ?? randomUUID();
    const sealed = this.keyring.seal(JSON.stringify(a.credentials), aad(id));
    return this.write({ actor, action: 'account.create', tenantId: a.tenantId, accountId: id, detail: { provider: a.provider, credentialKeys: Object.keys(a.credentials).sort() } }, async (trx) => {
      if (!opts.tenantInConfig) await this.lockTenant(trx, a.tenantId);
      const r = await trx
        .insertInto('integrated_accounts')
        .values({
          id,
          tenant_id: a.tenantId,
          provider: a.provider,
          display_name: a.displayName ?? null,
          context: JSON.stringify(a.context),
          credential_keys: JSON.stringify(Object.keys(a.credentials).sort()),
          credentials_key_id: sealed.keyId,
          credentials_ciphertext: sealed.ciphertext,
          status: 'ACTIVE',
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!r) throw new StoreError('INTEGRATED_ACCOUNT_EXISTS', `An integrated account "${id}" already exists; pick another id or leave it out to get a fresh one.`);
      return toInfo(r);
    });
  }

  /** Changes context and/or display name (not credentials: see rotateCredentials). */
  async updateAccount(tenantId: string, accountId: string, patch: { context?: Record<string, unknown>; displayName?: string | null }, actor: string): Promise<AccountInfo> {
    const detail = { ...(patch.context ? { contextKeys: Object.keys(patch.context).sort() } : {}), ...(patch.displayName !== undefined ? { displayName: patch.displayName } : {}) };
    return this.updateRow(tenantId, accountId, { actor, action: 'account.update', detail }, {
      ...(patch.context ? { context: JSON.stringify(patch.context) } : {}),
      ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
    });
  }

  /** New credentials, encrypted under the current key; a NEEDS_REAUTH account becomes ACTIVE again. */
  async rotateCredentials(tenantId: string, accountId: string, credentials: Credentials, actor: string): Promise<AccountInfo> {
    const sealed = this.keyring.seal(JSON.stringify(credentials), aad(accountId));
    return this.updateRow(tenantId, accountId, { actor, action: 'account.rotate-credentials', detail: { credentialKeys: Object.keys(credentials).sort() } }, {
      credential_keys: JSON.stringify(Object.keys(credentials).sort()),
      credentials_key_id: sealed.keyId,
      credentials_ciphertext: sealed.ciphertext,
      status: sql<AccountStatus>`case when status = 'NEEDS_REAUTH' then 'ACTIVE' else status end` as never,
      last_error: null,
    });
  }

  async setStatus(tenantId: string, accountId: string, status: AccountStatus, lastError: string | null, actor: string): Promise<AccountInfo> {
    const action = status === 'DISABLED' ? 'account.disable' : status === 'ACTIVE' ? 'account.enable' : 'account.needs-reauth';
    return this.updateRow(tenantId, accountId, { actor, action, detail: { status, ...(lastError ? { lastError } : {}) } }, { status, last_error: lastError });
  }

  async deleteAccount(tenantId: string, accountId: string, actor: string): Promise<void> {
    await this.write({ actor, action: 'account.delete', tenantId, accountId }, async (trx) => {
      const r = await trx.deleteFrom('integrated_accounts').where('id', '=', accountId).where('tenant_id', '=', tenantId).executeTakeFirst();
      if (!Number(r.numDeletedRows)) throw accountNotFound(accountId);
    });
  }

  private updateRow(tenantId: string, accountId: string, audit: Omit<AuditInput, 'tenantId' | 'accountId'>, set: Record<string, unknown>): Promise<AccountInfo> {
    return this.write({ ...audit, tenantId, accountId }, async (trx) => {
      const r = await trx
        .updateTable('integrated_accounts')
        .set({ ...set, updated_at: sql<Date>`now()` } as never)
        .where('id', '=', accountId)
        .where('tenant_id', '=', tenantId)
        .returningAll()
        .executeTakeFirst();
      if (!r) throw accountNotFound(accountId);
      return toInfo(r);
    });
  }

  /** Fails unless the database tenant exists, and keeps it from being deleted until the transaction ends. */
  private async lockTenant(trx: Trx, tenantId: string): Promise<void> {
    const t = await trx.selectFrom('tenants').select('id').where('id', '=', tenantId).forShare().executeTakeFirst();
    if (!t) throw tenantNotFound(tenantId);
  }

  // single-flight refresh

  /**
   * Runs `fn` while holding the account's lock: one caller at a time in this process (a promise queue) and,
   * on PostgreSQL, across processes (the row stays `FOR UPDATE`-locked in a transaction until `fn` ends).
   * `fn` sees the account as it is now, so a caller that waited finds the credentials another one refreshed.
   * PGlite belongs to one process, so there the queue alone suffices and the connection is not held.
   */
  withAccountLock<T>(tenantId: string, accountId: string, fn: (locked: LockedAccount) => Promise<T>, actor = 'system'): Promise<T> {
    const key = `${tenantId}\0${accountId}`;
    const prev = this.locks.get(key) ?? Promise.resolve();
    const run = prev.catch(() => {}).then(() => this.locked(tenantId, accountId, fn, actor));
    const tail = run.catch(() => {});
    this.locks.set(key, tail);
    void tail.then(() => this.locks.get(key) === tail && this.locks.delete(key));
    return run;
  }

  private async locked<T>(tenantId: string, accountId: string, fn: (locked: LockedAccount) => Promise<T>, actor: string): Promise<T> {
    const inTransaction = this.handle.kind === 'postgres';
    let changed = false;
    const body = async (q: Trx | DatabaseHandle['db']) => {
      let sel = q.selectFrom('integrated_accounts').selectAll().where('id', '=', accountId).where('tenant_id', '=', tenantId);
      if (inTransaction) sel = sel.forUpdate();
      const row = await sel.executeTakeFirst();
      if (!row) throw accountNotFound(accountId);
      const update = async (set: Record<string, unknown>, audit: Omit<AuditInput, 'actor' | 'tenantId' | 'accountId'>) => {
        const apply = async (t: Trx) => {
          await t.updateTable('integrated_accounts').set({ ...set, updated_at: sql<Date>`now()` } as never).where('id', '=', accountId).execute();
          await this.insertAudit(t, { ...audit, actor, tenantId, accountId });
          if (this.handle.channel) await sql`select pg_notify(${this.handle.channel}, '')`.execute(t);
        };
        if (inTransaction) await apply(q as Trx);
        else await this.db.transaction().execute(apply);
        changed = true;
        this.invalidate();
      };
      const locked: LockedAccount = {
        account: this.toStored(row),
        saveCredentials: async (credentials, opts = {}) => {
          const sealed = this.keyring.seal(JSON.stringify(credentials), aad(accountId));
          await update(
            { credential_keys: JSON.stringify(Object.keys(credentials).sort()), credentials_key_id: sealed.keyId, credentials_ciphertext: sealed.ciphertext, status: opts.status ?? 'ACTIVE', last_error: opts.lastError ?? null },
            { action: 'account.credentials-refreshed', detail: { credentialKeys: Object.keys(credentials).sort() } },
          );
        },
        setStatus: (status, lastError = null) => update({ status, last_error: lastError }, { action: status === 'NEEDS_REAUTH' ? 'account.needs-reauth' : `account.status`, detail: { status, ...(lastError ? { lastError } : {}) } }),
      };
      return fn(locked);
    };
    try {
      return inTransaction ? await this.db.transaction().execute(body) : await body(this.db);
    } finally {
      if (changed) this.invalidate(); // again after commit: a read during the transaction may have cached the old row
    }
  }

  // OAuth connect links

  /** Stores a pending link under `id` (the random part of its `state`), expiring after `ttlSeconds`; audited. */
  async createOAuthState(id: string, s: OAuthState, ttlSeconds: number): Promise<Date> {
    const sealed = this.keyring.seal(s.verifier, `rollcall/oauth-state/${id}`);
    const expires = new Date(Date.now() + ttlSeconds * 1000);
    await this.write({ actor: s.actor, action: 'oauth.connect-link', tenantId: s.tenantId, detail: { provider: s.provider, expiresAt: expires.toISOString() } }, async (trx) => {
      if (!s.tenantInConfig) await this.lockTenant(trx, s.tenantId);
      // Expired links are swept as new ones are made, so the table stays small without a timer.
      await trx.deleteFrom('oauth_states').where('expires_at', '<', sql<Date>`now()`).execute();
      await trx
        .insertInto('oauth_states')
        .values({ id, tenant_id: s.tenantId, provider: s.provider, context: JSON.stringify(s.context), display_name: s.displayName, redirect_uri: s.redirectUri, verifier_key_id: sealed.keyId, verifier_ciphertext: sealed.ciphertext, actor: s.actor, expires_at: expires })
        .execute();
    });
    return expires;
  }

  /** The pending link, unexpired; `consume` deletes it in the same statement, so a state is used at most once. */
  async oauthState(id: string, consume: boolean): Promise<OAuthState | null> {
    const row = consume
      ? await this.db.deleteFrom('oauth_states').where('id', '=', id).returningAll().executeTakeFirst()
      : await this.db.selectFrom('oauth_states').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || new Date(row.expires_at).getTime() <= Date.now()) return null;
    return {
      tenantId: row.tenant_id,
      provider: row.provider,
      context: row.context as Record<string, unknown>,
      displayName: row.display_name,
      redirectUri: row.redirect_uri,
      verifier: this.keyring.open({ keyId: row.verifier_key_id, ciphertext: row.verifier_ciphertext }, `rollcall/oauth-state/${id}`),
      actor: row.actor,
    };
  }

  // key rotation

  /** Re-encrypts every account not under the current key; returns how many it re-encrypted. */
  async rotateKeys(actor: string): Promise<{ rotated: number; keyId: string }> {
    const keyId = this.keyring.currentId;
    if (!keyId) throw new StoreError('ENCRYPTION_KEY_MISSING', 'Set ROLLCALL_ENCRYPTION_KEY (the new key first, then the old ones) before rotating.');
    const ids = await this.db.selectFrom('integrated_accounts').select('id').where('credentials_key_id', '!=', keyId).execute();
    let rotated = 0;
    for (const { id } of ids) {
      // One short transaction per row, each row locked, so serving requests never waits long.
      const done = await this.db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('integrated_accounts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
        if (!row || row.credentials_key_id === keyId) return false;
        let plaintext: string;
        try {
          plaintext = this.keyring.open({ keyId: row.credentials_key_id, ciphertext: row.credentials_ciphertext }, aad(id));
        } catch (e) {
          throw new StoreError('STORE_UNAVAILABLE', `Cannot re-encrypt integrated account "${id}": ${(e as Error).message}. Keep its old key in ROLLCALL_ENCRYPTION_KEY.`);
        }
        const sealed = this.keyring.seal(plaintext, aad(id));
        await trx.updateTable('integrated_accounts').set({ credentials_key_id: sealed.keyId, credentials_ciphertext: sealed.ciphertext }).where('id', '=', id).execute();
        return true;
      });
      if (done) rotated++;
    }
    await this.write({ actor, action: 'keys.rotate', detail: { keyId, rotated } }, async () => {});
    return { rotated, keyId };
  }
}

function toToken(r: Database['api_tokens'] extends infer R ? { [K in keyof R]: any } : never): TokenInfo {
  return { id: r.id, tenantId: r.tenant_id, label: r.label, createdAt: iso(r.created_at)!, lastUsedAt: iso(r.last_used_at), revokedAt: iso(r.revoked_at) };
}

function toInfo(r: Row): AccountInfo {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    provider: r.provider,
    displayName: r.display_name,
    context: r.context,
    credentialKeys: r.credential_keys,
    status: r.status,
    lastError: r.last_error,
    source: 'database',
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export const tenantNotFound = (id: string) => new StoreError('TENANT_NOT_FOUND', `No tenant "${id.slice(0, 140)}" exists; create it first or check the id.`);
export const accountNotFound = (id: string) => new StoreError('INTEGRATED_ACCOUNT_NOT_FOUND', `No integrated account "${id.slice(0, 140)}" exists for this tenant. Check the id.`);
