// Where the account store lives and how it encrypts, read from the environment (not the config file,
// so the same file works against the embedded store and PostgreSQL).
import { resolve } from 'node:path';
import { StoreStartError } from './errors.js';

export interface StoreSettings {
  /** PostgreSQL connection string; unset means the embedded PGlite store. */
  databaseUrl?: string;
  /** PostgreSQL schema holding the tables (DATABASE_URL only); default `public`. */
  databaseSchema: string;
  /** PGlite data directory, or 'memory://' for an in-memory database. */
  dataDir: string;
  /** Raw ROLLCALL_ENCRYPTION_KEY (parsed by keyring.ts), if set. */
  encryptionKey?: string;
  /** How long an account or token lookup is reused in-process before the database is asked again. */
  cacheTtlMs: number;
}

export function readStoreSettings(env: NodeJS.ProcessEnv = process.env): StoreSettings {
  const ttl = env.ROLLCALL_STORE_CACHE_MS;
  if (ttl !== undefined && !/^\d+$/.test(ttl)) throw new StoreStartError(`ROLLCALL_STORE_CACHE_MS must be a whole number of milliseconds (got "${ttl.slice(0, 20)}")`);
  const dataDir = env.ROLLCALL_DATA_DIR || './.rollcall';
  const schema = env.ROLLCALL_DATABASE_SCHEMA || 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new StoreStartError(`ROLLCALL_DATABASE_SCHEMA must be a lower-case SQL identifier (got "${schema.slice(0, 70)}")`);
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    databaseSchema: schema,
    dataDir: dataDir.startsWith('memory://') ? dataDir : resolve(dataDir),
    encryptionKey: env.ROLLCALL_ENCRYPTION_KEY || undefined,
    cacheTtlMs: ttl === undefined ? 5000 : Number(ttl),
  };
}
