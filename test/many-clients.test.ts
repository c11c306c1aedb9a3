// Many clients on one account: identical upstream pages in flight are shared (never across tenants), the
// optional page cache is keyed per account, and each account's request bucket keeps concurrent walks under
// the upstream's enforced limit — waiting for a turn, or refusing with UPSTREAM_RATE_LIMITED past the bound.
// The bucket follows the budget the upstream reports (X-Rate-Limit-*) over the documented limit.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT_TOKEN, startGateway, walk, type Harness } from './helpers.js';
import type { Sandbox } from '../src/providers/engine/sandbox-kit.js';
import { oktaDataset, OKTA_SANDBOX_TOKEN, startOktaSandbox } from '../src/providers/okta/sandbox.js';

const creds = { apiToken: OKTA_SANDBOX_TOKEN };
const Q = `query($account: ID!, $first: Int, $after: String, $filters: UserFilter) {
  users(category: USER_DIRECTORY, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {
    edges { node { ... on DirectoryUser { remoteId } } }
    pageInfo { hasNextPage endCursor }
    rateLimit { remaining resetAt waitedMs }
  }
}`;
const listed = oktaDataset().filter((u) => u.status !== 'DEPROVISIONED');
const listCalls = (s: Sandbox) => s.requests.filter((r) => r.path === '/api/v1/users').length;

describe('shared upstream pages', () => {
  let sandbox: Sandbox;
  let h: Harness;
  let cached: Harness;
  beforeAll(async () => {
    sandbox = await startOktaSandbox();
    const accounts = [
      { id: 'okta', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: creds },
      { id: 'okta-globex', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: creds, tenant: 'globex' },
    ];
    h = startGateway(accounts);
    cached = startGateway(accounts, { cache: { pageTtlSeconds: 60 } });
  });
  afterAll(async () => {
    await Promise.all([h.close(), cached.close()]);
    await sandbox.close();
  });

  it('makes one upstream call for two concurrent requests for the same page of one account', async () => {
    const before = listCalls(sandbox);
    sandbox.inject({ delayMs: 150 }); // the first call is still in flight when the second request asks
    const [a, b] = await Promise.all([h.query(Q, { account: 'okta', first: 7 }), h.query(Q, { account: 'okta', first: 7 })]);
    expect(listCalls(sandbox) - before).toBe(1);
    expect(a.body.data.users.edges).toEqual(b.body.data.users.edges);
    expect(a.body.data.users.edges).toHaveLength(7);
  });

  it('never shares a call across tenants', async () => {
    const before = listCalls(sandbox);
    sandbox.inject({ delayMs: 150 });
    const [a, b] = await Promise.all([h.query(Q, { account: 'okta', first: 8 }), h.query(Q, { account: 'okta-globex', first: 8 }, OTHER_TENANT_TOKEN)]);
    expect(listCalls(sandbox) - before).toBe(2);
    expect(a.body.data.users.edges).toEqual(b.body.data.users.edges);
  });

  it('asks the upstream again for every request while cache.pageTtlSeconds is 0', async () => {
    const before = listCalls(sandbox);
    await h.query(Q, { account: 'okta', first: 9 });
    await h.query(Q, { account: 'okta', first: 9 });
    expect(listCalls(sandbox) - before).toBe(2);
  });

  it('reuses a cached page within cache.pageTtlSeconds, for the same account only', async () => {
    const before = listCalls(sandbox);
    const a = await cached.query(Q, { account: 'okta', first: 10 });
    const again = await cached.query(Q, { account: 'okta', first: 10 });
    expect(listCalls(sandbox) - before).toBe(1);
    expect(again.body.data.users.edges).toEqual(a.body.data.users.edges);
    await cached.query(Q, { account: 'okta-globex', first: 10 }, OTHER_TENANT_TOKEN);
    expect(listCalls(sandbox) - before).toBe(2);
  });
});

describe('per-account rate limiting', () => {
  let sandbox: Sandbox;
  let limited = 0;
  let h: Harness;
  let impatient: Harness;
  // The sandbox enforces 20 requests per 1-second window; the accounts say so (overriding Okta's documented 600/min).
  const rateLimit = { requests: 20, perSeconds: 1 };
  beforeAll(async () => {
    sandbox = await startOktaSandbox({ rateLimit: { limit: 20, windowSeconds: 1, onLimited: () => limited++ } });
    h = startGateway([{ id: 'okta', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: creds, rateLimit }]);
    impatient = startGateway([{ id: 'okta', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: creds, rateLimit: { requests: 5, perSeconds: 1 } }], { limits: { rateLimitWaitMs: 300 } });
  });
  afterAll(async () => {
    await Promise.all([h.close(), impatient.close()]);
    await sandbox.close();
  });

  it('walks of one account at once wait their turn: every walk completes and the upstream answers no 429', async () => {
    limited = 0;
    // Different page sizes, so no two walks share an upstream call.
    const walks = await Promise.all(Array.from({ length: 8 }, (_, i) => walk(h, Q, { account: 'okta' }, 40 + i)));
    for (const w of walks) expect(w.nodes.map((n) => n.remoteId)).toEqual(listed.map((u) => u.id));
    expect(walks.reduce((n, w) => n + w.pages, 0)).toBeGreaterThan(40); // more than two windows' worth
    expect(limited).toBe(0);
  });

  it("reports the account's budget from the provider's headers, and the wait", async () => {
    // Distinct filters, so no two requests share an upstream call (the gateway asks for full pages whatever `first` is).
    const res = await Promise.all(Array.from({ length: 25 }, (_, i) => h.query(Q, { account: 'okta', first: 5, after: null, filters: { email: `nobody${i}@example.com` } })));
    const budgets = res.map((r) => r.body.data.users.rateLimit);
    for (const b of budgets) {
      expect(b.remaining).toBeGreaterThanOrEqual(0);
      expect(b.remaining).toBeLessThanOrEqual(20);
      expect(Date.parse(b.resetAt)).toBeGreaterThan(Date.now() - 5000);
    }
    expect(budgets.some((b) => b.waitedMs > 0)).toBe(true);
  });

  it('refuses with UPSTREAM_RATE_LIMITED and retryAfter when the turn is further away than limits.rateLimitWaitMs', async () => {
    limited = 0;
    const res = await Promise.all(Array.from({ length: 12 }, (_, i) => impatient.query(Q, { account: 'okta', first: 5, filters: { email: `nobody${i}@example.com` } })));
    const errors = res.map((r) => r.body.errors?.[0]).filter(Boolean);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0].extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', provider: 'okta', retryAfter: expect.any(Number) });
    expect(errors[0].message).toMatch(/limits\.rateLimitWaitMs/);
    expect(res.filter((r) => r.body.data?.users).length).toBeGreaterThan(0);
    expect(limited).toBe(0);
  });
});

describe("following the upstream's reported budget", () => {
  let sandboxes: Sandbox[] = [];
  let harnesses: Harness[] = [];
  let limited = 0;
  const start = async (rateLimit?: { limit: number; windowSeconds: number } | { enforce: false; resetAt: number }) => {
    const s = await startOktaSandbox(rateLimit ? { rateLimit: 'enforce' in rateLimit ? rateLimit : { ...rateLimit, onLimited: () => limited++ } } : {});
    sandboxes.push(s);
    return s;
  };
  const gateway = (...args: Parameters<typeof startGateway>) => {
    const h = startGateway(...args);
    harnesses.push(h);
    return h;
  };
  /** `n` concurrent requests that share no upstream call. */
  const distinct = (h: Harness, n: number, account = 'okta') => Promise.all(Array.from({ length: n }, (_, i) => h.query(Q, { account, first: 5, filters: { email: `nobody${i}-${Math.random()}@example.com` } })));
  /** Answered without waiting for a turn: Okta's documented pace would hold calls 100 ms apart (a GC pause on a
   *  loaded machine can show as a millisecond or two, never as a turn). */
  const unpaced = (r: { body: { errors?: unknown[]; data?: any } }) => {
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.users.rateLimit.remaining).toBe(599);
    expect(r.body.data.users.rateLimit.waitedMs).toBeLessThan(50);
  };
  afterAll(async () => {
    await Promise.all(harnesses.map((h) => h.close()));
    await Promise.all(sandboxes.map((s) => s.close()));
    sandboxes = [];
    harnesses = [];
  });

  it('does not pace to the documented limit when the headers report more budget', async () => {
    // The plain sandbox reports 600 per window with 599 left on every answer: far from spent.
    const sandbox = await start();
    const h = gateway([{ id: 'okta', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: creds }], { limits: { maxInFlightPerTenant: 64 } });
    expect((await distinct(h, 1))[0]!.body.data.users.rateLimit.remaining).toBe(599);
    // Okta's documented 600/min would let a burst of 30 through and hold the rest ~100 ms apart.
    const res = await distinct(h, 60);
    for (const r of res) unpaced(r);
  });

  it('follows a report that never counts down: more calls than it says are left are not held for its reset', async () => {
    // 599 left of 600 on every answer, resetting in a year (as the shared peer benchmark's upstream).
    const sandbox = await start({ enforce: false, resetAt: Math.ceil(Date.now() / 1000) + 365 * 86_400 });
    const h = gateway([{ id: 'okta', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: creds }], { limits: { maxInFlightPerTenant: 64 } });
    await distinct(h, 1); // the first report
    for (let wave = 0; wave < 11; wave++) for (const r of await distinct(h, 60)) unpaced(r);
  });

  it('holds later calls until the reported reset once the remaining budget is spent, with no 429', async () => {
    limited = 0;
    // 4 per 1-second window, with no account rateLimit: only the headers can keep the gateway under it.
    const sandbox = await start({ limit: 4, windowSeconds: 1 });
    const h = gateway([{ id: 'okta', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: creds }]);
    const before = listCalls(sandbox);
    const res = await distinct(h, 10);
    for (const r of res) expect(r.body.errors).toBeUndefined();
    expect(listCalls(sandbox) - before).toBe(10);
    expect(limited).toBe(0);
    const waited = res.map((r) => r.body.data.users.rateLimit.waitedMs);
    expect(waited.filter((w) => w > 0).length).toBeGreaterThanOrEqual(6);
    expect(res.map((r) => r.body.data.users.rateLimit.remaining)).toContain(0);
  });

  it('refuses with UPSTREAM_RATE_LIMITED and retryAfter when the reported reset is further away than limits.rateLimitWaitMs', async () => {
    limited = 0;
    // 3 per hour-long window: once spent, the reset is minutes away.
    const sandbox = await start({ limit: 3, windowSeconds: 3600 });
    const h = gateway([{ id: 'okta', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: creds }], { limits: { rateLimitWaitMs: 300 } });
    const before = listCalls(sandbox);
    const res = await distinct(h, 6);
    const errors = res.map((r) => r.body.errors?.[0]).filter(Boolean);
    expect(errors).toHaveLength(3);
    expect(errors[0].extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', provider: 'okta' });
    expect(errors[0].extensions.retryAfter).toBeGreaterThan(1);
    expect(errors[0].message).toMatch(/limits\.rateLimitWaitMs/);
    expect(listCalls(sandbox) - before).toBe(3);
    expect(limited).toBe(0);
  });

  it('paces to the documented limit when the upstream reports no budget', async () => {
    // Okta re-declared with a documented 40 per 2 s (a burst of 2, then one every ~53 ms) and budget headers
    // the sandbox never sends.
    const dir = mkdtempSync(join(tmpdir(), 'rollcall-rate-limit-'));
    const file = join(dir, 'quiet-okta.yaml');
    const yaml = readFileSync(new URL('./fixtures/custom-okta.yaml', import.meta.url), 'utf8')
      .replace(/^slug: custom-okta$/m, 'slug: quiet-okta')
      .replace(/^rateLimit: .*$/m, 'rateLimit: { resetHeader: x-quiet-reset, resetFormat: epoch-seconds, remainingHeader: x-quiet-remaining, limit: { requests: 40, perSeconds: 2 } }');
    writeFileSync(file, yaml);
    const sandbox = await start();
    const h = gateway([{ id: 'quiet', provider: 'quiet-okta', context: { baseUrl: sandbox.url }, credentials: creds }], { customProviders: [file] });
    const res = await distinct(h, 6, 'quiet');
    for (const r of res) expect(r.body.errors).toBeUndefined();
    const budgets = res.map((r) => r.body.data.users.rateLimit);
    for (const b of budgets) expect(b.remaining).toBeNull();
    expect(budgets.filter((b) => b.waitedMs > 0).length).toBeGreaterThanOrEqual(4);
  });

  it('keeps many concurrent walks of one account under the enforced limit from the headers alone: no 429', async () => {
    limited = 0;
    const sandbox = await start({ limit: 15, windowSeconds: 1 });
    const h = gateway([{ id: 'okta', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: creds }]);
    const before = listCalls(sandbox);
    // Distinct createdAfter filters every user passes, so no two walks share an upstream call.
    const walks = await Promise.all(Array.from({ length: 12 }, (_, i) => walk(h, Q, { account: 'okta', filters: { createdAfter: new Date(Date.UTC(2000, 0, 1, 0, 0, i)).toISOString() } }, 100)));
    for (const w of walks) expect(w.nodes.map((n) => n.remoteId)).toEqual(listed.map((u) => u.id));
    expect(listCalls(sandbox) - before).toBeGreaterThanOrEqual(24); // more than a window's worth
    expect(limited).toBe(0);
  });
});
