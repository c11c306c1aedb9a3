// `edges @stream` through real HTTP (text/event-stream): every user once and in order, pageInfo exact at the
// end, `first` above 100 only when streaming, errors mid-stream with their code, and a client that leaves
// stops the upstream paging.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningWalks } from '../src/providers/engine/heap.js';
import { TENANT_TOKEN, type Harness } from './helpers.js';
import { merge, oktaOverHttp, ssePayloads, type OktaOverHttp } from './incremental.js';
import type { Sandbox } from '../src/providers/engine/sandbox-kit.js';
import { oktaDataset } from '../src/providers/okta/sandbox.js';

const COUNT = 1300;
const listed = oktaDataset(COUNT).filter((u) => u.status !== 'DEPROVISIONED');
const streamed = (args: string) => `query($first: Int, $after: String, $n: Int = 10) {
  users(category: USER_DIRECTORY, integratedAccountId: "okta", first: $first, after: $after) {
    edges @stream(${args}) { cursor node { ... on DirectoryUser { remoteId } } }
    ... @defer { pageInfo { hasNextPage endCursor } }
  }
}`;
// Relay's @stream_connection shape takes the stream lane (graphql-jit, plugins/stream-lane.ts); with `if:`
// the same document takes the general incremental executor. Both must answer alike.
const PATHS = [
  ['the stream lane', streamed('initialCount: $n')],
  ['the general executor', streamed('initialCount: $n, if: true')],
] as const;

let sandbox: Sandbox;
let h: Harness;
let server: OktaOverHttp;
beforeAll(async () => {
  server = await oktaOverHttp(COUNT);
  ({ sandbox, h } = server);
});
afterAll(() => server.close());

function post(query: string, variables: Record<string, unknown>, signal?: AbortSignal) {
  return fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${TENANT_TOKEN}` },
    body: JSON.stringify({ query, variables }),
    signal,
  });
}
let STREAM: string;
async function streamAll(variables: Record<string, unknown>) {
  const res = await post(STREAM, variables);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const payloads: any[] = [];
  for await (const p of ssePayloads(res.body!)) payloads.push(p);
  return { payloads, ...merge(payloads) };
}

describe.each(PATHS)('edges @stream, through %s', (_path, document) => {
  beforeAll(() => {
    STREAM = document;
  });

  it(`streams all ${listed.length} users exactly once, in upstream order, then pageInfo says there is no next page`, async () => {
    const { payloads, edges, pageInfo, errors } = await streamAll({ first: 100_000 });
    expect(errors).toEqual([]);
    expect(payloads.length).toBeGreaterThan(2);
    expect(edges.map((e) => e.node.remoteId)).toEqual(listed.map((u) => u.id));
    expect(pageInfo).toEqual({ hasNextPage: false, endCursor: edges.at(-1).cursor });
  });

  it('stops at first, and its endCursor continues where the stream stopped', async () => {
    const { edges, pageInfo } = await streamAll({ first: 1000 });
    expect(edges).toHaveLength(1000);
    expect(pageInfo.hasNextPage).toBe(true);
    const rest = await streamAll({ first: 100_000, after: pageInfo.endCursor });
    expect([...edges, ...rest.edges].map((e) => e.node.remoteId)).toEqual(listed.map((u) => u.id));
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  it("keeps the pages it reads whole out of the engine's resume cache, and only a last page cut short in it", async () => {
    h.gateway.engine.pageCache!.clear();
    await streamAll({ first: 100_000 });
    expect(h.gateway.engine.pageCache!.size).toBe(0);
    const { pageInfo } = await streamAll({ first: 1050 }); // 5 whole pages of 200, then 50 of the sixth
    expect(h.gateway.engine.pageCache!.size).toBe(1);
    const rest = await streamAll({ first: 100_000, after: pageInfo.endCursor });
    expect(rest.edges[0].node.remoteId).toBe(listed[1050]!.id);
  });

  it('allows first above 100 only with edges @stream, up to limits.maxStreamFirst', async () => {
    const plain = await h.query('{ users(category: USER_DIRECTORY, integratedAccountId: "okta", first: 500) { edges { cursor } } }');
    expect(plain.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/between 1 and 100.*@stream/) });
    const over = await streamAll({ first: 100_001 });
    expect(over.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/limits\.maxStreamFirst/) });
  });

  it('asks for pageInfo under @defer when a long stream would otherwise be held back', async () => {
    const res = await post(`{ users(category: USER_DIRECTORY, integratedAccountId: "okta", first: 1000) { edges @stream { cursor } pageInfo { hasNextPage } } }`, {});
    const { errors } = merge([...(await collect(ssePayloads(res.body!)))]);
    expect(errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/@defer/) });
  });

  it('answers an upstream failure mid-stream in the incremental payload, with its code', async () => {
    const res = await post(STREAM, { first: 100_000 });
    const it = ssePayloads(res.body!);
    const payloads = [(await it.next()).value];
    sandbox.inject({ status: 401, body: { errorCode: 'E0000011', errorSummary: 'Invalid token provided' }, times: 10 });
    for await (const p of it) payloads.push(p);
    sandbox.clearFaults();
    const { edges, errors } = merge(payloads);
    expect(edges.length).toBeGreaterThan(0);
    expect(edges.length).toBeLessThan(listed.length);
    expect(errors[0].extensions).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', provider: 'okta' });
    expect(payloads.at(-1).hasNext).toBe(false);
  });

  it('stops paging upstream when the client disconnects mid-stream', async () => {
    // A long walk (100 pages of 200) that the client leaves after its first payload.
    const big = await oktaOverHttp(20_000);
    try {
      const ctl = new AbortController();
      const res = await fetch(`${big.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${TENANT_TOKEN}` },
        body: JSON.stringify({ query: STREAM, variables: { first: 100_000 } }),
        signal: ctl.signal,
      });
      const it = ssePayloads(res.body!);
      await it.next();
      expect(big.h.gateway.admission.running('acme')).toBe(1); // a streamed response holds its slot until it ends
      const walking = runningWalks(); // the heap setting of long walks is on (engine/heap.ts)
      expect(walking).toBeGreaterThanOrEqual(1);
      ctl.abort();
      await it.return(undefined).catch(() => {});
      await until(() => big.h.gateway.admission.running('acme') === 0);
      await until(() => runningWalks() < walking); // ended by the disconnect itself, not left to the GC
      await new Promise((r) => setTimeout(r, 100)); // a request already on the wire may still land
      const atAbort = big.sandbox.requests.length;
      await new Promise((r) => setTimeout(r, 300));
      expect(big.sandbox.requests.length).toBe(atAbort);
      expect(atAbort).toBeLessThan(50); // paced to what the connection took, far from the 100 pages
    } finally {
      await big.close();
    }
  });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
async function until(cond: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
