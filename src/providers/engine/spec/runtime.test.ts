// The spec vocabulary at run time: small providers declared as specs, run by the engine against
// sandboxes over real HTTP — each paginator kind, error rules, retries, categories, filters, lookups, joins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, type Account, type ListArgs } from '../engine.js';
import { GatewayError } from '../errors.js';
import { UpstreamClient } from '../http.js';
import { startSandbox, type Sandbox, type SandboxReply, type SandboxRequest } from '../sandbox-kit.js';
import type { ProviderDefinition } from '../types.js';
import { defineProvider } from './index.js';
import { validateSpec } from './schema.js';
import type { ListSpec, ProviderSpec } from './types.js';

const USERS = Array.from({ length: 7 }, (_, i) => ({ id: `u${i + 1}`, email: `user${i + 1}@acme.test`, role: i % 3 === 0 ? 'admin' : 'member' }));
const TOKEN = 'spec-runtime-token-0123456789';

function slice(from: number, size: number) {
  const page = USERS.slice(from, from + size);
  return { page, next: from + size < USERS.length ? USERS[from + size - 1]!.id : null };
}
const indexAfter = (id: string | null | undefined) => (id ? USERS.findIndex((u) => u.id === id) + 1 : 0);
const sizeOf = (v: unknown, def = 3) => Math.min(Number(v ?? def) || def, 100);

function routes(): { method: 'GET' | 'POST'; path: RegExp; handle: (req: SandboxRequest, params: string[]) => SandboxReply }[] {
  return [
    // Link header with keyset links (GitHub-style `?after=`).
    { method: 'GET', path: /^\/orgs\/([^/]+)\/members$/, handle: (req, [org]) => {
      const { page, next } = slice(indexAfter(req.query.get('after')), sizeOf(req.query.get('per_page')));
      const headers: Record<string, string> = next ? { link: `<${req.origin}/orgs/${org}/members?per_page=${req.query.get('per_page')}&after=${next}>; rel="next"` } : {};
      return { headers, body: page.map((u) => ({ ...u, org })) };
    } },
    // A second category on another endpoint.
    { method: 'GET', path: /^\/repos\/([^/]+)\/([^/]+)\/assignees$/, handle: (_req, [owner, repo]) => ({ body: USERS.slice(0, 2).map((u) => ({ ...u, repo: `${owner}/${repo}` })) }) },
    // A cursor in a response header, sent back as a query parameter.
    { method: 'GET', path: /^\/h\/users$/, handle: (req) => {
      const { page, next } = slice(indexAfter(req.query.get('cursor')), sizeOf(req.query.get('limit')));
      const headers: Record<string, string> = next ? { 'after-cursor': next } : {};
      return { headers, body: { users: page } };
    } },
    // GraphQL over HTTP: first/after variables, pageInfo, a filter in variables.
    { method: 'POST', path: /^\/graphql$/, handle: (req) => {
      const v = req.body?.variables ?? {};
      const pool = v.filter?.role?.eq ? USERS.filter((u) => u.role === v.filter.role.eq) : USERS;
      const from = v.after ? pool.findIndex((u) => u.id === v.after) + 1 : 0;
      const page = pool.slice(from, from + sizeOf(v.first));
      const hasNextPage = from + page.length < pool.length;
      return { body: { data: { users: { nodes: page, pageInfo: { hasNextPage, endCursor: page.at(-1)?.id ?? null } } }, extensions: { seen: v } } };
    } },
    // A cursor from the body, sent back at a body path; page size at a body path too.
    { method: 'POST', path: /^\/search$/, handle: (req) => {
      const { page, next } = slice(indexAfter(req.body?.page?.after), sizeOf(req.body?.page?.size));
      return { body: { results: page, meta: { next, more: next !== null } } };
    } },
    { method: 'GET', path: /^\/all$/, handle: () => ({ body: USERS }) },
    { method: 'GET', path: /^\/numbered$/, handle: (req) => {
      const size = sizeOf(req.query.get('size'));
      const p = Number(req.query.get('p'));
      return { body: { items: USERS.slice((p - 1) * size, p * size), totalPages: Math.ceil(USERS.length / size) } };
    } },
    { method: 'POST', path: /^\/lookup$/, handle: (req) => ({ body: { users: USERS.filter((u) => (req.body?.ids ?? []).includes(u.id)) } }) },
    { method: 'POST', path: /^\/user$/, handle: (req) => {
      const u = USERS.find((x) => x.id === req.body?.id);
      return u ? { body: { user: u } } : { status: 404, body: { message: 'no such user' } };
    } },
    { method: 'GET', path: /^\/usage$/, handle: (req) => ({ body: { rows: USERS.slice(0, 3).map((u) => ({ email: u.email.toUpperCase(), day: req.query.get('day') })) } }) },
  ];
}

let sandbox: Sandbox;
let engine: Engine;
beforeAll(async () => {
  sandbox = await startSandbox({
    name: 'spec-runtime',
    routes: routes(),
    authenticate: (req) => req.headers.authorization === `Bearer ${TOKEN}`,
    unauthorized: { status: 401, body: { message: 'bad token' } },
    notFound: { status: 404, body: { message: 'not found' } },
  });
  const client = new UpstreamClient({ allowPrivateUpstreams: true, connectTimeoutMs: 2000, headersTimeoutMs: 2000, bodyTimeoutMs: 2000, connectionsPerOrigin: 4, retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1500, maxTotalMs: 3000 } });
  engine = new Engine(client, 'spec-runtime-cursor-secret-0123', { maxScan: 1000, maxJoinPages: 20, maxPages: 50, joinCacheMs: 0 });
});
afterAll(async () => {
  await engine.client.close();
  await sandbox.close();
});

const provider = (list: ListSpec, more: Partial<ProviderSpec> = {}): ProviderDefinition =>
  defineProvider({
    slug: 'spec-test',
    displayName: 'Spec test',
    docsUrl: 'https://spec.test/docs',
    auth: { kind: 'bearer', key: 'accessToken', description: 'a token' },
    lists: { USER_DIRECTORY: list },
    fields: ['emails', 'roles'],
    map: (u: any) => ({ remoteId: u.id, emails: [{ email: u.email }], roles: [{ id: u.role }] }),
    ...more,
  });
const account = (context: Record<string, unknown> = {}): Account => ({ id: 'acct', tenant: 't', provider: 'spec-test', context: { baseUrl: sandbox.url, ...context }, credentials: { accessToken: TOKEN } });

/** Every user, page by page (Relay `first`), with the upstream requests it took. */
async function walk(def: ProviderDefinition, first: number, args: Partial<ListArgs> = {}, acct = account()) {
  const ids: string[] = [];
  const before = sandbox.requests.length;
  let after: string | null = null;
  for (let n = 0; n < 50; n++) {
    const res = await engine.scope().list(acct, def, { first, after, filter: {}, ...args });
    ids.push(...res.edges.map((e) => e.node.remoteId));
    if (!res.hasNextPage) break;
    after = res.endCursor;
  }
  return { ids, requests: sandbox.requests.slice(before) };
}
const ALL = USERS.map((u) => u.id);
const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e as GatewayError;
  }
  throw new Error('expected an error');
};

describe('paginators declared as data', () => {
  it('follows Link headers with keyset links, on a path read from the account context', async () => {
    const def = provider({ path: '/orgs/{context.org}/members', records: '', paginator: { kind: 'link-header', pageSize: { param: 'per_page', max: 100 } }, filters: {} });
    for (const first of [2, 3, 7]) {
      const { ids, requests } = await walk(def, first, {}, account({ org: 'octo' }));
      expect(ids, String(first)).toEqual(ALL);
      expect(requests.every((r) => r.path === '/orgs/octo/members')).toBe(true);
    }
  });

  it('reads a cursor from a response header and sends it back as a query parameter', async () => {
    const def = provider({ path: '/h/users', records: 'users', paginator: { kind: 'cursor', next: { header: 'After-Cursor' }, send: { query: 'cursor' }, pageSize: { param: 'limit', max: 3 } }, filters: {} });
    expect(def.lists.USER_DIRECTORY!.paginator.kind).toBe('HEADER_CURSOR');
    const { ids, requests } = await walk(def, 3);
    expect(ids).toEqual(ALL);
    expect(requests.map((r) => r.query.get('cursor'))).toEqual([null, 'u3', 'u6']);
  });

  it('pages a GraphQL query through its variables and pageInfo, as an idempotent POST', async () => {
    const def = provider({
      method: 'POST', path: '/graphql', idempotent: true, records: 'data.users.nodes',
      body: { query: 'query Users($first: Int, $after: String) { users(first: $first, after: $after) { nodes { id email role } pageInfo { hasNextPage endCursor } } }', variables: {} },
      paginator: { kind: 'graphql', pageInfo: 'data.users.pageInfo', cursorVariable: 'after', pageSize: { variable: 'first', max: 50 } },
      filters: {},
    });
    const { ids, requests } = await walk(def, 3);
    expect(ids).toEqual(ALL);
    // Full upstream pages whatever `first` is: one call serves the whole walk, resumed inside the cached page.
    expect(requests.map((r) => r.body.variables)).toEqual([{ first: 50 }]);
    expect(requests.every((r) => r.method === 'POST' && String(r.body.query).startsWith('query Users'))).toBe(true);
  });

  it('keeps the GraphQL document out of its cursors, and still resumes every page with it', async () => {
    const query = 'query Users($first: Int, $after: String, $filter: F) { users(first: $first, after: $after, filter: $filter) { nodes { id email role } pageInfo { hasNextPage endCursor } } }';
    const def = provider({
      method: 'POST', path: '/graphql', idempotent: true, records: 'data.users.nodes', body: { query, variables: {} },
      paginator: { kind: 'graphql', pageInfo: 'data.users.pageInfo', cursorVariable: 'after', pageSize: { variable: 'first', max: 50 } },
      filters: { userType: { body: 'variables.filter.role.eq', value: { map: { ADMIN: 'admin' } }, recheck: false } },
    });
    const acct = account();
    const decoded = (cursor: string) => cursor.split('.').map((p) => Buffer.from(p, 'base64url').toString('utf8')).join('.');
    const ids: string[] = [];
    let after: string | null = null;
    const before = sandbox.requests.length;
    for (let n = 0; n < 10; n++) {
      const res = await engine.scope().list(acct, def, { first: 2, after, filter: { userType: 'ADMIN' } });
      ids.push(...res.edges.map((e) => e.node.remoteId));
      for (const e of res.edges) {
        const cursor = e.cursor;
        expect(decoded(cursor)).not.toContain('query Users');
        expect(cursor).not.toContain('query Users');
      }
      if (!res.hasNextPage) break;
      after = res.endCursor;
    }
    expect(ids).toEqual(USERS.filter((u) => u.role === 'admin').map((u) => u.id));
    const requests = sandbox.requests.slice(before);
    expect(requests.every((r) => r.body.query === query && r.body.variables.filter.role.eq === 'admin')).toBe(true);
    expect(requests.slice(1).every((r) => typeof r.body.variables.after === 'string')).toBe(true);
  });

  it('sends a body cursor and the page size at body paths, stopping on the body flag', async () => {
    const def = provider({ method: 'POST', path: '/search', body: { page: {} }, records: 'results', paginator: { kind: 'cursor', next: 'meta.next', send: { body: 'page.after' }, pageSize: { body: 'page.size', max: 4 }, stop: { path: 'meta.more', equals: false } }, filters: {} });
    const { ids, requests } = await walk(def, 7);
    expect(ids).toEqual(ALL);
    expect(requests.map((r) => r.body)).toEqual([{ page: { size: 4 } }, { page: { size: 4, after: 'u4' } }]);
  });

  it('slices an unpaginated list into Relay pages, with one upstream call for the walk (the page cache)', async () => {
    const def = provider({ path: '/all', records: '', paginator: { kind: 'none' }, filters: {} });
    const { ids, requests } = await walk(def, 2);
    expect(ids).toEqual(ALL);
    expect(requests).toHaveLength(1);
  });

  it('counts pages until totalPages', async () => {
    const def = provider({ path: '/numbered', records: 'items', paginator: { kind: 'page-number', pageParam: 'p', sizeParam: 'size', max: 3, totalPages: 'totalPages' }, filters: {} });
    const { ids, requests } = await walk(def, 7);
    expect(ids).toEqual(ALL);
    expect(requests.map((r) => r.query.get('p'))).toEqual(['1', '2', '3']);
  });
});

describe('filters, categories and remoteQuery', () => {
  const graphql = (filter: Record<string, unknown>): ListSpec => ({
    method: 'POST', path: '/graphql', idempotent: true, records: 'data.users.nodes',
    body: { query: 'query { users }', variables: {} },
    paginator: { kind: 'graphql', pageInfo: 'data.users.pageInfo', cursorVariable: 'after', pageSize: { variable: 'first', max: 50 } },
    remoteQueryIn: { body: 'variables' },
    filters: filter as never,
  });

  it('serves a filter at a body path through a value map, and refuses unlisted values', async () => {
    const def = provider(graphql({ userType: { body: 'variables.filter.role.eq', value: { map: { ADMIN: 'admin', USER: 'member' } }, recheck: false } }));
    const { ids, requests } = await walk(def, 10, { filter: { userType: 'ADMIN' } });
    expect(ids).toEqual(USERS.filter((u) => u.role === 'admin').map((u) => u.id));
    expect(requests[0]!.body.variables.filter).toEqual({ role: { eq: 'admin' } });
    const refused = await errorOf(walk(def, 10, { filter: { userType: 'MACHINE' } }));
    expect(refused.extensions).toMatchObject({ code: 'UNSUPPORTED_FILTER', filter: 'userType' });
  });

  it('re-checks an upstream-served filter on the mapped user unless the spec says recheck: false', async () => {
    // The mapper leaves userType out, as a payload without the field would: a re-check would drop everyone.
    const checked = provider(graphql({ userType: { body: 'variables.filter.role.eq', value: { map: { ADMIN: 'admin' } } } }));
    expect((await walk(checked, 10, { filter: { userType: 'ADMIN' } })).ids).toEqual([]);
    const trusted = provider(graphql({ userType: { body: 'variables.filter.role.eq', value: { map: { ADMIN: 'admin' } }, recheck: false } }));
    expect((await walk(trusted, 10, { filter: { userType: 'ADMIN' } })).ids).toHaveLength(3);
  });

  it('puts remoteQuery into the POST body where remoteQueryIn says, never over what the spec or paginator set', async () => {
    const def = provider(graphql({}));
    const before = sandbox.requests.length;
    await engine.scope().list(account(), def, { first: 2, filter: {}, remoteQuery: { includeArchived: true, first: 99 } });
    expect(sandbox.requests[before]!.body.variables).toEqual({ includeArchived: true, first: 50 });
    expect([...sandbox.requests[before]!.query.keys()]).toEqual([]);
  });

  it('sends the headers and parameters a served filter brings along, on every page, once each, only when it sends a value', async () => {
    const extras = { headers: { 'X-Advanced': 'yes' }, query: { count: 'true' } };
    const def = provider({
      path: '/h/users', records: 'users', paginator: { kind: 'cursor', next: { header: 'After-Cursor' }, send: { query: 'cursor' }, pageSize: { param: 'limit', max: 3 } },
      filters: {
        roleId: { query: 'role', with: extras, recheck: false },
        userType: { query: 'type', value: { map: { ADMIN: 'admin', USER: 'member' } }, with: (v: string) => (v === 'ADMIN' ? extras : undefined), recheck: false },
      },
    });
    const both = await walk(def, 3, { filter: { roleId: 'admin', userType: 'ADMIN' } });
    expect(both.ids).toEqual(ALL);
    expect(both.requests.length).toBeGreaterThan(1);
    for (const r of both.requests) {
      expect(r.headers['x-advanced']).toBe('yes');
      expect(r.query.getAll('count')).toEqual(['true']);
    }
    const plain = await walk(def, 3, { filter: { userType: 'USER' } });
    expect(plain.requests.every((r) => r.headers['x-advanced'] === undefined && !r.query.has('count') && r.query.get('type') === 'member')).toBe(true);
  });

  it('computes a query value with a hook from the account context, and drops it when the hook returns nothing', async () => {
    const def = provider({ path: '/all', records: '', paginator: { kind: 'none' }, query: { fields: ({ context }) => (context.wide === true ? 'id,email,role' : 'id'), none: () => undefined }, filters: {} });
    const wide = await walk(def, 10, {}, account({ wide: true }));
    expect(wide.ids).toEqual(ALL);
    expect(wide.requests.map((r) => [...r.query.entries()])).toEqual([[['fields', 'id,email,role']]]);
    const narrow = await walk(def, 10);
    expect(narrow.requests.map((r) => r.query.get('fields'))).toEqual(['id']);
    // Hooks are TypeScript only: a data spec may not carry them.
    const spec = { slug: 'spec-data', displayName: 'Data', docsUrl: 'https://spec.test/docs', auth: { kind: 'bearer', key: 'accessToken', description: 'a token' }, fields: [], map: { remoteId: 'id' } } as const;
    expect(() => validateSpec({ ...spec, lists: { USER_DIRECTORY: { path: '/all', records: '', paginator: { kind: 'none' }, query: { fields: () => 'id' }, filters: {} } } } as any, 'data')).toThrow(/hooks/);
    expect(() => validateSpec({ ...spec, lists: { USER_DIRECTORY: { path: '/all', records: '', paginator: { kind: 'none' }, filters: { roleId: { query: 'r', with: () => undefined } } } } } as any, 'data')).toThrow(/filters\.roleId\.with/);
    expect(() => validateSpec({ ...spec, lists: { USER_DIRECTORY: { path: '/all', records: '', paginator: { kind: 'none' }, filters: { roleId: { query: 'r', with: { headers: { a: 'b' }, query: { c: 'd' } } } } } } } as any, 'data')).not.toThrow();
  });

  it('serves several categories, each with its own list, and refuses the others with CATEGORY_MISMATCH', async () => {
    const def = defineProvider({
      slug: 'spec-multi', displayName: 'Multi', docsUrl: 'https://spec.test/docs',
      auth: { kind: 'bearer', key: 'accessToken', description: 'a token' },
      lists: {
        USER_DIRECTORY: { path: '/orgs/{context.org}/members', records: '', paginator: { kind: 'link-header', pageSize: { param: 'per_page', max: 100 } }, filters: {} },
        TICKETING: { path: '/repos/{context.owner}/{context.repo}/assignees', records: '', paginator: { kind: 'none' }, filters: { collectionId: { endpoint: '/repos/{value}/assignees' } } },
      },
      fields: ['emails'],
      map: (u: any) => ({ remoteId: u.id, remoteStatus: u.repo ?? u.org }),
    });
    expect(def.categories).toEqual(['USER_DIRECTORY', 'TICKETING']);
    const acct = account({ org: 'octo', owner: 'octo', repo: 'widgets' });
    const tickets = await engine.scope().list(acct, def, { category: 'TICKETING', first: 5, filter: {} });
    expect(tickets.edges.map((e) => [e.node.remoteId, e.node.category, e.node.remoteStatus])).toEqual([['u1', 'TICKETING', 'octo/widgets'], ['u2', 'TICKETING', 'octo/widgets']]);
    const dir = await engine.scope().list(acct, def, { category: 'USER_DIRECTORY', first: 1, filter: {} });
    expect(dir.edges[0]!.node).toMatchObject({ category: 'USER_DIRECTORY', remoteStatus: 'octo' });
    const bad = await errorOf(engine.scope().list(acct, def, { category: 'CALENDAR', first: 1, filter: {} }));
    expect(bad.extensions.code).toBe('CATEGORY_MISMATCH');
    // A scoped endpoint path takes the filter value as one segment: "owner/repo" is refused, not split.
    const slashed = await errorOf(engine.scope().list(acct, def, { category: 'TICKETING', first: 1, filter: { collectionId: 'octo/widgets' } }));
    expect(slashed.extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('filters read by the list path, with a context fallback, and context per category', () => {
  const repoSpec = (more: Partial<ListSpec> = {}) => defineProvider({
    slug: 'spec-repo', displayName: 'Repo', docsUrl: 'https://spec.test/docs',
    context: { org: { description: 'an org' }, owner: { description: 'a repository owner' }, repo: { description: 'a repository' } },
    auth: { kind: 'bearer', key: 'accessToken', description: 'a token' },
    lists: {
      USER_DIRECTORY: { path: '/orgs/{context.org}/members', requiredContext: ['org'], records: '', paginator: { kind: 'link-header', pageSize: { param: 'per_page', max: 100 } }, filters: {} },
      TICKETING: {
        path: '/repos/{filters.collectionId/2}/assignees', records: '', paginator: { kind: 'none' },
        filterDefaults: { collectionId: '{context.owner}/{context.repo}' },
        filters: { collectionId: { path: true } },
        ...more,
      },
    },
    fields: ['emails'],
    map: (u: any) => ({ remoteId: u.id, remoteStatus: u.repo ?? u.org }),
  });
  const repos = (res: { edges: { node: { remoteStatus?: string | null } }[] }) => [...new Set(res.edges.map((e) => e.node.remoteStatus))];

  it('takes "owner/repo" from the filter into two path segments, and falls back to the context when the filter is absent', async () => {
    const def = repoSpec();
    const acct = account({ owner: 'octo', repo: 'widgets' });
    expect(repos(await engine.scope().list(acct, def, { category: 'TICKETING', first: 5, filter: {} }))).toEqual(['octo/widgets']);
    expect(repos(await engine.scope().list(acct, def, { category: 'TICKETING', first: 5, filter: { collectionId: 'acme/tiny.dots_repo' } }))).toEqual(['acme/tiny.dots_repo']);
    expect(sandbox.requests.at(-1)!.path).toBe('/repos/acme/tiny.dots_repo/assignees');
  });

  it('refuses a value that is not exactly two clean segments, before any upstream call', async () => {
    const def = repoSpec();
    const before = sandbox.requests.length;
    for (const collectionId of ['acme', 'acme/widgets/extra', 'acme/', '/widgets', '../x', 'acme/..', 'a/%2e%2e', 'a\\b/c'])
      expect((await errorOf(engine.scope().list(account({ owner: 'octo', repo: 'widgets' }), def, { category: 'TICKETING', first: 1, filter: { collectionId } }))).extensions.code, collectionId).toBe('BAD_USER_INPUT');
    expect(sandbox.requests.length).toBe(before);
  });

  it('asks for the filter, naming the context keys too, when neither is there; and names a missing per-category context key', async () => {
    const def = repoSpec();
    const before = sandbox.requests.length;
    const missing = await errorOf(engine.scope().list(account({ owner: 'octo' }), def, { category: 'TICKETING', first: 1, filter: {} }));
    expect(missing.extensions).toMatchObject({ code: 'MISSING_REQUIRED_FILTER', filter: 'collectionId', provider: 'spec-repo' });
    expect(missing.message).toContain('context.owner + context.repo');
    const noOrg = await errorOf(engine.scope().list(account({ owner: 'octo', repo: 'widgets' }), def, { category: 'USER_DIRECTORY', first: 1, filter: {} }));
    expect(noOrg.extensions.code).toBe('INTEGRATED_ACCOUNT_NOT_FOUND');
    expect(noOrg.message).toContain('context.org, which spec-repo needs to list USER_DIRECTORY users');
    expect(sandbox.requests.length).toBe(before);
    // The other category of the same account does not need it.
    expect(repos(await engine.scope().list(account({ owner: 'octo', repo: 'widgets' }), def, { category: 'TICKETING', first: 1, filter: {} }))).toEqual(['octo/widgets']);
    expect(def.lists.USER_DIRECTORY!.requiredContext).toEqual(['org']);
    expect(def.lists.TICKETING!.filterDefaults).toEqual({ collectionId: '{context.owner}/{context.repo}' });
  });

  it('refuses a path filter the path does not read, a default for a filter the list lacks, and undeclared required context', () => {
    expect(() => repoSpec({ path: '/repos/{context.owner}/{context.repo}/assignees' })).toThrow(/served by path, but lists\.TICKETING\.path does not read \{filters\.collectionId\}/);
    expect(() => repoSpec({ filterDefaults: { teamId: '{context.owner}' } })).toThrow(/lists\.TICKETING\.filterDefaults\.teamId/);
    expect(() => repoSpec({ requiredContext: ['project'] })).toThrow(/context\.project is not declared/);
  });
});

describe('error rules and retries', () => {
  const gql = (more: Partial<ProviderSpec> = {}, idempotent = true) =>
    provider({
      method: 'POST', path: '/graphql', idempotent, records: 'data.users.nodes', body: { query: 'q', variables: {} },
      paginator: { kind: 'graphql', pageInfo: 'data.users.pageInfo', cursorVariable: 'after', pageSize: { variable: 'first', max: 50 } }, filters: {},
    }, {
      errors: {
        message: ['errors.0.message'],
        rules: [
          { when: { path: 'errors.0.extensions.code', equals: 'RATELIMITED' }, as: 'RATE_LIMITED' },
          { when: { path: 'errors', exists: true }, as: 'BAD_REQUEST' },
          { when: { status: [403, 429], path: 'message', contains: 'secondary rate limit' }, as: 'RATE_LIMITED' },
          { when: { status: 403, header: 'x-ratelimit-remaining', equals: '0' }, as: 'RATE_LIMITED' },
          { when: { status: 200, path: 'ok', equals: false }, as: 'FORBIDDEN' },
        ],
      },
      rateLimit: { resetHeader: 'x-ratelimit-reset', resetFormat: 'epoch-ms' },
      ...more,
    });

  it('reads GraphQL errors in an HTTP 200 body as a bad request, with the provider\'s message', async () => {
    sandbox.inject({ status: 200, body: { errors: [{ message: 'Unknown argument "frist"', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] }, match: /^\/graphql$/ });
    const e = await errorOf(walk(gql(), 2));
    expect(e.extensions).toMatchObject({ code: 'UPSTREAM_BAD_REQUEST', upstreamStatus: 200 });
    expect(e.message).toContain('Unknown argument "frist"');
  });

  it('reads {ok:false} in a 200 body by a rule', async () => {
    sandbox.inject({ status: 200, body: { ok: false, error: 'missing_scope' }, match: /^\/graphql$/ });
    const e = await errorOf(walk(gql(), 2));
    expect(e.extensions).toMatchObject({ code: 'UPSTREAM_FORBIDDEN', upstreamStatus: 200 });
    expect(e.message).toContain('missing_scope');
  });

  it('retries a 400 that is really a rate limit, and reports it with the epoch-ms reset when it persists', async () => {
    const limited = { status: 400, body: { errors: [{ message: 'Rate limit exceeded', extensions: { code: 'RATELIMITED' } }] }, match: /^\/graphql$/ };
    sandbox.inject(limited);
    const before = sandbox.requests.length;
    expect((await walk(gql(), 7)).ids).toEqual(ALL);
    expect(sandbox.requests.length - before).toBe(2); // one refused, then the page
    sandbox.inject({ ...limited, headers: { 'x-ratelimit-reset': String(Date.now() + 60_000) } });
    const e = await errorOf(walk(gql(), 2));
    expect(e.extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', upstreamStatus: 400 });
    expect(e.extensions.retryAfter).toBeGreaterThanOrEqual(59);
  });

  it('reads a 403 as a rate limit by a header or by the message (GitHub\'s primary and secondary limits)', async () => {
    sandbox.inject({ status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Date.now() + 120_000) }, body: { message: 'API rate limit exceeded' }, match: /^\/graphql$/ });
    expect((await errorOf(walk(gql(), 2))).extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', upstreamStatus: 403 });
    sandbox.inject({ status: 403, headers: { 'retry-after': '0' }, body: { message: 'You have exceeded a secondary rate limit.' }, match: /^\/graphql$/ });
    expect((await walk(gql(), 7)).ids).toEqual(ALL); // retried after Retry-After: 0
    sandbox.inject({ status: 403, body: { message: 'Resource not accessible by integration' }, match: /^\/graphql$/ });
    expect((await errorOf(walk(gql(), 2))).extensions).toMatchObject({ code: 'UPSTREAM_FORBIDDEN', upstreamStatus: 403 });
  });

  it('waits until the reset only when resetWhen holds, and the default wait for a limit that names none', async () => {
    const def = gql({ rateLimit: { resetHeader: 'x-ratelimit-reset', resetFormat: 'epoch-ms', resetWhen: { header: 'x-ratelimit-remaining', equals: '0' }, defaultWaitSeconds: 60 } });
    const secondary = { status: 403, headers: { 'x-ratelimit-remaining': '4987', 'x-ratelimit-reset': String(Date.now() + 3_000_000) }, body: { message: 'You have exceeded a secondary rate limit.' }, match: /^\/graphql$/ };
    sandbox.inject(secondary);
    let before = sandbox.requests.length;
    const e = await errorOf(walk(def, 2));
    expect(e.extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', upstreamStatus: 403, retryAfter: 60 }); // not the hour-long primary reset
    expect(sandbox.requests.length - before).toBe(1); // longer than one backoff step: not retried
    sandbox.clearFaults();
    sandbox.inject({ ...secondary, headers: { ...secondary.headers, 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Date.now() + 600) } });
    before = sandbox.requests.length;
    expect((await walk(def, 7)).ids).toEqual(ALL); // a primary limit reopening in 0.6 s: waited out, then the page
    expect(sandbox.requests.length - before).toBe(2);
  });

  it('retries a POST only when the spec marks it idempotent', async () => {
    sandbox.inject({ status: 503, body: { message: 'try again' }, match: /^\/graphql$/ });
    let before = sandbox.requests.length;
    expect((await walk(gql({}, true), 7)).ids).toEqual(ALL);
    expect(sandbox.requests.length - before).toBe(2);
    sandbox.inject({ status: 503, body: { message: 'try again' }, match: /^\/graphql$/ });
    before = sandbox.requests.length;
    expect((await errorOf(walk(gql({}, false), 7))).extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstreamStatus: 503 });
    expect(sandbox.requests.length - before).toBe(1);
  });

  it('retries the provider\'s own retryable statuses', async () => {
    sandbox.inject({ status: 409, body: { message: 'busy' }, match: /^\/all$/ });
    const plain = provider({ path: '/all', records: '', paginator: { kind: 'none' }, filters: {} });
    expect((await errorOf(walk(plain, 7))).extensions).toMatchObject({ code: 'UPSTREAM_BAD_REQUEST', upstreamStatus: 409 });
    sandbox.inject({ status: 409, body: { message: 'busy' }, match: /^\/all$/ });
    const patient = provider({ path: '/all', records: '', paginator: { kind: 'none' }, filters: {} }, { errors: { retryable: [409] } });
    expect((await walk(patient, 7)).ids).toEqual(ALL);
  });
});

describe('lookups and joins', () => {
  it('looks users up in bulk and one by one by POST', async () => {
    const def = provider({ path: '/all', records: '', paginator: { kind: 'none' }, filters: {} }, {
      byIds: { method: 'POST', idempotent: true, path: '/lookup', body: { ids: '{ids}' }, records: 'users', idOf: 'id', maxBatch: 2 },
      byId: { method: 'POST', idempotent: true, path: '/user', body: { id: '{id}' }, record: 'user' },
    });
    const before = sandbox.requests.length;
    const found = await engine.scope().byIds(account(), def, ['u2', 'u5', 'u9']);
    expect(found.map((u) => u?.remoteId ?? null)).toEqual(['u2', 'u5', null]);
    expect(sandbox.requests.slice(before).map((r) => r.body)).toEqual([{ ids: ['u2', 'u5'] }, { ids: ['u9'] }]);
    const single = provider({ path: '/all', records: '', paginator: { kind: 'none' }, filters: {} }, { byId: { method: 'POST', idempotent: true, path: '/user', body: { id: '{id}' }, record: 'user' } });
    expect((await engine.scope().byIds(account(), single, ['u3', 'nobody'])).map((u) => u?.remoteId ?? null)).toEqual(['u3', null]);
  });

  it('joins by a key the spec names, selects the day by filters.date with its default, and is optional unless the day was given', async () => {
    const def = provider({ path: '/all', records: '', paginator: { kind: 'none' }, filters: { date: { usage: true } } }, {
      joins: [{ name: 'usage', path: '/usage', query: { day: '{filters.date}' }, records: 'rows', paginator: { kind: 'none' }, key: 'email', userKey: 'email', keyTransform: 'email', selectedBy: { filter: 'date', default: { daysAgo: 2 } } }],
      map: (u: any, joined) => ({ remoteId: u.id, lastActiveAt: (joined.usage?.[0] as any)?.day ?? null }),
    });
    const given = await engine.scope().list(account(), def, { first: 4, filter: { date: '2026-01-05' } });
    expect(given.edges.map((e) => e.node.lastActiveAt)).toEqual(['2026-01-05', '2026-01-05', '2026-01-05', null]);
    const defaulted = await engine.scope().list(account(), def, { first: 1, filter: {} });
    expect(defaulted.edges[0]!.node.lastActiveAt).toBe(new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10));
    sandbox.inject({ status: 403, body: { message: 'no usage scope' }, match: /^\/usage$/ });
    expect((await engine.scope().list(account(), def, { first: 1, filter: {} })).edges[0]!.node.lastActiveAt).toBeNull();
    sandbox.inject({ status: 403, body: { message: 'no usage scope' }, match: /^\/usage$/ });
    expect((await errorOf(engine.scope().list(account(), def, { first: 1, filter: { date: '2026-01-05' } }))).extensions.code).toBe('UPSTREAM_FORBIDDEN');
  });
});
