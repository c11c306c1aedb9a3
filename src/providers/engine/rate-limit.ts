// Per-account request pacing, so many clients on one account share its upstream rate limit instead of
// discovering it through 429s. Each integrated account gets a bucket on first use; every upstream attempt takes
// a turn first, in arrival order, and hands the response's budget headers back (`observe`).
//
// - The upstream's report wins. When its headers say what is left (spec `remainingHeader` + `resetHeader`, and
//   `limitHeader` where named), calls go at once while the estimated budget lasts — a report's remaining minus
//   every call it may not have counted (started after the reporting call, or in flight when it was sent): a
//   lower bound whatever order answers arrive in, the best of a window's reports kept — and wait for
//   the reported reset once it is spent. After the reset the reported limit is the new window's budget until
//   the next report. Plans differ from the documentation: a report of 6000 per minute is used as such.
// - The documented limit (spec `rateLimit.limit`) paces only while no fresh report is known (none yet, or its
//   reset has passed and the new window's limit is unknown or spent).
// - An account's own `integratedAccounts[].rateLimit` is the operator's cap and always applies as well.
// Pacing is GCRA (a token bucket kept as one "theoretical arrival time"): a burst of B, then one slot every
// W/(L−B) — so any window of W holds at most L requests, fixed or sliding. A caller whose turn is further away
// than `maxWaitMs` (limits.rateLimitWaitMs) is refused at once with UPSTREAM_RATE_LIMITED and retryAfter.
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError } from './errors.js';
import type { RateLimitSpec } from './types.js';

export interface RateLimitState {
  /** Requests left in the upstream's window, as its headers say (null when it does not say). */
  remaining: number | null;
  /** When the upstream's window resets (ISO 8601), as its headers say. */
  resetAt: string | null;
  /** How long this call waited for its turn in the account's bucket. */
  waitedMs: number;
}

export interface Limit { requests: number; perSeconds: number }

/** What the upstream's headers said (see headerBudget). */
export interface Budget { remaining: number | null; resetAtMs: number | null; limit: number | null }

/** A turn taken: how long it waited, and its place in the start order (handed back to `observe`). */
export interface Turn { waitedMs: number; ticket: number }

/** GCRA over one limit: `reserve` books the next slot and says how long until it. */
class Gcra {
  private readonly interval: number;
  private readonly tolerance: number;
  /** Theoretical arrival time of the next slot (ms, performance clock). */
  private tat = 0;
  constructor(readonly limit: Limit) {
    const burst = Math.max(1, Math.floor(limit.requests / 20));
    const paced = Math.max(1, limit.requests - burst);
    this.interval = (limit.perSeconds * 1000) / paced;
    this.tolerance = (burst - 1) * this.interval;
  }
  /** How long the next slot is away, without booking it. */
  delay(now: number): number {
    return Math.max(0, Math.max(this.tat, now) - this.tolerance - now);
  }
  book(now: number): void {
    this.tat = Math.max(this.tat, now) + this.interval;
  }
}

/** Reports closer than this (ms) name the same window: delta-second resets jitter by up to a second. */
const SAME_WINDOW_MS = 500;
/** Longest nap while waiting for a report that calls in flight will bring. */
const REPORT_POLL_MS = 250;

export class Bucket {
  private readonly documented?: Gcra;
  private readonly cap?: Gcra;
  /** Tickets handed out so far: the next caller's place in the start order. */
  private issued = 0;
  /** Calls started and not yet answered (their tickets). */
  private readonly inFlight = new Map<number, number>();
  /** The report in force: remaining after the call with `ticket`, until `resetAt` (performance clock); `pending`:
   *  calls in flight when that call was sent, which the upstream may not have counted yet. */
  private report?: { remaining: number; resetAt: number; ticket: number; pending: number };
  /** The limit the upstream reports for a window (limitHeader). */
  private reportedLimit: number | null = null;
  /** Whether the upstream's answers carry a budget at all (false: the documented limit paces). */
  private reports: boolean;
  /** No fresh report: calls counted against the window since the last reset (or the start). */
  private sinceReset = 0;
  /** Wakes callers waiting for a report. */
  private wake?: { promise: Promise<void>; resolve: () => void };

  constructor(documented: Limit | undefined, readonly own: Limit | undefined, followsHeaders: boolean, private readonly maxWaitMs: number, private readonly provider: string) {
    if (documented) this.documented = new Gcra(documented);
    if (own) this.cap = new Gcra(own);
    this.reports = followsHeaders;
  }

  /**
   * What the upstream's budget lets this caller do now: `go`, wait until `until` (the reported reset), wait for a
   * report (`report`), or be paced by the documented limit (`paced`).
   */
  private gate(now: number): { go: true } | { until: number } | { report: true } | { paced: true } {
    if (!this.reports) return { paced: true };
    const r = this.report;
    if (r && now < r.resetAt) {
      return this.left(r) > 0 ? { go: true } : { until: r.resetAt };
    }
    if (r) {
      // The reported window is over. Calls still in flight may land in the new one: count them there.
      this.report = undefined;
      this.sinceReset = this.inFlight.size;
    }
    // A new window (or none seen yet): its budget is the reported limit; without one, one call asks and the
    // rest wait for its report.
    const budget = this.reportedLimit ?? 1;
    if (budget - this.sinceReset > 0) return { go: true };
    return this.inFlight.size > 0 ? { report: true } : { paced: true };
  }

  /** Calls started after the one with `ticket`. */
  private after(ticket: number): number {
    return this.issued - 1 - ticket;
  }

  /** A lower bound of what a report leaves: its remaining, less every call it may not have counted (started
   *  after it, or in flight when it was sent). */
  private left(r: { remaining: number; ticket: number; pending: number }): number {
    return r.remaining - this.after(r.ticket) - r.pending;
  }

  /** Waits for this caller's turn; resolves with the wait and its ticket (handed back to `observe`). */
  async take(signal?: AbortSignal): Promise<Turn> {
    const opts = signal ? { signal } : undefined;
    const t0 = performance.now();
    for (;;) {
      const now = performance.now();
      const waited = now - t0;
      const g = this.gate(now);
      if ('until' in g || 'report' in g) {
        const wait = 'until' in g ? g.until - now : REPORT_POLL_MS;
        if ('until' in g && waited + wait > this.maxWaitMs) throw this.refusal(waited + wait, true);
        if (waited > this.maxWaitMs) throw this.refusal(waited, true);
        if ('until' in g) await sleep(wait, undefined, opts);
        else await Promise.race([this.nextReport(), sleep(wait, undefined, opts)]);
        signal?.throwIfAborted();
        continue;
      }
      const paced = 'paced' in g ? this.documented : undefined;
      const wait = Math.max(paced?.delay(now) ?? 0, this.cap?.delay(now) ?? 0);
      if (waited + wait > this.maxWaitMs) throw this.refusal(waited + wait, false);
      // The turn is booked now, so callers behind it queue behind it.
      paced?.book(now);
      this.cap?.book(now);
      const ticket = this.issued++;
      this.inFlight.set(ticket, this.inFlight.size);
      if (!this.report) this.sinceReset++;
      if (wait > 0) await sleep(wait, undefined, opts);
      return { waitedMs: waited + wait, ticket };
    }
  }

  private nextReport(): Promise<void> {
    if (!this.wake) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.wake = { promise, resolve };
    }
    return this.wake.promise;
  }

  private refusal(wait: number, reported: boolean): GatewayError {
    const limit = this.own ?? this.documented?.limit;
    const why = reported || !limit ? "the upstream reports this account's budget spent until its reset" : `${limit.requests} per ${limit.perSeconds} s`;
    return new GatewayError(
      'UPSTREAM_RATE_LIMITED',
      `${this.provider}: this account's requests are queued beyond ${this.maxWaitMs} ms (${why}; limits.rateLimitWaitMs). Retry after ${Math.ceil(wait / 1000)} seconds, or send fewer requests at once.`,
      { provider: this.provider, retryAfter: Math.max(1, Math.ceil(wait / 1000)) },
    );
  }

  /** Follows the upstream's own count, reported in the answer to the call with `ticket` (null: no answer). */
  observe(budget: Budget | null, ticket: number): void {
    const pending = this.inFlight.get(ticket) ?? 0;
    this.inFlight.delete(ticket);
    const wake = this.wake;
    this.wake = undefined;
    wake?.resolve();
    if (!budget) return;
    if (budget.limit !== null) this.reportedLimit = budget.limit;
    if (budget.remaining === null || budget.resetAtMs === null) {
      // An answer without a budget: this upstream does not report one, pace to the documented limit.
      if (!this.report && this.documented) this.reports = false;
      return;
    }
    this.reports = true;
    const now = performance.now();
    const resetAt = now + (budget.resetAtMs - Date.now());
    if (resetAt <= now) return;
    const next = { remaining: budget.remaining, resetAt, ticket, pending };
    const cur = this.report && now < this.report.resetAt ? this.report : undefined;
    // A later window replaces the report; within one, each report's left() is a lower bound of what is left
    // now, so the highest is kept: answers arriving out of order never inflate it, and a count that goes up (a
    // sliding window, a raised plan, an upstream that reports a constant) is followed.
    if (!cur || resetAt > cur.resetAt + SAME_WINDOW_MS || (resetAt >= cur.resetAt - SAME_WINDOW_MS && this.left(next) > this.left(cur))) this.report = next;
  }
}

/** One bucket per integrated account (tenant and id), made on first use. */
export class RateLimits {
  private readonly buckets = new Map<string, Bucket>();
  constructor(private readonly maxWaitMs: number) {}

  for(account: { tenant: string; id: string; rateLimit?: Limit }, provider: string, spec: RateLimitSpec | undefined): Bucket | undefined {
    const own = account.rateLimit;
    // Without a limit to pace to or a budget header to follow, there is nothing to do.
    if (!own && !spec?.limit && !spec?.remainingHeader) return undefined;
    const key = `${account.tenant}\u0000${account.id}`;
    let b = this.buckets.get(key);
    if (!b || b.own?.requests !== own?.requests || b.own?.perSeconds !== own?.perSeconds) {
      b = new Bucket(spec?.limit, own, !!spec?.remainingHeader, this.maxWaitMs, provider);
      this.buckets.set(key, b);
    }
    return b;
  }
}

/** The budget the upstream's headers report, if the spec names them. */
export function headerBudget(headers: Record<string, string>, spec: RateLimitSpec | undefined): Budget {
  const num = (name: string | undefined) => {
    const raw = name ? headers[name.toLowerCase()] : undefined;
    return raw === undefined || raw === '' ? NaN : Number(raw);
  };
  const rem = num(spec?.remainingHeader);
  const limit = num(spec?.limitHeader);
  const raw = spec?.resetHeader ? headers[spec.resetHeader.toLowerCase()] : undefined;
  let resetAtMs: number | null = null;
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    const f = spec!.resetFormat ?? 'epoch-seconds';
    const at = f === 'delta-seconds' ? Date.now() + n * 1000 : f === 'epoch-seconds' ? n * 1000 : f === 'epoch-ms' ? n : Date.parse(raw);
    resetAtMs = Number.isFinite(at) ? at : null;
  }
  return { remaining: Number.isFinite(rem) ? rem : null, resetAtMs, limit: Number.isFinite(limit) && limit > 0 ? limit : null };
}
