import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CompositeStore } from './composite.js';
import { DatabaseStore } from './database-store.js';
import { StoreStartError } from './errors.js';
import { Keyring } from './keyring.js';
import { openAccountStore } from './open.js';
import { readStoreSettings } from './settings.js';
import { StaticAccountStore } from './store.js';
import { BACKENDS, testDatabase, type TestDatabase } from './test-databases.js';

const key = () => randomBytes(32).toString('base64');
const SECRET = 'zendesk-api-token-PLAINTEXT-abcdef0123';
const noConfig = { tenants: [], integratedAccounts: [] };

describe('ROLLCALL_ENCRYPTION_KEY', () => {
  it('takes one key, several comma-separated, or id:key pairs; the first encrypts', () => {
    const [a, b] = [key(), key()];
    const one = Keyring.parse(a);
    expect(one.currentId).toMatch(/^k[0-9a-f]{8}$/);
    expect(Keyring.parse(a).currentId).toBe(one.currentId); // an unnamed key's id is its fingerprint
    const two = Keyring.parse(`new:${b}, old:${a}`);
    expect([two.currentId, two.ids]).toEqual(['new', ['new', 'old']]);
    const sealed = Keyring.parse(`old:${a}`).seal('hello', 'row-1');
    expect(two.open(sealed, 'row-1')).toBe('hello');
    expect(() => two.open(sealed, 'row-2')).toThrow(/does not decrypt/); // bound to its row
    expect(two.seal('x', 'r').keyId).toBe('new');
  });

  it('refuses a key that is not 32 bytes of base64, without repeating it', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => Keyring.parse(short)).toThrow(StoreStartError);
    expect(() => Keyring.parse(short)).toThrow(/key #1 is not 32 bytes of base64/);
    try {
      Keyring.parse(`a:${key()},b:${short}`);
    } catch (e) {
      expect((e as Error).message).not.toContain(short);
      expect((e as Error).message).toContain('key #2 ("b")');
    }
    expect(() => Keyring.parse(`a:${key()},a:${key()}`)).toThrow(/appears twice/);
  });

  it('reads the store settings from the environment', () => {
    expect(readStoreSettings({})).toMatchObject({ databaseUrl: undefined, databaseSchema: 'public', cacheTtlMs: 5000, dataDir: expect.stringMatching(/\.rollcall$/) });
    expect(readStoreSettings({ DATABASE_URL: 'postgres://x@h/db', ROLLCALL_STORE_CACHE_MS: '0', ROLLCALL_DATA_DIR: 'memory://' })).toMatchObject({ databaseUrl: 'postgres://x@h/db', cacheTtlMs: 0, dataDir: 'memory://' });
    expect(() => readStoreSettings({ ROLLCALL_STORE_CACHE_MS: 'soon' })).toThrow(StoreStartError);
    expect(() => readStoreSettings({ ROLLCALL_DATABASE_SCHEMA: 'Robert"; drop' })).toThrow(StoreStartError);
  });
});

describe.each(BACKENDS)('encryption keys on %s', (kind) => {
  const dirs: string[] = [];
  let db: TestDatabase;
  afterAll(async () => {
    await db?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('stops the start on a missing or wrong key, and rotate-keys moves every row to the current key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollcall-keys-'));
    dirs.push(dir);
    db = await testDatabase(kind, join(dir, 'data'));
    const [oldKey, newKey] = [`old:${key()}`, `new:${key()}`];
    const handle = await db.open();
    const checkWith = (raw: string | undefined) => new DatabaseStore(handle, Keyring.parse(raw)).checkKeys();

    const first = new CompositeStore(new StaticAccountStore([]), new DatabaseStore(handle, Keyring.parse(oldKey)));
    await first.createTenant({ id: 't1' }, 'test');
    await first.createAccount({ id: 'zd', tenantId: 't1', provider: 'zendesk', context: { subdomain: 'acme' }, credentials: { email: 'ops@acme.test', apiToken: SECRET } }, 'test');

    await expect(checkWith(undefined)).rejects.toThrow(/^ROLLCALL_ENCRYPTION_KEY is not set, but .* holds 1 integrated account\(s\)/);
    await expect(checkWith(`new:${key()}`)).rejects.toThrow(/has no key "old", which encrypts 1 integrated account\(s\)/);
    await expect(checkWith(`old:${key()}`)).rejects.toThrow(/key "old" does not decrypt integrated account "zd" .*: it is the wrong key/);
    await expect(checkWith(`old:${key()}`)).rejects.toThrow(StoreStartError);

    const both = new DatabaseStore(handle, Keyring.parse(`${newKey},${oldKey}`));
    expect(await both.rotateKeys('test')).toEqual({ rotated: 1, keyId: 'new' });
    expect(await both.rotateKeys('test')).toEqual({ rotated: 0, keyId: 'new' });
    expect((await both.listAudit({ limit: 1 }))[0]).toMatchObject({ action: 'keys.rotate', detail: { keyId: 'new', rotated: 0 } });
    await expect(checkWith(oldKey)).rejects.toThrow(/has no key "new"/);
    await handle.close();

    // The start itself: a wrong key stops it with that one line; the right one serves the account.
    const settings = { ...readStoreSettings({}), ...db.options, dataDir: db.options.dataDir ?? '' };
    await expect(openAccountStore(noConfig, { settings: { ...settings, encryptionKey: oldKey } })).rejects.toThrow(/^ROLLCALL_ENCRYPTION_KEY has no key "new"[^\n]*$/);
    const rotated = await openAccountStore(noConfig, { settings: { ...settings, encryptionKey: newKey } });
    expect((await rotated.get('t1', 'zd'))!.credentials.apiToken).toBe(SECRET);
    await rotated.close();

    if (kind === 'pglite') {
      // Every byte PGlite wrote to disk (tables, WAL): no credential in plaintext.
      const files = walk(dir);
      expect(files.length).toBeGreaterThan(10);
      expect(files.filter((f) => readFileSync(f).includes('zd'))).not.toEqual([]);
      expect(files.filter((f) => readFileSync(f).includes(SECRET))).toEqual([]);
      expect(files.filter((f) => readFileSync(f).includes('ops@acme.test'))).toEqual([]);
    }
  }, 60_000);
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
