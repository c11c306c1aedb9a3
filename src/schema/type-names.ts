// The GraphQL type name of each category's users: plain data, so code outside the schema (the request
// context's node loader) can use it without importing the builder.
import type { Category } from '../providers/engine/types.js';

/** The GraphQL type of each category's users. */
export const USER_TYPE_NAME: Record<Category, string> = { USAGE_METERING: 'UsageMeteringUser', TICKETING: 'TicketingUser', USER_DIRECTORY: 'DirectoryUser', CALENDAR: 'CalendarUser' };
