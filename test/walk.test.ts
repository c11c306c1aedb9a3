// The page walk behind @stream and /export (engine/stream.ts), against a run function that answers pages of
// a numbered list: it reads ahead of its consumer by a bounded number of pages, in order, to exactly `first`.
// Then the engine's part, against the Okta sandbox: the next upstream page read while a page is mapped.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListArgs, ListResult } from '../src/providers/engine/list.js';
import type { Account } from '../src/providers/engine/scope.js';
import type { Sandbox } from '../src/providers/engine/sandbox-kit.js';
import { runningWalks } from '../src/providers/engine/heap.js';
import { walkPages } from '../src/providers/engine/stream.js';
import { okta } from '../src/providers/okta/adapter.js';
import { oktaDataset, OKTA_SANDBOX_TOKEN, startOktaSandbox } from '../src/providers/okta/sandbox.js';
import { startGateway, type Harness } from './helpers.js';

/** `total` users in pages; every call is recorded, and each answers when `release` lets it (or at once). */
function pagedList(total: number, opts: { failAt?: number; hold?: boolean } = {}) {
  const asked: { first: number; after: string | null; signal: AbortSignal }[] = [];
  const waiting: (() => void)[] = [];
  const run = async (args: ListArgs, signal: AbortSignal): Promise<ListResult> => {
    const start = args.after ? Number(args.after) : 0;
    asked.push({ first: args.first, after: args.after ?? null, signal });
    if (opts.hold) await new Promise<void>((r) => waiting.push(r));
    if (opts.failAt === asked.length) throw new Error(`page ${asked.length} failed`);
    const ids = Array.from({ length: Math.max(0, Math.min(args.first, total - start)) }, (_, i) => start + i);
    const end = start + ids.length;
    return { edges: ids.map((i) => ({ node: { remoteId: String(i) } as never, cursor: String(i + 1) })), hasNextPage: end < total, endCursor: String(end), calls: [], warnings: [] };
  };
  return { run, asked, release: () => waiting.splice(0).forEach((r) => r()) };
}
const settle = () => new Promise((r) => setTimeout(r, 20));
const args = (first: number): ListArgs => ({ first, filter: {} });

describe('walkPages', () => {
  it('returns every page in order, asking for exactly first users, and marks the last', async () => {
    const l = pagedList(1000);
    const pages = [];
    for await (const p of walkPages(l.run, args(450), { pageSize: 200 })) pages.push(p);
    expect(pages.map((p) => p.edges.length)).toEqual([200, 200, 50]);
    expect(pages.map((p) => p.last)).toEqual([false, false, true]);
    expect(pages.flatMap((p) => p.edges.map((e) => Number(e.node.remoteId)))).toEqual(Array.from({ length: 450 }, (_, i) => i));
    expect(l.asked.map((a) => [a.first, a.after])).toEqual([[200, null], [200, '200'], [50, '400']]);
  });

  it('ends at the upstream end and on a page without users', async () => {
    const l = pagedList(300);
    const sizes = [];
    for await (const p of walkPages(l.run, args(100_000), { pageSize: 200 })) sizes.push(p.edges.length);
    expect(sizes).toEqual([200, 100]);
    expect(l.asked).toHaveLength(2);
  });

  it.each([1, 2, 3])('reads ahead of a consumer that stops, by %i pages and no more', async (ahead) => {
    const l = pagedList(100_000);
    const walk = walkPages(l.run, args(100_000), { pageSize: 200, ahead });
    await walk.next(); // the consumer takes one page and writes it for a long time
    await settle();
    // Each page asks for the next as it arrives: the ones read ahead were asked for without the consumer.
    expect(l.asked).toHaveLength(1 + ahead);
    await walk.next(); // taking one frees one slot
    await settle();
    expect(l.asked).toHaveLength(2 + ahead);
    await walk.return!();
  });

  it('aborts the page in flight when the consumer leaves', async () => {
    const l = pagedList(100_000, { hold: true });
    const walk = walkPages(l.run, args(100_000), { pageSize: 200 });
    const first = walk.next();
    l.release();
    await first;
    await settle();
    expect(l.asked).toHaveLength(2); // the next page, held upstream
    await walk.return!();
    expect(l.asked[1]!.signal.aborted).toBe(true);
    l.release();
    await settle();
    expect(l.asked).toHaveLength(2); // nothing asked after leaving
  });

  it('reports a page read ahead that failed at its turn, after the pages before it', async () => {
    const l = pagedList(100_000, { failAt: 3 });
    const walk = walkPages(l.run, args(100_000), { pageSize: 200 });
    expect((await walk.next()).done).toBe(false);
    await settle(); // page 3 has failed by now, unread
    expect((await walk.next()).done).toBe(false);
    await expect(walk.next()).rejects.toThrow('page 3 failed');
    expect(await walk.next()).toEqual({ done: true, value: undefined });
    expect(l.asked).toHaveLength(3);
  });
});

// While a walk runs the heap grows less between full collections (engine/heap.ts): each walk must stop counting
// however it ends, or the whole process would keep paying for it.
describe('a walk counts as running (the heap setting of long walks)', () => {
  it('from its first read until its last page, its failure or its return; one never read does not count', async () => {
    const before = runningWalks();
    const unread = walkPages(pagedList(1000).run, args(450), { pageSize: 200 });
    expect(runningWalks()).toBe(before);
    const whole = walkPages(pagedList(1000).run, args(450), { pageSize: 200 });
    await whole.next();
    expect(runningWalks()).toBe(before + 1);
    const failing = walkPages(pagedList(1000, { failAt: 2 }).run, args(450), { pageSize: 200 });
    await failing.next();
    const left = walkPages(pagedList(1000).run, args(450), { pageSize: 200 });
    await left.next();
    expect(runningWalks()).toBe(before + 3);
    while (!(await whole.next()).done);
    await expect(failing.next()).rejects.toThrow('page 2 failed');
    await left.return!();
    expect(runningWalks()).toBe(before);
    await left.return!(); // ended once, however often
    expect(runningWalks()).toBe(before);
    void unread;
  });

  it('until it is collected, when its consumer drops it unfinished', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const before = runningWalks();
    await (async () => {
      const dropped = walkPages(pagedList(10_000).run, args(5000), { pageSize: 200 });
      await dropped.next();
    })();
    expect(runningWalks()).toBe(before + 1);
    for (let i = 0; i < 100 && runningWalks() > before; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(runningWalks()).toBe(before);
  });
});

describe('an engine walk over the Okta sandbox (the path of @stream and /export)', () => {
  let sandbox: Sandbox;
  let h: Harness;
  const account: Account = { id: 'okta', tenant: 'acme', provider: 'okta', context: {}, credentials: { apiToken: OKTA_SANDBOX_TOKEN } };
  beforeAll(async () => {
    sandbox = await startOktaSandbox({ users: oktaDataset(8000) });
    account.context = { baseUrl: sandbox.url };
    h = startGateway([{ id: 'okta', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN } }]);
  });
  afterAll(async () => {
    await h.close();
    await sandbox.close();
  });
  const list = (args: Partial<ListArgs>) => h.gateway.engine.scope().list(account, okta, { category: 'USER_DIRECTORY', first: 200, filter: {}, keepPages: false, ...args });

  it('reads the next upstream page ahead when asked, and the next page uses it instead of calling again', async () => {
    sandbox.requests.length = 0;
    const one = await list({ readAhead: true });
    expect(one.ahead).toBeDefined();
    // Page 2 is asked for without another list call (polled: a busy machine may take a moment to deliver it).
    for (let i = 0; i < 200 && sandbox.requests.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sandbox.requests).toHaveLength(2); // page 1, and page 2 read ahead
    const two = await list({ after: one.endCursor, readAhead: false, ahead: one.ahead });
    expect(sandbox.requests).toHaveLength(2); // page 2 came from the read-ahead
    const fresh = await list({ after: one.endCursor });
    expect(sandbox.requests).toHaveLength(3);
    expect(two.edges.map((e) => e.node.remoteId)).toEqual(fresh.edges.map((e) => e.node.remoteId));
    expect(two.endCursor).toBe(fresh.endCursor);
  });

  it('does not read ahead unless asked, nor under a filter it applies itself', async () => {
    sandbox.requests.length = 0;
    expect((await list({})).ahead).toBeUndefined();
    // Okta cannot search displayName: the gateway filters `name` while paging, so which page comes next depends on
    // what this one matches.
    const filtered = await list({ readAhead: true, first: 5, filter: { name: 'a' } });
    expect(filtered.ahead).toBeUndefined();
    await settle();
    expect(sandbox.requests.length).toBe(1 + filtered.calls.length);
  });

  it('makes one upstream call per page over a whole walk', async () => {
    sandbox.requests.length = 0;
    const walk = walkPages((a, signal) => h.gateway.engine.scope(signal).list(account, okta, a), { category: 'USER_DIRECTORY', first: 100_000, filter: {} }, { pageSize: 200 });
    let pages = 0;
    let users = 0;
    for await (const page of walk) {
      pages++;
      users += page.edges.length;
    }
    expect(users).toBe(oktaDataset(8000).filter((u) => u.status !== 'DEPROVISIONED').length);
    expect(pages).toBeGreaterThan(30);
    expect(sandbox.requests).toHaveLength(pages);
  });
});
