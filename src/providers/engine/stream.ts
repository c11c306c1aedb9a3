// A walk over many Relay pages for streamed answers (@stream, /export): it asks the engine for one upstream
// page's worth of users at a time, continuing from each page's endCursor, so every guarantee of `list`
// (filters, scan budget, cursors, loop detection) holds for the whole walk. It reads ahead of its consumer
// by at most `ahead` pages (each page asks for the next as soon as it arrives, so the upstream is not left
// idle while the consumer writes), and has the engine read the next upstream page while it maps the current
// one (`readAhead`), so a slow consumer holds at most those pages plus the one it writes, and `return()` (the
// consumer gone) aborts the page in flight. Pages it reads whole stay out of the engine's resume cache, so a
// long walk does not fill it.
import { setImmediate as immediate } from 'node:timers/promises';
import { compactHeapDuringWalk } from './heap.js';
import type { Ahead, ListArgs, ListResult } from './list.js';

export interface WalkOptions {
  /** Users per page asked of the engine: the upstream's largest page, so one call is one upstream page. */
  pageSize: number;
  /** Pages read (or being read) and not yet taken by the consumer, at most; default 2. */
  ahead?: number;
  /** Aborts the walk from outside (the request's budget, shutdown). */
  signal?: AbortSignal;
}

/** One page of the walk; `last` is true on the final one, whose hasNextPage/endCursor are the walk's. */
export type WalkPage = ListResult & { last: boolean };

/**
 * Pages of `args.first` users in all (`first` is the walk's total), starting at `args.after`. `run` lists one
 * page with the signal it is given.
 */
export function walkPages(run: (args: ListArgs, signal: AbortSignal) => Promise<ListResult>, args: ListArgs, opts: WalkOptions): AsyncIterableIterator<WalkPage> {
  const ctl = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, ctl.signal]) : ctl.signal;
  const ahead = Math.max(1, opts.ahead ?? 2);
  /** Users still to ask for: `first` less what the pages read so far hold. */
  let left = args.first;
  /** Pages read or in flight that the consumer has not taken, oldest first. */
  const queue: Promise<WalkPage>[] = [];
  /** Where reading stopped because the queue was full (and the upstream page read ahead from there); undefined while reading or at the end. */
  let paused: { after: string | null; ahead?: Ahead } | undefined = { after: args.after ?? null };
  let done = false;
  /** Set once the consumer first reads: a walk never read holds nothing. */
  let ended: (() => void) | undefined;
  const end = () => {
    done = true;
    ended?.();
  };
  const read = (from: { after: string | null; ahead?: Ahead }) => {
    paused = undefined;
    const first = Math.min(opts.pageSize, left);
    // Whole pages are read once and let go; only a last page cut short may be resumed inside (so it is read
    // as itself, not ahead). Before a whole page the engine reads it while it maps this one.
    const readAhead = left - first >= opts.pageSize;
    const p = run({ ...args, first, after: from.after, keepPages: first < opts.pageSize && args.keepPages !== false, readAhead, ahead: from.ahead }, signal).then((page) => {
      left -= page.edges.length;
      const last = !page.hasNextPage || left <= 0 || page.edges.length === 0;
      if (!last && !done) {
        paused = { after: page.endCursor, ahead: page.ahead };
        if (queue.length < ahead) read(paused);
      }
      delete page.ahead; // the walk's to hand on, not the consumer's to hold
      return Object.assign(page, { last });
    });
    p.catch(() => {}); // awaited by next(); a page read ahead that the consumer never takes must not be unhandled
    queue.push(p);
  };
  const iterator: AsyncIterableIterator<WalkPage> = {
    [Symbol.asyncIterator]: () => iterator,
    async next() {
      if (done) return { done: true, value: undefined };
      ended ??= compactHeapDuringWalk(iterator);
      if (!queue.length) {
        if (!paused || left <= 0) {
          end();
          return { done: true, value: undefined };
        }
        read(paused);
      }
      const p = queue.shift()!;
      if (paused && queue.length < ahead) read(paused); // a slot freed: read on
      let page: WalkPage;
      try {
        page = await p;
      } catch (e) {
        end();
        throw e;
      }
      if (page.last) end();
      // The page read ahead is sent on a later tick (the engine batches calls): let it leave before the consumer
      // spends the thread on this page, or the upstream idles while the consumer writes.
      else if (!paused) await immediate();
      return { done: false, value: page };
    },
    async return() {
      end();
      paused = undefined;
      queue.length = 0;
      ctl.abort();
      return { done: true, value: undefined };
    },
  };
  return iterator;
}
