// The GraphQL type name of each category's users: plain data, so code outside the schema (the request
// context's node loader) can use it without importing the builder.
import type { Category, UserRecord } from '../providers/engine/types.js';

/** The GraphQL type of each category's users. */
export const USER_TYPE_NAME: Record<Category, string> = { USAGE_METERING: 'UsageMeteringUser', TICKETING: 'TicketingUser', USER_DIRECTORY: 'DirectoryUser', CALENDAR: 'CalendarUser' };

/** A user's GraphQL global id: base64url of "<type>:<account id>:<remote id>" (decoded by schema/builder.ts). */
export function userGlobalId(u: Pick<UserRecord, 'category' | 'accountId' | 'remoteId'>): string {
  return Buffer.from(`${USER_TYPE_NAME[u.category]}:${u.accountId}:${u.remoteId}`).toString('base64url');
}
