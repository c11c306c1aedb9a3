// The admin API: a yoga instance of its own on /admin/graphql, with its own schema and its own tokens.
// main.ts routes /admin/ requests here; tenant requests never reach this schema, and admin tokens are
// never tenant tokens (the config refuses a token listed as both).
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { renderGraphiQL } from '../graphiql.js';
import type { CompositeStore } from '../accounts/composite.js';
import { yogaLogging, type Logger } from '../logger.js';
import type { Engine } from '../providers/engine/engine.js';
import { httpPlugins } from '../plugins/http.js';
import { limitPlugins } from '../plugins/limits.js';
import { loggingPlugins } from '../plugins/logging.js';
import type { OAuthFlow } from '../oauth/connect.js';
import { adminContextFactory, type AdminContext } from './context.js';
import { adminSchema } from './schema/index.js';
import { adminVerifier, type AdminToken } from './tokens.js';

export const ADMIN_ENDPOINT = '/admin/graphql';

export const ADMIN_EXAMPLE = `# Tenants of this gateway, and the latest changes.
query Overview {
  tenants { id name source }
  auditLog(first: 5) { at actor action tenantId integratedAccountId }
}
`;

export interface AdminOptions {
  store: CompositeStore;
  engine: Engine;
  /** Connect links (createConnectLink). */
  oauth: OAuthFlow;
  tokens: readonly AdminToken[];
  logger: Logger;
  graphiql: boolean;
  /** GraphiQL's default headers (demo mode fills in its admin token). */
  graphiqlHeaders?: string;
}

export type AdminYoga = YogaServerInstance<Record<string, never>, AdminContext>;

export function createAdminYoga(o: AdminOptions): AdminYoga {
  const { logger } = o;
  return createYoga<Record<string, never>, AdminContext>({
    schema: adminSchema as never,
    graphqlEndpoint: ADMIN_ENDPOINT,
    landingPage: false,
    maskedErrors: { isDev: false },
    logging: yogaLogging(logger),
    // No browser origin may call the admin API: it is for operators' tools and GraphiQL on the same origin.
    cors: false,
    batching: false,
    renderGraphiQL,
    graphiql: o.graphiql && { title: 'Rollcall admin', defaultQuery: ADMIN_EXAMPLE, defaultHeaders: o.graphiqlHeaders ?? JSON.stringify({ Authorization: 'Bearer <admin token>' }, null, 2), shouldPersistHeaders: false },
    plugins: [...loggingPlugins(logger), ...httpPlugins(), ...limitPlugins()],
    context: adminContextFactory(o.store, o.engine, o.oauth, adminVerifier(o.tokens), o.tokens.length > 0),
  });
}
