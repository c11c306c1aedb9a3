// The shared provider contract. One call in a provider's test file runs it against that provider's sandbox,
// through the gateway in-process (real HTTP to the sandbox on port 0). Everything it needs comes from the
// registry definition (filters, category, required filters, list path) and the ProviderSandbox (dataset,
// demo account, demo filters); expectations come from the sandbox's dataset, never from the gateway.
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servingOf } from '../src/providers/engine/filters.js';
import { secretsOf } from '../src/providers/engine/redact.js';
import type { ProviderSandbox, Sandbox } from '../src/providers/engine/sandbox-kit.js';
import { FILTER_NAMES, type Category, type FilterName, type UnifiedUser, type UserFilter } from '../src/providers/engine/types.js';
import { loadCustomProvider } from '../src/providers/custom.js';
import { providerBySlug } from '../src/providers/registry.js';
import { mapRecords } from '../src/providers/engine/spec/index.js';
import { usableId } from '../src/providers/engine/joins.js';
import type { Account } from '../src/providers/engine/scope.js';
import { userGlobalId } from '../src/providers/engine/user.js';
import { getNamedType, getNullableType, isLeafType, isListType, isNonNullType, type GraphQLObjectType } from 'graphql';
import { schema } from '../src/schema/index.js';
import { USER_TYPE_NAME } from '../src/schema/users.js';
import { OTHER_TENANT_TOKEN, startGateway, transcript, type Harness } from './helpers.js';

export interface ConformanceOptions {
  sandbox: ProviderSandbox;
  /** The category the provider must serve (checked against the registry). */
  category?: Category;
  /** `first` values to walk the whole list with (default 23 and 100; each page is a round trip, so small values cost). */
  firsts?: number[];
  /**
   * Run the contract on a custom provider (a YAML/JSON spec file, as `customProviders` lists it) instead of
   * the sandbox's built-in one: the gateway is configured with `customProviders: [file]`, and the file's
   * provider must map the built-in's fixtures (src/providers/<sandbox slug>/fixtures) to the same users.
   */
  customProvider?: { file: string };
}

const STATUSES = ['ACTIVE', 'INACTIVE', 'DELETED', 'INVITED'] as const;
const USER_TYPES = ['ADMIN', 'END_USER', 'LIMITED', 'MACHINE', 'USER'] as const;
/** A well-formed value for every filter, to show that an unsupported one is refused, not ignored. */
const SAMPLE: Record<FilterName, unknown> = {
  date: '2024-01-02', email: 'nobody@conformance.invalid', emails: ['nobody@conformance.invalid'], name: 'x', firstName: 'x', lastName: 'x',
  username: 'x', status: 'ACTIVE', isActive: true, teamId: 'x', organizationId: 'x', workspaceId: 'x', groupId: 'x', roleId: 'x',
  collectionId: 'X', userType: 'USER', createdAfter: '2020-01-01T00:00:00Z', updatedAfter: '2020-01-01T00:00:00Z', sort: { field: 'NAME', direction: 'ASC' },
  customerId: 'x', orgUnitPath: '/x',
};
const NO_MATCH = 'zz-no-such-value-zz';

const code = (res: { body: { errors?: any[] } }) => res.body.errors?.[0]?.extensions?.code;
const ci = (s: string) => s.toLowerCase();
/** Swaps the case of every letter: an address as a caller might type it. */
const swapCase = (s: string) => [...s].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
const isActiveOf = (u: UnifiedUser) => (u.status != null ? u.status === 'ACTIVE' : u.isActive === true);
const emailsOf = (u: UnifiedUser) => (u.emails ?? []).map((e) => ci(e.email));
const iso = (v: unknown) => (typeof v === 'string' ? new Date(v).toISOString() : null);

export function describeProviderConformance(opts: ConformanceOptions): void {
  const file = opts.customProvider && resolve(opts.customProvider.file);
  const def = file ? loadCustomProvider(file, process.cwd()) : providerBySlug(opts.sandbox.slug);
  const slug = def?.slug ?? opts.sandbox.slug;
  const firsts = opts.firsts ?? [23, 100];
  const account = `conformance-${slug}`;
  const gatewayWith = (accounts: Parameters<typeof startGateway>[0], overrides: Parameters<typeof startGateway>[1] = {}) =>
    startGateway(accounts, file ? { customProviders: [file], ...overrides } : overrides);

  describe(`${slug} provider contract${opts.category && def && def.categories.length > 1 ? ` (${opts.category})` : ''}`, () => {
    if (!def) throw new Error(`no provider registered as ${slug}`);
    if (!opts.sandbox.expectedUsers) throw new Error(`${slug}: the sandbox must export expectedUsers() for the conformance suite`);
    const category = opts.category ?? def.category;
    const raws = opts.sandbox.expectedUsers(category);
    // Mapped as the engine maps a page (a custom provider's JSONata fields are evaluated asynchronously first).
    let expected: UnifiedUser[] = [];
    let ids: string[] = [];
    const required = (opts.sandbox.demoFilters ?? {}) as UserFilter;
    const list = def.lists[category];
    if (!list) throw new Error(`${slug} serves no ${category} list`);
    const typeName = USER_TYPE_NAME[category];
    const doc = (fields: string) => `query($account: ID!, $first: Int, $after: String, $filters: UserFilter) {
      users(category: ${category}, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {
        edges { cursor node { ... on ${typeName} { ${fields} } } }
        pageInfo { hasNextPage endCursor }
      }
    }`;
    const FULL = doc('id remoteId name firstName lastName emails { email isPrimary type } createdAt updatedAt remoteData');
    // Walks select little: response size, not round trips, is most of a query's cost.
    const Q = doc('id remoteId');
    const supports = (f: FilterName) => list.filters[f] !== undefined;
    // The list's own path as the adapter renders it for the demo account (context templates filled in).
    const listTail = list.render({ context: opts.sandbox.demoAccount('http://sandbox.test').context, filters: required }).path;
    const listPath = new RegExp(`${listTail.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\.json)?$`);

    let sandbox: Sandbox;
    let h: Harness;
    const listCalls = () => sandbox.requests.filter((r) => listPath.test(r.path)).length;
    const query = (filters: UserFilter, first: number, after?: string | null, g: Harness = h) => g.query(Q, { account, filters: { ...required, ...filters }, first, after });

    /** Every node of a filtered list; checks on each page that a page without edges is the last one. */
    async function walk(filters: UserFilter, first = 100, g: Harness = h, refused?: () => any[]): Promise<any[]> {
      const nodes: any[] = [];
      let after: string | null = null;
      for (let pages = 0; ; pages++) {
        const res = await query(filters, first, after, g);
        if (refused && !after && code(res) === 'UNSUPPORTED_FILTER') return refused();
        if (res.body.errors) throw new Error(`${JSON.stringify(filters)}: ${JSON.stringify(res.body.errors)}`);
        const conn = res.body.data.users;
        if (!conn.edges.length) expect(conn.pageInfo.hasNextPage, 'a page with no edges claims a next page').toBe(false);
        nodes.push(...conn.edges.map((e: any) => e.node));
        if (!conn.pageInfo.hasNextPage) return nodes;
        after = conn.pageInfo.endCursor;
        if (pages > 2000) throw new Error('runaway pagination');
      }
    }
    const remoteIds = (nodes: any[]) => nodes.map((n) => n.remoteId);
    /** The listed users that carry `value` (refused values match nobody, so none may carry them). */
    async function partition(filter: FilterName, value: unknown): Promise<string[]> {
      return remoteIds(await walk({ [filter]: value }, 100, h, () => []));
    }

    beforeAll(async () => {
      expected = await mapRecords(def, raws);
      ids = expected.map((u) => u.remoteId);
      sandbox = await opts.sandbox.start();
      h = gatewayWith([{ id: account, provider: slug, ...opts.sandbox.demoAccount(sandbox.url) }]);
    });
    afterAll(async () => {
      await h?.close();
      await sandbox?.close();
    });

    it('is registered in its category, and its sandbox lists enough users to span several pages', () => {
      if (opts.category) expect(def.categories).toContain(opts.category);
      expect(raws.length).toBeGreaterThanOrEqual(Math.max(200, 2 * Math.max(...firsts)));
      expect(new Set(ids).size, 'remote ids are unique').toBe(ids.length);
    });

    it('maps every recorded payload into its expected unified user (fixtures)', async () => {
      const read = (name: string) => JSON.parse(readFileSync(new URL(`../src/providers/${opts.sandbox.slug}/fixtures/${name}`, import.meta.url), 'utf8'));
      const fixtures: unknown[] = read('users.json');
      expect((await mapRecords(def, fixtures)).map((u) => JSON.parse(JSON.stringify(u)))).toEqual(read('users.expected.json'));
    });

    for (const first of firsts) {
      it(`walks every user exactly once, in upstream order, with first: ${first}`, async () => {
        expect(remoteIds(await walk({}, first))).toEqual(ids);
      });
    }

    it('asks the upstream for full pages whatever first is: a walk with first: 7 costs as many calls as one with first: 100', async () => {
      let before = listCalls();
      await walk({}, 100);
      const full = listCalls() - before;
      before = listCalls();
      expect(remoteIds(await walk({}, 7))).toEqual(ids);
      // The upstream's pages are split to serve 7 at a time (later GraphQL pages resume inside a cached one).
      const small = listCalls() - before;
      expect(small).toBeLessThanOrEqual(full + 1);
      expect(small).toBeLessThan(Math.ceil(ids.length / 7));
    });

    it('skips a record without a usable id (null, missing, an object) instead of inventing one', async () => {
      const fixtures: unknown[] = JSON.parse(readFileSync(new URL(`../src/providers/${opts.sandbox.slug}/fixtures/users.json`, import.meta.url), 'utf8'));
      const [mapped] = await mapRecords(def, [structuredClone(fixtures[0])]);
      expect(usableId(mapped!.remoteId), 'the fixture maps to a usable id').toBe(true);
      // The fields holding the id: those whose value is the remoteId (a prefixed id, e.g. GitHub's invitations, holds it as a suffix).
      const holders = (v: unknown, at: string[] = []): string[][] =>
        v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => holders(x, [...at, k])) : (typeof v === 'string' || typeof v === 'number') && String(v) !== '' && mapped!.remoteId.endsWith(String(v)) ? [at] : [];
      const paths = holders(fixtures[0]);
      expect(paths.length, 'the raw record holds its id').toBeGreaterThan(0);
      for (const bad of [null, undefined, {}, ['x']]) {
        const raw: any = structuredClone(fixtures[0]);
        for (const path of paths) {
          const parent = path.slice(0, -1).reduce((o, k) => o[k], raw);
          if (bad === undefined) delete parent[path.at(-1)!];
          else parent[path.at(-1)!] = bad;
        }
        const [user] = await mapRecords(def, [raw]);
        // Unusable (the engine skips the record), or the provider's documented fallback: another value of the record.
        const values = (v: unknown): string[] => (v && typeof v === 'object' ? Object.values(v).flatMap(values) : typeof v === 'string' || typeof v === 'number' ? [String(v)] : []);
        const fallback = usableId(user!.remoteId) && values(raw).some((v) => user!.remoteId.endsWith(v));
        expect(!usableId(user!.remoteId) || fallback, `${JSON.stringify(bad)} at ${paths.map((p) => p.join('.')).join(', ')} gave remoteId ${JSON.stringify(user!.remoteId)}`).toBe(true);
      }
    });

    it('issues compact, opaque cursors: at most 100 characters, showing no upstream path or parameter value', async () => {
      const before = sandbox.requests.length;
      const cursors: string[] = [];
      let after: string | null = null;
      for (let pages = 0; pages < 50; pages++) {
        const res = await query({}, 23, after);
        expect(res.body.errors).toBeUndefined();
        const conn = res.body.data.users;
        cursors.push(...conn.edges.map((e: any) => e.cursor), conn.pageInfo.endCursor);
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
      }
      // What the upstream saw: the paths, every query value and every string in a body (tokens, offsets, filters).
      const seen = sandbox.requests.slice(before);
      const strings = (v: unknown): string[] => (typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : []);
      const values = [...new Set(seen.flatMap((r) => [r.path, ...[...r.query.values()], ...strings(r.body)]))];
      expect(values.some((v) => v.length >= 6), 'the walk sent some upstream value to look for').toBe(true);
      expect(cursors.length).toBeGreaterThan(raws.length);
      for (const c of cursors) {
        expect(c.length, c).toBeLessThanOrEqual(100);
        // As given (long values only: a short one could occur in random base64 by chance), and decoded.
        const decoded = c.split('.').map((part) => Buffer.from(part, 'base64url').toString('latin1'));
        expect(values.filter((v) => v.length >= 6 && c.includes(v)), c).toEqual([]);
        expect(values.filter((v) => v.length >= 4 && decoded.some((d) => d.includes(v))), c).toEqual([]);
      }
    });

    it('answers every plain list field with a list, empty where the provider has nothing, for every user', async () => {
      // The non-null list fields read straight off the user (no resolver): a mapping that leaves one out
      // must still answer [], never a null error. Read from the schema, so a new list field is covered too.
      const type = schema.getType(typeName) as GraphQLObjectType;
      const lists = Object.values(type.getFields()).filter((f) => !f.resolve && isNonNullType(f.type) && isListType(getNullableType(f.type)));
      expect(lists.map((f) => f.name)).toContain('emails');
      const selection = lists.map((f) => {
        const item = getNamedType(f.type);
        if (isLeafType(item)) return f.name;
        const leaf = Object.values((item as GraphQLObjectType).getFields()).find((x) => !x.args.length && isLeafType(getNamedType(x.type)))!;
        return `${f.name} { ${leaf.name} }`;
      });
      const res = await h.query(doc(`remoteId ${selection.join(' ')}`), { account, filters: required, first: 100 });
      expect(res.body.errors).toBeUndefined();
      for (const { node } of res.body.data.users.edges) for (const f of lists) expect(Array.isArray(node[f.name]), `${f.name} of ${node.remoteId}`).toBe(true);
    });

    it("maps a page's users to few hidden classes, their global ids read included (compiled queries read them polymorphically, not megamorphically)", async () => {
      v8.setFlagsFromString('--allow-natives-syntax');
      const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;
      const acct = { id: account, tenant: 'acme', provider: slug, ...opts.sandbox.demoAccount(sandbox.url) } as Account;
      const { edges } = await h.gateway.engine.scope().list(acct, def, { category, first: 100, filter: required });
      const users = edges.map((e) => e.node);
      expect(users.length).toBeGreaterThan(1);
      users.forEach((u) => userGlobalId(u));
      const classes: object[] = [];
      for (const u of users) if (!classes.some((c) => sameMap(c, u))) classes.push(u);
      // V8's inline caches stay polymorphic up to four shapes; one class per user was a bug in the engine.
      expect(classes.length).toBeLessThanOrEqual(4);
      expect(Object.getOwnPropertySymbols({ ...users[0] })).toEqual([]); // the id's hidden slot stays out of spreads
    });

    it('serves each user with its mapped fields and the untouched raw record in remoteData', async () => {
      const res = await h.query(FULL, { account, filters: required, first: 100 });
      const nodes = res.body.data.users.edges.map((e: any) => e.node);
      expect(nodes.length).toBe(Math.min(100, raws.length));
      nodes.forEach((n: any, i: number) => {
        const want = expected[i]!;
        expect(n.remoteData).toEqual(JSON.parse(JSON.stringify(raws[i])));
        expect({ ...n, id: undefined, remoteData: undefined, createdAt: iso(n.createdAt), updatedAt: iso(n.updatedAt) }).toEqual({
          id: undefined,
          remoteData: undefined,
          remoteId: want.remoteId,
          name: want.name ?? null,
          firstName: want.firstName ?? null,
          lastName: want.lastName ?? null,
          emails: (want.emails ?? []).map((e) => ({ email: e.email, isPrimary: e.isPrimary ?? null, type: e.type ?? null })),
          createdAt: iso(want.createdAt),
          updatedAt: iso(want.updatedAt),
        });
      });
    });

    describe('upstream failures', () => {
      const failWith = async (fault: Parameters<Sandbox['inject']>[0]) => {
        sandbox.inject({ match: listPath, ...fault });
        const before = listCalls();
        const res = await query({}, 2);
        sandbox.clearFaults();
        return { res, calls: listCalls() - before, ext: res.body.errors?.[0]?.extensions };
      };

      it('reports an upstream 401 as UPSTREAM_UNAUTHORIZED and a 403 as UPSTREAM_FORBIDDEN', async () => {
        // Twice: a client-credentials scheme fetches a fresh token once and tries again.
        const unauthorized = await failWith({ status: 401, body: { error: 'unauthorized' }, times: 2 });
        expect(unauthorized.ext).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', provider: slug, upstreamStatus: 401 });
        const forbidden = await failWith({ status: 403, body: { error: 'forbidden' } });
        expect(forbidden.ext).toMatchObject({ code: 'UPSTREAM_FORBIDDEN', provider: slug, upstreamStatus: 403 });
      });

      it('retries a 429 with Retry-After, then reports UPSTREAM_RATE_LIMITED with retryAfter', async () => {
        const once = await failWith({ status: 429, headers: { 'retry-after': '0' }, body: { error: 'slow down' } });
        expect(once.res.body.errors).toBeUndefined();
        expect(once.calls).toBe(2);
        const always = await failWith({ status: 429, headers: { 'retry-after': '0' }, body: { error: 'slow down' }, times: 10 });
        // A wait of zero is backoff with jitter, and a client is never told to retry in under a second.
        expect(always.ext).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', provider: slug, upstreamStatus: 429, retryAfter: 1 });
        expect(always.calls).toBe(4); // the first attempt and maxRetries (3) retries
        const long = await failWith({ status: 429, headers: { 'retry-after': '120' }, body: { error: 'slow down' } });
        expect(long.ext).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', provider: slug, retryAfter: 120 });
        expect(long.calls).toBe(1); // longer than one backoff step: the caller's wait to make
      });

      it('retries a 503 and reports UPSTREAM_UNAVAILABLE when it persists; a 500 is not retried', async () => {
        const flaky = await failWith({ status: 503, body: { error: 'unavailable' }, times: 10 });
        expect(flaky.ext).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: slug, upstreamStatus: 503 });
        expect(flaky.calls).toBe(4);
        const broken = await failWith({ status: 500, body: { error: 'boom' } });
        expect(broken.ext).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstreamStatus: 500 });
        expect(broken.calls).toBe(1);
      });

      it('reports malformed JSON, or a body without the list of records, as UPSTREAM_BAD_RESPONSE', async () => {
        const truncated = await failWith({ raw: '{"truncated": [', headers: { 'content-type': 'application/json' } });
        expect(truncated.ext).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', provider: slug });
        const shapeless = await failWith({ body: { unexpected: true } });
        expect(shapeless.ext).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', provider: slug });
      });
    });

    it('refuses every filter it does not support with UNSUPPORTED_FILTER, before any upstream call', async () => {
      const unsupported = FILTER_NAMES.filter((f) => !supports(f));
      const before = sandbox.requests.length;
      for (const f of unsupported) {
        const res = await query({ [f]: SAMPLE[f] }, 5);
        expect(res.body.errors?.[0]?.extensions, f).toMatchObject({ code: 'UNSUPPORTED_FILTER', provider: slug, filter: f });
      }
      expect(sandbox.requests.length).toBe(before);
    });

    for (const f of list.requiredFilters) {
      it(`refuses a list without filters.${f} with MISSING_REQUIRED_FILTER, before any upstream call`, async () => {
        const before = sandbox.requests.length;
        const { [f]: _dropped, ...rest } = required;
        const res = await h.query(Q, { account, filters: rest, first: 5 });
        expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'MISSING_REQUIRED_FILTER', provider: slug, filter: f });
        expect(sandbox.requests.length).toBe(before);
      });
    }

    it('resolves node and nodes by global id; an unknown user, another account or another tenant resolve to null', async () => {
      const page = (await query({}, 3)).body.data.users.edges.map((e: any) => e.node);
      const [globalType, ...rest] = Buffer.from(page[0].id, 'base64').toString('utf8').split(':');
      expect(rest.join(':')).toBe(`${account}:${page[0].remoteId}`);
      const gid = (acc: string, remoteId: string) => Buffer.from(`${globalType}:${acc}:${remoteId}`).toString('base64');
      // Same shape as a real id, so the upstream answers "no such user" rather than "malformed id".
      const unknown = gid(account, String(page[0].remoteId).replace(/[0-9]/g, '9').replace(/[a-z]/g, 'z').replace(/[A-Z]/g, 'Z'));
      const res = await h.query(`query($id: ID!, $ids: [ID!]!) { node(id: $id) { id ... on ${typeName} { remoteId } } nodes(ids: $ids) { id ... on ${typeName} { remoteId } } }`, {
        id: page[1].id,
        ids: [page[0].id, page[2].id, unknown, gid('no-such-account', page[0].remoteId)],
      });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.node).toEqual({ id: page[1].id, remoteId: page[1].remoteId });
      expect(res.body.data.nodes).toEqual([{ id: page[0].id, remoteId: page[0].remoteId }, { id: page[2].id, remoteId: page[2].remoteId }, null, null]);
      const foreign = await h.query(`query($id: ID!) { node(id: $id) { id } }`, { id: page[0].id }, OTHER_TENANT_TOKEN);
      expect(foreign.body.data.node).toBeNull();
    });

    it("reports the upstream's remaining budget as rateLimit.remaining wherever its responses carry one", async () => {
      const res = await h.query(`query($account: ID!, $filters: UserFilter) { users(category: ${category}, integratedAccountId: $account, first: 3, filters: $filters) { debug { responseHeaders { name value } } rateLimit { remaining } } }`, { account, filters: required });
      expect(res.body.errors).toBeUndefined();
      // The budget headers as the transport recorded them, whatever the provider's spec names.
      const REMAINING = /^(x-)?rate-?limit(-requests)?-remaining$/i;
      const reported = res.body.data.users.debug.map((c: any) => c.responseHeaders.find((x: any) => REMAINING.test(x.name))).filter(Boolean);
      if (reported.length) expect(res.body.data.users.rateLimit?.remaining).toBe(Number(reported.at(-1).value));
      else expect(res.body.data.users.rateLimit?.remaining ?? null).toBeNull();
    });

    it('makes one upstream call for two aliases asking for the same page', async () => {
      const alias = (name: string) => `${name}: users(category: ${category}, integratedAccountId: $account, first: 5, filters: $filters) { edges { cursor } }`;
      const vars = { account, filters: required };
      let before = listCalls();
      await h.query(`query($account: ID!, $filters: UserFilter) { ${alias('a')} }`, vars);
      const single = listCalls() - before;
      before = listCalls();
      const res = await h.query(`query($account: ID!, $filters: UserFilter) { ${alias('a')} ${alias('b')} }`, vars);
      expect(res.body.data.a).toEqual(res.body.data.b);
      expect(single).toBeGreaterThan(0);
      expect(listCalls() - before).toBe(single);
    });

    it('lets remoteQuery set no parameter the list itself sends or pages with', async () => {
      const RQ = `query($account: ID!, $after: String, $filters: UserFilter, $rq: JSON) {
        users(category: ${category}, integratedAccountId: $account, first: 23, after: $after, filters: $filters, remoteQuery: $rq) { edges { cursor } pageInfo { hasNextPage endCursor } }
      }`;
      const twoPages = async (rq: Record<string, string> | null) => {
        const before = sandbox.requests.length;
        const one = await h.query(RQ, { account, filters: required, rq });
        expect(one.body.errors).toBeUndefined();
        const info = one.body.data.users.pageInfo;
        if (info.hasNextPage) await h.query(RQ, { account, filters: required, rq, after: info.endCursor });
        return sandbox.requests.slice(before).filter((r) => listPath.test(r.path));
      };
      // Every query parameter a plain walk's first two pages send, and every one the paginator reserves.
      const names = new Set([...list.paginator.reservedParams, ...(await twoPages(null)).flatMap((r) => [...r.query.keys()])]);
      const INJECTED = 'zz-injected-zz';
      const sent = await twoPages(Object.fromEntries([...names].map((n) => [n, INJECTED])));
      expect(sent.length).toBeGreaterThan(0);
      for (const r of sent) for (const [k, v] of r.query) if (names.has(k)) expect(v, `remoteQuery set ${k}`).not.toBe(INJECTED);
    });

    describe('honest filters', () => {
      if (supports('isActive')) {
        it('isActive: true and isActive: false split the users in two, each user in exactly one half', async () => {
          const [active, inactive] = [await partition('isActive', true), await partition('isActive', false)];
          expect(active).toEqual(expected.filter(isActiveOf).map((u) => u.remoteId));
          expect(inactive).toEqual(expected.filter((u) => !isActiveOf(u)).map((u) => u.remoteId));
          expect([...active, ...inactive].sort()).toEqual([...ids].sort());
        });
      }
      for (const [filter, values] of [['status', STATUSES], ['userType', USER_TYPES]] as const) {
        if (!supports(filter)) continue;
        it(`the ${filter} values partition the users that have one, each user under exactly its own value`, async () => {
          const listed = new Set(ids);
          const seen: string[] = [];
          for (const v of values) {
            const got = await partition(filter, v);
            expect(new Set(got).size, `${filter} ${v}: no duplicates`).toBe(got.length);
            // DELETED may reach users the plain list hides (Okta's DEPROVISIONED): only listed ones are compared.
            if (v !== 'DELETED') expect(got.every((id) => listed.has(id)), `${filter} ${v} stays within the list`).toBe(true);
            expect(got.filter((id) => listed.has(id)), `${filter} ${v}`).toEqual(expected.filter((u) => u[filter] === v).map((u) => u.remoteId));
            seen.push(...got.filter((id) => listed.has(id)));
          }
          expect(seen.sort()).toEqual(expected.filter((u) => u[filter] != null).map((u) => u.remoteId).sort());
        });
      }

      if (supports('email')) {
        it('email matches any of a user\'s addresses, whatever their case', async () => {
          const secondary = expected.filter((u) => (u.emails ?? []).length > 1).slice(0, 2).map((u) => u.emails![1]!.email);
          const primary = expected.filter((u) => (u.emails ?? []).length).slice(1, 2).map((u) => u.emails![0]!.email);
          expect(primary.length).toBeGreaterThan(0);
          for (const address of [...primary, ...secondary]) {
            const got = remoteIds(await walk({ email: swapCase(address) }));
            expect(got, address).toEqual(expected.filter((u) => emailsOf(u).includes(ci(address))).map((u) => u.remoteId));
          }
        });
      }
      if (supports('emails')) {
        it('emails matches users holding any of the addresses, secondary ones included', async () => {
          const withTwo = expected.find((u) => (u.emails ?? []).length > 1);
          const addresses = [expected.find((u) => u.emails?.length)!.emails![0]!.email, ...(withTwo ? [withTwo.emails![1]!.email] : [])].map(swapCase);
          const got = remoteIds(await walk({ emails: addresses }));
          expect(got).toEqual(expected.filter((u) => emailsOf(u).some((e) => addresses.map(ci).includes(e))).map((u) => u.remoteId));
        });
      }
      it('refuses emails: [] with BAD_USER_INPUT instead of listing everyone', async () => {
        const before = sandbox.requests.length;
        const res = await query({ emails: [] }, 5);
        expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', filter: 'emails' });
        expect(res.body.errors![0].message).toContain('filters.emails');
        expect(sandbox.requests.length).toBe(before);
      });

      const scanned = (['name', 'firstName', 'lastName', 'email', 'username'] as const).find((f) => list.filters[f] && servingOf(list.filters[f]!) === 'ENGINE');
      if (scanned) {
        it(`never answers an empty page that claims a next one: past the scan budget, filters.${scanned} fails with FILTER_SCAN_EXHAUSTED`, async () => {
          const g = gatewayWith([{ id: account, provider: slug, ...opts.sandbox.demoAccount(sandbox.url) }], { limits: { maxScan: 10, maxJoinPages: 20, maxPages: 50, joinCacheSeconds: 0 } });
          try {
            const last = expected.at(-1)!;
            const late = (scanned === 'email' ? last.emails?.[0]?.email : last[scanned]) ?? NO_MATCH;
            for (const value of [NO_MATCH, late]) {
              const found: string[] = [];
              let after: string | null = null;
              let exhausted = 0;
              for (let round = 0; round < 1000; round++) {
                const res = await query({ [scanned]: value }, 10, after, g);
                const ext = res.body.errors?.[0]?.extensions;
                if (ext) {
                  expect(ext).toMatchObject({ code: 'FILTER_SCAN_EXHAUSTED', provider: slug, filter: scanned });
                  expect(res.body.errors![0].message).toContain(`filters.${scanned}`);
                  after = ext.after;
                  exhausted++;
                  continue;
                }
                const conn = res.body.data.users;
                if (!conn.edges.length) expect(conn.pageInfo.hasNextPage).toBe(false);
                found.push(...conn.edges.map((e: any) => e.node.remoteId));
                if (!conn.pageInfo.hasNextPage) break;
                after = conn.pageInfo.endCursor;
              }
              expect(exhausted, 'the budget ran out at least once').toBeGreaterThan(0);
              const matches = (u: UnifiedUser) =>
                scanned === 'email' ? emailsOf(u).includes(ci(value)) : scanned === 'username' ? ci(u.username ?? '') === ci(value) : ci(u[scanned] ?? '').includes(ci(value));
              const wanted = expected.filter(matches).map((u) => u.remoteId);
              expect(found, String(value)).toEqual(wanted);
            }
          } finally {
            await g.close();
          }
        });
      }
    });

    it('never puts a credential into a response or a log line', () => {
      const secrets = secretsOf(opts.sandbox.demoAccount(sandbox.url).credentials).filter((s) => s.length >= 8);
      expect(secrets.length).toBeGreaterThan(0);
      expect(secrets.filter((s) => transcript.some((t) => t.includes(s)))).toEqual([]);
    });
  });
}
