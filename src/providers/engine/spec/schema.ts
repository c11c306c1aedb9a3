// The zod schema of a ProviderSpec, in two modes: `typescript` (built-in adapters: hooks allowed) and
// `data` (YAML/JSON provider files: hooks refused, only what data can say). Templates are checked for the
// placeholders each place may use, filter names against the filter table, patterns for valid regexes.
import { z } from 'zod';
import { CLIENT_AUTH_METHODS } from '../auth.js';
import { CATEGORIES, ENRICHABLE_FIELDS, ERROR_CLASSES, FILTER_NAMES, RESET_FORMATS } from '../types.js';
import { UNIFIED_FIELDS } from './fields.js';
import { QUOTE_NAMES } from './quote.js';
import { placeholders, placeholdersIn, type Scope } from './template.js';

export type SpecMode = 'typescript' | 'data';

const FILTER = z.enum(FILTER_NAMES as [string, ...string[]]);

function schemaFor(mode: SpecMode) {
  const hook = mode === 'typescript'
    ? z.custom<(...args: any[]) => any>((v) => typeof v === 'function', { message: 'expected a function' })
    : z.custom<never>(() => false, { message: 'hooks (functions) are not allowed in a data-only spec' });
  const orHook = <T extends z.ZodType>(t: T) => z.union([t, hook]);

  /** A template string whose placeholders are all of the allowed scopes (and name known filters). */
  const check = (allowed: readonly Scope[], path = false) => (value: unknown, ctx: z.RefinementCtx) => {
    for (const p of typeof value === 'string' ? placeholders(value) : placeholdersIn(value)) {
      if (p.split && !path) ctx.addIssue({ code: 'custom', message: `${p.raw}: a /N split is allowed in paths only` });
      if (!allowed.includes(p.scope)) ctx.addIssue({ code: 'custom', message: `${p.raw} is not allowed here (use ${allowed.map((s) => `{${s}${s === 'context' || s === 'filters' || s === 'credentials' ? '.…' : ''}}`).join(', ')})` });
      else if (p.scope === 'filters' && !(FILTER_NAMES as readonly string[]).includes(p.key!)) ctx.addIssue({ code: 'custom', message: `${p.raw}: unknown filter "${p.key}"` });
    }
  };
  const template = (allowed: readonly Scope[]) => z.string().superRefine(check(allowed));
  /** A path template: like template, and `{…/N}` may split a value into N segments. */
  const pathTemplate = (allowed: readonly Scope[]) => z.string().superRefine(check(allowed, true));
  const noFunctions = (value: unknown, ctx: z.RefinementCtx) => {
    const walk = (v: unknown, path: (string | number)[]) => {
      if (typeof v === 'function') ctx.addIssue({ code: 'custom', message: 'hooks (functions) are not allowed in a data-only spec', path });
      else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    };
    walk(value, []);
  };
  const json = (allowed: readonly Scope[]) => {
    const data = z.unknown().superRefine((v, ctx) => { noFunctions(v, ctx); check(allowed)(v, ctx); });
    return mode === 'typescript' ? z.union([hook, data]) : data;
  };

  const REQ: Scope[] = ['context', 'filters'];
  const dotPath = z.string();
  const locator = z.union([dotPath, z.strictObject({ body: dotPath }), z.strictObject({ header: z.string().min(1) })]);
  const bodyLocator = orHook(z.union([dotPath, z.strictObject({ body: dotPath })]));
  const query = (allowed: Scope[]) => z.record(z.string(), z.union([template(allowed), z.array(template(allowed)), hook]));
  const headers = (allowed: Scope[]) => z.record(z.string(), template(allowed));
  const status = z.number().int().min(100).max(599);
  const regex = z.string().superRefine((v, ctx) => { try { new RegExp(v); } catch { ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${v}` }); } });

  const request = (allowed: Scope[]) => ({
    method: z.enum(['GET', 'POST']).optional(),
    path: pathTemplate(allowed),
    query: query(allowed).optional(),
    headers: headers(allowed).optional(),
    body: json(allowed).optional(),
    idempotent: z.boolean().optional(),
  });

  const size = z.number().int().min(1);
  const reserved = { reservedParams: z.array(z.string()).optional() };
  const paginator = z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('cursor'), ...reserved, next: locator,
      send: z.union([z.strictObject({ query: z.string().min(1) }), z.strictObject({ body: z.string().min(1) })]),
      pageSize: z.union([z.strictObject({ param: z.string().min(1), max: size }), z.strictObject({ variable: z.string().min(1), max: size }), z.strictObject({ body: z.string().min(1), max: size })]),
      stop: z.strictObject({ path: dotPath, equals: z.unknown().optional(), notEquals: z.unknown().optional() }).optional(),
      passes: z.strictObject({ param: z.string().min(1), values: z.array(z.string().min(1)).min(2) }).optional(),
    }).refine((p) => !p.passes || 'query' in p.send, { message: 'passes need a cursor sent as a query parameter (send.query)', path: ['passes'] }),
    z.strictObject({ kind: z.literal('link-header'), ...reserved, rel: z.string().min(1).optional(), pageSize: z.strictObject({ param: z.string().min(1), max: size }) }),
    z.strictObject({ kind: z.literal('next-url'), ...reserved, next: locator, pageSize: z.union([z.strictObject({ param: z.string().min(1), max: size }), z.strictObject({ fixed: size })]) }),
    z.strictObject({
      kind: z.literal('offset'), ...reserved, offsetParam: z.string().min(1), limitParam: z.string().min(1), max: size, start: z.number().int().min(0).optional(),
      total: locator.optional(), filteredWindows: z.strictObject({ size, reach: size }).optional(),
    }).refine((p) => p.total === undefined || p.filteredWindows === undefined, { message: 'give at most one of total and filteredWindows' }),
    z.strictObject({
      kind: z.literal('page-number'), ...reserved, pageParam: z.string().min(1), sizeParam: z.string().min(1), max: size, first: z.number().int().min(0).optional(),
      in: z.enum(['query', 'body']).optional(), totalPages: dotPath.optional(), hasMore: dotPath.optional(), fullPages: z.literal(true).optional(),
    }).refine((p) => [p.totalPages, p.hasMore, p.fullPages].filter((x) => x !== undefined).length === 1, { message: 'give exactly one of totalPages, hasMore and fullPages' }),
    z.strictObject({ kind: z.literal('graphql'), ...reserved, pageInfo: dotPath, cursorVariable: z.string().min(1), pageSize: z.strictObject({ variable: z.string().min(1), max: size }) }),
    z.strictObject({ kind: z.literal('ldap-paged'), ...reserved, max: size }),
    z.strictObject({ kind: z.literal('none'), ...reserved }),
  ]);

  const valueTpl = template(['value', 'filters']);
  const value = z.union([
    valueTpl,
    z.strictObject({ map: z.record(z.string(), z.union([z.string(), z.array(z.string()), z.boolean(), z.number()])) }),
    z.strictObject({ quote: z.enum(QUOTE_NAMES as [string, ...string[]]), template: valueTpl }),
    hook,
  ]);
  const note = { note: z.string().optional() };
  const FILTER_KINDS = {
    query: z.strictObject({
      ...note, query: z.string().min(1), value: value.optional(), join: z.string().optional(), recheck: z.boolean().optional(),
      with: orHook(z.strictObject({ headers: z.record(z.string().min(1), z.string()).optional(), query: z.record(z.string().min(1), z.string()).optional() })).optional(),
    }),
    body: z.strictObject({ ...note, body: z.string().min(1), value: value.optional(), recheck: z.boolean().optional() }),
    params: z.strictObject({ ...note, params: hook, recheck: z.boolean().optional() }),
    endpoint: z.strictObject({ ...note, endpoint: pathTemplate(['value', 'context', 'filters']), query: z.record(z.string(), template(['value', 'context', 'filters'])).optional(), exclusive: z.boolean().optional() }),
    engine: z.strictObject({ ...note, engine: z.literal(true) }),
    usage: z.strictObject({ ...note, usage: z.literal(true) }),
    path: z.strictObject({ ...note, path: z.literal(true) }),
  } as const;
  // Filter specs have no common discriminator: the key that names how it is served picks the schema.
  const filterSpec = z.unknown().superRefine((v, ctx) => {
    const kind = v && typeof v === 'object' ? (Object.keys(FILTER_KINDS) as (keyof typeof FILTER_KINDS)[]).find((k) => k in v) : undefined;
    if (!kind) return void ctx.addIssue({ code: 'custom', message: `a filter is served by one of ${Object.keys(FILTER_KINDS).join(', ')}` });
    const r = FILTER_KINDS[kind].safeParse(v);
    if (!r.success) for (const i of r.error.issues) ctx.addIssue({ code: 'custom', message: i.message, path: i.path as (string | number)[] });
  });
  const filterMap = z.partialRecord(FILTER, filterSpec);

  const filterValues = z.strictObject({ ...request(['context']), records: bodyLocator, paginator, id: dotPath.min(1), name: dotPath.min(1) });
  const list = z.strictObject({
    ...request(REQ),
    records: bodyLocator,
    paginator,
    filters: filterMap,
    values: z.partialRecord(FILTER, filterValues).optional(),
    requiredFilters: z.array(FILTER).optional(),
    filterDefaults: z.partialRecord(FILTER, template(['context'])).optional(),
    requiredContext: z.array(z.string().min(1)).optional(),
    remoteQueryIn: z.union([z.literal('query'), z.strictObject({ body: z.string() })]).optional(),
  });

  const auth = z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('header'), header: z.string().min(1), value: template(['credentials', 'context']), description: z.string().min(1) }),
    z.strictObject({ kind: z.literal('bearer'), key: z.string().min(1), description: z.string().min(1) }),
    z.strictObject({ kind: z.literal('ldap-bind'), bindDn: template(['credentials', 'context']), password: template(['credentials', 'context']), description: z.string().min(1) }),
    z.strictObject({ kind: z.literal('basic'), username: template(['credentials', 'context']), password: template(['credentials', 'context']), keys: z.array(z.string().min(1)).optional(), description: z.string().min(1) }),
    z.strictObject({
      kind: z.literal('oauth2-client-credentials'), tokenUrl: z.union([template(['credentials', 'context']), z.array(template(['credentials', 'context'])).min(1)]), scope: template(['credentials', 'context']).optional(),
      clientAuth: z.enum(CLIENT_AUTH_METHODS).optional(), grantType: z.string().min(1).optional(), params: z.record(z.string().min(1), z.union([template(['credentials', 'context']), z.array(template(['credentials', 'context'])).min(1)])).optional(),
      keys: z.array(z.string().min(1)).optional(), description: z.string().min(1),
    }),
    z.strictObject({
      kind: z.literal('oauth2-jwt-bearer'), key: z.string().min(1), scope: template(['credentials', 'context']), subject: template(['credentials', 'context']).optional(),
      tokenUrl: z.string().url(), description: z.string().min(1),
    }),
    z.strictObject({ kind: z.literal('hook'), scheme: z.custom<object>((v) => mode === 'typescript' && !!v && typeof v === 'object', { message: mode === 'typescript' ? 'expected an AuthScheme' : 'hooks (auth schemes) are not allowed in a data-only spec' }) }),
  ]);

  const rule = z.strictObject({
    when: z.strictObject({
      status: z.union([status, z.array(status)]).optional(),
      path: dotPath.optional(),
      header: z.string().min(1).optional(),
      equals: z.unknown().optional(),
      in: z.array(z.unknown()).optional(),
      exists: z.boolean().optional(),
      contains: z.string().optional(),
    }).refine((w) => w.status !== undefined || w.path !== undefined || w.header !== undefined, { message: 'a rule needs a status, a path or a header' })
      .refine((w) => !(w.path !== undefined && w.header !== undefined), { message: 'a rule tests a path or a header, not both' }),
    as: z.enum(ERROR_CLASSES),
    hint: z.string().min(1).optional(),
  });

  const join = z.strictObject({
    ...request(REQ),
    name: z.string().min(1),
    records: bodyLocator,
    paginator,
    key: orHook(dotPath),
    userKey: orHook(dotPath),
    keyTransform: z.literal('email').optional(),
    maxPages: z.number().int().min(1).optional(),
    selectedBy: z.strictObject({ filter: z.literal('date'), default: z.strictObject({ daysAgo: z.number().int().min(0) }) }).optional(),
    optional: z.union([z.boolean(), z.strictObject({ unlessFilter: FILTER })]).optional(),
  });


  const FIELD = z.enum(UNIFIED_FIELDS as [string, ...string[]]);
  const declarativeMap = z.partialRecord(FIELD, z.union([dotPath, z.strictObject({ jsonata: z.string().min(1) }), z.strictObject({ value: z.unknown() })]));

  return z.strictObject({
    slug: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case: lower-case letters, digits and single dashes'),
    displayName: z.string().min(1),
    docsUrl: z.url(),
    transport: z.enum(['http', 'ldap']).optional(),
    baseUrl: template(['context']).optional(),
    context: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/), z.strictObject({
      description: z.string().min(1),
      required: z.union([z.boolean(), z.literal('unless-baseUrl')]).optional(),
      pattern: regex.optional(),
      default: z.string().optional(),
    })).optional(),
    auth: z.union([auth, z.array(auth).min(1)]),
    oauth: z.strictObject({
      docsUrl: z.string().url(),
      authorizeUrl: template(['context']),
      tokenUrl: template(['context']),
      scopes: z.array(z.string().min(1)),
      scopeSeparator: z.enum([' ', ',']).optional(),
      pkce: z.boolean(),
      clientAuth: z.enum(CLIENT_AUTH_METHODS).optional(),
      authorizeParams: z.record(z.string().min(1), z.string()).optional(),
      resources: z.strictObject({
        url: z.string().url(),
        records: dotPath,
        context: z.record(z.string().min(1), dotPath.min(1)),
        match: z.strictObject({ context: z.string().min(1), path: dotPath.min(1) }).optional(),
        baseUrl: template(['context']).optional(),
      }).optional(),
    }).optional(),
    headers: headers(['context']).optional(),
    rateLimit: z.strictObject({
      resetHeader: z.string().min(1),
      resetFormat: z.enum(RESET_FORMATS),
      resetWhen: z.strictObject({ header: z.string().min(1), equals: z.string() }).optional(),
      defaultWaitSeconds: z.number().min(0).optional(),
      limit: z.strictObject({ requests: z.number().int().min(1), perSeconds: z.number().positive().max(86_400) }).optional(),
      remainingHeader: z.string().min(1).optional(),
      limitHeader: z.string().min(1).optional(),
    }).optional(),
    errors: z.strictObject({
      message: z.union([locator, z.array(locator), hook]).optional(),
      retryable: z.array(status).optional(),
      rules: z.array(rule).optional(),
    }).optional(),
    lists: z.partialRecord(z.enum(CATEGORIES), list).refine((l) => Object.keys(l).length > 0, { message: 'a provider serves at least one category' }),
    byId: z.strictObject({ ...request(['context', 'id']), record: bodyLocator.optional() }).optional(),
    byIds: z.strictObject({
      ...request(['context', 'ids']),
      idsJoin: z.string().optional(),
      idsQuote: z.enum(QUOTE_NAMES as [string, ...string[]]).optional(),
      idsTemplate: template(['id']).optional(),
      records: bodyLocator,
      idOf: dotPath,
      maxBatch: z.number().int().min(1),
      idPattern: z.string().refine((p) => { try { new RegExp(p); return true; } catch { return false; } }, 'not a valid regular expression').optional(),
    }).optional(),
    joins: z.array(join).optional(),
    enrich: z.partialRecord(z.enum(ENRICHABLE_FIELDS), z.discriminatedUnion('by', [
      z.strictObject({ ...request(['context', 'ids']), records: bodyLocator, id: dotPath.min(1), name: dotPath.min(1), by: z.literal('ids'), idsJoin: z.string().optional(), maxBatch: z.number().int().min(1) }),
      z.strictObject({ ...request(['context', 'id']), records: bodyLocator, id: dotPath.min(1), name: dotPath.min(1), by: z.literal('user') }),
      z.strictObject({
        ...request(['context', 'id']), records: bodyLocator, id: dotPath.min(1), name: dotPath.min(1), by: z.literal('json-batch'),
        batch: z.strictObject({ path: pathTemplate(['context']), max: z.number().int().min(1).max(100) }),
      }).refine((e) => (e.method ?? 'GET') === 'GET' && e.body === undefined, { message: 'a json-batch lookup sends GET sub-requests without a body' }),
    ])).optional(),
    fields: z.array(FIELD),
    map: mode === 'typescript' ? z.union([hook, declarativeMap]) : declarativeMap,
  });
}

/** Built-in adapters: hooks allowed. */
export const ProviderSpecSchema = schemaFor('typescript');
/** YAML/JSON provider files: data only (a hook anywhere is refused). */
export const ProviderSpecDataSchema = schemaFor('data');

export class ProviderSpecError extends Error {
  constructor(readonly slug: string, readonly issues: { path: string; message: string }[], source?: string) {
    super(`invalid provider spec "${slug}"${source ? ` (${source})` : ''}:\n${issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
  }
}

/** zod issues as `path: message` lines; a failed union lists what each branch wanted. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], prefix: (string | number | symbol)[] = []): { path: string; message: string }[] {
  return issues.flatMap((i) => {
    const path = [...prefix, ...i.path];
    if (i.code === 'invalid_union' && i.errors.length) {
      const branches = i.errors.map((b) => describeIssues(b, path));
      // The branch that got furthest (a deeper path) is what the author meant.
      const best = branches.reduce((a, b) => (depth(b) > depth(a) ? b : a));
      if (depth(best) > path.length) return best;
      const wanted = [...new Set(branches.flat().map((b) => b.message))];
      return [{ path: path.map(String).join('.'), message: `none of the accepted forms: ${wanted.join(' | ')}` }];
    }
    // Each unknown key on its own path: `lists.USER_DIRECTORY.paginatr: unknown key`.
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ path: [...path, k].map(String).join('.'), message: 'unknown key' }));
    return [{ path: path.map(String).join('.'), message: i.message }];
  });
}
const depth = (lines: { path: string }[]) => Math.max(0, ...lines.map((l) => (l.path ? l.path.split('.').length : 0)));

/** Validates a spec, throwing a ProviderSpecError that names the slug and each bad field. */
export function validateSpec(spec: unknown, mode: SpecMode = 'typescript', source?: string): void {
  const r = (mode === 'typescript' ? ProviderSpecSchema : ProviderSpecDataSchema).safeParse(spec);
  if (r.success) return;
  const slug = spec && typeof spec === 'object' && typeof (spec as any).slug === 'string' ? (spec as any).slug : '(no slug)';
  throw new ProviderSpecError(slug, describeIssues(r.error.issues), source);
}
