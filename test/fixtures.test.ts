// Each provider's mapper against recorded payloads (shaped after its documentation) and the unified users
// they must become, checked in as files: a change to a mapper shows up as a reviewed diff.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../src/providers/registry.js';

const read = (slug: string, file: string) => JSON.parse(readFileSync(new URL(`../src/providers/${slug}/fixtures/${file}`, import.meta.url), 'utf8'));

describe.each(PROVIDERS.map((p) => [p.slug, p] as const))('%s mapper', (slug, def) => {
  it('turns every recorded payload into its expected unified user', () => {
    const raw: unknown[] = read(slug, 'users.json');
    const expected: unknown[] = read(slug, 'users.expected.json');
    expect(raw.map((r) => JSON.parse(JSON.stringify(def.map(r, {}))))).toEqual(expected);
  });
});
