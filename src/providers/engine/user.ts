// The unified user model: what every provider's records are mapped into.
export const CATEGORIES = ['USAGE_METERING', 'TICKETING', 'USER_DIRECTORY', 'CALENDAR'] as const;
export type Category = (typeof CATEGORIES)[number];

export const USER_STATUSES = ['ACTIVE', 'INACTIVE', 'DELETED', 'INVITED'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];
export const USER_TYPES = ['ADMIN', 'END_USER', 'LIMITED', 'MACHINE', 'USER'] as const;
export type UserType = (typeof USER_TYPES)[number];
export const SORT_FIELDS = ['CREATED_AT', 'UPDATED_AT', 'NAME', 'EMAIL', 'FIRST_NAME', 'LAST_NAME'] as const;
export const SORT_DIRECTIONS = ['ASC', 'DESC'] as const;
export interface SortInput { field: (typeof SORT_FIELDS)[number]; direction: (typeof SORT_DIRECTIONS)[number] }

export interface Email { email: string; isPrimary?: boolean | null; type?: string | null }
export interface Ref { id: string; name?: string | null }
export interface Role extends Ref { group?: string | null; organization?: string | null; workspace?: string | null }
export interface Group extends Ref { organization?: string | null }
export interface License extends Ref { lastActiveAt?: string | null; organization?: string | null }
export interface Phone { number: string; extension?: string | null; type?: string | null }
export interface Url { url: string; type?: string | null }
export interface Money { amount: number; currency: string }

/** The superset of every category's unified user; each GraphQL type exposes its own subset. */
export interface UnifiedUser {
  remoteId: string;
  name?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  username?: string | null;
  emails?: Email[];
  status?: UserStatus | null;
  remoteStatus?: string | null;
  isActive?: boolean | null;
  roles?: Role[];
  teamIds?: string[];
  organization?: Ref | null;
  organizations?: Ref[];
  workspaces?: Ref[];
  groups?: Group[];
  licenses?: License[];
  phones?: Phone[];
  urls?: Url[];
  identifiers?: Record<string, unknown> | null;
  spendLimit?: Money | null;
  avatar?: string | null;
  bio?: string | null;
  externalId?: string | null;
  is2faEnabled?: boolean | null;
  isEmailVerified?: boolean | null;
  languages?: string[];
  timezone?: string | null;
  title?: string | null;
  userType?: UserType | null;
  statusChangedAt?: string | null;
  activatedAt?: string | null;
  lastActiveAt?: string | null;
  lastLoginAt?: string | null;
  createdAt?: string | null;
  updatedAt?: string | null;
}

/** A user as the schema sees it: unified fields plus where it came from. */
export interface UserRecord extends UnifiedUser {
  accountId: string;
  category: Category;
  provider: string;
  remoteData: unknown;
}

/** The GraphQL type of each category's users (plain data: the engine, exports and the node loader use it). */
export const USER_TYPE_NAME: Record<Category, string> = { USAGE_METERING: 'UsageMeteringUser', TICKETING: 'TicketingUser', USER_DIRECTORY: 'DirectoryUser', CALENDAR: 'CalendarUser' };

/** A user's GraphQL global id: base64url of "<type>:<account id>:<remote id>" (decoded by schema/builder.ts). */
export function userGlobalId(u: UserRecord): string {
  const held = (u as { [GLOBAL_ID]?: string })[GLOBAL_ID];
  if (held !== undefined) return held;
  const id = Buffer.from(`${USER_TYPE_NAME[u.category]}:${u.accountId}:${u.remoteId}`).toString('base64url');
  // Mapped records are shared by the requests that read the same upstream page: each id is encoded once, and
  // kept on the record itself (hidden from spreads and JSON) rather than in a WeakMap the GC must trace.
  if (Object.prototype.hasOwnProperty.call(u, GLOBAL_ID)) (u as { [GLOBAL_ID]?: string })[GLOBAL_ID] = id;
  else Object.defineProperty(u, GLOBAL_ID, { value: id });
  return id;
}
const GLOBAL_ID = Symbol('globalId');

/**
 * Makes a mapped record a user: the hidden slot for its global id, then MAPPED_USER as its prototype. In this
 * order: V8 gives an object that gains a property after its prototype changed a map of its own, so every user
 * would have its own hidden class (megamorphic reads in every compiled query, a descriptor array per user).
 */
export function asMappedUser(u: object): void {
  Object.defineProperty(u, GLOBAL_ID, { value: undefined, writable: true });
  Object.setPrototypeOf(u, MAPPED_USER);
}

const LIST_FIELDS = ['emails', 'roles', 'teamIds', 'organizations', 'workspaces', 'groups', 'licenses', 'phones', 'urls', 'languages'] as const satisfies readonly (keyof UnifiedUser)[];
const NONE: readonly never[] = Object.freeze([]);

/**
 * The prototype of every mapped user: a list it lacks reads as empty, and `id` is its global id. Inherited,
 * not own, so spreads and JSON of a user (exports) show only what was mapped, while the schema reads each
 * of these fields as a plain property, which graphql-jit inlines (a resolver costs a call and an info
 * object per field of every user on every page). Writable: a later assignment makes an own property.
 */
const MAPPED_USER: object = Object.create(Object.prototype, {
  ...Object.fromEntries(LIST_FIELDS.map((k) => [k, { value: NONE, writable: true }])),
  id: { get(this: UserRecord) { return userGlobalId(this); } },
});
