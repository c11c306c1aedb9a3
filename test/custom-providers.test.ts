// Custom providers as a user declares them: `customProviders` in the config lists YAML/JSON spec files
// (relative to the config file), validated at start with the file and the field named, and served exactly
// like a built-in provider (providers, integratedAccounts, users, node).
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { ConfigError, loadConfig } from '../src/config.js';
import { checkContext, checkProvider } from '../src/accounts/validate.js';
import type { Sandbox } from '../src/providers/engine/sandbox-kit.js';
import { OKTA_SANDBOX_TOKEN, startOktaSandbox } from '../src/providers/okta/sandbox.js';
import { BUILT_IN_PROVIDERS } from '../src/providers/registry.js';
import { startGateway, transcript, type Harness } from './helpers.js';

const ROOT = join(import.meta.dirname, '..');
const FIXTURE = join(import.meta.dirname, 'fixtures', 'custom-okta.yaml');
const spec = () => parseYaml(readFileSync(FIXTURE, 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'rollcall-custom-'));
mkdirSync(join(dir, 'providers'));
copyFileSync(FIXTURE, join(dir, 'providers', 'acme-hr.yaml'));

const TOKEN = 'custom-tenant-token-0123456789abcdef';
function writeConfig(name: string, customProviders: string[], accounts: unknown[] = []): string {
  const path = join(dir, name);
  writeFileSync(path, toYaml({ cursorSecret: 'custom-cursor-secret-0123456789', tenants: [{ id: 'acme', apiTokens: [TOKEN] }], customProviders, integratedAccounts: accounts }));
  return path;
}
function providerFile(name: string, data: unknown): string {
  writeFileSync(join(dir, 'providers', name), name.endsWith('.json') ? JSON.stringify(data) : toYaml(data));
  return `./providers/${name}`;
}
const refusal = (path: string) => {
  try {
    loadConfig(path);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('the config was accepted');
};

describe('customProviders in the config', () => {
  it('loads YAML and JSON provider files relative to the config file, beside the built-ins', () => {
    const json = providerFile('acme-json.json', { ...spec(), slug: 'acme-json' });
    const { config } = loadConfig(writeConfig('ok.yaml', ['./providers/acme-hr.yaml', json], [
      { id: 'hr', tenant: 'acme', provider: 'custom-okta', context: { baseUrl: 'https://acme.okta.example' }, credentials: { apiToken: 'an-okta-token-0123456789' } },
    ]));
    expect(config.providers.custom.map((p) => p.slug)).toEqual(['custom-okta', 'acme-json']);
    expect(config.providers.slugs()).toEqual([...BUILT_IN_PROVIDERS.slugs(), 'custom-okta', 'acme-json']);
    expect(config.providers.get('custom-okta')!.fields).toContain('emails'); // `fields` defaults to the map's
    expect(BUILT_IN_PROVIDERS.get('custom-okta')).toBeUndefined(); // nothing global changed
  });

  it('stops on a malformed spec, naming the file and the field path', () => {
    const bad = spec();
    bad.lists.USER_DIRECTORY.paginator.kind = 'links';
    bad.map.fullName = 'profile.displayName';
    bad.lists.USER_DIRECTORY.filters.status.value.map = 'ACTIVE';
    const message = refusal(writeConfig('bad.yaml', [providerFile('broken.yaml', bad)]));
    expect(message).toContain('providers/broken.yaml: lists.USER_DIRECTORY.paginator.kind: ');
    expect(message).toContain('providers/broken.yaml: map.fullName: unknown key');
    expect(message).toContain('providers/broken.yaml: lists.USER_DIRECTORY.filters.status.value');
  });

  it('refuses a bad JSONata expression and a missing, unparsable or misnamed file, naming each file', () => {
    const jsonata = spec();
    jsonata.map.name = { jsonata: '$join([profile.firstName' };
    const message = refusal(writeConfig('several.yaml', [providerFile('jsonata.yaml', { ...jsonata, slug: 'bad-jsonata' }), './providers/missing.yaml', providerFile('garbled.yaml', 'a: [b')]));
    expect(message).toContain('providers/jsonata.yaml: map.name.jsonata: not a valid JSONata expression');
    expect(message).toContain('providers/missing.yaml: cannot read the provider file (ENOENT)');
    expect(message).toContain('providers/garbled.yaml: ');
    writeFileSync(join(dir, 'providers', 'garbled.yaml'), 'a: [b');
    expect(refusal(writeConfig('garbled.yaml', ['./providers/garbled.yaml']))).toContain('providers/garbled.yaml: not valid YAML');
    expect(refusal(writeConfig('txt.yaml', ['./providers/acme.txt']))).toContain('providers/acme.txt: a provider file is .yaml, .yml or .json');
  });

  it('refuses a slug that a built-in provider or another file already uses', () => {
    const clash = refusal(writeConfig('clash.yaml', [providerFile('okta.yaml', { ...spec(), slug: 'okta' })]));
    expect(clash).toContain('providers/okta.yaml: slug: "okta" is a built-in provider');
    const twice = refusal(writeConfig('twice.yaml', ['./providers/acme-hr.yaml', providerFile('again.yaml', spec())]));
    expect(twice).toContain('providers/again.yaml: slug: "custom-okta" is already declared by providers/acme-hr.yaml');
  });

  it("checks a custom provider's accounts like a built-in's: its keys, credentials and required context", () => {
    const message = refusal(writeConfig('accounts.yaml', ['./providers/acme-hr.yaml'], [
      { id: 'hr-1', tenant: 'acme', provider: 'custom-okta', context: { baseURL: 'https://x.example' }, credentials: { apiToken: 'an-okta-token-0123456789' } },
      { id: 'hr-2', tenant: 'acme', provider: 'custom-okta', context: { baseUrl: 'https://x.example' }, credentials: { password: 'nope-0123456789' } },
    ]));
    expect(message).toContain('integratedAccounts["hr-1"].context.baseURL: unknown key for custom-okta');
    expect(message).toContain('integratedAccounts["hr-2"].credentials.password: unknown key for custom-okta');
    // Without the file, the provider is unknown.
    expect(refusal(writeConfig('unknown.yaml', [], [{ id: 'hr', tenant: 'acme', provider: 'custom-okta', context: {}, credentials: {} }]))).toContain('unknown provider "custom-okta"');
  });

  it("lets the account store accept a custom provider's accounts through the config's registry", () => {
    const { config: cfg } = loadConfig(writeConfig('store.yaml', ['./providers/acme-hr.yaml']));
    expect(checkProvider(cfg.providers, 'custom-okta').slug).toBe('custom-okta');
    expect(() => checkProvider(BUILT_IN_PROVIDERS, 'custom-okta')).toThrow(/Unknown provider "custom-okta"/);
    expect(() => checkContext(cfg.providers, 'custom-okta', {})).toThrow(/custom-okta needs context.baseUrl/);
  });

  it('stops `npm start` with a malformed provider file named with its field, exit 1', async () => {
    const bad = spec();
    bad.lists.USER_DIRECTORY.paginator.kind = 'links';
    const path = writeConfig('start.yaml', [providerFile('start.yaml', bad)]);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--config', path], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    transcript.push(stderr);
    expect(code).toBe(1);
    expect(stderr).toContain('providers/start.yaml: lists.USER_DIRECTORY.paginator.kind: ');
  });
});

describe('a custom provider in the running gateway', () => {
  let sandbox: Sandbox;
  let h: Harness;
  beforeAll(async () => {
    sandbox = await startOktaSandbox();
    h = startGateway([{ id: 'hr', provider: 'custom-okta', context: { baseUrl: sandbox.url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN } }], { customProviders: [FIXTURE] });
  });
  afterAll(async () => {
    await h?.close();
    await sandbox?.close();
  });

  it('is listed by providers with its capabilities, after the built-ins', async () => {
    const res = await h.query(`{ providers(category: USER_DIRECTORY) { slug displayName paginationKind authKind credentialKeys requiredFilters supportedFilters { name servedBy } } }`);
    const slugs = res.body.data.providers.map((p: any) => p.slug);
    expect(slugs.at(-1)).toBe('custom-okta');
    const custom = res.body.data.providers.at(-1);
    expect(custom).toMatchObject({ displayName: 'Okta (declared in YAML)', paginationKind: 'LINK_HEADER', credentialKeys: expect.arrayContaining(['apiToken', 'accessToken']), requiredFilters: [] });
    expect(custom.supportedFilters).toContainEqual({ name: 'status', servedBy: 'QUERY_PARAMETER' });
    expect(custom.supportedFilters).toContainEqual({ name: 'name', servedBy: 'ENGINE' });
  });

  it('shows its accounts in integratedAccounts and serves users, with the account on each user', async () => {
    const accounts = await h.query(`{ integratedAccounts(category: USER_DIRECTORY) { id provider displayName categories } }`);
    expect(accounts.body.data.integratedAccounts).toEqual([{ id: 'hr', provider: 'custom-okta', displayName: 'Okta (declared in YAML)', categories: ['USER_DIRECTORY'] }]);
    const users = await h.query(`{ users(category: USER_DIRECTORY, integratedAccountId: "hr", first: 2, filters: { status: ACTIVE }) { edges { node { id ... on DirectoryUser { name status integratedAccount { provider } } } } } }`);
    expect(users.body.errors).toBeUndefined();
    const nodes = users.body.data.users.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(2);
    expect(nodes.every((n: any) => n.status === 'ACTIVE' && n.integratedAccount.provider === 'custom-okta')).toBe(true);
    const node = await h.query(`query($id: ID!) { node(id: $id) { ... on DirectoryUser { name } } }`, { id: nodes[1].id });
    expect(node.body.data.node).toEqual({ name: nodes[1].name });
  });
});

describe("the README's worked custom provider", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const yaml = /<!-- custom-example:start -->\s*```yaml\n([\s\S]*?)```/.exec(readme)![1]!;
  const file = join(dir, 'providers', 'readme-acme-hr.yaml');
  writeFileSync(file, yaml);
  const TOKEN_HR = 'acme-hr-sandbox-token-0123456789';
  const PEOPLE = Array.from({ length: 7 }, (_, i) => ({
    id: `e${i}`, state: i === 2 ? 'terminated' : 'active', work_email: `p${i}@acme.example`, job_title: 'Engineer',
    name: { given: `Given${i}`, family: `Family${i}`, preferred: i === 1 ? 'Pref' : null }, department: { id: i % 2 ? 'sales' : 'eng' },
    hired_at: '2024-01-02T03:04:05Z', updated_at: '2024-02-03T04:05:06Z',
  }));
  let sandbox: Sandbox;
  let h: Harness;
  beforeAll(async () => {
    const { startSandbox } = await import('../src/providers/engine/sandbox-kit.js');
    sandbox = await startSandbox({
      name: 'acme-hr',
      authenticate: (req) => req.headers.authorization === `Bearer ${TOKEN_HR}`,
      unauthorized: { status: 401, body: { error: { detail: 'bad token' } } },
      notFound: { status: 404, body: { error: { detail: 'not found' } } },
      routes: [
        { method: 'GET', path: /^\/api\/v2\/employees$/, handle: (req) => {
          const pool = PEOPLE.filter((p) => !req.query.get('department') || p.department.id === req.query.get('department'));
          const from = Number(req.query.get('cursor') ?? 0);
          const size = Number(req.query.get('limit'));
          return { body: { data: pool.slice(from, from + size), meta: { next_cursor: from + size < pool.length ? String(from + size) : null } } };
        } },
        { method: 'GET', path: /^\/api\/v2\/employees\/([^/]+)$/, handle: (_req, [id]) => {
          const p = PEOPLE.find((x) => x.id === id);
          return p ? { body: { data: p } } : { status: 404, body: { error: { detail: 'no such employee' } } };
        } },
      ],
    });
    h = startGateway([{ id: 'hr', provider: 'acme-hr', context: { baseUrl: `${sandbox.url}/api` }, credentials: { accessToken: TOKEN_HR } }], { customProviders: [file] });
  });
  afterAll(async () => {
    await h?.close();
    await sandbox?.close();
  });

  it('pages by cursor, serves teamId upstream and name in the engine, and composes the name with JSONata', async () => {
    const q = `query($f: UserFilter, $after: String) { users(category: USER_DIRECTORY, integratedAccountId: "hr", first: 2, after: $after, filters: $f) { edges { node { id ... on DirectoryUser { remoteId name status emails { email } } } } pageInfo { hasNextPage endCursor } } }`;
    const all: any[] = [];
    let after: string | null = null;
    do {
      const res: any = await h.query(q, { f: {}, after });
      expect(res.body.errors).toBeUndefined();
      all.push(...res.body.data.users.edges.map((e: any) => e.node));
      after = res.body.data.users.pageInfo.hasNextPage ? res.body.data.users.pageInfo.endCursor : null;
    } while (after);
    expect(all.map((n) => n.remoteId)).toEqual(PEOPLE.map((p) => p.id));
    expect(all[1]).toMatchObject({ name: 'Pref Family1', status: 'ACTIVE', emails: [{ email: 'p1@acme.example' }] });
    expect(all[2].status).toBe('INACTIVE');
    const before = sandbox.requests.length;
    const sales = await h.query(`{ users(category: USER_DIRECTORY, integratedAccountId: "hr", first: 10, filters: { teamId: "sales", name: "family3" }) { edges { node { ... on DirectoryUser { remoteId } } } } }`);
    expect(sales.body.data.users.edges.map((e: any) => e.node.remoteId)).toEqual(['e3']);
    expect(sandbox.requests.slice(before).every((r) => r.query.get('department') === 'sales')).toBe(true);
    const node = await h.query(`query($id: ID!) { node(id: $id) { ... on DirectoryUser { remoteId name } } }`, { id: all[4].id });
    expect(node.body.data.node).toEqual({ remoteId: 'e4', name: 'Given4 Family4' });
  });
});
