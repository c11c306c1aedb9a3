import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseStore } from './database-store.js';
import { BACKENDS, testDatabase, testKeyring, testStore, type TestDatabase } from './test-databases.js';

const account = { id: 'oauth-okta', tenantId: 't', provider: 'okta', context: { baseUrl: 'https://t.okta.com' }, credentials: { accessToken: 'access-OLD-0123456789', refreshToken: 'refresh-1-0123456789' } };

/** A refresh as the OAuth code will do it: under the lock, only if the token is still the expired one. */
function refresher(counter: { n: number }) {
  return (store: DatabaseStore) =>
    store.withAccountLock('t', account.id, async (locked) => {
      if (locked.account.credentials.accessToken !== 'access-OLD-0123456789') return locked.account.credentials.accessToken;
      counter.n++;
      await sleep(30); // the token endpoint's round trip, with the lock held
      await locked.saveCredentials({ accessToken: 'access-NEW-0123456789', refreshToken: 'refresh-2-0123456789' });
      return 'access-NEW-0123456789';
    });
}

async function until(check: () => Promise<boolean>, ms: number): Promise<number> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
    await sleep(20);
  }
  return Date.now() - t0;
}

describe.each(BACKENDS)('locks and caches on %s', (kind) => {
  let db: TestDatabase;
  const keyring = testKeyring();
  const stores: DatabaseStore[] = [];
  const open = async (cacheTtlMs = 60_000) => {
    const s = await testStore(db, keyring, { cacheTtlMs });
    stores.push(s);
    return s;
  };

  beforeAll(async () => {
    db = await testDatabase(kind);
  });
  afterAll(async () => {
    for (const s of stores) await s.handle.close();
    await db.drop();
  });

  it('twenty concurrent refreshes of one account make exactly one, and every caller gets the new token', async () => {
    const store = await open();
    await store.createTenant('t', 'T', 'test');
    await store.createAccount(account, 'test');
    const counter = { n: 0 };
    const refresh = refresher(counter);
    const got = await Promise.all(Array.from({ length: 20 }, () => refresh(store)));
    expect(counter.n).toBe(1);
    expect(new Set(got)).toEqual(new Set(['access-NEW-0123456789']));
    expect((await store.get('t', account.id))!.credentials).toEqual({ accessToken: 'access-NEW-0123456789', refreshToken: 'refresh-2-0123456789' });
    expect((await store.listAudit({ accountId: account.id, limit: 1 }))[0]).toMatchObject({ action: 'account.credentials-refreshed', actor: 'system', detail: { credentialKeys: ['accessToken', 'refreshToken'] } });
  });

  it('a lock holder that fails leaves the account as it was and lets the next caller in', async () => {
    const store = stores[0]!;
    await expect(store.withAccountLock('t', account.id, async () => Promise.reject(new Error('token endpoint down')))).rejects.toThrow('token endpoint down');
    expect(await store.withAccountLock('t', account.id, async (l) => l.account.credentials.refreshToken)).toBe('refresh-2-0123456789');
    await store.withAccountLock('t', account.id, (l) => l.setStatus('NEEDS_REAUTH', 'invalid_grant'));
    expect(await store.get('t', account.id)).toMatchObject({ status: 'NEEDS_REAUTH', lastError: 'invalid_grant' });
    await expect(store.withAccountLock('other', account.id, async () => 1)).rejects.toMatchObject({ code: 'INTEGRATED_ACCOUNT_NOT_FOUND' });
  });

  if (kind === 'postgres') {
    it('two gateway processes on one database make exactly one refresh between them', async () => {
      const [a, b] = [stores[0]!, await open()];
      await a.rotateCredentials('t', account.id, account.credentials, 'test');
      const counter = { n: 0 };
      const refresh = refresher(counter);
      const got = await Promise.all(Array.from({ length: 20 }, (_, i) => refresh(i % 2 ? a : b)));
      expect(counter.n).toBe(1);
      expect(new Set(got)).toEqual(new Set(['access-NEW-0123456789']));
    });

    it('another process sees a change at once through NOTIFY, and after the TTL without it', async () => {
      const writer = stores[0]!;
      const listening = await open(60_000);
      await listening.listenForChanges();
      const ttlOnly = await open(2000);
      for (const s of [listening, ttlOnly]) expect((await s.get('t', account.id))!.displayName).toBeUndefined();
      await writer.updateAccount('t', account.id, { displayName: 'Renamed' }, 'test');
      const notified = await until(async () => (await listening.get('t', account.id))?.displayName === 'Renamed', 3000);
      expect(notified).toBeLessThan(3000);
      expect((await ttlOnly.get('t', account.id))!.displayName).toBeUndefined(); // still cached
      await until(async () => (await ttlOnly.get('t', account.id))?.displayName === 'Renamed', 4000);
    });
  }
});
