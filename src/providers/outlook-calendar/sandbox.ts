// The Microsoft Graph sandbox (src/providers/graph/sandbox.ts), as the outlook-calendar provider's sandbox.
import type { ProviderSandbox } from '../engine/sandbox-kit.js';
import { GRAPH_OAUTH_CLIENT, GRAPH_SANDBOX_CLIENT_ID, GRAPH_SANDBOX_CLIENT_SECRET, GRAPH_SANDBOX_TENANT_ID, graphDataset, startGraphSandbox } from '../graph/sandbox.js';

export * from '../graph/sandbox.js';

export const outlookCalendarSandbox: ProviderSandbox = {
  slug: 'outlook-calendar',
  start: (port) => startGraphSandbox({ port }),
  demoAccount: (url) => ({
    context: { baseUrl: url, loginUrl: url },
    credentials: { tenantId: GRAPH_SANDBOX_TENANT_ID, clientId: GRAPH_SANDBOX_CLIENT_ID, clientSecret: GRAPH_SANDBOX_CLIENT_SECRET },
  }),
  expectedUsers: () => graphDataset(),
  demoOAuthApp: (url) => ({ ...GRAPH_OAUTH_CLIENT, context: { baseUrl: url, loginUrl: url } }),
};
