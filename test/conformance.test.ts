// Every registered provider runs the shared contract (test/conformance.ts) from its own test file, which
// also checks its mapper against the recorded fixtures.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROVIDERS, providerBySlug } from '../src/providers/registry.js';
import { SANDBOXES } from '../src/providers/sandboxes.js';

describe.each(PROVIDERS.map((p) => [p.slug] as const))('%s', (slug) => {
  it('has a sandbox that tells the conformance suite which users it lists', () => {
    const sandbox = SANDBOXES.find((s) => s.slug === slug);
    expect(sandbox?.expectedUsers, `${slug}: sandbox with expectedUsers()`).toBeTypeOf('function');
  });

  // The shared suite speaks HTTP to its sandbox (injected faults, counted requests); a provider on another
  // transport (LDAP against a real slapd) proves the walk — every user once, in order, several `first` — itself.
  const http = (providerBySlug(slug)!.transport ?? 'HTTP') === 'HTTP';
  it(http ? 'runs the shared conformance suite from its test file' : 'walks every user exactly once, in order, with several `first` values, in its test file', () => {
    const text = readFileSync(new URL(`../src/providers/${slug}/${slug}.test.ts`, import.meta.url), 'utf8');
    if (http) expect(text).toMatch(/^describeProviderConformance\(\{ sandbox: \w+/m);
    else expect(text).toMatch(/for \(const first of \[\d+(, \d+)+\]\)[\s\S]*walks every user exactly once/);
  });
});
