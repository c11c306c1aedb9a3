// Resolves a decoded global ID to a user through the request's `users` DataLoader. Kept apart from the
// node/nodes fields (which need the schema builder) so the request context can use it without a cycle.
import type DataLoader from 'dataloader';
import type { UserRecord } from '../providers/engine/types.js';
import { USER_TYPE_NAME } from '../schema/type-names.js';

const TYPE_NAMES = new Set(Object.values(USER_TYPE_NAME));

export async function resolveUserNode(users: DataLoader<string, UserRecord | null>, id: { typename: string; id: string }): Promise<UserRecord | null> {
  if (!TYPE_NAMES.has(id.typename)) return null;
  const user = await users.load(String(id.id));
  return user && USER_TYPE_NAME[user.category] === id.typename ? user : null;
}
