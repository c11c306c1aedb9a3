// Cursor sandbox: a simulated Cursor Admin API speaking the documented wire format — HTTP Basic with the key
// as user name and an empty password, GET /teams/members (the whole team in one response), POST /teams/spend
// (JSON body `page` 1-based + `pageSize`, `totalPages` in the body, optional `searchTerm`), POST
// /teams/daily-usage-data (JSON `startDate`/`endDate` in epoch ms, ≤ 30 days) and Cursor's `{ error, message }`
// envelope. The spend page-size default (25) and maximum (100) are our choice: Cursor documents neither.
import { people, startSandbox, type ProviderSandbox, type Sandbox, type SandboxRequest } from '../engine/sandbox-kit.js';
import { type CursorMember, type CursorSpend, type CursorUsageRow } from './adapter.js';

export const CURSOR_SANDBOX_KEY = 'key_sandbox_cursor_admin_7f3e21';
export const SPEND_DEFAULT_PAGE_SIZE = 25;
export const SPEND_MAX_PAGE_SIZE = 100;
const DAY_MS = 86_400_000;

/** 260 members: every role, removed members, missing/empty names, unicode, one record with extra fields. */
export function cursorDataset(count = 260): CursorMember[] {
  return people(count, 0xc0de, 'acme-cursor.test').map((p, i) => {
    const m: CursorMember = {
      id: 48_000 + i * 7,
      ...(p.name === null ? {} : { name: i === 9 ? '' : p.name }),
      email: p.email,
      role: i % 6 === 3 ? 'owner' : i % 6 === 5 ? 'free-owner' : 'member',
      isRemoved: i % 11 === 10,
    };
    if (i === 8) Object.assign(m, { teamId: 9001, avatarUrl: null, unexpectedField: { nested: [1, 2, 3] } });
    return m;
  });
}

/** Spend rows for current members, in a different order from /teams/members (sorted by amount, descending). */
export function cursorSpend(members: CursorMember[]): CursorSpend[] {
  return members
    .map((m, i) => ({ m, i }))
    .filter(({ m }) => !m.isRemoved)
    .map(({ m, i }) => ({
      spendCents: (i * 137) % 5000,
      fastPremiumRequests: (i * 31) % 500,
      name: m.name ?? '',
      email: i === 12 ? String(m.email).toUpperCase() : m.email, // e-mail case differs: the join must not care
      role: m.role,
      hardLimitOverrideDollars: i % 4 === 0 ? 100 + i : i % 9 === 1 ? 0 : null,
    }))
    .sort((a, b) => b.spendCents - a.spendCents || String(a.email).localeCompare(String(b.email)));
}

/** UTC midnight `n` days before `now`. */
export const dayStart = (n: number, now = Date.now()) => Math.floor(now / DAY_MS) * DAY_MS - n * DAY_MS;

/** Daily usage rows for the last 6 days: every third member, active on alternate days, idle rows in between. */
export function cursorUsage(members: CursorMember[], now = Date.now()): CursorUsageRow[] {
  const rows: CursorUsageRow[] = [];
  for (let d = 6; d >= 1; d--) {
    members.forEach((m, i) => {
      if (i % 3 !== 0 || m.isRemoved) return;
      const isActive = (i + d) % 2 === 0;
      rows.push({
        date: dayStart(d, now),
        isActive,
        totalLinesAdded: isActive ? (i * d) % 900 : 0,
        acceptedLinesAdded: isActive ? (i * d) % 400 : 0,
        chatRequests: isActive ? (i + d) % 40 : 0,
        agentRequests: isActive ? (i * 3 + d) % 25 : 0,
        mostUsedModel: isActive ? 'claude-4-sonnet' : '',
        clientVersion: '1.4.2',
        email: m.email,
      });
    });
  }
  return rows;
}

const error = (status: number, err: string, message: string) => ({ status, body: { error: err, message } });
const bad = (message: string) => error(400, 'Bad Request', message);
const int = (v: unknown, def: number, max = Number.MAX_SAFE_INTEGER) => {
  if (v === undefined || v === null) return def;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : NaN;
};

export function startCursorSandbox(opts: { apiKey?: string; members?: CursorMember[]; now?: () => number; port?: number } = {}): Promise<Sandbox> {
  const auth = `Basic ${Buffer.from(`${opts.apiKey ?? CURSOR_SANDBOX_KEY}:`).toString('base64')}`;
  const members = opts.members ?? cursorDataset();
  const spend = cursorSpend(members);
  const now = opts.now ?? Date.now;
  const json = (req: SandboxRequest) => (req.body && typeof req.body === 'object' ? req.body : {});
  return startSandbox(
    {
      name: 'cursor',
      authenticate: (req) => req.headers.authorization === auth,
      unauthorized: { status: 401, body: { statusCode: 401, error: 'Unauthorized', message: 'Invalid API key' } },
      notFound: error(404, 'Not Found', 'Resource not found'),
      routes: [
        { method: 'GET', path: /^\/teams\/members$/, handle: () => ({ body: { teamMembers: members } }) },
        {
          method: 'POST',
          path: /^\/teams\/spend$/,
          handle: (req) => {
            const b = json(req);
            const page = int(b.page, 1);
            const size = int(b.pageSize, SPEND_DEFAULT_PAGE_SIZE, SPEND_MAX_PAGE_SIZE);
            if (Number.isNaN(page) || Number.isNaN(size)) return bad('page and pageSize must be positive integers');
            const term = typeof b.searchTerm === 'string' ? b.searchTerm.toLowerCase() : '';
            const pool = term ? spend.filter((s) => `${s.name} ${s.email}`.toLowerCase().includes(term)) : spend;
            return {
              body: {
                teamMemberSpend: pool.slice((page - 1) * size, page * size),
                subscriptionCycleStart: dayStart(20, now()),
                totalMembers: pool.length,
                totalPages: Math.ceil(pool.length / size),
              },
            };
          },
        },
        {
          method: 'POST',
          path: /^\/teams\/daily-usage-data$/,
          handle: (req) => {
            const { startDate, endDate } = json(req);
            if (typeof startDate !== 'number' || typeof endDate !== 'number') return bad('startDate and endDate are required (epoch milliseconds)');
            if (endDate < startDate || endDate - startDate > 30 * DAY_MS) return bad('Date range cannot exceed 30 days');
            const data = cursorUsage(members, now()).filter((r) => r.date >= startDate && r.date <= endDate);
            return { body: { data, period: { startDate, endDate } } };
          },
        },
      ],
    },
    opts.port,
  );
}

export const cursorSandbox: ProviderSandbox = {
  slug: 'cursor',
  start: (port) => startCursorSandbox({ port }),
  demoAccount: (url) => ({ context: { baseUrl: url }, credentials: { apiKey: CURSOR_SANDBOX_KEY } }),
  expectedUsers: () => cursorDataset(),
};
