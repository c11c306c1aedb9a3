// The fast lane answers repeat queries without yoga's per-request machinery. Its answers must be yoga's:
// the same requests go over HTTP to a gateway with the lane and to one without it, and status, headers,
// body and log lines must match, while the lane's own count shows which requests it answered.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { OKTA_SANDBOX_TOKEN, startOktaSandbox } from '../src/providers/okta/sandbox.js';
import type { Sandbox } from '../src/providers/engine/sandbox-kit.js';
import { createGateway, type Gateway } from '../src/server.js';
import { TENANT_TOKEN, transcript } from './helpers.js';

const QUERY = `query Page($first: Int, $after: String) { users(category: USER_DIRECTORY, integratedAccountId: "okta", first: $first, after: $after) {
  edges { cursor node { ... on DirectoryUser { id name firstName lastName emails { email isPrimary } status createdAt } } } pageInfo { hasNextPage endCursor } } }`;
const TWO_OPS = `query A { users(category: USER_DIRECTORY, integratedAccountId: "okta", first: 2) { edges { node { remoteId } } } }
query B { users(category: USER_DIRECTORY, integratedAccountId: "broken", first: 2) { edges { node { remoteId } } } }`;

interface Served { server: Server; url: string; gateway: Gateway; logs: string[] }
let sandbox: Sandbox;
let lane: Served;
let plain: Served;

async function serve(fastLane: boolean): Promise<Served> {
  const config = parseConfig({
    allowPrivateUpstreams: true,
    cursorSecret: 'lane-cursor-secret-0123456789abcdef',
    tenants: [{ id: 'acme', apiTokens: [TENANT_TOKEN] }],
    integratedAccounts: [
      { id: 'okta', tenant: 'acme', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN } },
      { id: 'broken', tenant: 'acme', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: { apiToken: 'wrong-token-0123456789' } },
    ],
    http: { maxRetries: 0 },
    cors: { origins: ['https://app.example'] },
  });
  const logs: string[] = [];
  const sink = new Writable({ write: (c, _e, cb) => void (logs.push(String(c)), transcript.push(String(c)), cb()) });
  const gateway = createGateway(config, { logger: createLogger(() => [OKTA_SANDBOX_TOKEN, 'wrong-token-0123456789'], sink, 'info'), fastLane });
  const server = createServer(gateway.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, gateway, logs };
}

beforeAll(async () => {
  sandbox = await startOktaSandbox();
  [lane, plain] = await Promise.all([serve(true), serve(false)]);
});
afterAll(async () => {
  for (const s of [lane, plain]) {
    s.server.close();
    await s.gateway.close();
  }
  await sandbox.close();
});

type Req = { body: string; headers?: Record<string, string> };
const HEADERS = ['content-type', 'cache-control', 'vary', 'www-authenticate', 'retry-after', 'access-control-allow-origin', 'access-control-allow-credentials', 'access-control-allow-methods', 'access-control-allow-headers', 'access-control-expose-headers', 'access-control-max-age'];

async function send(to: Served, r: Req) {
  const res = await request(to.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TENANT_TOKEN}`, ...r.headers }, body: r.body });
  const text = await res.body.text();
  transcript.push(text);
  const headers = Object.fromEntries(HEADERS.map((h) => [h, res.headers[h] ?? null]));
  return { status: res.statusCode, headers, text, requestId: res.headers['x-request-id'] };
}

/** The request's summary log line, without what differs per request. */
function lastRequestLine(s: Served) {
  const line = [...s.logs].reverse().map((l) => JSON.parse(l)).find((l) => l.msg === 'request');
  const { reqId, durationMs, time, pid, hostname, ...rest } = line;
  expect(typeof reqId).toBe('string');
  return rest;
}

/** Sends `r` twice to each gateway (the first may prime the lane); returns whether the lane answered the second. */
async function compare(r: Req) {
  await send(lane, r);
  await send(plain, r);
  const before = lane.gateway.lane!.answered;
  const a = await send(lane, r);
  const answered = lane.gateway.lane!.answered > before;
  const b = await send(plain, r);
  expect(a.status).toBe(b.status);
  expect(a.headers).toEqual(b.headers);
  expect(a.text).toBe(b.text);
  expect(a.requestId).toMatch(/^[\w.:-]+$/);
  expect(lastRequestLine(lane)).toEqual(lastRequestLine(plain));
  return { answered, status: a.status, body: /json/.test(String(a.headers['content-type'])) ? JSON.parse(a.text) : a.text };
}

const body = (query: string, variables?: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ query, variables, ...extra });

describe('the fast lane answers exactly as yoga does', () => {
  it('answers a repeat query itself, with the same data, cursors and headers', async () => {
    const r = await compare({ body: body(QUERY, { first: 5 }) });
    expect(r).toMatchObject({ answered: true, status: 200 });
    expect(r.body.data.users.edges).toHaveLength(5);
    const next = await compare({ body: body(QUERY, { first: 5, after: r.body.data.users.pageInfo.endCursor }) });
    expect(next.answered).toBe(true);
    expect(next.body.data.users.edges[0].node.id).not.toBe(r.body.data.users.edges[0].node.id);
  });

  it('negotiates the response type as yoga does, and leaves the rest to yoga', async () => {
    for (const accept of ['application/json', '*/*', 'application/graphql-response+json, application/json', 'application/json;q=0.9'])
      expect((await compare({ body: body(QUERY, { first: 2 }), headers: { accept } })).answered).toBe(true);
    for (const accept of ['multipart/mixed', 'text/event-stream', 'text/html'])
      expect((await compare({ body: body(QUERY, { first: 2 }), headers: { accept } })).answered).toBe(false);
  });

  it('answers errors the same: variables (400), arguments, an upstream refusing, and one operation of several', async () => {
    const bad = await compare({ body: body(QUERY, { first: 'many' }) });
    expect(bad).toMatchObject({ answered: true, status: 400 });
    expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const big = await compare({ body: body(QUERY, { first: 100_000 }) });
    expect(big.answered).toBe(true);
    expect(big.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const a = await compare({ body: body(TWO_OPS, undefined, { operationName: 'A' }) });
    expect(a.answered).toBe(true);
    expect(a.body.data.users.edges).toHaveLength(2);
    const b = await compare({ body: body(TWO_OPS, undefined, { operationName: 'B' }) });
    expect(b.answered).toBe(true);
    expect(b.body.errors[0].extensions.code).toMatch(/^UPSTREAM_/);
    expect(b.body.errors[0].locations).toBeTruthy();
  });

  it('leaves to yoga what is refused before execution, and documents it never validated', async () => {
    for (const token of ['wrong-token-0123456789abcdef', '']) {
      const r = await compare({ body: body(QUERY, { first: 1 }), headers: { authorization: token && `Bearer ${token}` } });
      expect(r).toMatchObject({ answered: false, status: 401 });
    }
    const deep = `{ users(category: USER_DIRECTORY, integratedAccountId: "okta", first: 1) { edges { node { ... on DirectoryUser { groups { organization { name ${'x'.repeat(0)} } } } } } } }`;
    const invalid = await compare({ body: body(`${deep} { nope }`) });
    expect(invalid).toMatchObject({ answered: false, status: 400 });
    for (const raw of ['{"query":', '[{"query":"{ __typename }"}]', JSON.stringify({ query: QUERY, variables: { first: 1 }, extensions: { persistedQuery: { version: 1, sha256Hash: 'x' } } })])
      expect((await compare({ body: raw })).answered).toBe(false);
  });

  it('answers cross-origin requests with the same CORS headers: a listed origin gets them, another none', async () => {
    const listed = await compare({ body: body(QUERY, { first: 1 }), headers: { origin: 'https://app.example' } });
    expect(listed.answered).toBe(true);
    const other = await compare({ body: body(QUERY, { first: 1 }), headers: { origin: 'https://elsewhere.example' } });
    expect(other.answered).toBe(true);
    const errors = await compare({ body: body(QUERY, { first: 'x' }), headers: { origin: 'https://app.example' } });
    expect(errors).toMatchObject({ answered: true, status: 400 });
  });

  it('gives a listed origin its CORS headers on the lane', async () => {
    const res = await request(lane.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TENANT_TOKEN}`, origin: 'https://app.example' }, body: body(QUERY, { first: 1 }) });
    await res.body.text();
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(String(res.headers.vary)).toMatch(/Origin/);
  });
});
