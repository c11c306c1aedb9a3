// The production build: `npm run build` bundles src/ into dist/, and plain `node dist/main.js` (no
// TypeScript loader) starts the gateway and answers. The embedded database opens only when needed, so a
// gateway serving the config file's accounts never creates it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { transcript } from './helpers.js';
import type { Sandbox } from '../src/providers/engine/sandbox-kit.js';
import { OKTA_SANDBOX_TOKEN, startOktaSandbox } from '../src/providers/okta/sandbox.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 }); // a busy 2-core machine: bounds a hang only

const ROOT = join(import.meta.dirname, '..');
const TOKEN = 'build-tenant-token-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'rollcall-build-'));
const dataDir = join(dir, 'data');
let sandbox: Sandbox;
let child: ChildProcess;
let stdout = '';
let stderr = '';

beforeAll(async () => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'pipe' });
  sandbox = await startOktaSandbox();
  const config = join(dir, 'gateway.json');
  writeFileSync(config, JSON.stringify({
    allowPrivateUpstreams: true,
    cursorSecret: 'build-cursor-secret-0123456789',
    tenants: [{ id: 'acme', apiTokens: [TOKEN] }],
    integratedAccounts: [{ id: 'okta', tenant: 'acme', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN } }],
  }));
  child = spawn(process.execPath, ['dist/main.js', '--config', config], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production', ROLLCALL_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  transcript.push(stdout, stderr);
  await sandbox?.close();
});

async function url(): Promise<string> {
  for (;;) {
    const line = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.msg === 'rollcall listening');
    if (line) return `http://127.0.0.1:${line.port}/graphql`;
    if (child.exitCode !== null) throw new Error(`the built gateway exited with ${child.exitCode}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the built gateway', () => {
  it('runs from dist/ with plain node and answers a users page, without opening the embedded database', async () => {
    const res = await fetch(await url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ query: '{ users(category: USER_DIRECTORY, integratedAccountId: "okta", first: 3) { edges { cursor node { ... on DirectoryUser { id emails { email } } } } pageInfo { hasNextPage } } }' }),
    });
    const body = await res.json();
    expect(body.errors).toBeUndefined();
    expect(body.data.users.edges).toHaveLength(3);
    expect(body.data.users.pageInfo.hasNextPage).toBe(true);
    expect(existsSync(dataDir)).toBe(false);
    // An error still answers as a GraphQL error with a code (one graphql copy in the bundle: no instanceof mix-up).
    const bad = await (await fetch(await url(), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ query: '{ users(category: USER_DIRECTORY, integratedAccountId: "nope", first: 3) { edges { cursor } } }' }) })).json();
    expect(bad.errors[0].extensions.code).toBe('INTEGRATED_ACCOUNT_NOT_FOUND');
  });

  it('is ASCII, so V8 holds each chunk\'s source at one byte a character, and keeps the escaped text', () => {
    const chunks = readdirSync(join(ROOT, 'dist')).filter((f) => f.endsWith('.js'));
    expect(chunks.length).toBeGreaterThan(3);
    for (const f of chunks) expect(readFileSync(join(ROOT, 'dist', f), 'latin1'), f).not.toMatch(/[^\x00-\x7f]/);
    // What esbuild left unescaped (undici's comment "request’s") is escaped, not dropped.
    const all = chunks.map((f) => readFileSync(join(ROOT, 'dist', f), 'latin1')).join('');
    expect(all).toContain('request\\u2019s');
  });
});
