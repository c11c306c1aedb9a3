// Many clients, one account: BENCH_WALKS (50) concurrent full walks of one Okta account (each with its own
// createdAfter filter that every user passes, so no two share an upstream call) against a sandbox that enforces BENCH_LIMIT requests per second in fixed windows.
// Prints upstream 429s, completed walks, and the total time against the limit's theoretical minimum.
// The defaults (20/s, 1000 users: 250 calls) keep the limit, not the gateway's CPU, the bottleneck on a small machine.
// BENCH_OWN_LIMIT=0 removes the account's own rateLimit, so the sandbox's X-Rate-Limit-* headers drive the pacing.
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { oktaDataset, OKTA_SANDBOX_TOKEN, startOktaSandbox } from '../src/providers/okta/sandbox.js';
import { createGateway } from '../src/server.js';

const WALKS = Number(process.env.BENCH_WALKS ?? 50);
const LIMIT = Number(process.env.BENCH_LIMIT ?? 20);
const USERS = Number(process.env.BENCH_USERS ?? 1000);
const OWN = process.env.BENCH_OWN_LIMIT !== '0';
const TOKEN = 'bench-tenant-token-0123456789abcdef';

let limited = 0;
const sandbox = await startOktaSandbox({ users: oktaDataset(USERS), rateLimit: { limit: LIMIT, windowSeconds: 1, onLimited: () => limited++ } });
const config = parseConfig({
  allowPrivateUpstreams: true,
  cursorSecret: 'bench-cursor-secret-0123456789',
  tenants: [{ id: 't', apiTokens: [TOKEN] }],
  integratedAccounts: [{ id: 'okta', tenant: 't', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN }, ...(OWN ? { rateLimit: { requests: LIMIT, perSeconds: 1 } } : {}) }],
  limits: { maxInFlightPerTenant: 64, rateLimitWaitMs: 10000 },
});
const gateway = createGateway(config, { logger: createLogger(() => [], undefined, 'warn') });
const Q = `query($first: Int, $after: String, $filters: UserFilter) { users(category: USER_DIRECTORY, integratedAccountId: "okta", first: $first, after: $after, filters: $filters) { edges { node { ... on DirectoryUser { remoteId } } } pageInfo { hasNextPage endCursor } } }`;

async function walk(createdAfter: string): Promise<{ users: number; failed?: string }> {
  const first = 100;
  let after: string | null = null;
  let users = 0;
  for (;;) {
    const res = await gateway.yoga.fetch('http://bench/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ query: Q, variables: { first, after, filters: { createdAfter } } }) });
    const body = (await res.json()) as any;
    if (body.errors) return { users, failed: `${body.errors[0].extensions?.code}: ${body.errors[0].message}` };
    users += body.data.users.edges.length;
    if (!body.data.users.pageInfo.hasNextPage) return { users };
    after = body.data.users.pageInfo.endCursor;
  }
}

const before = sandbox.requests.length;
const t = performance.now();
const startedAt = Date.now();
const since = Array.from({ length: WALKS }, (_, i) => new Date(Date.UTC(2000, 0, 1, 0, 0, i)).toISOString());
const results = await Promise.all(since.map(walk));
const seconds = (performance.now() - t) / 1000;
const calls = sandbox.requests.length - before;
// The sandbox counts in fixed 1-second windows aligned to the clock: LIMIT calls may go in what is left of the
// window the bench starts in, then LIMIT in each following one, so the last batch can start no earlier than
// (rest of the first window) + (windows needed − 2) s. (calls / LIMIT would be the minimum for a sliding window.)
const windows = Math.ceil(calls / LIMIT);
const minimum = windows <= 1 ? 0 : (1000 - (startedAt % 1000)) / 1000 + (windows - 2);
// Every user was created after 2000; the gateway lists no DEPROVISIONED user unless asked for.
const expected = oktaDataset(USERS).filter((u) => u.status !== 'DEPROVISIONED').length;
console.log(`\n${WALKS} concurrent walks of one account (${expected} users each), sandbox limit ${LIMIT} requests per fixed 1 s window, ${OWN ? "account's own rateLimit set" : 'no own rateLimit (headers drive the pacing)'}\n`);
console.log('| walks complete | failed | upstream calls | upstream 429s | seconds | theoretical minimum s | ratio |\n|---|---|---|---|---|---|---|');
const codes = [...new Set(results.flatMap((r) => (r.failed ? [r.failed] : [])))];
console.log(`users per walk: ${[...new Set(results.map((r) => r.users))].join(", ")}`);
if (codes.length) console.log(`failures: ${codes.join(", ")}`);
console.log(`| ${results.filter((r) => !r.failed && r.users === expected).length}/${WALKS} | ${results.filter((r) => r.failed).length} | ${calls} | ${limited} | ${seconds.toFixed(2)} | ${minimum.toFixed(2)} | ${(seconds / minimum).toFixed(2)}× |`);
await gateway.close();
await sandbox.close();
process.exit(0);
