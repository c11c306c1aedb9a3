// createGateway(config) → a yoga instance plus what it owns. The HTTP layer authenticates the tenant
// token, builds per-request loaders, and hands everything else to the schema.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLInputType, GraphQLSchema } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { useAPQ } from '@graphql-yoga/plugin-apq';
import { renderGraphiQL } from './graphiql.js';
import { LRUCache } from 'lru-cache';
import { CompositeStore } from './accounts/composite.js';
import { StaticAccountStore, type AccountStore, type StoredAccount } from './accounts/store.js';
import { createAdminYoga, type AdminYoga } from './admin/server.js';
import type { AdminToken } from './admin/tokens.js';
import type { GatewayConfig } from './config.js';
import { jwtVerifier } from './auth/jwt.js';
import { contextFactory, type GatewayContext } from './context.js';
import { exportHandler } from './export/users.js';
import { FastLane } from './fast-lane.js';
import { CompiledQueries } from './plugins/compiled.js';
import { OAuthFlow } from './oauth/connect.js';
import { TokenRefresher } from './oauth/refresh.js';
import { createLogger, requestContext, yogaLogging, type Logger } from './logger.js';
import { Engine, type Account } from './providers/engine/engine.js';
import { secretsOf } from './providers/engine/redact.js';
import { executionPlugins } from './plugins/execution.js';
import { streamPlugins } from './plugins/stream.js';
import { corsFor, httpPlugins } from './plugins/http.js';
import { limitPlugins, MAX_BODY_BYTES } from './plugins/limits.js';
import { Admission } from './plugins/load.js';
import { loggingPlugins } from './plugins/logging.js';
import { healthPlugin } from './plugins/health.js';
import { LoggingUpstreamClient } from './plugins/upstream-log.js';
import { schema } from './schema/index.js';

export interface GatewayOptions {
  logger?: Logger;
  store?: AccountStore;
  graphiql?: { headers?: string; defaultQuery?: string; adminHeaders?: string };
  /** The admin tokens, when more than the config's (main adds ROLLCALL_ADMIN_TOKEN: see adminTokensOf). */
  adminTokens?: readonly AdminToken[];
  /** Repeat queries skip yoga's per-request machinery (src/fast-lane.ts); off, every request goes through yoga. */
  fastLane?: boolean;
}

export interface Gateway {
  yoga: YogaServerInstance<Record<string, never>, GatewayContext>;
  /** /admin/graphql, served when the store can be written (a CompositeStore); main routes /admin/ here. */
  admin?: AdminYoga;
  /** Answers repeat queries without yoga's per-request machinery (absent with `fastLane: false`). */
  lane?: FastLane;
  engine: Engine;
  logger: Logger;
  /** Requests admitted and still running, per tenant (the in-flight bound). */
  admission: Admission;
  /** GET /export/users (NDJSON or CSV), answered by Node streams rather than yoga. */
  exportUsers(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Routes one HTTP request: /admin/ to the admin API, /export/users to the export, the rest to yoga. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Shutdown's deadline: aborts the upstream calls of every request still running. */
  abortInFlight(): void;
  close(): Promise<void>;
}

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

/** Every secret a config holds, for the log redactor. */
export function configSecrets(config: GatewayConfig): string[] {
  return [
    ...config.integratedAccounts.flatMap((a) => secretsOf(a.credentials)),
    ...config.tenants.flatMap((t) => t.apiTokens),
    ...config.adminTokens.map((a) => a.token),
    config.cursorSecret,
    ...(config.auth.jwt?.secret ? [config.auth.jwt.secret] : []),
    ...Object.values(config.oauthApps).map((a) => a.clientSecret),
  ];
}

/** Automatic persisted queries, in memory: bounded in entries and in bytes (a query is up to 256 KiB). */
function apqStore(config: GatewayConfig['apq']) {
  return new LRUCache<string, string>({ max: config.maxEntries, maxSize: config.maxBytes, sizeCalculation: (q) => Math.max(1, Buffer.byteLength(q)) });
}

export function createGateway(config: GatewayConfig, opts: GatewayOptions = {}): Gateway {
  const allSecrets = configSecrets(config);
  const composite = opts.store instanceof CompositeStore ? opts.store : undefined;
  // The database's credentials are scrubbed like the config's: the store reports every one it decrypted.
  const logger = opts.logger ?? createLogger(() => (composite ? [...allSecrets, ...(composite.opened?.knownSecrets() ?? [])] : allSecrets));
  const h = config.http;
  const client = new LoggingUpstreamClient({
    allowPrivateUpstreams: config.allowPrivateUpstreams,
    connectTimeoutMs: h.connectTimeoutMs,
    headersTimeoutMs: h.headersTimeoutMs,
    bodyTimeoutMs: h.bodyTimeoutMs,
    timeoutMs: h.timeoutMs,
    queueTimeoutMs: h.queueTimeoutMs,
    maxResponseBytes: h.maxResponseBytes,
    connectionsPerOrigin: h.connectionsPerOrigin,
    connectionsPerTenant: h.connectionsPerTenant,
    retry: { maxRetries: h.maxRetries, baseDelayMs: h.retryBaseDelayMs, maxDelayMs: h.retryMaxDelayMs, maxTotalMs: h.retryMaxTotalMs },
  }, logger);
  const refresher = composite && new TokenRefresher(composite, client, config.oauthApps, config.providers);
  const engine = new Engine(client, config.cursorSecret, {
    maxScan: config.limits.maxScan,
    maxJoinPages: config.limits.maxJoinPages,
    maxPages: config.limits.maxPages,
    maxUpstreamCallsPerRequest: config.limits.maxUpstreamCallsPerRequest,
    joinCacheMs: config.limits.joinCacheSeconds * 1000,
    maxStreamFirst: config.limits.maxStreamFirst,
    pageCacheMs: config.cache.pageTtlSeconds * 1000,
    pageCacheMax: config.cache.maxPages,
    rateLimitWaitMs: config.limits.rateLimitWaitMs,
    upstreamPageSize: config.limits.upstreamPageSize,
    resumeCacheMs: config.limits.pageCacheSeconds * 1000,
    ...(refresher ? { renewCredentials: (account, used) => refresher.renew(account as StoredAccount, used) } : {}),
  });
  const store = opts.store ?? new StaticAccountStore(config.integratedAccounts as Account[], config.tenants);
  const admission = new Admission({ maxInFlightPerTenant: config.limits.maxInFlightPerTenant, requestTimeoutMs: config.limits.requestTimeoutMs, streamTimeoutMs: config.limits.streamTimeoutMs });
  const oauth = composite && new OAuthFlow(composite, client, config);
  const tenantContext = contextFactory(engine, store, config.providers, {
    admit: (tenant, request) => admission.admit(tenant, request),
    ...(config.auth.jwt ? { verifyJwt: jwtVerifier(config.auth.jwt) } : {}),
    ...(refresher ? { fresh: (a: StoredAccount) => refresher.fresh(a) } : {}),
  });

  const compiled = new CompiledQueries();
  const lane = opts.fastLane === false ? undefined : new FastLane({ logger, admission, context: tenantContext, maxBodyBytes: MAX_BODY_BYTES, compiled, cors: corsFor(config.cors.origins, config.cors.maxAge) });
  const yoga = createYoga<Record<string, never>, GatewayContext>({
    schema: schema as never,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    maskedErrors: { isDev: false },
    logging: yogaLogging(logger),
    cors: corsFor(config.cors.origins, config.cors.maxAge),
    // One operation per request: a JSON array is refused (400 BAD_REQUEST), so per-request limits hold.
    batching: false,
    // Enforced on the bytes read, so a chunked body (no Content-Length) is cut off at the limit too.
    maxRequestBodySize: MAX_BODY_BYTES,
    renderGraphiQL,
    graphiql: config.graphiql && { title: 'Rollcall', defaultQuery: opts.graphiql?.defaultQuery ?? EXAMPLE_QUERY, defaultHeaders: opts.graphiql?.headers ?? JSON.stringify({ Authorization: 'Bearer <tenant API token>' }, null, 2), shouldPersistHeaders: false },
    plugins: [
      ...loggingPlugins(logger),
      healthPlugin(store),
      ...(oauth ? [oauth.plugin()] : []),
      ...httpPlugins(),
      admission.plugin(),
      ...(config.apq.enabled ? [useAPQ({ store: apqStore(config.apq) })] : []),
      ...limitPlugins(),
      ...executionPlugins(compiled),
      ...streamPlugins(),
    ],
    context: async (init) => {
      const ctx = await tenantContext(init);
      const log = requestContext.getStore();
      if (log) log.tenant = ctx.tenantId;
      return ctx;
    },
  });

  const admin = composite
    ? createAdminYoga({ store: composite, engine, oauth: oauth!, tokens: opts.adminTokens ?? config.adminTokens, logger, graphiql: config.graphiql, graphiqlHeaders: opts.graphiql?.adminHeaders })
    : undefined;

  const filterType = (schema as GraphQLSchema).getType('UserFilter') as GraphQLInputType;
  const exportUsers = exportHandler({ context: tenantContext, hold: (r) => admission.streaming(r), release: (r) => admission.release(r), filterType });
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url?.split('?')[0];
    if (admin && req.url?.startsWith('/admin/')) void admin(req, res);
    else if (path === '/export/users') void exportUsers(req, res);
    else if (lane?.takes(req)) lane.handle(req, res, yoga);
    else void yoga(req, res);
  };
  return { yoga, admin, lane, engine, logger, admission, exportUsers, handle, abortInFlight: () => admission.abortAll(), close: async () => void (await Promise.all([client.close(), engine.close()])) };
}
