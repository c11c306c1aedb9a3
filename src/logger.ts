// Structured logs (pino), one JSON object per line. Every line goes through the secret redactor first, so
// a credential that slipped into an error message still never reaches a log. Lines written while a request
// is handled carry its request id and tenant (from an AsyncLocalStorage the request plugin fills).
import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';
import pino, { type DestinationStream, type Logger } from 'pino';
import { redactSecrets } from './providers/engine/redact.js';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** What the log knows about the request being handled. */
export interface RequestLogContext {
  reqId: string;
  tenant?: string;
  /** Integrated accounts the request reached upstream, for its summary line. */
  accounts: Set<string>;
}
export const requestContext = new AsyncLocalStorage<RequestLogContext>();

export function createLogger(secrets: () => readonly string[], destination?: DestinationStream, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      base: { service: 'rollcall' },
      redact: { paths: ['*.authorization', '*.credentials', '*.apiToken', '*.apiKey', '*.password'], censor: '[REDACTED]' },
      mixin: () => {
        const c = requestContext.getStore();
        return c ? { reqId: c.reqId, ...(c.tenant ? { tenant: c.tenant } : {}) } : {};
      },
      hooks: {
        streamWrite: (line) => redactSecrets(line, secrets()),
      },
    },
    // Asynchronous writes: lines queue while one is written (one syscall for many under load); pino flushes at exit.
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/**
 * Routes `console.*` through the logger, so a library that prints (graphql-jit's "Scalar with variable
 * inputs…" warning) still yields JSON lines, scrubbed and tagged with the request. Libraries print
 * warnings with console.error too, so it maps to warn: error stays for what the gateway itself judges one.
 */
export function routeConsole(logger: Logger): void {
  const to = (level: 'debug' | 'info' | 'warn' | 'error') => (...args: unknown[]) => logger[level]({ source: 'console' }, format(...args));
  console.log = to('info');
  console.info = to('info');
  console.debug = to('debug');
  console.warn = to('warn');
  console.error = to('warn');
}

/** yoga's own log calls, routed into our JSON logger (an Error logs its message, never its stack). */
export function yogaLogging(logger: Logger) {
  return {
    debug: (...a: unknown[]) => logger.debug(a.map(String).join(' ')),
    info: (...a: unknown[]) => logger.info(a.map(String).join(' ')),
    warn: (...a: unknown[]) => logger.warn(a.map(String).join(' ')),
    error: (...a: unknown[]) => logger.error(a.map((x) => (x instanceof Error ? x.message : String(x))).join(' ')),
  };
}
