// Many clients, one account: BENCH_WALKS (50) concurrent full walks of one Okta account (different page sizes,
// so no two share a call) against a sandbox that enforces BENCH_LIMIT requests per second in fixed windows.
// Prints upstream 429s, completed walks, and the total time against the limit's theoretical minimum.
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { oktaDataset, OKTA_SANDBOX_TOKEN, startOktaSandbox } from '../src/providers/okta/sandbox.js';
import { createGateway } from '../src/server.js';

const WALKS = Number(process.env.BENCH_WALKS ?? 50);
const LIMIT = Number(process.env.BENCH_LIMIT ?? 100);
const USERS = Number(process.env.BENCH_USERS ?? 2000);
const TOKEN = 'bench-tenant-token-0123456789abcdef';

let limited = 0;
const sandbox = await startOktaSandbox({ users: oktaDataset(USERS), rateLimit: { limit: LIMIT, windowSeconds: 1, onLimited: () => limited++ } });
const config = parseConfig({
  allowPrivateUpstreams: true,
  cursorSecret: 'bench-cursor-secret-0123456789',
  tenants: [{ id: 't', apiTokens: [TOKEN] }],
  integratedAccounts: [{ id: 'okta', tenant: 't', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN }, rateLimit: { requests: LIMIT, perSeconds: 1 } }],
  limits: { maxInFlightPerTenant: 64, rateLimitWaitMs: 10000 },
});
const gateway = createGateway(config, { logger: createLogger(() => [], undefined, 'warn') });
const Q = `query($first: Int, $after: String) { users(category: USER_DIRECTORY, integratedAccountId: "okta", first: $first, after: $after) { edges { node { ... on DirectoryUser { remoteId } } } pageInfo { hasNextPage endCursor } } }`;

async function walk(first: number): Promise<{ users: number; failed?: string }> {
  let after: string | null = null;
  let users = 0;
  for (;;) {
    const res = await gateway.yoga.fetch('http://bench/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ query: Q, variables: { first, after } }) });
    const body = (await res.json()) as any;
    if (body.errors) return { users, failed: body.errors[0].extensions?.code };
    users += body.data.users.edges.length;
    if (!body.data.users.pageInfo.hasNextPage) return { users };
    after = body.data.users.pageInfo.endCursor;
  }
}

const before = sandbox.requests.length;
const t = performance.now();
const sizes = Array.from({ length: WALKS }, (_, i) => 60 + i);
const results = await Promise.all(sizes.map(walk));
const seconds = (performance.now() - t) / 1000;
const calls = sandbox.requests.length - before;
const minimum = calls / LIMIT;
const expected = oktaDataset(USERS).filter((u) => u.status !== 'DEPROVISIONED').length;
console.log(`\n${WALKS} concurrent walks of one account (${expected} users each), sandbox limit ${LIMIT} requests/s\n`);
console.log('| walks complete | failed | upstream calls | upstream 429s | seconds | theoretical minimum s | ratio |\n|---|---|---|---|---|---|---|');
console.log(`| ${results.filter((r) => !r.failed && r.users === expected).length}/${WALKS} | ${results.filter((r) => r.failed).length} | ${calls} | ${limited} | ${seconds.toFixed(2)} | ${minimum.toFixed(2)} | ${(seconds / minimum).toFixed(2)}× |`);
await gateway.close();
await sandbox.close();
process.exit(0);
