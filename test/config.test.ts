import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConfig, ConfigError, loadConfigFile, parseConfig } from '../src/config.js';

const valid = {
  cursorSecret: '${CURSOR_SECRET}',
  tenants: [{ id: 'acme', apiTokens: ['${ACME_TOKEN}'] }],
  integratedAccounts: [
    { id: '62f44730-dd91-461e-bd6a-aedd9e0ad79d', tenant: 'acme', provider: 'okta', context: { baseUrl: 'https://acme.okta.com' }, credentials: { apiToken: '${OKTA_TOKEN}' } },
  ],
};
const env = { CURSOR_SECRET: 'a-cursor-secret-of-some-length', ACME_TOKEN: 'acme-token-0123456789abcdef', OKTA_TOKEN: '00okta-token' };

describe('configuration', () => {
  it('expands ${VAR} from the environment and applies defaults', () => {
    const cfg = parseConfig(valid, env);
    expect(cfg.tenants[0]!.apiTokens).toEqual([env.ACME_TOKEN]);
    expect(cfg.integratedAccounts[0]!.credentials.apiToken).toBe(env.OKTA_TOKEN);
    expect(cfg.allowPrivateUpstreams).toBe(false);
    expect(cfg.limits.maxScan).toBe(1000);
  });

  it('defaults the deadlines and load bounds as the README states, and a partial limits block keeps the others', () => {
    const cfg = parseConfig(valid, env);
    expect(cfg.limits).toMatchObject({ requestTimeoutMs: 30000, maxInFlightPerTenant: 32, shutdownGraceMs: 10000 });
    expect(cfg.http).toMatchObject({ timeoutMs: 10000, queueTimeoutMs: 1000 });
    const partial = parseConfig({ ...valid, limits: { maxInFlightPerTenant: '4' }, http: { timeoutMs: 1500 } }, env);
    expect(partial.limits).toMatchObject({ maxInFlightPerTenant: 4, requestTimeoutMs: 30000, maxScan: 1000 });
    expect(partial.http).toMatchObject({ timeoutMs: 1500, queueTimeoutMs: 1000, connectTimeoutMs: 5000 });
    expect(() => parseConfig({ ...valid, limits: { maxInFlightPerTenant: 0 } }, env)).toThrow('limits.maxInFlightPerTenant');
  });

  it('names a missing environment variable', () => {
    expect(() => parseConfig(valid, { ...env, OKTA_TOKEN: undefined })).toThrow('integratedAccounts["62f44730-dd91-461e-bd6a-aedd9e0ad79d"].credentials.apiToken: environment variable OKTA_TOKEN is not set');
  });

  it('names the bad field, and the account by its id: unknown provider, unknown tenant, missing credentials, missing context', () => {
    const bad = structuredClone(valid);
    bad.integratedAccounts.push(
      { id: 'b', tenant: 'nobody', provider: 'okta', context: { baseUrl: 'https://x.okta.com' }, credentials: { apiToken: 't' } },
      { id: 'c', tenant: 'acme', provider: 'myspace', context: {} as never, credentials: {} as never },
      { id: 'd', tenant: 'acme', provider: 'okta', context: { baseUrl: 'https://x.okta.com' }, credentials: {} as never },
      { id: 'e', tenant: 'acme', provider: 'okta', context: {} as never, credentials: { apiToken: 't' } },
    );
    let message = '';
    try {
      parseConfig(bad, env);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toContain('integratedAccounts["b"].tenant: unknown tenant "nobody"');
    expect(message).toContain('integratedAccounts["c"].provider: unknown provider "myspace"');
    expect(message).toContain('integratedAccounts["d"].credentials: okta needs');
    expect(message).toContain('integratedAccounts["e"].context: okta needs context.baseUrl');
  });

  it('refuses unknown keys, naming them, so a typo cannot silently disable a setting', () => {
    expect(() => parseConfig({ ...valid, allowPrivateUpstream: true }, env)).toThrow(/allowPrivateUpstream/);
    expect(() => parseConfig({ ...valid, limits: { maxScans: 5 } }, env)).toThrow(/limits: .*maxScans/);
  });

  it('accepts numbers and booleans from ${VAR}', () => {
    const cfg = parseConfig({ ...valid, allowPrivateUpstreams: '${PRIVATE}', limits: { maxScan: '${MAXSCAN}' } }, { ...env, PRIVATE: 'true', MAXSCAN: '250' });
    expect(cfg.allowPrivateUpstreams).toBe(true);
    expect(cfg.limits.maxScan).toBe(250);
    expect(cfg.limits.maxPages).toBe(50);
    expect(() => parseConfig({ ...valid, limits: { maxScan: 'lots' } }, env)).toThrow(/limits.maxScan/);
  });

  it('reads YAML files and reports unreadable ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollcall-'));
    const yaml = join(dir, 'gateway.yaml');
    writeFileSync(yaml, `cursorSecret: "\${CURSOR_SECRET}"\ntenants:\n  - id: acme\n    apiTokens: ["\${ACME_TOKEN}"]\nintegratedAccounts: []\n`);
    expect(loadConfigFile(yaml, env).tenants[0]!.id).toBe('acme');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ nope');
    expect(() => loadConfigFile(broken, env)).toThrow(/not valid JSON/);
    expect(() => loadConfigFile(join(dir, 'missing.json'), env)).toThrow(/cannot read config file/);
  });

  const message = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('refuses a token listed for two tenants, or twice for one, without printing it', () => {
    const twoTenants = message(() => parseConfig({ ...valid, tenants: [...valid.tenants, { id: 'globex', apiTokens: ['${ACME_TOKEN}'] }] }, env));
    expect(twoTenants).toContain('tenants["globex"].apiTokens[0]: this token is already listed at tenants["acme"].apiTokens[0]');
    const twice = message(() => parseConfig({ ...valid, tenants: [{ id: 'acme', apiTokens: ['${ACME_TOKEN}', '${ACME_TOKEN}'] }] }, env));
    expect(twice).toContain('tenants["acme"].apiTokens[1]: this token is already listed');
    expect(twoTenants + twice).not.toContain(env.ACME_TOKEN);
  });

  it('refuses tokens without entropy: spaces, whitespace inside, a repeated character', () => {
    for (const token of [' '.repeat(20), 'abcdefgh ijklmnopq', 'aaaaaaaaaaaaaaaaaaaaaaaa', 'abababababababababab']) {
      const m = message(() => parseConfig({ ...valid, tenants: [{ id: 'acme', apiTokens: [token] }] }, env));
      expect(m, JSON.stringify(token)).toMatch(/tenants\["acme"\]\.apiTokens\[0\]: API tokens (cannot contain whitespace|need at least 8 different characters)/);
    }
  });

  it('refuses unknown context and credential keys, naming the account by its id and the keys it accepts', () => {
    const account = valid.integratedAccounts[0]!;
    const m = message(() =>
      parseConfig({ ...valid, integratedAccounts: [{ ...account, id: 'okta-main', context: { baseURL: 'https://acme.okta.com', baseUrl: 'https://acme.okta.com' }, credentials: { apiToken: 'x', organizationId: 'o' } }] }, env),
    );
    expect(m).toContain('integratedAccounts["okta-main"].context.baseURL: unknown key for okta; it accepts context.baseUrl');
    expect(m).toMatch(/integratedAccounts\["okta-main"\]\.credentials\.organizationId: unknown key for okta; it accepts credentials\.apiToken, credentials\.accessToken/);
    // baseUrl is accepted by every provider, on top of its own keys.
    expect(() => parseConfig({ ...valid, integratedAccounts: [{ id: 'zd', tenant: 'acme', provider: 'zendesk', context: { subdomain: 'acme', baseUrl: 'https://acme.zendesk.com' }, credentials: { accessToken: 'x' } }] }, env)).not.toThrow();
  });

  it('warns about "$VAR" without braces, naming the field but not the value', () => {
    const raw = { ...valid, integratedAccounts: [{ ...valid.integratedAccounts[0]!, credentials: { apiToken: '$OKTA_TOKEN' } }] };
    const { warnings } = checkConfig(raw, env);
    expect(warnings).toEqual(['config integratedAccounts["62f44730-dd91-461e-bd6a-aedd9e0ad79d"].credentials.apiToken: looks like a shell variable without braces and is used literally; write ${OKTA_TOKEN} to read the environment variable OKTA_TOKEN']);
    expect(checkConfig(valid, env).warnings).toEqual([]);
  });

  it('warns at start about a base URL on a loopback or private literal address unless allowPrivateUpstreams', () => {
    const at = (baseUrl: string, allow = false) => ({ ...valid, allowPrivateUpstreams: allow, integratedAccounts: [{ ...valid.integratedAccounts[0]!, id: 'okta-local', context: { baseUrl } }] });
    for (const url of ['http://127.0.0.1:8080', 'http://[::1]:9000', 'https://10.0.0.5', 'http://localhost:3000', 'http://169.254.169.254'])
      expect(checkConfig(at(url), env).warnings, url).toEqual([expect.stringMatching(/^config integratedAccounts\["okta-local"\]\.context\.baseUrl: .* is a loopback or private address; every request to this account will be refused with PRIVATE_UPSTREAM_REFUSED/)]);
    expect(checkConfig(at('http://127.0.0.1:8080', true), env).warnings).toEqual([]);
    expect(checkConfig(at('https://acme.okta.com'), env).warnings).toEqual([]);
    const graph = { ...valid, integratedAccounts: [{ id: 'graph', tenant: 'acme', provider: 'outlook-calendar', context: { loginUrl: 'http://192.168.1.4' }, credentials: { accessToken: 'x' } }] };
    expect(checkConfig(graph, env).warnings).toEqual([expect.stringContaining('integratedAccounts["graph"].context.loginUrl: 192.168.1.4')]);
  });

  it('validates CORS origins and defaults GraphiQL off and CORS to same-origin only', () => {
    const cfg = parseConfig(valid, env);
    expect(cfg.graphiql).toBe(false);
    expect(cfg.cors).toEqual({ origins: [], maxAge: 600 });
    expect(parseConfig({ ...valid, cors: { origins: ['https://app.example.com', 'http://localhost:5173'] } }, env).cors.origins).toHaveLength(2);
    expect(message(() => parseConfig({ ...valid, cors: { origins: ['https://app.example.com/'] } }, env))).toMatch(/cors\.origins\[0\]: an origin is scheme/);
  });
});
