import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfig } from '../src/config.js';

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

  it('names a missing environment variable', () => {
    expect(() => parseConfig(valid, { ...env, OKTA_TOKEN: undefined })).toThrow(/integratedAccounts\[0\]\.credentials\.apiToken: environment variable OKTA_TOKEN is not set/);
  });

  it('names the bad field: unknown provider, unknown tenant, missing credentials, missing context', () => {
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
    expect(message).toContain('integratedAccounts.1.tenant: unknown tenant "nobody"');
    expect(message).toContain('integratedAccounts.2.provider: unknown provider "myspace"');
    expect(message).toContain('integratedAccounts.3.credentials: okta needs');
    expect(message).toContain('integratedAccounts.4.context: okta needs context.baseUrl');
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
});
