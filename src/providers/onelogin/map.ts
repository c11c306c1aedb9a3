// OneLogin user (API v2) → unified directory user. Pure, never throws on odd data (the raw record stays in remoteData).
// Fields: onelogin/onelogin-python-sdk docs/User.md (generated from OneLogin's OpenAPI). `status` meanings, from
// OneLogin's user reference (https://developers.onelogin.com/api-docs/1/users/update-user, as quoted by
// integrators): 0 Unactivated, 1 Active ("only users assigned this status can log in"), 2 Suspended, 3 Locked,
// 4 Password expired, 5 Awaiting password reset, 7 Password pending ("has not yet set a password"),
// 8 Security questions required.
// - 1 → ACTIVE; 0 and 7 (never signed in yet) → INVITED; every other known status blocks sign-in → INACTIVE.
// - `role_ids` are ids only (names need GET /api/2/roles): roles carry the id, name null. `group_id` is the one group.
// - No list field says admin or machine: userType stays null rather than guessed.
import { compact, idOf, isoDate } from '../engine/map-helpers.js';
import type { UnifiedUser, UserStatus } from '../engine/types.js';

export interface OneLoginUser {
  id: number | string;
  username?: string | null;
  email?: string | null;
  firstname?: string | null;
  lastname?: string | null;
  title?: string | null;
  department?: string | null;
  company?: string | null;
  group_id?: number | null;
  role_ids?: number[] | null;
  phone?: string | null;
  state?: number | null;
  status?: number | null;
  samaccountname?: string | null;
  external_id?: string | null;
  activated_at?: string | null;
  last_login?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
  preferred_locale_code?: string | null;
  [field: string]: unknown;
}

export const ONELOGIN_STATUS: Record<number, { status: UserStatus; name: string }> = {
  0: { status: 'INVITED', name: 'unactivated' },
  1: { status: 'ACTIVE', name: 'active' },
  2: { status: 'INACTIVE', name: 'suspended' },
  3: { status: 'INACTIVE', name: 'locked' },
  4: { status: 'INACTIVE', name: 'password_expired' },
  5: { status: 'INACTIVE', name: 'awaiting_password_reset' },
  7: { status: 'INVITED', name: 'password_pending' },
  8: { status: 'INACTIVE', name: 'security_questions_required' },
};

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const idText = (v: unknown): string | null => (typeof v === 'number' && Number.isFinite(v) ? String(v) : text(v));

export function mapOneLoginUser(u: OneLoginUser): UnifiedUser {
  const first = text(u.firstname);
  const last = text(u.lastname);
  const email = text(u.email);
  const known = typeof u.status === 'number' ? ONELOGIN_STATUS[u.status] : undefined;
  const group = idText(u.group_id);
  const company = text(u.company);
  const phone = text(u.phone);
  return {
    remoteId: idOf(u.id),
    name: compact([first, last]).join(' ') || null,
    firstName: first,
    lastName: last,
    username: text(u.username) ?? text(u.samaccountname),
    emails: email ? [{ email, isPrimary: true, type: 'work' }] : [],
    status: known?.status ?? null,
    remoteStatus: known?.name ?? (u.status === null || u.status === undefined ? null : String(u.status)),
    roles: (Array.isArray(u.role_ids) ? u.role_ids : []).map(idText).filter((id): id is string => id !== null).map((id) => ({ id, name: null })),
    groups: group ? [{ id: group, name: null }] : [],
    organizations: company ? [{ id: company, name: company }] : [],
    title: text(u.title),
    phones: phone ? [{ number: phone, type: null }] : [],
    languages: compact([text(u.preferred_locale_code)]),
    externalId: text(u.external_id),
    activatedAt: isoDate(u.activated_at),
    lastLoginAt: isoDate(u.last_login),
    createdAt: isoDate(u.created_at),
    updatedAt: isoDate(u.updated_at),
  };
}
