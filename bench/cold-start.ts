// Cold start: spawns the compiled gateway (dist/main.js: `npm run build` first) with a config file whose
// account points at an Okta sandbox (in this process), and times spawn → first successful GraphQL answer
// (a users page). A fresh data directory each round, as on a first deploy. Prints each round, the
// gateway's own CPU time until then (a busy machine queues us; CPU time tells our work apart) and medians.
// Usage: npm run bench:cold-start [-- rounds]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { OKTA_SANDBOX_TOKEN, startOktaSandbox } from '../src/providers/okta/sandbox.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rounds = Number(process.argv[2] ?? 3);
const entry = process.env.ENTRY ?? join(root, 'dist/main.js');
const TOKEN = 'cold-start-token-0123456789abcdef';
const QUERY = '{ users(category: USER_DIRECTORY, integratedAccountId: "okta", first: 10) { edges { cursor node { ... on DirectoryUser { id name } } } } }';

/** utime + stime of a process in ms (Linux /proc; clock ticks are 100 per second there). */
function cpuMs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

async function answered(port: number): Promise<boolean> {
  try {
    const res = await request(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ query: QUERY }) });
    const body = (await res.body.json()) as { errors?: unknown; data?: { users?: { edges?: unknown[] } } };
    return res.statusCode === 200 && !body.errors && body.data?.users?.edges?.length === 10;
  } catch {
    await new Promise((r) => setTimeout(r, 5));
    return false;
  }
}

const sandbox = await startOktaSandbox();
const wall: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < rounds; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-cold-'));
  const config = join(dir, 'gateway.json');
  writeFileSync(config, JSON.stringify({
    allowPrivateUpstreams: true,
    cursorSecret: 'cold-start-secret-0123456789abcdef',
    tenants: [{ id: 'acme', apiTokens: [TOKEN] }],
    integratedAccounts: [{ id: 'okta', tenant: 'acme', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN } }],
  }));
  const port = 4700 + i;
  const t0 = performance.now();
  const child = spawn(process.execPath, [entry, '--config', config], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', LOG_LEVEL: 'warn', ROLLCALL_DATA_DIR: join(dir, 'data') },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  while (!(await answered(port))) if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode} before answering`);
  wall.push(performance.now() - t0);
  cpu.push(cpuMs(child.pid!));
  process.stdout.write(`round ${i + 1}: first answer after ${wall[i]!.toFixed(0)} ms (the gateway's CPU time: ${cpu[i]!.toFixed(0)} ms)\n`);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
await sandbox.close();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
process.stdout.write(`cold start to first answer: median ${median(wall).toFixed(0)} ms (CPU ${median(cpu).toFixed(0)} ms) over ${rounds} rounds, target < 1500 ms; load average ${loadavg()[0]!.toFixed(1)}\n`);
