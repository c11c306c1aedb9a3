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
