// `npm run bench`: the gateway against its floor and a hand-written graphql-yoga peer, the way it is judged.
// Separate processes: the upstream (the project's sandboxes behind memo fronts, bench/peers/upstream.ts), the
// floor, the yoga peer and the built gateway (node dist/main.js), and the load generator (wrk, else
// autocannon). With taskset and ≥ 2 cores the servers run on CPU 0, the upstream and the load on CPU 1.
// For each query (directory: Okta, ticketing: Zendesk, usage: Claude with its usage join) and each target:
// check the answer, warm up, measure (closed loop), check again. CPU ms/req is the target's own utime+stime
// over the window (/proc), the steadiest figure on a shared machine; read the ratios vs floor.
//   DURATION=10 WARMUP=3 CONNECTIONS=16 ROUNDS=1 QUERIES=directory,ticketing,usage TOOL=auto|wrk|autocannon PIN=auto|0
//   SINGLE_FLIGHT=1 (the peers share concurrent identical upstream calls, as the gateway's engine does)
//   BENCH_GATEWAY_ARGS adds node flags to the gateway (e.g. "--cpu-prof --cpu-prof-dir=/some/dir")
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BENCH_QUERIES, BENCH_TOKEN, bodyOf, FIRST, gatewayConfig, type BenchQuery, type Upstreams } from './peers/queries.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const DURATION = Number(env.DURATION ?? 10);
const WARMUP = Number(env.WARMUP ?? 3);
const CONNECTIONS = Number(env.CONNECTIONS ?? 16);
const ROUNDS = Number(env.ROUNDS ?? 1);
const QUERIES = env.QUERIES ? BENCH_QUERIES.filter((q) => env.QUERIES!.split(',').includes(q.name)) : BENCH_QUERIES;
const onPath = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const TOOL = env.TOOL && env.TOOL !== 'auto' ? env.TOOL : onPath('wrk') ? 'wrk' : 'autocannon';
const PIN = env.PIN !== '0' && onPath('taskset') && cpus().length >= 2;
/** Peers share concurrent identical upstream calls as the gateway does (bench/peers/fetch.ts). */
const SINGLE_FLIGHT = env.SINGLE_FLIGHT === '1';
const TARGETS = ['floor', 'yoga', 'gateway'] as const;
type Target = (typeof TARGETS)[number];
const HEADERS = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${BENCH_TOKEN}` };

const RUN_ID = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
const resultsDir = join(root, 'bench/results');
mkdirSync(resultsDir, { recursive: true });
const resultsFile = join(resultsDir, `${RUN_ID}.jsonl`);
const work = mkdtempSync(join(tmpdir(), 'rollcall-bench-'));
const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

// ---- processes: each in its own process group, stopped by its group on exit, error or Ctrl-C ----------------
const children: ChildProcess[] = [];
function start(name: string, cmd: string[], cpu: 0 | 1, extraEnv: Record<string, string> = {}): ChildProcess {
  const argv = PIN ? ['taskset', '-c', String(cpu), ...cmd] : cmd; // taskset execs: the pid is the server's
  const logFd = openSync(join(resultsDir, `${RUN_ID}.${name}.log`), 'a');
  const child = spawn(argv[0]!, argv.slice(1), { cwd: root, detached: true, stdio: ['ignore', 'pipe', logFd], env: { ...env, NODE_ENV: 'production', ...extraEnv } });
  children.push(child);
  log(`started ${name} (pid ${child.pid})`);
  return child;
}
const signalAll = (sig: NodeJS.Signals) => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) try { process.kill(-c.pid!, sig); } catch { /* gone */ }
};
async function stopAll() {
  signalAll('SIGTERM');
  const deadline = Date.now() + 5000;
  while (children.some((c) => c.exitCode === null && c.signalCode === null) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  signalAll('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}
process.on('exit', () => signalAll('SIGKILL')); // last resort (an uncaught error)
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    stopping = true;
    void stopAll().then(() => process.exit(130));
  });

/** The first stdout line of a child matching `re` (its readiness line), or an error when it exits first. */
function lineOf(child: ChildProcess, name: string, re: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (l) => re.test(l) && resolve(l));
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready; see bench/results/${RUN_ID}.${name}.log`)));
  });
}
const freePort = () => new Promise<number>((r) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => r(p)); }); });

// ---- measurements -----------------------------------------------------------------------------------------
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK; // utime + stime, all threads
}
const rssMb = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
const upstreamCalls = async (front: string) => ((await (await fetch(`${front}/__bench/calls`)).json()) as { calls: number }).calls;

/** One answer: HTTP 200, no errors, FIRST users. */
async function check(url: string, body: string): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: HEADERS, body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
  const json = JSON.parse(text);
  if (json.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(json.errors).slice(0, 300)}`);
  const n = json.data?.users?.edges?.length;
  if (n !== FIRST) throw new Error(`expected ${FIRST} users, got ${n}`);
  return Buffer.byteLength(text);
}

interface Load { requests: number; rps: number; p50_ms: number; p99_ms: number; errors: number; non2xx: number }
/** Closed-loop load from its own process (pinned with the upstream), wrk or autocannon. */
function load(url: string, bodyFile: string, seconds: number): Promise<Load> {
  const cmd = TOOL === 'wrk'
    ? ['wrk', '-t', '1', '-c', String(CONNECTIONS), '-d', `${seconds}s`, '--timeout', '10s', '-s', bodyFile.replace(/\.json$/, '.lua'), url]
    : [process.execPath, join(root, 'bench/peers/autocannon.mjs'), url, bodyFile, String(CONNECTIONS), String(seconds), HEADERS.authorization];
  const argv = PIN ? ['taskset', '-c', '1', ...cmd] : cmd;
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    child.on('close', (code) => {
      const m = /@@RESULT (\{.*\})/.exec(out);
      if (code !== 0 || !m) return reject(new Error(`${TOOL} exited ${code}: ${out.slice(-400)}`));
      const r = JSON.parse(m[1]!);
      resolve({ requests: r.requests, rps: r.requests / (r.duration_us / 1e6), p50_ms: r.p50_us / 1000, p99_ms: r.p99_us / 1000, errors: r.errors, non2xx: r.non2xx });
    });
  });
}

/** wrk's POST script (the body in a long Lua string), printing its summary as one JSON line. */
function writeBody(q: BenchQuery): string {
  const body = bodyOf(q);
  const file = join(work, `${q.name}.json`);
  writeFileSync(file, body);
  let eq = '=';
  while (body.includes(`]${eq}]`)) eq += '=';
  writeFileSync(file.replace(/\.json$/, '.lua'), `wrk.method = "POST"
${Object.entries(HEADERS).map(([k, v]) => `wrk.headers["${k}"] = "${v}"`).join('\n')}
wrk.body = [${eq}[${body}]${eq}]
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('@@RESULT {"requests":%d,"duration_us":%d,"errors":%d,"non2xx":%d,"p50_us":%d,"p99_us":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(50), latency:percentile(99)))
end
`);
  return file;
}

async function drive(target: Target, url: string, pid: number, q: BenchQuery, bodyFile: string, front: string) {
  const body = bodyOf(q);
  const row: Record<string, unknown> = { run: RUN_ID, query: q.name, target, tool: TOOL, connections: CONNECTIONS, duration_s: DURATION, warmup_s: WARMUP, pinned: PIN, single_flight: SINGLE_FLIGHT, loadavg_before: loadavg().map((x) => +x.toFixed(2)) };
  try {
    row.response_bytes = await check(url, body);
    if (WARMUP > 0) await load(url, bodyFile, WARMUP);
    const [cpu0, calls0] = [cpuSeconds(pid), await upstreamCalls(front)];
    const m = await load(url, bodyFile, DURATION);
    const [cpu1, calls1] = [cpuSeconds(pid), await upstreamCalls(front)];
    Object.assign(row, m, { cpu_ms_per_req: m.requests ? ((cpu1 - cpu0) * 1000) / m.requests : null, upstream_calls_per_req: m.requests ? (calls1 - calls0) / m.requests : null, rss_mb: rssMb(pid) });
    await check(url, body); // still answering correctly after the load
    row.ok = m.errors === 0 && m.non2xx === 0;
    if (!row.ok) row.error = `${m.errors} socket errors, ${m.non2xx} non-2xx`;
  } catch (e) {
    row.ok = false;
    row.error = String((e as Error).message ?? e);
  }
  if (stopping) return row; // interrupted: not a result
  appendFileSync(resultsFile, `${JSON.stringify(row)}\n`);
  log(row.ok ? `  ${target}: ${Number(row.rps).toFixed(0)} req/s, p99 ${Number(row.p99_ms).toFixed(2)} ms, ${Number(row.cpu_ms_per_req).toFixed(3)} CPU ms/req` : `  ${target}: FAILED ${row.error}`);
  return row;
}

// ---- the table ----------------------------------------------------------------------------------------------
const median = (xs: number[]) => {
  const v = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  return v.length ? (v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2) : null;
};
function table(rows: Record<string, any>[], q: BenchQuery): string {
  const stat = (t: Target) => {
    const good = rows.filter((r) => r.query === q.name && r.target === t && r.ok);
    const pick = (k: string) => median(good.map((r) => r[k]));
    return { t, n: good.length, error: rows.find((r) => r.query === q.name && r.target === t && !r.ok)?.error, rps: pick('rps'), p50: pick('p50_ms'), p99: pick('p99_ms'), cpu: pick('cpu_ms_per_req'), bytes: pick('response_bytes'), rss: pick('rss_mb'), up: pick('upstream_calls_per_req') };
  };
  const stats = TARGETS.map(stat);
  const floor = stats[0]!;
  const f = (x: number | null, d = 0) => (x === null ? '-' : x.toFixed(d));
  const ratio = (a: number | null, b: number | null) => (a && b ? `${(a / b).toFixed(2)}x` : '-');
  const head = ['target', 'req/s', 'p50 ms', 'p99 ms', 'CPU ms/req', 'resp bytes', 'RSS MB', 'upstream calls/req', 'req/s vs floor', 'p99 vs floor', 'CPU/req vs floor'];
  const body = stats.map((s) => (s.n === 0
    ? [s.t, `FAILED: ${String(s.error).slice(0, 100)}`]
    : [s.t, f(s.rps), f(s.p50, 2), f(s.p99, 2), f(s.cpu, 3), f(s.bytes), f(s.rss), f(s.up, 2), ratio(s.rps, floor.rps), ratio(s.p99, floor.p99), ratio(s.cpu, floor.cpu)]));
  return [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i ? ' ---: |' : ' --- |')).join('')}`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

// ---- main ---------------------------------------------------------------------------------------------------
async function main() {
  log('building the gateway (npm run build)');
  if (spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' }).status !== 0) throw new Error('npm run build failed');
  const tsx = [process.execPath, '--import', 'tsx'];
  const up = start('upstream', [...tsx, 'bench/peers/upstream.ts'], 1);
  const upstreams = JSON.parse(await lineOf(up, 'upstream', /^\{/)) as Upstreams;
  const urls = {} as Record<Target, string>;
  const procs = {} as Record<Target, ChildProcess>;
  for (const peer of ['floor', 'yoga'] as const) {
    procs[peer] = start(peer, [...tsx, `bench/peers/${peer}.ts`], 0, { BENCH_UPSTREAMS: JSON.stringify(upstreams), PORT: '0' });
    urls[peer] = (await lineOf(procs[peer], peer, /^listening /)).slice('listening '.length);
  }
  const configFile = join(work, 'gateway.json');
  writeFileSync(configFile, JSON.stringify(gatewayConfig(upstreams)));
  const port = await freePort();
  procs.gateway = start('gateway', [process.execPath, ...(env.BENCH_GATEWAY_ARGS ?? '').split(' ').filter(Boolean), 'dist/main.js'], 0, { GATEWAY_CONFIG: configFile, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ROLLCALL_DATA_DIR: join(work, 'data') });
  urls.gateway = `http://127.0.0.1:${port}/graphql`;
  const exited = new Promise((_, reject) => procs.gateway.once('exit', (c) => reject(new Error(`the gateway exited (${c}); see bench/results/${RUN_ID}.gateway.log`))));
  for (let i = 0; ; i++) {
    const ok = await Promise.race([fetch(urls.gateway, { method: 'POST', headers: HEADERS, body: bodyOf(QUERIES[0]!) }).then(() => true, () => false), exited]);
    if (ok) break;
    if (i > 600) throw new Error('the gateway did not answer within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  const bodies = new Map(QUERIES.map((q) => [q.name, writeBody(q)]));
  log(`node ${process.version}, ${cpus().length} cores, pinned=${PIN}, tool=${TOOL}, ${CONNECTIONS} connections, ${WARMUP}s warm-up + ${DURATION}s, ${ROUNDS} round(s), load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const rows: Record<string, unknown>[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const q of QUERIES) {
      log(`round ${round}/${ROUNDS}, ${q.name} (${q.category}, ${q.provider})`);
      for (const t of TARGETS) {
        const row = await drive(t, urls[t], procs[t].pid!, q, bodies.get(q.name)!, upstreams[q.provider]);
        if (stopping) return; // interrupted: no table of half-killed targets
        rows.push(row);
      }
    }
  }
  const out = [`node ${process.version}, ${cpus().length} cores, pinned=${PIN} (servers on CPU 0, upstream + load on CPU 1), ${TOOL}, ${CONNECTIONS} connections, ${WARMUP}s warm-up + ${DURATION}s, medians of ${ROUNDS} round(s), peers' single flight ${SINGLE_FLIGHT ? 'on' : 'off'}; load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`];
  for (const q of QUERIES) out.push('', `${q.name}: users(category: ${q.category}, first: ${FIRST}) on ${q.provider}`, '', table(rows as Record<string, any>[], q));
  process.stdout.write(`\n${out.join('\n')}\n\nresults: bench/results/${RUN_ID}.jsonl\n`);
}

main().then(
  () => stopAll(),
  async (e) => {
    log(`failed: ${(e as Error).stack ?? e}`);
    await stopAll();
    process.exitCode = 1;
  },
);
