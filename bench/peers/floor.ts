// The floor: the fastest plausible server for the bench queries, and only the denominator of the ratios.
// Plain node:http, no GraphQL engine: POST /graphql → JSON.parse the body (the query text is ignored;
// variables.category picks the query, variables.first is honoured) → the upstream calls the gateway makes,
// through shared keep-alive pools → map the same fields → JSON.stringify the connection.
//   BENCH_UPSTREAMS='{"okta":…}' PORT=0 node --import tsx bench/peers/floor.ts
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { upstreamClient, upstreamsFromEnv } from './fetch.js';
import { BENCH_QUERIES, connectionOf, FIRST, PEER_QUERIES, type Upstreams } from './queries.js';

const BY_CATEGORY = new Map(BENCH_QUERIES.map((q) => [q.category, PEER_QUERIES[q.name]!]));

export function createFloor(upstreams: Upstreams): http.Server {
  const client = upstreamClient(upstreams);
  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/graphql-response+json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let vars: any;
    try {
      vars = JSON.parse(Buffer.concat(chunks).toString('utf8')).variables ?? {};
    } catch {
      return send(res, 400, { errors: [{ message: 'invalid JSON body' }] });
    }
    const q = BY_CATEGORY.get(vars.category);
    if (!q) return send(res, 200, { data: null, errors: [{ message: `unknown category ${vars.category}` }] });
    const first = Number.isInteger(vars.first) ? Math.min(Math.max(vars.first, 1), 100) : FIRST;
    send(res, 200, { data: { users: connectionOf(q, await client.fetch(q.calls()), first) } });
  };
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || !req.url?.startsWith('/graphql')) {
      res.writeHead(404).end();
      return;
    }
    handle(req, res).catch((err) => (res.headersSent ? res.destroy() : send(res, 200, { data: null, errors: [{ message: String(err?.message ?? err) }] })));
  });
  server.keepAliveTimeout = 65_000;
  server.on('close', () => void client.close());
  return server;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const server = createFloor(upstreamsFromEnv());
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`));
}
