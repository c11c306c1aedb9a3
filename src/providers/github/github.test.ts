import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProviderConformance } from '../../../test/conformance.js';
import { startGateway, walk, type Harness } from '../../../test/helpers.js';
import type { Sandbox } from '../engine/sandbox-kit.js';
import { github } from './adapter.js';
import {
  GITHUB_ORG, GITHUB_SANDBOX_MEMBER_TOKEN, GITHUB_SANDBOX_OUTSIDER_TOKEN, GITHUB_SANDBOX_SSO_TOKEN, GITHUB_SANDBOX_TOKEN,
  githubAssignees, githubDataset, githubPrimaryLimit, githubSecondaryLimit, githubSandbox, startGithubSandbox,
} from './sandbox.js';

describeProviderConformance({ sandbox: githubSandbox, category: 'USER_DIRECTORY' });
describeProviderConformance({ sandbox: githubSandbox, category: 'TICKETING' });

// What is specific to GitHub: the repository from a filter or the context, GHES, the org role, 2FA, rate limits.

const DIR = `query($account: ID!, $first: Int, $after: String, $filters: UserFilter, $remoteQuery: JSON) {
  users(category: USER_DIRECTORY, integratedAccountId: $account, first: $first, after: $after, filters: $filters, remoteQuery: $remoteQuery) {
    edges { cursor node { ... on DirectoryUser { id remoteId name username emails { email } avatar status userType roles { id } remoteData } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const TIX = `query($account: ID!, $first: Int, $after: String, $filters: UserFilter) {
  users(category: TICKETING, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {
    edges { cursor node { ... on TicketingUser { id remoteId username avatar isActive } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const members = githubDataset();
const ids = (us: { id: number }[]) => us.map((u) => String(u.id));
const remoteIds = (res: any) => res.body.data.users.edges.map((e: any) => e.node.remoteId);
const org = { org: GITHUB_ORG.login };
const repo = { owner: GITHUB_ORG.login, repo: 'widgets' };

let sandbox: Sandbox;
let h: Harness;
const account = (id: string, context: Record<string, unknown>, accessToken = GITHUB_SANDBOX_TOKEN) => ({ id, provider: 'github', context: { baseUrl: sandbox.url, ...context }, credentials: { accessToken } });

beforeAll(async () => {
  sandbox = await startGithubSandbox();
  h = startGateway([
    account('gh', { ...org, ...repo }),
    account('gh-member', org, GITHUB_SANDBOX_MEMBER_TOKEN),
    account('gh-outsider', { ...org, ...repo }, GITHUB_SANDBOX_OUTSIDER_TOKEN),
    account('gh-sso', org, GITHUB_SANDBOX_SSO_TOKEN),
    account('gh-no-repo', org),
    account('gh-repo-only', repo),
  ]);
});
afterAll(async () => {
  await h.close();
  await sandbox.close();
});

describe('github organization members (USER_DIRECTORY)', () => {
  it('walks every member exactly once, in order, following Link headers to /organizations/{id}/members', async () => {
    for (const first of [7, 100]) {
      const before = sandbox.requests.length;
      const { nodes } = await walk(h, DIR, { account: 'gh' }, first);
      expect(nodes.map((n) => n.remoteId)).toEqual(ids(members.map((m) => m.user)));
      const calls = sandbox.requests.slice(before);
      expect(calls[0]!.path).toBe(`/orgs/${GITHUB_ORG.login}/members`);
      expect(calls.slice(1).every((c) => c.path === `/organizations/${GITHUB_ORG.id}/members`)).toBe(true);
      expect(calls.every((c) => Number(c.query.get('per_page')) <= 100)).toBe(true);
    }
    for (const r of sandbox.requests) {
      expect(r.headers.authorization).toBe(`Bearer ${GITHUB_SANDBOX_TOKEN}`);
      expect(r.headers['x-github-api-version']).toBe('2022-11-28');
      expect(r.headers.accept).toBe('application/vnd.github+json');
    }
  });

  it('maps a listed member: login, avatar, ACTIVE, USER, no name or e-mail (simple-user has none), raw record kept', async () => {
    const res = await h.query(DIR, { account: 'gh', first: 10 });
    const node = res.body.data.users.edges[8].node;
    expect(node.name).toBeNull();
    expect(node).toMatchObject({ remoteId: String(members[8]!.user.id), username: members[8]!.user.login, name: null, emails: [], status: 'ACTIVE', userType: 'USER', roles: [] });
    expect(node.remoteData.unexpected_field).toEqual({ nested: [1, 2, 3] });
    expect(node.remoteData).not.toHaveProperty('created_at');
  });

  it('serves roleId through `role` and trusts GitHub for it (recheck: false), since no payload carries the role', async () => {
    for (const role of ['admin', 'member'] as const) {
      const { nodes } = await walk(h, DIR, { account: 'gh', filters: { roleId: role } }, 50);
      expect(nodes.map((n) => n.remoteId)).toEqual(ids(members.filter((m) => m.role === role).map((m) => m.user)));
      expect(nodes.every((n) => n.roles.length === 0)).toBe(true); // a re-check on roles would have dropped them all
      expect(sandbox.requests.at(-1)!.query.get('role')).toBe(role);
    }
    expect(github.lists.USER_DIRECTORY!.filters.roleId).toMatchObject({ by: 'query', param: 'role', recheck: false });
  });

  it('needs context.org for the directory only, and says so before any upstream call', async () => {
    const before = sandbox.requests.length;
    const res = await h.query(DIR, { account: 'gh-repo-only' });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'INTEGRATED_ACCOUNT_NOT_FOUND', provider: 'github' });
    expect(res.body.errors![0].message).toContain('context.org');
    expect(sandbox.requests.length).toBe(before);
    const tickets = await h.query(TIX, { account: 'gh-repo-only', first: 3 });
    expect(remoteIds(tickets)).toEqual(ids(githubAssignees('widgets', members).slice(0, 3)));
  });

  it('refuses a role GitHub does not have, and the filters a simple-user cannot answer', async () => {
    for (const filters of [{ roleId: 'billing_manager' }, { email: 'a@b.c' }, { name: 'Ana' }, { teamId: 'core' }]) {
      const res = await h.query(DIR, { account: 'gh', filters });
      expect(res.body.errors![0].extensions).toMatchObject({ code: 'UNSUPPORTED_FILTER', provider: 'github' });
    }
  });

  it('passes remoteQuery filter=2fa_disabled through for an owner, and reports GitHub\'s 422 for a member', async () => {
    const { nodes } = await walk(h, DIR, { account: 'gh', remoteQuery: { filter: '2fa_disabled' } }, 100);
    expect(nodes.map((n) => n.remoteId)).toEqual(ids(members.filter((m) => m.twoFactor === 'disabled').map((m) => m.user)));
    const res = await h.query(DIR, { account: 'gh-member', remoteQuery: { filter: '2fa_disabled' } });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_BAD_REQUEST', upstreamStatus: 422 });
    expect(res.body.errors![0].message).toContain('Only owners can use this filter.');
  });

  it('has no is2faEnabled filter (GitHub can list only members without 2FA, and no payload says): the 2FA choice is remoteQuery', async () => {
    const res = await h.query(DIR, { account: 'gh', first: 5, filters: { is2faEnabled: false } });
    expect(res.body.errors![0].message).toContain('is2faEnabled');
    expect(github.lists.USER_DIRECTORY!.filters).not.toHaveProperty('is2faEnabled');
    const page = await h.query(DIR, { account: 'gh', first: 100, remoteQuery: { filter: '2fa_disabled' } });
    expect(sandbox.requests.at(-1)!.query.get('filter')).toBe('2fa_disabled');
    expect(page.body.data.users.edges.every((e: any) => e.node.remoteData.login)).toBe(true);
  });

  it('shows a token outside the org only the public members (concealed ones are hidden by GitHub)', async () => {
    const { nodes } = await walk(h, DIR, { account: 'gh-outsider' }, 100);
    expect(nodes.map((n) => n.remoteId)).toEqual(ids(members.filter((m) => m.public).map((m) => m.user)));
  });

  it('reports SAML enforcement (a 403 with quota left and no rate-limit message) as UPSTREAM_FORBIDDEN', async () => {
    const res = await h.query(DIR, { account: 'gh-sso' });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_FORBIDDEN', upstreamStatus: 403 });
    expect(res.body.errors![0].extensions.retryAfter).toBeUndefined();
  });

  it('resolves node ids with GET /user/{id}, whose public view adds the name and dates', async () => {
    const page = await h.query(DIR, { account: 'gh', first: 3 });
    const gid = page.body.data.users.edges[1].node.id;
    const res = await h.query(`query($id: ID!) { node(id: $id) { ... on DirectoryUser { remoteId name createdAt } } }`, { id: gid });
    expect(res.body.data.node).toMatchObject({ remoteId: String(members[1]!.user.id), name: members[1]!.user.name });
    expect(sandbox.requests.at(-1)!.path).toBe(`/user/${members[1]!.user.id}`);
  });
});

describe('github repository assignees (TICKETING)', () => {
  const widgets = githubAssignees('widgets', members);

  it('walks context.owner/context.repo assignees across Link pages on /repositories/{id}/assignees', async () => {
    const { nodes } = await walk(h, TIX, { account: 'gh' }, 60);
    expect(nodes.map((n) => n.remoteId)).toEqual(ids(widgets));
    expect(sandbox.requests.some((r) => r.path === '/repositories/1296269/assignees')).toBe(true);
  });

  it('lets filters.collectionId "owner/repo" win over the context', async () => {
    const res = await h.query(TIX, { account: 'gh', first: 50, filters: { collectionId: 'acme-corp/tiny.dots_repo' } });
    expect(remoteIds(res)).toEqual(ids(githubAssignees('tiny.dots_repo', members)));
    expect(sandbox.requests.at(-1)!.path).toBe('/repos/acme-corp/tiny.dots_repo/assignees');
  });

  it('asks for the repository when neither the filter nor the context names one', async () => {
    const before = sandbox.requests.length;
    const res = await h.query(TIX, { account: 'gh-no-repo' });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'MISSING_REQUIRED_FILTER', filter: 'collectionId', provider: 'github' });
    expect(res.body.errors![0].message).toContain('context.owner + context.repo');
    expect(sandbox.requests.length).toBe(before);
    const given = await h.query(TIX, { account: 'gh-no-repo', first: 50, filters: { collectionId: 'acme-corp/tiny.dots_repo' } });
    expect(remoteIds(given)).toHaveLength(3);
  });

  it('refuses a collectionId that is not exactly owner/repo (no path traversal)', async () => {
    const before = sandbox.requests.length;
    for (const collectionId of ['acme-corp', 'acme-corp/widgets/extra', '../x', 'acme-corp/..', 'acme-corp/', '/widgets', 'acme-corp/%2e%2e']) {
      const res = await h.query(TIX, { account: 'gh', filters: { collectionId } });
      expect(res.body.errors![0].extensions.code, collectionId).toBe('BAD_USER_INPUT');
    }
    expect(sandbox.requests.length).toBe(before);
  });

  it('resolves the same GitHub user as a TicketingUser or a DirectoryUser, as its global id says', async () => {
    const tix = (await h.query(TIX, { account: 'gh', first: 1 })).body.data.users.edges[0].node;
    const dir = (await h.query(DIR, { account: 'gh', first: 1 })).body.data.users.edges[0].node;
    expect(tix.remoteId).toBe(dir.remoteId);
    const res = await h.query(`query($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on User { remoteId } } }`, { ids: [tix.id, dir.id] });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.nodes).toEqual([{ __typename: 'TicketingUser', remoteId: tix.remoteId }, { __typename: 'DirectoryUser', remoteId: dir.remoteId }]);
  });

  it('reports a private repository the token cannot see as UPSTREAM_NOT_FOUND', async () => {
    const res = await h.query(TIX, { account: 'gh-outsider' });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_NOT_FOUND', upstreamStatus: 404 });
    expect(res.body.errors![0].message).toContain('Not Found');
  });
});

describe('github rate limits', () => {
  it('treats a 403 with x-ratelimit-remaining 0 as a primary rate limit, waiting until x-ratelimit-reset', async () => {
    for (const status of [403, 429] as const) {
      sandbox.inject(githubPrimaryLimit({ status, resetInSeconds: 600 })); // a wait past retryMaxDelayMs: one call, no retry
      const res = await h.query(DIR, { account: 'gh', first: 2 });
      expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', upstreamStatus: status });
      expect(res.body.errors![0].extensions.retryAfter).toBeGreaterThan(500);
      expect(res.body.errors![0].message).toContain('API rate limit exceeded');
    }
  });

  it('retries a secondary limit with retry-after 0, and reports a long one with its retryAfter', async () => {
    sandbox.inject(githubSecondaryLimit({ status: 403, retryAfter: 0 }));
    const ok = await h.query(DIR, { account: 'gh', first: 2 });
    expect(ok.body.errors).toBeUndefined();
    sandbox.inject(githubSecondaryLimit({ status: 403, retryAfter: 120 }));
    const res = await h.query(DIR, { account: 'gh', first: 2 });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', upstreamStatus: 403, retryAfter: 120 });
  });

  it('waits at least a minute for a secondary limit without retry-after (not the hour-long primary reset)', async () => {
    sandbox.inject(githubSecondaryLimit({ status: 403 }));
    const res = await h.query(DIR, { account: 'gh', first: 2 });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', retryAfter: 60 });
  });

  it('stops at the real quota: once x-ratelimit-remaining says 0, no call is made before the reset', async () => {
    const small = await startGithubSandbox({ quota: 1 });
    const g = startGateway([{ id: 'gh-q', provider: 'github', context: { baseUrl: small.url, ...org }, credentials: { accessToken: GITHUB_SANDBOX_TOKEN } }]);
    const first = await g.query(DIR, { account: 'gh-q', first: 100 }); // page 1 of 3 is within the quota
    expect(first.body.errors).toBeUndefined();
    const calls = small.requests.length;
    const res = await g.query(DIR, { account: 'gh-q', first: 100, after: first.body.data.users.pageInfo.endCursor });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', provider: 'github' });
    expect(res.body.errors![0].extensions.retryAfter).toBeGreaterThan(0);
    expect(small.requests.length).toBe(calls); // the reported budget said no: GitHub never saw a call past its quota
    await g.close();
    await small.close();
  });
});

describe('GitHub Enterprise Server', () => {
  it('pages both categories under the /api/v3 base path, never doubling it', async () => {
    const ghes = await startGithubSandbox({ basePath: '/api/v3', linkOrigin: 'https://ghe.acme.example' });
    const g = startGateway([{ id: 'ghes', provider: 'github', context: { baseUrl: `${ghes.url}/api/v3`, ...org, ...repo }, credentials: { accessToken: GITHUB_SANDBOX_TOKEN } }]);
    const dir = await walk(g, DIR, { account: 'ghes' }, 100);
    expect(dir.nodes).toHaveLength(members.length);
    const tix = await walk(g, TIX, { account: 'ghes' }, 100);
    expect(tix.nodes).toHaveLength(githubAssignees('widgets', members).length);
    expect(ghes.requests.every((r) => r.path.startsWith('/api/v3/') && !r.path.startsWith('/api/v3/api/v3'))).toBe(true);
    await g.close();
    await ghes.close();
  });

  it('reports a GHES baseUrl without /api/v3 (the web UI answers HTML) as UPSTREAM_NOT_FOUND', async () => {
    const ghes = await startGithubSandbox({ basePath: '/api/v3' });
    const g = startGateway([{ id: 'ghes-bare', provider: 'github', context: { baseUrl: ghes.url, ...org }, credentials: { accessToken: GITHUB_SANDBOX_TOKEN } }]);
    const res = await g.query(DIR, { account: 'ghes-bare' });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_NOT_FOUND', upstreamStatus: 404 });
    await g.close();
    await ghes.close();
  });
});

describe('github mapper', () => {
  it('maps type Bot to MACHINE and keeps unknown types null', () => {
    const base = { ...members[10]!.user };
    expect(github.map({ ...base, type: 'Bot' }, {}).userType).toBe('MACHINE');
    expect(github.map({ ...base, type: 'Mannequin' }, {}).userType).toBeNull();
  });
});
