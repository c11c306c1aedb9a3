// Filter values can be discovered: filterValues per account, valuesListable in the capability matrix, a
// provider's 404 for an unknown filter value as BAD_USER_INPUT (for every provider with a scoped endpoint),
// and groups / organization names filled only when a query selects them. All through yoga.fetch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, OTHER_TENANT_TOKEN, type Harness, type TestAccount } from './helpers.js';
import type { Sandbox } from '../src/providers/engine/sandbox-kit.js';
import { PROVIDERS } from '../src/providers/registry.js';
import { SANDBOXES } from '../src/providers/sandboxes.js';
import { OKTA_GROUP_RECORDS } from '../src/providers/okta/sandbox.js';
import { oktaDataset } from '../src/providers/okta/sandbox.js';
import { ZENDESK_GROUP_RECORDS, ZENDESK_ORGANIZATION_RECORDS, zendeskDataset } from '../src/providers/zendesk/sandbox.js';
import { JIRA_PROJECTS } from '../src/providers/jira/sandbox.js';

const VALUES = `query($account: ID!, $filter: String!, $first: Int, $after: String) {
  filterValues(integratedAccountId: $account, filter: $filter, first: $first, after: $after) {
    edges { cursor node { value name } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const sandboxes = new Map<string, Sandbox>();
let h: Harness;
const accountId = (slug: string) => `fv-${slug}`;

beforeAll(async () => {
  const accounts: TestAccount[] = [];
  for (const s of SANDBOXES) {
    const sb = await s.start();
    sandboxes.set(s.slug, sb);
    accounts.push({ id: accountId(s.slug), provider: s.slug, ...s.demoAccount(sb.url) });
  }
  accounts.push({ id: 'fv-globex-okta', tenant: 'globex', provider: 'okta', ...SANDBOXES.find((s) => s.slug === 'okta')!.demoAccount(sandboxes.get('okta')!.url) });
  h = startGateway(accounts);
});
afterAll(async () => {
  await h.close();
  await Promise.all([...sandboxes.values()].map((s) => s.close()));
});

async function walkValues(account: string, filter: string, first: number) {
  const values: { value: string; name: string | null }[] = [];
  let after: string | null = null;
  for (let n = 0; n < 20; n++) {
    const res: { body: any } = await h.query(VALUES, { account, filter, first, after });
    expect(res.body.errors).toBeUndefined();
    const conn: any = res.body.data.filterValues;
    values.push(...conn.edges.map((e: any) => e.node));
    if (!conn.pageInfo.hasNextPage) return values;
    after = conn.pageInfo.endCursor;
  }
  throw new Error('runaway paging');
}

describe('filterValues', () => {
  it('lists Okta groups for groupId from GET /api/v1/groups, paged by the Link header and signed cursors', async () => {
    const okta = sandboxes.get('okta')!;
    const before = okta.requests.length;
    const values = await walkValues(accountId('okta'), 'groupId', 2);
    expect(values).toEqual(OKTA_GROUP_RECORDS.map((g) => ({ value: g.record.id, name: g.record.profile.name })));
    const calls = okta.requests.slice(before);
    expect(calls.every((r) => r.path === '/api/v1/groups')).toBe(true);
    expect(calls.at(-1)!.query.get('after')).toBeTruthy();
  });

  it('lists Zendesk groups for teamId and organizations for organizationId, and Jira project keys for collectionId', async () => {
    expect(await walkValues(accountId('zendesk'), 'teamId', 2)).toEqual(ZENDESK_GROUP_RECORDS.map((g) => ({ value: String(g.id), name: g.name })));
    expect(await walkValues(accountId('zendesk'), 'organizationId', 100)).toEqual(ZENDESK_ORGANIZATION_RECORDS.map((o) => ({ value: String(o.id), name: o.name })));
    expect(await walkValues(accountId('jira'), 'collectionId', 1)).toEqual(JIRA_PROJECTS.map((p) => ({ value: p.key, name: p.name })));
    const zd = sandboxes.get('zendesk')!.requests;
    expect(zd.filter((r) => r.path === '/api/v2/groups').every((r) => r.query.get('page[size]') === '2')).toBe(true);
  });

  it('a listed value works as the filter it was listed for', async () => {
    const [group] = await walkValues(accountId('zendesk'), 'teamId', 1);
    const res = await h.query(`query($f: UserFilter) { users(category: TICKETING, integratedAccountId: "${accountId('zendesk')}", first: 5, filters: $f) { edges { node { remoteId } } } }`, { f: { teamId: group!.value } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.users.edges.length).toBeGreaterThan(0);
  });

  it('lists enum filters from their enum, with signed cursors too', async () => {
    expect(await walkValues(accountId('okta'), 'status', 3)).toEqual(['ACTIVE', 'INACTIVE', 'DELETED', 'INVITED'].map((v) => ({ value: v, name: v })));
    expect((await walkValues(accountId('jira'), 'isActive', 5)).map((v) => v.value)).toEqual(['true', 'false']);
    const forged = await h.query(VALUES, { account: accountId('okta'), filter: 'status', after: 'x.1.y' });
    expect(forged.body.errors![0].extensions.code).toBe('INVALID_CURSOR');
  });

  it('keeps errors local: an unknown or foreign account look the same, unlistable filters say which are listable', async () => {
    const res = await h.query(`{
      ok: filterValues(integratedAccountId: "${accountId('jira')}", filter: "collectionId") { edges { node { value } } }
      missing: filterValues(integratedAccountId: "no-such-account", filter: "groupId") { edges { node { value } } }
      foreign: filterValues(integratedAccountId: "fv-globex-okta", filter: "groupId") { edges { node { value } } }
      unlistable: filterValues(integratedAccountId: "${accountId('okta')}", filter: "email") { edges { node { value } } }
      unknown: filterValues(integratedAccountId: "${accountId('okta')}", filter: "bogus") { edges { node { value } } }
    }`);
    expect(res.body.data).toMatchObject({ missing: null, foreign: null, unlistable: null, unknown: null });
    expect(res.body.data.ok.edges.length).toBe(JIRA_PROJECTS.length);
    const by = (alias: string) => res.body.errors!.find((e: any) => e.path[0] === alias);
    expect(by('missing').extensions.code).toBe('INTEGRATED_ACCOUNT_NOT_FOUND');
    expect(by('foreign').extensions.code).toBe('INTEGRATED_ACCOUNT_NOT_FOUND');
    expect(by('foreign').message.replace('fv-globex-okta', 'no-such-account')).toBe(by('missing').message);
    expect(by('unlistable').extensions).toMatchObject({ code: 'UNSUPPORTED_FILTER', filter: 'email' });
    expect(by('unlistable').message).toContain('groupId');
    expect(by('unknown').extensions.code).toBe('BAD_USER_INPUT');
    const other = await h.query(VALUES, { account: 'fv-globex-okta', filter: 'groupId' }, OTHER_TENANT_TOKEN);
    expect(other.body.data.filterValues.edges.length).toBe(OKTA_GROUP_RECORDS.length);
  });

  it('advertises which filters have listable values, in providers and integratedAccounts', async () => {
    const res = await h.query(`{
      providers { slug supportedFilters { name valuesListable valuesSource } }
      integratedAccounts { id supportedFilters { name valuesListable } }
    }`);
    const listable = (slug: string) => res.body.data.providers.find((p: any) => p.slug === slug).supportedFilters.filter((f: any) => f.valuesSource === 'UPSTREAM').map((f: any) => f.name).sort();
    expect(listable('okta')).toEqual(['groupId']);
    expect(listable('zendesk')).toEqual(['organizationId', 'teamId']);
    expect(listable('jira')).toEqual(['collectionId']);
    const okta = res.body.data.integratedAccounts.find((a: any) => a.id === accountId('okta'));
    expect(okta.supportedFilters.find((f: any) => f.name === 'groupId').valuesListable).toBe(true);
    expect(okta.supportedFilters.find((f: any) => f.name === 'email').valuesListable).toBe(false);
  });
});

describe('an unknown filter value on a scoped endpoint', () => {
  // Every registered provider, every filter served by a scoped endpoint: a class, not a case.
  const cases = PROVIDERS.flatMap((def) => Object.entries(def.lists).flatMap(([category, list]) =>
    Object.entries(list!.filters).filter(([, s]) => s!.by === 'endpoint').map(([filter]) => ({ slug: def.slug, category, filter }))));

  it('covers Okta groupId and Zendesk teamId and organizationId at least', () => {
    expect(cases.map((c) => `${c.slug}.${c.filter}`)).toEqual(expect.arrayContaining(['okta.groupId', 'zendesk.teamId', 'zendesk.organizationId']));
  });

  it.each(cases)('$slug $filter: the upstream 404 is BAD_USER_INPUT naming the filter and how to list values', async ({ slug, category, filter }) => {
    const demo = SANDBOXES.find((s) => s.slug === slug)!.demoFilters ?? {};
    const res = await h.query(`query($f: UserFilter) { users(category: ${category}, integratedAccountId: "${accountId(slug)}", first: 5, filters: $f) { edges { node { id } } } }`, { f: { ...demo, [filter]: 'everyone' } });
    expect(res.body.data.users).toBeNull();
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', filter, provider: slug, upstreamStatus: 404 });
    expect(res.body.errors![0].message).toContain(`"everyone"`);
    expect(res.body.errors![0].message).toContain(`filterValues(integratedAccountId: "${accountId(slug)}", filter: "${filter}")`);
  });
});

describe('groups and organizations filled when selected', () => {
  const ZD = (sel: string) => `{ users(category: TICKETING, integratedAccountId: "${accountId('zendesk')}", first: 30) { edges { node { ... on TicketingUser { remoteId ${sel} } } } } }`;
  const OKTA = (sel: string) => `{ users(category: USER_DIRECTORY, integratedAccountId: "${accountId('okta')}", first: 12) { edges { node { ... on DirectoryUser { remoteId ${sel} } } } } }`;

  it('Zendesk organization names come from one show_many call per page, and only when name is selected', async () => {
    const zd = sandboxes.get('zendesk')!;
    let before = zd.requests.length;
    const ids = await h.query(ZD('organization { id }'));
    expect(ids.body.errors).toBeUndefined();
    expect(zd.requests.slice(before).filter((r) => r.path.includes('/organizations'))).toEqual([]);
    before = zd.requests.length;
    const named = await h.query(ZD('organization { id name }'));
    const shown = zd.requests.slice(before).filter((r) => r.path === '/api/v2/organizations/show_many');
    expect(shown.length).toBe(1);
    const data = zendeskDataset().slice(0, 30);
    const orgName = new Map(ZENDESK_ORGANIZATION_RECORDS.map((o) => [o.id, o.name]));
    expect(named.body.data.users.edges.map((e: any) => e.node.organization)).toEqual(
      data.map((u) => (u.organization_id ? { id: String(u.organization_id), name: orgName.get(u.organization_id) } : null)));
  });

  it('Okta groups take one GET /api/v1/users/{id}/groups per user, and none when groups is not selected', async () => {
    const okta = sandboxes.get('okta')!;
    let before = okta.requests.length;
    await h.query(OKTA('name'));
    expect(okta.requests.slice(before).filter((r) => r.path.endsWith('/groups'))).toEqual([]);
    before = okta.requests.length;
    const res = await h.query(OKTA('groups { id name }'));
    expect(res.body.errors).toBeUndefined();
    const listed = oktaDataset().map((u, i) => ({ u, i })).filter(({ u }) => u.status !== 'DEPROVISIONED').slice(0, 12);
    const calls = okta.requests.slice(before).filter((r) => /^\/api\/v1\/users\/[^/]+\/groups$/.test(r.path));
    expect(calls.map((r) => r.path).sort()).toEqual(listed.map(({ u }) => `/api/v1/users/${u.id}/groups`).sort());
    expect(res.body.data.users.edges.map((e: any) => e.node.groups.map((g: any) => g.name))).toEqual(
      listed.map(({ u, i }) => OKTA_GROUP_RECORDS.filter((g) => g.member(u, i)).map((g) => g.record.profile.name)));
  });

  it('a failing groups lookup nulls only that user\'s groups, with its own error', async () => {
    const okta = sandboxes.get('okta')!;
    okta.inject({ match: /\/users\/[^/]+\/groups$/, status: 403, body: { errorCode: 'E0000006', errorSummary: 'You do not have permission to perform the requested action', errorLink: 'E0000006', errorId: 'x', errorCauses: [] } });
    const res = await h.query(OKTA('groups { id }'));
    okta.clearFaults();
    const nodes = res.body.data.users.edges.map((e: any) => e.node);
    expect(nodes.filter((n: any) => n.groups === null).length).toBe(1);
    expect(nodes.filter((n: any) => Array.isArray(n.groups)).length).toBe(11);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0].extensions.code).toBe('UPSTREAM_FORBIDDEN');
    expect(res.body.errors![0].path).toContain('groups');
  });
});
