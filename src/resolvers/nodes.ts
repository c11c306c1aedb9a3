// Query.node / Query.nodes are added by the Relay plugin; this is how user IDs resolve: through the
// per-request `users` DataLoader, which batches ids per account into the provider's bulk endpoint.
import type DataLoader from 'dataloader';
import type { UserRecord } from '../providers/engine/types.js';
import { USER_TYPE_NAME } from '../schema/users.js';

const TYPE_NAMES = new Set(Object.values(USER_TYPE_NAME));

export async function resolveUserNode(users: DataLoader<string, UserRecord | null>, id: { typename: string; id: string }): Promise<UserRecord | null> {
  if (!TYPE_NAMES.has(id.typename)) return null;
  const user = await users.load(String(id.id));
  return user && USER_TYPE_NAME[user.category] === id.typename ? user : null;
}
