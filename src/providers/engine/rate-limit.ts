// Per-account request pacing, so many clients on one account share its upstream rate limit instead of
// discovering it through 429s. Each integrated account gets a bucket from the provider's documented limit
// (spec `rateLimit.limit`) or the account's own (`integratedAccounts[].rateLimit`); every upstream attempt
// takes a slot first, in arrival order. The bucket is GCRA (a token bucket kept as one "theoretical arrival
// time"): a burst of B, then one slot every W/(L−B) — so any window of W holds at most L requests, whether the
// upstream counts in fixed or sliding windows. A caller that would wait longer than `maxWaitMs` is refused at
// once with UPSTREAM_RATE_LIMITED and retryAfter. When the upstream reports its budget (remaining, reset),
// the bucket follows it: remaining 0 holds every caller until the reset.
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

export class Bucket {
  private readonly interval: number;
  private readonly tolerance: number;
  /** Theoretical arrival time of the next slot (ms, performance clock). */
  private tat = 0;
  constructor(readonly limit: Limit, private readonly maxWaitMs: number, private readonly provider: string) {
    const burst = Math.max(1, Math.floor(limit.requests / 20));
    const paced = Math.max(1, limit.requests - burst);
    this.interval = (limit.perSeconds * 1000) / paced;
    this.tolerance = (burst - 1) * this.interval;
  }

  /** Waits for this caller's slot; resolves with the milliseconds waited. */
  async take(signal?: AbortSignal): Promise<number> {
    const now = performance.now();
    const tat = Math.max(this.tat, now);
    const wait = Math.max(0, tat - this.tolerance - now);
    if (wait > this.maxWaitMs)
      throw new GatewayError(
        'UPSTREAM_RATE_LIMITED',
        `${this.provider}: this account's requests are queued beyond ${this.maxWaitMs} ms (${this.limit.requests} per ${this.limit.perSeconds} s, limits.rateLimitWaitMs). Retry after ${Math.ceil(wait / 1000)} seconds, or send fewer requests at once.`,
        { provider: this.provider, retryAfter: Math.ceil(wait / 1000) },
      );
    this.tat = tat + this.interval;
    if (wait > 0) await sleep(wait, undefined, signal ? { signal } : undefined);
    return wait;
  }

  /** Follows the upstream's own count: with nothing left, no slot opens before its reset. */
  observe(remaining: number | null, resetAtMs: number | null): void {
    if (remaining === 0 && resetAtMs !== null) {
      const at = performance.now() + Math.max(0, resetAtMs - Date.now());
      this.tat = Math.max(this.tat, at + this.tolerance);
    }
  }
}

/** One bucket per integrated account (tenant and id), made on first use. */
export class RateLimits {
  private readonly buckets = new Map<string, Bucket>();
  constructor(private readonly maxWaitMs: number) {}

  for(account: { tenant: string; id: string; rateLimit?: Limit }, provider: string, spec: RateLimitSpec | undefined): Bucket | undefined {
    const limit = account.rateLimit ?? spec?.limit;
    if (!limit) return undefined;
    const key = `${account.tenant}\u0000${account.id}`;
    let b = this.buckets.get(key);
    if (!b || b.limit.requests !== limit.requests || b.limit.perSeconds !== limit.perSeconds) {
      b = new Bucket(limit, this.maxWaitMs, provider);
      this.buckets.set(key, b);
    }
    return b;
  }
}

/** The budget the upstream's headers report, if the spec names them. */
export function headerBudget(headers: Record<string, string>, spec: RateLimitSpec | undefined): { remaining: number | null; resetAtMs: number | null } {
  const rem = spec?.remainingHeader ? Number(headers[spec.remainingHeader.toLowerCase()]) : NaN;
  const raw = spec?.resetHeader ? headers[spec.resetHeader.toLowerCase()] : undefined;
  let resetAtMs: number | null = null;
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    const f = spec!.resetFormat ?? 'epoch-seconds';
    const at = f === 'delta-seconds' ? Date.now() + n * 1000 : f === 'epoch-seconds' ? n * 1000 : f === 'epoch-ms' ? n : Date.parse(raw);
    resetAtMs = Number.isFinite(at) ? at : null;
  }
  return { remaining: Number.isFinite(rem) ? rem : null, resetAtMs };
}
