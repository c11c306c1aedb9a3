// Templates: `{context.<key>}`, `{credentials.<key>}` (auth only), `{filters.<name>}`, `{value}` (a filter's
// value), `{id}`/`{ids}` (lookups). In a path every value is one segment: encoded, and refused when it is
// (or decodes to) `.`/`..` or holds `/` or `\`; `{filters.collectionId/2}` (paths only) splits the value at `/`
// into exactly that many such segments ("owner/repo"). In query, header and body strings values go in verbatim; a
// body string that is exactly one placeholder keeps the value's type. A missing value drops the query
// parameter, header or body key that needs it; a path cannot do without it. A header that renders empty is not
// sent either: an optional context key set to '' (JumpCloud's `x-org-id`) must not reach the upstream as a value.
import { isPlainSegment } from '../paths.js';
import { GatewayError } from '../errors.js';

export const SCOPES = ['context', 'credentials', 'filters', 'value', 'id', 'ids'] as const;
export type Scope = (typeof SCOPES)[number];
export interface Placeholder { scope: Scope; key?: string; raw: string; /** `/N`: split into N path segments. */ split?: number }

export interface TemplateValues {
  context?: Record<string, unknown>;
  credentials?: Record<string, unknown>;
  filters?: Record<string, unknown>;
  value?: unknown;
  id?: string;
  ids?: unknown;
}

const PLACEHOLDER = /\{(?:(context|credentials|filters)\.([A-Za-z0-9_-]+)|(value|id|ids))(?:\/([2-9]))?\}/g;
const WHOLE = /^\{(?:(context|credentials|filters)\.([A-Za-z0-9_-]+)|(value|id|ids))\}$/;

export function placeholders(tpl: string): Placeholder[] {
  return [...tpl.matchAll(PLACEHOLDER)].map((m) => ({ scope: (m[1] ?? m[3]) as Scope, key: m[2], raw: m[0], ...(m[4] ? { split: Number(m[4]) } : {}) }));
}

/** Every placeholder in a JSON template (strings at any depth, keys excluded). */
export function placeholdersIn(json: unknown): Placeholder[] {
  if (typeof json === 'string') return placeholders(json);
  if (Array.isArray(json)) return json.flatMap(placeholdersIn);
  if (json && typeof json === 'object') return Object.values(json).flatMap(placeholdersIn);
  return [];
}

function lookup(values: TemplateValues, scope: Scope, key: string | undefined): unknown {
  if (scope === 'value' || scope === 'id' || scope === 'ids') return values[scope];
  const v = values[scope]?.[key!];
  return v === null ? undefined : v;
}

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(text).join(',');
  if (v && typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

class Missing extends Error {
  constructor(readonly scope: Scope, readonly key: string | undefined) { super(`missing ${scope}${key ? `.${key}` : ''}`); }
}

function substitute(tpl: string, values: TemplateValues, each: (v: string, at: number, split?: number) => string): string {
  return tpl.replace(PLACEHOLDER, (_m, scope: string | undefined, key: string | undefined, bare: string | undefined, split: string | undefined, at: number) => {
    const s = (scope ?? bare) as Scope;
    const v = lookup(values, s, key);
    if (v === undefined) throw new Missing(s, key);
    return each(text(v), at, split ? Number(split) : undefined);
  });
}

/** A string template rendered verbatim; undefined when a value it needs is missing. */
export function renderText(tpl: string, values: TemplateValues): string | undefined {
  try {
    return substitute(tpl, values, (v) => v);
  } catch (e) {
    if (e instanceof Missing) return undefined;
    throw e;
  }
}

/** One path segment from a value, or BAD_USER_INPUT for a value that could change the path's shape. */
export function pathSegment(v: string): string {
  if (v === '' || !isPlainSegment(v))
    throw new GatewayError('BAD_USER_INPUT', `An id or filter value may not be empty, "." or "..", nor contain "/" or "\\" (got "${v.slice(0, 40)}"). Use the id as the provider gives it.`);
  return encodeURIComponent(v);
}

/** `owner/repo` → exactly `n` checked segments, or BAD_USER_INPUT saying the shape it needs. */
export function splitSegments(v: string, n: number): string {
  const parts = v.split('/');
  if (parts.length !== n || parts.some((p) => p === ''))
    throw new GatewayError('BAD_USER_INPUT', `"${v.slice(0, 80)}" must be ${n} non-empty parts separated by "/" (e.g. ${n === 2 ? 'owner/repo' : Array.from({ length: n }, (_, i) => `part${i + 1}`).join('/')}).`);
  return parts.map(pathSegment).join('/');
}

/** A path template; each value becomes one encoded segment (`/N`: N segments). A missing value is an error that names it. */
export function renderPath(tpl: string, values: TemplateValues, slug = 'the provider'): string {
  try {
    return substitute(tpl, values, (v, _at, split) => (split ? splitSegments(v, split) : pathSegment(v)));
  } catch (e) {
    if (!(e instanceof Missing)) throw e;
    if (e.scope === 'filters')
      throw new GatewayError('MISSING_REQUIRED_FILTER', `${slug} needs filters.${e.key} to list users. Add it to the users query.`, { provider: slug, filter: e.key });
    throw new GatewayError('INTEGRATED_ACCOUNT_NOT_FOUND', `The integrated account has no ${e.scope}.${e.key ?? ''} for ${slug}; set it in the account's ${e.scope}.`, { provider: slug });
  }
}

/**
 * A URL template (baseUrl, tokenUrl): a placeholder that starts the template is an origin, kept verbatim
 * with trailing slashes trimmed; every other value is encoded. Undefined when a value is missing.
 */
export function renderUrl(tpl: string, values: TemplateValues): string | undefined {
  try {
    return substitute(tpl, values, (v, at) => (at === 0 ? v.replace(/\/+$/, '') : encodeURIComponent(v)));
  } catch (e) {
    if (e instanceof Missing) return undefined;
    throw e;
  }
}

/** A JSON template: strings are rendered, an exact placeholder keeps its value's type, missing values drop their key. */
export function renderJson(json: unknown, values: TemplateValues): unknown {
  if (typeof json === 'string') {
    const m = WHOLE.exec(json);
    if (m) return lookup(values, (m[1] ?? m[3]) as Scope, m[2]);
    return renderText(json, values);
  }
  if (Array.isArray(json)) return json.map((x) => renderJson(x, values)).filter((x) => x !== undefined);
  if (json && typeof json === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(json)) {
      const r = renderJson(v, values);
      if (r !== undefined) out[k] = r;
    }
    return out;
  }
  return json;
}

/** A query value computed by a hook (TS only) from the context and filters; what it returns is sent verbatim. */
export type QueryHook = (vars: { context: Record<string, unknown>; filters: Record<string, unknown> }) => string | string[] | undefined;

/** Query templates → pairs; an exact placeholder holding an array repeats the parameter. */
export function renderQuery(query: Record<string, string | string[] | QueryHook> | undefined, values: TemplateValues): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, t] of Object.entries(query ?? {})) {
    if (typeof t === 'function') {
      const v = t({ context: values.context ?? {}, filters: values.filters ?? {} });
      for (const x of v === undefined ? [] : Array.isArray(v) ? v : [v]) out.push([k, x]);
      continue;
    }
    for (const one of Array.isArray(t) ? t : [t]) {
      const m = WHOLE.exec(one);
      const v = m ? lookup(values, (m[1] ?? m[3]) as Scope, m[2]) : renderText(one, values);
      if (v === undefined) continue;
      for (const x of Array.isArray(v) ? v : [v]) out.push([k, text(x)]);
    }
  }
  return out;
}

export function renderHeaders(headers: Record<string, string> | undefined, values: TemplateValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, t] of Object.entries(headers ?? {})) {
    const v = renderText(t, values);
    if (v !== undefined && v !== '') out[k.toLowerCase()] = v;
  }
  return out;
}
