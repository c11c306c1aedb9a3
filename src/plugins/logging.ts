// Logging plugins: one line per request, one per GraphQL error. Never headers, variables or secrets.
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.js';
import { GatewayError } from '../providers/engine/errors.js';

/** One log line per HTTP request: method, path, operation, status and duration (never headers or variables). */
function useRequestLog(logger: Logger): Plugin {
  const seen = new WeakMap<Request, { started: number; operation?: string | null }>();
  return {
    onRequest: ({ request }) => void seen.set(request, { started: performance.now() }),
    onExecute: ({ args }) => {
      const entry = seen.get((args.contextValue as { request: Request }).request);
      if (entry) entry.operation = getOperationAST(args.document, args.operationName)?.name?.value ?? null;
    },
    onResponse: ({ request, response }) => {
      const entry = seen.get(request);
      if (!entry) return;
      const durationMs = Math.round((performance.now() - entry.started) * 10) / 10;
      logger.info({ method: request.method, path: new URL(request.url).pathname, operation: entry.operation, status: response.status, durationMs }, 'request');
    },
  };
}

/** Logs each GraphQL error once, by code; unexpected errors (bugs) with their message, never a stack. */
function useErrorLog(logger: Logger): Plugin {
  return {
    onExecute: () => ({
      onExecuteDone: ({ result }) => {
        const errors = 'errors' in result ? (result.errors ?? []) : [];
        for (const e of errors) {
          const code = (e.extensions?.code as string) ?? 'INTERNAL';
          if (e.originalError && !(e.originalError instanceof GatewayError) && code === 'INTERNAL')
            logger.error({ code, path: e.path?.join('.'), error: e.originalError.message }, 'unexpected error');
          else logger.info({ code, path: e.path?.join('.'), provider: e.extensions?.provider }, e.message);
        }
      },
    }),
  };
}

export function loggingPlugins(logger: Logger): Plugin[] {
  return [useRequestLog(logger), useErrorLog(logger)];
}
