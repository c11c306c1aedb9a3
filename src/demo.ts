// Demo mode: no credentials, no network. Starts every provider's sandbox on 127.0.0.1 (for ldap a private
// slapd), one demo tenant with a fresh API token, and one integrated account per provider pointing at its sandbox.
import { randomBytes } from 'node:crypto';
import { parseConfig, type GatewayConfig } from './config.js';
import type { Sandbox } from './providers/engine/sandbox-kit.js';
import { SANDBOXES } from './providers/sandboxes.js';

export const DEMO_TENANT = 'demo';

export interface Demo {
  config: GatewayConfig;
  token: string;
  sandboxes: Sandbox[];
  /** Demo account id per provider slug. */
  accounts: Record<string, string>;
  /** Providers whose sandbox could not start here (the ldap one needs Debian's slapd), with why: no account. */
  unavailable: { slug: string; reason: string }[];
  close(): Promise<void>;
}

export async function startDemo(): Promise<Demo> {
  // A sandbox that cannot start (slapd not installed) leaves its provider out; the demo still starts.
  const started = await Promise.allSettled(SANDBOXES.map((s) => s.start()));
  const up = SANDBOXES.flatMap((s, i) => { const r = started[i]!; return r.status === 'fulfilled' ? [{ s, sandbox: r.value }] : []; });
  const unavailable = SANDBOXES.flatMap((s, i) => { const r = started[i]!; return r.status === 'rejected' ? [{ slug: s.slug, reason: String((r.reason as Error)?.message ?? r.reason) }] : []; });
  const sandboxes = up.map((u) => u.sandbox);
  const token = `demo_${randomBytes(18).toString('base64url')}`;
  const accounts: Record<string, string> = {};
  const integratedAccounts = up.map(({ s, sandbox }) => {
    const id = `demo-${s.slug}`;
    accounts[s.slug] = id;
    return { id, tenant: DEMO_TENANT, provider: s.slug, ...s.demoAccount(sandbox.url) };
  });
  const config = parseConfig({
    allowPrivateUpstreams: true,
    // A local playground: GraphiQL on, and any origin may call it (without credentials mode).
    graphiql: true,
    cors: { origins: ['*'] },
    cursorSecret: randomBytes(32).toString('base64url'),
    tenants: [{ id: DEMO_TENANT, apiTokens: [token] }],
    integratedAccounts,
  });
  return { config, token, sandboxes, accounts, unavailable, close: async () => void (await Promise.all(sandboxes.map((s) => s.close()))) };
}
