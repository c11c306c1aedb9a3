// Zoom user → unified directory user. Pure, never throws on odd data (the raw record stays in remoteData).
// Field meanings: https://developers.zoom.us/docs/api/users/#tag/users/GET/users
// - status active | inactive (deactivated) | pending (invited, not yet accepted) → ACTIVE | INACTIVE | INVITED.
// - `type` is the licence: 1 Basic, 2 Licensed, 4 Unassigned without Meetings Basic, 99 None.
// - `role_id` names the account role; the built-in ones are Owner (0), Admin (1) and Member (2). Owner and Admin
//   make an ADMIN; custom roles keep their id with no name (GET /roles would name them).
// - `dept` is the only organisational unit on a user: it is the user's organization.
// - created: `user_created_at` (when the user joined the account) before `created_at`.
import { compact, isoDate, str } from '../engine/map-helpers.js';
import type { UnifiedUser, UserStatus } from '../engine/types.js';

export interface ZoomUser {
  id: string;
  first_name?: string | null;
  last_name?: string | null;
  display_name?: string | null;
  email?: string | null;
  type?: number | null;
  role_id?: string | null;
  status?: string | null;
  pmi?: number | null;
  timezone?: string | null;
  verified?: number | null;
  dept?: string | null;
  created_at?: string | null;
  user_created_at?: string | null;
  last_login_time?: string | null;
  last_client_version?: string | null;
  pic_url?: string | null;
  language?: string | null;
  phone_number?: string | null;
  employee_unique_id?: string | null;
  group_ids?: string[] | null;
  [extra: string]: unknown;
}

export const ZOOM_STATUS: Record<string, UserStatus> = { active: 'ACTIVE', inactive: 'INACTIVE', pending: 'INVITED' };
export const ZOOM_LICENSES: Record<number, string> = { 1: 'Basic', 2: 'Licensed', 4: 'Unassigned without Meetings Basic', 99: 'None' };
export const ZOOM_ROLES: Record<string, string> = { '0': 'Owner', '1': 'Admin', '2': 'Member' };

const text = (v: unknown) => str(v) || null;

export function mapZoomUser(u: ZoomUser): UnifiedUser {
  const first = text(u.first_name);
  const last = text(u.last_name);
  const status = ZOOM_STATUS[String(u.status)] ?? null;
  const role = text(u.role_id);
  const dept = text(u.dept);
  const email = text(u.email);
  const type = typeof u.type === 'number' ? u.type : null;
  return {
    remoteId: String(u.id),
    name: text(u.display_name) ?? (compact([first, last]).join(' ') || null),
    firstName: first,
    lastName: last,
    username: email,
    emails: email ? [{ email, isPrimary: true, type: 'work' }] : [],
    status,
    remoteStatus: text(u.status),
    isActive: status === 'ACTIVE',
    roles: role ? [{ id: role, name: ZOOM_ROLES[role] ?? null }] : [],
    userType: role === '0' || role === '1' ? 'ADMIN' : 'USER',
    licenses: type === null ? [] : [{ id: String(type), name: ZOOM_LICENSES[type] ?? null }],
    groups: (u.group_ids ?? []).filter((g) => typeof g === 'string' && g).map((id) => ({ id })),
    organizations: dept ? [{ id: dept, name: dept }] : [],
    timezone: text(u.timezone),
    languages: compact([text(u.language)]),
    phones: text(u.phone_number) ? [{ number: String(u.phone_number), type: 'work' }] : [],
    avatar: text(u.pic_url),
    externalId: text(u.employee_unique_id),
    isEmailVerified: typeof u.verified === 'number' ? u.verified === 1 : null,
    lastLoginAt: isoDate(u.last_login_time),
    createdAt: isoDate(u.user_created_at) ?? isoDate(u.created_at),
    updatedAt: null,
  };
}
