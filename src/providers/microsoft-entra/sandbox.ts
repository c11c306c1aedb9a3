// The Microsoft Graph sandbox (src/providers/graph/sandbox.ts) as an Entra ID tenant: the same 260 users with
// sign-in activity (returned only when selected), so lastLoginAt can be shown on opt-in.
import type { ProviderSandbox } from '../engine/sandbox-kit.js';
import { GRAPH_OAUTH_CLIENT, GRAPH_SANDBOX_CLIENT_ID, GRAPH_SANDBOX_CLIENT_SECRET, GRAPH_SANDBOX_TENANT_ID, graphDataset, startGraphSandbox, type GraphSandboxOptions } from '../graph/sandbox.js';
import type { GraphUser } from '../graph/users.js';

/** Every 5th user never signed in (null); every 3rd signed in before lastSuccessfulSignInDateTime existed (null there). */
export function entraDataset(): GraphUser[] {
  return graphDataset().map((u, i) => {
    if (i % 5 === 0) return { ...u, signInActivity: null };
    const at = (days: number) => new Date(Date.parse(String(u.createdDateTime)) + days * 86_400_000 + i * 60_000).toISOString().replace('.000Z', 'Z');
    return {
      ...u,
      signInActivity: {
        lastSignInDateTime: at(30 + (i % 40)),
        lastSignInRequestId: `sbx-signin-${i}`,
        lastNonInteractiveSignInDateTime: at(31 + (i % 40)),
        lastNonInteractiveSignInRequestId: `sbx-nonint-${i}`,
        lastSuccessfulSignInDateTime: i % 3 === 0 ? null : at(29 + (i % 40)),
        lastSuccessfulSignInRequestId: i % 3 === 0 ? null : `sbx-ok-${i}`,
      },
    };
  });
}

export const startEntraSandbox = (opts: GraphSandboxOptions = {}) => startGraphSandbox({ name: 'microsoft-entra', users: entraDataset(), ...opts });

export const microsoftEntraSandbox: ProviderSandbox = {
  slug: 'microsoft-entra',
  start: (port) => startEntraSandbox({ port }),
  demoOAuthApp: (url) => ({ ...GRAPH_OAUTH_CLIENT, context: { baseUrl: url, loginUrl: url } }),
  demoAccount: (url) => ({
    context: { baseUrl: url, loginUrl: url, signInActivity: true },
    credentials: { tenantId: GRAPH_SANDBOX_TENANT_ID, clientId: GRAPH_SANDBOX_CLIENT_ID, clientSecret: GRAPH_SANDBOX_CLIENT_SECRET },
  }),
  expectedUsers: () => entraDataset(),
};
