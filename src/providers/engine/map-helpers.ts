// Small pure helpers shared by mappers. Mappers must never throw on odd upstream data: a bad value
// becomes null and the raw record still travels in remoteData.

/** ISO 8601 from an ISO-ish string, or null when missing or unparseable. */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export function isoDate(v: unknown): string | null {
  if (typeof v !== 'string' || v === '') return null;
  if (CANONICAL.test(v)) return v; // already what toISOString() would print: skip the parse (hot path)
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}
/** ISO 8601 from unix seconds. */
export function fromUnixSeconds(v: unknown): string | null {
  return typeof v === 'number' && Number.isFinite(v) ? new Date(v * 1000).toISOString() : null;
}
/** ISO 8601 from epoch milliseconds (number or numeric string). */
export function fromEpochMs(v: unknown): string | null {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? new Date(n).toISOString() : null;
}

/**
 * Splits a single display name at its first space: a heuristic for providers with one name field,
 * documented as such. A one-word name is a first name; a missing name gives nulls.
 */
export function splitName(name: unknown): { firstName: string | null; lastName: string | null } {
  if (typeof name !== 'string' || !name.trim()) return { firstName: null, lastName: null };
  const trimmed = name.trim();
  const i = trimmed.indexOf(' ');
  return i < 0 ? { firstName: trimmed, lastName: null } : { firstName: trimmed.slice(0, i), lastName: trimmed.slice(i + 1).trim() };
}

/** A string, or null for anything else (keeps '' as '' — no `x || null`). */
export function str(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

/**
 * A record's id as its remoteId: a string, or a finite number as text; '' for anything else (null, missing,
 * an object), which the engine refuses to serve: a record without a usable id is skipped, never given an
 * invented one such as "null".
 */
export function idOf(v: unknown): string {
  return typeof v === 'string' ? v : (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'bigint' ? String(v) : '';
}

/** A case-insensitive join key (e-mail addresses), or null for anything that is not a non-empty string. */
export function joinKey(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v.toLowerCase() : null;
}

/** Drops null/undefined/empty strings and duplicates. */
export function compact<T>(values: (T | null | undefined)[]): T[] {
  return [...new Set(values.filter((v): v is T => v !== null && v !== undefined && (v as unknown) !== ''))];
}

/** Start of a usage day (`YYYY-MM-DD`, UTC) in epoch ms. The resolver has validated the format and the engine
 * defaults the day, so joins can rely on it. */
export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}
