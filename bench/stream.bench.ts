// Fetch-all at constant memory: an Okta sandbox of BENCH_USERS (default 100 000) users, streamed to the end
// through `edges @stream` (SSE and multipart) and /export/users (NDJSON, CSV), against a raw loop that pages
// the same sandbox with undici and writes NDJSON. Sandbox, gateway and each client run in their own process:
// the gateway is the built bundle (`npm run build` → dist/main.js, rebuilt here unless BENCH_NO_BUILD=1;
// BENCH_GATEWAY=tsx runs src/main.ts instead) started with GATEWAY_CONFIG and PORT=0, and its RSS is read
// from /proc/<pid>/status every 20 ms. Every client, the raw loop included, writes what it reads into the
// same counting sink. BENCH_ONLY=raw,export,csv,sse,multipart picks runs; BENCH_GATEWAY_ARGS adds node flags
// to the gateway (e.g. --cpu-prof). Prints a table.
import { execFileSync, fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { Pool, request } from 'undici';

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const TOKEN = 'bench-tenant-token-0123456789abcdef';
const self = fileURLToPath(import.meta.url);
const root = join(self, '../..');

/** Counts bytes and occurrences of `needle` (across chunk boundaries), dropping everything it is given. */
function countingSink(needle: string) {
  const pat = Buffer.from(needle);
  let tail: Buffer = Buffer.alloc(0);
  const counts = { bytes: 0, hits: 0 };
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      counts.bytes += chunk.length;
      const buf = tail.length ? Buffer.concat([tail, chunk]) : chunk;
      for (let i = buf.indexOf(pat); i !== -1; i = buf.indexOf(pat, i + pat.length)) counts.hits++;
      tail = buf.subarray(Math.max(0, buf.length - pat.length + 1));
      cb();
    },
  });
  return { sink, counts };
}

type Mode = 'raw' | 'export' | 'csv' | 'sse' | 'multipart';
const STREAM_QUERY = `{ users(category: USER_DIRECTORY, integratedAccountId: "okta", first: ${USERS}) { edges @stream(initialCount: 0) { cursor node { ... on DirectoryUser { id remoteId name firstName lastName emails { email } status createdAt } } } ... @defer { pageInfo { hasNextPage } } } }`;

/** One client run in this process: reads everything into the sink, reports users and bytes. */
async function client(mode: Mode, target: string): Promise<{ users: number; bytes: number }> {
  if (mode === 'raw') {
    const { okta } = await import('../src/providers/okta/adapter.js');
    const { OKTA_SANDBOX_TOKEN } = await import('../src/providers/okta/sandbox.js');
    const { sink, counts } = countingSink('\n');
    const pool = new Pool(target, { connections: 2 });
    let path: string | null = '/api/v1/users?limit=200';
    while (path) {
      const res = await pool.request({ method: 'GET', path, headers: { authorization: `SSWS ${OKTA_SANDBOX_TOKEN}`, accept: 'application/json' } });
      const page = (await res.body.json()) as any[];
      if (page.length && !sink.write(page.map((u) => JSON.stringify(okta.map(u, {}))).join('\n') + '\n')) await new Promise((r) => sink.once('drain', r));
      const next = /<([^>]+)>;\s*rel="next"/.exec(String(res.headers.link ?? ''));
      path = next ? new URL(next[1]!).pathname + new URL(next[1]!).search : null;
    }
    await new Promise<void>((r) => sink.end(r));
    await pool.close();
    return { users: counts.hits, bytes: counts.bytes };
  }
  const auth = { authorization: `Bearer ${TOKEN}` };
  const res =
    mode === 'export' || mode === 'csv'
      ? await request(`${target}/export/users?integratedAccountId=okta&category=USER_DIRECTORY&format=${mode === 'csv' ? 'csv' : 'ndjson'}`, { headers: auth })
      : await request(`${target}/graphql`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json', accept: mode === 'sse' ? 'text/event-stream' : 'multipart/mixed' },
          body: JSON.stringify({ query: STREAM_QUERY }),
        });
  if (res.statusCode !== 200) throw new Error(`${mode}: HTTP ${res.statusCode} ${await res.body.text()}`);
  const { sink, counts } = countingSink(mode === 'sse' || mode === 'multipart' ? '"remoteId"' : '\n');
  await pipeline(res.body, sink);
  return { users: mode === 'csv' ? counts.hits - 1 : counts.hits, bytes: counts.bytes };
}

/** Gateway RSS from /proc (kB → bytes); 0 once the process is gone. */
function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const role = process.argv[2];
if (role === 'sandbox') {
  const { oktaDataset, startOktaSandbox } = await import('../src/providers/okta/sandbox.js');
  const sb = await startOktaSandbox({ users: oktaDataset(USERS) });
  process.send!(sb.url);
} else if (role === 'client') {
  const t = performance.now();
  const r = await client(process.argv[3] as Mode, process.argv[4]!);
  process.send!({ ...r, seconds: (performance.now() - t) / 1000 }, () => process.exit(0));
} else {
  const useTsx = process.env.BENCH_GATEWAY === 'tsx';
  if (!useTsx && process.env.BENCH_NO_BUILD !== '1') execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
  const sandbox = fork(self, ['sandbox'], { execArgv: ['--import', 'tsx'] });
  // Whatever ends this process (a failed run included) ends the sandbox and the gateway with it.
  const children = [sandbox];
  process.on('exit', () => children.forEach((c) => c.kill()));
  process.on('unhandledRejection', (e) => {
    console.error(e);
    process.exit(1);
  });
  const sandboxUrl = await new Promise<string>((r) => sandbox.once('message', (m) => r(String(m))));
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-bench-'));
  const configPath = join(dir, 'gateway.json');
  const { OKTA_SANDBOX_TOKEN } = await import('../src/providers/okta/sandbox.js');
  writeFileSync(
    configPath,
    JSON.stringify({
      allowPrivateUpstreams: true,
      cursorSecret: 'bench-cursor-secret-0123456789',
      tenants: [{ id: 't', apiTokens: [TOKEN] }],
      // The bench measures streaming, not pacing: the account's own limit is far above what the loop makes.
      integratedAccounts: [{ id: 'okta', tenant: 't', provider: 'okta', context: { baseUrl: sandboxUrl }, credentials: { apiToken: OKTA_SANDBOX_TOKEN }, rateLimit: { requests: 1_000_000, perSeconds: 1 } }],
    }),
  );
  const extra = (process.env.BENCH_GATEWAY_ARGS ?? '').split(' ').filter(Boolean);
  // The README's production command: `NODE_ENV=production node dist/main.js`.
  const entry = useTsx ? ['--import', 'tsx', join(root, 'src/main.ts')] : [join(root, 'dist/main.js')];
  const gateway = spawn(process.execPath, [...extra, ...entry], { cwd: dir, env: { NODE_ENV: 'production', ...process.env, GATEWAY_CONFIG: configPath, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info' }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(gateway);
  gateway.on('exit', (code, signal) => code !== 0 && signal !== 'SIGTERM' && console.error(`gateway exited (${code ?? signal})`));
  const port = await new Promise<number>((resolve, reject) => {
    gateway.once('exit', (c) => reject(new Error(`gateway exited (${c})`)));
    // stdout is JSON log lines (one per request at info): the listening line gives the port, the rest is drained.
    createInterface({ input: gateway.stdout! }).on('line', (l) => {
      if (l.includes('rollcall listening')) resolve(JSON.parse(l).port);
      else if (!l.startsWith('{') || process.env.BENCH_LOG_LEVEL) console.error(`gateway: ${l}`); // --trace-gc, debug lines
    });
  });
  const gw = `http://127.0.0.1:${port}`;
  const runClient = (mode: Mode, target: string) =>
    new Promise<{ users: number; bytes: number; seconds: number }>((resolve, reject) => {
      const c = fork(self, ['client', mode, target], { execArgv: ['--import', 'tsx'] });
      c.once('message', (m) => resolve(m as never));
      children.push(c);
      c.once('exit', (code) => code && reject(new Error(`${mode} client exited ${code}`)));
      gateway.once('exit', () => reject(new Error(`the gateway exited during ${mode}`)));
    });
  const names: Record<Mode, string> = { raw: 'raw loop (undici pages → NDJSON)', export: 'GET /export/users NDJSON', csv: 'GET /export/users CSV', sse: 'edges @stream (SSE)', multipart: 'edges @stream (multipart)' };
  const only = (process.env.BENCH_ONLY ?? 'raw,export,csv,sse,multipart').split(',') as Mode[];
  const rows: { mode: Mode; users: number; seconds: number; perSec: number; mb: number; peakMb: number; idleMb: number }[] = [];
  for (const mode of (['raw', ...only.filter((m) => m !== 'raw')] as Mode[])) {
    const idle = rssOf(gateway.pid!);
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(gateway.pid!))), 20);
    const r = await runClient(mode, mode === 'raw' ? sandboxUrl : gw);
    clearInterval(sampler);
    rows.push({ mode, users: r.users, seconds: r.seconds, perSec: r.users / r.seconds, mb: r.bytes / 1e6, peakMb: peak / 1e6, idleMb: idle / 1e6 });
  }
  const raw = rows[0]!;
  console.log(`\n${USERS} sandbox users; gateway ${useTsx ? 'src/main.ts (tsx)' : 'dist/main.js'}; sandbox, gateway and each client in their own process; load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n`);
  console.log('| path | users | seconds | users/s | vs raw | MB out | gateway RSS before → peak MB |\n|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(`| ${names[r.mode]} | ${r.users} | ${r.seconds.toFixed(2)} | ${r.perSec.toFixed(0)} | ${(r.perSec / raw.perSec).toFixed(2)}× | ${r.mb.toFixed(1)} | ${r.mode === 'raw' ? '–' : `${r.idleMb.toFixed(0)} → ${r.peakMb.toFixed(0)}`} |`);
  gateway.kill('SIGTERM');
  await new Promise((r) => gateway.once('exit', r));
  sandbox.kill();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

