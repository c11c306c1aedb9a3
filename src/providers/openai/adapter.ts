// OpenAI — Admin API, organization users.
// Docs (confirmed): https://developers.openai.com/api/reference/cli/resources/admin/subresources/organization/subresources/users
//   and the official spec openai/openai-openapi @ f85dbe2 (openapi.json, servers https://api.openai.com/v1):
//   GET /organization/users — `limit` (1–100, default 20), `after` (object id), `emails` (array of string);
//   body `{ object:"list", data: User[], first_id, last_id, has_more }`. GET /organization/users/{user_id}.
//   User: object "organization.user", id, added_at (unix s), name?, email?, role? ("owner" or "reader"), created?,
//   user?{ id, email, name, picture, enabled, banned, banned_at }, is_service_account?, api_key_last_used_at?, …
//   Auth: AdminApiKeyAuth, `Authorization: Bearer $OPENAI_ADMIN_KEY`; https://developers.openai.com/api/docs/guides/admin-apis
//   Errors: ErrorResponse `{ error: { message, type, param, code } }`; 429 TooManyRequests with Retry-After (s).
// Array encoding: the spec declares `emails` with no style, i.e. OpenAPI's default form/explode
//   (`emails=a&emails=b`), while it spells other arrays `project_ids[]`; the openai-node SDK sends brackets.
//   We follow the spec. Unconfirmed which spellings the live API accepts; the sandbox accepts both.
// Unconfirmed: whether `emails` matches case-insensitively; the behaviour of limit > 100 (the sandbox clamps);
//   rate-limit reset headers on the Admin API.
// Decisions (ours): there is no status field. status is INACTIVE when user.banned or user.enabled === false, else
//   ACTIVE; remoteStatus names the raw signal: 'banned' | 'disabled' | 'active'. Pending invites are not users.
//   userType (for filters only): service account → MACHINE, owner → ADMIN, reader → USER.
//   lastActiveAt is api_key_last_used_at; there is no usage endpoint call.
import { fromUnixSeconds, idOf, splitName, str } from '../engine/map-helpers.js';
import type { Email, UserStatus, UserType } from '../engine/types.js';
import { defineProvider, type PaginatorSpec } from '../engine/spec/index.js';

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

export const OPENAI_STATUS: Record<'active' | 'disabled' | 'banned', UserStatus> = { active: 'ACTIVE', disabled: 'INACTIVE', banned: 'INACTIVE' };
export const OPENAI_USER_TYPE: Record<string, UserType> = { owner: 'ADMIN', reader: 'USER' };

export function rawStatus(u: OpenAIUser): keyof typeof OPENAI_STATUS {
  const nested = u.user && typeof u.user === 'object' ? u.user : undefined;
  return nested?.banned === true ? 'banned' : nested?.enabled === false ? 'disabled' : 'active';
}


const nonEmpty = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
const page: PaginatorSpec = { kind: 'cursor', next: 'last_id', stop: { path: 'has_more', notEquals: true }, send: { query: 'after' }, pageSize: { param: 'limit', max: 100 } };

export const openai = defineProvider<OpenAIUser>({
  slug: 'openai',
  displayName: 'OpenAI (Admin API)',
  docsUrl: 'https://developers.openai.com/api/reference/cli/resources/admin/subresources/organization/subresources/users',
  baseUrl: 'https://api.openai.com',
  context: { baseUrl: { description: 'API origin (with or without /v1); defaults to https://api.openai.com' } },
  auth: { kind: 'bearer', key: 'apiKey', description: '`credentials.apiKey` (an Admin API key, sk-admin-…) as a Bearer token' },
  lists: {
    USAGE_METERING: {
      path: '/v1/organization/users',
      records: 'data',
      paginator: page,
      filters: {
        // The upstream `emails` parameter matches the organization e-mail only, not the login e-mail (user.email)
        // that `emails` also lists: pushed down, it would lose those users. The gateway tests both addresses.
        email: { engine: true, note: 'any of the org and login e-mails; the `emails` parameter matches the org e-mail only' },
        emails: { engine: true, note: 'any of the org and login e-mails' },
        name: { engine: true, note: 'name, else user.name' },
        firstName: { engine: true, note: 'first word of name' },
        lastName: { engine: true, note: 'rest of name' },
        status: { engine: true, note: 'derived from user.banned / user.enabled' },
        isActive: { engine: true },
        roleId: { engine: true, note: 'role ids are the role names: owner, reader' },
        userType: { engine: true, note: 'derived from is_service_account and role' },
        createdAfter: { engine: true, note: 'created, else added_at' },
      },
    },
  },
  byId: { path: '/v1/organization/users/{id}' },
  errors: { message: (b) => (typeof b?.error?.message === 'string' ? `${b.error.code ?? b.error.type ?? 'error'}: ${b.error.message}` : undefined) },
  fields: ['name', 'firstName', 'lastName', 'emails', 'roles', 'status', 'remoteStatus', 'avatar', 'userType', 'statusChangedAt', 'lastActiveAt', 'createdAt'],
  map(u) {
    const nested = u.user && typeof u.user === 'object' ? u.user : {};
    const name = str(u.name) ?? str(nested.name);
    const role = str(u.role);
    const primary = nonEmpty(u.email) ?? nonEmpty(nested.email);
    const login = nonEmpty(nested.email);
    const emails: Email[] = primary ? [{ email: primary, isPrimary: true, type: 'work' }] : [];
    if (login && login.toLowerCase() !== primary?.toLowerCase()) emails.push({ email: login, isPrimary: false, type: 'other' });
    const raw = rawStatus(u);
    return {
      remoteId: idOf(u.id),
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
      lastActiveAt: fromUnixSeconds(u.api_key_last_used_at),
      createdAt: fromUnixSeconds(u.created) ?? fromUnixSeconds(u.added_at),
      updatedAt: null,
    };
  },
});
