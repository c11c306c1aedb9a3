// What the stream lane (plugins/stream-lane.ts) and Query.users hand each other. The lane runs a streamed
// document as compiled pieces: its first payload, one run per page of edges, and its deferred fragment. In
// the first run the streamed `users` field starts its page walk as usual and gives the walk to the feed
// (adopt); in the later runs the same field answers with what the feed holds (answerFor).
import type { GraphQLResolveInfo } from 'graphql';
import type { UpstreamCall } from '../providers/engine/http.js';
import type { Edge } from '../providers/engine/list.js';
import type { WalkPage } from '../providers/engine/stream.js';

/** Where a walk ended: its last page's hasNextPage and endCursor. */
export interface WalkEnd {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface AdoptedWalk {
  pages: AsyncIterableIterator<WalkPage>;
  calls: UpstreamCall[];
  /** Edges of the pages read for the first payload that it did not take (initialCount fell inside a page). */
  rest: Edge[];
  /** Set when the first payload's pages already reached the end. */
  end?: WalkEnd;
  /** The first edge's cursor of the walk's first page; undefined until a page is read. */
  startCursor?: string | null;
}

export const walkEnd = (page: WalkPage): WalkEnd => ({ hasNextPage: page.hasNextPage, endCursor: page.endCursor });

export class StreamFeed {
  walk?: AdoptedWalk;
  /** The connection the streamed field answers with in the lane's later runs. */
  answer?: object;

  /** `key`: the response key of the root `users` field whose edges the lane streams. */
  constructor(readonly key: string) {}

  /** Whether this resolver call is the streamed field itself. */
  owns(info: GraphQLResolveInfo): boolean {
    return info.path.prev === undefined && info.path.key === this.key;
  }

  answerFor(info: GraphQLResolveInfo): object | undefined {
    return this.answer && this.owns(info) ? this.answer : undefined;
  }

  /** Takes the walk over: reads it to `initialCount` edges for the first payload, and keeps the rest. */
  async adopt(pages: AsyncIterableIterator<WalkPage>, calls: UpstreamCall[], initialCount: number): Promise<{ edges: Edge[]; debug: UpstreamCall[]; readonly pageInfo: never }> {
    const taken: Edge[] = [];
    const walk: AdoptedWalk = { pages, calls, rest: [] };
    try {
      while (taken.length < initialCount) {
        const step = await pages.next();
        if (step.done) {
          walk.end ??= { hasNextPage: false, endCursor: null };
          break;
        }
        const page = step.value;
        walk.startCursor ??= page.edges[0]?.cursor ?? null;
        const need = initialCount - taken.length;
        taken.push(...page.edges.slice(0, need));
        walk.rest = page.edges.slice(need);
        if (page.last) {
          walk.end = walkEnd(page);
          break;
        }
      }
    } catch (e) {
      await pages.return?.();
      throw e;
    }
    this.walk = walk;
    return {
      edges: taken,
      debug: calls,
      // The lane runs pageInfo with the deferred fragment, once the walk ends: never in the first payload.
      get pageInfo(): never {
        throw new Error('pageInfo is read from the deferred fragment in the stream lane');
      },
    };
  }
}
