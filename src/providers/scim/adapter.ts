// SCIM 2.0 — generic service provider (RFC 7643 core schema, RFC 7644 protocol), for the long tail of
// apps that speak it. Every SCIM service has its own base URL, so `context.baseUrl` is required
// (e.g. https://host/scim/v2); resource endpoints hang under it (RFC 7644 §3.2).
//
// Sources (RFC text as quoted by public implementations; rfc-editor.org pages themselves not retrieved):
//   RFC 7644 §3.4.2   https://www.rfc-editor.org/rfc/rfc7644#section-3.4.2   ListResponse: totalResults (REQUIRED),
//                     Resources ("REQUIRED if totalResults is non-zero": an empty result may omit it),
//                     startIndex, itemsPerPage.
//   RFC 7644 §3.4.2.2 https://www.rfc-editor.org/rfc/rfc7644#section-3.4.2.2 filter ABNF (Figure 1): attrExp,
//                     logExp, valuePath `emails[value eq "…"]`; compValue is a JSON value (RFC 7159), so a
//                     string is JSON-quoted (`"` and `\` escaped); precedence not > and > or; attribute names
//                     and operators case-insensitive; string comparison follows the attribute's caseExact
//                     (RFC 7643 §2.2); unknown operators → 400 scimType invalidFilter.
//                     Errata 4690 and 7319 (https://www.rfc-editor.org/errata/eid7319) touch `not` and valFilter
//                     only; nothing here uses `not`.
//   RFC 7644 §3.4.2.3 sortBy / sortOrder ("ascending" | "descending"); optional, advertised by
//                     ServiceProviderConfig `sort.supported` (RFC 7643 §5).
//   RFC 7644 §3.4.2.4 startIndex is 1-based ("a value less than 1 SHALL be interpreted as 1"); count is the
//                     desired maximum; the provider MUST NOT return more and MAY return fewer — so the next
//                     startIndex is advanced by the resources that came back, and the walk ends when it passes
//                     totalResults (a short page is NOT the end).
//   RFC 7644 §3.4.1   GET /Users/{id}; a deleted or unknown resource is 404.
//   RFC 7644 §3.12    error body: schemas [urn:ietf:params:scim:api:messages:2.0:Error], status (a string),
//                     scimType (invalidFilter, tooMany, invalidValue, …), detail.
//   RFC 7644 §2       authentication is left to the provider: HTTP Bearer (RFC 6750) or Basic (RFC 7617) in practice.
//   RFC 7643 §4.1     User: userName (caseExact false), name{formatted,givenName,familyName}, displayName,
//                     active, emails[{value,type,primary}], phoneNumbers, photos, groups, roles, entitlements;
//                     §3.1 id (caseExact true) / externalId / meta{created,lastModified}; §4.3 enterprise
//                     extension urn:ietf:params:scim:schemas:extension:enterprise:2.0:User (employeeNumber,
//                     costCenter, organization, division, department, manager{value,$ref,displayName}); §8 examples.
//   RFC 9865 (cursor pagination) exists; not used: index paging is the baseline every server has.
// Unconfirmed / decisions:
//   - No RFC rate-limit signal; vendors send 429 (+ Retry-After), handled by the engine's defaults.
//   - What a server does with sortBy when sort is unsupported (ignore vs 400) is not specified; many ignore it,
//     which is why sort needs the ServiceProviderConfig probe — and why it is refused below (the spec has no
//     capability probe yet).
//   - A server capping `count` below the byIds batch (10) would leave the rest of a batch unresolved (null nodes);
//     RFC 7644 servers cap far higher in practice.
//   - Case-insensitive userName/emails.value matching is an RFC rule servers do not all follow (scimmy 1.3.5
//     compares case-sensitively): the engine's recheck keeps results right, but a differently-cased
//     address may find nobody on such a server.
//   - Users without `active` get status null (not guessed); `isActive: false` (active eq false) does not reach them.
//   - employeeNumber → externalId (the organisation's id for the person, as the issue asks); SCIM's own
//     `externalId` (the provisioning client's id) is kept in identifiers.scimExternalId.
import { defineProvider, scim as scimString } from '../engine/spec/index.js';
import { mapScimUser, type ScimUser } from './map.js';

/** SCIM dateTime (RFC 7643 §2.3.5, xsd:dateTime): the instant normalised to UTC ISO 8601, then quoted. */
const scimDate = (v: string) => scimString(new Date(v).toISOString());

/** §3.4.2: `Resources` may be absent when totalResults is 0; a body that is not a ListResponse is refused. */
const resources = (b: any): unknown =>
  Array.isArray(b?.Resources) ? b.Resources : b && typeof b === 'object' && Number(b.totalResults) === 0 && b.Resources === undefined ? [] : undefined;

const filter = (template: string) => ({ query: 'filter', join: ' and ', value: { quote: 'scim' as const, template } });

export const SCIM_PAGE_MAX = 100;
/** Ids per `id eq … or …` lookup, also sent as its `count`. */
const SCIM_BULK_BATCH = 10;

export const scim = defineProvider<ScimUser>({
  slug: 'scim',
  displayName: 'SCIM 2.0',
  docsUrl: 'https://www.rfc-editor.org/rfc/rfc7644#section-3.4.2',
  context: {
    baseUrl: { description: 'the SCIM base URL, e.g. https://host/scim/v2 (…/Users hangs under it)', required: true, pattern: '^https?://' },
  },
  auth: [
    { kind: 'bearer', key: 'accessToken', description: '`credentials.accessToken` as `Authorization: Bearer <token>`' },
    { kind: 'basic', username: '{credentials.username}', password: '{credentials.password}', keys: ['username', 'password'], description: '`credentials.username` + `credentials.password` as HTTP Basic' },
  ],
  // RFC 7644 §8.1: application/scim+json; plain JSON accepted as servers also send it.
  headers: { accept: 'application/scim+json, application/json' },
  errors: {
    message: (b: any) => (typeof b?.detail === 'string' ? (typeof b.scimType === 'string' ? `${b.scimType}: ${b.detail}` : b.detail) : undefined),
    rules: [
      // tooMany: the filter matched more than the server will return; a narrower filter is the fix.
      { when: { status: 400, path: 'scimType', in: ['invalidFilter', 'tooMany', 'invalidValue', 'invalidSyntax'] }, as: 'BAD_REQUEST' },
    ],
  },
  lists: {
    USER_DIRECTORY: {
      path: '/Users',
      records: resources,
      // §3.4.2.4: servers may return fewer than `count` while more follow, so startIndex advances by what came
      // back and the walk ends at totalResults (or an empty page), never on a short page.
      paginator: { kind: 'offset', offsetParam: 'startIndex', limitParam: 'count', max: SCIM_PAGE_MAX, start: 1, total: 'totalResults' },
      filters: {
        username: { ...filter('userName eq {value}'), note: '`filter=userName eq "…"` (caseExact false, RFC 7643 §4.1.1)' },
        // Any of the user's addresses: a value path over the multi-valued `emails`.
        email: { ...filter('emails[value eq {value}]'), note: '`filter=emails[value eq "…"]`' },
        emails: {
          query: 'filter',
          join: ' and ',
          value: (v: string[]) => `(${v.map((e) => `emails[value eq ${scimString(e)}]`).join(' or ')})`,
          note: '`emails[value eq "a"] or emails[value eq "b"]`',
        },
        firstName: { ...filter('name.givenName co {value}'), note: '`name.givenName co "…"`' },
        lastName: { ...filter('name.familyName co {value}'), note: '`name.familyName co "…"`' },
        // The unified name is displayName, else name.formatted, else given + family: the upstream clause
        // reaches every one of them for a one-word value, and the engine re-checks the unified name.
        name: {
          ...filter('(displayName co {value} or name.formatted co {value} or name.givenName co {value} or name.familyName co {value})'),
          note: 'displayName, name.formatted, givenName or familyName `co`; re-checked on the unified name',
        },
        isActive: { query: 'filter', join: ' and ', value: { map: { true: 'active eq true', false: 'active eq false' } }, note: '`active eq true|false`' },
        // SCIM has `active` only: a deleted resource is gone (404) and there is no invited state.
        status: { query: 'filter', join: ' and ', value: { map: { ACTIVE: 'active eq true', INACTIVE: 'active eq false' } }, note: 'ACTIVE / INACTIVE via `active`; DELETED and INVITED do not exist in SCIM' },
        createdAfter: { query: 'filter', join: ' and ', value: (v: string) => `meta.created gt ${scimDate(v)}`, note: '`meta.created gt "…"` (UTC ISO 8601)' },
        updatedAfter: { query: 'filter', join: ' and ', value: (v: string) => `meta.lastModified gt ${scimDate(v)}`, note: '`meta.lastModified gt "…"` (UTC ISO 8601)' },
        // sort: REFUSED. RFC 7644 §3.4.2.3 sorting is optional and only ServiceProviderConfig says whether a
        // server honours it; the spec cannot express a capability probe yet, and a server
        // that ignores sortBy would return unsorted users under a sort the caller asked for. With a probe:
        //   sort: { query: ['sortBy', 'sortOrder'], value: { map: { NAME: 'displayName', EMAIL: 'emails.value',
        //     FIRST_NAME: 'name.givenName', LAST_NAME: 'name.familyName', CREATED_AT: 'meta.created',
        //     UPDATED_AT: 'meta.lastModified' } }, direction: { ASC: 'ascending', DESC: 'descending' },
        //     when: { probe: '/ServiceProviderConfig', path: 'sort.supported', equals: true } }
        // Not served (UNSUPPORTED_FILTER): groupId/roleId (many servers return no `groups` in lists, so a
        // re-check would silently empty the result), organizationId (extension-attribute filters are often
        // unsupported: scimmy answers 0 results for them, silently), userType (free text in SCIM).
      },
    },
  },
  byId: { path: '/Users/{id}' },
  // Each id quoted on its own (`id eq "a" or id eq "b"`): an id holding a quote can neither break nor widen it.
  byIds: {
    path: '/Users',
    query: { filter: '{ids}', count: String(SCIM_BULK_BATCH) },
    idsQuote: 'scim',
    idsTemplate: 'id eq {id}',
    idsJoin: ' or ',
    records: resources,
    idOf: 'id',
    maxBatch: SCIM_BULK_BATCH,
  },
  fields: ['name', 'firstName', 'lastName', 'username', 'emails', 'status', 'remoteStatus', 'isActive', 'title', 'timezone', 'languages', 'phones', 'avatar',
    'roles', 'groups', 'licenses', 'organizations', 'externalId', 'identifiers', 'createdAt', 'updatedAt'],
  map: (raw) => mapScimUser(raw),
});
