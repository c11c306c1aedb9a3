// The heap while long walks stream (@stream, /export). Each page a walk reads is garbage once written, but the
// young-generation collector promotes part of every page to the old generation, which only a full collection
// frees, and V8 lets the old generation grow to up to four times what was live before it runs one: a walk of
// 100 000 users took the process from about 90 to over 300 MB. While any walk runs, the old generation may grow
// by a quarter of what was live instead (V8's --heap-growing-percent, read at each collection); with none, V8's
// own heuristics again. Not always on: under many short requests the extra full collections cost about a
// third of the throughput. An operator who sets the flag at start-up keeps their own value.
import { setFlagsFromString } from 'node:v8';

const WALK_HEAP_GROWING_PERCENT = 25;

const FLAG = /--heap[-_]growing[-_]percent/;
const setByOperator = FLAG.test(process.execArgv.join(' ')) || FLAG.test(process.env.NODE_OPTIONS ?? '');
let walks = 0;

interface Lease { ended: boolean }
function release(lease: Lease): void {
  if (lease.ended) return;
  lease.ended = true;
  if (--walks === 0 && !setByOperator) setFlagsFromString('--heap-growing-percent=0'); // 0: V8 decides again
}
// A walk its consumer dropped without ending it still ends here, once collected: the flag never stays on.
const dropped = new FinalizationRegistry<Lease>(release);

/** Marks the walk `owner` as running; the returned function (idempotent) marks it ended. */
export function compactHeapDuringWalk(owner: object): () => void {
  if (walks++ === 0 && !setByOperator) setFlagsFromString(`--heap-growing-percent=${WALK_HEAP_GROWING_PERCENT}`);
  const lease: Lease = { ended: false };
  dropped.register(owner, lease, lease);
  return () => {
    dropped.unregister(lease);
    release(lease);
  };
}

/** Walks running now. */
export function runningWalks(): number {
  return walks;
}
