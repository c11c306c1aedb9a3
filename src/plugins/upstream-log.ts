// Upstream calls at debug level: method, redacted URL, status, duration and retries, tagged with the
// account (and, through the logger, the request and tenant). Wraps the client rather than the engine so
// every call is seen — list pages, joins, lookups — whether or not the client selected `debug`.
import type { Logger } from '../logger.js';
import { requestContext } from '../logger.js';
import { GatewayError } from '../providers/engine/errors.js';
import { buildUrl, UpstreamClient, type CallOptions, type HttpOptions, type UpstreamResponse } from '../providers/engine/http.js';
import { redactUrl } from '../providers/engine/redact.js';

export class LoggingUpstreamClient extends UpstreamClient {
  constructor(options: HttpOptions, private readonly logger: Logger) {
    super(options);
  }

  override call(opts: CallOptions): Promise<UpstreamResponse> {
    return this.observe(opts, () => super.call(opts));
  }

  /** Every upstream call, HTTP or LDAP (a search is logged as SEARCH with its query: base DN, filter, attributes). */
  override async observe(opts: CallOptions, run: () => Promise<UpstreamResponse>): Promise<UpstreamResponse> {
    if (opts.accountId) requestContext.getStore()?.accounts.add(opts.accountId);
    if (!this.logger.isLevelEnabled('debug')) return run().catch((e) => Promise.reject(this.noteRefusal(opts, e)));
    const started = performance.now();
    const method = /^ldaps?:/.test(opts.origin) ? 'SEARCH' : opts.request.method;
    const line = { provider: opts.provider, accountId: opts.accountId, method, url: redactUrl(buildUrl(opts.origin, opts.request), opts.secrets) };
    try {
      const res = await run();
      this.logger.debug({ ...line, status: res.call.status, durationMs: res.call.durationMs, retries: res.call.retries }, 'upstream call');
      return res;
    } catch (e) {
      const status = e instanceof GatewayError ? (e.extensions.upstreamStatus ?? null) : null;
      const code = e instanceof GatewayError ? e.code : 'INTERNAL';
      this.logger.debug({ ...line, status, durationMs: Math.round((performance.now() - started) * 100) / 100, code }, 'upstream call failed');
      throw this.noteRefusal(opts, e);
    }
  }

  /** A private upstream refused: the tenant's message leaves the host out, the operator's log names it. */
  private noteRefusal(opts: CallOptions, e: unknown): unknown {
    if (e instanceof GatewayError && e.code === 'PRIVATE_UPSTREAM_REFUSED')
      this.logger.warn({ provider: opts.provider, accountId: opts.accountId, host: new URL(opts.origin).hostname }, 'private upstream refused');
    return e;
  }
}
