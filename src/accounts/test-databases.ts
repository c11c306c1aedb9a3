// For tests: the two databases every store test runs against. PGlite in memory (or a temp directory),
// and the real PostgreSQL at TEST_DATABASE_URL (default: 127.0.0.1:5432, database `test`, trust auth)
// in a schema of its own per store, dropped afterwards, so parallel test files never meet.
// PostgreSQL being down fails the tests: it is never skipped.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DatabaseStore, type DatabaseStoreOptions } from './database-store.js';
import { migrate, openDatabase, type DatabaseHandle } from './db.js';
import { Keyring } from './keyring.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  kind: 'pglite' | 'postgres';
  /** Opens (another) connection to the same database, migrated. */
  open(): Promise<DatabaseHandle>;
  /** Where open() connects: DatabaseOptions for openDatabase/openAccountStore. */
  options: { databaseUrl?: string; databaseSchema?: string; dataDir?: string };
  drop(): Promise<void>;
}

export const BACKENDS = ['pglite', 'postgres'] as const;

export async function testDatabase(kind: 'pglite' | 'postgres', dataDir?: string): Promise<TestDatabase> {
  if (kind === 'pglite') {
    // In memory each open() would be a new database: share one handle unless a directory is given.
    const options = { dataDir: dataDir ?? 'memory://' };
    let shared: DatabaseHandle | undefined;
    return {
      kind,
      options,
      async open() {
        if (dataDir) return migrated(await openDatabase(options));
        shared ??= await migrated(await openDatabase(options));
        return { ...shared, close: async () => {} };
      },
      drop: async () => void (await shared?.close()),
    };
  }
  const schema = `rc_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const options = { databaseUrl: TEST_DATABASE_URL, databaseSchema: schema };
  return {
    kind,
    options,
    open: async () => migrated(await openDatabase(options)),
    async drop() {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      try {
        await c.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await c.end();
      }
    },
  };
}

async function migrated(h: DatabaseHandle): Promise<DatabaseHandle> {
  await migrate(h);
  return h;
}

export const testKeyring = (raw = `k1:${randomBytes(32).toString('base64')}`) => Keyring.parse(raw);

export async function testStore(db: TestDatabase, keyring = testKeyring(), opts: DatabaseStoreOptions = {}): Promise<DatabaseStore> {
  return new DatabaseStore(await db.open(), keyring, opts);
}
