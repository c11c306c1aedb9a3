// Pacing of @stream connections. The executor pulls stream items as fast as they come, whatever the client
// reads, so each stream holds a credit: it takes the next page only once the response has caught up to
// within a window of items, which keeps a slow client's stream to a few pages in memory.

/** Per request: the streams of its response, told each time the response takes a payload. */
export class StreamFlow {
  private readonly credits = new Set<Credit>();
  open(window: number): Credit {
    const c = new Credit(window, () => this.credits.delete(c));
    this.credits.add(c);
    return c;
  }
  /** The response took a payload: everything yielded so far has left the executor. */
  pulled(): void {
    for (const c of this.credits) c.caughtUp();
  }
}

export class Credit {
  private yielded = 0;
  private taken = 0;
  private wake: (() => void) | null = null;
  constructor(private readonly window: number, readonly close: () => void) {}
  add(n: number) {
    this.yielded += n;
  }
  caughtUp() {
    this.taken = this.yielded;
    this.wake?.();
    this.wake = null;
  }
  /** Resolves once no more than `window` items wait in the executor. */
  async room(): Promise<void> {
    while (this.yielded - this.taken > this.window) await new Promise<void>((r) => (this.wake = r));
  }
}

