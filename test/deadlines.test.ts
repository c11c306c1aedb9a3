// Deadlines and load shedding through misbehaving upstreams: a body that trickles a byte every 200 ms, an
// upstream that holds its answers until the test lets go, and a client that hangs up mid-request.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, TENANT_TOKEN, OTHER_TENANT_TOKEN, type Harness } from './helpers.js';
import type { ConfigInput } from '../src/config.js';
import { GatewayError } from '../src/providers/engine/errors.js';
import { UpstreamClient } from '../src/providers/engine/http.js';

const USERS = '{ users(category: USER_DIRECTORY, integratedAccountId: "okta", first: 5) { edges { node { ... on DirectoryUser { id } } } } }';
/** Far beyond every deadline the tests set: a call that gets here has hung. */
const HANG_BOUND_MS = 8_000;

interface Upstream { url: string; received: number; closed: number; release(): void; arrived(n: number): Promise<void>; gone(n: number): Promise<void>; close(): Promise<void> }

/**
 * A raw Okta-format upstream. `trickle`: 200 with a JSON array that never ends, one byte every 200 ms.
 * `hold`: each request waits until release(), then gets an empty list.
 */
async function upstream(mode: 'trickle' | 'hold'): Promise<Upstream> {
  let received = 0;
  let closed = 0;
  const waiters: (() => void)[] = [];
  const held: (() => void)[] = [];
  let released = false;
  const poke = () => waiters.splice(0).forEach((w) => w());
  const server = http.createServer((req, res) => {
    received++;
    res.on('close', () => {
      closed++;
      poke();
    });
    poke();
    if (mode === 'trickle') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      const t = setInterval(() => res.write(' '), 200);
      res.on('close', () => clearInterval(t));
      return;
    }
    const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    if (released) answer();
    else held.push(answer);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const until = (test: () => boolean) => new Promise<void>((resolve) => {
    const check = () => (test() ? resolve() : waiters.push(check));
    check();
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get received() { return received; },
    get closed() { return closed; },
    release: () => {
      released = true;
      held.splice(0).forEach((a) => a());
    },
    arrived: (n) => until(() => received >= n),
    gone: (n) => until(() => closed >= n),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});

async function setup(mode: 'trickle' | 'hold', overrides: Partial<ConfigInput> = {}): Promise<{ up: Upstream; h: Harness }> {
  const up = await upstream(mode);
  const h = startGateway([{ id: 'okta', provider: 'okta', context: { baseUrl: up.url }, credentials: { apiToken: 'deadline-test-token-0123' } }], overrides);
  opened.push(h, up); // the gateway closes first: its pool must not wait on the upstream
  return { up, h };
}

const within = <T>(p: Promise<T>, ms = HANG_BOUND_MS) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms).unref())]);

describe('one total deadline per upstream call', () => {
  it('fails a body that trickles a byte every 200 ms with UPSTREAM_UNAVAILABLE naming the deadline, instead of waiting for its end', async () => {
    const { up, h } = await setup('trickle', { http: { timeoutMs: 1000, bodyTimeoutMs: 5000, maxRetries: 0 } });
    const res = await within(h.query(USERS));
    expect(res.body.errors?.[0]).toMatchObject({ extensions: { code: 'UPSTREAM_UNAVAILABLE', provider: 'okta' } });
    expect(res.body.errors![0].message).toMatch(/1000 ms deadline.*http\.timeoutMs/);
    await within(up.gone(1)); // and the trickling socket was let go, not left reading
  });

  it('stops a request whose budget (limits.requestTimeoutMs) runs out, saying which limit it was', async () => {
    const { up, h } = await setup('trickle', { limits: { requestTimeoutMs: 500 }, http: { timeoutMs: 20000, bodyTimeoutMs: 20000, headersTimeoutMs: 20000 } });
    const res = await within(h.query(USERS));
    expect(res.body.errors?.[0]).toMatchObject({ extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
    expect(res.body.errors![0].message).toMatch(/limits\.requestTimeoutMs/);
    await within(up.gone(1));
  });

  it('aborts the upstream call of a client that disconnects: the trickling upstream sees its socket closed', async () => {
    const { up, h } = await setup('trickle', { http: { timeoutMs: 20000, bodyTimeoutMs: 20000, headersTimeoutMs: 20000 } });
    const server = http.createServer((req, res) => void h.gateway.yoga(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    opened.push({ close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) });
    const client = http.request(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TENANT_TOKEN}` },
    });
    client.on('error', () => {}); // we hang up on purpose
    client.end(JSON.stringify({ query: USERS }));
    await within(up.arrived(1));
    expect(up.closed).toBe(0);
    client.destroy();
    await within(up.gone(1));
    // ...and the request gave its in-flight slot back.
    await within((async () => { while (h.gateway.admission.running('acme') > 0) await new Promise((r) => setTimeout(r, 10)); })());
  });

  it('aborts every request still in flight when shutdown reaches its deadline', async () => {
    const { up, h } = await setup('trickle', { http: { timeoutMs: 20000, bodyTimeoutMs: 20000, headersTimeoutMs: 20000 } });
    const pending = h.query(USERS);
    await within(up.arrived(1));
    h.gateway.abortInFlight();
    const res = await within(pending);
    expect(res.body.errors?.[0].extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(res.body.errors![0].message).toMatch(/shutting down/);
    await within(up.gone(1));
  });
});

describe('load shedding', () => {
  it('refuses a tenant request past limits.maxInFlightPerTenant at once with 429 GATEWAY_OVERLOADED, and admits again when the others finish', async () => {
    const { up, h } = await setup('hold', { limits: { maxInFlightPerTenant: 2 } });
    const first = [h.query(USERS), h.query(USERS)];
    await within(up.arrived(2));
    const refused = await within(h.query(USERS));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body.errors?.[0]).toMatchObject({ extensions: { code: 'GATEWAY_OVERLOADED', retryAfter: 1 } });
    expect(refused.body.errors![0].message).toMatch(/limits\.maxInFlightPerTenant/);
    expect(up.received).toBe(2); // the refused request never reached the upstream
    // Another tenant is not refused for acme's load.
    expect((await h.query('{ providers { slug } }', {}, OTHER_TENANT_TOKEN)).status).toBe(200);
    up.release();
    for (const r of await within(Promise.all(first))) expect(r.body.errors).toBeUndefined();
    const again = await within(h.query(USERS));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ data: { users: { edges: [] } } });
    expect(h.gateway.admission.running('acme')).toBe(0);
  });

  it('answers GATEWAY_OVERLOADED when every connection to an upstream stays busy past http.queueTimeoutMs, and serves again once one frees', async () => {
    const up = await upstream('hold');
    const client = new UpstreamClient({ allowPrivateUpstreams: true, connectTimeoutMs: 2000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, timeoutMs: 5000, queueTimeoutMs: 100, connectionsPerOrigin: 1, retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 10, maxTotalMs: 5000 } });
    opened.push(client, up);
    const call = () => client.call({ provider: 'okta', origin: up.url, request: { method: 'GET', path: '/api/v1/users', query: [] }, headers: {}, secrets: [] });
    const busy = call();
    await within(up.arrived(1));
    const err = await within(call().then(() => null, (e: unknown) => e));
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ code: 'GATEWAY_OVERLOADED', extensions: { retryAfter: 1, provider: 'okta' } });
    expect((err as Error).message).toMatch(/http\.queueTimeoutMs/);
    up.release();
    expect((await within(busy)).status).toBe(200);
    expect((await within(call())).body).toEqual([]);
  });
});
