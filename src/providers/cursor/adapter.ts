// Cursor — Admin API: team members, joined with per-member spend and daily usage.
// Docs (confirmed): https://cursor.com/docs/account/teams/admin-api — GET /teams/members → `{ teamMembers: [{ id
//   (number), email, name, role, isRemoved }] }`, no pagination and no filters; POST /teams/spend, JSON body
//   `{ searchTerm?, sortBy?, sortDirection?, page (1-based, default 1), pageSize }` → `{ teamMemberSpend: [{ spendCents,
//   fastPremiumRequests, name, email, role (owner|member|free-owner), hardLimitOverrideDollars }],
//   subscriptionCycleStart, totalMembers, totalPages }`; POST /teams/daily-usage-data, JSON body `{ startDate, endDate }`
//   in epoch milliseconds (≤ 30 days) → `{ data: [{ date (epoch ms), email, isActive, … }], period }`.
//   POST /teams/user-spend-limit documents `spendLimitDollars` 0 as a $0 limit and null as "no limit".
// Auth: https://cursor.com/docs/api — HTTP Basic, the API key as user name and an empty password (`curl -u KEY:`).
// Errors: 429 `{"error":"Too Many Requests","message":"Rate limit exceeded. Please try again later."}` and 404
//   `{"error":"Not Found","message":"Resource not found"}` (docs/api); 401 `{"statusCode":401,"error":"Unauthorized",
//   "message":"Invalid API key"}` as reported in https://forum.cursor.com/t/admin-api-key-is-not-working/109221.
// Unconfirmed: the default and maximum `pageSize` of /teams/spend (undocumented; we send 100); rate-limit headers
//   (none documented, so only Retry-After is honoured); whether daily-usage `endDate` is inclusive (we ask for
//   [00:00, 23:59:59.999] of the UTC day, which is right either way).
// Decisions: no single-member endpoint, so node/nodes use the engine's bounded scan. remoteStatus is 'removed' /
//   'active' from the boolean `isRemoved` (a missing flag — the older response shape — counts as active).
//   spendLimit = hardLimitOverrideDollars in USD when positive (the documented example gives the team owner 0,
//   which reads as "no override", not a $0 cap), else monthlyLimitDollars when positive (a newer field, 3p),
//   else null. lastActiveAt = the latest `date` of the day's rows with isActive.
//   userType is derived from role (owner/free-owner → ADMIN, member → USER), a heuristic for filters.userType.
import { dayStartMs, fromEpochMs, idOf, joinKey, splitName, str } from '../engine/map-helpers.js';
import type { UserType } from '../engine/types.js';
import { defineProvider } from '../engine/spec/index.js';

export interface CursorMember { id?: number; email?: string | null; name?: string | null; role?: string | null; isRemoved?: boolean; [extra: string]: unknown }
export interface CursorSpend { email?: string | null; spendCents?: number; hardLimitOverrideDollars?: number | null; monthlyLimitDollars?: number | null; [extra: string]: unknown }
export interface CursorUsageRow { date: number; email?: string | null; isActive?: boolean; [extra: string]: unknown }

export const CURSOR_ROLES = ['owner', 'member', 'free-owner'] as const;
export const CURSOR_USER_TYPE: Record<string, UserType> = { owner: 'ADMIN', 'free-owner': 'ADMIN', member: 'USER' };
export const SPEND_PAGE_SIZE = 100;
const DAY_MS = 86_400_000;

/** The usage day as a UTC [start, end] range in epoch ms. */
export function usageRange(day: string): { startDate: number; endDate: number } {
  const start = dayStartMs(day);
  return { startDate: start, endDate: start + DAY_MS - 1 };
}

export const cursor = defineProvider<CursorMember>({
  slug: 'cursor',
  displayName: 'Cursor (Admin API)',
  docsUrl: 'https://cursor.com/docs/account/teams/admin-api',
  baseUrl: 'https://api.cursor.com',
  context: { baseUrl: { description: 'API origin; defaults to https://api.cursor.com' } },
  auth: { kind: 'basic', username: '{credentials.apiKey}', password: '', description: '`credentials.apiKey` (an Admin API key) as the HTTP Basic user name, empty password' },
  lists: {
    USAGE_METERING: {
      path: '/teams/members',
      records: 'teamMembers',
      paginator: { kind: 'none' },
      filters: {
        email: { engine: true, note: 'the members endpoint takes no filters' },
        emails: { engine: true },
        name: { engine: true },
        firstName: { engine: true, note: 'first word of name' },
        lastName: { engine: true, note: 'rest of name' },
        status: { engine: true, note: 'isRemoved → DELETED, else ACTIVE' },
        isActive: { engine: true },
        roleId: { engine: true, note: 'role ids are the role names: owner, member, free-owner' },
        userType: { engine: true, note: 'derived from role' },
        date: { usage: true, note: 'the UTC day of /teams/daily-usage-data joined for lastActiveAt; defaults to three days ago' },
      },
    },
  },
  joins: [
    {
      name: 'spend',
      method: 'POST',
      idempotent: true, // a read-only report
      path: '/teams/spend',
      body: {},
      records: 'teamMemberSpend',
      paginator: { kind: 'page-number', pageParam: 'page', sizeParam: 'pageSize', max: SPEND_PAGE_SIZE, in: 'body', totalPages: 'totalPages' },
      key: 'email',
      userKey: 'email',
      keyTransform: 'email',
      maxPages: 50, // up to 5,000 members; past that, later members' spendLimit stays null
      // Enrichment: reported when the caller asked for a usage day, else left empty on failure.
      optional: { unlessFilter: 'date' },
    },
    {
      name: 'dailyUsage',
      method: 'POST',
      idempotent: true,
      path: '/teams/daily-usage-data',
      body: ({ filters }) => usageRange(filters.date!),
      records: 'data',
      paginator: { kind: 'none' },
      key: 'email',
      userKey: 'email',
      keyTransform: 'email',
      selectedBy: { filter: 'date', default: { daysAgo: 3 } },
    },
  ],
  errors: { message: (b) => (typeof b?.error === 'string' ? (typeof b.message === 'string' ? `${b.error}: ${b.message}` : b.error) : undefined) },
  fields: ['name', 'firstName', 'lastName', 'emails', 'roles', 'status', 'remoteStatus', 'userType', 'spendLimit', 'lastActiveAt'],
  map(u, joined) {
    const name = str(u.name);
    const role = str(u.role);
    const positive = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);
    const spend = (joined.spend as CursorSpend[] | undefined)?.find((s) => s && typeof s === 'object');
    const limit = positive(spend?.hardLimitOverrideDollars) ?? positive(spend?.monthlyLimitDollars);
    const active = ((joined.dailyUsage ?? []) as CursorUsageRow[]).filter((r) => r?.isActive === true).map((r) => fromEpochMs(r.date)).filter((d): d is string => d !== null).sort();
    return {
      remoteId: idOf(u.id) || idOf(u.email),
      name,
      ...splitName(name),
      emails: typeof u.email === 'string' && u.email !== '' ? [{ email: u.email, isPrimary: true, type: 'work' }] : [],
      roles: role !== null && role !== '' ? [{ id: role, name: role }] : [],
      status: u.isRemoved === true ? 'DELETED' : 'ACTIVE',
      remoteStatus: u.isRemoved === true ? 'removed' : 'active',
      userType: role !== null ? (CURSOR_USER_TYPE[role] ?? null) : null,
      organization: null,
      spendLimit: limit !== undefined ? { amount: limit, currency: 'USD' } : null,
      lastActiveAt: active.at(-1) ?? null,
      createdAt: null,
      updatedAt: null,
    };
  },
});
