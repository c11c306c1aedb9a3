// Auth0 user (Management API v2, GET /api/v2/users) → unified directory user. Pure, never throws on odd data
// (the raw record stays in remoteData).
// - `blocked: true` → INACTIVE (remoteStatus "blocked"), else ACTIVE: Auth0 lists no invited or deleted users.
// - `app_metadata.roles`, when an app keeps roles there (a convention, not an Auth0 field): strings or { id, name }.
//   Auth0's RBAC roles live behind GET /api/v2/users/{id}/roles and are not read here.
// - identities (connection, provider, user id, social or not) and logins_count go to identifiers.
// - multifactor (the legacy Guardian list) says whether 2FA is enrolled; absent → unknown (null).
import { isoDate } from '../engine/map-helpers.js';
import type { Role, UnifiedUser } from '../engine/types.js';

export interface Auth0Identity { connection?: string | null; provider?: string | null; user_id?: string | number | null; isSocial?: boolean | null; [k: string]: unknown }
export interface Auth0User {
  user_id: string;
  email?: string | null;
  email_verified?: boolean | null;
  username?: string | null;
  phone_number?: string | null;
  name?: string | null;
  nickname?: string | null;
  given_name?: string | null;
  family_name?: string | null;
  picture?: string | null;
  identities?: Auth0Identity[] | null;
  app_metadata?: Record<string, unknown> | null;
  user_metadata?: Record<string, unknown> | null;
  multifactor?: string[] | null;
  blocked?: boolean | null;
  last_login?: string | null;
  logins_count?: number | null;
  created_at?: string | null;
  updated_at?: string | null;
  [field: string]: unknown;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

function rolesOf(meta: unknown): Role[] {
  const roles = meta && typeof meta === 'object' ? (meta as Record<string, unknown>).roles : undefined;
  if (!Array.isArray(roles)) return [];
  return roles.flatMap((r): Role[] => {
    if (typeof r === 'string') return r.trim() ? [{ id: r, name: r }] : [];
    const o = r && typeof r === 'object' ? (r as Record<string, unknown>) : {};
    const id = text(o.id) ?? text(o.name);
    return id ? [{ id, name: text(o.name) }] : [];
  });
}

export function mapAuth0User(u: Auth0User): UnifiedUser {
  const email = text(u.email);
  const phone = text(u.phone_number);
  const blocked = u.blocked === true;
  const identities = (Array.isArray(u.identities) ? u.identities : []).filter((i) => i && typeof i === 'object').map((i) => ({
    provider: text(i.provider),
    connection: text(i.connection),
    userId: typeof i.user_id === 'number' ? String(i.user_id) : text(i.user_id),
    isSocial: typeof i.isSocial === 'boolean' ? i.isSocial : null,
  }));
  const logins = typeof u.logins_count === 'number' && Number.isFinite(u.logins_count) ? u.logins_count : null;
  return {
    remoteId: String(u.user_id),
    name: text(u.name),
    firstName: text(u.given_name),
    lastName: text(u.family_name),
    username: text(u.username),
    emails: email ? [{ email, isPrimary: true, type: null }] : [],
    isEmailVerified: typeof u.email_verified === 'boolean' ? u.email_verified : null,
    status: blocked ? 'INACTIVE' : 'ACTIVE',
    remoteStatus: blocked ? 'blocked' : 'active',
    isActive: !blocked,
    roles: rolesOf(u.app_metadata),
    phones: phone ? [{ number: phone, type: 'mobile' }] : [],
    avatar: text(u.picture),
    is2faEnabled: Array.isArray(u.multifactor) ? u.multifactor.length > 0 : null,
    identifiers: identities.length || logins !== null ? { identities, loginsCount: logins } : null,
    lastLoginAt: isoDate(u.last_login),
    createdAt: isoDate(u.created_at),
    updatedAt: isoDate(u.updated_at),
  };
}
