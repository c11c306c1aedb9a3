// Loops across requests. A client walks a list one request at a time, passing endCursor back; an upstream
// whose next link points to a page the walk already read (the same page, or a cycle 1 → 2 → 3 → 2) would
// make it walk forever. For every position the engine issues, this remembers a short history of the walk
// that led there: 64-bit hashes of the last HISTORY positions, plus one saved position moved at powers of two
// (Brent's cycle detection), which catches a longer cycle within about twice its length. A next position
// equal to the current one is refused without any history. The history is kept in this process (bounded
// and aging out like long cursor states); a cursor used on another process walks without it.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { CURSOR_STORE_DEFAULTS, type CursorStoreOptions, type Walk } from './cursor.js';
import type { UpstreamRequest } from './types.js';

const HISTORY = 8;

interface Trail {
  /** Hashes of the positions before this one, most recent last. */
  recent: string[];
  /** Brent: the position saved at the last power of two, the steps since, and the current power. */
  saved: string | null;
  steps: number;
  power: number;
}
const START: Trail = { recent: [], saved: null, steps: 0, power: 1 };

export class WalkHistory {
  private readonly trails: LRUCache<string, Trail>;
  constructor(store: CursorStoreOptions = CURSOR_STORE_DEFAULTS) {
    this.trails = new LRUCache({ max: store.max, ttl: store.ttlMs, updateAgeOnGet: true });
  }

  /** A position of a walk, by its paginator state: a resumed request may order its query differently. */
  private static key(walk: Walk, request: UpstreamRequest): string {
    const state = walk.paginator.state(request, walk.paginator.first(walk.base, walk.pageSize));
    return createHash('sha256').update(JSON.stringify([walk.accountId, walk.queryKey, walk.pageSize, state])).digest('base64url').slice(0, 11);
  }

  /**
   * Whether `next`, the page after `current`, is a position this walk has already been at (the upstream
   * looped). When not, `next` inherits `current`'s history, so a later request resuming there knows it too.
   */
  revisits(walk: Walk, current: UpstreamRequest, next: UpstreamRequest): boolean {
    const here = WalkHistory.key(walk, current);
    const there = WalkHistory.key(walk, next);
    const trail = this.trails.get(here) ?? START;
    if (there === here || trail.recent.includes(there) || there === trail.saved) return true;
    const steps = trail.steps + 1;
    const moved = steps >= trail.power;
    this.trails.set(there, {
      recent: [...trail.recent, here].slice(-HISTORY),
      saved: moved ? there : trail.saved,
      steps: moved ? 0 : steps,
      power: moved ? trail.power * 2 : trail.power,
    });
    return false;
  }
}
