// LDAP v3 directories (OpenLDAP, Active Directory): users from a subtree search under `context.baseDn` with
// `context.userFilter`, over the engine's LDAP transport (engine/ldap.ts: simple bind, paged results, the SSRF guard
// and deadline of HTTP upstreams). How RFC 2696 paging maps onto our cursors is described in engine/ldap.ts.
//
// Sources:
//   RFC 4511 https://www.rfc-editor.org/rfc/rfc4511  §4.2 simple bind (DN + password; result 49 invalidCredentials),
//            §4.5.1 search (base, scope, sizeLimit, filter, attributes: operational attributes only when named,
//            §4.5.1.8), §4.5.1.7 filter evaluation (an unrecognised attribute is Undefined: NOT of it is Undefined too,
//            which is why only OR-combined clauses may name attributes one directory lacks), Appendix A result codes;
//            §4.14 StartTLS.
//   RFC 4515 https://www.rfc-editor.org/rfc/rfc4515  filter strings; §3 `*` `(` `)` `\` NUL escaped as \2a \28 \29 \5c
//            \00 in assertion values (quote.ts `ldap`, through ldapts's escapeFilter). A group DN's own escapes
//            (`cn=Sales\2C EMEA`) are escaped again (`\5c2C`), or the filter would compare another DN.
//   RFC 2696 https://www.rfc-editor.org/rfc/rfc2696  simple paged results: the cookie belongs to the connection.
//   RFC 4517 §3.3.13 GeneralizedTime; RFC 4519/2798 (inetOrgPerson: uid, cn, sn, givenName, displayName, mail,
//            title, telephoneNumber, mobile, employeeNumber); RFC 4530 entryUUID; RFC 3673 `+` is not used (AD lacks it).
//   OpenLDAP https://www.openldap.org/doc/admin25/overlays.html  memberof overlay (memberOf), ppolicy
//            (pwdAccountLockedTime; 000001010000Z = locked until an administrator unlocks), createTimestamp/
//            modifyTimestamp; slapd.conf(5) limits `size.prtotal` (a cap on paged totals).
//   Active Directory https://learn.microsoft.com/en-us/windows/win32/adschema/a-useraccountcontrol  userAccountControl
//            ACCOUNTDISABLE 0x2, tested with LDAP_MATCHING_RULE_BIT_AND 1.2.840.113556.1.4.803
//            (https://learn.microsoft.com/en-us/windows/win32/adsi/search-filter-syntax); objectGUID (binary),
//            sAMAccountName, whenCreated/whenChanged, memberOf.
//   ldapts   https://github.com/ldapts/ldapts#readme  Client, bind, startTLS, searchPaginated, escapeFilter.
// Unconfirmed / decisions:
//   - Not checked against a live Active Directory: objectGUID ↔ string conversion follows the documented byte order;
//     bulk `nodes` look users up by entryUUID, so AD users (objectGUID ids) resolve one by one through the list scan.
//   - status ACTIVE is tested by the gateway (most users are active; a NOT over an attribute the other directory
//     lacks would match nobody); INACTIVE goes upstream as an OR of ppolicy's lock and AD's disabled bit.
//   - DELETED/INVITED do not exist in LDAP (a deleted entry is gone): refused.
import { refuse } from '../engine/filters.js';
import { defineProvider, ldap as q } from '../engine/spec/index.js';
import { mapLdapEntry, toGeneralizedTime, type LdapEntry } from './map.js';

/** Attributes asked for by name: operational ones (entryUUID, memberOf, timestamps, ppolicy) are never returned otherwise. */
export const LDAP_ATTRIBUTES = [
  'objectClass', 'uid', 'sAMAccountName', 'userPrincipalName', 'cn', 'displayName', 'givenName', 'sn', 'mail', 'title', 'telephoneNumber', 'mobile',
  'employeeNumber', 'employeeID', 'memberOf', 'entryUUID', 'objectGUID', 'createTimestamp', 'modifyTimestamp', 'whenCreated', 'whenChanged',
  'pwdAccountLockedTime', 'userAccountControl',
];
export const LDAP_PAGE_MAX = 500;
const LDAP_BULK_BATCH = 50;
const DISABLED_OR_LOCKED = '(|(pwdAccountLockedTime=*)(userAccountControl:1.2.840.113556.1.4.803:=2))';

const startTls = ({ context }: { context: Record<string, unknown> }) => (context.startTls === true || context.startTls === 'true' ? 'true' : undefined);
// objectGUID is binary (AD): it arrives as bytes (base64 in remoteData), not as a garbled string.
const search = { base: '{context.baseDn}', attr: LDAP_ATTRIBUTES, binary: ['objectGUID'], startTls };
const clause = (template: string) => ({ query: 'filter', join: '', value: { quote: 'ldap' as const, template } });
const after = (attrs: [string, string]) => (v: string) => `(|(${attrs[0]}>=${toGeneralizedTime(v)})(${attrs[1]}>=${toGeneralizedTime(v)}))`;

export const ldap = defineProvider<LdapEntry>({
  slug: 'ldap',
  displayName: 'LDAP (OpenLDAP, Active Directory)',
  transport: 'ldap',
  docsUrl: 'https://www.rfc-editor.org/rfc/rfc4511#section-4.5',
  baseUrl: '{context.url}',
  context: {
    url: { description: 'the directory, `ldap://host:389` or `ldaps://host:636`', required: true, pattern: '^ldaps?://[^/?#]+/?$' },
    baseDn: { description: 'the base DN users are searched under, e.g. `ou=people,dc=example,dc=com`', required: true },
    userFilter: { description: 'an RFC 4515 filter selecting user entries (AD: `(&(objectCategory=person)(objectClass=user))`)', default: '(objectClass=inetOrgPerson)' },
    startTls: { description: '`true`: upgrade an ldap:// connection with StartTLS (RFC 4511 §4.14) before binding' },
  },
  auth: { kind: 'ldap-bind', bindDn: '{credentials.bindDn}', password: '{credentials.password}', description: 'LDAP simple bind with `credentials.bindDn` and `credentials.password`' },
  lists: {
    USER_DIRECTORY: {
      path: '/',
      query: { ...search, filter: '{context.userFilter}' },
      records: 'entries',
      paginator: { kind: 'ldap-paged', max: LDAP_PAGE_MAX },
      filters: {
        email: { ...clause('(mail={value})'), note: '`(mail=…)`' },
        emails: { query: 'filter', join: '', value: (v: string[]) => `(|${v.map((e) => `(mail=${q(e)})`).join('')})`, note: '`(|(mail=…)(mail=…))`' },
        username: { ...clause('(|(uid={value})(sAMAccountName={value}))'), note: '`(|(uid=…)(sAMAccountName=…))`' },
        name: { ...clause('(|(displayName=*{value}*)(cn=*{value}*))'), note: 'substring of displayName or cn; re-checked on the unified name' },
        firstName: { ...clause('(givenName=*{value}*)'), note: '`(givenName=*…*)`' },
        lastName: { ...clause('(sn=*{value}*)'), note: '`(sn=*…*)`' },
        // The server compares DNs by their normalised form; the mapped group id is the DN as the server wrote it.
        groupId: { ...clause('(memberOf={value})'), recheck: false, note: '`(memberOf=<group DN>)`; the id is the group\'s DN' },
        status: {
          query: 'filter',
          join: '',
          value: (v: string) => (v === 'INACTIVE' ? DISABLED_OR_LOCKED : v === 'ACTIVE' ? undefined : refuse(`LDAP directories have no ${v} users (a deleted entry is gone); use ACTIVE or INACTIVE`)),
          note: 'INACTIVE: `(|(pwdAccountLockedTime=*)(userAccountControl:1.2.840.113556.1.4.803:=2))`; ACTIVE tested by the gateway',
        },
        isActive: { query: 'filter', join: '', value: (v: boolean) => (v ? undefined : DISABLED_OR_LOCKED), note: 'false upstream (locked or disabled), true tested by the gateway' },
        createdAfter: { query: 'filter', join: '', value: after(['createTimestamp', 'whenCreated']), note: '`(|(createTimestamp>=…)(whenCreated>=…))`, GeneralizedTime' },
        updatedAfter: { query: 'filter', join: '', value: after(['modifyTimestamp', 'whenChanged']), note: '`(|(modifyTimestamp>=…)(whenChanged>=…))`, GeneralizedTime' },
      },
    },
  },
  // Bulk nodes: one OR-filter of entryUUIDs per batch, each value escaped (RFC 4515).
  byIds: {
    path: '/',
    query: { ...search, filter: ['{context.userFilter}', '(|{ids})'] },
    idsQuote: 'ldap',
    idsTemplate: '(entryUUID={id})',
    idsJoin: '',
    records: 'entries',
    idOf: 'entryUUID',
    maxBatch: LDAP_BULK_BATCH,
  },
  fields: ['name', 'firstName', 'lastName', 'username', 'emails', 'status', 'remoteStatus', 'isActive', 'title', 'phones', 'groups', 'externalId', 'identifiers', 'createdAt', 'updatedAt'],
  map: (raw) => mapLdapEntry(raw),
});
