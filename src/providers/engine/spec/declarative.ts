// Declarative maps (YAML/JSON providers): each unified field is a dot path into the raw record, a constant,
// or a JSONata expression. JSONata 2 evaluates asynchronously while the engine maps records synchronously
// (the hot path of every built-in mapper), so expressions are compiled once at start and evaluated for a
// whole page in one async pass (`preparePage`, awaited by the engine when the page arrives); the
// synchronous `map` then reads the results. A TS mapper has no preparePage and pays nothing.
import jsonata from 'jsonata';
import { GatewayError } from '../errors.js';
import { getPath } from '../paths.js';
import type { UnifiedUser } from '../types.js';
import { coerceField, FIELD_KINDS } from './fields.js';
import type { DeclarativeMap } from './types.js';

export interface CompiledMap {
  map: (raw: any) => UnifiedUser;
  /** Present only when the map has JSONata fields. */
  preparePage?: (records: unknown[]) => Promise<void>;
}

type Fail = (path: string, message: string) => never;

export function compileDeclarativeMap(slug: string, spec: DeclarativeMap, fail: Fail): CompiledMap {
  if (!('remoteId' in spec)) fail('map.remoteId', 'a declarative map must say where remoteId is');
  const fields = Object.keys(spec) as (keyof UnifiedUser)[];
  for (const f of fields) if (!(f in FIELD_KINDS)) fail(`map.${f}`, `not a unified user field (one of ${Object.keys(FIELD_KINDS).join(', ')})`);
  const expressions: [keyof UnifiedUser, jsonata.Expression][] = [];
  for (const f of fields) {
    const how = spec[f]!;
    if (typeof how !== 'object' || !('jsonata' in how)) continue;
    try {
      expressions.push([f, jsonata(how.jsonata)]);
    } catch (e: any) {
      fail(`map.${f}.jsonata`, `not a valid JSONata expression: ${e.message ?? e}${typeof e.position === 'number' ? ` (at character ${e.position})` : ''}`);
    }
  }
  // Per page, the JSONata results of each record; records are the parsed body's own objects, so a WeakMap
  // ties results to them without copying and forgets them with the page.
  const computed = new WeakMap<object, Record<string, unknown>>();
  const readers = fields.map((f) => {
    const how = spec[f]!;
    if (typeof how === 'string') return [f, (raw: unknown) => getPath(raw, how), false] as const;
    if ('value' in how) return [f, () => how.value, false] as const;
    return [f, (raw: unknown) => {
      const done = computed.get(raw as object);
      // The engine prepares every page it maps; anything else is a programming error, reported as such.
      if (!done) throw new Error(`${slug}: map.${f} is a JSONata field; prepare the page first (preparePage)`);
      return done[f];
    }, true] as const;
  });
  const map = (raw: any): UnifiedUser => {
    const out: Record<string, unknown> = {};
    for (const [f, read, omitUndefined] of readers) {
      const v = read(raw);
      // A JSONata expression that yields nothing leaves its field out (read as null or empty), so one map can
      // describe records of several shapes (GitHub's members and invitations fill different fields).
      if (v === undefined && omitUndefined) continue;
      out[f] = coerceField(f, v);
    }
    if (out.remoteId === null || out.remoteId === undefined) out.remoteId = '';
    return out as unknown as UnifiedUser;
  };
  if (!expressions.length) return { map };
  return {
    map,
    async preparePage(records) {
      await Promise.all(records.map(async (raw, i) => {
        if (!raw || typeof raw !== 'object' || computed.has(raw)) return;
        const out: Record<string, unknown> = {};
        for (const [f, expr] of expressions) {
          try {
            out[f] = await expr.evaluate(raw);
          } catch (e: any) {
            // The expression's own error (no record values: JSONata messages name the operator and position).
            throw new GatewayError('UPSTREAM_BAD_RESPONSE', `${slug}: the JSONata expression of map.${f} failed on the record at position ${i} of its page (${e.code ?? 'error'}: ${String(e.message ?? e).slice(0, 200)}). Fix the expression in the provider file, or check the upstream's records.`, { provider: slug });
          }
        }
        computed.set(raw, out);
      }));
    },
  };
}

/** Maps records the way the engine does: the page prepared first (JSONata), then each record. For tests and tools. */
export async function mapRecords(def: { map: (raw: any, joined: any) => UnifiedUser; preparePage?: (records: unknown[]) => Promise<void> }, records: unknown[]): Promise<UnifiedUser[]> {
  await def.preparePage?.(records);
  return records.map((r) => def.map(r, {}));
}
