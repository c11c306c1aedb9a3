// The GraphQL type name of each category's users: plain data, so code outside the schema (the request
// context's node loader) can use it without importing the builder.
import type { Category, UserRecord } from '../providers/engine/types.js';

/** The GraphQL type of each category's users. */
export const USER_TYPE_NAME: Record<Category, string> = { USAGE_METERING: 'UsageMeteringUser', TICKETING: 'TicketingUser', USER_DIRECTORY: 'DirectoryUser', CALENDAR: 'CalendarUser' };

/** A user's GraphQL global id: base64url of "<type>:<account id>:<remote id>" (decoded by schema/builder.ts). */
export function userGlobalId(u: UserRecord): string {
  const held = (u as { [GLOBAL_ID]?: string })[GLOBAL_ID];
  if (held !== undefined) return held;
  const id = Buffer.from(`${USER_TYPE_NAME[u.category]}:${u.accountId}:${u.remoteId}`).toString('base64url');
  // Mapped records are shared by the requests that read the same upstream page: each id is encoded once, and
  // kept on the record itself (hidden from spreads and JSON) rather than in a WeakMap the GC must trace.
  Object.defineProperty(u, GLOBAL_ID, { value: id });
  return id;
}
const GLOBAL_ID = Symbol('globalId');
