// The Slack sandbox and mapper on their own, over real HTTP: what the adapter (still a draft, see
// adapter.draft.ts.txt) will be tested against must itself behave as Slack documents.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../engine/sandbox-kit.js';
import { mapSlackUser, SLACKBOT_ID, type SlackUser } from './map.js';
import { encodeCursor, slackDataset, slackSandbox, SLACK_OTHER_TEAM_ID, SLACK_TOKENS, startSlackSandbox } from './sandbox.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSlackSandbox();
});
afterAll(() => sandbox.close());

type Reply = { status: number; headers: Headers; body: any };
async function call(method: string, args: Record<string, string> = {}, init: { token?: string | null; post?: 'form' | 'json' } = {}): Promise<Reply> {
  const token = init.token === undefined ? SLACK_TOKENS.admin : init.token;
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const url = new URL(`/api/${method}`, sandbox.url);
  let body: string | undefined;
  if (init.post === 'json') [headers['content-type'], body] = ['application/json; charset=utf-8', JSON.stringify(args)];
  else if (init.post === 'form') [headers['content-type'], body] = ['application/x-www-form-urlencoded', new URLSearchParams(args).toString()];
  else for (const [k, v] of Object.entries(args)) url.searchParams.set(k, v);
  const res = await fetch(url, { method: init.post ? 'POST' : 'GET', headers, body });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

async function walk(limit: number, token: string = SLACK_TOKENS.admin) {
  const members: SlackUser[] = [];
  const sizes: number[] = [];
  let cursor = '';
  for (let i = 0; i < 1000; i++) {
    const res = await call('users.list', { limit: String(limit), include_locale: 'true', ...(cursor ? { cursor } : {}) }, { token });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    members.push(...res.body.members);
    sizes.push(res.body.members.length);
    cursor = res.body.response_metadata.next_cursor;
    if (cursor === '') return { members, sizes };
  }
  throw new Error('runaway pagination');
}

describe('slack sandbox: users.list paging', () => {
  const expected = slackSandbox.expectedUsers!() as SlackUser[];

  for (const limit of [23, 100, 200]) {
    it(`walks every member exactly once, in order, with limit ${limit}, through short and empty pages`, async () => {
      const { members, sizes } = await walk(limit);
      expect(members).toEqual(expected);
      const notLast = sizes.slice(0, -1);
      expect(notLast.some((n) => n < limit), 'a page shorter than limit while more follow').toBe(true);
      expect(notLast.includes(0), 'an empty page that still carries a next cursor').toBe(true);
    });
  }

  it('caps limit at 1000 and answers limit_required for this large team when no limit is given', async () => {
    const big = await call('users.list', { limit: '5000' });
    expect(big.body.ok).toBe(true);
    expect(big.body.members.length).toBeLessThanOrEqual(1000);
    expect(await call('users.list')).toMatchObject({ status: 200, body: { ok: false, error: 'limit_required' } });
  });

  it('answers POST with form or JSON arguments exactly like GET, including a token sent as an argument', async () => {
    const args = { limit: '10', cursor: encodeCursor(expected[40]!.id) };
    const get = await call('users.list', args);
    expect(get.body.members.map((m: SlackUser) => m.id)).toEqual(expected.slice(40, 50).map((u) => u.id));
    const form = await call('users.list', { ...args, token: SLACK_TOKENS.admin }, { token: null, post: 'form' });
    const json = await call('users.list', args, { post: 'json' });
    for (const r of [form, json]) expect(r.body.members).toEqual(get.body.members);
  });

  it('ignores team_id for a workspace-level token, as documented', async () => {
    const scoped = await call('users.list', { limit: '30', team_id: SLACK_OTHER_TEAM_ID });
    const plain = await call('users.list', { limit: '30' });
    expect(scoped.body.members).toEqual(plain.body.members);
  });

  it('refuses a forged, truncated or unknown cursor with invalid_cursor', async () => {
    for (const cursor of ['not base64!', encodeCursor('UNOSUCHUSER'), Buffer.from('channel:C123').toString('base64'), encodeCursor(expected[3]!.id).slice(0, 6)]) {
      expect((await call('users.list', { limit: '5', cursor })).body, cursor).toEqual({ ok: false, error: 'invalid_cursor' });
    }
  });
});

describe('slack sandbox: auth and errors as HTTP 200 ok:false', () => {
  it('answers each token problem with its documented error code', async () => {
    const cases: [string | null, string][] = [[null, 'not_authed'], ['xoxb-not-a-real-token-000', 'invalid_auth'], [SLACK_TOKENS.revoked, 'token_revoked'], [SLACK_TOKENS.inactive, 'account_inactive']];
    for (const [token, error] of cases) {
      const res = await call('users.list', { limit: '5' }, { token });
      expect({ status: res.status, body: res.body }, error).toEqual({ status: 200, body: { ok: false, error } });
    }
    const scope = await call('users.list', { limit: '5' }, { token: SLACK_TOKENS.noScope });
    expect(scope.body).toEqual({ ok: false, error: 'missing_scope', needed: 'users:read', provided: 'chat:write' });
  });

  it('answers users.info with the member, or user_not_found', async () => {
    const target = slackDataset()[17]!;
    expect((await call('users.info', { user: target.id, include_locale: 'true' })).body).toEqual({ ok: true, user: target });
    expect((await call('users.info', { user: 'U0ZZZZZZZZ' })).body).toEqual({ ok: false, error: 'user_not_found' });
    expect((await call('users.info', { user: 'U0SKIPPED0' })).body).toEqual({ ok: false, error: 'user_not_found' });
  });

  it('rate limits with HTTP 429, Retry-After in seconds and ok:false ratelimited when configured', async () => {
    const limited = await startSlackSandbox({ ratePerMinute: 2 });
    try {
      const hit = () => fetch(`${limited.url}/api/users.list?limit=5`, { headers: { authorization: `Bearer ${SLACK_TOKENS.bot}` } });
      expect((await hit()).status).toBe(200);
      expect((await hit()).status).toBe(200);
      const third = await hit();
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await third.json()).toEqual({ ok: false, error: 'ratelimited' });
    } finally {
      await limited.close();
    }
  });
});

describe('slack sandbox: what each caller may see', () => {
  it('shows has_2fa only to an admin, email only with users:read.email, locale only on request', async () => {
    const page = async (token: string, locale = true) => (await call('users.list', { limit: '37', ...(locale ? { include_locale: 'true' } : {}) }, { token })).body.members as SlackUser[];
    const [admin, bot, noEmail, noLocale] = [await page(SLACK_TOKENS.admin), await page(SLACK_TOKENS.bot), await page(SLACK_TOKENS.noEmail), await page(SLACK_TOKENS.admin, false)];
    expect(admin.filter((m) => typeof m.has_2fa === 'boolean').length).toBeGreaterThan(20);
    expect(admin.some((m) => m.two_factor_type === 'sms') && admin.some((m) => m.two_factor_type === 'app')).toBe(true);
    expect(bot.some((m) => 'has_2fa' in m || 'two_factor_type' in m)).toBe(false);
    expect(bot.filter((m) => m.profile?.email).length).toBeGreaterThan(20);
    expect(noEmail.some((m) => m.profile && 'email' in m.profile)).toBe(false);
    expect(noLocale.some((m) => 'locale' in m)).toBe(false);
    expect(admin.filter((m) => m.locale).length).toBeGreaterThan(20);
  });

  it('holds at least 250 members with the edge cases the foundation asks for', () => {
    const data = slackDataset();
    expect(data.length).toBeGreaterThanOrEqual(250);
    expect(new Set(data.map((u) => u.id)).size).toBe(data.length);
    const count = (test: (u: SlackUser) => boolean) => data.filter(test).length;
    const slackbot = data.find((u) => u.id === SLACKBOT_ID)!;
    expect(slackbot.is_bot).toBe(false); // "Slackbot is special, so is_bot will be false for it"
    expect(count((u) => u.is_bot === true)).toBeGreaterThanOrEqual(5);
    expect(count((u) => u.is_bot === true && !u.profile?.email)).toBe(count((u) => u.is_bot === true));
    expect(count((u) => u.deleted === true)).toBeGreaterThanOrEqual(5);
    expect(count((u) => u.is_invited_user === true)).toBeGreaterThanOrEqual(3);
    expect(count((u) => u.is_primary_owner === true)).toBe(1);
    expect(count((u) => u.is_owner === true && !u.is_primary_owner)).toBeGreaterThanOrEqual(2);
    expect(count((u) => u.is_admin === true && !u.is_owner)).toBeGreaterThanOrEqual(5);
    expect(count((u) => u.is_restricted === true && !u.is_ultra_restricted)).toBeGreaterThanOrEqual(5);
    expect(count((u) => u.is_ultra_restricted === true && u.is_restricted === true)).toBeGreaterThanOrEqual(5);
    expect(count((u) => u.enterprise_user !== undefined && u.id.startsWith('W'))).toBeGreaterThanOrEqual(10);
    expect(count((u) => /[^\u0000-\u024f]/.test(u.profile?.real_name ?? ''))).toBeGreaterThanOrEqual(3);
    expect(count((u) => u.profile?.real_name === '' && !!u.profile.display_name)).toBeGreaterThanOrEqual(1);
    expect(data.every((u) => typeof u.updated === 'number' && Number.isInteger(u.updated))).toBe(true);
  });
});

describe('slack mapper', () => {
  const read = (file: string) => JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8'));

  it('maps every recorded payload into its expected unified user (fixtures)', () => {
    const fixtures: SlackUser[] = read('users.json');
    expect(fixtures.map((r) => JSON.parse(JSON.stringify(mapSlackUser(r))))).toEqual(read('users.expected.json'));
  });

  it('derives status, userType, roles and 2FA from the flags, Slackbot included', () => {
    const byId = Object.fromEntries((read('users.json') as SlackUser[]).map((u) => [u.id, mapSlackUser(u)]));
    expect(byId.USLACKBOT).toMatchObject({ userType: 'MACHINE', roles: [{ id: 'bot' }], emails: [], updatedAt: null, is2faEnabled: null });
    expect(byId.U01OWNER0001).toMatchObject({ userType: 'ADMIN', roles: [{ id: 'primary_owner' }, { id: 'owner' }, { id: 'admin' }, { id: 'member' }], is2faEnabled: true });
    expect(byId.U04SINGLE001).toMatchObject({ userType: 'LIMITED', roles: [{ id: 'single_channel_guest' }], is2faEnabled: null });
    expect(byId.U06GONE00001).toMatchObject({ status: 'DELETED', remoteStatus: 'deleted', userType: null, roles: [] });
    expect(byId.U08INVITE001).toMatchObject({ status: 'INVITED', name: null, isEmailVerified: false });
    expect(byId.W012GRID0001).toMatchObject({ organizations: [{ id: 'E012ACMEORG', name: 'Acme Holdings' }], updatedAt: '2023-02-01T15:16:30.000Z' });
    expect(byId.U09DISPLAY01).toMatchObject({ name: 'night-owl 🦉', emails: [], phones: [] });
  });

  it('maps every sandbox member without throwing, each under exactly one status', () => {
    const mapped = slackDataset().map(mapSlackUser);
    expect(new Set(mapped.map((u) => u.status))).toEqual(new Set(['ACTIVE', 'DELETED', 'INVITED']));
    expect(new Set(mapped.map((u) => u.userType))).toEqual(new Set(['ADMIN', 'LIMITED', 'MACHINE', 'USER', null]));
  });
});
