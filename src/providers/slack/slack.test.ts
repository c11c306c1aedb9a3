import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProviderConformance } from '../../../test/conformance.js';
import { startGateway, walk, type Harness } from '../../../test/helpers.js';
import type { Sandbox } from '../engine/sandbox-kit.js';
import { mapSlackUser, SLACKBOT_ID } from './map.js';
import { encodeCursor, slackDataset, slackSandbox, SLACK_OTHER_TEAM_ID, SLACK_TOKENS, startSlackSandbox, viewOf } from './sandbox.js';

describeProviderConformance({ sandbox: slackSandbox, category: 'USER_DIRECTORY' });

// What is specific to Slack: failures inside HTTP 200 bodies, short and empty pages, admin-only has_2fa.

const Q = `query($account: ID!, $first: Int, $after: String, $filters: UserFilter) {
  users(category: USER_DIRECTORY, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {
    edges { cursor node { ... on DirectoryUser { id remoteId name username emails { email } status remoteStatus userType roles { id } is2faEnabled workspaces { id } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const LIST = /\/api\/users\.list$/;

let sandbox: Sandbox;
let h: Harness;
const account = (id: string, token: string) => ({ id, provider: 'slack', context: { baseUrl: `${sandbox.url}/api` }, credentials: { accessToken: token } });
const data = slackDataset();
const adminView = data.map((u) => viewOf(u, { admin: true, email: true, locale: true }));

beforeAll(async () => {
  sandbox = await startSlackSandbox();
  h = startGateway([
    account('slack-admin', SLACK_TOKENS.admin),
    account('slack-bot', SLACK_TOKENS.bot),
    account('slack-noemail', SLACK_TOKENS.noEmail),
    account('slack-noscope', SLACK_TOKENS.noScope),
    account('slack-revoked', SLACK_TOKENS.revoked),
    account('slack-inactive', SLACK_TOKENS.inactive),
    account('slack-wrong', 'xoxb-not-a-real-token-000'),
  ]);
});
afterAll(async () => {
  await h.close();
  await sandbox.close();
});

const ext = (res: { body: { errors?: any[] } }) => res.body.errors?.[0]?.extensions;
const listCalls = () => sandbox.requests.filter((r) => LIST.test(r.path)).length;

describe('slack: ok:false bodies are failures, whatever the HTTP status says', () => {
  for (const [acc, error] of [['slack-revoked', 'token_revoked'], ['slack-inactive', 'account_inactive'], ['slack-wrong', 'invalid_auth']] as const) {
    it(`reports ${error} (HTTP 200) as UPSTREAM_UNAUTHORIZED, quoting Slack's code`, async () => {
      const res = await h.query(Q, { account: acc, first: 5 });
      expect(ext(res)).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', provider: 'slack', upstreamStatus: 200 });
      expect(res.body.errors![0].message).toContain(error);
    });
  }

  it('reports not_authed as UPSTREAM_UNAUTHORIZED', async () => {
    sandbox.inject({ match: LIST, body: { ok: false, error: 'not_authed' } });
    expect(ext(await h.query(Q, { account: 'slack-admin', first: 5 }))).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', upstreamStatus: 200 });
  });

  it('reports missing_scope as UPSTREAM_FORBIDDEN, naming the scope the token lacks', async () => {
    const res = await h.query(Q, { account: 'slack-noscope', first: 5 });
    expect(ext(res)).toMatchObject({ code: 'UPSTREAM_FORBIDDEN', provider: 'slack' });
    expect(res.body.errors![0].message).toContain('users:read');
  });

  it('retries ratelimited, with HTTP 429 + Retry-After as Slack sends it, and reports UPSTREAM_RATE_LIMITED when it persists', async () => {
    const before = listCalls();
    sandbox.inject({ match: LIST, status: 429, headers: { 'retry-after': '0' }, body: { ok: false, error: 'ratelimited' } });
    const once = await h.query(Q, { account: 'slack-admin', first: 5 });
    expect(once.body.errors).toBeUndefined();
    expect(listCalls() - before).toBe(2);
    sandbox.inject({ match: LIST, status: 429, headers: { 'retry-after': '30' }, body: { ok: false, error: 'ratelimited' } });
    expect(ext(await h.query(Q, { account: 'slack-admin', first: 5 }))).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', retryAfter: 30 });
  });

  it('treats ratelimited inside an HTTP 200 body like a 429', async () => {
    sandbox.inject({ match: LIST, headers: { 'retry-after': '45' }, body: { ok: false, error: 'ratelimited' } });
    expect(ext(await h.query(Q, { account: 'slack-admin', first: 5 }))).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', provider: 'slack', retryAfter: 45 });
  });

  it('reports invalid_cursor in the middle of a walk as INVALID_CURSOR', async () => {
    // Without the page cache, so that resuming asks Slack for the page again with its cursor.
    const g = startGateway([account('slack-admin', SLACK_TOKENS.admin)], { limits: { pageCacheSeconds: 0 } as never });
    const first = await g.query(Q, { account: 'slack-admin', first: 5 });
    sandbox.inject({ match: LIST, body: { ok: false, error: 'invalid_cursor' } });
    const res = await g.query(Q, { account: 'slack-admin', first: 5, after: first.body.data.users.pageInfo.endCursor }).finally(() => g.close());
    sandbox.clearFaults();
    expect(ext(res)).toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('reports Slack-side failures as UPSTREAM_UNAVAILABLE and argument errors as UPSTREAM_BAD_REQUEST', async () => {
    for (const [error, code] of [['fatal_error', 'UPSTREAM_UNAVAILABLE'], ['team_added_to_org', 'UPSTREAM_UNAVAILABLE'], ['limit_required', 'UPSTREAM_BAD_REQUEST'], ['a_code_slack_adds_later', 'UPSTREAM_BAD_REQUEST']]) {
      sandbox.inject({ match: LIST, body: { ok: false, error }, times: 10 });
      const res = await h.query(Q, { account: 'slack-admin', first: 5 });
      sandbox.clearFaults();
      expect(ext(res), error).toMatchObject({ code });
      expect(res.body.errors![0].message).toContain(error);
    }
  });
});

describe('slack: paging', () => {
  /** A gateway walk with `first`, returning the remote ids and each gateway page's size. */
  async function gatewayWalk(first: number) {
    const pages: number[] = [];
    const ids: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 100; i++) {
      const res: any = await h.query(Q, { account: 'slack-admin', first, after });
      expect(res.body.errors).toBeUndefined();
      const conn = res.body.data.users;
      pages.push(conn.edges.length);
      ids.push(...conn.edges.map((e: any) => e.node.remoteId));
      if (!conn.pageInfo.hasNextPage) return { ids, pages };
      after = conn.pageInfo.endCursor;
    }
    throw new Error('runaway walk');
  }
  const page = (members: typeof adminView, next: string) => ({ body: { ok: true, members, response_metadata: { next_cursor: next } } });

  it('goes on past an empty users.list page that still carries a next_cursor', async () => {
    const before = listCalls();
    // The first upstream page is empty but points at the first member: only next_cursor '' ends a walk.
    sandbox.inject({ match: LIST, ...page([], encodeCursor(data[0]!.id)) });
    const { ids, pages } = await gatewayWalk(50);
    expect(ids).toEqual(data.map((u) => u.id));
    expect(pages.slice(0, -1).every((n) => n > 0)).toBe(true);
    expect(sandbox.requests.filter((r) => LIST.test(r.path)).slice(before, before + 2).map((r) => r.query.get('cursor'))).toEqual([null, encodeCursor(data[0]!.id)]);
  });

  it('goes on past a users.list page shorter than limit, losing and repeating nobody', async () => {
    sandbox.inject({ match: LIST, ...page(adminView.slice(0, 2), encodeCursor(data[2]!.id)) });
    const { ids } = await gatewayWalk(30);
    expect(ids).toEqual(data.map((u) => u.id));
  });

  it('ends the walk where next_cursor is null or missing, as well as empty', async () => {
    for (const meta of [{ response_metadata: { next_cursor: null } }, { response_metadata: {} }, {}]) {
      sandbox.inject({ match: LIST, body: { ok: true, members: adminView.slice(0, 4), ...meta } });
      const { ids } = await gatewayWalk(10);
      expect(ids, JSON.stringify(meta)).toEqual(data.slice(0, 4).map((u) => u.id));
    }
  });

  it('asks for at most 200 members a page (the documented recommendation) and no empty gateway page claims a next one', async () => {
    const before = listCalls();
    const { ids, pages } = await gatewayWalk(100);
    expect(ids).toEqual(data.map((u) => u.id));
    expect(pages.slice(0, -1).every((n) => n > 0)).toBe(true);
    const limits = sandbox.requests.filter((r) => LIST.test(r.path)).slice(before).map((r) => Number(r.query.get('limit')));
    expect(limits.length).toBeGreaterThan(0);
    expect(limits.every((l) => l >= 1 && l <= 200)).toBe(true);
  });

  it('reaches /api/<method> whether context.baseUrl is the bare origin or ends in /api', async () => {
    const g = startGateway([{ id: 'slack-origin', provider: 'slack', context: { baseUrl: sandbox.url }, credentials: { accessToken: SLACK_TOKENS.admin } }]);
    try {
      const before = sandbox.requests.length;
      const bare = await g.query(Q, { account: 'slack-origin', first: 3 });
      const suffixed = await h.query(Q, { account: 'slack-admin', first: 3 });
      expect(bare.body.data.users.edges.map((e: any) => e.node.remoteId)).toEqual(data.slice(0, 3).map((u) => u.id));
      expect(suffixed.body.data.users.edges.map((e: any) => e.node.remoteId)).toEqual(data.slice(0, 3).map((u) => u.id));
      expect(sandbox.requests.slice(before).map((r) => r.path)).toEqual(['/api/users.list', '/api/users.list']);
    } finally {
      await g.close();
    }
  });

  it('sends include_locale=true, and cursor exactly as Slack returned it', async () => {
    const res = await h.query(Q, { account: 'slack-admin', first: 40 });
    await h.query(Q, { account: 'slack-admin', first: 40, after: res.body.data.users.pageInfo.endCursor });
    const calls = sandbox.requests.filter((r) => LIST.test(r.path)).slice(-2);
    expect(calls.every((r) => r.query.get('include_locale') === 'true')).toBe(true);
    expect(calls.at(-1)!.query.get('cursor')).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });
});

describe('slack: what the token may see', () => {
  it('fills is2faEnabled for an admin\'s token and leaves it null for a bot token', async () => {
    const { nodes: asAdmin } = await walk(h, Q, { account: 'slack-admin', filters: {} }, 100);
    const { nodes: asBot } = await walk(h, Q, { account: 'slack-bot', filters: {} }, 100);
    expect(asAdmin.map((n) => n.is2faEnabled)).toEqual(adminView.map((u) => (typeof u.has_2fa === 'boolean' ? u.has_2fa : null)));
    expect(asAdmin.some((n) => n.is2faEnabled === true) && asAdmin.some((n) => n.is2faEnabled === false)).toBe(true);
    expect(asBot.every((n) => n.is2faEnabled === null)).toBe(true);
  });

  it('lists members without e-mail addresses when the token lacks users:read.email; an admin token finds one by e-mail in any case', async () => {
    const target = data.find((u) => u.profile?.email && !u.deleted)!;
    const { nodes } = await walk(h, Q, { account: 'slack-noemail', filters: {} }, 100);
    expect(nodes.every((n) => n.emails.length === 0)).toBe(true);
    const withEmail = await walk(h, Q, { account: 'slack-admin', filters: { email: target.profile!.email!.toUpperCase() } }, 10);
    expect(withEmail.nodes.map((n) => n.remoteId)).toEqual([target.id]);
  });
});

describe('slack: mapping through the gateway', () => {
  it('serves Slackbot as a MACHINE although Slack says is_bot: false, and guests as LIMITED with their role', async () => {
    const { nodes } = await walk(h, Q, { account: 'slack-admin', filters: { userType: 'MACHINE' } }, 100);
    expect(nodes.map((n) => n.remoteId)).toEqual(data.filter((u) => u.is_bot || u.id === SLACKBOT_ID).map((u) => u.id));
    const scg = await walk(h, Q, { account: 'slack-admin', filters: { roleId: 'single_channel_guest' } }, 100);
    expect(scg.nodes.map((n) => n.remoteId)).toEqual(data.filter((u) => u.is_ultra_restricted).map((u) => u.id));
    expect(scg.nodes.every((n) => n.userType === 'LIMITED')).toBe(true);
  });

  it('maps deactivated members to DELETED and invitees to INVITED', async () => {
    const deleted = await walk(h, Q, { account: 'slack-admin', filters: { status: 'DELETED' } }, 100);
    expect(deleted.nodes.map((n) => n.remoteId)).toEqual(data.filter((u) => u.deleted).map((u) => u.id));
    const invited = await walk(h, Q, { account: 'slack-admin', filters: { status: 'INVITED' } }, 100);
    expect(invited.nodes.map((n) => n.remoteId)).toEqual(data.filter((u) => u.is_invited_user).map((u) => u.id));
  });

  it('passes workspaceId as team_id and re-checks it, since a workspace token ignores team_id', async () => {
    const { nodes } = await walk(h, Q, { account: 'slack-admin', filters: { workspaceId: SLACK_OTHER_TEAM_ID } }, 100);
    expect(nodes.map((n) => n.remoteId)).toEqual(data.filter((u) => u.enterprise_user?.teams?.includes(SLACK_OTHER_TEAM_ID)).map((u) => u.id));
    expect(sandbox.requests.filter((r) => LIST.test(r.path)).at(-1)!.query.get('team_id')).toBe(SLACK_OTHER_TEAM_ID);
  });

  it('resolves node with one users.info call, and a member users.info answers user_not_found for (HTTP 200) to null', async () => {
    const page = await h.query(Q, { account: 'slack-admin', first: 3 });
    const node = page.body.data.users.edges[2].node;
    const before = sandbox.requests.length;
    const res = await h.query(`query($id: ID!) { node(id: $id) { id ... on DirectoryUser { remoteId is2faEnabled } } }`, { id: node.id });
    expect(res.body.data.node).toEqual({ id: node.id, remoteId: node.remoteId, is2faEnabled: mapSlackUser(adminView[2]!).is2faEnabled });
    const calls = sandbox.requests.slice(before);
    expect(calls.map((r) => [r.path, r.query.get('user')])).toEqual([['/api/users.info', node.remoteId]]);

    const [type] = Buffer.from(node.id, 'base64').toString('utf8').split(':');
    const gone = Buffer.from(`${type}:slack-admin:U0ZZZZZZZZ`).toString('base64');
    const missing = await h.query(`query($id: ID!) { node(id: $id) { id } }`, { id: gone });
    expect(missing.body.errors).toBeUndefined();
    expect(missing.body.data.node).toBeNull();
    expect(sandbox.requests.at(-1)!.path).toBe('/api/users.info');
  });
});
