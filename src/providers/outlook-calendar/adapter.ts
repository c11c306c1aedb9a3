// Outlook Calendar — the people of a Microsoft 365 tenant, read from Microsoft Graph v1.0 `GET /users`.
// Docs: https://learn.microsoft.com/graph/api/user-list (default properties; others only with `$select`;
//   `$top`; no `$skip`), https://learn.microsoft.com/graph/api/resources/user (per-property `$filter`),
//   https://learn.microsoft.com/graph/paging (`@odata.nextLink` with `$skiptoken`, /users defaults to 100),
//   https://learn.microsoft.com/graph/aad-advanced-queries (which filters work without `ConsistencyLevel:
//   eventual`: `ne`/`not` never do, `companyName` and `externalUserState` need it or aren't filterable;
//   `in` works wherever `eq` does), https://learn.microsoft.com/graph/filter-query-parameter (`in` is
//   limited to 15 values), https://learn.microsoft.com/graph/throttling (429 + Retry-After),
//   https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow (token endpoint).
// The adapter sends only default (non-advanced) filters, so it never needs ConsistencyLevel.
// Unconfirmed: `$top` range 1–999 (from a Microsoft Q&A answer quoting the error, not the reference page);
//   `id in (…)` on /users (the property table leaves `in` blank for id, the general rule says it works);
//   that `createdDateTime` carries whole seconds (we rely on it to turn `gt` into the supported `ge`).
import { defineProvider } from '../engine/spec/index.js';
import { GRAPH_BASIC_FILTERS, GRAPH_CONTEXT, GRAPH_ERRORS, GRAPH_FIELDS, GRAPH_OAUTH, GRAPH_SELECT, graphAuth, graphFilter, mapGraphUser, type GraphUser } from '../graph/users.js';

export { GRAPH_SELECT, GRAPH_USER_TYPE, graphStatus, type GraphUser } from '../graph/users.js';

export const outlookCalendar = defineProvider<GraphUser>({
  slug: 'outlook-calendar',
  displayName: 'Outlook Calendar (Microsoft Graph)',
  docsUrl: 'https://learn.microsoft.com/graph/api/user-list',
  baseUrl: 'https://graph.microsoft.com',
  context: GRAPH_CONTEXT,
  auth: graphAuth('User.Read.All or User.ReadBasic.All', 'User.Read.All'),
  oauth: GRAPH_OAUTH,
  lists: {
    CALENDAR: {
      path: '/v1.0/users',
      query: { $select: GRAPH_SELECT },
      records: 'value',
      paginator: { kind: 'next-url', next: '@odata\\.nextLink', pageSize: { param: '$top', max: 999 }, reservedParams: ['$skiptoken'] },
      filters: {
        email: GRAPH_BASIC_FILTERS.email,
        username: GRAPH_BASIC_FILTERS.username,
        // Inactive also means an enabled guest still PendingAcceptance (INVITED), which Graph cannot filter on
        // without an advanced query: `false` is tested by the gateway; `true` narrows upstream, then is re-checked.
        isActive: { ...graphFilter((v: boolean) => (v ? 'accountEnabled eq true' : undefined)), note: '`accountEnabled eq true` (re-checked: invited guests are not active); false is tested by the gateway' },
        userType: GRAPH_BASIC_FILTERS.userType,
        createdAfter: GRAPH_BASIC_FILTERS.createdAfter,
        status: { engine: true, note: 'INVITED needs externalUserState and ACTIVE needs `ne`: advanced queries only, so the gateway filters while paging' },
        name: { engine: true, note: 'substring match; Graph offers only startsWith on displayName' },
        firstName: { engine: true, note: 'substring match; Graph offers only eq/startsWith on givenName' },
        lastName: { engine: true, note: 'substring match; Graph offers only eq/startsWith on surname' },
        emails: { engine: true, note: 'any of several addresses, in mail or otherMails' },
        organizationId: { engine: true, note: 'companyName; filtering it upstream needs an advanced query' },
      },
    },
  },
  byIds: { path: '/v1.0/users', query: { $select: GRAPH_SELECT, $filter: 'id in ({ids})' }, idsQuote: 'odata', idsJoin: ',', records: 'value', idOf: 'id', maxBatch: 15 },
  // Where `id in (…)` is refused (it is not in every tenant's or proxy's filter support), one GET per id.
  byId: { path: '/v1.0/users/{id}', query: { $select: GRAPH_SELECT } },
  errors: GRAPH_ERRORS,
  fields: GRAPH_FIELDS,
  map: (u) => mapGraphUser(u),
});
