// A users connection answered with `edges @stream`: edges are an async iterable fed by a page walk
// (engine/stream.ts), paced to the response by a credit (stream-flow.ts), and pageInfo is known once the
// walk ends (select it under @defer, as Relay's @stream_connection does). That shape is run by the stream lane
// (plugins/stream-lane.ts), which takes the walk over instead (stream-feed.ts); the rest runs as here.
import type { GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context.js';
import type { Account } from '../providers/engine/engine.js';
import { GatewayError } from '../providers/engine/errors.js';
import type { UpstreamCall } from '../providers/engine/http.js';
import type { Edge, ListArgs } from '../providers/engine/list.js';
import { walkPages, type WalkPage } from '../providers/engine/stream.js';
import type { ProviderDefinition } from '../providers/engine/types.js';
import { selectsUndeferred } from './selection.js';
import { StreamFlow, type Credit } from './stream-flow.js';

export interface StreamedConnection {
  edges: AsyncIterable<Edge>;
  /** The walk's end: hasNextPage and endCursor of its last page (rejects with the walk's error). */
  end: Promise<{ hasNextPage: boolean; endCursor: string | null; startCursor: string | null }>;
}

/** Edges of a page walk, one by one; `credit` paces the walk to the response. */
export function streamedConnection(pages: AsyncIterableIterator<WalkPage>, credit: Credit): StreamedConnection {
  let settle!: { resolve: (v: Awaited<StreamedConnection['end']>) => void; reject: (e: unknown) => void };
  const end = new Promise<Awaited<StreamedConnection['end']>>((resolve, reject) => (settle = { resolve, reject }));
  end.catch(() => {}); // pageInfo may not be selected: its error is the stream's, reported there
  let startCursor: string | null = null;
  let current: Edge[] = [];
  let i = 0;
  let finished = false;
  const finish = () => {
    finished = true;
    credit.close();
  };
  const edges: AsyncIterableIterator<Edge> = {
    [Symbol.asyncIterator]: () => edges,
    async next(): Promise<IteratorResult<Edge>> {
      while (i >= current.length) {
        if (finished) return { done: true, value: undefined };
        await credit.room();
        let step: IteratorResult<WalkPage>;
        try {
          step = await pages.next();
        } catch (e) {
          finish();
          settle.reject(e);
          throw e;
        }
        if (step.done) {
          finish();
          settle.resolve({ hasNextPage: false, endCursor: null, startCursor });
          return { done: true, value: undefined };
        }
        const page = step.value;
        current = page.edges;
        i = 0;
        if (startCursor === null && current.length) startCursor = current[0]!.cursor;
        credit.add(current.length);
        if (page.last) {
          finish();
          settle.resolve({ hasNextPage: page.hasNextPage, endCursor: page.endCursor, startCursor });
        }
      }
      return { done: false, value: current[i++]! };
    },
    async return(): Promise<IteratorResult<Edge>> {
      if (!finished) {
        finish();
        settle.reject(new Error('stream cancelled'));
      }
      current = [];
      await pages.return?.();
      return { done: true, value: undefined };
    },
  };
  return { edges, end };
}

/** Query.users with `edges @stream`: the connection object whose edges stream and whose pageInfo waits for the end. */
export function streamUsers(ctx: GatewayContext, info: GraphQLResolveInfo, account: Account, def: ProviderDefinition, args: ListArgs, initialCount: number) {
  const list = def.lists[args.category ?? def.category]!;
  const pageSize = Math.min(list.paginator.maxPageSize, MAX_STREAM_PAGE);
  if (args.first > 100 && selectsUndeferred(info, 'pageInfo'))
    throw new GatewayError('BAD_USER_INPUT', `With edges @stream and first above 100, select pageInfo inside a deferred fragment (... @defer { pageInfo { hasNextPage endCursor } }), as Relay's @stream_connection does: it is known only once the stream ends, and the first payload would otherwise wait for all ${args.first} users.`);
  const calls: UpstreamCall[] = [];
  const pages = walkPages((a, signal) => ctx.engine.scope(signal).list(account, def, a, calls), args, { pageSize, signal: ctx.scope.signal });
  // The stream lane (plugins/stream-lane.ts) delivers the edges itself, page by page, as the response drains.
  if (ctx.lane?.owns(info)) return ctx.lane.adopt(pages, calls, initialCount);
  ctx.flow ??= new StreamFlow();
  // Room for the first payload (initialCount, or every edge when pageInfo is not deferred) plus two pages.
  const credit = ctx.flow.open(initialCount + 2 * pageSize + (args.first <= 100 ? args.first : 0));
  const { edges, end } = streamedConnection(pages, credit);
  return {
    edges,
    // A getter: only a selected pageInfo makes a promise (one nobody awaits must not reject unhandled).
    get pageInfo() {
      return end.then((e) => ({ ...e, hasPreviousPage: false }));
    },
    debug: calls,
  };
}

/** The largest page a stream asks for at once (a provider answering everything in one response is sliced). */
const MAX_STREAM_PAGE = 1000;
