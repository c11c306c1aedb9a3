// The SCIM sandbox's filter language: RFC 7644 §3.4.2.2 (Figure 1 ABNF), evaluated on SCIM resources.
// Hand-written rather than scim2-parse-filter@0.2.10, whose tokenizer doubles backslashes before
// JSON.parse: `userName eq "x\\"` fails and `"a\\b"` matches a\\b, i.e. RFC 7159 escapes are wrong.
//   - operators eq ne co sw ew gt ge lt le pr; and / or / not (precedence not > and > or); ( ) grouping;
//     value paths `emails[type eq "work" and value co "@x"]`; URN-qualified paths (`urn:…:User:employeeNumber`);
//   - compValue is a JSON literal (RFC 7159): strings with JSON escapes, numbers, true, false, null;
//   - attribute names and operators are case-insensitive; string comparison follows caseExact
//     (RFC 7643 §2.2; id and externalId are caseExact, userName and emails.value are not);
//   - dateTime attributes compare chronologically; gt/ge/lt/le on booleans is invalidFilter (§3.4.2.2).

export class FilterError extends Error {}

type Tok = { t: 'word' | 'value' | '(' | ')' | '[' | ']'; v: string; lit?: unknown };
type Node =
  | { op: 'and' | 'or'; l: Node; r: Node }
  | { op: 'not'; e: Node }
  | { op: 'path'; attr: string; e: Node }
  | { op: 'cmp'; attr: string; cmp: string; value: unknown }
  | { op: 'pr'; attr: string };

const COMPARE = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
/** RFC 7643: `id` (§3.1) and `externalId` are caseExact; meta.version is an ETag. */
const CASE_EXACT = new Set(['id', 'externalid', 'meta.version', 'meta.location']);
const DATES = new Set(['meta.created', 'meta.lastmodified']);

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(?:([()[\]])|("(?:[^"\\\u0000-\u001f]|\\.)*")|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?![\w.:])|([A-Za-z][\w$.:-]*))/y;
  let i = 0;
  while (i < s.length) {
    if (/^\s*$/.test(s.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) throw new FilterError(`unexpected character at position ${i}: ${JSON.stringify(s.slice(i, i + 10))}`);
    i = re.lastIndex;
    if (m[1]) out.push({ t: m[1] as Tok['t'], v: m[1] });
    else if (m[2] !== undefined) {
      try {
        out.push({ t: 'value', v: m[2], lit: JSON.parse(m[2]) });
      } catch {
        throw new FilterError(`invalid string literal ${m[2]}`);
      }
    } else if (m[3] !== undefined) out.push({ t: 'value', v: m[3], lit: Number(m[3]) });
    else out.push({ t: 'word', v: m[4]! });
  }
  return out;
}

export function parseFilter(text: string): Node {
  const toks = tokenize(text);
  let i = 0;
  const peekWord = (w: string) => toks[i]?.t === 'word' && toks[i]!.v.toLowerCase() === w;
  const expect = (t: Tok['t']) => {
    if (toks[i]?.t !== t) throw new FilterError(`expected '${t}' at token ${i + 1}`);
    i++;
  };
  const or = (): Node => {
    let l = and();
    while (peekWord('or')) { i++; l = { op: 'or', l, r: and() }; }
    return l;
  };
  const and = (): Node => {
    let l = unary();
    while (peekWord('and')) { i++; l = { op: 'and', l, r: unary() }; }
    return l;
  };
  const unary = (): Node => {
    if (peekWord('not')) { i++; expect('('); const e = or(); expect(')'); return { op: 'not', e }; }
    if (toks[i]?.t === '(') { i++; const e = or(); expect(')'); return e; }
    const attr = toks[i];
    if (attr?.t !== 'word') throw new FilterError(`expected an attribute at token ${i + 1}`);
    i++;
    if (toks[i]?.t === '[') { i++; const e = or(); expect(']'); return { op: 'path', attr: attr.v, e }; }
    const op = toks[i]?.t === 'word' ? toks[i]!.v.toLowerCase() : '';
    i++;
    if (op === 'pr') return { op: 'pr', attr: attr.v };
    if (!COMPARE.has(op)) throw new FilterError(`the operator '${toks[i - 1]?.v ?? ''}' is not supported`);
    const v = toks[i++];
    let value: unknown;
    if (v?.t === 'value') value = v.lit;
    else if (v?.t === 'word' && ['true', 'false', 'null'].includes(v.v)) value = JSON.parse(v.v);
    else throw new FilterError(`expected a comparison value after '${attr.v} ${op}'`);
    return { op: 'cmp', attr: attr.v, cmp: op, value };
  };
  const tree = or();
  if (i !== toks.length) throw new FilterError(`unexpected '${toks[i]!.v}' at token ${i + 1}`);
  return tree;
}

/** The values at an attribute path (multi-valued attributes flattened), with the path's canonical name. */
function resolve(res: unknown, attr: string, prefix: string): { values: unknown[]; name: string } {
  let path = attr;
  let root = res;
  const colon = attr.lastIndexOf(':');
  if (colon >= 0) {
    // A schema-qualified path: the core schema is the resource itself, an extension is its own object.
    const urn = attr.slice(0, colon).toLowerCase();
    path = attr.slice(colon + 1);
    if (!urn.startsWith('urn:ietf:params:scim:schemas:core:')) root = get(res, urn);
  }
  const name = `${prefix}${path}`.toLowerCase();
  let values: unknown[] = [root];
  for (const seg of path.split('.')) values = values.flatMap((v) => [get(v, seg.toLowerCase())].flat()).filter((v) => v !== undefined && v !== null);
  return { values, name };
}
function get(obj: unknown, lowerKey: string): unknown {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return undefined;
  const key = Object.keys(obj).find((k) => k.toLowerCase() === lowerKey);
  return key === undefined ? undefined : (obj as Record<string, unknown>)[key];
}

function compare(actual: unknown, cmp: string, want: unknown, name: string): boolean {
  // A complex multi-valued attribute without sub-attribute (`emails co "x"`) compares its `value`.
  if (typeof actual === 'object' && actual !== null) actual = get(actual, 'value');
  if (typeof actual === 'boolean' || typeof want === 'boolean') {
    if (cmp !== 'eq' && cmp !== 'ne') throw new FilterError(`'${cmp}' cannot compare the boolean attribute ${name}`);
    return (actual === want) === (cmp === 'eq');
  }
  if (want === null) return cmp === 'ne' ? actual !== undefined : false;
  let a: string | number;
  let w: string | number;
  if (DATES.has(name) && typeof actual === 'string' && typeof want === 'string') {
    a = Date.parse(actual);
    w = Date.parse(want);
    if (Number.isNaN(w)) throw new FilterError(`${JSON.stringify(want)} is not a dateTime for ${name}`);
  } else if (typeof actual === 'number' && typeof want === 'number') {
    [a, w] = [actual, want];
  } else {
    const exact = CASE_EXACT.has(name);
    a = exact ? String(actual) : String(actual).toLowerCase();
    w = exact ? String(want) : String(want).toLowerCase();
  }
  switch (cmp) {
    case 'eq': return a === w;
    case 'ne': return a !== w;
    case 'co': return String(a).includes(String(w));
    case 'sw': return String(a).startsWith(String(w));
    case 'ew': return String(a).endsWith(String(w));
    case 'gt': return a > w;
    case 'ge': return a >= w;
    case 'lt': return a < w;
    default: return a <= w;
  }
}

function test(node: Node, res: unknown, prefix: string): boolean {
  switch (node.op) {
    case 'and': return test(node.l, res, prefix) && test(node.r, res, prefix);
    case 'or': return test(node.l, res, prefix) || test(node.r, res, prefix);
    case 'not': return !test(node.e, res, prefix);
    case 'pr': return resolve(res, node.attr, prefix).values.some((v) => v !== '' && !(Array.isArray(v) && !v.length));
    case 'path': {
      const { values, name } = resolve(res, node.attr, prefix);
      return values.some((v) => test(node.e, v, `${name}.`));
    }
    case 'cmp': {
      const { values, name } = resolve(res, node.attr, prefix);
      // `ne` matches when no value equals; the others when any value matches (RFC 7644 §3.4.2.2).
      if (node.cmp === 'ne') return !values.some((v) => compare(v, 'eq', node.value, name));
      return values.some((v) => compare(v, node.cmp, node.value, name));
    }
  }
}

/** A predicate over SCIM resources; throws FilterError (→ 400 invalidFilter) on a malformed filter. */
export function compileFilter(text: string): (res: unknown) => boolean {
  const tree = parseFilter(text);
  return (res) => test(tree, res, '');
}
