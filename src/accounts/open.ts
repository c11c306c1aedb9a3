// Opens the store at start: the database from the environment (PGlite in ROLLCALL_DATA_DIR, or
// PostgreSQL with DATABASE_URL; in-memory PGlite with a random key in demo mode), migrations applied,
// the encryption keys checked against the stored rows, the config file's entries in front.
import type { GatewayConfig } from '../config.js';
import { DatabaseStore } from './database-store.js';
import { migrate, openDatabase } from './db.js';
import { CompositeStore } from './composite.js';
import { Keyring } from './keyring.js';
import { readStoreSettings, type StoreSettings } from './settings.js';
import { StaticAccountStore, type StoredAccount } from './store.js';

export interface OpenStoreOptions {
  /** Demo mode: an in-memory database and a random encryption key, whatever the environment says. */
  demo?: boolean;
  settings?: StoreSettings;
  /** A keyring instead of ROLLCALL_ENCRYPTION_KEY (tests). */
  keyring?: Keyring;
  warn?: (message: string) => void;
}

/** Throws StoreStartError (one line, no secret) when the database cannot be used. */
export async function openAccountStore(config: Pick<GatewayConfig, 'tenants' | 'integratedAccounts'> & Partial<Pick<GatewayConfig, 'providers'>>, opts: OpenStoreOptions = {}): Promise<CompositeStore> {
  return new CompositeStore(new StaticAccountStore(config.integratedAccounts as StoredAccount[], config.tenants), await openDatabaseStore(opts), config.providers);
}

/** The database alone: main starts this without waiting, so the config file's accounts answer meanwhile. */
export async function openDatabaseStore(opts: OpenStoreOptions = {}): Promise<DatabaseStore> {
  const settings = opts.settings ?? readStoreSettings();
  const keyring = opts.keyring ?? (opts.demo ? Keyring.random() : Keyring.parse(settings.encryptionKey));
  const handle = await openDatabase(opts.demo ? { dataDir: 'memory://' } : settings);
  try {
    await migrate(handle);
    const database = new DatabaseStore(handle, keyring, { cacheTtlMs: settings.cacheTtlMs, warn: opts.warn });
    await database.checkKeys();
    await database.listenForChanges();
    return database;
  } catch (e) {
    await handle.close().catch(() => {});
    throw e;
  }
}
