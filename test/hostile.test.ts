// An outside review's probes (issue 10), kept as regression tests: hostile upstreams (links, echoed secrets,
// odd values, slow answers) and hostile requests (deep inputs, aliases, bodies, sockets).
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT_TOKEN, startGateway } from './helpers.js';
import { startSandbox, type Sandbox, type SandboxRequest } from '../src/providers/engine/sandbox-kit.js';
import { oktaDataset, oktaSandbox } from '../src/providers/okta/sandbox.js';
import { startZendeskSandbox, zendeskDataset, ZENDESK_SANDBOX_API_TOKEN, ZENDESK_SANDBOX_EMAIL } from '../src/providers/zendesk/sandbox.js';
import { createListener } from '../src/listener.js';

const code = (res: { body: { errors?: any[] } }) => res.body.errors?.[0]?.extensions?.code;
const TOKEN = 'hostile-okta-token-8f3e2a91c4';
const CLAUDE_KEY = 'sk-ant-admin01-hostile-key-77aa';
const DIRECTORY = `query($a: ID!, $after: String) { users(category: USER_DIRECTORY, integratedAccountId: $a, first: 2, after: $after) {
  edges { cursor node { ... on DirectoryUser { remoteId title status remoteData } } } pageInfo { hasNextPage endCursor } debug { url nextCursor } } }`;
const USAGE = `query($a: ID!, $after: String, $rq: JSON) { users(category: USAGE_METERING, integratedAccountId: $a, first: 1, after: $after, remoteQuery: $rq) {
  edges { cursor node { ... on UsageMeteringUser { remoteId } } } pageInfo { hasNextPage endCursor } debug { url nextCursor } } }`;
const users = oktaDataset(6);
const okta = (u: (typeof users)[number], patch: Record<string, unknown> = {}) => ({ ...u, ...patch });

/** Okta-shaped upstream whose behaviour each test picks by account (the path prefix of its base URL). */
function hostileRoutes(req: SandboxRequest) {
  const [, mode] = /^\/([a-z-]+)\//.exec(req.path) ?? [];
  const base = `${req.origin}/${mode}/api/v1/users`;
  const after = req.query.get('after');
  switch (mode) {
    case 'opaque':
      return { body: [users[0], users[1]], headers: { link: `<x:http://other-host.test/api/v1/users?after=2>; rel="next"` } };
    case 'echo-link':
      if (after === `SSWS ${TOKEN}`) return { body: [users[2]] };
      return { body: [users[0], users[1]], headers: { link: `<${base}?limit=2&after=${encodeURIComponent(`SSWS ${TOKEN}`)}>; rel="next"` } };
    case 'echo-record':
      return { body: [okta(users[0]!, { profile: { ...users[0]!.profile, title: TOKEN, nickName: `SSWS ${TOKEN}` } }), users[1]] };
    case 'odd-status':
      return { body: ['__proto__', 'constructor', 'toString'].map((s, i) => okta(users[i]!, { status: s })) };
    default:
      return { body: users.slice(0, 2) };
  }
}

describe('links, positions and values from a hostile upstream', () => {
  let up: Sandbox;
  let claude: Sandbox;
  beforeAll(async () => {
    up = await startSandbox({ name: 'hostile', authenticate: () => true, unauthorized: { status: 401 }, notFound: { status: 404 }, routes: [{ method: 'GET', path: /\/api\/v1\/users$/, handle: hostileRoutes }] });
    // Claude's Admin API shape: `last_id` echoes the key, or is an object.
    claude = await startSandbox({
      name: 'claude-hostile', authenticate: () => true, unauthorized: { status: 401 }, notFound: { status: 404 },
      routes: [{
        method: 'GET', path: /^\/(echo|object)\/v1\/organizations\/users$/,
        handle: (req, [mode]) => {
          const member = (id: string) => ({ type: 'user', id, email: `${id}@x.test`, name: id, role: 'user', added_at: '2024-01-01T00:00:00Z' });
          if (req.query.get('after_id') === CLAUDE_KEY) return { body: { data: [member('u2')], has_more: false, first_id: 'u2', last_id: 'u2' } };
          return { body: { data: [member('u1')], has_more: true, first_id: 'u1', last_id: mode === 'echo' ? CLAUDE_KEY : { toString: 1 } } };
        },
      }],
    });
  });
  afterAll(async () => {
    await up.close();
    await claude.close();
  });
  const account = (id: string, mode: string) => ({ id, provider: 'okta', context: { baseUrl: `${up.url}/${mode}` }, credentials: { apiToken: TOKEN } });

  it('never follows a next link without an absolute path on the account base (x:http://other-host/…), nor glues it into debug.url', async () => {
    // At the origin's root (no base path to prefix), where such a link became an absolute-form request target.
    const root = await startSandbox({ name: 'opaque', authenticate: () => true, unauthorized: { status: 401 }, notFound: { status: 404 }, routes: [{ method: 'GET', path: /\/api\/v1\/users$/, handle: (req) => hostileRoutes({ ...req, path: `/opaque${req.path}` }) }] });
    const h = startGateway([{ ...account('opaque', 'opaque'), context: { baseUrl: root.url } }]);
    const res = await h.query(DIRECTORY.replace('first: 2', 'first: 3'), { a: 'opaque' });
    expect(root.requests.length).toBe(1);
    expect(res.text).not.toContain('other-host');
    expect(res.body.data?.users.edges.map((e: any) => e.node.remoteId)).toEqual([users[0]!.id, users[1]!.id]);
    await h.close();
    await root.close();
  });

  it('never hands undici a request it would refuse, so the origin pool stays usable after many of them', async () => {
    const h = startGateway([{ ...account('bad', 'plain'), credentials: { apiToken: 'bad\r\ntoken-with-a-newline' } }, account('good', 'plain')], { limits: { requestTimeoutMs: 3000 } });
    const before = up.requests.length;
    for (let i = 0; i < 50; i++) expect(code(await h.query(DIRECTORY, { a: 'bad' }))).toBe('UPSTREAM_BAD_RESPONSE');
    expect(up.requests.length).toBe(before);
    const good = await h.query(DIRECTORY, { a: 'good' });
    expect(good.body.errors).toBeUndefined();
    expect(good.body.data.users.edges).toHaveLength(2);
    await h.close();
  });

  it('keeps a credential echoed into a next link out of debug.nextCursor and out of cursors, and still pages with it', async () => {
    const h = startGateway([account('echo', 'echo-link')]);
    const first = await h.query(DIRECTORY, { a: 'echo' });
    expect(first.body.errors).toBeUndefined();
    expect(first.text).not.toContain(TOKEN);
    expect(first.body.data.users.debug[0].nextCursor).toContain('[REDACTED]');
    const next = await h.query(DIRECTORY, { a: 'echo', after: first.body.data.users.pageInfo.endCursor });
    expect(next.body.data.users.edges.map((e: any) => e.node.remoteId)).toEqual([users[2]!.id]);
    expect(next.text).not.toContain(TOKEN);
    await h.close();
  });

  it("keeps Claude's last_id equal to the key out of debug and cursors; an object-shaped last_id is UPSTREAM_BAD_RESPONSE", async () => {
    const h = startGateway([
      { id: 'echo', provider: 'claude', context: { baseUrl: `${claude.url}/echo` }, credentials: { apiKey: CLAUDE_KEY } },
      { id: 'object', provider: 'claude', context: { baseUrl: `${claude.url}/object` }, credentials: { apiKey: CLAUDE_KEY } },
    ]);
    const first = await h.query(USAGE, { a: 'echo' });
    expect(first.body.errors).toBeUndefined();
    expect(first.text).not.toContain(CLAUDE_KEY);
    const next = await h.query(USAGE, { a: 'echo', after: first.body.data.users.pageInfo.endCursor });
    expect(next.body.data.users.edges.map((e: any) => e.node.remoteId)).toEqual(['u2']);
    const odd = await h.query(USAGE, { a: 'object' });
    expect(code(odd)).toBe('UPSTREAM_BAD_RESPONSE');
    await h.close();
  });

  it("never lets remoteQuery set Claude's before_id (a paging parameter of the API)", async () => {
    const h = startGateway([{ id: 'echo', provider: 'claude', context: { baseUrl: `${claude.url}/echo` }, credentials: { apiKey: CLAUDE_KEY } }]);
    await h.query(USAGE, { a: 'echo', rq: { before_id: 'u9', BEFORE_ID: 'u9' } });
    expect([...claude.requests.at(-1)!.query.keys()].map((k) => k.toLowerCase())).not.toContain('before_id');
    await h.close();
  });

  it('redacts the account secrets an upstream echoes into a record, in mapped fields and remoteData', async () => {
    const h = startGateway([account('rec', 'echo-record')]);
    const res = await h.query(DIRECTORY, { a: 'rec' });
    expect(res.body.errors).toBeUndefined();
    expect(res.text).not.toContain(TOKEN);
    const node = res.body.data.users.edges[0].node;
    expect(node.title).toBe('[REDACTED]');
    expect(node.remoteData.profile.nickName).toBe('SSWS [REDACTED]');
    await h.close();
  });

  it('maps upstream statuses named __proto__, constructor or toString to null, with no error', async () => {
    const h = startGateway([account('odd', 'odd-status')]);
    const res = await h.query(`{ users(category: USER_DIRECTORY, integratedAccountId: "odd") { edges { node { ... on DirectoryUser { status remoteStatus } } } } }`);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.users.edges.map((e: any) => e.node)).toEqual(['__proto__', 'constructor', 'toString'].map((s) => ({ status: null, remoteStatus: s })));
    await h.close();
  });

  it('refuses a remoteQuery nested thousands of levels deep with BAD_USER_INPUT', async () => {
    const h = startGateway([account('plain', 'plain')]);
    let deep: unknown = 'x';
    for (let i = 0; i < 3000; i++) deep = { a: deep };
    const before = up.requests.length;
    const res = await h.query(`query($rq: JSON) { users(category: USER_DIRECTORY, integratedAccountId: "plain", remoteQuery: $rq) { edges { cursor } } }`, { rq: deep });
    expect(code(res)).toBe('BAD_USER_INPUT');
    expect(up.requests.length).toBe(before);
    await h.close();
  });

  it('runs documents graphql-jit cannot run exactly with graphql-js: variables inside JSON literals, aliases named __proto__', async () => {
    const h = startGateway([account('plain', 'plain')]);
    const res = await h.query(`query($v: String) { users(category: USER_DIRECTORY, integratedAccountId: "plain", remoteQuery: { search: $v }) { edges { node { __proto__: remoteId } } } }`, { v: 'profile.title eq "x"' });
    expect(res.body.errors).toBeUndefined();
    expect(up.requests.at(-1)!.query.get('search')).toBe('profile.title eq "x"');
    expect(res.text).toContain(`"__proto__":"${users[0]!.id}"`);
    await h.close();
  });
});

describe('path values and ids', () => {
  let okta: Sandbox;
  let zd: Sandbox;
  beforeAll(async () => {
    okta = await oktaSandbox.start();
    zd = await startZendeskSandbox();
  });
  afterAll(async () => {
    await okta.close();
    await zd.close();
  });

  it('refuses path values that decode to dot segments or separators, however often encoded', async () => {
    const h = startGateway([{ id: 'okta', provider: 'okta', ...oktaSandbox.demoAccount(okta.url) }]);
    const before = okta.requests.length;
    for (const groupId of ['../../users/x', '..%2F..%2Fusers%2Fx', '..%5C..%5Cusers', '..\\x', '%2e%2e', '%252e%252e', '..%252F..%252Fusers', 'a/b']) {
      const res = await h.query(`query($g: String) { users(category: USER_DIRECTORY, integratedAccountId: "okta", filters: { groupId: $g }) { edges { cursor } } }`, { g: groupId });
      expect(code(res), groupId).toBe('BAD_USER_INPUT');
    }
    const node = await h.query(`query($id: ID!) { node(id: $id) { id } }`, { id: Buffer.from('DirectoryUser:okta:%252e%252e').toString('base64url') });
    expect(node.body.data?.node ?? null).toBeNull();
    expect(okta.requests.length).toBe(before);
    await h.close();
  });

  it('never sends a Zendesk node id "a,b,c" into show_many as three ids', async () => {
    const h = startGateway([{ id: 'zd', provider: 'zendesk', context: { baseUrl: zd.url }, credentials: { email: ZENDESK_SANDBOX_EMAIL, apiToken: ZENDESK_SANDBOX_API_TOKEN } }]);
    const three = zendeskDataset().slice(0, 3).map((u) => String(u.id)).join(',');
    const before = zd.requests.length;
    const res = await h.query(`query($id: ID!) { node(id: $id) { id } }`, { id: Buffer.from(`TicketingUser:zd:${three}`).toString('base64url') });
    expect(res.body.data.node).toBeNull();
    expect(zd.requests.slice(before).some((r) => (r.query.get('ids') ?? '').includes(','))).toBe(false);
    await h.close();
  });
});

describe('budgets', () => {
  let paged: Sandbox;
  beforeAll(async () => {
    let n = 0;
    // One user per page, a next link forever.
    paged = await startSandbox({
      name: 'paged', authenticate: () => true, unauthorized: { status: 401 }, notFound: { status: 404 },
      routes: [{ method: 'GET', path: /^\/api\/v1\/users$/, handle: (req) => ({ body: [{ ...users[0], id: `00u-page-${++n}` }], headers: { link: `<${req.origin}/api/v1/users?after=${n}>; rel="next"` } }) }],
    });
  });
  afterAll(() => paged.close());

  it('stops a request at limits.maxUpstreamCallsPerRequest calls across all its fields, with UPSTREAM_BUDGET_EXHAUSTED', async () => {
    const h = startGateway([{ id: 'paged', provider: 'okta', context: { baseUrl: paged.url }, credentials: { apiToken: TOKEN } }], { limits: { maxUpstreamCallsPerRequest: 30 } });
    const aliases = Array.from({ length: 5 }, (_, i) => `u${i}: users(category: USER_DIRECTORY, integratedAccountId: "paged", first: 100, remoteQuery: { n: ${i} }) { edges { cursor } }`).join(' ');
    const before = paged.requests.length;
    const res = await h.query(`{ ${aliases} }`);
    expect(paged.requests.length - before).toBe(30);
    expect(res.body.errors!.map((e: any) => e.extensions.code)).toContain('UPSTREAM_BUDGET_EXHAUSTED');
    await h.close();
  });

  it("keeps one tenant's flood of node lookups to its share of an origin's connections, so another tenant is served meanwhile", async () => {
    // A slow upstream that counts each tenant's requests in flight (tenants are told apart by their token).
    const inFlight = new Map<string, number>();
    const most = new Map<string, number>();
    const events: string[] = [];
    const server = http.createServer((req, res) => {
      const who = String(req.headers.authorization).endsWith('flood') ? 'flood' : 'quiet';
      const n = (inFlight.get(who) ?? 0) + 1;
      inFlight.set(who, n);
      most.set(who, Math.max(most.get(who) ?? 0, n));
      events.push(`${who}+`);
      const id = /\/api\/v1\/users\/([^/?]+)/.exec(req.url ?? '')?.[1];
      setTimeout(() => {
        inFlight.set(who, inFlight.get(who)! - 1);
        events.push(`${who}-`);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(id ? { ...users[0], id } : users.slice(0, 1)));
      }, who === 'flood' ? 20 : 0);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const h = startGateway([
      { id: 'flood', provider: 'okta', context: { baseUrl: url }, credentials: { apiToken: 'tenant-a-token-flood' } },
      { id: 'quiet', provider: 'okta', tenant: 'globex', context: { baseUrl: url }, credentials: { apiToken: 'tenant-b-token-quiet' } },
    ], { http: { connectionsPerOrigin: 16, connectionsPerTenant: 4 } });
    const ids = (k: number) => Array.from({ length: 100 }, (_, i) => Buffer.from(`DirectoryUser:flood:00u-${k}-${i}`).toString('base64url'));
    const floods = [0, 1].map((k) => h.query(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: ids(k) }));
    while (events.filter((e) => e === 'flood+').length < 4) await new Promise((r) => setTimeout(r, 5));
    const quiet = await h.query(`{ users(category: USER_DIRECTORY, integratedAccountId: "quiet", first: 1) { edges { cursor } } }`, {}, OTHER_TENANT_TOKEN);
    expect(quiet.body.errors).toBeUndefined();
    // The quiet tenant's call was answered while the flood still had most of its 200 lookups to go.
    const quietDone = events.indexOf('quiet-');
    expect(events.slice(0, quietDone).filter((e) => e === 'flood-').length).toBeLessThan(100);
    const results = await Promise.all(floods);
    for (const r of results) expect(r.body.errors).toBeUndefined();
    expect(most.get('flood')).toBeLessThanOrEqual(4);
    expect(events.filter((e) => e === 'flood+').length).toBe(200);
    await h.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
});

describe('request limits', () => {
  it('counts aliases named __typename: 21 of them are refused', async () => {
    const h = startGateway([]);
    const res = await h.query(`{ ${Array.from({ length: 21 }, () => '__typename: providers { slug }').join(' ')} }`);
    expect(code(res)).toBe('QUERY_TOO_COMPLEX');
    await h.close();
  });

  it('enforces the 256 KiB body limit on the bytes read, for a chunked body without Content-Length', async () => {
    const h = startGateway([]);
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start: (c) => c.enqueue(new TextEncoder().encode('{"query":"{ providers { slug } }","variables":{"pad":"')),
      pull(c) {
        if (sent++ < 320) c.enqueue(chunk); // 20 MiB
        else {
          c.enqueue(new TextEncoder().encode('"}}'));
          c.close();
        }
      },
    });
    const res = await h.gateway.yoga.fetch('http://gateway.test/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(sent).toBeLessThan(320);
    expect((await res.json()).errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    await h.close();
  });

  it('closes a socket that sends its headers too slowly (server.headersTimeoutMs)', async () => {
    const server = createListener({ headersTimeoutMs: 300, requestTimeoutMs: 1000, keepAliveTimeoutMs: 1000, maxConnections: 8 }, (_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
    socket.on('error', () => {});
    socket.resume(); // read what the server says (a 408), so its close is seen
    socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\n');
    const closed = await new Promise<boolean>((resolve) => {
      socket.once('close', () => resolve(true));
      setTimeout(() => resolve(false), 4000);
    });
    expect(closed).toBe(true);
    expect(server.maxConnections).toBe(8);
    server.close();
  });

  it('names no upstream host to tenants in PRIVATE_UPSTREAM_REFUSED, only in the log', async () => {
    const h = startGateway([{ id: 'private', provider: 'okta', context: { baseUrl: 'http://10.1.2.3' }, credentials: { apiToken: TOKEN } }], { allowPrivateUpstreams: false });
    const res = await h.query(`{ users(category: USER_DIRECTORY, integratedAccountId: "private") { edges { cursor } } }`);
    expect(code(res)).toBe('PRIVATE_UPSTREAM_REFUSED');
    expect(res.text).not.toContain('10.1.2.3');
    expect(h.logs.join('')).toContain('10.1.2.3');
    await h.close();
  });
});
