// Test harness: real sandboxes on 127.0.0.1:0 and the gateway in-process through yoga.fetch.
import { Writable } from 'node:stream';
import { parseConfig, type ConfigInput } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createGateway, type Gateway } from '../src/server.js';

export const TENANT_TOKEN = 'test-tenant-token-0123456789abcdef';
export const OTHER_TENANT_TOKEN = 'other-tenant-token-0123456789abcdef';

export interface TestAccount { id: string; provider: string; context?: Record<string, unknown>; credentials: Record<string, string>; tenant?: string; rateLimit?: { requests: number; perSeconds: number } }

export interface Harness {
  gateway: Gateway;
  logs: string[];
  query<T = any>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<{ status: number; headers: Headers; body: { data?: T; errors?: any[] }; text: string }>;
  close(): Promise<void>;
}

/** Every response body and log line the tests saw, for the "no secret ever leaks" check (test/setup.ts). */
export const transcript: string[] = [];
/** Every credential value any test gateway was configured with. */
export const secretsInUse = new Set<string>();

export function startGateway(accounts: TestAccount[], overrides: Partial<ConfigInput> = {}): Harness {
  const config = parseConfig({
    allowPrivateUpstreams: true,
    cursorSecret: 'test-cursor-secret-0123456789abcdef',
    tenants: [
      { id: 'acme', apiTokens: [TENANT_TOKEN] },
      { id: 'globex', apiTokens: [OTHER_TENANT_TOKEN] },
    ],
    integratedAccounts: accounts.map((a) => ({ tenant: 'acme', context: {}, ...a })),
    http: { maxRetries: 3, retryBaseDelayMs: 5, retryMaxDelayMs: 1000, retryMaxTotalMs: 3000, connectTimeoutMs: 2000, headersTimeoutMs: 2000, bodyTimeoutMs: 2000 },
    ...overrides,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      transcript.push(String(chunk));
      cb();
    },
  });
  const secrets = config.integratedAccounts.flatMap((a) => Object.values(a.credentials));
  for (const s of secrets) secretsInUse.add(s);
  const gateway = createGateway(config, { logger: createLogger(() => secrets, sink, 'debug') });
  return {
    gateway,
    logs,
    async query(query, variables = {}, token = TENANT_TOKEN) {
      const res = await gateway.yoga.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      transcript.push(text);
      return { status: res.status, headers: res.headers, body: JSON.parse(text), text };
    },
    close: () => gateway.close(),
  };
}

/** Walks a connection to the end with `first`, returning every node and the number of GraphQL round trips. */
export async function walk(h: Harness, query: string, variables: Record<string, unknown>, first: number): Promise<{ nodes: any[]; pages: number }> {
  const nodes: any[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const res: { body: { data?: any; errors?: any[] } } = await h.query(query, { ...variables, first, after });
    if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
    const conn: any = res.body.data.users;
    pages++;
    nodes.push(...conn.edges.map((e: any) => e.node));
    if (!conn.pageInfo.hasNextPage) break;
    after = conn.pageInfo.endCursor;
    if (pages > 1000) throw new Error('runaway pagination');
  }
  return { nodes, pages };
}
