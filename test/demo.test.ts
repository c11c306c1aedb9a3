// Demo mode is what a new user meets first: every provider's sandbox answers through the gateway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../src/demo.js';
import { createLogger } from '../src/logger.js';
import { PROVIDERS } from '../src/providers/registry.js';
import { SANDBOXES } from '../src/providers/sandboxes.js';
import { createGateway, type Gateway } from '../src/server.js';
import { transcript } from './helpers.js';

let demo: Demo;
let gateway: Gateway;
beforeAll(async () => {
  demo = await startDemo();
  gateway = createGateway(demo.config, { logger: createLogger(() => [], undefined, 'silent') });
});
afterAll(async () => {
  await gateway.close();
  await demo.close();
});

async function query(q: string, variables: Record<string, unknown>) {
  const res = await gateway.yoga.fetch('http://demo/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.token}` },
    body: JSON.stringify({ query: q, variables }),
  });
  const text = await res.text();
  transcript.push(text); // checked for leaked credentials by test/setup.ts
  return JSON.parse(text) as any;
}

describe('demo mode', () => {
  it('has one sandbox-backed account for every registered provider', () => {
    expect(Object.keys(demo.accounts).sort()).toEqual(PROVIDERS.map((p) => p.slug).sort());
  });

  it.each(PROVIDERS.flatMap((p) => p.categories.map((c) => [p.slug, c] as const)))('lists users of the %s demo account in %s', async (slug, category) => {
    const filters = SANDBOXES.find((s) => s.slug === slug)!.demoFilters ?? null;
    const res = await query(
      `query($c: Category!, $a: ID!, $f: UserFilter) { users(category: $c, integratedAccountId: $a, first: 5, filters: $f) { edges { node { __typename ... on Node { id } } } pageInfo { hasNextPage } } }`,
      { c: category, a: demo.accounts[slug], f: filters },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.users.edges).toHaveLength(5);
    expect(res.data.users.pageInfo.hasNextPage).toBe(true);
  });

  it('serves GraphiQL with the demo token and lets any origin call it, never with credentials', async () => {
    const page = await gateway.yoga.fetch('http://demo/graphql', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('private, no-store');
    await page.text();
    const res = await gateway.yoga.fetch('http://demo/graphql', { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://localhost:5173', authorization: `Bearer ${demo.token}` }, body: '{"query":"{ __typename }"}' });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    transcript.push(await res.text());
  });
});
