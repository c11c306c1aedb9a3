// The upstream client: one keep-alive undici Pool per origin behind a gate that bounds the wait for a
// connection, one total deadline per attempt (connect, headers and the whole body), and retries with exponential
// backoff and full jitter on network errors, 429, 502, 503 and 504 (plus a provider's own retryable
// statuses) — honouring Retry-After and the provider's rate-limit reset header, capped in count and in
// total time; a POST is retried only when the caller marks it idempotent. Every response, 2xx included,
// is tested against the provider's error rules (data passed in: this layer knows no provider's shapes).
// Every call can be recorded for the connection's `debug` field, with secrets redacted.
import { Pool } from 'undici';
import { setTimeout as sleep } from 'node:timers/promises';
import { readBody } from './body.js';
import { classOfStatus, GatewayError, upstreamError } from './errors.js';
import { Gate } from './gate.js';
import { headerBudget, type Bucket, type RateLimitState } from './rate-limit.js';
import { guardedLookup, isPrivateLiteralHost } from './guard.js';
import { mentionsSecret, redactSecrets, redactUrl } from './redact.js';
import { getAll, getPath, pathSegments } from './paths.js';
import type { ErrorClass, ErrorPolicy, ErrorRule, RateLimitSpec, UpstreamRequest } from './types.js';

export interface RetryOptions { maxRetries: number; baseDelayMs: number; maxDelayMs: number; maxTotalMs: number }
export interface HttpOptions {
  allowPrivateUpstreams: boolean;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** One attempt's total deadline: waiting for a connection, connecting, headers and the whole body (default 10000). */
  timeoutMs?: number;
  /** Longest wait for a free connection to an origin before GATEWAY_OVERLOADED (default 1000). */
  queueTimeoutMs?: number;
  connectionsPerOrigin: number;
  /** Most bytes read from one response body, after decoding gzip/deflate/br (default 16 MiB). */
  maxResponseBytes?: number;
  /** Most of an origin's connections one tenant's calls may hold at once, so a tenant cannot take a shared
   *  SaaS origin's whole pool (default a quarter of connectionsPerOrigin). */
  connectionsPerTenant?: number;
  retry: RetryOptions;
}

interface PoolEntry { pool: Pool; gate: Gate; tenants: Map<string, Gate> }

export interface UpstreamCall {
  method: string;
  url: string;
  status: number | null;
  durationMs: number;
  retries: number;
  responseHeaders: { name: string; value: string }[];
  nextCursor: string | null;
  isLooping: boolean;
  isEmptyResult: boolean;
  resultCount: number | null;
  /** The account's upstream budget after this call, and its wait in the account's bucket (rate-limit.ts). */
  rateLimit?: RateLimitState;
  /** Served from the gateway's page cache (a walk resuming inside a page it read moments ago): no call made. */
  fromCache: boolean;
  /** Positions in the page of records left out for want of a usable id. */
  skippedRecords: number[];
  /** A next link the gateway refused to follow (redacted). */
  refusedNextLink: string | null;
}

/** A call record before anything is known of its answer (every transport starts one). */
export function newCall(method: string, url: string): UpstreamCall {
  return { method, url, status: null, durationMs: 0, retries: 0, responseHeaders: [], nextCursor: null, isLooping: false, isEmptyResult: false, resultCount: null, fromCache: false, skippedRecords: [], refusedNextLink: null };
}

/** The call record behind a failed upstream call, so a failing `users` field can still show what it called. */
const failedCalls = new WeakMap<Error, UpstreamCall>();
export const failedCallOf = (e: unknown): UpstreamCall | undefined => (e instanceof Error ? failedCalls.get(e) : undefined);
export function withCall<E extends Error>(e: E, call: UpstreamCall): E {
  failedCalls.set(e, call);
  return e;
}

/** `bytes`: the body's decoded length, what keeping it in memory roughly costs. `echoesSecret`: the body holds one of the call's secrets (an upstream echoing a credential back). */
export interface UpstreamResponse { status: number; headers: Record<string, string>; body: any; bytes: number; call: UpstreamCall; echoesSecret: boolean }

export interface CallOptions {
  provider: string;
  /** The integrated account the call is made for, for logs. */
  accountId?: string;
  /** The tenant the call is made for: its calls to one origin share `connectionsPerTenant` slots. */
  tenant?: string;
  origin: string;
  request: UpstreamRequest;
  headers: Record<string, string>;
  secrets: readonly string[];
  rateLimit?: RateLimitSpec;
  errors?: ErrorPolicy;
  /** A POST is retried only when true; GET always is. */
  idempotent?: boolean;
  /** Fill the debug record's URL and headers (only when the client selected `debug`). */
  debug?: boolean;
  /** Form-encoded body (token endpoints); otherwise `request.body` is sent as JSON. */
  form?: Record<string, string>;
  /** The GraphQL request's signal (budget, client gone, shutdown): aborts the call, and it is not retried. Its
   *  reason, when a GatewayError, is what the call fails with. */
  signal?: AbortSignal;
  /** The account's request bucket: every attempt waits for its turn (the wait is not part of the retry budget). */
  limiter?: Bucket;
}

/** An attempt's own deadline, told apart from the caller's signal by identity. */
const DEADLINE = Symbol('deadline');

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** Decoded by body.ts under the same byte cap, so a compressed page works and a decompression bomb stops at the cap. */
const ACCEPT_ENCODING = 'gzip, deflate, br';
const DEBUG_HEADERS = /^(content-type|retry-after|link|x-?rate-?limit.*|ratelimit.*|x-request-id|request-id|x-ms-request-id)$/i;

export function buildUrl(origin: string, req: UpstreamRequest): string {
  const qs = new URLSearchParams(req.query).toString();
  return `${origin}${req.path}${qs ? `?${qs}` : ''}`;
}

/** Seconds to wait before retrying: Retry-After, else the provider's reset header (when its resetWhen holds), else
 *  the provider's default wait; undefined when none applies. */
export function waitSeconds(headers: Record<string, string>, spec?: RateLimitSpec, now = Date.now()): number | undefined {
  return namedWait(headers, spec, now) ?? spec?.defaultWaitSeconds;
}

function namedWait(headers: Record<string, string>, spec: RateLimitSpec | undefined, now: number): number | undefined {
  const ra = headers['retry-after'];
  if (ra !== undefined) {
    const secs = Number(ra);
    if (Number.isFinite(secs)) return Math.max(0, secs);
    const at = Date.parse(ra);
    if (!Number.isNaN(at)) return Math.max(0, (at - now) / 1000);
  }
  const counts = !spec?.resetWhen || headers[spec.resetWhen.header.toLowerCase()] === spec.resetWhen.equals;
  const reset = spec?.resetHeader && counts ? headers[spec.resetHeader.toLowerCase()] : undefined;
  if (reset !== undefined && reset !== '') {
    const n = Number(reset);
    const format = spec!.resetFormat ?? 'epoch-seconds';
    if (format === 'delta-seconds') return Math.max(0, Number.isFinite(n) ? n : 0);
    const at = format === 'epoch-seconds' ? n * 1000 : format === 'epoch-ms' ? n : Date.parse(reset);
    if (Number.isFinite(at)) return Math.max(0, (at - now) / 1000);
  }
  return undefined;
}

function describeBody(body: any, extract?: (b: any) => string | undefined): string | undefined {
  if (body == null) return undefined;
  if (typeof body === 'string') return body.trim() || undefined;
  const found = extract?.(body);
  return typeof found === 'string' && found ? found : undefined;
}

/**
 * The first rule that matches the response, if any. A path with a `*` segment tests every element it
 * reaches and matches when any one does ('errors.*.extensions.code': a rate limit need not be the first error).
 */
export function matchRule(rules: readonly ErrorRule[] | undefined, status: number, headers: Record<string, string>, body: unknown): ErrorClass | undefined {
  return matchingRule(rules, status, headers, body)?.as;
}

/** The first rule that matches the response (its class and hint), if any. */
export function matchingRule(rules: readonly ErrorRule[] | undefined, status: number, headers: Record<string, string>, body: unknown): ErrorRule | undefined {
  for (const rule of rules ?? []) {
    const { when } = rule;
    if (when.status && !when.status.includes(status)) continue;
    const probed = when.path !== undefined || when.header !== undefined;
    if (probed) {
      const isHeader = when.path === undefined;
      const found = isHeader ? [headers[when.header!.toLowerCase()]] : pathSegments(when.path!).includes('*') ? getAll(body, when.path!) : [getPath(body, when.path!)];
      const present = found.filter((v) => v !== undefined && v !== null);
      const same = (x: unknown, v: unknown) => (isHeader ? String(x) === v : x === v);
      const test = (v: unknown) =>
        (when.equals === undefined || same(when.equals, v)) &&
        (when.in === undefined || when.in.some((x) => same(x, v))) &&
        (when.contains === undefined || (typeof v === 'string' && v.toLowerCase().includes(when.contains.toLowerCase())));
      if (when.exists !== undefined && (present.length > 0) !== when.exists) continue;
      const valued = when.equals !== undefined || when.in !== undefined || when.contains !== undefined;
      if (valued && !present.some(test)) continue;
      if (when.exists === undefined && !valued && !present.length) continue;
    } else if (!when.status) continue; // a rule with no condition would match everything: never
    return rule;
  }
  return undefined;
}

export class UpstreamClient {
  private readonly pools = new Map<string, PoolEntry>();
  private readonly timeoutMs: number;
  private readonly queueTimeoutMs: number;
  private readonly perTenant: number;
  private readonly maxResponseBytes: number;
  constructor(readonly options: HttpOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.queueTimeoutMs = options.queueTimeoutMs ?? 1_000;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.perTenant = Math.min(options.connectionsPerOrigin, options.connectionsPerTenant ?? Math.max(1, Math.ceil(options.connectionsPerOrigin / 4)));
  }

  /** The tenant's own gate toward an origin, made on first use and dropped once idle. */
  private async tenantSlot(entry: PoolEntry, tenant: string, provider: string, signal: AbortSignal, deadlineMs: number): Promise<() => void> {
    let gate = entry.tenants.get(tenant);
    if (!gate) entry.tenants.set(tenant, (gate = new Gate(this.perTenant)));
    const g = gate;
    // A fairness bound, not load shedding (admission does that): a tenant's calls queue behind its own share
    // for most of the attempt's deadline, leaving http.queueTimeoutMs for the origin's pool.
    const waitMs = Math.max(this.queueTimeoutMs, deadlineMs - this.queueTimeoutMs);
    try {
      const waiting = g.acquire(waitMs, () => tenantOverloaded(provider, this.perTenant, waitMs), signal);
      if (waiting) await waiting;
    } catch (e) {
      if (g.idle) entry.tenants.delete(tenant);
      throw e;
    }
    return () => {
      g.release();
      if (g.idle) entry.tenants.delete(tenant);
    };
  }

  private pool(origin: string, provider: string): PoolEntry {
    const known = this.pools.get(origin);
    if (known) return known;
    const url = new URL(origin);
    if (!this.options.allowPrivateUpstreams && isPrivateLiteralHost(url.hostname)) throw privateRefused(provider, url.hostname);
    const pool = new Pool(url.origin, {
      connections: this.options.connectionsPerOrigin,
      connect: {
        timeout: this.options.connectTimeoutMs,
        ...(this.options.allowPrivateUpstreams ? {} : { lookup: guardedLookup }),
      },
      headersTimeout: this.options.headersTimeoutMs,
      bodyTimeout: this.options.bodyTimeoutMs,
      keepAliveTimeout: 30_000,
    });
    const entry: PoolEntry = { pool, gate: new Gate(this.options.connectionsPerOrigin), tenants: new Map() };
    this.pools.set(origin, entry);
    return entry;
  }

  /** Runs a call another transport makes (engine/ldap.ts) past what observes this client's calls (upstream-log.ts). */
  observe(_opts: CallOptions, run: () => Promise<UpstreamResponse>): Promise<UpstreamResponse> {
    return run();
  }

  async call(opts: CallOptions): Promise<UpstreamResponse> {
    const { retry } = this.options;
    const url = buildUrl(opts.origin, opts.request);
    let started = performance.now();
    const entry = this.pool(new URL(opts.origin).origin, opts.provider);
    const { pool, gate } = entry;
    const outer = opts.signal;
    const requestPath = url.slice(new URL(opts.origin).origin.length) || '/';
    const headers: Record<string, string> = { accept: 'application/json', 'accept-encoding': ACCEPT_ENCODING, 'user-agent': 'rollcall/0.1 (+unified users gateway)', ...opts.headers };
    let body: string | undefined;
    if (opts.form) {
      body = new URLSearchParams(opts.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (opts.request.body !== undefined) {
      body = JSON.stringify(opts.request.body);
      headers['content-type'] = 'application/json';
    }

    const retriable = opts.request.method === 'GET' || opts.idempotent === true;
    let waitedMs = 0;
    let ticket = 0;
    const turn = async () => {
      try {
        const t = await opts.limiter!.take(outer);
        waitedMs += t.waitedMs;
        ticket = t.ticket;
      } catch (e) {
        throw withCall(outer?.aborted ? stopped(opts.provider, outer.reason) : (e as Error), call);
      }
    };
    const unsendable = unsendableReason(opts.request.path, requestPath, headers);
    const call = newCall(opts.request.method, opts.debug && !unsendable ? redactUrl(url, opts.secrets) : '');
    const finish = () => {
      call.durationMs = Math.round((performance.now() - started) * 100) / 100;
    };
    // undici refuses such a request itself, but leaks a pool slot each time (7.x): it is never handed over.
    if (unsendable) throw withCall(new GatewayError('UPSTREAM_BAD_RESPONSE', `${opts.provider}: the gateway refused to send a request with ${unsendable}. The upstream's paging link or the account's credentials are malformed; check the account.`, { provider: opts.provider }), call);

    if (opts.limiter) {
      await turn();
      started += waitedMs;
    }
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0 && opts.limiter) await turn();
      let status: number;
      let resHeaders: Record<string, string>;
      let text: string;
      // Each attempt may only use what is left of the retry budget, so one call never outlives it by much.
      const left = Math.max(1_000, retry.maxTotalMs - (performance.now() - started));
      const deadlineMs = Math.min(this.timeoutMs, left);
      // undici's headersTimeout and bodyTimeout measure gaps (a body trickling a byte a second never trips
      // bodyTimeout): this signal is the attempt's total deadline, and it destroys the body mid-read too.
      // A controller and a cleared timer rather than AbortSignal.timeout: no timer outlives a fast call.
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(DEADLINE), deadlineMs);
      const onOuter = () => ctl.abort(outer!.reason);
      outer?.addEventListener('abort', onOuter, { once: true });
      try {
        if (outer?.aborted) throw outer.reason;
        const releaseTenant = opts.tenant === undefined ? undefined : await this.tenantSlot(entry, opts.tenant, opts.provider, ctl.signal, deadlineMs);
        try {
          const waiting = gate.acquire(this.queueTimeoutMs, () => overloaded(opts.provider, this.options.connectionsPerOrigin, this.queueTimeoutMs), ctl.signal);
          if (waiting) await waiting;
        } catch (e) {
          releaseTenant?.();
          throw e;
        }
        try {
          const res = await pool.request({
            method: opts.request.method,
            path: requestPath,
            headers,
            body,
            signal: ctl.signal,
            headersTimeout: Math.min(this.options.headersTimeoutMs, left),
            bodyTimeout: Math.min(this.options.bodyTimeoutMs, left),
          });
          status = res.statusCode;
          resHeaders = flattenHeaders(res.headers);
          text = await readBody(res.body, resHeaders, this.maxResponseBytes, opts.provider);
        } finally {
          gate.release();
          releaseTenant?.();
        }
      } catch (err: any) {
        finish();
        opts.limiter?.observe(null, ticket);
        if (outer?.aborted) throw withCall(stopped(opts.provider, outer.reason), call);
        // Load shed, a body over the cap or one that does not decode: the same answer again, so not retried.
        if (err instanceof GatewayError) throw withCall(err, call);
        if (err?.code === 'EPRIVATEUPSTREAM' || err?.cause?.code === 'EPRIVATEUPSTREAM') throw privateRefused(opts.provider, new URL(opts.origin).hostname);
        // A request the client refused to send would be refused again: never retried.
        if (err?.code === 'UND_ERR_INVALID_ARG') throw withCall(new GatewayError('UPSTREAM_BAD_RESPONSE', `${opts.provider}: the HTTP client refused to send the request. Check the account's base URL and credentials.`, { provider: opts.provider }), call);
        const timedOut = ctl.signal.aborted && ctl.signal.reason === DEADLINE;
        const delay = retriable ? this.backoff(attempt, undefined, started) : undefined;
        if (delay === undefined) {
          const why = timedOut
            ? `did not answer within the ${deadlineMs} ms deadline for connect, headers and body together (http.timeoutMs). Retry later; raise http.timeoutMs if this upstream is known to be slow`
            : `could not be reached (${networkReason(err)}). Retry later, or check the account's base URL`;
          throw withCall(new GatewayError('UPSTREAM_UNAVAILABLE', `${opts.provider} ${why}.`, { provider: opts.provider }), call);
        }
        call.retries++;
        await this.pause(delay, opts.provider, call, outer);
        continue;
      } finally {
        clearTimeout(timer);
        outer?.removeEventListener('abort', onOuter);
      }
      call.status = status;
      if (opts.limiter || opts.rateLimit?.remainingHeader) {
        const budget = headerBudget(resHeaders, opts.rateLimit);
        opts.limiter?.observe(budget, ticket);
        call.rateLimit = { remaining: budget.remaining, resetAt: budget.resetAtMs === null ? null : new Date(budget.resetAtMs).toISOString(), waitedMs: Math.round(waitedMs) };
      }
      if (opts.debug)
        call.responseHeaders = Object.entries(resHeaders)
          .filter(([k]) => DEBUG_HEADERS.test(k))
          .map(([name, value]) => ({ name, value: redactSecrets(value, opts.secrets) }));

      const ok = status >= 200 && status < 300;
      let parsed: any = text;
      try {
        parsed = text.length ? JSON.parse(text) : null;
      } catch {
        if (ok) {
          finish();
          throw withCall(new GatewayError('UPSTREAM_BAD_RESPONSE', `${opts.provider} answered ${status} with a body that is not valid JSON. The upstream may be misconfigured or behind a proxy; check the account's base URL.`, { provider: opts.provider, upstreamStatus: status }), call);
        }
      }
      const rule = matchingRule(opts.errors?.rules, status, resHeaders, parsed);
      const ruled = rule?.as;
      if (ok && !ruled) {
        finish();
        return { status, headers: resHeaders, body: parsed, bytes: text.length, call, echoesSecret: mentionsSecret(text, opts.secrets) };
      }
      const cls = ruled ?? classOfStatus(status);
      // The reset header says when the rate-limit window reopens: it only matters for a rate limit.
      const wait = waitSeconds(resHeaders, cls === 'RATE_LIMITED' ? opts.rateLimit : undefined);
      const retryable = (opts.errors?.retryable ?? []).includes(status) || (ruled ? ruled === 'RATE_LIMITED' || ruled === 'UNAVAILABLE' : RETRYABLE_STATUS.has(status));
      if (retryable && retriable) {
        const delay = this.backoff(attempt, wait, started);
        if (delay !== undefined) {
          call.retries++;
          await this.pause(delay, opts.provider, call, outer);
          continue;
        }
      }
      finish();
      const detail = describeBody(parsed, opts.errors?.message);
      // Redact the whole text before shortening it, so a cut can never split a secret past the redactor.
      const said = detail ? redactSecrets(detail, opts.secrets).slice(0, 300) : undefined;
      throw withCall(upstreamError(opts.provider, cls, status, said, retryAfterOf(cls, wait), rule?.hint), call);
    }
  }

  /** Waits before a retry; the caller's signal cuts the wait short (and ends the call). */
  private async pause(ms: number, provider: string, call: UpstreamCall, signal?: AbortSignal): Promise<void> {
    try {
      await sleep(ms, undefined, signal ? { signal } : undefined);
    } catch {
      throw withCall(stopped(provider, signal?.reason), call);
    }
  }

  /** Milliseconds to wait before the next attempt, or undefined when retries are exhausted. */
  private backoff(attempt: number, waitSecs: number | undefined, started: number): number | undefined {
    const { maxRetries, maxDelayMs, maxTotalMs } = this.options.retry;
    if (attempt >= maxRetries) return undefined;
    const delay = retryDelay(attempt, waitSecs, this.options.retry);
    // A client is waiting on this request: an upstream asking for a longer pause than one backoff step
    // gets an immediate UPSTREAM_RATE_LIMITED with retryAfter, and the caller decides.
    if (delay > maxDelayMs) return undefined;
    const elapsed = performance.now() - started;
    if (elapsed + delay > maxTotalMs) return undefined;
    return delay;
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.pool.close()));
    this.pools.clear();
  }
}

/**
 * The pause before retry `attempt` (0-based): "equal jitter" (AWS architecture blog), uniform in [step/2, step]
 * with step = min(maxDelayMs, baseDelayMs * 2^attempt), so a retry is never immediate; a wait the upstream
 * named (Retry-After, a rate-limit reset) is honoured when longer. A wait of zero or one already past (clock
 * skew) is no wait at all: the jittered backoff applies.
 */
export function retryDelay(attempt: number, waitSecs: number | undefined, retry: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>, random = Math.random): number {
  const step = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
  const jittered = step / 2 + (random() * step) / 2;
  return Math.max(jittered, (waitSecs ?? 0) * 1000);
}

/** The retryAfter a client is told: whole seconds, never below 1 (a rate limit naming no wait gets 1). */
export function retryAfterOf(cls: string, waitSecs: number | undefined): number | undefined {
  if (waitSecs === undefined && cls !== 'RATE_LIMITED') return undefined;
  return Math.max(1, Math.ceil(waitSecs ?? 1));
}

/** Request-target (origin-form only: an absolute-form target would go to a forward proxy as another host) and
 *  header bytes undici accepts, or what is wrong with them. */
const ORIGIN_FORM = /^\/(?!\/)[\x21-\x7e]*$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
function unsendableReason(path: string, target: string, headers: Record<string, string>): string | undefined {
  if (!ORIGIN_FORM.test(path) || !ORIGIN_FORM.test(target)) return 'a path that is not an absolute path on the account\'s base URL';
  for (const [k, v] of Object.entries(headers)) if (!HEADER_NAME.test(k) || typeof v !== 'string' || !HEADER_VALUE.test(v)) return `a malformed \`${HEADER_NAME.test(k) ? k : 'header'}\` header value`;
  return undefined;
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function networkReason(err: any): string {
  const code = err?.code ?? err?.cause?.code;
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect timeout';
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return 'timed out waiting for response headers';
  if (code === 'UND_ERR_BODY_TIMEOUT') return 'timed out reading the response body';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'host not found';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  return code ? String(code) : 'network error';
}

/** The call stopped by the caller's signal: its reason when it is a GatewayError (budget spent, shutdown), a fresh
 *  one per call so each keeps its own call record. */
export function stopped(provider: string, reason: unknown): GatewayError {
  if (reason instanceof GatewayError) {
    const { code: _code, ...ext } = reason.extensions as Record<string, unknown>;
    return new GatewayError(reason.code, `${provider}: ${reason.message}`, { ...ext, provider });
  }
  return new GatewayError('UPSTREAM_UNAVAILABLE', `The call to ${provider} was stopped because the request ended. Retry the request.`, { provider });
}

function tenantOverloaded(provider: string, connections: number, waitedMs: number): GatewayError {
  return new GatewayError('GATEWAY_OVERLOADED', `The gateway is overloaded for this tenant: its ${connections} connections to ${provider} (http.connectionsPerTenant) stayed busy for ${waitedMs} ms. Retry after 1 second, or send fewer lookups at once.`, { provider, retryAfter: 1 });
}

function overloaded(provider: string, connections: number, waitedMs: number): GatewayError {
  return new GatewayError('GATEWAY_OVERLOADED', `The gateway is overloaded: all ${connections} connections to ${provider} stayed busy for ${waitedMs} ms (http.queueTimeoutMs). Retry after 1 second.`, { provider, retryAfter: 1 });
}

/** The host stays out of the message (tenants read it); the logging client logs it for operators. */
function privateRefused(provider: string, _host: string): GatewayError {
  return new GatewayError('PRIVATE_UPSTREAM_REFUSED', `${provider}: the account's upstream host is on a loopback or private network, which this gateway refuses. Ask the operator (the gateway's log names the host), or set "allowPrivateUpstreams": true in the config if this is intended.`, { provider });
}
