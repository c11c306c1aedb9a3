// The fast lane: a repeat query skips yoga's per-request machinery. A JSON POST to /graphql whose document
// yoga has already parsed, validated (armor's limits included) and found safe for graphql-jit runs straight
// on Node's request and response: the same tenant context and admission, variable coercion, compiled
// execution, warnings, error masking, logs and headers as through yoga, without building fetch-API Request
// and Response objects or running every plugin hook. Anything else (GET, APQ, a browser's cross-origin
// request, @stream/@defer, an Accept it does not know, a document not yet seen, any failure before
// execution) goes to yoga with the body already read, so yoga stays the reference for every answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { getCORSHeadersByRequestAndOptions } from '@whatwg-node/server';
import { maskError, processRegularResult, type YogaServerInstance } from 'graphql-yoga';
import type { ContextRequest, GatewayContext } from './context.js';
import { requestContext, type Logger, type RequestLogContext } from './logger.js';
import type { Compiled, CompiledQueries } from './plugins/compiled.js';
import { withErrorLocations } from './plugins/error-locations.js';
import { coerceVariables } from './plugins/execution.js';
import type { Admission } from './plugins/load.js';
import { NO_STORE, withVary } from './plugins/http.js';
import { logErrors, logRequest, requestIdOf } from './plugins/logging.js';

type Accepted = 'application/json' | 'application/graphql-response+json';

/** The response type yoga would pick for this Accept header, when the lane can answer it the same way. */
function acceptedOf(accept: string | undefined): Accepted | null {
  if (!accept) return 'application/json';
  for (const part of accept.split(',')) {
    const type = part.split(';')[0]!.trim().toLowerCase();
    if (type === 'application/graphql-response+json') return type;
    if (type === 'application/json' || type === '*/*') return 'application/json';
    if (type) return null; // multipart, event streams, HTML: yoga's processors
  }
  return null;
}

export interface FastLaneOptions {
  logger: Logger;
  admission: Admission;
  context: (init: { request: ContextRequest }) => Promise<GatewayContext>;
  maxBodyBytes: number;
  /** The documents yoga validated and compiled, by text. */
  compiled: CompiledQueries;
  /** yoga's CORS options for a request (plugins/http.ts corsFor). */
  cors: (request: ContextRequest) => CorsOptions;
}

type CorsOptions = Parameters<typeof getCORSHeadersByRequestAndOptions>[1];

type Yoga = YogaServerInstance<Record<string, never>, GatewayContext>;

export class FastLane {
  /** Requests the lane answered itself (the rest went to yoga). */
  answered = 0;
  constructor(private readonly opts: FastLaneOptions) {}

  /** Whether the lane may take this request, from its headers alone (the body is read only if so). */
  takes(req: IncomingMessage): boolean {
    const h = req.headers;
    const length = Number(h['content-length']);
    return (
      req.method === 'POST' &&
      req.url === '/graphql' &&
      h['content-encoding'] === undefined &&
      /^application\/json\s*(;|$)/i.test(h['content-type'] ?? '') &&
      Number.isInteger(length) && length > 0 && length <= this.opts.maxBodyBytes &&
      acceptedOf(h.accept) !== null
    );
  }

  /** Reads the body, then answers the request itself or hands it to yoga. */
  handle(req: IncomingMessage, res: ServerResponse, yoga: Yoga): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const found = this.lookup(body);
      if (!found) {
        // yoga reads a body a server framework already read from `req.body`.
        (req as IncomingMessage & { body?: Buffer }).body = body;
        void yoga(req, res);
        return;
      }
      void this.run(req, res, yoga, body, found.prepared, found.variables);
    });
  }

  private lookup(body: Buffer): { prepared: Compiled; variables: Record<string, unknown> | null } | null {
    let params: unknown;
    try {
      params = JSON.parse(body.toString('utf8'));
    } catch {
      return null;
    }
    if (!params || typeof params !== 'object' || Array.isArray(params)) return null;
    const { query, operationName = null, variables = null, extensions = null } = params as Record<string, unknown>;
    if (typeof query !== 'string' || extensions !== null || (operationName !== null && typeof operationName !== 'string')) return null;
    if (variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return null;
    const prepared = this.opts.compiled.lookup(query, operationName as string | null);
    return prepared ? { prepared, variables: variables as Record<string, unknown> | null } : null;
  }

  private async run(req: IncomingMessage, res: ServerResponse, yoga: Yoga, body: Buffer, prepared: Compiled, variables: Record<string, unknown> | null): Promise<void> {
    const started = performance.now();
    const gone = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) gone.abort();
    };
    res.once('close', onClose);
    const request: ContextRequest = { headers: { get: (name) => headerOf(req, name) }, signal: gone.signal };
    const log: RequestLogContext = { reqId: requestIdOf(headerOf(req, 'x-request-id')), accounts: new Set() };
    const accepted = acceptedOf(req.headers.accept)!;
    const { logger, admission } = this.opts;
    await requestContext.run(log, async () => {
      let context: GatewayContext;
      try {
        context = await this.opts.context({ request });
      } catch {
        // Refused before anything ran (no token, overloaded, the store down): yoga answers that the usual way.
        res.removeListener('close', onClose);
        (req as IncomingMessage & { body?: Buffer }).body = body;
        await requestContext.exit(() => yoga(req, res));
        return;
      }
      log.tenant = context.tenantId;
      this.answered++;
      let status = 500;
      try {
        const coerced = coerceVariables(prepared.schema, prepared.operation, variables);
        let result: ExecutionResult;
        try {
          if ('errors' in coerced) result = { errors: coerced.errors };
          else result = withErrorLocations(await prepared.query(undefined, { ...context, request }, coerced.coerced), prepared.document);
        } catch (e) {
          // A bug, not a field's error: masked below like any unexpected error.
          result = { data: null, errors: [e instanceof GraphQLError ? e : new GraphQLError(e instanceof Error ? e.message : String(e), { originalError: e instanceof Error ? e : undefined })] };
        }
        const warnings = context.scope.warnings;
        if (warnings.length) result = { ...result, extensions: { ...result.extensions, warnings: [...warnings] } };
        const headers = this.headersFor(request, log.reqId);
        if (result.errors?.length) {
          logErrors(logger, prepared.document, prepared.operationName, 'errors' in coerced ? undefined : coerced.coerced, result.errors);
          status = await this.respondWithErrors(res, yoga, result, accepted, headers);
        } else {
          status = 200;
          // Encoded once, outside the JS heap: a string body is measured, then joined to the header block, then
          // encoded again by the socket, each a copy the GC has to sweep.
          const body = Buffer.from(JSON.stringify(result));
          res.writeHead(200, { 'content-type': `${accepted}; charset=utf-8`, 'content-length': body.length, ...headers });
          res.end(body);
        }
      } finally {
        // Only a bug in answering itself gets here without a response: the client still gets one, not a hang.
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'content-type': 'application/json; charset=utf-8', ...RESPONSE_FALLBACK_HEADERS, 'x-request-id': log.reqId });
          res.end(JSON.stringify({ errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }));
        }
        admission.release(request);
        res.removeListener('close', onClose);
        logRequest(logger, log, { method: 'POST', path: '/graphql', operation: prepared.operation.name?.value ?? null, status, started });
      }
    });
  }

  /** Errors are masked and answered exactly as yoga does (status from their `http` extensions, internals dropped). */
  /** What yoga's plugins add to every answer: CORS for a listed origin, no-store and Vary, the request id. */
  private headersFor(request: ContextRequest, reqId: string): Record<string, string> {
    const cors = request.headers.get('origin') === null ? null : getCORSHeadersByRequestAndOptions(request as Request, this.opts.cors(request));
    const headers: Record<string, string> = { ...cors };
    const vary = headers.Vary;
    delete headers.Vary;
    return { ...headers, 'x-request-id': reqId, 'cache-control': NO_STORE.cacheControl, vary: withVary(vary, ...NO_STORE.vary) };
  }

  private async respondWithErrors(res: ServerResponse, yoga: Yoga, result: ExecutionResult, accepted: Accepted, extra: Record<string, string>): Promise<number> {
    // yoga's own masking (maskedErrors: { isDev: false }), and its log line for what it masked.
    const masked = {
      ...result,
      errors: result.errors!.map((e) => {
        const m = maskError(e, 'Unexpected error.', false) as GraphQLError;
        if (m !== e) this.opts.logger.error(e.message);
        return m;
      }),
    };
    const response = processRegularResult(masked, yoga.fetchAPI, accepted);
    const text = await response.text();
    const headers: Record<string, string | number> = {};
    response.headers.forEach((v, k) => void (headers[k] = v));
    res.writeHead(response.status, { ...headers, ...extra, 'content-length': Buffer.byteLength(text) });
    res.end(text);
    return response.status;
  }
}

const RESPONSE_FALLBACK_HEADERS = { 'cache-control': NO_STORE.cacheControl, vary: NO_STORE.vary.join(', ') };

function headerOf(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name.toLowerCase()];
  return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
}
