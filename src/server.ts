// createGateway(config) → a yoga instance plus what it owns. The HTTP layer authenticates the tenant
// token, builds per-request loaders, and hands everything else to the schema.
import { createHash } from 'node:crypto';
import DataLoader from 'dataloader';
import { getOperationAST, getVariableValues, GraphQLError, visit, type ASTVisitor, type DocumentNode, type ValidationContext } from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { StaticAccountStore, type AccountStore } from './accounts/store.js';
import type { GatewayConfig } from './config.js';
import type { GatewayContext } from './context.js';
import { createLogger, type Logger } from './logger.js';
import { Engine, type Account } from './providers/engine/engine.js';
import { GatewayError } from './providers/engine/errors.js';
import { UpstreamClient } from './providers/engine/http.js';
import { secretsOf } from './providers/engine/redact.js';
import type { UserRecord } from './providers/engine/types.js';
import { providerBySlug } from './providers/registry.js';
import { resolveUserNode } from './resolvers/nodes.js';
import { schema } from './schema/index.js';

export interface GatewayOptions {
  logger?: Logger;
  store?: AccountStore;
  graphiql?: { headers?: string; defaultQuery?: string };
}

export interface Gateway {
  yoga: YogaServerInstance<Record<string, never>, GatewayContext>;
  engine: Engine;
  logger: Logger;
  close(): Promise<void>;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export const EXAMPLE_QUERY = `# Users of one connected account, typed by category.
query DirectoryUsers($account: ID!) {
  users(category: USER_DIRECTORY, integratedAccountId: $account, first: 5, filters: { status: ACTIVE }) {
    edges {
      cursor
      node {
        ... on DirectoryUser { id remoteId name emails { email isPrimary } status remoteStatus lastLoginAt }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`;

/**
 * graphql-jit compiles a document once and executes wide user lists much faster, but cannot run
 * @defer/@stream: those documents take the standard executor. (Variables reach it already coerced.)
 */
const jitSafety = new WeakMap<DocumentNode, boolean>(); // yoga caches parsed documents, so this hits
export function jitSafe(document: DocumentNode): boolean {
  const known = jitSafety.get(document);
  if (known !== undefined) return known;
  let safe = true;
  visit(document, {
    Directive: (node) => {
      if (node.name.value === 'defer' || node.name.value === 'stream') safe = false;
    },
  });
  jitSafety.set(document, safe);
  return safe;
}

/**
 * Coerces variables with graphql-js before any executor runs, so variable errors read the same (code
 * BAD_USER_INPUT, HTTP 400) and input defaults apply even where graphql-jit would skip them.
 */
function useVariableCoercion(): Plugin {
  return {
    onExecute: ({ args, setResultAndStopExecution }) => {
      const operation = getOperationAST(args.document, args.operationName);
      if (!operation?.variableDefinitions?.length) return;
      const coerced = getVariableValues(args.schema, operation.variableDefinitions, (args.variableValues ?? {}) as Record<string, unknown>);
      if (coerced.errors) {
        setResultAndStopExecution({
          errors: coerced.errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } })),
        });
        return;
      }
      args.variableValues = coerced.coerced;
    },
  };
}

/** A document asking for an operation type the schema does not have (mutation, subscription) is invalid. */
function knownOperationTypes(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      const schema = context.getSchema();
      const root = node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
      if (!root) context.reportError(new GraphQLError(`This gateway has no ${node.operation}s; it only answers queries.`, { nodes: node }));
    },
  };
}

/** Armor's rejections carry no code of their own: give them ours. */
const tooComplex = (_ctx: unknown, error: GraphQLError) => {
  Object.assign(error.extensions as Record<string, unknown>, { code: 'QUERY_TOO_COMPLEX' });
};

/** Refuses request bodies over `limit` bytes before they are read (HTTP 413). */
function useBodyLimit(limit: number): Plugin {
  return {
    onRequest: ({ request, endResponse, fetchAPI }) => {
      const length = Number(request.headers.get('content-length') ?? 0);
      if (length > limit)
        endResponse(new fetchAPI.Response(JSON.stringify({ errors: [{ message: `Request body over ${limit} bytes.`, extensions: { code: 'QUERY_TOO_COMPLEX' } }] }), { status: 413, headers: { 'content-type': 'application/json' } }));
    },
  };
}

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

/**
 * graphql-jit reports resolver errors with `locations` but without source positions, which yoga's error
 * serialisation needs to keep them: give each such error its source and positions back.
 */
function useErrorLocations(): Plugin {
  return {
    onExecute: ({ args }) => ({
      onExecuteDone: ({ result, setResult }) => {
        const source = args.document.loc?.source;
        if (!source || !('errors' in result) || !result.errors?.some((e) => e.locations?.length && !e.positions)) return;
        const lineStarts = [0];
        for (let i = 0; i < source.body.length; i++) if (source.body[i] === '\n') lineStarts.push(i + 1);
        setResult({
          ...result,
          errors: result.errors.map((e) =>
            e.locations?.length && !e.positions
              ? new GraphQLError(e.message, { source, positions: e.locations.map((l: { line: number; column: number }) => (lineStarts[l.line - 1] ?? 0) + l.column - 1), path: e.path, originalError: e.originalError, extensions: e.extensions })
              : e,
          ),
        });
      },
    }),
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

export function createGateway(config: GatewayConfig, opts: GatewayOptions = {}): Gateway {
  const allSecrets = [...config.integratedAccounts.flatMap((a) => secretsOf(a.credentials)), ...config.tenants.flatMap((t) => t.apiTokens), config.cursorSecret];
  const logger = opts.logger ?? createLogger(() => allSecrets);
  const h = config.http;
  const client = new UpstreamClient({
    allowPrivateUpstreams: config.allowPrivateUpstreams,
    connectTimeoutMs: h.connectTimeoutMs,
    headersTimeoutMs: h.headersTimeoutMs,
    bodyTimeoutMs: h.bodyTimeoutMs,
    connectionsPerOrigin: 32,
    retry: { maxRetries: h.maxRetries, baseDelayMs: h.retryBaseDelayMs, maxDelayMs: h.retryMaxDelayMs, maxTotalMs: h.retryMaxTotalMs },
  });
  const engine = new Engine(client, config.cursorSecret, { maxScan: config.limits.maxScan, maxJoinPages: config.limits.maxJoinPages, maxPages: config.limits.maxPages, joinCacheMs: config.limits.joinCacheSeconds * 1000 });
  const store = opts.store ?? new StaticAccountStore(config.integratedAccounts as Account[]);
  const tenantByTokenHash = new Map(config.tenants.flatMap((t) => t.apiTokens.map((tok) => [sha256(tok), t.id] as const)));

  const yoga = createYoga<Record<string, never>, GatewayContext>({
    schema: schema as never,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    maskedErrors: { isDev: false },
    logging: {
      debug: (...a) => logger.debug(a.map(String).join(' ')),
      info: (...a) => logger.info(a.map(String).join(' ')),
      warn: (...a) => logger.warn(a.map(String).join(' ')),
      error: (...a) => logger.error(a.map((x) => (x instanceof Error ? x.message : String(x))).join(' ')),
    },
    renderGraphiQL,
    graphiql: { title: 'Rollcall', defaultQuery: opts.graphiql?.defaultQuery ?? EXAMPLE_QUERY, defaultHeaders: opts.graphiql?.headers ?? JSON.stringify({ Authorization: 'Bearer <tenant API token>' }, null, 2), shouldPersistHeaders: false },
    plugins: [
      useBodyLimit(256 * 1024),
      // Every users field can fan out into upstream calls: bound aliases, depth and size of a document. Armor's
      // static cost ignores `first` (one full directory page already scores ~42k), so aliases bound fan-out
      // instead. Field suggestions stay on: the schema is public and GraphiQL users need them.
      EnvelopArmorPlugin({
        blockFieldSuggestion: { enabled: false },
        maxAliases: { n: 20, onReject: [tooComplex] },
        maxDepth: { n: 12, onReject: [tooComplex] },
        costLimit: { enabled: false },
        maxTokens: { n: 5_000, onReject: [tooComplex] },
        maxDirectives: { n: 50, onReject: [tooComplex] },
      }),
      { onValidate: ({ addValidationRule }) => addValidationRule(knownOperationTypes) } satisfies Plugin,
      useVariableCoercion(),
      useGraphQlJit({}, { enableIf: ({ document }) => jitSafe(document) }),
      useErrorLocations(),
      useRequestLog(logger),
      useErrorLog(logger),
    ],
    context: async ({ request }): Promise<GatewayContext> => {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '');
      const tenantId = m ? tenantByTokenHash.get(sha256(m[1]!)) : undefined;
      if (!tenantId)
        throw new GatewayError('UNAUTHENTICATED', 'Missing or unknown API token. Send `Authorization: Bearer <tenant API token>`.', {}, { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="rollcall"' } });
      const scope = engine.scope();
      const accounts = new DataLoader<string, Account | null>(async (ids) => Promise.all(ids.map((id) => store.get(tenantId, id))));
      const users = new DataLoader<string, UserRecord | null>(async (keys) => {
        // Group "accountId:remoteId" keys per account, then one bulk lookup per account.
        const byAccount = new Map<string, string[]>();
        for (const k of keys) {
          const i = k.indexOf(':');
          const list = byAccount.get(k.slice(0, i)) ?? [];
          list.push(k.slice(i + 1));
          byAccount.set(k.slice(0, i), list);
        }
        const found = new Map<string, UserRecord | null | Error>();
        await Promise.all(
          [...byAccount].map(async ([accountId, remoteIds]) => {
            const account = await accounts.load(accountId);
            const def = account && providerBySlug(account.provider);
            if (!account || !def) return remoteIds.forEach((r) => found.set(`${accountId}:${r}`, null));
            try {
              const users = await scope.byIds(account, def, remoteIds);
              remoteIds.forEach((r, n) => found.set(`${accountId}:${r}`, users[n] ?? null));
            } catch (e) {
              remoteIds.forEach((r) => found.set(`${accountId}:${r}`, e as Error));
            }
          }),
        );
        return keys.map((k) => found.get(k) ?? null);
      });
      // Each node id may cost an upstream call: at most 100 per request, however many node/nodes fields ask.
      let nodeBudget = 100;
      const loadNode = (id: { typename: string; id: string }) => {
        if (--nodeBudget < 0) throw new GatewayError('BAD_USER_INPUT', 'A request may resolve at most 100 node ids; split it.');
        return resolveUserNode(users, id);
      };
      return { tenantId, engine, scope, accounts, users, loadNode };
    },
  });

  return { yoga, engine, logger, close: () => client.close() };
}
