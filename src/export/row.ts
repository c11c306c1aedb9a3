// What one exported user looks like: the unified user with the GraphQL global id (NDJSON), or a flat CSV
// record of the fields most exports need (lists joined with "; ", the raw record left out).
import type { UserRecord } from '../providers/engine/types.js';
import { userGlobalId as globalId } from '../providers/engine/user.js';

/** The unified user as one NDJSON object: `id` is the GraphQL global id, `remoteData` the raw record. */
export function toJson(u: UserRecord): string {
  // Where it came from is left out by undefined (JSON drops it): a spread copies faster than a rest pattern.
  return JSON.stringify({ id: globalId(u), ...u, accountId: undefined, category: undefined, provider: undefined });
}

export const CSV_COLUMNS = ['id', 'remoteId', 'name', 'firstName', 'lastName', 'username', 'email', 'emails', 'status', 'remoteStatus', 'userType', 'title', 'roles', 'createdAt', 'updatedAt', 'lastLoginAt', 'lastActiveAt'] as const;

export function csvRow(u: UserRecord): Record<(typeof CSV_COLUMNS)[number], string | null> {
  const emails = u.emails ?? [];
  return {
    id: globalId(u),
    remoteId: u.remoteId,
    name: u.name ?? null,
    firstName: u.firstName ?? null,
    lastName: u.lastName ?? null,
    username: u.username ?? null,
    email: (emails.find((e) => e.isPrimary) ?? emails[0])?.email ?? null,
    emails: emails.map((e) => e.email).join('; '),
    status: u.status ?? null,
    remoteStatus: u.remoteStatus ?? null,
    userType: u.userType ?? null,
    title: u.title ?? null,
    roles: (u.roles ?? []).map((r) => r.name ?? r.id).join('; '),
    createdAt: u.createdAt ?? null,
    updatedAt: u.updatedAt ?? null,
    lastLoginAt: u.lastLoginAt ?? null,
    lastActiveAt: u.lastActiveAt ?? null,
  };
}
