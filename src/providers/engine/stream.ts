// A walk over many Relay pages for streamed answers (@stream, /export): it asks the engine for one upstream
// page's worth of users at a time, continuing from each page's endCursor, so every guarantee of `list`
// (filters, scan budget, cursors, loop detection) holds for the whole walk. It is pulled: the next page is
// fetched only while the consumer reads the current one (one page ahead), so a slow consumer holds at most
// two pages, and `return()` (the consumer gone) aborts the page in flight. Pages it reads whole stay out of
// the engine's resume cache, so a long walk does not fill it.
import type { ListArgs, ListResult } from './list.js';

export interface WalkOptions {
  /** Users per page asked of the engine: the upstream's largest page, so one call is one upstream page. */
  pageSize: number;
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
  let remaining = args.first;
  let ahead: Promise<ListResult> | null = null;
  let done = false;
  const fetch = (after: string | null | undefined) => {
    const first = Math.min(opts.pageSize, remaining);
    // Whole pages are read once and let go; only a last page cut short may be resumed inside.
    const p = run({ ...args, first, after, keepPages: first < opts.pageSize && args.keepPages !== false }, signal);
    p.catch(() => {}); // awaited by next(); a prefetch the consumer never reads must not be unhandled
    return p;
  };
  const iterator: AsyncIterableIterator<WalkPage> = {
    [Symbol.asyncIterator]: () => iterator,
    async next() {
      if (done) return { done: true, value: undefined };
      if (remaining <= 0) {
        done = true;
        return { done: true, value: undefined };
      }
      ahead ??= fetch(args.after);
      let page: ListResult;
      try {
        page = await ahead;
      } catch (e) {
        done = true;
        throw e;
      }
      remaining -= page.edges.length;
      const last = !page.hasNextPage || remaining <= 0 || page.edges.length === 0;
      ahead = last ? null : fetch(page.endCursor);
      if (last) done = true;
      return { done: false, value: Object.assign(page, { last }) };
    },
    async return() {
      done = true;
      ahead = null;
      ctl.abort();
      return { done: true, value: undefined };
    },
  };
  return iterator;
}
