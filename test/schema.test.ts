// The schema's shape as clients meet it: partial results (an error stays on its own field), the User
// interface across every provider, and integratedAccounts. Real sandboxes, the gateway through yoga.fetch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT_TOKEN, startGateway, type Harness, type TestAccount } from './helpers.js';
import { startSandbox, type Sandbox, type SandboxReply } from '../src/providers/engine/sandbox-kit.js';
import { oktaDataset, OKTA_SANDBOX_TOKEN, startOktaSandbox } from '../src/providers/okta/sandbox.js';
import { SANDBOXES } from '../src/providers/sandboxes.js';
import { PROVIDERS, providerBySlug } from '../src/providers/registry.js';
import { schema } from '../src/schema/index.js';
import { USER_TYPE_NAME } from '../src/schema/users.js';
import type { GraphQLObjectType } from 'graphql';

const creds = { apiToken: OKTA_SANDBOX_TOKEN };
const listed = oktaDataset().filter((u) => u.status !== 'DEPROVISIONED');
const SHARED = 'id remoteId name firstName lastName emails { email } status remoteStatus createdAt updatedAt remoteData integratedAccount { id provider }';

let okta: Sandbox;
let h: Harness;
const started: Sandbox[] = [];
const everyProvider: TestAccount[] = [];

beforeAll(async () => {
  okta = await startOktaSandbox();
  for (const s of SANDBOXES) {
    const sandbox = await s.start();
    started.push(sandbox);
    everyProvider.push({ id: `every-${s.slug}`, provider: s.slug, ...s.demoAccount(sandbox.url) });
  }
  h = startGateway([
    { id: 'okta-a', provider: 'okta', context: { baseUrl: okta.url }, credentials: creds, displayName: 'Acme staff directory' } as TestAccount,
    { id: 'okta-b', provider: 'okta', context: { baseUrl: okta.url }, credentials: creds },
    { id: 'okta-globex', provider: 'okta', context: { baseUrl: okta.url }, credentials: creds, tenant: 'globex' },
    ...everyProvider,
  ]);
});
afterAll(async () => {
  await h.close();
  await okta.close();
  await Promise.all(started.map((s) => s.close()));
});

const usersOf = (alias: string, account: string, extra = '') =>
  `${alias}: users(category: USER_DIRECTORY, integratedAccountId: "${account}", first: 2) { edges { node { ... on User { remoteId } } } ${extra} }`;

describe('partial results', () => {
  it('answers the other aliases when one account id has a typo, with the error at the typo\'s path', async () => {
    const res = await h.query(`{ ${usersOf('a', 'okta-a', 'debug { status }')} ${usersOf('typo', 'okta-aa')} ${usersOf('b', 'okta-b')} providers { slug } }`);
    expect(res.body.data!.a.edges.map((e: any) => e.node.remoteId)).toEqual(listed.slice(0, 2).map((u) => u.id));
    expect(res.body.data!.a.debug).toEqual([{ status: 200 }]);
    expect(res.body.data!.b.edges).toHaveLength(2);
    expect(res.body.data!.typo).toBeNull();
    expect(res.body.data!.providers.length).toBe(PROVIDERS.length);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0]).toMatchObject({ path: ['typo'], extensions: { code: 'INTEGRATED_ACCOUNT_NOT_FOUND' } });
  });

  it('keeps the other accounts when Jira lacks its required collectionId', async () => {
    const res = await h.query(`{ jira: users(category: TICKETING, integratedAccountId: "every-jira") { edges { cursor } } ${usersOf('okta', 'okta-a')} }`);
    expect(res.body.data!.jira).toBeNull();
    expect(res.body.data!.okta.edges).toHaveLength(2);
    expect(res.body.errors![0]).toMatchObject({ path: ['jira'], extensions: { code: 'MISSING_REQUIRED_FILTER', filter: 'collectionId' } });
  });

  it('answers nodes with null at a malformed id\'s index, its own error there, and the other users', async () => {
    const page = await h.query(`{ users(category: USER_DIRECTORY, integratedAccountId: "okta-a", first: 2) { edges { node { id } } } }`);
    const [first, second] = page.body.data!.users.edges.map((e: any) => e.node.id);
    const res = await h.query(`query($ids: [ID!]!) { nodes(ids: $ids) { id ... on User { remoteId } } }`, { ids: [first, '%%%not-an-id', second] });
    expect(res.body.data!.nodes).toEqual([{ id: first, remoteId: listed[0]!.id }, null, { id: second, remoteId: listed[1]!.id }]);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0]).toMatchObject({ path: ['nodes', 1], extensions: { code: 'BAD_USER_INPUT' } });
    const tooMany = await h.query(`query($ids: [ID!]!) { nodes(ids: $ids) { id } providers { slug } }`, { ids: Array.from({ length: 101 }, () => first) });
    expect(tooMany.body.data).toMatchObject({ nodes: null, providers: expect.any(Array) });
    expect(tooMany.body.errors![0]).toMatchObject({ path: ['nodes'], extensions: { code: 'BAD_USER_INPUT' } });
  });

  it("nulls only the ids of an account whose upstream fails, with that account's error", async () => {
    const broken = await startSandbox({
      name: 'okta-down',
      authenticate: () => true,
      unauthorized: { status: 401 },
      notFound: { status: 404 },
      routes: [{ method: 'GET', path: /^\/api\/v1\/users\/[^/]+$/, handle: () => ({ status: 500, body: { errorCode: 'E0000009', errorSummary: 'Internal Server Error' } }) }],
    });
    const g = startGateway([
      { id: 'okta-ok', provider: 'okta', context: { baseUrl: okta.url }, credentials: creds },
      { id: 'okta-down', provider: 'okta', context: { baseUrl: broken.url }, credentials: creds },
    ]);
    const id = (account: string, remoteId: string) => Buffer.from(`DirectoryUser:${account}:${remoteId}`).toString('base64url');
    const res = await g.query(`query($ids: [ID!]!, $one: ID!) { nodes(ids: $ids) { ... on User { remoteId } } node(id: $one) { id } }`, {
      ids: [id('okta-ok', listed[0]!.id), id('okta-down', listed[1]!.id), id('okta-ok', listed[2]!.id)],
      one: id('okta-down', listed[3]!.id),
    });
    expect(res.body.data).toEqual({ nodes: [{ remoteId: listed[0]!.id }, null, { remoteId: listed[2]!.id }], node: null });
    expect(res.body.errors!.map((e: any) => [e.path, e.extensions.code]).sort()).toEqual([[['node'], 'UPSTREAM_UNAVAILABLE'], [['nodes', 1], 'UPSTREAM_UNAVAILABLE']]);
    await g.close();
    await broken.close();
  });

  it('gives a users field that fails after upstream calls the redacted calls its debug would have shown, only when it selected debug', async () => {
    // Page 1 answers (and echoes the token in a header), page 2 fails with a body that echoes it again.
    const flaky = await startSandbox({
      name: 'okta-flaky',
      authenticate: (req) => req.headers.authorization === `SSWS ${OKTA_SANDBOX_TOKEN}`,
      unauthorized: { status: 401 },
      notFound: { status: 404 },
      routes: [
        {
          method: 'GET',
          path: /^\/api\/v1\/users$/,
          handle: (req): SandboxReply =>
            req.query.get('after')
              ? { status: 500, headers: { 'x-request-id': `req-${OKTA_SANDBOX_TOKEN}` }, body: { errorCode: 'E0000009', errorSummary: `Internal error for SSWS ${OKTA_SANDBOX_TOKEN}` } }
              : { body: listed.slice(0, 2), headers: { link: `<${req.origin}/api/v1/users?after=${listed[1]!.id}&limit=200>; rel="next"`, 'x-request-id': `req-${OKTA_SANDBOX_TOKEN}` } },
        },
      ],
    });
    const g = startGateway([{ id: 'flaky', provider: 'okta', context: { baseUrl: flaky.url }, credentials: creds }]);
    const q = (debug: string) => `{ users(category: USER_DIRECTORY, integratedAccountId: "flaky", first: 5, filters: { name: "zzz-nobody" }, remoteQuery: { token: "x-secret-value" }) { edges { cursor } ${debug} } }`;
    const res = await g.query(q('debug { url status }'));
    expect(res.body.data).toEqual({ users: null });
    const err = res.body.errors![0];
    expect(err).toMatchObject({ path: ['users'], extensions: { code: 'UPSTREAM_UNAVAILABLE', provider: 'okta', upstreamStatus: 500 } });
    const calls = err.extensions.upstreamCalls;
    expect(calls.map((c: any) => [c.method, c.status, c.resultCount])).toEqual([['GET', 200, 2], ['GET', 500, null]]);
    expect(calls[1].url).toContain(`after=${listed[1]!.id}`);
    expect(calls[0].url).toContain('token=%5BREDACTED%5D');
    expect(calls[0].responseHeaders).toContainEqual({ name: 'x-request-id', value: 'req-[REDACTED]' });
    expect(res.text).not.toContain(OKTA_SANDBOX_TOKEN);
    expect(res.text).not.toContain('x-secret-value');
    const quiet = await g.query(q(''));
    expect(quiet.body.errors![0].extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(quiet.body.errors![0].extensions.upstreamCalls).toBeUndefined();
    await g.close();
    await flaky.close();
  });
});

describe('the User interface', () => {
  it('is implemented by every category type and is the type of users edges, with the shared fields', () => {
    const user = schema.getType('User')!;
    expect(user.constructor.name).toBe('GraphQLInterfaceType');
    expect(schema.getPossibleTypes(user as never).map((t) => t.name).sort()).toEqual(Object.values(USER_TYPE_NAME).sort());
    const shared = ['id', 'remoteId', 'name', 'firstName', 'lastName', 'emails', 'status', 'remoteStatus', 'createdAt', 'updatedAt', 'remoteData', 'integratedAccount'];
    expect(Object.keys((user as GraphQLObjectType).getFields())).toEqual(expect.arrayContaining(shared));
    expect(String((schema.getType('UserEdge') as GraphQLObjectType).getFields().node!.type)).toBe('User!');
  });

  it('lists and looks up the users of every provider through `... on User` alone', async () => {
    for (const s of SANDBOXES) {
      const def = providerBySlug(s.slug)!;
      const res = await h.query(`query($c: Category!, $a: ID!, $f: UserFilter) { users(category: $c, integratedAccountId: $a, first: 2, filters: $f) { edges { node { __typename ... on User { ${SHARED} } } } } }`, {
        c: def.category,
        a: `every-${s.slug}`,
        f: s.demoFilters ?? null,
      });
      expect(res.body.errors, s.slug).toBeUndefined();
      const nodes = res.body.data!.users.edges.map((e: any) => e.node);
      expect(nodes, s.slug).toHaveLength(2);
      for (const n of nodes) {
        expect(n.__typename).toBe(USER_TYPE_NAME[def.category]);
        expect(n.integratedAccount).toEqual({ id: `every-${s.slug}`, provider: s.slug });
        expect(n.remoteData).toBeTypeOf('object');
      }
      const node = await h.query(`query($id: ID!) { node(id: $id) { id ... on User { name emails { email } integratedAccount { id } } } }`, { id: nodes[0].id });
      expect(node.body.errors, s.slug).toBeUndefined();
      expect(node.body.data!.node, s.slug).toEqual({ id: nodes[0].id, name: nodes[0].name, emails: nodes[0].emails, integratedAccount: { id: `every-${s.slug}` } });
    }
  });

  it('gives ticketing users a unified status that agrees with isActive, from every ticketing provider', async () => {
    for (const def of PROVIDERS.filter((p) => p.categories.includes('TICKETING'))) {
      const s = SANDBOXES.find((x) => x.slug === def.slug)!;
      const res = await h.query(`query($a: ID!, $f: UserFilter) { users(category: TICKETING, integratedAccountId: $a, first: 100, filters: $f) { edges { node { ... on TicketingUser { status remoteStatus isActive } } } } }`, {
        a: `every-${def.slug}`,
        f: s.demoFilters ?? null,
      });
      const nodes = res.body.data!.users.edges.map((e: any) => e.node);
      expect(nodes.length, def.slug).toBeGreaterThan(0);
      for (const n of nodes) {
        if (n.isActive !== null) expect(n.status, def.slug).not.toBeNull();
        if (n.status !== null && n.isActive !== null) expect(n.isActive, `${def.slug} ${JSON.stringify(n)}`).toBe(n.status === 'ACTIVE');
      }
      expect(def.fields, def.slug).toEqual(expect.arrayContaining(['status', 'remoteStatus']));
    }
  });

  it('lets every filter that names a user field be selected on the provider\'s type, and the provider advertises it', () => {
    for (const def of PROVIDERS) {
      for (const category of def.categories) {
      const type = schema.getType(USER_TYPE_NAME[category]) as GraphQLObjectType;
      for (const name of ['status', 'userType', 'username'] as const) {
        if (!def.lists[category]!.filters[name]) continue;
        expect(type.getFields()[name], `${type.name}.${name} (filter of ${def.slug})`).toBeDefined();
        expect(def.fields, `${def.slug} fields`).toContain(name);
      }
      }
    }
  });
});

describe('integratedAccounts', () => {
  const Q = `query($c: Category) { integratedAccounts(category: $c) { id provider displayName categories requiredFilters contextKeys supportedFilters { name required } } }`;

  it("lists the caller's own accounts only, with provider, categories, required filters and context key names", async () => {
    const res = await h.query(Q);
    expect(res.body.errors).toBeUndefined();
    const accounts = res.body.data!.integratedAccounts;
    expect(accounts.map((a: any) => a.id)).toEqual(['okta-a', 'okta-b', ...everyProvider.map((a) => a.id)]);
    expect(accounts[0]).toMatchObject({ id: 'okta-a', provider: 'okta', displayName: 'Acme staff directory', categories: ['USER_DIRECTORY'], requiredFilters: [], contextKeys: ['baseUrl'] });
    expect(accounts[1].displayName).toBe('Okta');
    const jira = accounts.find((a: any) => a.provider === 'jira');
    expect(jira.requiredFilters).toEqual(['collectionId']);
    expect(jira.supportedFilters).toContainEqual({ name: 'collectionId', required: true });
    expect(accounts.find((a: any) => a.provider === 'zendesk').contextKeys).toEqual(['baseUrl', 'subdomain']);
    const ticketing = await h.query(Q, { c: 'TICKETING' });
    expect(ticketing.body.data!.integratedAccounts.map((a: any) => a.provider).sort()).toEqual(PROVIDERS.filter((p) => p.categories.includes('TICKETING')).map((p) => p.slug).sort());
    const other = await h.query(Q, {}, OTHER_TENANT_TOKEN);
    expect(other.body.data!.integratedAccounts.map((a: any) => a.id)).toEqual(['okta-globex']);
  });

  it('never exposes credentials or context values, not even as a field to select', async () => {
    const res = await h.query(Q);
    for (const a of everyProvider) for (const secret of Object.values(a.credentials)) expect(res.text).not.toContain(secret);
    expect(res.text).not.toContain(okta.url);
    const fields = Object.keys((schema.getType('IntegratedAccount') as GraphQLObjectType).getFields());
    expect(fields.filter((f) => /credential|secret|token|password|key$/i.test(f))).toEqual([]);
  });
});
