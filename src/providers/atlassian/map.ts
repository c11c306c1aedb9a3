// Atlassian organization managed account (Admin API v1, GET /admin/v1/orgs/{orgId}/users) → unified directory
// user. Pure, never throws on odd data (the raw record stays in remoteData).
// - account_status active → ACTIVE, inactive → INACTIVE, closed → DELETED; anything else keeps its raw name only.
// - account_type atlassian → USER, customer (Jira Service Management portal customer) → END_USER, app → MACHINE.
// - product_access entries are licences: { id: key, name, lastActiveAt, organization: the site url }.
// - last_active is the account's most recent activity in any product (lastActiveAt; it is not a sign-in time).
// - One `name` field only: first and last name stay null rather than split by guesswork.
import { isoDate } from '../engine/map-helpers.js';
import type { License, UnifiedUser, UserStatus, UserType } from '../engine/types.js';

export interface AtlassianUser {
  account_id: string;
  account_type?: string | null;
  account_status?: string | null;
  name?: string | null;
  picture?: string | null;
  email?: string | null;
  access_billable?: boolean | null;
  last_active?: string | null;
  product_access?: { key?: string | null; name?: string | null; url?: string | null; last_active?: string | null }[] | null;
  links?: { self?: string | null } | null;
  [field: string]: unknown;
}

export const ATLASSIAN_STATUS: Record<string, UserStatus> = { active: 'ACTIVE', inactive: 'INACTIVE', closed: 'DELETED' };
export const ATLASSIAN_USER_TYPE: Record<string, UserType> = { atlassian: 'USER', customer: 'END_USER', app: 'MACHINE' };

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

export function mapAtlassianUser(u: AtlassianUser): UnifiedUser {
  const email = text(u.email);
  const status = typeof u.account_status === 'string' ? u.account_status : null;
  const type = typeof u.account_type === 'string' ? u.account_type : null;
  const licenses: License[] = [];
  for (const p of Array.isArray(u.product_access) ? u.product_access : []) {
    const key = text(p?.key);
    if (key) licenses.push({ id: key, name: text(p.name), lastActiveAt: isoDate(p.last_active), organization: text(p.url) });
  }
  return {
    remoteId: String(u.account_id),
    name: text(u.name),
    firstName: null,
    lastName: null,
    emails: email ? [{ email, isPrimary: true, type: 'work' }] : [],
    status: status !== null && Object.hasOwn(ATLASSIAN_STATUS, status) ? ATLASSIAN_STATUS[status]! : null,
    remoteStatus: status,
    userType: type !== null && Object.hasOwn(ATLASSIAN_USER_TYPE, type) ? ATLASSIAN_USER_TYPE[type]! : null,
    avatar: text(u.picture),
    licenses,
    lastActiveAt: isoDate(u.last_active),
  };
}
