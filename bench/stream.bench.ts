// Fetch-all at constant memory: an Okta sandbox of BENCH_USERS (default 100 000) users in its own process,
// streamed to the end through `edges @stream` and through /export/users (NDJSON), against a raw loop that pages
// the same sandbox with undici and writes NDJSON. Samples this process's RSS every 50 ms. Prints figures.
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { okta } from '../src/providers/okta/adapter.js';
import { OKTA_SANDBOX_TOKEN } from '../src/providers/okta/sandbox.js';
import { createGateway } from '../src/server.js';

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const TOKEN = 'bench-tenant-token-0123456789abcdef';

if (process.argv[2] === 'sandbox') {
  const { oktaDataset, startOktaSandbox } = await import('../src/providers/okta/sandbox.js');
  const sb = await startOktaSandbox({ users: oktaDataset(USERS) });
  process.send!(sb.url);
} else {
  const child = fork(new URL(import.meta.url).pathname, ['sandbox'], { execArgv: ['--import', 'tsx'] });
  const url = await new Promise<string>((r) => child.once('message', (m) => r(String(m))));
  const config = parseConfig({
    allowPrivateUpstreams: true,
    cursorSecret: 'bench-cursor-secret-0123456789',
    tenants: [{ id: 't', apiTokens: [TOKEN] }],
    // The bench measures streaming, not pacing: the account's own limit is far above what the loop makes.
    integratedAccounts: [{ id: 'okta', tenant: 't', provider: 'okta', context: { baseUrl: url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN }, rateLimit: { requests: 1_000_000, perSeconds: 1 } }],
  });
  const gateway = createGateway(config, { logger: createLogger(() => [], undefined, 'warn') });
  const server = createServer((req, res) => gateway.handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const gw = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const run = async (name: string, body: () => Promise<{ bytes: number; users: number }>) => {
    global.gc?.();
    peak = process.memoryUsage().rss;
    const t = performance.now();
    const r = await body();
    const s = (performance.now() - t) / 1000;
    return { name, users: r.users, seconds: s, perSec: r.users / s, mb: r.bytes / 1e6, peakMb: peak / 1e6 };
  };
  const drain = async (res: Response, count: (text: string) => number) => {
    let bytes = 0;
    let users = 0;
    const dec = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      users += count(dec.decode(chunk, { stream: true }));
    }
    return { bytes, users };
  };
  const lines = (t: string) => t.split('\n').length - 1;

  const raw = await run('raw loop (undici pages → NDJSON)', async () => {
    const pool = new Pool(url, { connections: 2 });
    let path: string | null = '/api/v1/users?limit=200';
    let users = 0;
    let bytes = 0;
    while (path) {
      const res = await pool.request({ method: 'GET', path, headers: { authorization: `SSWS ${OKTA_SANDBOX_TOKEN}`, accept: 'application/json' } });
      const page = (await res.body.json()) as any[];
      const out = page.map((u) => JSON.stringify(okta.map(u, {}))).join('\n') + '\n';
      bytes += out.length;
      users += page.length;
      const next = /<([^>]+)>;\s*rel="next"/.exec(String(res.headers.link ?? ''));
      path = next ? new URL(next[1]!).pathname + new URL(next[1]!).search : null;
    }
    await pool.close();
    return { bytes, users };
  });
  const exp = await run('GET /export/users (NDJSON)', async () => drain(await fetch(`${gw}/export/users?integratedAccountId=okta&category=USER_DIRECTORY`, { headers: { authorization: `Bearer ${TOKEN}` } }), lines));
  const query = `{ users(category: USER_DIRECTORY, integratedAccountId: "okta", first: ${USERS}) { edges @stream(initialCount: 0) { cursor node { ... on DirectoryUser { id remoteId name firstName lastName emails { email } status createdAt } } } ... @defer { pageInfo { hasNextPage } } } }`;
  const str = await run('edges @stream (SSE)', async () =>
    drain(await fetch(`${gw}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ query }) }), (t) => (t.match(/"remoteId"/g) ?? []).length),
  );
  clearInterval(sampler);
  console.log(`\n${USERS} sandbox users (sandbox in its own process; RSS of the gateway process, which also runs the clients)\n`);
  console.log('| path | users | seconds | users/s | vs raw | MB out | peak RSS MB |\n|---|---|---|---|---|---|---|');
  for (const r of [raw, exp, str]) console.log(`| ${r.name} | ${r.users} | ${r.seconds.toFixed(2)} | ${r.perSec.toFixed(0)} | ${(r.perSec / raw.perSec).toFixed(2)}× | ${r.mb.toFixed(1)} | ${r.peakMb.toFixed(0)} |`);
  server.close();
  await gateway.close();
  child.kill();
  process.exit(0);
}
