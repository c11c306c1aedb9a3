// Filter values: how a unified filter value becomes what the upstream is sent — as given, through a
// template, through a map that refuses unlisted values, quoted for a query language, or by a hook.
import { refuse } from '../filters.js';
import type { UserFilter } from '../types.js';
import { QUOTES } from './quote.js';
import { renderText } from './template.js';
import type { ValueSpec } from './types.js';

export type ValueFn = (value: any, all: UserFilter) => any;

const asText = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? v.join(',') : String(v));

export function compileValue(spec: ValueSpec | ((v: any, all: UserFilter) => unknown) | undefined): ValueFn {
  if (spec === undefined) return (v) => v;
  if (typeof spec === 'function') return spec;
  if (typeof spec === 'string') return (v, all) => renderText(spec, { value: asText(v), filters: all as Record<string, unknown> });
  if ('map' in spec) {
    const table = spec.map;
    const listed = Object.keys(table);
    return (v) => {
      const key = asText(v);
      if (!Object.hasOwn(table, key)) refuse(`${key} is not one of ${listed.join(', ')}.`);
      return table[key];
    };
  }
  const quote = QUOTES[spec.quote];
  const tpl = spec.template;
  return (v, all) => {
    const quoted = Array.isArray(v) ? v.map((x) => quote(asText(x))).join(',') : quote(asText(v));
    return renderText(tpl, { value: quoted, filters: all as Record<string, unknown> });
  };
}
