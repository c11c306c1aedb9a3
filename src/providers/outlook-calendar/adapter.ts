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
import { compact, isoDate, str } from '../engine/map-helpers.js';
import type { Email, UserStatus, UserType } from '../engine/types.js';
import { defineProvider, type FilterSpec, type ValueSpec } from '../spec/index.js';

export interface GraphUser {
  id: string;
  [property: string]: unknown;
}

/** What we read; Graph returns only the default properties without it (accountEnabled, userType… are not). */
export const GRAPH_SELECT = 'id,displayName,givenName,surname,mail,otherMails,userPrincipalName,jobTitle,businessPhones,mobilePhone,preferredLanguage,officeLocation,companyName,employeeId,accountEnabled,externalUserState,userType,createdDateTime,assignedLicenses';

export const GRAPH_USER_TYPE: Record<string, UserType> = { Member: 'USER', Guest: 'LIMITED' };

/** accountEnabled false → INACTIVE; a guest who hasn't redeemed the invitation → INVITED; enabled → ACTIVE. */
export function graphStatus(u: Record<string, unknown>): { status: UserStatus | null; remoteStatus: string | null } {
  const enabled = u.accountEnabled === true ? 'enabled' : u.accountEnabled === false ? 'disabled' : null;
  const ext = str(u.externalUserState);
  const remoteStatus = compact([enabled, ext]).join(':') || null; // e.g. "enabled", "disabled", "enabled:PendingAcceptance"
  if (u.accountEnabled === false) return { status: 'INACTIVE', remoteStatus };
  if (ext === 'PendingAcceptance') return { status: 'INVITED', remoteStatus };
  return { status: enabled ? 'ACTIVE' : null, remoteStatus };
}

/** Clauses of one `$filter`, joined by `and`. */
const filter = (value: ValueSpec): FilterSpec => ({ query: '$filter', join: ' and ', value });
const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);

export const outlookCalendar = defineProvider<GraphUser>({
  slug: 'outlook-calendar',
  displayName: 'Outlook Calendar (Microsoft Graph)',
  docsUrl: 'https://learn.microsoft.com/graph/api/user-list',
  baseUrl: 'https://graph.microsoft.com',
  context: {
    baseUrl: { description: 'Graph origin (with or without /v1.0), default https://graph.microsoft.com (national clouds differ)' },
    loginUrl: { description: 'identity platform host for client credentials, default https://login.microsoftonline.com', default: 'https://login.microsoftonline.com' },
  },
  auth: [
    { kind: 'bearer', key: 'accessToken', description: '`credentials.accessToken` (User.Read.All or User.ReadBasic.All) as a Bearer token' },
    {
      kind: 'oauth2-client-credentials',
      tokenUrl: '{context.loginUrl}/{credentials.tenantId}/oauth2/v2.0/token',
      scope: 'https://graph.microsoft.com/.default',
      description: 'client-credentials grant with `credentials.tenantId`, `clientId`, `clientSecret` (application permission User.Read.All)',
    },
  ],
  lists: {
    CALENDAR: {
      path: '/v1.0/users',
      query: { $select: GRAPH_SELECT },
      records: 'value',
      paginator: { kind: 'next-url', next: '@odata\\.nextLink', pageSize: { param: '$top', max: 999 }, reservedParams: ['$skiptoken'] },
      filters: {
        email: filter({ quote: 'odata', template: '(mail eq {value} or otherMails/any(m:m eq {value}))' }),
        username: filter({ quote: 'odata', template: 'userPrincipalName eq {value}' }),
        // Inactive also means an enabled guest still PendingAcceptance (INVITED), which Graph cannot filter on
        // without an advanced query: `false` is tested by the gateway; `true` narrows upstream, then is re-checked.
        isActive: { ...filter((v: boolean) => (v ? 'accountEnabled eq true' : undefined)), note: '`accountEnabled eq true` (re-checked: invited guests are not active); false is tested by the gateway' },
        // Graph users are Member (USER) or Guest (LIMITED); other types are refused.
        userType: filter({ map: { USER: "userType eq 'Member'", LIMITED: "userType eq 'Guest'" } }),
        // `gt` isn't offered on createdDateTime; with whole-second timestamps, `> t` equals `>= floor(t) + 1 s`.
        createdAfter: filter((v: string) => `createdDateTime ge ${new Date(Math.floor(Date.parse(v) / 1000) * 1000 + 1000).toISOString().replace('.000Z', 'Z')}`),
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
  errors: {
    message: (b) =>
      typeof b?.error?.message === 'string' ? `${b.error.code ?? 'error'}: ${b.error.message}` : typeof b?.error_description === 'string' ? `${b.error}: ${b.error_description}` : undefined,
  },
  fields: ['name', 'firstName', 'lastName', 'username', 'emails', 'status', 'remoteStatus', 'title', 'languages', 'phones', 'organizations', 'externalId', 'userType', 'licenses', 'lastLoginAt', 'createdAt'],
  map(u) {
    const first = str(u.givenName);
    const last = str(u.surname);
    const mail = str(u.mail);
    const emails: Email[] = mail ? [{ email: mail, isPrimary: true, type: 'work' }] : [];
    for (const other of strings(u.otherMails))
      if (!emails.some((e) => e.email.toLowerCase() === other.toLowerCase())) emails.push({ email: other, isPrimary: false, type: 'other' });
    const company = str(u.companyName);
    const signIn = (u.signInActivity ?? {}) as Record<string, unknown>; // only present when selected (needs AuditLog.Read.All)
    return {
      remoteId: String(u.id),
      name: str(u.displayName) ?? (compact([first, last]).join(' ') || null),
      firstName: first,
      lastName: last,
      username: str(u.userPrincipalName),
      emails,
      ...graphStatus(u),
      isActive: typeof u.accountEnabled === 'boolean' ? u.accountEnabled : null,
      title: str(u.jobTitle),
      languages: compact([str(u.preferredLanguage)]),
      phones: [
        ...strings(u.businessPhones).map((number) => ({ number, type: 'work' })),
        ...(str(u.mobilePhone) ? [{ number: str(u.mobilePhone)!, type: 'mobile' }] : []),
      ],
      organizations: company ? [{ id: company, name: company }] : [],
      externalId: str(u.employeeId),
      userType: typeof u.userType === 'string' && Object.hasOwn(GRAPH_USER_TYPE, u.userType) ? GRAPH_USER_TYPE[u.userType]! : null,
      licenses: (Array.isArray(u.assignedLicenses) ? u.assignedLicenses : [])
        .map((l: any) => str(l?.skuId))
        .filter((id): id is string => !!id)
        .map((id) => ({ id })),
      lastLoginAt: isoDate(signIn?.lastSuccessfulSignInDateTime) ?? isoDate(signIn?.lastSignInDateTime),
      createdAt: isoDate(u.createdDateTime),
    };
  },
});
