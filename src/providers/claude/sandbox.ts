// Claude sandbox: a simulated Anthropic Admin API speaking the documented wire format of
// GET /v1/organizations/users (after_id/before_id + limit 1–1000, `email`, repeatable `roles`, body
// { data, has_more, first_id, last_id }), GET /v1/organizations/users/{user_id}, and the Claude Code usage
// report (starting_at, limit ≤ 1000, opaque `page` ← next_page). Auth is `x-api-key` plus a required
// `anthropic-version` header; errors use Anthropic's envelope { type: "error", error: { type, message }, request_id }.
import { people, rng, startSandbox, type ProviderSandbox, type Sandbox, type SandboxReply, type SandboxRequest } from '../engine/sandbox-kit.js';
import { CLAUDE_ROLES, type ClaudeCodeUsageRow, type ClaudeUser } from './adapter.js';

export const CLAUDE_SANDBOX_API_KEY = 'sk-ant-admin01-sandbox-3f9c2a7e1b';
/** Most rows the sandbox's usage report returns per page (the documented maximum). */
export const CLAUDE_USAGE_PAGE_MAX = 1000;

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghijkmnopqrstuvwxyz';
const ROLE_CYCLE = ['developer', 'user', 'developer', 'admin', 'billing', 'claude_code_user', 'user', 'developer', 'managed', 'membership_admin', 'owner', 'user'];
const DOMAIN = 'acme.claude-sandbox.test';
/** Index of the member whose e-mail is stored in mixed case and who uses Claude Code every day. */
export const CLAUDE_MIXED_CASE_INDEX = 12;

export function claudeDataset(count = 260): ClaudeUser[] {
  const rand = rng(0xc1a0de);
  return people(count, 0xc1a0de, DOMAIN).map((p, i) => {
    const id = `user_01${Array.from({ length: 22 }, () => ALPHABET[Math.floor(rand() * ALPHABET.length)]).join('')}`;
    const user: ClaudeUser = {
      type: 'user',
      id,
      added_at: p.createdAt,
      email: i === CLAUDE_MIXED_CASE_INDEX ? `Mixed.Case.${i}@${DOMAIN}` : p.email,
      name: p.name ?? '',
      role: i === 9 ? 'primary_owner' : ROLE_CYCLE[i % ROLE_CYCLE.length]!,
    };
    if (i === 8) Object.assign(user, { sso_subject: 'okta|00u8', workspace_roles: [{ workspace_id: 'wrkspc_01', role: 'workspace_developer' }], beta: { flag: true } });
    return user;
  });
}

const dayNumber = (day: string) => Math.floor(Date.parse(`${day}T00:00:00Z`) / 86_400_000);
const usageRow = (day: string, actor: ClaudeCodeUsageRow['actor'], n: number, terminal: string): ClaudeCodeUsageRow => ({
  date: `${day}T00:00:00Z`,
  actor,
  organization_id: '6f1c2e0a-5b7d-4c1e-9a3f-0d2b8e7c4a11',
  customer_type: 'api',
  terminal_type: terminal,
  core_metrics: { num_sessions: 1 + (n % 6), lines_of_code: { added: 40 * n, removed: 7 * n }, commits_by_claude_code: n % 4, pull_requests_by_claude_code: n % 2 },
  tool_actions: { edit_tool: { accepted: 10 + (n % 9), rejected: n % 3 }, write_tool: { accepted: n % 5, rejected: 0 } },
  model_breakdown: [{ model: 'claude-sonnet-4-5-20250929', tokens: { input: 1000 * n, output: 200 * n, cache_read: 50 * n, cache_creation: 10 * n }, estimated_cost: { currency: 'USD', amount: 3 * n } }],
});

/**
 * The Claude Code report for one UTC day, deterministic for any day: members with (index + day) % 5 === 0
 * (every third of them twice, from two terminals), the mixed-case member every day (reported in lower
 * case), a former member no longer in the org, and three API-key actors.
 */
export function claudeUsageReport(day: string, users: ClaudeUser[] = claudeDataset()): ClaudeCodeUsageRow[] {
  const d = dayNumber(day);
  const rows: ClaudeCodeUsageRow[] = [];
  users.forEach((u, i) => {
    const email = String(u.email);
    if (i === CLAUDE_MIXED_CASE_INDEX) rows.push(usageRow(day, { type: 'user_actor', email_address: email.toLowerCase() }, i, 'vscode'));
    else if ((i + d) % 5 === 0) {
      rows.push(usageRow(day, { type: 'user_actor', email_address: email }, i, 'iTerm.app'));
      if (i % 3 === 0) rows.push(usageRow(day, { type: 'user_actor', email_address: email }, i + 1, 'tmux'));
    }
    if (i % 50 === 25) rows.push(usageRow(day, { type: 'api_actor', api_key_name: `ci-key-${i}` }, i, 'non-interactive'));
  });
  rows.push(usageRow(day, { type: 'user_actor', email_address: `former.member@${DOMAIN}` }, 3, 'vscode'));
  return rows;
}

let requestSeq = 0;
const error = (status: number, type: string, message: string): SandboxReply => ({
  status,
  body: { type: 'error', error: { type, message }, request_id: `req_sandbox${String(++requestSeq).padStart(6, '0')}` },
});
const invalid = (message: string) => error(400, 'invalid_request_error', message);

/** Documented ranges are validated, not clamped: out-of-range values are an invalid_request_error. */
function limitOf(q: URLSearchParams): number | SandboxReply {
  const raw = q.get('limit');
  if (raw === null) return 20;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 1000 ? n : invalid('limit: Input should be less than or equal to 1000 and greater than or equal to 1');
}

export function startClaudeSandbox(opts: { apiKey?: string; users?: ClaudeUser[]; port?: number; usagePageMax?: number } = {}): Promise<Sandbox> {
  const apiKey = opts.apiKey ?? CLAUDE_SANDBOX_API_KEY;
  const users = opts.users ?? claudeDataset();
  const usageMax = opts.usagePageMax ?? CLAUDE_USAGE_PAGE_MAX;
  const versioned = (handle: (req: SandboxRequest, params: string[]) => SandboxReply) => (req: SandboxRequest, params: string[]) =>
    req.headers['anthropic-version'] ? handle(req, params) : invalid('anthropic-version: header is required');

  const listUsers = (req: SandboxRequest): SandboxReply => {
    const limit = limitOf(req.query);
    if (typeof limit !== 'number') return limit;
    let pool = users;
    const email = req.query.get('email');
    if (email !== null) pool = pool.filter((u) => String(u.email).toLowerCase() === email.toLowerCase());
    const roles = req.query.getAll('roles');
    const bad = roles.find((r) => !(CLAUDE_ROLES as readonly string[]).includes(r));
    if (bad !== undefined) return invalid(`roles: Input should be ${CLAUDE_ROLES.map((r) => `'${r}'`).join(', ')}`);
    if (roles.length) pool = pool.filter((u) => roles.includes(String(u.role)));
    const afterId = req.query.get('after_id');
    const beforeId = req.query.get('before_id');
    let start = 0;
    let end = pool.length;
    if (afterId !== null) {
      const at = pool.findIndex((u) => u.id === afterId);
      if (at < 0) return invalid(`after_id: no user ${afterId} in this list`);
      start = at + 1;
    }
    if (beforeId !== null) {
      const at = pool.findIndex((u) => u.id === beforeId);
      if (at < 0) return invalid(`before_id: no user ${beforeId} in this list`);
      end = at;
      start = Math.max(start, end - limit);
    }
    const data = pool.slice(start, Math.min(end, start + limit));
    const hasMore = beforeId !== null ? start > 0 : start + data.length < end;
    return { body: { data, has_more: hasMore, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null } };
  };

  const usage = (req: SandboxRequest): SandboxReply => {
    const day = req.query.get('starting_at');
    if (day === null) return invalid('starting_at: Field required');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(day))) return invalid(`starting_at: Input should be a valid date in YYYY-MM-DD format`);
    const limit = limitOf(req.query);
    if (typeof limit !== 'number') return limit;
    const size = Math.min(limit, usageMax);
    let offset = 0;
    const page = req.query.get('page');
    if (page !== null) {
      const [d, o] = Buffer.from(page.replace(/^page_/, ''), 'base64url').toString().split('|');
      if (d !== day || !/^\d+$/.test(o ?? '')) return invalid('page: invalid pagination token');
      offset = Number(o);
    }
    const rows = claudeUsageReport(day, users);
    const data = rows.slice(offset, offset + size);
    const more = offset + data.length < rows.length;
    return { body: { data, has_more: more, next_page: more ? `page_${Buffer.from(`${day}|${offset + data.length}`).toString('base64url')}` : null } };
  };

  return startSandbox(
    {
      name: 'claude',
      authenticate: (req) => req.headers['x-api-key'] === apiKey,
      unauthorized: error(401, 'authentication_error', 'invalid x-api-key'),
      notFound: error(404, 'not_found_error', 'Not found'),
      commonHeaders: () => ({ 'request-id': `req_sandbox${String(++requestSeq).padStart(6, '0')}` }),
      routes: [
        { method: 'GET', path: /^\/v1\/organizations\/users$/, handle: versioned(listUsers) },
        {
          method: 'GET',
          path: /^\/v1\/organizations\/users\/([^/]+)$/,
          handle: versioned((_req, [id]) => {
            const u = users.find((x) => x.id === id);
            return u ? { body: u } : error(404, 'not_found_error', `User ${id} not found.`);
          }),
        },
        { method: 'GET', path: /^\/v1\/organizations\/usage_report\/claude_code$/, handle: versioned(usage) },
      ],
    },
    opts.port,
  );
}

export const claudeSandbox: ProviderSandbox = {
  slug: 'claude',
  start: (port) => startClaudeSandbox({ port }),
  demoAccount: (url) => ({ context: { baseUrl: url }, credentials: { apiKey: CLAUDE_SANDBOX_API_KEY } }),
  expectedUsers: () => claudeDataset(),
};
