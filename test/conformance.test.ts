// Every registered provider runs the shared contract (test/conformance.ts) from its own test file, which
// also checks its mapper against the recorded fixtures.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../src/providers/registry.js';
import { SANDBOXES } from '../src/providers/sandboxes.js';

describe.each(PROVIDERS.map((p) => [p.slug] as const))('%s', (slug) => {
  it('has a sandbox that tells the conformance suite which users it lists', () => {
    const sandbox = SANDBOXES.find((s) => s.slug === slug);
    expect(sandbox?.expectedUsers, `${slug}: sandbox with expectedUsers()`).toBeTypeOf('function');
  });

  it('runs the shared conformance suite from its test file', () => {
    const text = readFileSync(new URL(`../src/providers/${slug}/${slug}.test.ts`, import.meta.url), 'utf8');
    expect(text).toMatch(/^describeProviderConformance\(\{ sandbox: \w+/m);
  });
});
