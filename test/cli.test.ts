// The command line as a new user meets it: `node --import tsx src/main.ts` spawned for real, on port 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { transcript } from './helpers.js';
import type { Sandbox } from '../src/providers/engine/sandbox-kit.js';
import { OKTA_SANDBOX_TOKEN, startOktaSandbox } from '../src/providers/okta/sandbox.js';

// Each test spawns a fresh process that loads TypeScript and the whole schema: on a busy 2-core machine that
// can take tens of seconds, so waits here are generous (they bound a hang, they do not measure speed).
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const ROOT = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'rollcall-cli-'));

interface Run { child: ChildProcess; stdout: string; stderr: string; exit: Promise<number | null> }

/** Starts the gateway with only the given environment (plus PATH), as `npm start` would. */
function start(args: string[], env: Record<string, string> = {}): Run {
  // Each process gets its own embedded database directory: runs go concurrently, and two PGlite
  // instances cannot share one directory.
  const dataDir = mkdtempSync(join(dir, 'data-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', PORT: '0', ROLLCALL_DATA_DIR: dataDir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  // 'close', not 'exit': a process's last stderr lines may still be in the pipe when it exits.
  const run: Run = { child, stdout: '', stderr: '', exit: new Promise((resolve) => child.on('close', (code) => resolve(code))) };
  child.stdout!.on('data', (d) => (run.stdout += d));
  child.stderr!.on('data', (d) => (run.stderr += d));
  return run;
}

async function until(run: Run, test: () => boolean, what: string, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stdout: ${run.stdout} stderr: ${run.stderr}`);
    if (run.child.exitCode !== null) throw new Error(`exited ${run.child.exitCode} before ${what}; stderr: ${run.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const jsonLines = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
const listening = (run: Run) => jsonLines(run.stdout).find((l) => l.msg === 'rollcall listening');

async function stop(run: Run) {
  if (run.child.exitCode === null) run.child.kill('SIGTERM');
  await run.exit;
  transcript.push(run.stdout, run.stderr);
}

/** Exits without starting: returns the exit code and what was printed. */
async function refused(args: string[], env: Record<string, string> = {}) {
  const run = start(args, env);
  const code = await run.exit;
  transcript.push(run.stdout, run.stderr);
  return { code, stdout: run.stdout, stderr: run.stderr };
}

const TOKEN_A = 'cli-tenant-token-A-0123456789abcdef';
const TOKEN_B = 'cli-tenant-token-B-0123456789abcdef';
function writeConfig(name: string, cfg: Record<string, unknown>): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ cursorSecret: 'cli-cursor-secret-0123456789', ...cfg }));
  return path;
}
const emptyConfig = writeConfig('empty.json', { tenants: [{ id: 'acme', apiTokens: [TOKEN_A] }], integratedAccounts: [] });

describe.concurrent('command line', () => {
  it.concurrent('stops an unknown flag with the usage, instead of starting demo mode', async () => {
    const r = await refused(['--conf', 'file.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rollcall: Unknown option '--conf'/);
    expect(r.stderr).toContain('Usage: rollcall [--config <file>]');
    expect(r.stderr).not.toContain('demo mode (');
  });

  it.concurrent('prints the usage for --help and exits 0', async () => {
    const r = await refused(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: rollcall/);
    expect(r.stdout).toMatch(/HOST/);
  });

  it.concurrent('refuses an empty GATEWAY_CONFIG rather than starting demo mode', async () => {
    const r = await refused([], { GATEWAY_CONFIG: '' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('rollcall: GATEWAY_CONFIG is set but empty; give it a config file path, or unset it to start in demo mode.');
  });

  it.concurrent.each([
    ['PORT=abc', { PORT: 'abc' }, /^rollcall: PORT must be a number from 0 to 65535 \(got "abc"\)\.$/],
    ['LOG_LEVEL=verbose', { LOG_LEVEL: 'verbose' }, /^rollcall: LOG_LEVEL must be one of .*\(got "verbose"\)\.$/],
  ])('answers %s with one clear line and a non-zero exit', async (_name, env, line) => {
    const r = await refused(['--config', emptyConfig], env);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(line);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.concurrent('answers a port in use with one clear line and a non-zero exit', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const r = await refused(['--config', emptyConfig], { PORT: String(port), HOST: '127.0.0.1' });
    taken.close();
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`rollcall: 127.0.0.1:${port} is already in use; stop the other process or choose another PORT.`);
  });

  it.concurrent('stops on a bad config, naming the field', async () => {
    const bad = writeConfig('bad.json', { tenants: [{ id: 'acme', apiTokens: [' '.repeat(20)] }], integratedAccounts: [] });
    const r = await refused(['--config', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^invalid gateway config:\n  - tenants\["acme"\]\.apiTokens\[0\]: API tokens/);
  });
});

describe.concurrent('demo mode', () => {
  it('says so on its first line, binds 127.0.0.1, and keeps stdout to JSON lines (a library\'s console output too)', async () => {
    const run = start([]);
    await until(run, () => /Demo tenant API token: (\S+)/.test(run.stderr) && !!listening(run), 'the demo banner');
    try {
      expect(run.stderr.split('\n')[0]).toMatch(/^Rollcall demo mode \(no --config or GATEWAY_CONFIG given\)/);
      const { url, host } = listening(run);
      expect(host).toBe('127.0.0.1');
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
      const token = /Demo tenant API token: (\S+)/.exec(run.stderr)![1]!;
      // An inline JSON literal once made graphql-jit print through console.error; such documents now run on graphql-js.
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ users(category: USER_DIRECTORY, integratedAccountId: "demo-okta", first: 1, remoteQuery: { a: 1 }) { edges { cursor } } }' }),
      });
      expect(res.status).toBe(200);
      await until(run, () => jsonLines(run.stdout).some((l) => l.msg === 'request'), 'the request log line');
      const lines = jsonLines(run.stdout); // throws on any line that is not JSON
      expect(lines.some((l) => l.source === 'console')).toBe(false);
      expect(run.stderr).not.toMatch(/Scalar with variable inputs/);
      run.child.kill('SIGHUP');
      await until(run, () => run.stdout.includes('SIGHUP ignored'), 'the SIGHUP log line');
      expect(run.child.exitCode).toBeNull();
    } finally {
      await stop(run);
    }
  });
});

describe.concurrent('SIGHUP', () => {
  let okta: Sandbox;
  beforeAll(async () => {
    okta = await startOktaSandbox();
  });
  afterAll(() => okta.close());

  const account = (id: string) => ({ id, tenant: 'acme', provider: 'okta', context: { baseUrl: okta.url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN } });
  const Q = (id: string) => `{ users(category: USER_DIRECTORY, integratedAccountId: "${id}", first: 1) { edges { node { ... on DirectoryUser { remoteId } } } } }`;

  it('reloads the config file: new accounts and tokens served, old ones dropped, in-flight requests unharmed', { timeout: 240_000 }, async () => {
    const literal = { ...account('okta-literal'), credentials: { apiToken: '$OKTA_TOKEN' } };
    const path = writeConfig('reload.json', { allowPrivateUpstreams: true, tenants: [{ id: 'acme', apiTokens: [TOKEN_A] }], integratedAccounts: [account('okta-old'), literal] });
    const run = start(['--config', path]);
    try {
      await until(run, () => !!listening(run), 'listening');
      // Start-up warnings are log lines too.
      expect(jsonLines(run.stdout).find((l) => l.level === 40)?.msg).toMatch(/integratedAccounts\["okta-literal"\]\.credentials\.apiToken: looks like a shell variable without braces and is used literally; write \$\{OKTA_TOKEN\}/);
      const { url } = listening(run);
      const ask = (token: string, id: string) =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: Q(id) }) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

      okta.inject({ delayMs: 1500, match: /\/api\/v1\/users/ });
      const inflight = ask(TOKEN_A, 'okta-old');
      await until(run, () => okta.requests.length > 0, 'the in-flight upstream call');
      writeConfig('reload.json', { allowPrivateUpstreams: true, tenants: [{ id: 'acme', apiTokens: [TOKEN_B] }], integratedAccounts: [account('okta-new')] });
      run.child.kill('SIGHUP');
      await until(run, () => run.stdout.includes('config reloaded'), 'the reload log line');
      // TOKEN_A is no longer in the file: looking it up opens the embedded database now (at its first use).

      expect((await ask(TOKEN_A, 'okta-old')).status).toBe(401);
      const fresh = await ask(TOKEN_B, 'okta-new');
      expect(fresh.body.errors).toBeUndefined();
      expect(fresh.body.data.users.edges).toHaveLength(1);
      expect((await ask(TOKEN_B, 'okta-old')).body.errors[0].extensions.code).toBe('INTEGRATED_ACCOUNT_NOT_FOUND');
      const old = await inflight;
      expect(old.body.errors).toBeUndefined();
      expect(old.body.data.users.edges).toHaveLength(1);

      // A broken file keeps the running config.
      writeFileSync(path, '{ nope');
      run.child.kill('SIGHUP');
      await until(run, () => run.stdout.includes('config reload failed'), 'the failed-reload log line');
      expect((await ask(TOKEN_B, 'okta-new')).status).toBe(200);
      expect(run.child.exitCode).toBeNull();
    } finally {
      await stop(run);
    }
  });
});

describe.concurrent('SIGTERM', () => {
  it('aborts a request still running at limits.shutdownGraceMs (a body trickling forever), answers it, and exits', async () => {
    // An upstream that starts a JSON array and never finishes it: one byte every 200 ms.
    const trickle = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).write('[');
      const t = setInterval(() => res.write(' '), 200);
      res.on('close', () => clearInterval(t));
    });
    let arrived = 0;
    trickle.on('request', () => arrived++);
    await new Promise<void>((r) => trickle.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(trickle.address() as { port: number }).port}`;
    const long = 600_000;
    const path = writeConfig('shutdown.json', {
      allowPrivateUpstreams: true,
      tenants: [{ id: 'acme', apiTokens: [TOKEN_A] }],
      integratedAccounts: [{ id: 'okta-slow', tenant: 'acme', provider: 'okta', context: { baseUrl: base }, credentials: { apiToken: OKTA_SANDBOX_TOKEN } }],
      limits: { shutdownGraceMs: 300, requestTimeoutMs: long },
      http: { timeoutMs: long, headersTimeoutMs: long, bodyTimeoutMs: long, retryMaxTotalMs: long },
    });
    const run = start(['--config', path]);
    try {
      await until(run, () => !!listening(run), 'listening');
      const answer = fetch(listening(run).url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN_A}` }, body: JSON.stringify({ query: '{ users(category: USER_DIRECTORY, integratedAccountId: "okta-slow", first: 1) { edges { cursor } } }' }) }).then((r) => r.json() as Promise<any>);
      await until(run, () => arrived > 0, 'the upstream call');
      run.child.kill('SIGTERM');
      // Without the abort the process would wait for the upstream to hang up: never.
      const code = await Promise.race([run.exit, new Promise((r) => setTimeout(() => r('still running'), 30_000))]);
      expect(code).toBe(0);
      const body = await answer;
      expect(body.errors[0].extensions.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(body.errors[0].message).toMatch(/shutting down/);
      expect(run.stdout).toContain('shutdown: aborting requests still running');
    } finally {
      await stop(run);
      trickle.closeAllConnections();
      await new Promise<void>((r) => trickle.close(() => r()));
    }
  });
});
