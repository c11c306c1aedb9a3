// Rewrites each provider's fixtures/users.expected.json from its mapper. Review the diff before committing:
// the expected files are the contract the shared conformance suite (test/conformance.ts) holds the mappers to.
import { readFileSync, writeFileSync } from 'node:fs';
import { PROVIDERS } from '../src/providers/registry.js';

for (const p of PROVIDERS) {
  const dir = new URL(`../src/providers/${p.slug}/fixtures/`, import.meta.url);
  const raw: unknown[] = JSON.parse(readFileSync(new URL('users.json', dir), 'utf8'));
  writeFileSync(new URL('users.expected.json', dir), `${JSON.stringify(raw.map((r) => p.map(r, {})), null, 2)}\n`);
}
console.log(`fixtures updated for ${PROVIDERS.length} providers`);
