// OpenAI — Admin API, organization users, joined with the completions usage of one day.
// Docs (confirmed): https://developers.openai.com/api/reference/cli/resources/admin/subresources/organization/subresources/users
//   and the official spec openai/openai-openapi @ f85dbe2 (openapi.json, servers https://api.openai.com/v1):
//   GET /organization/users — `limit` (1–100, default 20), `after` (object id), `emails` (array of string);
//   body `{ object:"list", data: User[], first_id, last_id, has_more }`. GET /organization/users/{user_id}.
//   User: object "organization.user", id, added_at (unix s), name?, email?, role? ("owner" or "reader"), created?,
//   user?{ id, email, name, picture, enabled, banned, banned_at }, is_service_account?, api_key_last_used_at?, …
//   Auth: AdminApiKeyAuth, `Authorization: Bearer $OPENAI_ADMIN_KEY`; https://developers.openai.com/api/docs/guides/admin-apis
//   GET /organization/usage/completions — start_time/end_time (unix s), bucket_width 1d, group_by incl. user_id,
//   `limit` (buckets; 1d: max 31), `page` ← `next_page`; rows carry user_id and num_model_requests.
//   Errors: ErrorResponse `{ error: { message, type, param, code } }`; 429 TooManyRequests with Retry-After (s).
// Array encoding: the spec declares `emails`/`group_by` with no style, i.e. OpenAPI's default form/explode
//   (`emails=a&emails=b`), while it spells other arrays `project_ids[]`; the openai-node SDK sends brackets.
//   We follow the spec. Unconfirmed which spellings the live API accepts; the sandbox accepts both.
// Unconfirmed: whether `emails` matches case-insensitively; the behaviour of limit > 100 (the sandbox clamps);
//   whether a usage bucket's results are ever split across pages; rate-limit reset headers on the Admin API.
// Decisions (ours): there is no status field. status is INACTIVE when user.banned or user.enabled === false, else
//   ACTIVE; remoteStatus names the raw signal: 'banned' | 'disabled' | 'active'. Pending invites are not users.
//   userType (for filters only): service account → MACHINE, owner → ADMIN, reader → USER.
import { bearerAuth } from '../engine/auth.js';
import { isSet, refuse } from '../engine/filters.js';
import { dayStartMs, fromUnixSeconds, splitName, str } from '../engine/map-helpers.js';
import { bodyCursor } from '../engine/paginators.js';
import { defineProvider, type Email, type UserStatus, type UserType } from '../engine/types.js';

export interface OpenAIUser {
  object?: string;
  id: string;
  added_at?: number;
  name?: string | null;
  email?: string | null;
  role?: string | null;
  created?: number;
  user?: { object?: string; id?: string; email?: string | null; name?: string | null; picture?: string | null; enabled?: boolean | null; banned?: boolean | null; banned_at?: number | null };
  is_service_account?: boolean;
  api_key_last_used_at?: number | null;
  [extra: string]: unknown;
}

/** One completions usage row, tagged with its bucket's start (unix s). */
export interface OpenAIUsageRow { user_id?: string | null; num_model_requests?: number; bucket_start?: number; [extra: string]: unknown }

export const OPENAI_STATUS: Record<'active' | 'disabled' | 'banned', UserStatus> = { active: 'ACTIVE', disabled: 'INACTIVE', banned: 'INACTIVE' };
export const OPENAI_USER_TYPE: Record<string, UserType> = { owner: 'ADMIN', reader: 'USER' };

export function rawStatus(u: OpenAIUser): keyof typeof OPENAI_STATUS {
  const nested = u.user && typeof u.user === 'object' ? u.user : undefined;
  return nested?.banned === true ? 'banned' : nested?.enabled === false ? 'disabled' : 'active';
}


const nonEmpty = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
const page = (maxPageSize: number, param: string, next: (b: any) => unknown) => bodyCursor({ param, pageSizeParam: 'limit', maxPageSize, next });

export const openai = defineProvider<OpenAIUser>({
  slug: 'openai',
  displayName: 'OpenAI (Admin API)',
  category: 'USAGE_METERING',
  docsUrl: 'https://developers.openai.com/api/reference/cli/resources/admin/subresources/organization/subresources/users',
  baseUrl: () => 'https://api.openai.com',
  contextKeys: [{ key: 'baseUrl', required: false, description: 'API origin (with or without /v1); defaults to https://api.openai.com' }],
  auth: bearerAuth({ key: 'apiKey', description: '`credentials.apiKey` (an Admin API key, sk-admin-…) as a Bearer token' }),
  list: {
    path: '/v1/organization/users',
    records: (b) => b?.data,
    paginator: page(100, 'after', (b) => (b?.has_more ? b.last_id : null)),
  },
  filters: {
    email: { param: 'emails', note: 'the `emails` array parameter' },
    emails: {
      param: 'emails',
      value: (v: string[], all) => {
        if (isSet(all.email)) refuse('it cannot be combined with filters.email (upstream ORs them); use filters.emails alone.');
        return v;
      },
      note: 'the `emails` array parameter, one value per address',
    },
    name: { engine: true, note: 'name, else user.name' },
    firstName: { engine: true, note: 'first word of name' },
    lastName: { engine: true, note: 'rest of name' },
    status: { engine: true, note: 'derived from user.banned / user.enabled' },
    isActive: { engine: true },
    roleId: { engine: true, note: 'role ids are the role names: owner, reader' },
    userType: { engine: true, note: 'derived from is_service_account and role' },
    createdAfter: { engine: true, note: 'created, else added_at' },
    date: { usage: true, note: 'the completions usage day joined for lastActiveAt; defaults to three days ago' },
  },
  joins: [
    {
      name: 'usage',
      request: (f) => {
        const start = dayStartMs(f.date!) / 1000;
        const end = start + 86_400;
        return { path: '/v1/organization/usage/completions', query: { start_time: String(start), end_time: String(end), bucket_width: '1d', group_by: 'user_id' } };
      },
      records: (b) => (Array.isArray(b?.data) ? b.data.flatMap((k: any) => (Array.isArray(k?.results) ? k.results.map((r: any) => ({ ...r, bucket_start: k.start_time })) : [])) : undefined),
      paginator: page(31, 'page', (b) => (b?.has_more ? b.next_page : null)),
      key: (r: OpenAIUsageRow) => nonEmpty(r?.user_id),
      userKey: (u: OpenAIUser) => nonEmpty(u.id),
    },
  ],
  byId: { path: (id) => `/v1/organization/users/${id}` },
  errorMessage: (b) => (typeof b?.error?.message === 'string' ? `${b.error.code ?? b.error.type ?? 'error'}: ${b.error.message}` : undefined),
  fields: ['name', 'firstName', 'lastName', 'emails', 'roles', 'status', 'remoteStatus', 'avatar', 'userType', 'statusChangedAt', 'lastActiveAt', 'createdAt'],
  map(u, joined) {
    const nested = u.user && typeof u.user === 'object' ? u.user : {};
    const name = str(u.name) ?? str(nested.name);
    const role = str(u.role);
    const primary = nonEmpty(u.email) ?? nonEmpty(nested.email);
    const login = nonEmpty(nested.email);
    const emails: Email[] = primary ? [{ email: primary, isPrimary: true, type: 'work' }] : [];
    if (login && login.toLowerCase() !== primary?.toLowerCase()) emails.push({ email: login, isPrimary: false, type: 'other' });
    const raw = rawStatus(u);
    const used = ((joined.usage ?? []) as OpenAIUsageRow[]).filter((r) => typeof r?.num_model_requests === 'number' && r.num_model_requests > 0).map((r) => fromUnixSeconds(r.bucket_start));
    const active = [fromUnixSeconds(u.api_key_last_used_at), ...used].filter((d): d is string => d !== null).sort();
    return {
      remoteId: String(u.id),
      name,
      ...splitName(name),
      emails,
      roles: role ? [{ id: role, name: role }] : [],
      status: OPENAI_STATUS[raw],
      remoteStatus: raw,
      statusChangedAt: raw === 'banned' ? fromUnixSeconds(nested.banned_at) : null,
      userType: u.is_service_account === true ? 'MACHINE' : role !== null ? (OPENAI_USER_TYPE[role] ?? null) : null,
      avatar: str(nested.picture),
      organization: null,
      spendLimit: null,
      lastActiveAt: active.at(-1) ?? null,
      createdAt: fromUnixSeconds(u.created) ?? fromUnixSeconds(u.added_at),
      updatedAt: null,
    };
  },
});
