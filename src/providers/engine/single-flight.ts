// Many clients on one account: concurrent requests for the same upstream page (same account, same request,
// same headers) share one upstream call, and with `cache.pageTtlSeconds` a page fetched is reused for that
// long. Keys always start with the tenant and the account, so nothing is ever shared across tenants or
// accounts. A shared call is stopped only when every request waiting on it has gone.
import { LRUCache } from 'lru-cache';

interface Flight<T> { key: string; promise: Promise<T>; ctl: AbortController; waiting: number }

export class SharedPages<T extends object> {
  private readonly flights = new Map<string, Flight<T>>();
  private readonly cache: LRUCache<string, T> | null;
  constructor(ttlMs: number, maxEntries: number) {
    this.cache = ttlMs > 0 ? new LRUCache<string, T>({ max: maxEntries, ttl: ttlMs }) : null;
  }

  /**
   * The value for `key`: cached, or joined to a call in flight, or fetched by `work` (given a signal that aborts
   * once every waiter's own `signal` has). `left(reason)` is what a waiter that leaves early is rejected with.
   */
  get(key: string, signal: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>, left: (reason: unknown) => Error): Promise<T> {
    const hit = this.cache?.get(key);
    if (hit) return Promise.resolve(hit);
    let f = this.flights.get(key);
    if (!f) {
      const ctl = new AbortController();
      const flight: Flight<T> = { key, ctl, waiting: 0, promise: undefined as never };
      flight.promise = work(ctl.signal).then(
        (v) => {
          this.cache?.set(key, v);
          return v;
        },
      ).finally(() => {
        if (this.flights.get(key) === flight) this.flights.delete(key);
      });
      flight.promise.catch(() => {}); // every waiter handles it; a flight left by all must not be unhandled
      this.flights.set(key, flight);
      f = flight;
    }
    const flight = f;
    flight.waiting++;
    if (!signal) return flight.promise;
    if (signal.aborted) return this.leave(flight, signal.reason, left);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => this.leave(flight, signal.reason, left).then(resolve, reject);
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** The last waiter to leave stops the call (and gets its error); the others get `left`. */
  private leave(flight: Flight<T>, reason: unknown, left: (reason: unknown) => Error): Promise<T> {
    if (--flight.waiting > 0) return Promise.reject(left(reason));
    if (this.flights.get(flight.key) === flight) this.flights.delete(flight.key); // a later request starts afresh
    flight.ctl.abort(reason);
    return flight.promise;
  }
}
