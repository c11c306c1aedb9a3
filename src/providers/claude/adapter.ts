// Claude — Anthropic Admin API, organization members, joined with the Claude Code usage report.
// Docs (confirmed): https://platform.claude.com/docs/en/api/organization/users/list.md — GET /v1/organizations/users,
//   `limit` (default 20, 1–1000), `after_id`/`before_id`, `email` (format email), `roles` (repeatable, OR'ed);
//   body `{ data, has_more, first_id, last_id }`; user fields `type:"user"`, id, added_at (RFC 3339), email,
//   name, role (admin|billing|claude_code_user|developer|managed|membership_admin|owner|primary_owner|user).
//   https://platform.claude.com/docs/en/api/admin/users/retrieve.md — GET /v1/organizations/users/{user_id}.
//   https://platform.claude.com/docs/en/api/beta/organization/usage_report/retrieve_claude_code.md —
//   GET /v1/organizations/usage_report/claude_code, `starting_at` (YYYY-MM-DD, that single UTC day), `limit`
//   (≤ 1000), `page` ← `next_page`; rows carry `date` and `actor` (`user_actor` + email_address | `api_actor`).
//   Auth: `x-api-key: <Admin key>` + `anthropic-version: 2023-06-01` (curl examples on the pages above).
// Errors: https://docs.anthropic.com/en/api/errors — `{type:"error", error:{type, message}, request_id}`;
//   429 `rate_limit_error` carries `retry-after` (seconds), https://docs.anthropic.com/en/api/rate-limits.
// Unconfirmed: whether `email` matches case-insensitively (the gateway's own test is); the wire encoding of
//   several `roles` (repeated keys assumed); rate-limit reset headers on the Admin API (only retry-after is used).
// Decisions: the API has no status field — every listed member is ACTIVE and remoteStatus is null (no raw value
//   exists; invites live at /v1/organizations/invites and are not listed). userType is derived from role (a
//   heuristic) so filters.userType can work; UsageMeteringUser exposes it.
import { isoDate, joinKey, splitName, str } from '../engine/map-helpers.js';
import type { UserType } from '../engine/types.js';
import { defineProvider, type PaginatorSpec } from '../engine/spec/index.js';

export interface ClaudeUser {
  type?: string;
  id: string;
  added_at?: string | null;
  email?: string | null;
  name?: string | null;
  role?: string | null;
  [extra: string]: unknown;
}

export interface ClaudeCodeUsageRow {
  date: string;
  actor: { type: 'user_actor'; email_address: string } | { type: 'api_actor'; api_key_name: string };
  [extra: string]: unknown;
}

export const CLAUDE_ROLES = ['admin', 'billing', 'claude_code_user', 'developer', 'managed', 'membership_admin', 'owner', 'primary_owner', 'user'] as const;

/** Role → user type (a heuristic of ours, not a provider fact). */
export const CLAUDE_USER_TYPE: Record<string, UserType> = {
  admin: 'ADMIN', owner: 'ADMIN', primary_owner: 'ADMIN', membership_admin: 'ADMIN',
  billing: 'LIMITED', claude_code_user: 'LIMITED',
  developer: 'USER', managed: 'USER', user: 'USER',
};

export const CLAUDE_VERSION = '2023-06-01';
// `before_id` pages backwards: reserved, so remoteQuery cannot turn a walk around.
const page = (param: string, next: string): PaginatorSpec => ({ kind: 'cursor', next, stop: { path: 'has_more', notEquals: true }, send: { query: param }, pageSize: { param: 'limit', max: 1000 }, reservedParams: ['before_id'] });

export const claude = defineProvider<ClaudeUser>({
  slug: 'claude',
  displayName: 'Claude (Anthropic Admin API)',
  docsUrl: 'https://platform.claude.com/docs/en/api/organization/users/list',
  baseUrl: 'https://api.anthropic.com',
  context: { baseUrl: { description: 'API origin; defaults to https://api.anthropic.com' } },
  auth: { kind: 'header', header: 'x-api-key', value: '{credentials.apiKey}', description: '`credentials.apiKey` (an Admin API key, sk-ant-admin…) as `x-api-key`, with `anthropic-version: 2023-06-01`' },
  headers: { 'anthropic-version': CLAUDE_VERSION },
  lists: {
    USAGE_METERING: {
      path: '/v1/organizations/users',
      records: 'data',
      paginator: page('after_id', 'last_id'),
      filters: {
        email: { query: 'email', note: 'exact match upstream' },
        roleId: { query: 'roles', note: 'role ids are the role names, e.g. developer' },
        emails: { engine: true },
        name: { engine: true },
        firstName: { engine: true, note: 'first word of name' },
        lastName: { engine: true, note: 'rest of name' },
        status: { engine: true, note: 'every listed member is ACTIVE' },
        isActive: { engine: true, note: 'every listed member is active' },
        userType: { engine: true, note: 'derived from role' },
        createdAfter: { engine: true, note: 'added_at' },
        date: { usage: true, note: 'the Claude Code usage day joined for lastActiveAt; defaults to three days ago' },
      },
    },
  },
  joins: [
    {
      name: 'claudeCode',
      path: '/v1/organizations/usage_report/claude_code',
      query: { starting_at: '{filters.date}' },
      records: 'data',
      paginator: page('page', 'next_page'),
      // Only user actors carry an e-mail; API-key actors are not members.
      key: (r: ClaudeCodeUsageRow) => (r?.actor?.type === 'user_actor' ? joinKey(r.actor.email_address) : null),
      userKey: 'email',
      keyTransform: 'email',
      selectedBy: { filter: 'date', default: { daysAgo: 3 } },
    },
  ],
  byId: { path: '/v1/organizations/users/{id}' },
  errors: { message: (b) => (b?.type === 'error' && typeof b.error?.message === 'string' ? `${b.error.type ?? 'error'}: ${b.error.message}` : undefined) },
  fields: ['name', 'firstName', 'lastName', 'emails', 'roles', 'status', 'userType', 'lastActiveAt', 'createdAt'],
  map(u, joined) {
    const name = str(u.name);
    const role = str(u.role);
    const days = ((joined.claudeCode ?? []) as ClaudeCodeUsageRow[]).map((r) => isoDate(r?.date)).filter((d): d is string => d !== null).sort();
    return {
      remoteId: String(u.id),
      name,
      ...splitName(name),
      emails: typeof u.email === 'string' && u.email !== '' ? [{ email: u.email, isPrimary: true, type: 'work' }] : [],
      roles: role !== null && role !== '' ? [{ id: role, name: role }] : [],
      status: 'ACTIVE',
      remoteStatus: null,
      userType: role !== null ? (CLAUDE_USER_TYPE[role] ?? null) : null,
      organization: null,
      spendLimit: null,
      lastActiveAt: days.at(-1) ?? null,
      createdAt: isoDate(u.added_at),
      updatedAt: null,
    };
  },
});
