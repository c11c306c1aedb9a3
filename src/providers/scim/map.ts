// SCIM 2.0 User (RFC 7643 §4.1, enterprise extension §4.3) → unified user. Pure: it never throws on odd
// data (a missing `name`, a non-array `emails`), and the raw resource travels in remoteData.
// Real TypeScript (not part of the adapter draft) so the fixtures and the sandbox can use it today.
import { compact, idOf, isoDate, str } from '../engine/map-helpers.js';
import type { UnifiedUser } from '../engine/types.js';

export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

interface MultiValue { value?: unknown; display?: unknown; type?: unknown; primary?: unknown; [k: string]: unknown }

export interface ScimUser {
  schemas?: string[];
  id: string;
  externalId?: string;
  userName?: string;
  name?: { formatted?: string; familyName?: string; givenName?: string; middleName?: string; honorificPrefix?: string; honorificSuffix?: string };
  displayName?: string;
  nickName?: string;
  title?: string;
  userType?: string;
  preferredLanguage?: string;
  locale?: string;
  timezone?: string;
  active?: boolean;
  emails?: MultiValue[];
  phoneNumbers?: MultiValue[];
  photos?: MultiValue[];
  groups?: MultiValue[];
  roles?: MultiValue[];
  entitlements?: MultiValue[];
  meta?: { resourceType?: string; created?: string; lastModified?: string; location?: string; version?: string };
  [ENTERPRISE_USER]?: {
    employeeNumber?: string;
    costCenter?: string;
    organization?: string;
    division?: string;
    department?: string;
    manager?: { value?: string; $ref?: string; displayName?: string } | string;
  };
  [extra: string]: unknown;
}

const list = (v: unknown): MultiValue[] => (Array.isArray(v) ? v.filter((x): x is MultiValue => typeof x === 'object' && x !== null) : []);
/** The primary value first (RFC 7643 §2.4: at most one value is primary), otherwise upstream order. */
const primaryFirst = (v: MultiValue[]) => [...v].sort((a, b) => Number(b.primary === true) - Number(a.primary === true));
const refs = (v: unknown) => list(v).flatMap((x) => (str(x.value) ? [{ id: str(x.value)!, name: str(x.display) ?? str(x.value) }] : []));

export function mapScimUser(u: ScimUser): UnifiedUser {
  const n = u.name && typeof u.name === 'object' ? u.name : {};
  const first = str(n.givenName);
  const last = str(n.familyName);
  const ent = (u[ENTERPRISE_USER] && typeof u[ENTERPRISE_USER] === 'object' ? u[ENTERPRISE_USER] : {}) as NonNullable<ScimUser[typeof ENTERPRISE_USER]>;
  const manager = ent.manager && typeof ent.manager === 'object' ? ent.manager : {};
  const active = typeof u.active === 'boolean' ? u.active : null;
  const identifiers = Object.fromEntries(
    Object.entries({
      scimExternalId: str(u.externalId),
      employeeNumber: str(ent.employeeNumber),
      department: str(ent.department),
      division: str(ent.division),
      costCenter: str(ent.costCenter),
      // A bare string is what some SCIM 1.1-era servers send (`managerId`).
      managerId: typeof ent.manager === 'string' ? ent.manager : str(manager.value),
      managerName: str(manager.displayName),
    }).filter(([, v]) => v !== null),
  );
  const org = str(ent.organization);
  const photo = primaryFirst(list(u.photos).filter((p) => p.type === undefined || p.type === 'photo'))[0] ?? list(u.photos)[0];
  return {
    remoteId: idOf(u.id),
    name: str(u.displayName) || str(n.formatted) || compact([first, last]).join(' ') || null,
    firstName: first,
    lastName: last,
    username: str(u.userName),
    emails: primaryFirst(list(u.emails)).flatMap((e) => (str(e.value) ? [{ email: str(e.value)!, isPrimary: e.primary === true, type: str(e.type) }] : [])),
    // RFC 7643 §4.1.1: `active` is the administrative status; without it the status is unknown, not guessed.
    status: active === null ? null : active ? 'ACTIVE' : 'INACTIVE',
    remoteStatus: active === null ? null : String(active),
    isActive: active,
    title: str(u.title),
    timezone: str(u.timezone),
    languages: compact([str(u.preferredLanguage), str(u.locale)]),
    phones: list(u.phoneNumbers).flatMap((p) => (str(p.value) ? [{ number: str(p.value)!, type: str(p.type) }] : [])),
    avatar: photo ? str(photo.value) : null,
    roles: refs(u.roles),
    groups: refs(u.groups),
    licenses: refs(u.entitlements),
    organizations: org ? [{ id: org, name: org }] : [],
    // The enterprise employeeNumber is the organisation's own id for the person; SCIM's externalId is the
    // provisioning client's id, kept in identifiers.scimExternalId.
    externalId: str(ent.employeeNumber),
    identifiers: Object.keys(identifiers).length ? identifiers : null,
    createdAt: isoDate(u.meta?.created),
    updatedAt: isoDate(u.meta?.lastModified),
  };
}
