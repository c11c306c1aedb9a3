// Resolves a decoded global ID to a user through the request's `users` DataLoader. Kept apart from the
// node/nodes fields (which need the schema builder) so the request context can use it without a cycle.
import type DataLoader from 'dataloader';
import type { Category, UserRecord } from '../providers/engine/types.js';
import { USER_TYPE_NAME } from '../providers/engine/user.js';

/** The category a global id's type names: a provider serving several looks the id up in that one. */
const CATEGORY_OF = new Map(Object.entries(USER_TYPE_NAME).map(([c, t]) => [t, c as Category]));

/** `users` is keyed by `${category}:${accountId}:${remoteId}`. */
export async function resolveUserNode(users: DataLoader<string, UserRecord | null>, id: { typename: string; id: string }): Promise<UserRecord | null> {
  const category = CATEGORY_OF.get(id.typename);
  if (!category || !id.id.includes(':')) return null;
  const user = await users.load(`${category}:${id.id}`);
  return user && USER_TYPE_NAME[user.category] === id.typename ? user : null;
}
