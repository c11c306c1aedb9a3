// A bounded wait for an upstream connection. undici's Pool queues without limit when all its connections
// are busy, so under overload a request could wait for seconds behind others; the gate in front of it
// holds as many slots as the pool has connections and lets a caller wait for one only so long.
export interface Waiter { resolve: () => void; reject: (e: unknown) => void; timer: NodeJS.Timeout; signal?: AbortSignal; onAbort: () => void }

export class Gate {
  private active = 0;
  /** FIFO: a Set keeps insertion order and removes a timed-out waiter in O(1). */
  private readonly waiting = new Set<Waiter>();
  constructor(readonly size: number) {}

  get queued(): number {
    return this.waiting.size;
  }

  /** No slot taken and nobody waiting: the gate can be dropped. */
  get idle(): boolean {
    return this.active === 0 && this.waiting.size === 0;
  }

  /**
   * Takes a slot: at once (returns undefined) when one is free, else a promise that resolves when one is
   * handed over, and rejects with `overloaded()` after `waitMs` or with the signal's reason when it aborts.
   */
  acquire(waitMs: number, overloaded: () => unknown, signal?: AbortSignal): Promise<void> | undefined {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.active < this.size) {
      this.active++;
      return undefined;
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = {
        resolve,
        reject,
        signal,
        timer: setTimeout(() => this.drop(w, overloaded()), waitMs),
        onAbort: () => this.drop(w, signal!.reason),
      };
      signal?.addEventListener('abort', w.onAbort, { once: true });
      this.waiting.add(w);
    });
  }

  /** Gives the slot to the longest waiter, or frees it. */
  release(): void {
    const next = this.waiting.values().next();
    if (next.done) {
      this.active--;
      return;
    }
    this.settle(next.value);
    next.value.resolve();
  }

  private drop(w: Waiter, reason: unknown): void {
    if (!this.waiting.has(w)) return;
    this.settle(w);
    w.reject(reason);
  }

  private settle(w: Waiter): void {
    this.waiting.delete(w);
    clearTimeout(w.timer);
    w.signal?.removeEventListener('abort', w.onAbort);
  }
}
