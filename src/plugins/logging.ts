// Logging plugins: one line per request, one per GraphQL error. Never headers, variables or secrets.
// Each request runs inside a log context (request id, tenant once known), so every line it causes —
// upstream calls, errors, a library's console output — carries them.
import { randomUUID } from 'node:crypto';
import { getOperationAST, Kind, type DocumentNode, type GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { requestContext, type Logger, type RequestLogContext } from '../logger.js';
import { GatewayError } from '../providers/engine/errors.js';

/** A caller's own `X-Request-Id` is kept when it is short and plain; otherwise the gateway makes one. */
export function requestIdOf(given: string | null | undefined): string {
  return given && /^[A-Za-z0-9._:-]{1,64}$/.test(given) ? given : randomUUID();
}

/** Runs each request inside its log context and echoes the request id in `X-Request-Id`. */
function useRequestContext(): Plugin {
  const contexts = new WeakMap<Request, RequestLogContext>();
  return {
    instrumentation: {
      request: ({ request }, wrapped) => {
        const ctx: RequestLogContext = { reqId: requestIdOf(request.headers.get('x-request-id')), accounts: new Set() };
        contexts.set(request, ctx);
        return requestContext.run(ctx, wrapped);
      },
    },
    onResponse: ({ request, response }) => {
      const ctx = contexts.get(request);
      if (ctx) response.headers.set('x-request-id', ctx.reqId);
    },
  };
}

/** One log line per HTTP request: method, path, operation, status, duration and the accounts it reached. */
function useRequestLog(logger: Logger): Plugin {
  const seen = new WeakMap<Request, { started: number; operation?: string | null; ctx?: RequestLogContext }>();
  return {
    onRequest: ({ request }) => void seen.set(request, { started: performance.now(), ctx: requestContext.getStore() }),
    onExecute: ({ args }) => {
      const entry = seen.get((args.contextValue as { request: Request }).request);
      if (entry) entry.operation = getOperationAST(args.document, args.operationName)?.name?.value ?? null;
    },
    onResponse: ({ request, response }) => {
      const entry = seen.get(request);
      if (!entry) return;
      logRequest(logger, entry.ctx, { method: request.method, path: new URL(request.url).pathname, operation: entry.operation, status: response.status, started: entry.started });
    },
  };
}

/** The request's summary line (written with its context explicitly: a response may end outside it). */
export function logRequest(logger: Logger, ctx: RequestLogContext | undefined, r: { method: string; path: string; operation?: string | null; status: number; started: number }): void {
  const durationMs = Math.round((performance.now() - r.started) * 10) / 10;
  const who = ctx ? { reqId: ctx.reqId, ...(ctx.tenant ? { tenant: ctx.tenant } : {}), ...(ctx.accounts.size ? { accountIds: [...ctx.accounts] } : {}) } : {};
  summaryLogger(logger).info({ ...who, method: r.method, path: r.path, operation: r.operation, status: r.status, durationMs }, 'request');
}

const summaries = new WeakMap<Logger, Logger>();
/**
 * The logger for summary lines: their fields are fixed and hold no credential objects, so it skips the
 * key-path redaction (a walk of every key, most of a line's cost; one per request). The secret values are
 * still scrubbed from the written line, as from every line (logger.ts).
 */
function summaryLogger(logger: Logger): Logger {
  let summary = summaries.get(logger);
  if (!summary) summaries.set(logger, (summary = logger.child({}, { redact: [] })));
  return summary;
}

/** The `integratedAccountId` argument of the top-level field an error's path starts at, where it has one. */
function accountOfError(document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | undefined, error: GraphQLError): string | undefined {
  const key = error.path?.[0];
  if (typeof key !== 'string') return undefined;
  const op = getOperationAST(document, operationName);
  for (const sel of op?.selectionSet.selections ?? []) {
    if (sel.kind !== Kind.FIELD || (sel.alias?.value ?? sel.name.value) !== key) continue;
    const arg = sel.arguments?.find((a) => a.name.value === 'integratedAccountId')?.value;
    if (arg?.kind === Kind.STRING) return arg.value;
    if (arg?.kind === Kind.VARIABLE) {
      const v = variables?.[arg.name.value];
      return typeof v === 'string' ? v : undefined;
    }
  }
  return undefined;
}

/** Logs each GraphQL error once, by code; unexpected errors (bugs) with their message, never a stack. */
function useErrorLog(logger: Logger): Plugin {
  return {
    onExecute: ({ args }) => ({
      onExecuteDone: ({ result }) => {
        if ('errors' in result && result.errors?.length) logErrors(logger, args.document, args.operationName, args.variableValues as Record<string, unknown> | undefined, result.errors);
      },
    }),
  };
}

export function logErrors(logger: Logger, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | undefined, errors: readonly GraphQLError[]): void {
  for (const e of errors) {
    const code = (e.extensions?.code as string) ?? 'INTERNAL';
    const accountId = accountOfError(document, operationName, variables, e);
    const where = { code, path: e.path?.join('.'), ...(accountId ? { accountId } : {}) };
    if (e.originalError && !(e.originalError instanceof GatewayError) && code === 'INTERNAL') logger.error({ ...where, error: e.originalError.message }, 'unexpected error');
    else logger.info({ ...where, provider: e.extensions?.provider }, e.message);
  }
}

export function loggingPlugins(logger: Logger): Plugin[] {
  return [useRequestContext(), useRequestLog(logger), useErrorLog(logger)];
}
