// The database behind the store: embedded PGlite (a data directory, or memory) or PostgreSQL through
// `pg`. Both speak the same SQL, so one Kysely schema and one set of migrations serve both.
import type { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql, type ColumnType, type Generated } from 'kysely';
import type pg from 'pg';
import { StoreStartError } from './errors.js';
import { migrationProvider } from './migrations/index.js';

type Json = ColumnType<unknown, string | undefined, string>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface Database {
  tenants: { id: string; name: string; created_at: Timestamp; updated_at: Timestamp };
  api_tokens: { id: string; tenant_id: string; token_hash: string; label: string; created_at: Timestamp; last_used_at: Timestamp | null; revoked_at: Timestamp | null };
  integrated_accounts: {
    id: string;
    tenant_id: string;
    provider: string;
    display_name: string | null;
    context: Json;
    credential_keys: Json;
    credentials_key_id: string;
    credentials_ciphertext: string;
    status: 'ACTIVE' | 'NEEDS_REAUTH' | 'DISABLED';
    last_error: string | null;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  oauth_states: {
    id: string;
    tenant_id: string;
    provider: string;
    context: Json;
    display_name: string | null;
    redirect_uri: string;
    verifier_key_id: string;
    verifier_ciphertext: string;
    actor: string;
    created_at: Timestamp;
    expires_at: Timestamp;
  };
  audit_log: { id: Generated<string>; at: Timestamp; actor: string; action: string; tenant_id: string | null; account_id: string | null; detail: Json };
}

export type DB = Kysely<Database>;

export interface DatabaseHandle {
  db: DB;
  kind: 'pglite' | 'postgres';
  /** Where the data is, for messages: the data directory, or the server and schema (never a password). */
  where: string;
  /** Called with every change another process announces (PostgreSQL LISTEN/NOTIFY); a no-op on PGlite, which one process owns. */
  listen(onChange: () => void, onError: (e: Error) => void): Promise<void>;
  /** The NOTIFY channel, for writers (null on PGlite). */
  channel: string | null;
  migrator: Migrator;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string;
  databaseSchema?: string;
  dataDir?: string;
}

export async function openDatabase(opts: DatabaseOptions): Promise<DatabaseHandle> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.databaseSchema ?? 'public');
  const dir = opts.dataDir ?? 'memory://';
  // Imported here: a gateway that never opens its database never loads them.
  const [{ PGlite }, { PGliteDialect }] = await Promise.all([import('@electric-sql/pglite'), import('kysely-pglite-dialect')]);
  let client: PGlite;
  try {
    client = dir.startsWith('memory://') ? new PGlite() : new PGlite(dir);
    await client.waitReady;
  } catch (e) {
    throw new StoreStartError(`cannot open the embedded database in ${dir} (ROLLCALL_DATA_DIR): ${(e as Error).message}`);
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
  const migrator = new Migrator({ db, provider: migrationProvider });
  return { db, kind: 'pglite', where: dir, listen: async () => {}, channel: null, migrator, close: () => db.destroy() };
}

async function openPostgres(url: string, schema: string): Promise<DatabaseHandle> {
  const where = redactUrl(url) + (schema === 'public' ? '' : ` (schema ${schema})`);
  const options = `-c search_path=${schema}`;
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, options, max: 10 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (e) {
    await db.destroy();
    throw new StoreStartError(`cannot reach PostgreSQL at ${where} (DATABASE_URL): ${(e as Error).message}`);
  }
  const channel = `rollcall_changes_${schema}`;
  let listener: pg.Client | undefined;
  const migrator = new Migrator({ db, provider: migrationProvider, migrationTableSchema: schema });
  return {
    db,
    kind: 'postgres',
    where,
    channel,
    migrator,
    async listen(onChange, onError) {
      listener = new pg.Client({ connectionString: url, options });
      listener.on('notification', () => onChange());
      listener.on('error', onError);
      await listener.connect();
      await listener.query(`LISTEN ${channel}`);
    },
    async close() {
      await listener?.end().catch(() => {});
      await db.destroy();
    },
  };
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`; // never the user or password
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

/** Applies every pending migration; a failure stops the start. */
export async function migrate(handle: DatabaseHandle): Promise<void> {
  const { error, results } = await handle.migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new StoreStartError(`database migration ${failed ?? ''} failed on ${handle.where}: ${(error as Error).message ?? String(error)}`);
  }
}

/** True when every known migration has been applied (for /readyz). */
export async function migrationsApplied(handle: DatabaseHandle): Promise<boolean> {
  const all = await handle.migrator.getMigrations();
  return all.every((m) => m.executedAt !== undefined);
}
