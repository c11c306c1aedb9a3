// The ldap provider against a real OpenLDAP (a private slapd, see slapd.ts) whose size limit (100) is below the
// directory's 320 users: paging, cursors across gateways, filter pushdown and RFC 4515 escaping, bulk nodes,
// bind/reachability/deadline errors and the debug record of the LDAP transport.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, walk, type Harness } from '../../../test/helpers.js';
import { ldapSandbox } from './sandbox.js';
import { firstRdnValue, fromGeneralizedTime, guidOf, mapLdapEntry } from './map.js';
import { GROUPS, SLAPD_ADMIN, SLAPD_PEOPLE, SLAPD_READER, SLAPD_SIZE_LIMIT, SLAPD_USERS, slapdMissing, startSlapd, type Slapd } from './slapd.js';

const Q = `query($account: ID!, $first: Int, $after: String, $filters: UserFilter) {
  users(category: USER_DIRECTORY, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {
    edges { cursor node { ... on DirectoryUser { id remoteId name username firstName lastName emails { email isPrimary } status groups { id name } createdAt updatedAt } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const DEBUG = `query($account: ID!, $first: Int, $after: String, $filters: UserFilter) {
  users(category: USER_DIRECTORY, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {
    edges { node { ... on DirectoryUser { remoteId } } }
    pageInfo { hasNextPage endCursor }
    debug { method url status resultCount nextCursor }
  }
}`;
const code = (res: any) => res.body.errors?.[0]?.extensions?.code;
const uuids = (nodes: any[]) => nodes.map((n) => n.remoteId);

describe('ldap provider against a private OpenLDAP (slapd) with a size limit below the directory', () => {
  let slapd: Slapd;
  let h: Harness;
  let order: string[];
  const account = (id: string, context: Record<string, unknown> = {}, credentials: Record<string, string> = {}) => {
    const a = slapd.account();
    return { id, provider: 'ldap', context: { ...a.context, ...context }, credentials: { ...a.credentials, ...credentials } };
  };

  beforeAll(async () => {
    const missing = slapdMissing();
    if (missing) throw new Error(`These tests need a real OpenLDAP server. ${missing}`);
    slapd = await startSlapd();
    order = slapd.users.map((u) => u.attrs.entryUUID![0]!);
    h = startGateway([
      account('ldap-1'),
      account('ldap-bad', {}, { password: 'not-the-reader-password' }),
      account('ldap-nobase', { baseDn: 'ou=nowhere,dc=rollcall,dc=test' }),
    ]);
  });
  afterAll(async () => {
    await h?.close();
    await slapd?.close();
  });

  it('the server really enforces its size limit: an unpaged search of the directory fails', async () => {
    const c = new Client({ url: slapd.url });
    await c.bind(SLAPD_READER.bindDn, SLAPD_READER.password);
    await expect(c.search(SLAPD_PEOPLE, { filter: '(objectClass=inetOrgPerson)' })).rejects.toMatchObject({ code: 4 });
    await c.unbind();
    expect(SLAPD_USERS).toBeGreaterThan(SLAPD_SIZE_LIMIT * 3);
  });

  for (const first of [23, 64, 100]) {
    it(`walks every user exactly once, in directory order, with first: ${first}`, async () => {
      const { nodes } = await walk(h, Q, { account: 'ldap-1' }, first);
      expect(uuids(nodes)).toEqual(order);
    });
  }

  it('continues one paged search over one connection while a client walks; the cookie never leaves the gateway', async () => {
    const proxy = await countingProxy(slapd.port);
    const g = startGateway([account('via-proxy', { url: `ldap://127.0.0.1:${proxy.port}` })]);
    try {
      const { nodes, pages } = await walk(g, Q, { account: 'via-proxy' }, 50);
      expect(uuids(nodes)).toEqual(order);
      expect(pages).toBe(Math.ceil(SLAPD_USERS / 50));
      expect(proxy.connections()).toBe(1);
    } finally {
      await g.close();
      proxy.close();
    }
  });

  it('re-reads no directory when Relay pages end inside an upstream page (an engine-tested filter reads 500 at a time)', async () => {
    const proxy = await countingProxy(slapd.port);
    const g = startGateway([account('via-proxy', { url: `ldap://127.0.0.1:${proxy.port}` })]);
    try {
      const locked = new Set(slapd.users.filter((u) => u.attrs.pwdAccountLockedTime).map((u) => u.attrs.entryUUID![0]));
      const { nodes, pages } = await walk(g, Q, { account: 'via-proxy', filters: { status: 'ACTIVE' } }, 40);
      expect(uuids(nodes)).toEqual(order.filter((id) => !locked.has(id)));
      expect(pages).toBeGreaterThan(5);
      expect(proxy.connections()).toBe(1);
    } finally {
      await g.close();
      proxy.close();
    }
  });

  it('continues a cursor on another gateway (no live paged search there): it re-walks to the position', async () => {
    const p1 = await h.query(Q, { account: 'ldap-1', first: 100 });
    const p2 = await h.query(Q, { account: 'ldap-1', first: 30, after: p1.body.data.users.pageInfo.endCursor });
    const cursor = p2.body.data.users.pageInfo.endCursor;
    const other = startGateway([account('ldap-1')]);
    try {
      const { nodes } = await walkFrom(other, cursor, 90);
      expect(uuids(nodes)).toEqual(order.slice(130));
    } finally {
      await other.close();
    }
  });

  it('re-walks by the last entry, not by count: an entry deleted before the position shifts nothing', async () => {
    const small = await startSlapd(150);
    const smallOrder = small.users.map((u) => u.attrs.entryUUID![0]!);
    const a = { id: 'small', provider: 'ldap', ...small.account() };
    // Upstream pages of 60, so the cursor sits on a page boundary: that resume is by the last entry's DN. (A resume
    // inside a page another process read is by offset within that page.)
    const g1 = startGateway([a], { limits: { upstreamPageSize: 60 } as never });
    const g2 = startGateway([a], { limits: { upstreamPageSize: 60 } as never });
    try {
      const p1 = await g1.query(Q, { account: 'small', first: 60 });
      const cursor = p1.body.data.users.pageInfo.endCursor;
      const admin = new Client({ url: small.url });
      await admin.bind(SLAPD_ADMIN.bindDn, SLAPD_ADMIN.password);
      await admin.del(small.users[10]!.dn);
      await admin.unbind();
      const { nodes } = await walkFrom(g2, cursor, 50, 'small');
      expect(uuids(nodes)).toEqual(smallOrder.slice(60));
    } finally {
      await g1.close();
      await g2.close();
      await small.close();
    }
  });

  it('records each search for debug: SEARCH, the base DN and filter as an LDAP URL, the entry count', async () => {
    const res = await h.query(DEBUG, { account: 'ldap-1', first: 40, filters: { lastName: 'Park' } });
    const calls = res.body.data.users.debug;
    expect(calls.length).toBeGreaterThan(0);
    expect(calls[0]).toMatchObject({ method: 'SEARCH', status: 0 });
    const url = decodeURIComponent(calls[0].url);
    expect(url).toContain(`${slapd.url}/${SLAPD_PEOPLE}?`);
    expect(url).toContain('?sub?(&(objectClass=inetOrgPerson)(sn=*Park*))');
    expect(calls[0].resultCount).toBe(res.body.data.users.edges.length > 0 ? calls[0].resultCount : 0);
    expect(url).not.toContain(SLAPD_READER.password);
    // The debug log sees LDAP calls as it sees HTTP ones.
    expect(h.logs.some((l) => l.includes('"method":"SEARCH"') && l.includes('upstream call'))).toBe(true);
  });

  it('serves each user with the untouched entry in remoteData, as the sandbox says the transport answers it', async () => {
    const res = await h.query(`query($a: ID!) { users(category: USER_DIRECTORY, integratedAccountId: $a, first: 30) { edges { node { ... on User { remoteData } } } } }`, { a: 'ldap-1' });
    expect(res.body.data.users.edges.map((e: any) => e.node.remoteData)).toEqual(ldapSandbox.expectedUsers!().slice(0, 30));
  });

  it('maps the recorded entries (OpenLDAP and Active Directory) into their expected unified users (fixtures)', async () => {
    const read = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
    expect(read('users.json').map((r: any) => JSON.parse(JSON.stringify(mapLdapEntry(r))))).toEqual(read('users.expected.json'));
  });

  it('maps entries: names, multi-valued mail, groups from memberOf with the DN unescaped, GeneralizedTime dates', async () => {
    const res = await h.query(Q, { account: 'ldap-1', first: 6 });
    const nodes = res.body.data.users.edges.map((e: any) => e.node);
    const u5 = nodes[5];
    const raw5 = slapd.users[5]!.attrs;
    expect(u5.emails.map((e: any) => e.email)).toEqual(raw5.mail);
    expect(u5.emails[0].isPrimary).toBe(true);
    expect(u5.username).toBe(raw5.uid![0]);
    const u1 = nodes[1];
    expect(u1.groups).toEqual([{ id: GROUPS[1]!.dn, name: 'Sales, EMEA' }]);
    expect(u1.name).toBe(`${slapd.users[1]!.attrs.cn![0]} (display)`);
    expect(nodes[0].createdAt).toBe(fromGeneralizedTime(slapd.users[0]!.attrs.createTimestamp![0]));
    expect(nodes[4].status).toBe('INACTIVE'); // pwdAccountLockedTime
  });

  it('escapes every filter value (RFC 4515): `*)(uid=*` matches nothing, `(*) Back\\` only the user holding it', async () => {
    for (const filters of [{ username: '*)(uid=*' }, { email: '*' }, { name: '*)(|(cn=*' }]) {
      const res = await h.query(Q, { account: 'ldap-1', first: 50, filters });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.users.edges).toEqual([]);
    }
    const res = await h.query(Q, { account: 'ldap-1', first: 50, filters: { name: '(*) Back\\' } });
    expect(uuids(res.body.data.users.edges.map((e: any) => e.node))).toEqual([order[12]]);
  });

  it('pushes e-mail (any address), username and group membership down; a group DN with an escaped comma works', async () => {
    const target = slapd.users[12 * 7 + 5]!; // has a second mail
    const byMail = await h.query(Q, { account: 'ldap-1', first: 5, filters: { email: target.attrs.mail![1]!.toUpperCase() } });
    expect(uuids(byMail.body.data.users.edges.map((e: any) => e.node))).toEqual([target.attrs.entryUUID![0]]);
    const byUid = await h.query(Q, { account: 'ldap-1', first: 5, filters: { username: target.attrs.uid![0] } });
    expect(uuids(byUid.body.data.users.edges.map((e: any) => e.node))).toEqual([target.attrs.entryUUID![0]]);
    const sales = GROUPS[1]!;
    const { nodes } = await walk(h, Q, { account: 'ldap-1', filters: { groupId: sales.dn } }, 100);
    expect(uuids(nodes)).toEqual(slapd.users.filter((u) => u.attrs.memberOf?.includes(sales.dn)).map((u) => u.attrs.entryUUID![0]));
    expect(nodes.length).toBeGreaterThan(SLAPD_SIZE_LIMIT / 2);
  });

  it('serves status, isActive and createdAfter/updatedAfter, and refuses what LDAP cannot say', async () => {
    const locked = slapd.users.filter((u) => u.attrs.pwdAccountLockedTime).map((u) => u.attrs.entryUUID![0]);
    const inactive = await walk(h, Q, { account: 'ldap-1', filters: { status: 'INACTIVE' } }, 100);
    expect(uuids(inactive.nodes)).toEqual(locked);
    const active = await walk(h, Q, { account: 'ldap-1', filters: { isActive: true } }, 100);
    expect(active.nodes.length).toBe(SLAPD_USERS - locked.length);
    const cut = '2024-01-01T00:00:00Z';
    const created = await walk(h, Q, { account: 'ldap-1', filters: { createdAfter: cut } }, 100);
    expect(uuids(created.nodes)).toEqual(slapd.users.filter((u) => fromGeneralizedTime(u.attrs.createTimestamp![0])! > new Date(cut).toISOString()).map((u) => u.attrs.entryUUID![0]));
    expect(created.nodes.length).toBeGreaterThan(0);
    for (const filters of [{ status: 'DELETED' }, { roleId: 'x' }, { sort: { field: 'NAME', direction: 'ASC' } }]) {
      const res = await h.query(Q, { account: 'ldap-1', first: 5, filters });
      expect(code(res)).toBe('UNSUPPORTED_FILTER');
    }
  });

  it('resolves bulk nodes with one OR-filter of entryUUIDs; an unknown id is null', async () => {
    const page = await h.query(Q, { account: 'ldap-1', first: 100 });
    const picked = page.body.data.users.edges.filter((_: any, i: number) => i % 9 === 0).map((e: any) => e.node);
    const fake = Buffer.from(Buffer.from(picked[0].id, 'base64').toString('utf8').replace(picked[0].remoteId, '00000000-0000-4000-8000-000000000000')).toString('base64');
    const res = await h.query(`query($ids: [ID!]!) { nodes(ids: $ids) { id ... on DirectoryUser { remoteId } } }`, { ids: [...picked.map((n: any) => n.id), fake] });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.nodes.map((n: any) => n?.remoteId ?? null)).toEqual([...picked.map((n: any) => n.remoteId), null]);
  });

  it('reports a refused bind (49) as UPSTREAM_UNAUTHORIZED and an unknown base DN as UPSTREAM_NOT_FOUND, with no secret', async () => {
    const bad = await h.query(Q, { account: 'ldap-bad', first: 5 });
    expect(bad.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', provider: 'ldap', ldapResultCode: 49 });
    expect(bad.text).not.toContain('not-the-reader-password');
    const nobase = await h.query(Q, { account: 'ldap-nobase', first: 5 });
    expect(nobase.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_NOT_FOUND', ldapResultCode: 32 });
    expect(nobase.body.errors![0].message).toContain('context.baseDn');
  });

  it('an unreachable directory is UPSTREAM_UNAVAILABLE, a silent one misses the deadline, a private one is refused', async () => {
    const closed = await freeClosedPort();
    const silent = net.createServer(() => {}); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const silentPort = (silent.address() as net.AddressInfo).port;
    const g = startGateway([account('down', { url: `ldap://127.0.0.1:${closed}` }), account('silent', { url: `ldap://127.0.0.1:${silentPort}` }), account('tls', { startTls: true })], { http: { timeoutMs: 300, connectTimeoutMs: 300 } as never });
    const strict = startGateway([account('ldap-1')], { allowPrivateUpstreams: false });
    try {
      const down = await g.query(Q, { account: 'down', first: 5 });
      expect(down.body.errors![0].extensions.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(down.body.errors![0].message).toContain('connection refused');
      const slow = await g.query(Q, { account: 'silent', first: 5 });
      expect(slow.body.errors![0].extensions.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(slow.body.errors![0].message).toContain('http.timeoutMs');
      // This slapd has no TLS configured: StartTLS is refused (protocolError), and the gateway never binds in clear.
      const tls = await g.query(Q, { account: 'tls', first: 5 });
      expect(tls.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_BAD_REQUEST', ldapResultCode: 2 });
      expect(tls.body.errors![0].message).toContain('StartTLS');
      const refused = await strict.query(Q, { account: 'ldap-1', first: 5 });
      expect(refused.body.errors![0].extensions.code).toBe('PRIVATE_UPSTREAM_REFUSED');
    } finally {
      await g.close();
      await strict.close();
      silent.close();
    }
  });
});

describe('ldap mapper', () => {
  it('reads GeneralizedTime with fractions and offsets, DNs with escapes, and AD objectGUIDs', () => {
    expect(fromGeneralizedTime('20240102030405Z')).toBe('2024-01-02T03:04:05.000Z');
    expect(fromGeneralizedTime('20240102030405.5Z')).toBe('2024-01-02T03:04:05.500Z');
    expect(fromGeneralizedTime('20240102030405+0200')).toBe('2024-01-02T01:04:05.000Z');
    expect(fromGeneralizedTime('nonsense')).toBeNull();
    expect(firstRdnValue('cn=Sales\\2C EMEA,ou=groups,dc=x')).toBe('Sales, EMEA');
    expect(firstRdnValue('cn=Sales\\, EMEA,ou=groups')).toBe('Sales, EMEA');
    expect(firstRdnValue('cn=Caf\\C3\\A9,dc=x')).toBe('Café');
    // {00112233-4455-6677-8899-aabbccddeeff} as AD stores it (first three groups little-endian).
    const bytes = Buffer.from('33221100554477668899aabbccddeeff', 'hex').toString('base64');
    expect(guidOf(bytes)).toBe('00112233-4455-6677-8899-aabbccddeeff');
  });

  it('maps an Active Directory user: objectGUID, sAMAccountName, whenCreated, a disabled account', () => {
    const u = mapLdapEntry({
      dn: 'CN=Ana Ruiz,OU=Staff,DC=corp,DC=example',
      objectGUID: Buffer.from('33221100554477668899aabbccddeeff', 'hex').toString('base64'),
      sAMAccountName: 'aruiz',
      displayName: 'Ana Ruiz',
      mail: 'ana@corp.example',
      userAccountControl: '514',
      whenCreated: '20230405060708.0Z',
      memberOf: ['CN=Finance\\, Paris,OU=Groups,DC=corp,DC=example'],
    });
    expect(u).toMatchObject({
      remoteId: '00112233-4455-6677-8899-aabbccddeeff', username: 'aruiz', name: 'Ana Ruiz', status: 'INACTIVE', remoteStatus: 'disabled', isActive: false,
      createdAt: '2023-04-05T06:07:08.000Z', groups: [{ id: 'CN=Finance\\, Paris,OU=Groups,DC=corp,DC=example', name: 'Finance, Paris' }],
    });
    expect(mapLdapEntry({ dn: 'CN=x', userAccountControl: '512' }).status).toBe('ACTIVE');
  });
});

async function walkFrom(h: Harness, after: string, first: number, account = 'ldap-1'): Promise<{ nodes: any[] }> {
  const nodes: any[] = [];
  for (let cursor: string | null = after, n = 0; cursor && n < 100; n++) {
    const res: { body: any } = await h.query(Q, { account, first, after: cursor });
    if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
    nodes.push(...res.body.data.users.edges.map((e: any) => e.node));
    cursor = res.body.data.users.pageInfo.hasNextPage ? res.body.data.users.pageInfo.endCursor : null;
  }
  return { nodes };
}

/** A TCP relay to slapd that counts the connections the gateway opens. */
async function countingProxy(target: number): Promise<{ port: number; connections: () => number; close: () => void }> {
  let n = 0;
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((client) => {
    n++;
    const upstream = net.connect({ host: '127.0.0.1', port: target });
    for (const s of [client, upstream]) { sockets.add(s); s.on('error', () => {}); s.on('close', () => sockets.delete(s)); }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as net.AddressInfo).port, connections: () => n, close: () => { for (const s of sockets) s.destroy(); srv.close(); } };
}

async function freeClosedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
