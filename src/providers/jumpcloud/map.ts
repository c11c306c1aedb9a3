// JumpCloud system user → unified directory user. Pure, never throws on odd data (the raw record stays in remoteData).
// Fields: the `systemuserreturn` definition of JumpCloud's v1 OpenAPI (docs.jumpcloud.com/api/1.0/index.yaml).
// - `state` is STAGED | ACTIVATED | SUSPENDED. A suspended flag or a locked account (`account_locked`) makes the
//   user INACTIVE whatever the state says: neither can sign in. STAGED users have not been activated: INVITED.
// - Older records may lack `state`: then `activated` decides (true ACTIVE, false INVITED).
// - `admin` is present (an object) when the user is also a JumpCloud administrator (its meaning beyond that is
//   not documented in detail): userType ADMIN and its role names as roles. Everyone else is a USER.
// - 2FA: `mfa.configured`, `totp_enabled` or `mfaEnrollment.overallStatus` ENROLLED; unknown (null) when none is sent.
// - JumpCloud stores unset strings as '': '' counts as absent here.
import { compact, idOf, isoDate } from '../engine/map-helpers.js';
import type { Email, Role, UnifiedUser, UserStatus } from '../engine/types.js';

export interface JumpCloudUser {
  _id: string;
  username?: string;
  email?: string;
  alternateEmail?: string | null;
  firstname?: string | null;
  middlename?: string | null;
  lastname?: string | null;
  displayname?: string | null;
  jobTitle?: string | null;
  department?: string | null;
  company?: string | null;
  employeeIdentifier?: string | null;
  organization?: string | null;
  created?: string | null;
  activated?: boolean;
  suspended?: boolean;
  state?: string;
  account_locked?: boolean;
  totp_enabled?: boolean;
  mfa?: { configured?: boolean; exclusion?: boolean; exclusionUntil?: string } | null;
  mfaEnrollment?: { overallStatus?: string; totpStatus?: string; webAuthnStatus?: string; pushStatus?: string } | null;
  phoneNumbers?: { id?: string; number?: string; type?: string }[] | null;
  admin?: { id?: string; roleName?: string; roleNames?: string[] } | null;
  [field: string]: unknown;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

export function jumpcloudStatus(u: JumpCloudUser): UserStatus | null {
  if (u.suspended === true || u.state === 'SUSPENDED' || u.account_locked === true) return 'INACTIVE';
  if (u.state === 'STAGED') return 'INVITED';
  if (u.state === 'ACTIVATED') return 'ACTIVE';
  if (u.state === undefined && typeof u.activated === 'boolean') return u.activated ? 'ACTIVE' : 'INVITED';
  return null;
}

/** The raw state, with `locked` appended when the account is locked (its own reason to be INACTIVE). */
function remoteStatus(u: JumpCloudUser): string | null {
  const state = text(u.state) ?? (typeof u.activated === 'boolean' ? (u.activated ? 'activated' : 'not-activated') : null);
  return compact([state, u.suspended === true && u.state !== 'SUSPENDED' ? 'suspended' : null, u.account_locked === true ? 'locked' : null]).join(':') || null;
}

function twoFactor(u: JumpCloudUser): boolean | null {
  const signals = [u.mfa?.configured, u.totp_enabled, typeof u.mfaEnrollment?.overallStatus === 'string' ? u.mfaEnrollment.overallStatus === 'ENROLLED' : undefined];
  if (signals.some((s) => s === true)) return true;
  return signals.some((s) => s === false) ? false : null;
}

function adminRoles(u: JumpCloudUser): Role[] {
  const a = u.admin;
  if (!a || typeof a !== 'object') return [];
  const names = compact([text(a.roleName), ...(Array.isArray(a.roleNames) ? a.roleNames.map(text) : [])]);
  return names.map((name) => ({ id: name, name }));
}

export function mapJumpCloudUser(u: JumpCloudUser): UnifiedUser {
  const first = text(u.firstname);
  const last = text(u.lastname);
  const emails: Email[] = [];
  const primary = text(u.email);
  if (primary) emails.push({ email: primary, isPrimary: true, type: 'work' });
  const alt = text(u.alternateEmail);
  if (alt && alt.toLowerCase() !== primary?.toLowerCase()) emails.push({ email: alt, isPrimary: false, type: 'other' });
  const org = text(u.organization);
  return {
    remoteId: idOf(u._id),
    name: text(u.displayname) ?? (compact([first, last]).join(' ') || null),
    firstName: first,
    lastName: last,
    username: text(u.username),
    emails,
    status: jumpcloudStatus(u),
    remoteStatus: remoteStatus(u),
    roles: adminRoles(u),
    userType: u.admin && typeof u.admin === 'object' ? 'ADMIN' : 'USER',
    is2faEnabled: twoFactor(u),
    title: text(u.jobTitle),
    organizations: org ? [{ id: org, name: text(u.company) }] : [],
    phones: (Array.isArray(u.phoneNumbers) ? u.phoneNumbers : []).flatMap((p) => (text(p?.number) ? [{ number: p.number!, type: text(p.type) }] : [])),
    externalId: text(u.employeeIdentifier),
    createdAt: isoDate(u.created),
  };
}
