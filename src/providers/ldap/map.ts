// LDAP entry → unified user, for OpenLDAP (inetOrgPerson, RFC 4519/2798 attributes; ppolicy) and Active Directory
// (user objects). Pure: the entry is what the LDAP transport answers (ldapts: `dn` plus attributes, one value as a
// string, several as an array; binary values base64).
import type { UnifiedUser } from '../engine/types.js';
import { compact } from '../engine/map-helpers.js';

export type LdapEntry = { dn: string } & Record<string, string | string[] | undefined>;

const all = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).filter((x): x is string => typeof x === 'string' && x !== '');
const one = (v: unknown): string | null => all(v)[0] ?? null;

/** GeneralizedTime (RFC 4517 §3.3.13: `YYYYMMDDHHMMSS[.fff]Z` or with an offset; AD writes `.0Z`) as ISO 8601. */
export function fromGeneralizedTime(v: unknown): string | null {
  const m = typeof v === 'string' ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{2}(?:\d{2})?)$/.exec(v) : null;
  if (!m) return null;
  const [, y, mo, d, h, mi = '00', s = '00', frac = '0', tz] = m;
  const offset = tz === 'Z' ? 'Z' : `${tz!.slice(0, 3)}:${tz!.slice(3, 5) || '00'}`;
  const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}.${frac.padEnd(3, '0').slice(0, 3)}${offset}`);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** An instant as GeneralizedTime (UTC, whole seconds), for `>=` filters on createTimestamp/whenCreated. */
export const toGeneralizedTime = (iso: string): string => `${new Date(iso).toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

/** AD's objectGUID (16 bytes, base64 from the transport) in its string form: the first three groups little-endian. */
export function guidOf(b64: string): string | null {
  const b = Buffer.from(b64, 'base64');
  if (b.length !== 16) return null;
  const h = (i: number[]) => i.map((n) => b[n]!.toString(16).padStart(2, '0')).join('');
  return `${h([3, 2, 1, 0])}-${h([5, 4])}-${h([7, 6])}-${h([8, 9])}-${h([10, 11, 12, 13, 14, 15])}`;
}

/** The value of a DN's first RDN with its escapes (RFC 4514 §2.4: `\,` or `\2C`) undone: a group's name. */
export function firstRdnValue(dn: string): string {
  let out = '';
  let i = dn.indexOf('=') + 1;
  for (; i < dn.length; i++) {
    const c = dn[i]!;
    if (c === ',' || c === '+') break;
    if (c !== '\\') { out += c; continue; }
    const hex = dn.slice(i + 1, i + 3);
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      // A run of hex pairs is UTF-8 bytes.
      const bytes: number[] = [];
      while (dn[i] === '\\' && /^[0-9a-fA-F]{2}$/.test(dn.slice(i + 1, i + 3))) { bytes.push(parseInt(dn.slice(i + 1, i + 3), 16)); i += 3; }
      out += Buffer.from(bytes).toString('utf8');
      i--;
    } else out += dn[++i] ?? '';
  }
  return out.trim();
}

/** AD userAccountControl ACCOUNTDISABLE (0x2). */
const disabledInAd = (uac: unknown) => { const n = Number(one(uac)); return Number.isInteger(n) && (n & 2) === 2; };

export function mapLdapEntry(e: LdapEntry): UnifiedUser {
  const guid = one(e.objectGUID);
  const locked = one(e.pwdAccountLockedTime) !== null;
  const disabled = e.userAccountControl !== undefined && disabledInAd(e.userAccountControl);
  const mails = compact(all(e.mail).map((m) => m.trim()));
  const given = one(e.givenName);
  const sn = one(e.sn);
  return {
    remoteId: one(e.entryUUID) ?? (guid && guidOf(guid)) ?? e.dn,
    name: one(e.displayName) ?? one(e.cn) ?? (compact([given, sn]).join(' ') || null),
    firstName: given,
    lastName: sn,
    username: one(e.uid) ?? one(e.sAMAccountName) ?? one(e.userPrincipalName),
    emails: mails.map((email, i) => ({ email, isPrimary: i === 0, type: null })),
    status: locked || disabled ? 'INACTIVE' : 'ACTIVE',
    remoteStatus: locked ? 'locked' : disabled ? 'disabled' : 'enabled',
    isActive: !(locked || disabled),
    title: one(e.title),
    phones: [...all(e.telephoneNumber).map((number) => ({ number, type: 'work' })), ...all(e.mobile).map((number) => ({ number, type: 'mobile' }))],
    groups: all(e.memberOf).map((dn) => ({ id: dn, name: firstRdnValue(dn) })),
    externalId: one(e.employeeNumber) ?? one(e.employeeID),
    identifiers: { dn: e.dn },
    createdAt: fromGeneralizedTime(one(e.createTimestamp) ?? one(e.whenCreated)),
    updatedAt: fromGeneralizedTime(one(e.modifyTimestamp) ?? one(e.whenChanged)),
  };
}
