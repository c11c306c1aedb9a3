// GET /export/users: one account's users for non-GraphQL consumers, as NDJSON or CSV. The same tenant
// token, filters (UserFilter, as JSON) and engine as `users`, walked to the end with the page walk of
// @stream (engine/stream.ts) and written through a Node stream pipeline, so a slow reader holds the walk
// to a page or two. Failures before the first byte are a JSON error body with the code and an HTTP status;
// a failure mid-stream ends NDJSON with an `{"error":…}` line and cuts a CSV response short (no final chunk).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { coerceInputValue, GraphQLError, type GraphQLInputType } from 'graphql';
import type { GatewayContext } from '../context.js';
import { CATEGORIES, type Category } from '../providers/engine/user.js';
import { GatewayError } from '../providers/engine/errors.js';
import { walkPages, type WalkPage } from '../providers/engine/stream.js';
import type { UserRecord } from '../providers/engine/types.js';
import { loadAccount, toUserFilter } from '../resolvers/users.js';
import { CSV_COLUMNS, csvRow, toJson } from './row.js';

export interface ExportDeps {
  /** Authenticates and admits the request, as for /graphql. */
  context(init: { request: Request }): Promise<GatewayContext>;
  /** Streamed-response budget, and the slot freed when the export ends. */
  hold(request: Request): void;
  release(request: Request): void;
  /** The schema's UserFilter input type: filters are checked exactly as the GraphQL argument is. */
  filterType: GraphQLInputType;
}

const FORMATS = { ndjson: 'application/x-ndjson; charset=utf-8', csv: 'text/csv; charset=utf-8' } as const;
type Format = keyof typeof FORMATS;

/** HTTP status of an error answered before the first byte. */
function statusOf(e: GatewayError): number {
  const http = (e.extensions as { http?: { status?: number } }).http?.status;
  if (http) return http;
  if (e.code === 'INTEGRATED_ACCOUNT_NOT_FOUND') return 404;
  if (e.code === 'UPSTREAM_RATE_LIMITED' || e.code === 'GATEWAY_OVERLOADED') return 429;
  if (e.code === 'STORE_UNAVAILABLE') return 503;
  if (e.code === 'UPSTREAM_UNAVAILABLE') return 504;
  if (e.code.startsWith('UPSTREAM_') || e.code === 'PRIVATE_UPSTREAM_REFUSED' || e.code === 'INTEGRATED_ACCOUNT_DISABLED' || e.code === 'INTEGRATED_ACCOUNT_NEEDS_REAUTH') return 502;
  return 400;
}

const wire = (e: GatewayError) => ({ message: e.message, extensions: Object.fromEntries(Object.entries(e.extensions).filter(([k]) => k !== 'http')) });
const asGatewayError = (e: unknown) => (e instanceof GatewayError ? e : new GatewayError('UPSTREAM_UNAVAILABLE', 'The export failed unexpectedly. Retry it.'));

function refuse(res: ServerResponse, e: GatewayError): void {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'private, no-store' };
  const http = (e.extensions as { http?: { headers?: Record<string, string> } }).http;
  Object.assign(headers, http?.headers);
  if (e.extensions.retryAfter !== undefined) headers['retry-after'] = String(e.extensions.retryAfter);
  res.writeHead(statusOf(e), headers).end(JSON.stringify({ errors: [wire(e)] }));
}

function parseQuery(url: URL, filterType: GraphQLInputType) {
  const q = url.searchParams;
  const integratedAccountId = q.get('integratedAccountId');
  if (!integratedAccountId) throw new GatewayError('BAD_USER_INPUT', 'integratedAccountId is required: GET /export/users?integratedAccountId=…&category=…');
  const category = q.get('category') as Category | null;
  if (!category || !CATEGORIES.includes(category)) throw new GatewayError('BAD_USER_INPUT', `category must be one of ${CATEGORIES.join(', ')} (got "${String(category).slice(0, 40)}").`);
  const format = (q.get('format') ?? 'ndjson') as Format;
  if (!(format in FORMATS)) throw new GatewayError('BAD_USER_INPUT', `format must be ndjson or csv (got "${format.slice(0, 20)}").`);
  let filters: Record<string, unknown> = {};
  const raw = q.get('filters');
  if (raw) {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new GatewayError('BAD_USER_INPUT', 'filters must be a JSON object, e.g. filters={"status":"ACTIVE"} (URL-encoded).');
    }
    filters = coerceInputValue(json, filterType, (path, value, error) => {
      const at = path.length ? `filters.${path.join('.')}` : 'filters';
      throw new GatewayError('BAD_USER_INPUT', `${at}: ${error instanceof GraphQLError ? error.message : String(error)}`, { filter: path[0] === undefined ? undefined : String(path[0]) });
    }) as Record<string, unknown>;
  }
  return { integratedAccountId, category, format, filter: toUserFilter(filters) };
}


export function exportHandler(deps: ExportDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET');
      return refuse(res, new GatewayError('METHOD_NOT_ALLOWED', 'Use GET on /export/users.', {}, { status: 405 }));
    }
    const url = new URL(req.url ?? '/', 'http://gateway');
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    const request = new Request(url, { headers: req.headers as Record<string, string>, signal: gone.signal });
    let ctx: GatewayContext | undefined;
    let pages: AsyncIterableIterator<WalkPage> | undefined;
    try {
      let first: IteratorResult<WalkPage>;
      let format: Format;
      let accountId: string;
      try {
        ctx = await deps.context({ request });
        deps.hold(request);
        const q = parseQuery(url, deps.filterType);
        format = q.format;
        const { account, def } = await loadAccount(ctx, q.integratedAccountId);
        accountId = account.id;
        const list = def.lists[q.category];
        if (!list)
          throw new GatewayError('CATEGORY_MISMATCH', `Integrated account "${account.id}" (${def.displayName}) is in ${def.categories.join(', ')}, not ${q.category}.`, { provider: def.slug });
        const scoped = ctx;
        pages = walkPages((a, signal) => scoped.engine.scope(signal).list(account, def, a), { category: q.category, first: Number.MAX_SAFE_INTEGER, filter: q.filter }, { pageSize: Math.min(list.paginator.maxPageSize, 1000), signal: ctx.scope.signal });
        first = await pages.next(); // the first page answers before any byte: its failure is a JSON error
      } catch (e) {
        return refuse(res, asGatewayError(e));
      }
      res.writeHead(200, {
        'content-type': FORMATS[format],
        'content-disposition': `attachment; filename="users-${accountId}.${format}"`,
        'cache-control': 'private, no-store',
        vary: 'Authorization',
      });
      if (req.method === 'HEAD') return void res.end();
      const walk = pages;
      async function* users(): AsyncGenerator<UserRecord[]> {
        if (!first.done) yield first.value.edges.map((e) => e.node);
        for (;;) {
          const step = await walk.next();
          if (step.done) return;
          yield step.value.edges.map((e) => e.node);
        }
      }
      if (format === 'ndjson') {
        async function* lines(): AsyncGenerator<string> {
          try {
            for await (const batch of users()) if (batch.length) yield `${batch.map(toJson).join('\n')}\n`;
          } catch (e) {
            if (gone.signal.aborted) throw e;
            yield `${JSON.stringify({ error: wire(asGatewayError(e)) })}\n`;
          }
        }
        await writeAll(res, lines());
      } else {
        await pipeline(Readable.from(users()), csvRows(), stringify({ header: true, columns: CSV_COLUMNS }), res);
      }
    } catch {
      // The client left, or a CSV export failed mid-stream: the pipeline destroyed the response (no final chunk).
    } finally {
      await pages?.return?.();
      deps.release(request);
    }
  };
}

/**
 * Writes each chunk as it comes and waits for 'drain' while the socket is full (backpressure). Strings go to
 * the socket as they are: a Readable would copy each page's text into a Buffer first.
 */
async function writeAll(res: ServerResponse, chunks: AsyncIterable<string>): Promise<void> {
  for await (const chunk of chunks) {
    if (res.destroyed) throw new Error('the client left');
    if (!res.write(chunk))
      await new Promise<void>((resolve) => {
        const go = () => {
          res.off('drain', go).off('close', go);
          resolve();
        };
        res.once('drain', go).once('close', go);
      });
  }
  res.end();
}

/** Batches of users → one CSV record each. */
function csvRows(): Transform {
  return new Transform({
    writableObjectMode: true,
    readableObjectMode: true,
    transform(batch: UserRecord[], _enc, cb) {
      for (const u of batch) this.push(csvRow(u));
      cb();
    },
  });
}
