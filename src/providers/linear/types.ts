// Linear's `User` as the adapter's query selects it (a subset of the published schema's `User` type:
// https://github.com/linear/linear/blob/master/packages/sdk/src/schema.graphql). Non-null in Linear's schema
// unless marked optional there; typed loosely here because a mapper must survive odd upstream data.
export interface LinearUser {
  id: string;
  name?: string | null;
  /** "The user's display (nick) name. Must be unique within the workspace." */
  displayName?: string | null;
  email?: string | null;
  avatarUrl?: string | null;
  /** "Whether the user account is active or disabled (suspended)." */
  active?: boolean | null;
  admin?: boolean | null;
  owner?: boolean | null;
  guest?: boolean | null;
  /** "Whether the user is an app." (integration / agent users) */
  app?: boolean | null;
  /** Null when active; documented values include admin suspension, downgrade, voluntary departure, pending invite. */
  disableReason?: string | null;
  createdAt?: string | null;
  updatedAt?: string | null;
  lastSeen?: string | null;
  timezone?: string | null;
  title?: string | null;
  teams?: { nodes?: { id: string }[] | null } | null;
  [extra: string]: unknown;
}
