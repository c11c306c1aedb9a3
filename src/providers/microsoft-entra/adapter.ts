// Microsoft Entra ID — the users of a tenant's directory, read from Microsoft Graph v1.0 `GET /users`.
// Docs: https://learn.microsoft.com/graph/api/user-list (permissions; default properties, others only with
//   `$select`; `$top`; `$count` needs `ConsistencyLevel: eventual`), https://learn.microsoft.com/graph/api/resources/user
//   (per-property `$filter` support, accountEnabled, externalUserState, assignedLicenses, signInActivity),
//   https://learn.microsoft.com/graph/aad-advanced-queries (ConsistencyLevel: eventual + `$count=true` for `ne`,
//   `not`, `endsWith` and properties such as companyName and externalUserState; `accountEnabled eq false` is a
//   default query), https://learn.microsoft.com/graph/paging (`@odata.nextLink`), https://learn.microsoft.com/graph/throttling
//   (429 + Retry-After), https://learn.microsoft.com/graph/errors (`{ error: { code, message, innerError } }`),
//   https://learn.microsoft.com/graph/api/resources/signinactivity (lastSuccessfulSignInDateTime since 2023-12-01,
//   not backfilled), https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow (token
//   endpoint `/{tenant}/oauth2/v2.0/token`, client_secret in the form, scope https://graph.microsoft.com/.default,
//   AADSTS error codes in `error_description`).
// signInActivity needs AuditLog.Read.All and an Entra ID P1/P2 tenant, or Graph answers 403: it is selected only when
//   the account opts in with `context.signInActivity: true` (default off), and lastLoginAt is null otherwise.
// Groups (DirectoryUser.groups, only when selected): https://learn.microsoft.com/graph/api/user-list-memberof (GET
//   /users/{id}/memberOf, the `microsoft.graph.group` cast, `$select`; least privileged: Directory.Read.All as an application,
//   User.Read.All delegated; without the permission for a member's type Graph returns it with only its id and @odata.type),
//   sent 20 at a time through https://learn.microsoft.com/graph/json-batching (POST /v1.0/$batch, `requests[{ id, method,
//   url }]` relative to the version → `responses[{ id, status, headers, body }]`, any order; a throttled sub-request
//   answers 429 with its own Retry-After, https://learn.microsoft.com/graph/throttling). A user's first page of groups only.
// Not done yet: directory roles, soft-deleted users (/directory/deletedItems), so `status: DELETED` is refused.
// Unconfirmed: `$top` range 1–999 (a Microsoft Q&A answer quoting the error, not the reference page); that an advanced
//   `externalUserState eq` clause combines with `accountEnabled` under `or` as documented for other properties;
//   `id in (…)` on /users; that createdDateTime carries whole seconds (`gt` becomes `ge` the next second); the P1/P2
//   licence note for signInActivity (third-party sources; Microsoft documents only the permission).
import { refuse } from '../engine/filters.js';
import { defineProvider, type QueryValueSpec } from '../engine/spec/index.js';
import { ADVANCED_QUERY, GRAPH_BASIC_FILTERS, GRAPH_CONTEXT, GRAPH_ERRORS, GRAPH_FIELDS, GRAPH_GROUPS, GRAPH_SELECT, graphAuth, graphFilter, mapGraphUser, type GraphUser } from '../graph/users.js';

/** The opt-in for signInActivity (AuditLog.Read.All): `true` or "true". */
export const wantsSignIn = (ctx: Record<string, unknown>) => ctx.signInActivity === true || ctx.signInActivity === 'true';
export const ENTRA_SELECT: QueryValueSpec = ({ context }) => (wantsSignIn(context) ? `${GRAPH_SELECT},signInActivity` : GRAPH_SELECT);

const PENDING = "externalUserState eq 'PendingAcceptance'";
/** status as $filter clauses; INVITED needs an advanced query, ACTIVE narrows to enabled accounts and is re-checked. */
const STATUS: Record<string, string> = { ACTIVE: 'accountEnabled eq true', INACTIVE: 'accountEnabled eq false', INVITED: `(accountEnabled eq true and ${PENDING})` };

export const microsoftEntra = defineProvider<GraphUser>({
  slug: 'microsoft-entra',
  displayName: 'Microsoft Entra ID (Microsoft Graph)',
  docsUrl: 'https://learn.microsoft.com/graph/api/user-list',
  baseUrl: 'https://graph.microsoft.com',
  context: {
    ...GRAPH_CONTEXT,
    signInActivity: { description: 'true to select signInActivity for lastLoginAt (needs AuditLog.Read.All and Entra ID P1/P2, else Graph answers 403); default false' },
  },
  auth: graphAuth('User.Read.All, or Directory.Read.All; GroupMember.Read.All or Directory.Read.All for groups', 'User.Read.All; AuditLog.Read.All for signInActivity; Directory.Read.All for groups'),
  lists: {
    USER_DIRECTORY: {
      path: '/v1.0/users',
      query: { $select: ENTRA_SELECT },
      records: 'value',
      paginator: { kind: 'next-url', next: '@odata\\.nextLink', pageSize: { param: '$top', max: 999 }, reservedParams: ['$skiptoken'] },
      filters: {
        ...GRAPH_BASIC_FILTERS,
        status: {
          ...graphFilter((v: string) => STATUS[v] ?? refuse('deleted users are not in /users (they are in /directory/deletedItems)'), { with: (v: string) => (v === 'INVITED' ? ADVANCED_QUERY : undefined) }),
          note: 'ACTIVE and INACTIVE by accountEnabled (re-checked: invited guests are not active); INVITED adds externalUserState, an advanced query (ConsistencyLevel: eventual, $count=true); DELETED is refused',
        },
        isActive: {
          ...graphFilter((v: boolean) => (v ? 'accountEnabled eq true' : `(accountEnabled eq false or ${PENDING})`), { with: (v: boolean) => (v ? undefined : ADVANCED_QUERY) }),
          note: '`accountEnabled eq true` (re-checked); false adds pending guests, an advanced query',
        },
        organizationId: { ...graphFilter({ quote: 'odata', template: 'companyName eq {value}' }, { with: ADVANCED_QUERY }), note: 'companyName, an advanced query' },
        name: { engine: true, note: 'substring match; Graph offers only startsWith on displayName' },
        firstName: { engine: true, note: 'substring match; Graph offers only eq/startsWith on givenName' },
        lastName: { engine: true, note: 'substring match; Graph offers only eq/startsWith on surname' },
        emails: { engine: true, note: 'any of several addresses, in mail or otherMails' },
      },
    },
  },
  byIds: { path: '/v1.0/users', query: { $select: ENTRA_SELECT, $filter: 'id in ({ids})' }, idsQuote: 'odata', idsJoin: ',', records: 'value', idOf: 'id', maxBatch: 15 },
  byId: { path: '/v1.0/users/{id}', query: { $select: ENTRA_SELECT } },
  enrich: { groups: GRAPH_GROUPS },
  errors: GRAPH_ERRORS,
  fields: [...GRAPH_FIELDS, 'groups'],
  map: (u) => mapGraphUser(u),
});
