// Every unified filter, defined once: its GraphQL input type and description (src/schema/filters.ts builds
// the UserFilter input from this table), its TypeScript type (UserFilter below) and the engine's in-memory
// predicate on the mapped user (the semantics every provider's results follow).
import type { SortInput, UnifiedUser, UserStatus, UserType } from './user.js';

/** GraphQL input kinds, with the TypeScript type each one arrives as. */
export interface FilterKinds {
  string: string;
  strings: string[];
  boolean: boolean;
  dateTime: string;
  day: string;
  status: UserStatus;
  userType: UserType;
  sort: SortInput;
}
export type FilterKind = keyof FilterKinds;

interface FilterDef<K extends FilterKind = FilterKind> {
  kind: K;
  description?: string;
  /** How the engine tests a mapped user; absent where a filter has no meaning on the user (date, sort). */
  predicate?: (u: UnifiedUser, v: FilterKinds[K]) => boolean;
}

const ci = (s: string | null | undefined) => (s ?? '').toLocaleLowerCase();
const toTime = (s: string | null | undefined) => (s ? Date.parse(s) : NaN);
const def = <K extends FilterKind>(d: FilterDef<K>) => d;

export const FILTERS = {
  date: def({ kind: 'day', description: 'Usage metering: the usage day (YYYY-MM-DD, UTC). Defaults to three days ago.' }),
  email: def({ kind: 'string', description: 'Whole address, case-insensitive.', predicate: (u, v) => (u.emails ?? []).some((e) => ci(e.email) === ci(v)) }),
  emails: def({ kind: 'strings', description: 'Any of these addresses (at most 100), case-insensitive.', predicate: (u, v) => (u.emails ?? []).some((e) => v.some((x) => ci(x) === ci(e.email))) }),
  name: def({ kind: 'string', description: 'Substring of the full name, case-insensitive.', predicate: (u, v) => ci(u.name).includes(ci(v)) }),
  firstName: def({ kind: 'string', description: 'Substring, case-insensitive.', predicate: (u, v) => ci(u.firstName).includes(ci(v)) }),
  lastName: def({ kind: 'string', description: 'Substring, case-insensitive.', predicate: (u, v) => ci(u.lastName).includes(ci(v)) }),
  username: def({ kind: 'string', description: 'Whole username or login, case-insensitive.', predicate: (u, v) => ci(u.username) === ci(v) }),
  status: def({ kind: 'status', predicate: (u, v) => u.status === v }),
  // Active means status ACTIVE where the provider has a status (an enabled but invited user is not active).
  isActive: def({ kind: 'boolean', description: 'Status ACTIVE, wherever the provider reports a status.', predicate: (u, v) => (u.status != null ? u.status === 'ACTIVE' : u.isActive === true) === v }),
  teamId: def({ kind: 'string', description: 'Members of a team or group (ticketing).', predicate: (u, v) => (u.teamIds ?? []).includes(v) }),
  organizationId: def({ kind: 'string', predicate: (u, v) => u.organization?.id === v || (u.organizations ?? []).some((o) => o.id === v) }),
  workspaceId: def({ kind: 'string', predicate: (u, v) => (u.workspaces ?? []).some((w) => w.id === v) }),
  groupId: def({ kind: 'string', description: 'Members of a directory group.', predicate: (u, v) => (u.groups ?? []).some((g) => g.id === v) }),
  roleId: def({ kind: 'string', predicate: (u, v) => (u.roles ?? []).some((r) => r.id === v) }),
  collectionId: def({ kind: 'string', description: 'A project (or similar collection) for trackers that list users per project, e.g. a Jira project key.' }),
  userType: def({ kind: 'userType', predicate: (u, v) => u.userType === v }),
  createdAfter: def({ kind: 'dateTime', description: 'Created strictly after this instant.', predicate: (u, v) => toTime(u.createdAt) > Date.parse(v) }),
  updatedAfter: def({ kind: 'dateTime', description: 'Updated strictly after this instant.', predicate: (u, v) => toTime(u.updatedAt) > Date.parse(v) }),
  customerId: def({ kind: 'string', description: "Directory-specific (Google Workspace): the customer whose users are listed, instead of the account's context.customerId." }),
  orgUnitPath: def({ kind: 'string', description: "Directory-specific (Google Workspace): users of this organizational unit, e.g. `/Engineering`." }),
  sort: def({ kind: 'sort' }),
} as const;

export type FilterName = keyof typeof FILTERS;
export const FILTER_NAMES = Object.keys(FILTERS) as FilterName[];

/** The unified filter, as the engine receives it (DateTime values as ISO strings). */
export type UserFilter = { [K in FilterName]?: FilterKinds[(typeof FILTERS)[K]['kind']] };

/** The engine's predicate for a filter, or undefined when the filter cannot be tested on a user. */
export function predicateOf(name: FilterName): ((u: UnifiedUser, v: any) => boolean) | undefined {
  return (FILTERS[name] as FilterDef).predicate as ((u: UnifiedUser, v: any) => boolean) | undefined;
}
