// Locators: where a value is read from a response — a dot path into the JSON body or a response header.
import { getPath } from '../paths.js';
import type { Locator } from './types.js';

export interface ResponseView { body: unknown; headers: Record<string, string> }

/** Compiles a locator into a reader of (body, headers). */
export function locate(loc: Locator): (res: ResponseView) => unknown {
  if (typeof loc === 'string') return (res) => getPath(res.body, loc);
  if ('body' in loc) return (res) => getPath(res.body, loc.body);
  const name = loc.header.toLowerCase();
  return (res) => res.headers[name];
}

/** A body-only reader (records, a lookup's record); a header locator is refused by the schema here. */
export function bodyReader(loc: Locator | ((body: any) => unknown)): (body: any) => unknown {
  if (typeof loc === 'function') return loc;
  const read = locate(loc);
  return (body) => read({ body, headers: {} });
}

/** The first non-empty string found by any of the locators. */
export function firstString(locs: Locator[]): (body: unknown) => string | undefined {
  const readers = locs.map(locate);
  return (body) => {
    for (const r of readers) {
      const v = r({ body, headers: {} });
      if (typeof v === 'string' && v !== '') return v;
    }
    return undefined;
  };
}
