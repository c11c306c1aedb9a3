// Admission of GraphQL requests: at most `maxInFlightPerTenant` running per tenant (past it, GATEWAY_OVERLOADED at
// once, so one tenant's burst neither queues behind the upstream pool nor starves the others), and each admitted
// request gets one signal that aborts its upstream calls when its budget runs out, its client goes away, or the
// gateway shuts down.
import type { Plugin } from 'graphql-yoga';
import { GatewayError } from '../providers/engine/errors.js';

export interface AdmissionOptions { maxInFlightPerTenant: number; requestTimeoutMs: number }

interface Admitted { tenant: string; ctl: AbortController; timer: NodeJS.Timeout; request: Request; onClientGone: () => void }

/** Seconds a refused client is told to wait: in-flight requests end within their budget, most far sooner. */
const RETRY_AFTER_SECONDS = 1;

export class Admission {
  private readonly inFlight = new Map<string, number>();
  private readonly live = new Map<Request, Admitted>();
  constructor(readonly options: AdmissionOptions) {}

  /** Requests of `tenant` running now. */
  running(tenant: string): number {
    return this.inFlight.get(tenant) ?? 0;
  }

  /** Admits a request of `tenant` (or throws GATEWAY_OVERLOADED) and returns the signal for its upstream calls. */
  admit(tenant: string, request: Request): AbortSignal {
    const { maxInFlightPerTenant: max, requestTimeoutMs } = this.options;
    const n = this.running(tenant);
    if (n >= max)
      throw new GatewayError(
        'GATEWAY_OVERLOADED',
        `This tenant already has ${max} requests running (limits.maxInFlightPerTenant). Retry after ${RETRY_AFTER_SECONDS} second, or send fewer requests at once.`,
        { retryAfter: RETRY_AFTER_SECONDS },
        { status: 429, headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } },
      );
    this.inFlight.set(tenant, n + 1);
    const ctl = new AbortController();
    const budget = new GatewayError('UPSTREAM_UNAVAILABLE', `the request's time budget of ${requestTimeoutMs} ms (limits.requestTimeoutMs) ran out, so its upstream calls were stopped. Ask for fewer items or fields, or retry later.`);
    const timer = setTimeout(() => ctl.abort(budget), requestTimeoutMs);
    const onClientGone = () => ctl.abort(new GatewayError('UPSTREAM_UNAVAILABLE', 'the client disconnected, so its upstream calls were stopped.'));
    request.signal?.addEventListener('abort', onClientGone, { once: true });
    if (request.signal?.aborted) onClientGone();
    this.live.set(request, { tenant, ctl, timer, request, onClientGone });
    return ctl.signal;
  }

  /** Frees the request's slot; safe to call for a request never admitted, or twice. */
  release(request: Request): void {
    const a = this.live.get(request);
    if (!a) return;
    this.live.delete(request);
    clearTimeout(a.timer);
    a.request.signal?.removeEventListener('abort', a.onClientGone);
    const n = this.running(a.tenant) - 1;
    if (n > 0) this.inFlight.set(a.tenant, n);
    else this.inFlight.delete(a.tenant);
  }

  /** Shutdown's deadline: stops the upstream calls of every request still running. */
  abortAll(): void {
    const reason = new GatewayError('UPSTREAM_UNAVAILABLE', 'the gateway is shutting down, so its upstream calls were stopped. Retry the request.');
    for (const a of this.live.values()) a.ctl.abort(reason);
  }

  /** Releases each request's slot once its response is ready (a refused request never held one). */
  plugin(): Plugin {
    return { onResponse: ({ request }) => this.release(request) };
  }
}
