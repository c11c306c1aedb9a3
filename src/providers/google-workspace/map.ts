// Google Workspace Directory user → unified directory user. Pure, never throws on odd data (the raw record
// stays in remoteData). Field meanings: https://developers.google.com/workspace/admin/directory/reference/rest/v1/users
// - There is no "invited" state. A deleted user (listed only with showDeleted=true, with deletionTime) is DELETED;
//   a suspended or archived one INACTIVE (archived users keep their data but cannot sign in).
// - isAdmin is a super administrator, isDelegatedAdmin holds some admin role: both are roles and make an ADMIN.
// - A user who never signed in has lastLoginTime 1970-01-01T00:00:00.000Z (unconfirmed): read as null.
// - primaryEmail is the login: the username, and the primary address; emails[] and aliases follow, de-duplicated.
// - orgUnitPath and customerId have no unified field: they are kept in identifiers.
import { compact, isoDate, str } from '../engine/map-helpers.js';
import type { Email, Phone, Ref, Role, UnifiedUser, UserStatus } from '../engine/types.js';

export interface GoogleUser {
  kind?: string;
  id: string;
  primaryEmail?: string | null;
  name?: { givenName?: string | null; familyName?: string | null; fullName?: string | null; displayName?: string | null } | null;
  isAdmin?: boolean;
  isDelegatedAdmin?: boolean;
  lastLoginTime?: string | null;
  creationTime?: string | null;
  deletionTime?: string | null;
  suspended?: boolean;
  suspensionReason?: string | null;
  archived?: boolean;
  emails?: { address?: string; type?: string; customType?: string; primary?: boolean }[] | null;
  aliases?: string[] | null;
  phones?: { value?: string; type?: string; customType?: string; primary?: boolean }[] | null;
  organizations?: { name?: string; title?: string; department?: string; primary?: boolean }[] | null;
  languages?: { languageCode?: string; customLanguage?: string; preference?: string }[] | null;
  externalIds?: { value?: string; type?: string; customType?: string }[] | null;
  orgUnitPath?: string | null;
  customerId?: string | null;
  isEnrolledIn2Sv?: boolean;
  isEnforcedIn2Sv?: boolean;
  thumbnailPhotoUrl?: string | null;
  [extra: string]: unknown;
}

/** Google stores an empty string for an unset name part. */
const text = (v: unknown) => str(v) || null;

export const SUPER_ADMIN: Role = { id: 'super_admin', name: 'Super Admin' };
export const DELEGATED_ADMIN: Role = { id: 'delegated_admin', name: 'Delegated Admin' };

export function googleStatus(u: GoogleUser): { status: UserStatus; remoteStatus: string } {
  if (u.deletionTime) return { status: 'DELETED', remoteStatus: 'deleted' };
  if (u.suspended) return { status: 'INACTIVE', remoteStatus: 'suspended' };
  if (u.archived) return { status: 'INACTIVE', remoteStatus: 'archived' };
  return { status: 'ACTIVE', remoteStatus: 'active' };
}

/** Epoch zero is Google's "never". */
function loginTime(v: unknown): string | null {
  const iso = isoDate(v);
  return iso && Date.parse(iso) > 0 ? iso : null;
}

export function mapGoogleUser(u: GoogleUser): UnifiedUser {
  const first = text(u.name?.givenName);
  const last = text(u.name?.familyName);
  const primary = str(u.primaryEmail);
  const emails: Email[] = [];
  const add = (address: unknown, isPrimary: boolean, type: string | null) => {
    const a = str(address);
    if (a && !emails.some((e) => e.email.toLowerCase() === a.toLowerCase())) emails.push({ email: a, isPrimary, type });
  };
  add(primary, true, 'work');
  for (const e of u.emails ?? []) add(e?.address, false, str(e?.customType) ?? str(e?.type));
  for (const a of u.aliases ?? []) add(a, false, 'alias');
  const phones: Phone[] = (u.phones ?? []).flatMap((p) => (str(p?.value) ? [{ number: String(p.value), type: str(p.customType) ?? str(p.type) }] : []));
  const orgs = u.organizations ?? [];
  const organizations: Ref[] = orgs.flatMap((o) => (str(o?.name) ? [{ id: String(o.name), name: String(o.name) }] : []));
  const mainOrg = orgs.find((o) => o?.primary) ?? orgs[0];
  const roles: Role[] = compact([u.isAdmin === true ? SUPER_ADMIN : null, u.isDelegatedAdmin === true ? DELEGATED_ADMIN : null]);
  const { status, remoteStatus } = googleStatus(u);
  const orgUnitPath = str(u.orgUnitPath);
  const customerId = str(u.customerId);
  return {
    remoteId: String(u.id),
    name: text(u.name?.fullName) ?? text(u.name?.displayName) ?? (compact([first, last]).join(' ') || null),
    firstName: first,
    lastName: last,
    username: primary,
    emails,
    status,
    remoteStatus,
    isActive: status === 'ACTIVE',
    roles,
    userType: roles.length ? 'ADMIN' : 'USER',
    organizations,
    title: str(mainOrg?.title),
    phones,
    languages: compact((u.languages ?? []).map((l) => str(l?.languageCode) ?? str(l?.customLanguage))),
    avatar: str(u.thumbnailPhotoUrl),
    externalId: str((u.externalIds ?? []).find((x) => x?.type === 'organization')?.value) ?? str(u.externalIds?.[0]?.value),
    is2faEnabled: typeof u.isEnrolledIn2Sv === 'boolean' ? u.isEnrolledIn2Sv : null,
    identifiers: orgUnitPath || customerId ? { ...(orgUnitPath ? { orgUnitPath } : {}), ...(customerId ? { customerId } : {}) } : null,
    lastLoginAt: loginTime(u.lastLoginTime),
    createdAt: isoDate(u.creationTime),
    updatedAt: null,
  };
}
