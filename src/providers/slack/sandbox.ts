// Slack sandbox: a simulated Slack Web API (https://slack.com/api/…) speaking the documented wire format of
// users.list and users.info.
// - users.list: https://docs.slack.dev/reference/methods/users.list — GET or POST (form or JSON), `limit`,
//   `cursor`, `include_locale`, `team_id` (ignored for a workspace-level token, as documented). "Fewer than the
//   requested number of items may be returned, even if the end of the users list hasn't been reached": pages
//   stop at internal block boundaries, and one block holds only rows the list skips, so every walk meets an
//   empty page that still carries a next cursor (the limiting case of the documented behaviour; Slack does not
//   name empty pages explicitly). No `limit` on this "large team" answers `limit_required`.
// - Cursors: https://docs.slack.dev/apis/web-api/pagination — opaque; here base64 of `user:<id>` like the
//   documented example `dXNlcjpVMDYxTkZUVDI=`; `response_metadata.next_cursor` is '' at the end.
// - Errors: HTTP 200 `{ok:false, error}` (not_authed, invalid_auth, account_inactive, token_revoked, missing_scope
//   with needed/provided, invalid_cursor, limit_required, user_not_found); rate limits as HTTP 429 + Retry-After
//   (seconds) + `{ok:false, error:'ratelimited'}` (https://docs.slack.dev/apis/web-api/rate-limits), off unless
//   `ratePerMinute` is given.
// - Visibility: `has_2fa`/`two_factor_type` only for an admin's token ("Only visible if the user executing the
//   call is an admin", https://docs.slack.dev/reference/objects/user-object); `profile.email` only with the
//   users:read.email scope; `locale` only with include_locale=true.
// Unconfirmed, modelled as assumed: deactivated users come without role flags, tz and has_2fa; bot tokens do
// not see has_2fa; an unknown method answers HTTP 404 `unknown_method`.
import { oauthSim } from '../engine/oauth-sandbox.js';
import { people, rng, startSandbox, type ProviderSandbox, type Sandbox, type SandboxReply, type SandboxRequest } from '../engine/sandbox-kit.js';
import { SLACKBOT_ID, type SlackUser } from './map.js';

export const SLACK_TEAM_ID = 'T0SANDBOX1';
/** A second workspace of the same Enterprise org: its members carry it in enterprise_user.teams. */
export const SLACK_OTHER_TEAM_ID = 'T0SANDBOX2';
export const SLACK_ENTERPRISE_ID = 'E0SANDBOX1';

/** Tokens the sandbox knows, by what they may see. The admin's user token is the demo account's. */
export const SLACK_TOKENS = {
  admin: 'xoxp-sandbox-admin-7f3c2e91d4a0',
  bot: 'xoxb-sandbox-bot-52a8c0e6f1b7',
  /** A bot token without users:read.email: profiles come without `email`. */
  noEmail: 'xoxb-sandbox-noemail-3d9e7a4c21',
  /** A token without users:read. */
  noScope: 'xoxb-sandbox-noscope-b41f08e6d3',
  revoked: 'xoxp-sandbox-revoked-9c1d55e0a7',
  inactive: 'xoxp-sandbox-inactive-6e2a19f4c8',
} as const;

/** The Slack app the sandbox's OAuth install flow knows (sandbox values, no real app). */
export const SLACK_OAUTH_CLIENT = { clientId: '1111111111.2222222222', clientSecret: 'sbx-slack-client-secret-3Rk9' };

interface TokenGrant { admin: boolean; scopes: string[]; error?: string }
const INSTALLED: TokenGrant = { admin: false, scopes: ['users:read', 'users:read.email'] };
const GRANTS: Record<string, TokenGrant> = {
  [SLACK_TOKENS.admin]: { admin: true, scopes: ['users:read', 'users:read.email'] },
  [SLACK_TOKENS.bot]: { admin: false, scopes: ['users:read', 'users:read.email'] },
  [SLACK_TOKENS.noEmail]: { admin: false, scopes: ['users:read'] },
  [SLACK_TOKENS.noScope]: { admin: false, scopes: ['chat:write'] },
  [SLACK_TOKENS.revoked]: { admin: false, scopes: [], error: 'token_revoked' },
  [SLACK_TOKENS.inactive]: { admin: false, scopes: [], error: 'account_inactive' },
};

const TZ: [string, string, number][] = [
  ['America/Los_Angeles', 'Pacific Standard Time', -28800],
  ['Europe/Paris', 'Central European Time', 3600],
  ['Asia/Tokyo', 'Japan Standard Time', 32400],
  ['America/New_York', 'Eastern Standard Time', -18000],
  ['Europe/London', 'Greenwich Mean Time', 0],
  ['Asia/Kolkata', 'India Standard Time', 19800],
];
const TITLES = ['Engineer', 'Product Manager', 'Designer', 'Support Lead', 'Directrice financière'];
const LOCALES = ['en-US', 'fr-FR', 'ja-JP', 'de-DE', 'pt-BR'];
const COLORS = ['9f69e7', '4bbe2e', 'e7392d', '3c989f', 'e96699', '674b1b'];
const BOTS = ['Deploy Bot', 'Standup Bot', 'PagerDuty', 'Jira Cloud', 'Polly'];

/** "The real_name field, but with any non-Latin characters filtered out." */
const normalized = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\p{Script=Latin}\p{N} .'-]/gu, '').trim();

function images(id: string, hash: string, big: boolean): Record<string, string | boolean> {
  const url = (size: string) => `https://avatars.sandbox-slack.test/${id}/${hash}_${size}.png`;
  const out: Record<string, string | boolean> = {};
  for (const size of [24, 32, 48, 72, 192, 512]) out[`image_${size}`] = url(String(size));
  if (big) Object.assign(out, { image_1024: url('1024'), image_original: url('original'), is_custom_image: true });
  return out;
}

function slackbot(): SlackUser {
  return {
    id: SLACKBOT_ID, team_id: SLACK_TEAM_ID, name: 'slackbot', deleted: false, color: '757575', real_name: 'Slackbot',
    tz: 'America/Los_Angeles', tz_label: 'Pacific Standard Time', tz_offset: -28800,
    profile: {
      title: '', phone: '', skype: '', real_name: 'Slackbot', real_name_normalized: 'Slackbot', display_name: 'Slackbot', display_name_normalized: 'Slackbot',
      fields: {}, status_text: '', status_emoji: '', status_expiration: 0, avatar_hash: 'sv41d8cd98f0', always_active: true,
      first_name: 'slackbot', last_name: '', ...images(SLACKBOT_ID, 'sv41d8cd98f0', false), status_text_canonical: '', team: SLACK_TEAM_ID,
    },
    // Slackbot is special: is_bot is false for it (user-object docs).
    is_admin: false, is_owner: false, is_primary_owner: false, is_restricted: false, is_ultra_restricted: false, is_bot: false,
    is_app_user: false, updated: 0, is_email_confirmed: false, who_can_share_contact_card: 'EVERYONE',
  };
}

/**
 * The workspace as an admin sees it with include_locale=true and users:read.email, in list order.
 * Edge cases by index: 0 Slackbot, 1 the primary owner (first name only), 2-4 CJK, Cyrillic and emoji names,
 * 5 an Arabic name, 11 only a display name, every 23rd from 7 a bot, every 19th from 8 deactivated, every 29th
 * from 9 invited, owners, admins, multi- and single-channel guests, Enterprise members (W ids) in two workspaces.
 */
export function slackDataset(count = 262): SlackUser[] {
  const rand = rng(0x51ac);
  const hex = () => Math.floor(rand() * 0xffffffffffff).toString(16).padStart(12, '0');
  return people(count, 0x51ac, 'acme.sandbox-slack.test').map((p, i): SlackUser => {
    if (i === 0) return slackbot();
    const enterprise = i % 8 === 5;
    const id = `${enterprise ? 'W' : 'U'}0${(0x4a1b2c + i * 7919).toString(36).toUpperCase().padStart(8, '0')}`;
    const [tz, tzLabel, tzOffset] = TZ[i % TZ.length]!;
    const hash = hex();
    const updated = Math.floor(Date.parse(p.updatedAt) / 1000);
    const color = COLORS[i % COLORS.length]!;
    const handle = p.email.split('@')[0]!;
    if (i % 23 === 7) {
      const real = BOTS[Math.floor(i / 23) % BOTS.length]!;
      const botHandle = real.toLowerCase().replace(/[^a-z]/g, '');
      return {
        id, team_id: SLACK_TEAM_ID, name: `${botHandle}${i}`, deleted: false, color, real_name: real, tz: 'America/Los_Angeles', tz_label: 'Pacific Standard Time', tz_offset: -28800,
        profile: {
          title: '', phone: '', skype: '', real_name: real, real_name_normalized: normalized(real), display_name: '', display_name_normalized: '',
          fields: null, status_text: '', status_emoji: '', status_expiration: 0, avatar_hash: hash, api_app_id: `A0${hash.slice(0, 9).toUpperCase()}`,
          always_active: i % 2 === 1, bot_id: `B0${hash.slice(3, 12).toUpperCase()}`, ...images(id, hash, false), team: SLACK_TEAM_ID,
        },
        is_admin: false, is_owner: false, is_primary_owner: false, is_restricted: false, is_ultra_restricted: false, is_bot: true,
        is_app_user: false, updated, is_email_confirmed: false, who_can_share_contact_card: 'EVERYONE', has_2fa: false,
      };
    }
    let first = p.firstName ?? '';
    let last = p.lastName ?? '';
    if (i === 5) [first, last] = ['ليلى', 'حداد'];
    const invited = i % 29 === 9;
    let real = invited ? '' : [first, last].filter(Boolean).join(' ');
    let display = i % 4 === 0 ? handle : '';
    if (i === 11) [first, last, real, display] = ['', '', '', 'night-owl 🦉'];
    if (invited) [first, last, display] = ['', '', ''];
    const profile = {
      title: i % 3 === 0 ? TITLES[i % TITLES.length]! : '',
      phone: i % 9 === 0 ? `+1 555 01${String(i % 100).padStart(2, '0')}` : '',
      skype: '',
      real_name: real,
      real_name_normalized: normalized(real),
      display_name: display,
      display_name_normalized: normalized(display),
      fields: null,
      status_text: i % 10 === 0 ? 'In a meeting' : '',
      status_emoji: i % 10 === 0 ? ':calendar:' : '',
      status_expiration: 0,
      avatar_hash: hash,
      email: p.email,
      first_name: first,
      last_name: last,
      ...images(id, hash, i % 5 === 0),
      status_text_canonical: '',
      team: SLACK_TEAM_ID,
    };
    if (i % 19 === 8) {
      // Deactivated: the sandbox assumes Slack drops role flags, tz and 2FA for them (unconfirmed).
      return { id, team_id: SLACK_TEAM_ID, name: handle, deleted: true, profile, is_bot: false, is_app_user: false, updated, is_email_confirmed: true };
    }
    const primary = i === 1;
    const owner = primary || i % 41 === 2;
    const admin = owner || i % 13 === 3;
    const ultra = !admin && i % 17 === 6;
    const restricted = ultra || (!admin && i % 11 === 4);
    const twoFactor = i % 3 !== 1;
    return {
      id, team_id: SLACK_TEAM_ID, name: handle, deleted: false, color, real_name: real, tz, tz_label: tzLabel, tz_offset: tzOffset, profile,
      is_admin: admin, is_owner: owner, is_primary_owner: primary, is_restricted: restricted, is_ultra_restricted: ultra, is_bot: false,
      is_app_user: i % 27 === 0, updated, is_email_confirmed: !invited && i % 31 !== 12, who_can_share_contact_card: 'EVERYONE',
      ...(invited ? { is_invited_user: true } : {}),
      has_2fa: twoFactor,
      ...(twoFactor ? { two_factor_type: i % 2 === 0 ? 'app' : 'sms' } : {}),
      locale: LOCALES[i % LOCALES.length]!,
      ...(enterprise
        ? { enterprise_user: { id, enterprise_id: SLACK_ENTERPRISE_ID, enterprise_name: 'Acme Holdings 株式会社', is_admin: i % 16 === 13, is_owner: false, is_primary_owner: false, teams: [SLACK_TEAM_ID, SLACK_OTHER_TEAM_ID] } }
        : {}),
    };
  });
}

export interface SlackView { admin: boolean; email: boolean; locale: boolean }
/** A member as a given caller sees it: has_2fa only for admins, email only with users:read.email, locale on request. */
export function viewOf(u: SlackUser, view: SlackView): SlackUser {
  const out: SlackUser = structuredClone(u);
  if (!view.admin) {
    delete out.has_2fa;
    delete out.two_factor_type;
  }
  if (!view.locale) delete out.locale;
  if (!view.email && out.profile) delete out.profile.email;
  return out;
}

// --- paging: internal rows, blocks and the skipped block -----------------------------------------
const BLOCK = 37;
/** Rows the list skips (stand-ins for whatever makes Slack answer short or empty pages). */
const SKIPPED_AT = 150;
const SKIPPED = 4;

interface Row { id: string; user?: SlackUser }
function rowsOf(users: SlackUser[]): Row[] {
  const rows: Row[] = users.map((u) => ({ id: u.id, user: u }));
  if (rows.length > SKIPPED_AT) rows.splice(SKIPPED_AT, 0, ...Array.from({ length: SKIPPED }, (_, k) => ({ id: `U0SKIPPED${k}` })));
  return rows;
}
/** A page never crosses the next boundary: multiples of BLOCK, and both ends of the skipped block. */
function boundaryAfter(start: number): number {
  const candidates = [(Math.floor(start / BLOCK) + 1) * BLOCK, SKIPPED_AT, SKIPPED_AT + SKIPPED].filter((b) => b > start);
  return Math.min(...candidates);
}
export const encodeCursor = (id: string) => Buffer.from(`user:${id}`).toString('base64');
function decodeCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9+/]+=*$/.test(cursor)) return null;
  const m = /^user:([A-Z0-9]+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return m ? m[1]! : null;
}

const fail = (error: string, extra: Record<string, unknown> = {}, status = 200): SandboxReply => ({ status, body: { ok: false, error, ...extra } });

export interface SlackSandboxOptions {
  users?: SlackUser[];
  port?: number;
  /** Requests per token per minute before HTTP 429 + Retry-After (off by default: tests stay deterministic). */
  ratePerMinute?: number;
}

export function startSlackSandbox(opts: SlackSandboxOptions = {}): Promise<Sandbox> {
  const rows = rowsOf(opts.users ?? slackDataset());
  const windows = new Map<string, { start: number; count: number }>();
  // The OAuth install flow (/oauth/v2/authorize, /api/oauth.v2.access) with token rotation: its bot tokens read users.
  const oauth = oauthSim({ ...SLACK_OAUTH_CLIENT, authorizePath: /^\/oauth\/v2\/authorize$/, tokenPath: /^\/api\/oauth\.v2\.access$/, prefix: 'xoxe.xoxb-sbx', accessLifetimeSeconds: 43_200, errorStyle: 'slack' });

  /** Slack's method arguments: the query string, and for POST the form or JSON body too. */
  const argsOf = (req: SandboxRequest): Record<string, string> => {
    const args: Record<string, string> = Object.fromEntries(req.query.entries());
    if (req.method === 'POST' && req.body && typeof req.body === 'object') for (const [k, v] of Object.entries(req.body)) args[k] = String(v);
    return args;
  };
  /** Bearer header, or a `token` POST argument (documented alternative). */
  function authorize(req: SandboxRequest, args: Record<string, string>): { grant: TokenGrant; token: string } | SandboxReply {
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : req.method === 'POST' ? args.token : undefined;
    if (!token) return fail('not_authed');
    const grant = GRANTS[token] ?? (oauth.accepts(token) ? INSTALLED : undefined);
    if (!grant) return fail('invalid_auth');
    if (grant.error) return fail(grant.error);
    if (!grant.scopes.includes('users:read')) return fail('missing_scope', { needed: 'users:read', provided: grant.scopes.join(',') });
    if (opts.ratePerMinute !== undefined) {
      const now = Date.now();
      const w = windows.get(token);
      if (!w || now - w.start >= 60_000) windows.set(token, { start: now, count: 1 });
      else if (++w.count > opts.ratePerMinute) {
        const wait = Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000));
        return { status: 429, headers: { 'retry-after': String(wait) }, body: { ok: false, error: 'ratelimited' } };
      }
    }
    return { grant, token };
  }
  const method = (handle: (args: Record<string, string>, view: SlackView) => SandboxReply) => (req: SandboxRequest): SandboxReply => {
    const args = argsOf(req);
    const auth = authorize(req, args);
    if (!('grant' in auth)) return auth;
    return handle(args, { admin: auth.grant.admin, email: auth.grant.scopes.includes('users:read.email'), locale: args.include_locale === 'true' || args.include_locale === '1' });
  };

  const list = method((args, view) => {
    let start = 0;
    if (args.cursor) {
      const id = decodeCursor(args.cursor);
      start = id === null ? -1 : rows.findIndex((r) => r.id === id);
      if (start < 0) return fail('invalid_cursor');
    }
    let limit = args.limit === undefined || args.limit === '' ? 0 : Number(args.limit);
    if (!Number.isInteger(limit) || limit < 0) return fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] invalid `limit`'] } });
    // "Providing no limit value will result in Slack attempting to deliver you the entire result set", which
    // fails for large teams: this one is.
    if (limit === 0) {
      if (rows.length > 200) return fail('limit_required');
      limit = rows.length;
    }
    limit = Math.min(limit, 1000);
    const end = Math.min(start + limit, boundaryAfter(start), rows.length);
    const members = rows.slice(start, end).flatMap((r) => (r.user ? [viewOf(r.user, view)] : []));
    const next = end < rows.length ? encodeCursor(rows[end]!.id) : '';
    return { body: { ok: true, members, cache_ts: Math.floor(Date.now() / 1000), response_metadata: { next_cursor: next } } };
  });

  const info = method((args, view) => {
    const user = rows.find((r) => r.user && r.id === args.user)?.user;
    return user ? { body: { ok: true, user: viewOf(user, view) } } : fail('user_not_found');
  });

  return startSandbox(
    {
      name: 'slack',
      oauth,
      // Slack answers auth failures itself, as HTTP 200 ok:false: each method checks the token.
      authenticate: () => true,
      unauthorized: fail('not_authed'),
      notFound: fail('unknown_method', {}, 404),
      commonHeaders: () => ({ 'x-slack-req-id': Math.floor(Math.random() * 2 ** 48).toString(16) }),
      routes: (['GET', 'POST'] as const).flatMap((m) => [
        { method: m, path: /^\/api\/users\.list$/, handle: list },
        { method: m, path: /^\/api\/users\.info$/, handle: info },
      ]),
    },
    opts.port,
  );
}

export const slackSandbox: ProviderSandbox = {
  slug: 'slack',
  start: (port) => startSlackSandbox({ port }),
  demoAccount: (url) => ({ context: { baseUrl: url }, credentials: { accessToken: SLACK_TOKENS.admin } }),
  demoOAuthApp: (url) => ({ ...SLACK_OAUTH_CLIENT, authorizeUrl: `${url}/oauth/v2/authorize`, tokenUrl: `${url}/api/oauth.v2.access`, context: { baseUrl: url } }),
  // What the demo account's list returns: an admin's view (has_2fa), with email, and with the adapter's
  // include_locale=true. Skipped rows never appear.
  expectedUsers: () => slackDataset().map((u) => viewOf(u, { admin: true, email: true, locale: true })),
};
