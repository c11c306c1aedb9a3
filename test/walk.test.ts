// The page walk behind @stream and /export (engine/stream.ts), against a run function that answers pages of
// a numbered list: it reads ahead of its consumer by a bounded number of pages, in order, to exactly `first`.
import { describe, expect, it } from 'vitest';
import type { ListArgs, ListResult } from '../src/providers/engine/list.js';
import { walkPages } from '../src/providers/engine/stream.js';

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
