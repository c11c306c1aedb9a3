// The bench compares the gateway with two peers (bench/peers): the comparison is fair only if they answer
// the same users for each query, with the same ids, e-mails, statuses and joined usage days.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFloor } from '../bench/peers/floor.js';
import { BENCH_QUERIES, BENCH_TOKEN, bodyOf, FIRST, gatewayConfig } from '../bench/peers/queries.js';
import { startUpstreams } from '../bench/peers/upstream.js';
import { createYogaPeer } from '../bench/peers/yoga.js';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createGateway } from '../src/server.js';

const listen = (s: Server) => new Promise<string>((r) => s.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(s.address() as AddressInfo).port}/graphql`)));
let upstreams: Awaited<ReturnType<typeof startUpstreams>>;
let gateway: ReturnType<typeof createGateway>;
const servers: Server[] = [];
const urls: Record<string, string> = {};

beforeAll(async () => {
  upstreams = await startUpstreams({ okta: 400, zendesk: 300, claude: 300 });
  gateway = createGateway(parseConfig(gatewayConfig(upstreams.urls)), { logger: createLogger(() => [], undefined, 'warn') });
  const targets: [string, Server][] = [['gateway', createServer(gateway.yoga)], ['floor', createFloor(upstreams.urls)], ['yoga', createYogaPeer(upstreams.urls)]];
  for (const [name, server] of targets) {
    servers.push(server);
    urls[name] = await listen(server);
  }
});
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  await gateway?.close();
  await upstreams?.close();
});

async function ask(target: string, body: string) {
  const res = await fetch(urls[target]!, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_TOKEN}` }, body });
  expect(res.status).toBe(200);
  const json = (await res.json()) as any;
  expect(json.errors).toBeUndefined();
  return json.data.users as { edges: { cursor: string; node: Record<string, unknown> }[]; pageInfo: { hasNextPage: boolean } };
}

describe.each(BENCH_QUERIES)('bench query $name', (q) => {
  it('floor and yoga answer the same users as the gateway', async () => {
    const body = bodyOf(q);
    const gw = await ask('gateway', body);
    expect(gw.edges).toHaveLength(FIRST);
    const nodes = gw.edges.map((e) => e.node);
    if (q.name === 'usage') expect(nodes.filter((n) => n.lastActiveAt).length).toBeGreaterThan(10); // the join is exercised
    for (const peer of ['floor', 'yoga']) {
      const got = await ask(peer, body);
      expect(got.edges.map((e) => e.node), peer).toEqual(nodes);
      expect(got.pageInfo.hasNextPage, peer).toBe(gw.pageInfo.hasNextPage);
    }
  });
});
