// Declarative maps: paths, constants and JSONata expressions, evaluated by the engine a page at a time
// (JSONata is asynchronous; the mapping step is not), coerced to the unified fields' kinds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, type Account } from '../engine.js';
import { GatewayError } from '../errors.js';
import { UpstreamClient } from '../http.js';
import { startSandbox, type Sandbox } from '../sandbox-kit.js';
import { compileProvider, defineProvider, ProviderSpecError, validateSpec } from './index.js';
import { mapRecords } from './declarative.js';
import type { DeclarativeMap, ProviderSpec } from './types.js';

const TOKEN = 'declarative-token-0123456789';
const RECORDS = Array.from({ length: 5 }, (_, i) => ({
  id: 100 + i,
  state: i % 2 ? 'enabled' : 'disabled',
  person: { given: `Ada${i}`, family: i === 3 ? null : `Lovelace${i}` },
  mail: [`ada${i}@acme.test`, ...(i === 1 ? [`ada${i}@home.test`] : [])],
  joined: i === 4 ? 'not a date' : `2024-0${i + 1}-02T03:04:05Z`,
}));

let sandbox: Sandbox;
let engine: Engine;
beforeAll(async () => {
  sandbox = await startSandbox({
    name: 'declarative',
    routes: [
      { method: 'GET', path: /^\/people$/, handle: (req) => {
        const from = Number(req.query.get('offset') ?? 0);
        const size = Number(req.query.get('limit') ?? 2);
        return { body: { items: RECORDS.slice(from, from + size) } };
      } },
      { method: 'GET', path: /^\/people\/(\d+)$/, handle: (_req, [id]) => {
        const r = RECORDS.find((x) => String(x.id) === id);
        return r ? { body: r } : { status: 404, body: { message: 'no such person' } };
      } },
    ],
    authenticate: (req) => req.headers.authorization === `Bearer ${TOKEN}`,
    unauthorized: { status: 401, body: { message: 'bad token' } },
    notFound: { status: 404, body: { message: 'not found' } },
  });
  const client = new UpstreamClient({ allowPrivateUpstreams: true, connectTimeoutMs: 2000, headersTimeoutMs: 2000, bodyTimeoutMs: 2000, connectionsPerOrigin: 4, retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 10, maxTotalMs: 1000 } });
  engine = new Engine(client, 'declarative-cursor-secret-0123', { maxScan: 1000, maxJoinPages: 20, maxPages: 50, joinCacheMs: 0 });
});
afterAll(async () => {
  await engine.client.close();
  await sandbox.close();
});

const MAP: DeclarativeMap = {
  remoteId: 'id',
  firstName: 'person.given',
  lastName: 'person.family',
  name: { jsonata: '$join([person.given, person.family][$type($) = "string"], " ")' },
  emails: { jsonata: 'mail.{ "email": $, "isPrimary": $ = %.mail[0] }' },
  status: { jsonata: '$lookup({ "enabled": "ACTIVE", "disabled": "INACTIVE" }, state)' },
  remoteStatus: 'state',
  userType: { value: 'USER' },
  createdAt: 'joined',
};
const spec = (map: DeclarativeMap = MAP): ProviderSpec => ({
  slug: 'people-hr',
  displayName: 'People HR',
  docsUrl: 'https://people.test/docs',
  auth: { kind: 'bearer', key: 'accessToken', description: 'a token' },
  lists: { USER_DIRECTORY: { path: '/people', records: 'items', paginator: { kind: 'offset', offsetParam: 'offset', limitParam: 'limit', max: 2 }, filters: { status: { engine: true } } } },
  byId: { path: '/people/{id}' },
  fields: ['name', 'firstName', 'lastName', 'emails', 'status', 'remoteStatus', 'userType', 'createdAt'],
  map,
});
const account: Account = { id: 'people', tenant: 't', provider: 'people-hr', context: { baseUrl: 'http://placeholder' }, credentials: { accessToken: TOKEN } };
const acct = () => ({ ...account, context: { baseUrl: sandbox.url } });

describe('declarative maps', () => {
  it('evaluates JSONata fields page by page while the engine pages, beside paths and constants', async () => {
    const def = compileProvider(spec());
    const users = [];
    let after: string | null = null;
    for (let n = 0; n < 10; n++) {
      const res = await engine.scope().list(acct(), def, { first: 2, after, filter: {} });
      users.push(...res.edges.map((e) => e.node));
      if (!res.hasNextPage) break;
      after = res.endCursor;
    }
    expect(users.map((u) => u.remoteId)).toEqual(['100', '101', '102', '103', '104']);
    expect(users[1]).toMatchObject({
      name: 'Ada1 Lovelace1', firstName: 'Ada1', lastName: 'Lovelace1', status: 'ACTIVE', remoteStatus: 'enabled', userType: 'USER', createdAt: '2024-02-02T03:04:05.000Z',
      emails: [{ email: 'ada1@acme.test', isPrimary: true }, { email: 'ada1@home.test', isPrimary: false }],
    });
    expect(users[3]).toMatchObject({ name: 'Ada3', lastName: null });
    expect(users[4]!.createdAt).toBeNull();
    expect(users[0]!.remoteData).toEqual(RECORDS[0]);
  });

  it('filters in the engine on a field a JSONata expression computed', async () => {
    const res = await engine.scope().list(acct(), compileProvider(spec()), { first: 10, filter: { status: 'ACTIVE' } });
    expect(res.edges.map((e) => e.node.remoteId)).toEqual(['101', '103']);
  });

  it('evaluates JSONata on a record loaded by id (node lookups)', async () => {
    const [user, missing] = await engine.scope().byIds(acct(), compileProvider(spec()), ['102', '999']);
    expect(user).toMatchObject({ remoteId: '102', name: 'Ada2 Lovelace2', status: 'INACTIVE' });
    expect(missing).toBeNull();
  });

  it('turns a one-item JSONata sequence into a list, and drops values of the wrong kind', async () => {
    const def = compileProvider(spec({ remoteId: 'id', emails: { jsonata: '{ "email": mail[0] }' }, status: { jsonata: '"SOMETHING"' }, languages: { jsonata: '"fr"' }, phones: { jsonata: '[{ "number": 42 }, { "type": "no number" }]' } }));
    const [u] = await mapRecords(def, [RECORDS[0]]);
    expect(u).toEqual({ remoteId: '100', emails: [{ email: 'ada0@acme.test' }], status: null, languages: ['fr'], phones: [{ number: '42' }] });
  });

  it('leaves out a field whose JSONata expression yields nothing, while a missing path reads as null', async () => {
    const def = compileProvider(spec({ remoteId: 'id', avatar: { jsonata: 'no_such_key' }, bio: 'no.such.path', title: { jsonata: 'person.given' } }));
    const [u] = await mapRecords(def, [RECORDS[0]]);
    expect(u).toEqual({ remoteId: '100', bio: null, title: 'Ada0' });
  });

  it('built-in TS mappers get no page preparation: their mapping stays synchronous', () => {
    expect(defineProvider({ ...spec(), map: (r: any) => ({ remoteId: String(r.id) }) }).preparePage).toBeUndefined();
    expect(compileProvider(spec({ remoteId: 'id', name: 'person.given' })).preparePage).toBeUndefined();
    expect(compileProvider(spec()).preparePage).toBeTypeOf('function');
  });

  it('refuses a malformed JSONata expression when the spec compiles, naming the field', () => {
    expect(() => compileProvider(spec({ remoteId: 'id', name: { jsonata: 'person.(given' } }))).toThrow(ProviderSpecError);
    expect(() => compileProvider(spec({ remoteId: 'id', name: { jsonata: 'person.(given' } }))).toThrow(/map\.name\.jsonata: not a valid JSONata expression/);
  });

  it('reports an expression failing on a record as UPSTREAM_BAD_RESPONSE naming the field, not a crash', async () => {
    const def = compileProvider(spec({ remoteId: 'id', name: { jsonata: '$uppercase(id)' } }));
    const err = await engine.scope().list(acct(), def, { first: 2, filter: {} }).catch((e) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect(err.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(err.message).toContain('map.name');
  });

  it('refuses, in a data spec, a map key that is not a unified field and a map without remoteId', () => {
    expect(() => validateSpec({ ...spec(), map: { remoteId: 'id', fullName: 'name' } }, 'data')).toThrow(/map\.fullName/);
    expect(() => validateSpec({ ...spec(), fields: ['fullName'] }, 'data')).toThrow(/fields\.0/);
    expect(() => compileProvider(spec({ name: 'person.given' }))).toThrow(/map\.remoteId/);
  });
});
