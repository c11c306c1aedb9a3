// Dot paths into JSON: 'data.users.nodes', 'errors.0.extensions.code' (numeric segments index arrays),
// '' for the value itself. A key that itself contains a dot is written with a backslash: '@odata\.nextLink'.
// getAll also reads `*` as every element of an array ('errors.*.extensions.code': any GraphQL error).

/**
 * True when a URL path segment stays one segment however often it is decoded (an upstream or a proxy may
 * decode twice): never `.` or `..`, never a `/` or `\\` (`..%2F..%2Fusers`, `..%5C`, `%252e%252e`).
 */
export function isPlainSegment(segment: string): boolean {
  let s = segment;
  for (let i = 0; i < 4; i++) {
    if (s === '.' || s === '..' || /[/\\]/.test(s)) return false;
    let d: string;
    try { d = decodeURIComponent(s); } catch { return true; } // a lone `%`: no decoder turns it into a separator
    if (d === s) return true;
    s = d;
  }
  return false;
}

/** True when a JSON value nests at most `max` objects or arrays deep (iterative: any depth is safe to test). */
export function withinDepth(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d >= max) return false;
    for (const x of Object.values(v)) stack.push([x, d + 1]);
  }
  return true;
}

/** The segments of a dot path; `\.` keeps a dot inside a segment. */
export function pathSegments(path: string): string[] {
  if (path === '') return [];
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === '\\' && path[i + 1] === '.') { cur += '.'; i++; }
    else if (c === '.') { out.push(cur); cur = ''; }
    else cur += c;
  }
  out.push(cur);
  return out;
}

const cache = new Map<string, string[]>();
function segmentsOf(path: string): string[] {
  let s = cache.get(path);
  if (!s) { s = pathSegments(path); if (cache.size < 10_000) cache.set(path, s); }
  return s;
}

/** The value at a dot path, or undefined when any step is missing (never throws). */
export function getPath(value: unknown, path: string): unknown {
  let cur: any = value;
  for (const seg of segmentsOf(path)) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, seg)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

/** A copy of `target` with `value` at the dot path; objects on the way are copied, never mutated. */
export function setPath<T>(target: T, path: string, value: unknown): T {
  const segs = segmentsOf(path);
  if (!segs.length) return value as T;
  const put = (node: any, i: number): any => {
    const seg = segs[i]!;
    const copy = Array.isArray(node) ? [...node] : node && typeof node === 'object' ? { ...node } : {};
    copy[seg] = i === segs.length - 1 ? value : put(copy[seg], i + 1);
    return copy;
  };
  return put(target, 0);
}

/** Every value a path reaches, `*` standing for each element of an array; missing steps are skipped. */
export function getAll(value: unknown, path: string): unknown[] {
  let cur: unknown[] = [value];
  for (const seg of segmentsOf(path)) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (v === null || typeof v !== 'object') continue;
      if (seg === '*' && Array.isArray(v)) next.push(...v);
      else if (Object.hasOwn(v, seg)) next.push((v as any)[seg]);
    }
    cur = next;
  }
  return cur;
}
