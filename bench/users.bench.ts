// Throughput of the gateway against its floor: a minimal undici fetch-and-map server over the same
// sandbox. Both answer "the first 100 Okta users, mapped"; the gap is what GraphQL, auth, cursors and
// the engine cost. Prints requests/s and latency percentiles for both, and the ratio.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { okta } from '../src/providers/okta/adapter.js';
import { OKTA_SANDBOX_TOKEN, startOktaSandbox } from '../src/providers/okta/sandbox.js';
import { createGateway } from '../src/server.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const TOKEN = 'bench-tenant-token-0123456789abcdef';
const QUERY = `{ users(category: USER_DIRECTORY, integratedAccountId: "okta", first: 100) {
  edges { cursor node { ... on DirectoryUser { id remoteId name firstName lastName username emails { email isPrimary type } status remoteStatus title timezone createdAt updatedAt lastLoginAt } } }
  pageInfo { hasNextPage endCursor } } }`;

const listen = (server: Server) => new Promise<string>((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));

/** p50/p99 in ms of sequential requests, timed with performance.now() (autocannon rounds to whole ms). */
async function latency(url: string, init: { method?: string; headers?: Record<string, string>; body?: string }, n = 400) {
  const client = new Pool(new URL(url).origin, { connections: 1 });
  const path = new URL(url).pathname;
  const times: number[] = [];
  for (let i = 0; i < n + 50; i++) {
    const t = performance.now();
    const res = await client.request({ method: (init.method ?? 'GET') as 'GET', path, headers: init.headers, body: init.body });
    await res.body.text();
    if (i >= 50) times.push(performance.now() - t); // the first 50 warm up
  }
  await client.close();
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(n * 0.5)]!, p99: times[Math.floor(n * 0.99)]! };
}

/** Throughput under load (CONNECTIONS), and latency one request at a time so queueing does not hide the cost. */
async function measure(name: string, opts: autocannon.Options) {
  await autocannon({ ...opts, duration: 1 }); // warm-up (and graphql-jit compilation)
  const load = await autocannon({ ...opts, duration: DURATION, connections: CONNECTIONS });
  if (load.non2xx || load.errors) throw new Error(`${name}: ${load.non2xx} non-2xx, ${load.errors} errors`);
  const solo = await latency(opts.url, { method: opts.method, headers: opts.headers as Record<string, string>, body: opts.body as string });
  return { name, rps: load.requests.average, p50: solo.p50, p99: solo.p99, loadP50: load.latency.p50 };
}

async function main() {
  const sandbox = await startOktaSandbox();
  const config = parseConfig({
    allowPrivateUpstreams: true,
    cursorSecret: 'bench-cursor-secret-0123456789',
    tenants: [{ id: 't', apiTokens: [TOKEN] }],
    integratedAccounts: [{ id: 'okta', tenant: 't', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN } }],
  });
  const gateway = createGateway(config, { logger: createLogger(() => [], undefined, 'warn') });
  const gatewayUrl = await listen(createServer(gateway.yoga));

  // The floor: one undici request, the same pure mapper, JSON out. No GraphQL, no auth, no cursors.
  const pool = new Pool(sandbox.url, { connections: 32 });
  const floorUrl = await listen(
    createServer(async (_req, res) => {
      const up = await pool.request({ method: 'GET', path: '/api/v1/users?limit=100', headers: { authorization: `SSWS ${OKTA_SANDBOX_TOKEN}`, accept: 'application/json' } });
      const raw = (await up.body.json()) as any[];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ users: raw.map((u) => okta.map(u, {})) }));
    }),
  );

  const floor = await measure('floor (undici fetch + map)', { url: floorUrl });
  const gw = await measure('gateway (GraphQL users first: 100)', {
    url: `${gatewayUrl}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ query: QUERY }),
  });

  console.log(`\nreq/s: ${DURATION}s at ${CONNECTIONS} connections; p50/p99: 400 sequential requests on one connection. One process on 127.0.0.1 (sandbox, servers and load generator share it).\n`);
  console.log(`| server | req/s | p50 ms | p99 ms | p50 ms at ${CONNECTIONS} conn |\n|---|---|---|---|---|`);
  for (const r of [floor, gw]) console.log(`| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.loadP50} |`);
  const ratio = gw.rps / floor.rps;
  console.log(`\nthroughput ratio gateway/floor: ${(ratio * 100).toFixed(1)}% (target ≥ 50%)`);
  console.log(`added latency at p50: ${(gw.p50 - floor.p50).toFixed(2)} ms (target < 2 ms)`);
  await gateway.close();
  await pool.close();
  await sandbox.close();
  process.exit(0);
}

void main();
