// The stream lane (plugins/stream-lane.ts): which documents it takes, and that what it answers is what the
// general incremental executor answers for the same document, through real HTTP against the Okta sandbox.
// (test/stream.test.ts runs the whole @stream suite through both.)
import { parse, getOperationAST } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planStreamLane } from '../src/plugins/stream-lane.js';
import { schema } from '../src/schema/index.js';
import { TENANT_TOKEN, type Harness } from './helpers.js';
import { merge, oktaOverHttp, ssePayloads, type OktaOverHttp } from './incremental.js';
import type { Sandbox } from '../src/providers/engine/sandbox-kit.js';
import { oktaDataset } from '../src/providers/okta/sandbox.js';

const plan = (doc: string) => {
  const d = parse(doc);
  return planStreamLane(schema, d, getOperationAST(d)!);
};
const U = 'users(category: USER_DIRECTORY, integratedAccountId: "okta", first: 1000)';
const NODE = 'node { ... on DirectoryUser { remoteId } }';

describe('which documents the stream lane takes', () => {
  it.each([
    ['the shape of Relay @stream_connection', `{ ${U} { edges @stream(initialCount: 10) { cursor ${NODE} } ... @defer { pageInfo { hasNextPage endCursor } } } }`],
    ['an alias, labels and a variable initialCount', `query($n: Int) { a: ${U} { e: edges @stream(initialCount: $n, label: "s") { cursor } ... @defer(label: "d") { pageInfo { hasNextPage } } } }`],
    ['no @defer, and other fields beside the edges', `{ ${U} { debug { url } edges @stream { ${NODE} } } }`],
    ['other root fields, and named fragments under the edges', `{ providers { slug } other: ${U} { edges { cursor } } ${U} { edges @stream { ...E } } } fragment E on UserEdge { cursor ${NODE} }`],
  ])('takes %s', (_what, doc) => {
    expect(plan(doc)).not.toBeNull();
  });

  it.each([
    ['a @stream with if:', `{ ${U} { edges @stream(if: true) { cursor } } }`],
    ['a @defer with if:', `{ ${U} { edges @stream { cursor } ... @defer(if: true) { pageInfo { hasNextPage } } } }`],
    ['a second @stream', `{ ${U} { edges @stream { node { ... on DirectoryUser { emails @stream { email } } } } } }`],
    ['a @defer elsewhere', `{ ${U} { edges @stream { node { ... @defer { remoteId } } } } }`],
    ['two @defer', `{ ${U} { edges @stream { cursor } ... @defer { pageInfo { hasNextPage } } ... @defer { debug { url } } } }`],
    ['pageInfo outside @defer', `{ ${U} { edges @stream { cursor } pageInfo { hasNextPage } } }`],
    ['a fragment beside the edges', `{ ${U} { edges @stream { cursor } ...P } } fragment P on UserConnection { pageInfo { hasNextPage } }`],
    ['edges again under the @defer', `{ ${U} { edges @stream { cursor } ... @defer { edges { cursor } } } }`],
    ['a @stream not on users.edges', `{ ${U} { edges { node { ... on DirectoryUser { emails @stream { email } } } } } }`],
    ['the streamed field again under its key', `{ ${U} { edges @stream { cursor } } ${U} { pageInfo { hasNextPage } } }`],
    ['a root fragment', `{ ${U} { edges @stream { cursor } } ... on Query { providers { slug } } }`],
  ])('leaves %s to the general executor', (_what, doc) => {
    expect(plan(doc)).toBeNull();
  });
});

const COUNT = 1300;
const listed = oktaDataset(COUNT).filter((u) => u.status !== 'DEPROVISIONED');
let sandbox: Sandbox;
let h: Harness;
let server: OktaOverHttp;
beforeAll(async () => {
  server = await oktaOverHttp(COUNT);
  ({ sandbox, h } = server);
});
afterAll(() => server.close());

async function stream(query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${TENANT_TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  const payloads: any[] = [];
  for await (const p of ssePayloads(res.body!)) payloads.push(p);
  return { payloads, ...merge(payloads) };
}
/** The document as the lane takes it, and with `if: true` on its @stream (the general executor). */
const both = (edges: string, rest = '... @defer { pageInfo { hasNextPage endCursor } }') =>
  [`query($first: Int, $n: Int) { users(category: USER_DIRECTORY, integratedAccountId: "okta", first: $first) { edges @stream(initialCount: $n) { ${edges} } ${rest} } }`, `query($first: Int, $n: Int) { users(category: USER_DIRECTORY, integratedAccountId: "okta", first: $first) { edges @stream(initialCount: $n, if: true) { ${edges} } ${rest} } }`] as const;

describe('what the stream lane answers', () => {
  it('answers as the general executor does when initialCount spans pages and first ends inside one', async () => {
    const [lane, general] = both(`cursor ${NODE}`);
    for (const vars of [{ first: 1050, n: 250 }, { first: 90, n: 0 }, { first: 100_000, n: 1 }]) {
      const a = await stream(lane, vars);
      const b = await stream(general, vars);
      expect(a.errors).toEqual([]);
      expect(a.payloads[0].data.users.edges).toHaveLength(Math.min(vars.n, vars.first));
      expect(a.edges).toEqual(b.edges);
      expect(a.pageInfo).toEqual(b.pageInfo);
      expect(a.edges.map((e) => e.node.remoteId)).toEqual(listed.slice(0, vars.first).map((u) => u.id));
    }
  });

  it("places a field error of one user's node at that user's position in the stream", async () => {
    // The groups of one user past the first payload's 100 fail: only that edge's groups are null, and the
    // error says where (each page's edges run on their own, so the lane moves their errors to the stream's positions).
    const victim = 120;
    const [lane, general] = both('node { ... on DirectoryUser { remoteId groups { id } } }', '');
    const results = [];
    for (const doc of [lane, general]) {
      sandbox.inject({ match: new RegExp(`/users/${listed[victim]!.id}/groups`), status: 403, body: { errorCode: 'E0000006', errorSummary: 'You do not have permission' }, times: 10 });
      results.push({ doc, ...(await stream(doc, { first: 150, n: 100 })) });
      sandbox.clearFaults();
    }
    for (const r of results) {
      expect(r.errors.map((e) => e.path)).toEqual([['users', 'edges', victim, 'node', 'groups']]);
      expect(r.errors[0].extensions.code).toMatch(/^UPSTREAM_/);
      expect(r.edges[victim].node.groups).toBeNull();
      expect(r.edges.filter((e) => e.node.groups === null)).toHaveLength(1);
      expect(r.edges).toHaveLength(150);
      expect(r.errors[0].locations).toEqual([{ line: 1, column: r.doc.indexOf('groups') + 1 }]);
    }
  });

  it.each([['the stream lane', 0], ['the general executor', 1]] as const)('reads upstream only as fast as a paused reader takes the response, through %s', async (_path, which) => {
    const big = await oktaOverHttp(20_000);
    const { request } = await import('node:http');
    try {
      // About 25 MB of payloads (each edge with its raw record): more than socket buffers hold.
      const body = JSON.stringify({ query: both('cursor node { ... on DirectoryUser { remoteId remoteData } }')[which], variables: { first: 100_000, n: 0 } });
      const res = await new Promise<import('node:http').IncomingMessage>((resolve) => {
        const req = request(`${big.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${TENANT_TOKEN}`, 'content-length': Buffer.byteLength(body) } }, resolve);
        req.end(body);
      });
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      await new Promise((r) => res.once('data', r));
      res.pause();
      let last = -1;
      for (let same = 0, i = 0; same < 10 && i < 200; i++) {
        await new Promise((r) => setTimeout(r, 50));
        same = big.sandbox.requests.length === last ? same + 1 : 0;
        last = big.sandbox.requests.length;
      }
      // What the socket buffers hold plus the pages read ahead: far from the 92 pages.
      expect(last).toBeLessThan(40);
      res.resume();
      await new Promise((r) => res.once('end', r));
      expect(big.sandbox.requests.length).toBeGreaterThan(90);
      expect(bytes).toBeGreaterThan(0);
    } finally {
      await big.close();
    }
  });
});
