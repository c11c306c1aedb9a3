import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProviderConformance } from '../../../test/conformance.js';
import { startGateway, walk, type Harness } from '../../../test/helpers.js';
import type { Sandbox } from '../engine/sandbox-kit.js';
import { jira, JIRA_WINDOW, type JiraUser } from './adapter.js';
import { jiraAssignable, jiraDataset, jiraSandbox, JIRA_SANDBOX_EMAIL, JIRA_SANDBOX_TOKEN, startJiraSandbox } from './sandbox.js';

describeProviderConformance({ sandbox: jiraSandbox, category: 'TICKETING' });

// What is specific to Jira: fixed windows filtered after windowing, the project parameter, the bulk lookup, its rate-limit reset header.
const Q = `query($account: ID!, $first: Int, $after: String, $filters: UserFilter) {
  users(category: TICKETING, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {
    edges { cursor node { ... on TicketingUser { id remoteId name firstName lastName username emails { email isPrimary type } avatar isActive roles { id name } teamIds createdAt updatedAt remoteData } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on TicketingUser { remoteId name isActive } } }`;
const NODE = `query($id: ID!) { node(id: $id) { id ... on TicketingUser { remoteId name } } }`;
const SEARCH = '/rest/api/3/user/assignable/search';

let sandbox: Sandbox;
let h: Harness;
const data = jiraDataset();
const eng = jiraAssignable('ENG', data);
const account = { id: 'jira-1', provider: 'jira', credentials: { email: JIRA_SANDBOX_EMAIL, apiToken: JIRA_SANDBOX_TOKEN } };
const searches = () => sandbox.requests.filter((r) => r.path === SEARCH);
const ids = (res: any) => res.body.data.users.edges.map((e: any) => e.node.remoteId);

beforeAll(async () => {
  sandbox = await startJiraSandbox();
  h = startGateway([{ ...account, context: { baseUrl: sandbox.url } }]);
});
afterAll(async () => {
  await h.close();
  await sandbox.close();
});

describe('jira adapter', () => {
  it('maps active to isActive and status, keeping the raw flag in remoteStatus', () => {
    const base = data[10]!;
    expect(jira.map({ ...base, active: true }, {})).toMatchObject({ isActive: true, status: 'ACTIVE', remoteStatus: 'true' });
    expect(jira.map({ ...base, active: false }, {})).toMatchObject({ isActive: false, status: 'INACTIVE', remoteStatus: 'false' });
    expect(jira.map({ ...base, active: undefined }, {})).toMatchObject({ isActive: null, status: null, remoteStatus: null });
  });

  it('maps a full user: split display name, primary e-mail, 48px avatar, accountType as role, no username or dates', () => {
    const raw: JiraUser = { accountId: '712020:abc', accountType: 'atlassian', displayName: 'Dana van der Berg', emailAddress: 'dana@acme.io', active: true, avatarUrls: { '24x24': 'a24', '48x48': 'a48' }, timeZone: 'Europe/Paris', locale: 'fr_FR' };
    expect(jira.map(raw, {})).toEqual({
      remoteId: '712020:abc', name: 'Dana van der Berg', firstName: 'Dana', lastName: 'van der Berg', username: null,
      emails: [{ email: 'dana@acme.io', isPrimary: true, type: 'primary' }], avatar: 'a48', isActive: true, status: 'ACTIVE', remoteStatus: 'true',
      roles: [{ id: 'atlassian', name: 'atlassian' }], teamIds: [], timezone: 'Europe/Paris', languages: ['fr_FR'], createdAt: null, updatedAt: null,
    });
  });

  it('never throws on hidden e-mails, missing names or odd shapes', () => {
    for (const emailAddress of [null, '', undefined]) expect(jira.map({ accountId: 'x', emailAddress }, {}).emails).toEqual([]);
    const odd = jira.map({ accountId: 42 as unknown as string, displayName: '', avatarUrls: 'nope' as never, accountType: null, active: 'yes' as never }, {});
    expect(odd).toMatchObject({ remoteId: '42', name: '', firstName: null, lastName: null, avatar: null, roles: [], isActive: null, status: null, remoteStatus: 'yes' });
    expect(jira.map({ accountId: 'y', displayName: 'Cher' }, {})).toMatchObject({ firstName: 'Cher', lastName: null });
  });

  it('walks a project with Basic auth in fixed 50-user windows, every assignable user exactly once, in order', async () => {
    const before = searches().length;
    const { nodes } = await walk(h, Q, { account: 'jira-1', filters: { collectionId: 'ENG' } }, 50);
    expect(nodes.map((n) => n.remoteId)).toEqual(eng.map((u) => u.accountId));
    const calls = searches().slice(before);
    expect(calls.every((c) => c.query.get('maxResults') === String(JIRA_WINDOW) && c.query.get('project') === 'ENG')).toBe(true);
    // startAt advances by the window, never by the number of users returned, and stops past the 1000th user
    const starts = [...new Set(calls.map((c) => Number(c.query.get('startAt'))))];
    expect(starts).toEqual(Array.from({ length: 1000 / JIRA_WINDOW }, (_, k) => k * JIRA_WINDOW));
    const expectedAuth = `Basic ${Buffer.from(`${JIRA_SANDBOX_EMAIL}:${JIRA_SANDBOX_TOKEN}`).toString('base64')}`;
    expect(sandbox.requests.every((r) => r.headers.authorization === expectedAuth)).toBe(true);
  });

  it('keeps paging past short and empty windows (Jira filters after windowing)', async () => {
    // The first window drops customers, app users and non-members: a short page mid-list.
    const firstWindow = data.slice(0, JIRA_WINDOW).filter((u) => eng.includes(u));
    expect(firstWindow.length).toBeLessThan(JIRA_WINDOW);
    const res = await h.query(Q, { account: 'jira-1', first: firstWindow.length + 3, filters: { collectionId: 'ENG' } });
    expect(ids(res)).toEqual(eng.slice(0, firstWindow.length + 3).map((u) => u.accountId));
    expect(res.body.data.users.pageInfo.hasNextPage).toBe(true);
    // A query that matches one early user: later windows are empty, yet the list ends only at the 1000th user.
    const before = searches().length;
    const { nodes } = await walk(h, Q, { account: 'jira-1', filters: { collectionId: 'OPS', email: data[6]!.emailAddress } }, 50);
    expect(nodes.map((n) => n.remoteId)).toEqual([data[6]!.accountId]);
    expect(searches().slice(before).at(-1)!.query.get('startAt')).toBe('950');
  });

  it('sends collectionId as project (key or id) and answers an unknown project with UPSTREAM_NOT_FOUND', async () => {
    const ops = jiraAssignable('OPS', data);
    const { nodes } = await walk(h, Q, { account: 'jira-1', filters: { collectionId: '10001' } }, 100);
    expect(nodes.map((n) => n.remoteId)).toEqual(ops.map((u) => u.accountId));
    expect(nodes.some((n) => n.roles[0]?.id === 'app')).toBe(true);
    expect(searches().at(-1)!.query.get('project')).toBe('10001');
    const res = await h.query(Q, { account: 'jira-1', filters: { collectionId: 'NOPE' } });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_NOT_FOUND', provider: 'jira', upstreamStatus: 404 });
    expect(res.body.errors![0].message).toContain("No project could be found with key 'NOPE'.");
  });

  it('sends filters.email upstream as query and filters name and isActive in memory', async () => {
    const target = eng.find((u, i) => i > 40 && u.emailAddress)!;
    const res = await h.query(Q, { account: 'jira-1', first: 10, filters: { collectionId: 'ENG', email: target.emailAddress } });
    expect(ids(res)).toEqual([target.accountId]);
    expect(searches().at(-1)!.query.get('query')).toBe(target.emailAddress);

    const cases: [Record<string, unknown>, (u: JiraUser) => boolean][] = [
      [{ name: 'chen' }, (u) => String(u.displayName ?? '').toLowerCase().includes('chen')],
      [{ isActive: false }, (u) => u.active === false],
      [{ isActive: true, name: 'ИВАН' }, (u) => u.active === true && u.displayName === 'Дмитрий Иванов'],
    ];
    for (const [filters, keep] of cases) {
      const before = searches().length;
      const { nodes } = await walk(h, Q, { account: 'jira-1', filters: { collectionId: 'ENG', ...filters } }, 30);
      expect(nodes.map((n) => n.remoteId), JSON.stringify(filters)).toEqual(eng.filter(keep).map((u) => u.accountId));
      expect(nodes.length).toBeGreaterThan(0);
      expect(searches().slice(before).every((c) => !c.query.has('query'))).toBe(true);
    }
  });

  it("maps an upstream 401 with Jira's errorMessages to UPSTREAM_UNAUTHORIZED", async () => {
    const bad = startGateway([{ ...account, id: 'jira-bad', context: { baseUrl: sandbox.url }, credentials: { email: JIRA_SANDBOX_EMAIL, apiToken: 'wrong-token-value' } }]);
    const res = await bad.query(Q, { account: 'jira-bad', filters: { collectionId: 'ENG' } });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', provider: 'jira', upstreamStatus: 401 });
    expect(res.body.errors![0].message).toContain('Client must be authenticated to access this resource.');
    await bad.close();
  });

  it("reports a long X-RateLimit-Reset as UPSTREAM_RATE_LIMITED, quoting Jira's errorMessages", async () => {
    const body = { errorMessages: ['Rate limit exceeded.'], errors: {} };
    const reset = new Date(Date.now() + 600_000).toISOString().slice(0, 16) + 'Z'; // yyyy-MM-ddTHH:mmZ
    sandbox.inject({ status: 429, headers: { 'x-ratelimit-reset': reset }, body, match: /assignable/ });
    const viaReset = await h.query(Q, { account: 'jira-1', first: 3, filters: { collectionId: 'ENG' } });
    expect(viaReset.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', upstreamStatus: 429 });
    expect(viaReset.body.errors![0].extensions.retryAfter).toBeGreaterThan(500);
    expect(viaReset.body.errors![0].message).toContain('Rate limit exceeded.');
  });

  it('resolves node and nodes through GET /rest/api/3/user/bulk, ten account ids per call', async () => {
    const res = await h.query(Q, { account: 'jira-1', first: 25, filters: { collectionId: 'ENG' } });
    const listed = res.body.data.users.edges.map((e: any) => e.node);
    const before = sandbox.requests.length;
    const out = await h.query(NODES, { ids: listed.map((n: any) => n.id) });
    expect(out.body.errors).toBeUndefined();
    expect(out.body.data.nodes.map((n: any) => n.remoteId)).toEqual(listed.map((n: any) => n.remoteId));
    const calls = sandbox.requests.slice(before);
    expect(calls.map((c) => c.path)).toEqual(Array(3).fill('/rest/api/3/user/bulk'));
    expect(calls.map((c) => c.query.getAll('accountId').length)).toEqual([10, 10, 5]);
    expect(calls.flatMap((c) => c.query.getAll('accountId'))).toEqual(listed.map((n: any) => n.remoteId));
    const one = await h.query(NODE, { id: listed[2].id });
    expect(one.body.data.node).toEqual({ id: listed[2].id, remoteId: listed[2].remoteId, name: listed[2].name });
  });

});
