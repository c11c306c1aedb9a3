// The lookup vocabulary: `lists.<category>.values` (the values a filter takes), `enrich` (fields filled by a
// second call), and the engine's reading of a 404 on a scoped endpoint as an unknown filter value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, type Account } from '../engine.js';
import { GatewayError } from '../errors.js';
import { UpstreamClient } from '../http.js';
import { startSandbox, type Sandbox } from '../sandbox-kit.js';
import type { ProviderDefinition } from '../types.js';
import { defineProvider, ProviderSpecError, validateSpec } from './index.js';
import type { ProviderSpec } from './types.js';

const TOKEN = 'lookup-vocab-token-0123456789';
const TEAMS = Array.from({ length: 7 }, (_, i) => ({ id: `t${i + 1}`, profile: { label: `Team ${i + 1}` } }));
const USERS = [{ id: 'u1', org: 'o1' }, { id: 'u2', org: 'o2' }, { id: 'u3', org: 'o9' }];

let sandbox: Sandbox;
let engine: Engine;
/** Answers the next matching batch sub-requests instead of the route (per user id in the URL). */
const subFaults: { user: string; status: number; headers?: Record<string, string>; message?: string; times: number }[] = [];
beforeAll(async () => {
  sandbox = await startSandbox({
    name: 'lookups',
    authenticate: (req) => req.headers.authorization === `Bearer ${TOKEN}`,
    unauthorized: { status: 401, body: { message: 'bad token' } },
    notFound: { status: 404, body: { message: 'not found' } },
    routes: [
      { method: 'GET', path: /^\/users$/, handle: () => ({ body: USERS }) },
      { method: 'GET', path: /^\/teams\/(t\d+)\/users$/, handle: () => ({ body: USERS.slice(0, 1) }) },
      { method: 'GET', path: /^\/teams$/, handle: (req) => {
        const from = Number(req.query.get('offset') ?? 0);
        const size = Number(req.query.get('limit') ?? 3);
        return { body: { items: TEAMS.slice(from, from + size) } };
      } },
      { method: 'GET', path: /^\/orgs$/, handle: (req) => ({ body: { orgs: (req.query.get('ids') ?? '').split(',').filter((id) => id !== 'o9').map((id) => ({ id, title: `Org ${id}` })) } }) },
      { method: 'GET', path: /^\/users\/(u\d)\/teams$/, handle: (_req, [id]) => ({ body: id === 'u2' ? [] : TEAMS.slice(0, 2) }) },
      { method: 'POST', path: /^\/v2\/\$batch$/, handle: (req) => {
        // Sub-responses in reverse order (the format allows any): the engine must match them by id.
        const responses = (req.body.requests as { id: string; method: string; url: string }[]).map((r) => {
          const fault = subFaults.find((f) => r.url.includes(f.user) && f.times-- > 0);
          if (fault) return { id: r.id, status: fault.status, headers: fault.headers ?? {}, body: { error: { code: 'x', message: fault.message ?? `sub ${fault.status}` } } };
          const m = /^\/users\/(u\d+)\/teams\?limit=5$/.exec(r.url);
          if (r.method !== 'GET' || !m) return { id: r.id, status: 400, body: { error: { message: `bad url ${r.url}` } } };
          const n = Number(m[1]!.slice(1));
          return { id: r.id, status: 200, headers: { 'content-type': 'application/json' }, body: { value: TEAMS.slice(0, n % 3) } };
        });
        return { body: { responses: responses.reverse() } };
      } },
    ],
  });
  const client = new UpstreamClient({ allowPrivateUpstreams: true, connectTimeoutMs: 2000, headersTimeoutMs: 2000, bodyTimeoutMs: 2000, connectionsPerOrigin: 4, retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 10, maxTotalMs: 500 } });
  engine = new Engine(client, 'lookup-vocab-cursor-secret-0123', { maxScan: 1000, maxJoinPages: 20, maxPages: 50, joinCacheMs: 0 });
});
afterAll(async () => {
  await engine.client.close();
  await sandbox.close();
});

const SPEC: ProviderSpec = {
  slug: 'lookup-test',
  displayName: 'Lookup test',
  docsUrl: 'https://lookup.test/docs',
  auth: { kind: 'bearer', key: 'accessToken', description: 'a token' },
  lists: {
    USER_DIRECTORY: {
      path: '/users',
      records: '',
      paginator: { kind: 'none' },
      filters: { groupId: { endpoint: '/teams/{value}/users' }, status: { engine: true }, name: { engine: true } },
      values: { groupId: { path: '/teams', records: 'items', paginator: { kind: 'offset', offsetParam: 'offset', limitParam: 'limit', max: 3 }, id: 'id', name: 'profile.label' } },
    },
  },
  enrich: {
    organizations: { by: 'ids', path: '/orgs', query: { ids: '{ids}' }, idsJoin: ',', records: 'orgs', id: 'id', name: 'title', maxBatch: 2 },
    groups: { by: 'user', path: '/users/{id}/teams', records: '', id: 'id', name: 'profile.label' },
  },
  fields: ['organizations', 'groups'],
  map: (u: any) => ({ remoteId: u.id, organizations: [{ id: u.org }] }),
};
const def: ProviderDefinition = defineProvider(SPEC);
const account: () => Account = () => ({ id: 'acct', tenant: 't', provider: 'lookup-test', context: { baseUrl: sandbox.url }, credentials: { accessToken: TOKEN } });

describe('filter values vocabulary', () => {
  it('pages a filter\'s values with the spec\'s paginator and signed cursors, reading id and name by dot paths', async () => {
    const ids: string[] = [];
    const names: (string | null)[] = [];
    let after: string | null = null;
    for (let n = 0; n < 10; n++) {
      const res = await engine.scope().lookups.values(account(), def, { filter: 'groupId', first: 2, after });
      ids.push(...res.edges.map((e) => e.node.id));
      names.push(...res.edges.map((e) => e.node.name));
      if (!res.hasNextPage) break;
      after = res.endCursor;
    }
    expect(ids).toEqual(TEAMS.map((t) => t.id));
    expect(names[0]).toBe('Team 1');
    const other = engine.scope().lookups.values({ ...account(), id: 'other' }, def, { filter: 'groupId', first: 2, after });
    await expect(other).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('lists an enum filter from its enum, refuses a filter without listable values, and names a non-filter', async () => {
    const res = await engine.scope().lookups.values(account(), def, { filter: 'status', first: 10 });
    expect(res.edges.map((e) => e.node.id)).toEqual(['ACTIVE', 'INACTIVE', 'DELETED', 'INVITED']);
    await expect(engine.scope().lookups.values(account(), def, { filter: 'name', first: 10 })).rejects.toMatchObject({ code: 'UNSUPPORTED_FILTER', extensions: { filter: 'name' } });
    await expect(engine.scope().lookups.values(account(), def, { filter: 'teamId', first: 10 })).rejects.toMatchObject({ code: 'UNSUPPORTED_FILTER' });
    await expect(engine.scope().lookups.values(account(), def, { filter: 'nope', first: 10 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('refuses at start a values list for a filter the list does not serve, and a values spec without an id path', () => {
    const bad = { ...SPEC, lists: { USER_DIRECTORY: { ...SPEC.lists.USER_DIRECTORY!, values: { teamId: SPEC.lists.USER_DIRECTORY!.values!.groupId! } } } };
    expect(() => defineProvider(bad)).toThrow(ProviderSpecError);
    expect(() => defineProvider(bad)).toThrow(/values\.teamId/);
    const noId = { ...SPEC, lists: { USER_DIRECTORY: { ...SPEC.lists.USER_DIRECTORY!, values: { groupId: { ...SPEC.lists.USER_DIRECTORY!.values!.groupId!, id: '' } } } } };
    expect(() => validateSpec(noId)).toThrow(ProviderSpecError);
  });
});

describe('scoped endpoints', () => {
  it('reads a 404 on the endpoint a filter chose as BAD_USER_INPUT naming the filter and how to list values', async () => {
    const err = await engine.scope().list(account(), def, { first: 5, filter: { groupId: 'everyone' } }).catch((e) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect(err.extensions).toMatchObject({ code: 'BAD_USER_INPUT', filter: 'groupId', provider: 'lookup-test', upstreamStatus: 404 });
    expect(err.message).toContain('filterValues(integratedAccountId: "acct", filter: "groupId")');
    const ok = await engine.scope().list(account(), def, { first: 5, filter: { groupId: 't1' } });
    expect(ok.edges.map((e) => e.node.remoteId)).toEqual(['u1']);
  });
});

describe('enrich vocabulary', () => {
  it('batches names for carried ids in chunks of maxBatch, one call per chunk, null for an unknown id', async () => {
    const scope = engine.scope();
    const before = sandbox.requests.length;
    const names = await Promise.all(['o1', 'o2', 'o9'].map((id) => scope.lookups.refName(account(), def, 'organizations', id)));
    expect(names).toEqual(['Org o1', 'Org o2', null]);
    const calls = sandbox.requests.slice(before);
    expect(calls.map((r) => r.query.get('ids'))).toEqual(['o1,o2', 'o9']);
  });

  it('lists per user, once per user and request, and answers nothing for a field the provider does not enrich', async () => {
    const scope = engine.scope();
    const before = sandbox.requests.length;
    const [a, b, again] = await Promise.all([scope.lookups.refsOf(account(), def, 'groups', 'u1'), scope.lookups.refsOf(account(), def, 'groups', 'u2'), scope.lookups.refsOf(account(), def, 'groups', 'u1')]);
    expect(a).toEqual([{ id: 't1', name: 'Team 1' }, { id: 't2', name: 'Team 2' }]);
    expect(b).toEqual([]);
    expect(again).toEqual(a);
    expect(sandbox.requests.slice(before).map((r) => r.path).sort()).toEqual(['/users/u1/teams', '/users/u2/teams']);
    expect(await scope.lookups.refName(account(), def, 'organization', 'o1')).toBeNull();
  });

  it('refuses an enrich spec for a field it cannot fill, and a by:ids lookup without maxBatch', () => {
    expect(() => validateSpec({ ...SPEC, enrich: { roles: SPEC.enrich!.groups } })).toThrow(ProviderSpecError);
    const { maxBatch: _m, ...noBatch } = SPEC.enrich!.organizations as any;
    expect(() => validateSpec({ ...SPEC, enrich: { organizations: noBatch } })).toThrow(/maxBatch/);
  });
});

describe('json-batch enrich vocabulary', () => {
  const batchDef = defineProvider({
    ...SPEC,
    slug: 'batch-test',
    enrich: { groups: { by: 'json-batch', path: '/v2/users/{id}/teams', query: { limit: '5' }, batch: { path: '/v2/$batch', max: 2 }, records: 'value', id: 'id', name: 'profile.label' } },
  });
  const batches = (from: number) => sandbox.requests.slice(from).filter((r) => r.path === '/v2/$batch');
  const load = (scope: ReturnType<Engine['scope']>, ids: string[]) => Promise.all(ids.map((id) => scope.lookups.refsOf(account(), batchDef, 'groups', id).catch((e: GatewayError) => e)));

  it('sends max per-user GETs per POST, URLs relative to the batch folder, and matches answers by id', async () => {
    const before = sandbox.requests.length;
    const got = await load(engine.scope(), ['u1', 'u2', 'u3', 'u4', 'u5']);
    const sent = batches(before);
    expect(sent).toHaveLength(3);
    expect(sent[0]!.body).toEqual({ requests: [{ id: '1', method: 'GET', url: '/users/u1/teams?limit=5' }, { id: '2', method: 'GET', url: '/users/u2/teams?limit=5' }] });
    expect(sent[0]!.headers['content-type']).toBe('application/json');
    expect(got).toEqual([1, 2, 0, 1, 2].map((n) => TEAMS.slice(0, n).map((t) => ({ id: t.id, name: t.profile.label }))));
  });

  it('sends a throttled sub-request again after its Retry-After, reads a 404 as no groups, and fails only the user whose lookup failed', async () => {
    subFaults.push({ user: 'u1', status: 429, headers: { 'Retry-After': '0' }, times: 1 }, { user: 'u2', status: 404, times: 1 }, { user: 'u4', status: 500, times: 1 });
    const before = sandbox.requests.length;
    const [u1, u2, u4, u5] = await load(engine.scope(), ['u1', 'u2', 'u4', 'u5']);
    expect(u1).toEqual([{ id: 't1', name: 'Team 1' }]);
    expect(u2).toEqual([]);
    expect(u4).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', extensions: { provider: 'batch-test', upstreamStatus: 500 } });
    expect((u4 as GatewayError).message).toContain('sub 500');
    expect(u5).toEqual(TEAMS.slice(0, 2).map((t) => ({ id: t.id, name: t.profile.label })));
    const sent = batches(before);
    expect(sent.map((r) => r.body.requests.map((q: any) => q.url.split('/')[2]))).toEqual([['u1', 'u2'], ['u4', 'u5'], ['u1']]);
  });

  it('reports a sub-request asked to wait long as UPSTREAM_RATE_LIMITED with retryAfter, without waiting', async () => {
    subFaults.push({ user: 'u3', status: 429, headers: { 'retry-after': '120' }, times: 1 });
    const [u3, u4] = await load(engine.scope(), ['u3', 'u4']);
    expect(u3).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', extensions: { retryAfter: 120, upstreamStatus: 429 } });
    expect(u4).toEqual([{ id: 't1', name: 'Team 1' }]);
    subFaults.splice(0);
  });

  it('never puts a credential a sub-response echoes into the error', async () => {
    subFaults.push({ user: 'u5', status: 400, message: `bad token ${TOKEN}`, times: 1 });
    const [u5] = await load(engine.scope(), ['u5']);
    expect(u5).toMatchObject({ code: 'UPSTREAM_BAD_REQUEST' });
    expect((u5 as GatewayError).message).not.toContain(TOKEN);
    expect((u5 as GatewayError).message).toContain('bad token');
  });

  it('refuses a json-batch lookup that is not a GET, or a batch larger than 100', () => {
    const groups = (more: object) => ({ ...SPEC, enrich: { groups: { by: 'json-batch', path: '/u/{id}/g', records: 'value', id: 'id', name: 'name', batch: { path: '/$batch', max: 20 }, ...more } } });
    expect(() => validateSpec(groups({}))).not.toThrow();
    expect(() => validateSpec(groups({ method: 'POST' }))).toThrow(/GET sub-requests/);
    expect(() => validateSpec(groups({ batch: { path: '/$batch', max: 101 } }))).toThrow(ProviderSpecError);
  });
});
