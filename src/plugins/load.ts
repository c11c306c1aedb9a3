// Admission of GraphQL requests: at most `maxInFlightPerTenant` running per tenant (past it, GATEWAY_OVERLOADED at
// once, so one tenant's burst neither queues behind the upstream pool nor starves the others), and each admitted
// request gets one signal that aborts its upstream calls when its budget runs out, its client goes away, or the
// gateway shuts down.
import type { Plugin } from 'graphql-yoga';
import { GatewayError } from '../providers/engine/errors.js';

export interface AdmissionOptions {
  maxInFlightPerTenant: number;
  requestTimeoutMs: number;
  /** Budget of a streamed response (@stream/@defer), from its start; it keeps its slot until it ends. */
  streamTimeoutMs?: number;
}

/** What admission needs of a request: an identity, and the signal that says its client went away. */
export interface AdmittedRequest { readonly signal?: AbortSignal | null }

interface Admitted { tenant: string; ctl: AbortController; timer: NodeJS.Timeout; request: AdmittedRequest; onClientGone: () => void; started: number; streaming?: boolean }

/** Seconds a refused client is told to wait: in-flight requests end within their budget, most far sooner. */
const RETRY_AFTER_SECONDS = 1;

export class Admission {
  private readonly inFlight = new Map<string, number>();
  private readonly live = new Map<AdmittedRequest, Admitted>();
  constructor(readonly options: AdmissionOptions) {}

  /** Requests of `tenant` running now. */
  running(tenant: string): number {
    return this.inFlight.get(tenant) ?? 0;
  }

  /** Admits a request of `tenant` (or throws GATEWAY_OVERLOADED) and returns the signal for its upstream calls. */
  admit(tenant: string, request: AdmittedRequest): AbortSignal {
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
    // The reason is made when the budget runs out: an error per request would cost a stack trace each.
    const timer = setTimeout(() => ctl.abort(new GatewayError('UPSTREAM_UNAVAILABLE', `the request's time budget of ${requestTimeoutMs} ms (limits.requestTimeoutMs) ran out, so its upstream calls were stopped. Ask for fewer items or fields, or retry later.`)), requestTimeoutMs);
    const onClientGone = () => {
      ctl.abort(new GatewayError('UPSTREAM_UNAVAILABLE', 'the client disconnected, so its upstream calls were stopped.'));
      if (this.live.get(request)?.streaming) this.release(request);
    };
    request.signal?.addEventListener('abort', onClientGone, { once: true });
    if (request.signal?.aborted) onClientGone();
    this.live.set(request, { tenant, ctl, timer, request, onClientGone, started: performance.now() });
    return ctl.signal;
  }

  /** Frees the request's slot; safe to call for a request never admitted, or twice. */
  release(request: AdmittedRequest): void {
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

  /** A streamed response keeps its slot (and its signal) until its last payload, within streamTimeoutMs. */
  streaming(request: AdmittedRequest): void {
    const a = this.live.get(request);
    if (!a || a.streaming) return;
    a.streaming = true;
    clearTimeout(a.timer);
    const ms = this.options.streamTimeoutMs ?? 600_000;
    const budget = new GatewayError('UPSTREAM_UNAVAILABLE', `the streamed response's time budget of ${ms} ms (limits.streamTimeoutMs) ran out, so it was stopped. Continue from the last cursor received, or raise the limit.`);
    a.timer = setTimeout(() => a.ctl.abort(budget), Math.max(0, ms - (performance.now() - a.started)));
  }

  /** Releases each request's slot once its response is ready, or a streamed one once it ends (a refused request never held one). */
  plugin(): Plugin {
    return {
      onExecute: ({ args }) => ({
        onExecuteDone: ({ result }) => {
          const request = (args.contextValue as { request?: Request }).request;
          if (!request || !(Symbol.asyncIterator in result)) return;
          this.streaming(request);
          return { onEnd: () => this.release(request) };
        },
      }),
      onResponse: ({ request }) => {
        if (!this.live.get(request)?.streaming) this.release(request);
      },
    };
  }
}
