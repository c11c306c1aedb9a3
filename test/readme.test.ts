// The README promises a table generated from the adapters and an example whose output it shows.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReadme, runExample } from '../src/docs/readme.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('shows the provider table and example output exactly as generated (run `npm run docs`)', async () => {
    expect(await renderReadme(readme)).toBe(readme);
  });

  it('its example query returns users in demo mode', async () => {
    const res: any = await runExample(readme);
    expect(res.errors).toBeUndefined();
    expect(res.data.users.edges.length).toBeGreaterThan(0);
    expect(res.data.users.edges.every((e: any) => e.node.status === 'ACTIVE')).toBe(true);
  });
});
