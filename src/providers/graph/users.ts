// What every Microsoft Graph `/v1.0/users` adapter shares (outlook-calendar, microsoft-entra): the user
// record, the properties selected, status and user-type rules, the mapper, the $filter clauses, the auth
// schemes (a token, or the client-credentials grant at the tenant's identity platform endpoint) and Graph's
// error bodies. Sources are cited in each adapter's header.
import { compact, isoDate, str } from '../engine/map-helpers.js';
import type { Email, UnifiedUser, UserStatus, UserType } from '../engine/types.js';
import type { AuthSpec, ContextKeySpec, EnrichSpec, ErrorSpec, FilterExtrasSpec, FilterSpec, ValueSpec } from '../engine/spec/index.js';

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

const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);

/** One Graph user as a unified user; lastLoginAt only when signInActivity was selected (AuditLog.Read.All). */
export function mapGraphUser(u: GraphUser): UnifiedUser {
  const first = str(u.givenName);
  const last = str(u.surname);
  const mail = str(u.mail);
  const emails: Email[] = mail ? [{ email: mail, isPrimary: true, type: 'work' }] : [];
  for (const other of strings(u.otherMails))
    if (!emails.some((e) => e.email.toLowerCase() === other.toLowerCase())) emails.push({ email: other, isPrimary: false, type: 'other' });
  const company = str(u.companyName);
  const signIn = (u.signInActivity ?? {}) as Record<string, unknown>;
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
}

/** Clauses of one `$filter`, joined by `and`. */
export const graphFilter = (value: ValueSpec, more: Partial<FilterSpec> = {}): FilterSpec => ({ query: '$filter', join: ' and ', value, ...more }) as FilterSpec;

/** What an advanced query needs (aad-advanced-queries): both the header and `$count=true`. */
export const ADVANCED_QUERY: FilterExtrasSpec = { headers: { ConsistencyLevel: 'eventual' }, query: { $count: 'true' } };

/** `gt` isn't offered on createdDateTime; with whole-second timestamps, `> t` equals `>= floor(t) + 1 s`. */
export const createdAfterClause = (v: string) => `createdDateTime ge ${new Date(Math.floor(Date.parse(v) / 1000) * 1000 + 1000).toISOString().replace('.000Z', 'Z')}`;

/** Filters every Graph users list serves with default (non-advanced) clauses. */
export const GRAPH_BASIC_FILTERS = {
  email: graphFilter({ quote: 'odata', template: '(mail eq {value} or otherMails/any(m:m eq {value}))' }),
  username: graphFilter({ quote: 'odata', template: 'userPrincipalName eq {value}' }),
  // Graph users are Member (USER) or Guest (LIMITED); other types are refused.
  userType: graphFilter({ map: { USER: "userType eq 'Member'", LIMITED: "userType eq 'Guest'" } }),
  createdAfter: graphFilter(createdAfterClause),
} satisfies Record<string, FilterSpec>;

export const GRAPH_CONTEXT: Record<string, ContextKeySpec> = {
  baseUrl: { description: 'Graph origin (with or without /v1.0), default https://graph.microsoft.com (national clouds differ)' },
  loginUrl: { description: 'identity platform host for client credentials, default https://login.microsoftonline.com', default: 'https://login.microsoftonline.com' },
};

export const graphAuth = (tokenPermissions: string, appPermissions: string): AuthSpec[] => [
  { kind: 'bearer', key: 'accessToken', description: `\`credentials.accessToken\` (${tokenPermissions}) as a Bearer token` },
  {
    kind: 'oauth2-client-credentials',
    tokenUrl: '{context.loginUrl}/{credentials.tenantId}/oauth2/v2.0/token',
    scope: 'https://graph.microsoft.com/.default',
    clientAuth: 'form', // client_secret_post, as the v2.0 client-credentials flow documents it
    description: `client-credentials grant with \`credentials.tenantId\`, \`clientId\`, \`clientSecret\` (application permission ${appPermissions})`,
  },
];

export const GRAPH_ERRORS: ErrorSpec = {
  message: (b) =>
    typeof b?.error?.message === 'string' ? `${b.error.code ?? 'error'}: ${b.error.message}` : typeof b?.error_description === 'string' ? `${b.error}: ${b.error_description}` : undefined,
};

export const GRAPH_FIELDS: (keyof UnifiedUser)[] = ['name', 'firstName', 'lastName', 'username', 'emails', 'status', 'remoteStatus', 'title', 'languages', 'phones', 'organizations', 'externalId', 'userType', 'licenses', 'lastLoginAt', 'createdAt'];

/**
 * A user's groups, only when a query selects them: GET /users/{id}/memberOf/microsoft.graph.group (the cast keeps
 * directory roles and administrative units out), 20 per `$batch` (json-batching: the documented maximum). Needs
 * Directory.Read.All (application). First page only (Graph's default page of memberOf; `$top` on memberOf is unconfirmed).
 */
export const GRAPH_GROUPS: EnrichSpec = {
  by: 'json-batch',
  path: '/v1.0/users/{id}/memberOf/microsoft.graph.group',
  query: { $select: 'id,displayName' },
  batch: { path: '/v1.0/$batch', max: 20 },
  records: 'value',
  id: 'id',
  name: 'displayName',
};
