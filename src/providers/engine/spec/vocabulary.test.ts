// The spec vocabulary on its own: templates, locators, quoting helpers, value maps and the zod schema.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors.js';
import { RefusedValue } from '../filters.js';
import { getAll, getPath, setPath } from '../paths.js';
import { matchingRule, matchRule, waitSeconds } from '../http.js';
import { upstreamError } from '../errors.js';
import { compileErrors, compilePaginator } from './compile.js';
import { defineProvider, ProviderSpecDataSchema, ProviderSpecError, validateSpec } from './index.js';
import { locate } from './locator.js';
import { jql, ldap, lucene, odata, okta, scim } from './quote.js';
import { renderHeaders, renderJson, renderPath, renderQuery, renderUrl } from './template.js';
import type { ProviderSpec } from './types.js';
import { compileValue } from './values.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof GatewayError ? e.code : (e as Error).constructor.name;
  }
  return 'no error';
};

describe('templates', () => {
  const values = { context: { org: 'acme', region: 'eu' }, filters: { collectionId: 'octo/widgets', first: 5, isActive: true } };

  it('puts context and filter values into a path as single encoded segments', () => {
    expect(renderPath('/orgs/{context.org}/members', values)).toBe('/orgs/acme/members');
    expect(renderPath('/groups/{value}/users', { value: 'a b?c#d' })).toBe('/groups/a%20b%3Fc%23d/users');
  });

  it('refuses a path value that is or decodes to "." or "..", or holds "/" or "\\"', () => {
    for (const value of ['.', '..', '%2e%2E', 'a/b', 'a\\b', '%2F', ''])
      expect(code(() => renderPath('/groups/{value}/users', { value })), value).toBe('BAD_USER_INPUT');
    expect(code(() => renderPath('/repos/{filters.collectionId}/assignees', values))).toBe('BAD_USER_INPUT');
  });

  it('names what a path misses: a filter as MISSING_REQUIRED_FILTER, context as an account problem', () => {
    expect(code(() => renderPath('/x/{filters.teamId}', values))).toBe('MISSING_REQUIRED_FILTER');
    expect(code(() => renderPath('/x/{context.repo}', values))).toBe('INTEGRATED_ACCOUNT_NOT_FOUND');
  });

  it('splits a path value into exactly N checked segments with {…/N}', () => {
    expect(renderPath('/repos/{filters.collectionId/2}/assignees', values)).toBe('/repos/octo/widgets/assignees');
    expect(renderPath('/r/{value/2}', { value: 'a b/c?d' })).toBe('/r/a%20b/c%3Fd');
    for (const value of ['octo', 'a/b/c', 'a/', '/b', 'a/..', './b', 'a/%2F', 'a\\b/c'])
      expect(code(() => renderPath('/r/{value/2}', { value })), value).toBe('BAD_USER_INPUT');
    expect(code(() => renderPath('/r/{value/2}', { value: 'octo' }))).toBe('BAD_USER_INPUT');
  });

  it('substitutes query, header and body values verbatim, dropping what is missing, and keeps an exact placeholder typed', () => {
    expect(renderQuery({ project: '{filters.collectionId}', team: '{filters.teamId}', q: 'region:{context.region}' }, values)).toEqual([['project', 'octo/widgets'], ['q', 'region:eu']]);
    expect(renderQuery({ id: '{ids}' }, { ids: ['a', 'b'] })).toEqual([['id', 'a'], ['id', 'b']]);
    expect(renderHeaders({ 'X-Org': '{context.org}', 'X-Missing': '{context.nope}' }, values)).toEqual({ 'x-org': 'acme' });
    // Only when present: a header that renders empty (an optional key set to '') is not sent at all.
    expect(renderHeaders({ 'X-Org-Id': '{context.orgId}', Accept: 'application/json' }, { context: { orgId: '' } })).toEqual({ accept: 'application/json' });
    expect(renderHeaders({ 'X-Org-Id': '{context.orgId}' }, { context: { orgId: 'org-1' } })).toEqual({ 'x-org-id': 'org-1' });
    expect(renderJson({ query: 'query { users }', variables: { first: '{filters.first}', active: '{filters.isActive}', team: '{filters.teamId}', label: 'org {context.org}' } }, values)).toEqual({
      query: 'query { users }',
      variables: { first: 5, active: true, label: 'org acme' },
    });
  });

  it('reads an origin at the start of a URL template verbatim, trimming its trailing slash, and encodes the rest', () => {
    expect(renderUrl('https://{context.org}.zendesk.com', values)).toBe('https://acme.zendesk.com');
    expect(renderUrl('{context.login}/{credentials.tenant}/token', { context: { login: 'https://login.test/' }, credentials: { tenant: 'a/b' } })).toBe('https://login.test/a%2Fb/token');
    expect(renderUrl('https://{context.subdomain}.zendesk.com', {})).toBeUndefined();
  });
});

describe('locators', () => {
  const body = { data: { users: { nodes: [{ id: 1 }], pageInfo: { endCursor: 'c1' } } }, errors: [{ extensions: { code: 'RATELIMITED' } }], '@odata.nextLink': 'https://x/next' };
  it('read dot paths with array indexes, escaped dots, the body itself and headers', () => {
    expect(locate('data.users.nodes.0.id')({ body, headers: {} })).toBe(1);
    expect(locate('errors.0.extensions.code')({ body, headers: {} })).toBe('RATELIMITED');
    expect(locate('@odata\\.nextLink')({ body, headers: {} })).toBe('https://x/next');
    expect(locate('')({ body: [1, 2], headers: {} })).toEqual([1, 2]);
    expect(locate({ header: 'After-Cursor' })({ body, headers: { 'after-cursor': 'tok' } })).toBe('tok');
    expect(locate('data.nope.deeper')({ body, headers: {} })).toBeUndefined();
  });

  it('set values at dot paths without touching the original', () => {
    const req = { query: 'q', variables: { filter: { a: 1 } } };
    const next = setPath(req, 'variables.filter.email.eq', 'x@y.test');
    expect(next).toEqual({ query: 'q', variables: { filter: { a: 1, email: { eq: 'x@y.test' } } } });
    expect(req).toEqual({ query: 'q', variables: { filter: { a: 1 } } });
    expect(getPath(next, 'variables.filter.email.eq')).toBe('x@y.test');
  });
});

describe('error rules over every element', () => {
  const errors = (...codes: (string | undefined)[]) => ({ errors: codes.map((code) => ({ message: 'm', extensions: code === undefined ? {} : { code } })) });
  const rules = [
    { when: { path: 'errors.*.extensions.code', equals: 'RATELIMITED' }, as: 'RATE_LIMITED' as const },
    { when: { status: [200], path: 'errors.*.extensions.code', in: ['AUTHENTICATION_ERROR'] }, as: 'UNAUTHORIZED' as const },
    { when: { path: 'errors.*.message', contains: 'not found' }, as: 'NOT_FOUND' as const },
    { when: { path: 'errors.*', exists: true }, as: 'BAD_REQUEST' as const },
  ];

  it('reads `*` as each element of an array, skipping elements without the rest of the path', () => {
    expect(getAll(errors('A', undefined, 'B'), 'errors.*.extensions.code')).toEqual(['A', 'B']);
    expect(getAll({ a: [{ b: [1, 2] }, { b: [3] }] }, 'a.*.b.*')).toEqual([1, 2, 3]);
    expect(getAll({ a: 'text' }, 'a.*')).toEqual([]);
    expect(getAll({ a: { b: 1 } }, 'a.b')).toEqual([1]);
  });

  it('matches a rule when any element satisfies it, not only the first', () => {
    expect(matchRule(rules, 400, {}, errors('INVALID_INPUT', 'RATELIMITED'))).toBe('RATE_LIMITED');
    expect(matchRule(rules, 200, {}, errors(undefined, 'AUTHENTICATION_ERROR'))).toBe('UNAUTHORIZED');
    expect(matchRule(rules, 401, {}, errors(undefined, 'AUTHENTICATION_ERROR'))).toBe('BAD_REQUEST'); // status still applies
    expect(matchRule(rules, 200, {}, { errors: [{ message: 'x' }, { message: 'Entity not found: User' }] })).toBe('NOT_FOUND');
    expect(matchRule(rules, 200, {}, errors('INVALID_INPUT'))).toBe('BAD_REQUEST');
  });

  it('matches nothing on an empty or missing array, and exists: false only when no element has the value', () => {
    expect(matchRule(rules, 200, {}, { errors: [] })).toBeUndefined();
    expect(matchRule(rules, 200, {}, { data: {} })).toBeUndefined();
    const absent = [{ when: { path: 'errors.*.extensions.code', exists: false }, as: 'BAD_RESPONSE' as const }];
    expect(matchRule(absent, 200, {}, errors(undefined, undefined))).toBe('BAD_RESPONSE');
    expect(matchRule(absent, 200, {}, errors(undefined, 'X'))).toBeUndefined();
  });

  it('keeps plain paths as they were: errors.0 reads only the first error', () => {
    const first = [{ when: { path: 'errors.0.extensions.code', equals: 'RATELIMITED' }, as: 'RATE_LIMITED' as const }];
    expect(matchRule(first, 400, {}, errors('RATELIMITED'))).toBe('RATE_LIMITED');
    expect(matchRule(first, 400, {}, errors('INVALID_INPUT', 'RATELIMITED'))).toBeUndefined();
  });
});

describe('quoting helpers', () => {
  it('quote a value as a literal of each query language', () => {
    expect(scim('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(odata("O'Brien")).toBe("'O''Brien'");
    expect(okta('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
    expect(jql('a "b"\nc')).toBe('"a \\"b\\"\\nc"');
    expect(lucene('a+b (c) x:y/z*')).toBe('a\\+b\\ \\(c\\)\\ x\\:y\\/z\\*');
  });

  it('escapes LDAP filter values as RFC 4515 says: * ( ) \\ and NUL as hex pairs', () => {
    expect(ldap('*')).toBe('\\2a');
    expect(ldap('(cn=x)')).toBe('\\28cn=x\\29');
    expect(ldap('back\\slash')).toBe('back\\5cslash');
    expect(ldap('nul\u0000')).toBe('nul\\00');
    expect(ldap('Łukasiewicz')).toBe('Łukasiewicz');
  });
});

describe('filter values', () => {
  it('map listed values and refuse the others, template and quote them, or call a hook', () => {
    const role = compileValue({ map: { ADMIN: 'admin', USER: 'member' } });
    expect(role('ADMIN', {})).toBe('admin');
    expect(() => role('MACHINE', {})).toThrow(RefusedValue);
    expect(compileValue({ map: { true: 'enabled', false: 'disabled' } })(false, {})).toBe('disabled');
    expect(compileValue('status eq {value}')('ACTIVE', {})).toBe('status eq ACTIVE');
    expect(compileValue({ quote: 'odata', template: 'mail eq {value}' })("o'b@x.test", {})).toBe("mail eq 'o''b@x.test'");
    expect(compileValue({ quote: 'ldap', template: '(mail={value})' })('*', {})).toBe('(mail=\\2a)');
    expect(compileValue((v: string, all) => `${v}:${all.email}`)('a', { email: 'b' })).toBe('a:b');
  });
});

describe('result limits and hints', () => {
  const errors = compileErrors({ rules: [{ when: { status: 400, path: 'message', contains: 'first 1000 records' }, as: 'RESULT_LIMIT', hint: 'Export with POST /api/v2/jobs/users-exports.' }] });
  const body = { statusCode: 400, error: 'Bad Request', message: 'You can only page through the first 1000 records.' };

  it('reads a capped window as RESULT_LIMIT and keeps the rule\'s hint', () => {
    expect(matchRule(errors.rules, 400, {}, body)).toBe('RESULT_LIMIT');
    expect(matchingRule(errors.rules, 400, {}, body)?.hint).toBe('Export with POST /api/v2/jobs/users-exports.');
    expect(matchRule(errors.rules, 400, {}, { message: 'Bad q' })).toBeUndefined();
  });

  it('answers UPSTREAM_RESULT_LIMIT, saying what the upstream said and then the hint', () => {
    const e = upstreamError('auth0', 'RESULT_LIMIT', 400, body.message, undefined, 'Export with POST /api/v2/jobs/users-exports.');
    expect(e.code).toBe('UPSTREAM_RESULT_LIMIT');
    expect(e.extensions).toMatchObject({ code: 'UPSTREAM_RESULT_LIMIT', provider: 'auth0', upstreamStatus: 400 });
    expect(e.message).toMatch(/first 1000 records.*Export with POST \/api\/v2\/jobs\/users-exports\.$/);
    expect(upstreamError('x', 'NOT_FOUND', 404, undefined, undefined, 'Check the org id.').message).toMatch(/Check the org id\.$/);
  });
});

describe('page numbers while pages come back full', () => {
  const p = compilePaginator({ kind: 'page-number', pageParam: 'page', sizeParam: 'per_page', max: 100, first: 0, fullPages: true });
  const first = p.first({ method: 'GET', path: '/api/v2/users', query: [] }, 50);
  const res = (n: number) => ({ headers: {}, body: { total: 1000 }, records: Array.from({ length: n }) });

  it('asks for the next page after a full one, whatever the (capped) total says, and stops after a short or empty one', () => {
    expect(first.query).toEqual([['page', '0'], ['per_page', '50']]);
    expect(p.next(first, res(50), 'https://x.test')?.query).toEqual([['per_page', '50'], ['page', '1']]);
    expect(p.next(first, res(49), 'https://x.test')).toBeNull();
    expect(p.next(first, res(0), 'https://x.test')).toBeNull();
  });

  it('is one of totalPages, hasMore and fullPages', () => {
    const spec = (more: object) => ({ slug: 'pn', displayName: 'x', docsUrl: 'https://x.test', auth: { kind: 'bearer', key: 'token', description: 'x' }, fields: [], map: {}, lists: { USER_DIRECTORY: { path: '/u', records: '', filters: {}, paginator: { kind: 'page-number', pageParam: 'p', sizeParam: 's', max: 10, ...more } } } });
    expect(() => validateSpec(spec({ fullPages: true }), 'data')).not.toThrow();
    expect(() => validateSpec(spec({ fullPages: true, totalPages: 'pages' }), 'data')).toThrow(/exactly one of totalPages, hasMore and fullPages/);
    expect(() => validateSpec(spec({}), 'data')).toThrow(/exactly one/);
  });
});

describe('reset headers', () => {
  const now = Date.UTC(2026, 0, 1);
  it('read epoch seconds, epoch milliseconds, seconds from now and HTTP dates', () => {
    const at = (format: any, value: string) => waitSeconds({ reset: value }, { resetHeader: 'Reset', resetFormat: format }, now);
    expect(at('epoch-seconds', String(now / 1000 + 30))).toBe(30);
    expect(at('epoch-ms', String(now + 12_000))).toBe(12);
    expect(at('delta-seconds', '9')).toBe(9);
    expect(at('http-date', new Date(now + 20_000).toUTCString())).toBe(20);
    expect(at('iso-date', new Date(now + 60_000).toISOString())).toBe(60);
    expect(at('epoch-ms', String(now - 5000))).toBe(0); // already reopened
  });

  it('counts a reset header only when resetWhen holds, else the default wait; Retry-After always first', () => {
    const now = 1_700_000_000_000;
    const spec = { resetHeader: 'X-RateLimit-Reset', resetFormat: 'epoch-seconds', resetWhen: { header: 'X-RateLimit-Remaining', equals: '0' }, defaultWaitSeconds: 60 } as const;
    const reset = String(now / 1000 + 3000);
    expect(waitSeconds({ 'x-ratelimit-reset': reset, 'x-ratelimit-remaining': '0' }, spec, now)).toBe(3000); // primary limit
    expect(waitSeconds({ 'x-ratelimit-reset': reset, 'x-ratelimit-remaining': '4987' }, spec, now)).toBe(60); // secondary, no Retry-After
    expect(waitSeconds({ 'x-ratelimit-reset': reset, 'x-ratelimit-remaining': '4987', 'retry-after': '7' }, spec, now)).toBe(7);
    expect(waitSeconds({ 'x-ratelimit-reset': reset, 'x-ratelimit-remaining': '0', 'retry-after': '0' }, spec, now)).toBe(0);
    expect(waitSeconds({}, { resetHeader: 'x', resetFormat: 'epoch-seconds' }, now)).toBeUndefined(); // no default: none
    expect(() => validateSpec({ ...minimal(), rateLimit: { ...spec, defaultWaitSeconds: -1 } })).toThrow(/rateLimit\.defaultWaitSeconds/);
  });
});

const minimal = (): ProviderSpec => ({
  slug: 'acme-hr',
  displayName: 'Acme HR',
  docsUrl: 'https://acme.test/docs/users',
  baseUrl: 'https://api.acme.test',
  auth: { kind: 'bearer', key: 'accessToken', description: 'a token' },
  lists: { USER_DIRECTORY: { path: '/users', records: 'users', paginator: { kind: 'none' }, filters: { email: { engine: true } } } },
  fields: ['emails'],
  map: (raw: any) => ({ remoteId: String(raw.id) }),
});

describe('spec validation', () => {
  it('accepts a well-formed spec and compiles it', () => {
    const def = defineProvider(minimal());
    expect(def.categories).toEqual(['USER_DIRECTORY']);
    expect(def.lists.USER_DIRECTORY!.paginator.kind).toBe('NONE');
  });

  it('names the slug and the field path of each mistake', () => {
    const bad: any = minimal();
    bad.lists.USER_DIRECTORY.paginator = { kind: 'cursor', next: 'meta.next', send: { query: 'after' } };
    bad.lists.USER_DIRECTORY.filters.status = { query: 'status', value: { map: { ACTIVE: 'active' } }, recheck: 'no' };
    bad.lists.USER_DIRECTORY.filters.nickname = { engine: true };
    bad.errors = { rules: [{ when: { status: 200, path: 'ok', equals: false }, as: 'BROKEN' }] };
    let err: unknown;
    try {
      defineProvider(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProviderSpecError);
    const message = (err as Error).message;
    expect(message).toContain('invalid provider spec "acme-hr"');
    expect(message).toContain('lists.USER_DIRECTORY.paginator.pageSize');
    expect(message).toContain('lists.USER_DIRECTORY.filters.status.recheck');
    expect(message).toContain('lists.USER_DIRECTORY.filters.nickname: unknown key');
    expect(message).toContain('errors.rules.0.as');
  });

  it('checks the placeholders each template may use', () => {
    const bad: any = minimal();
    bad.lists.USER_DIRECTORY.path = '/users/{credentials.accessToken}';
    bad.lists.USER_DIRECTORY.query = { team: '{filters.squad}' };
    expect(() => validateSpec(bad)).toThrow(/lists\.USER_DIRECTORY\.path: \{credentials\.accessToken\} is not allowed here[\s\S]*lists\.USER_DIRECTORY\.query\.team: \{filters\.squad\}: unknown filter "squad"/);
  });

  it('allows a /N split in paths only, and filter defaults from the context only', () => {
    const ok: any = minimal();
    ok.lists.USER_DIRECTORY.path = '/repos/{filters.collectionId/2}/members';
    ok.lists.USER_DIRECTORY.filters.collectionId = { path: true };
    ok.lists.USER_DIRECTORY.filterDefaults = { collectionId: '{context.owner}/{context.repo}' };
    expect(() => validateSpec(ok)).not.toThrow();
    const bad: any = minimal();
    bad.lists.USER_DIRECTORY.query = { team: '{filters.teamId/2}' };
    bad.lists.USER_DIRECTORY.filterDefaults = { teamId: '{filters.collectionId}' };
    expect(() => validateSpec(bad)).toThrow(/lists\.USER_DIRECTORY\.query\.team: \{filters\.teamId\/2\}: a \/N split is allowed in paths only[\s\S]*lists\.USER_DIRECTORY\.filterDefaults\.teamId: \{filters\.collectionId\} is not allowed here/);
  });

  it('refuses hooks in a data-only spec (YAML/JSON providers), naming where', () => {
    const spec: any = minimal();
    const r = ProviderSpecDataSchema.safeParse(spec);
    expect(r.success).toBe(false);
    expect(r.error!.issues.some((i) => i.path.join('.') === 'map')).toBe(true);
    spec.map = { remoteId: 'id', emails: { value: [] } };
    spec.lists.USER_DIRECTORY.filters.email = { query: 'email', value: (v: string) => v };
    expect(() => validateSpec(spec, 'data', 'providers/acme-hr.yaml')).toThrow(/"acme-hr" \(providers\/acme-hr\.yaml\):\n.*lists\.USER_DIRECTORY\.filters\.email\.value/);
    spec.lists.USER_DIRECTORY.filters.email = { query: 'email' };
    expect(() => validateSpec(spec, 'data')).not.toThrow();
  });

  it('refuses what compiles to nonsense: an engine filter the engine cannot test, a usage filter with no join', () => {
    const engineOnly: any = minimal();
    engineOnly.lists.USER_DIRECTORY.filters = { collectionId: { engine: true } };
    expect(() => defineProvider(engineOnly)).toThrow(/lists\.USER_DIRECTORY\.filters\.collectionId: the engine cannot test collectionId/);
    const usage: any = minimal();
    usage.lists.USER_DIRECTORY.filters = { date: { usage: true } };
    expect(() => defineProvider(usage)).toThrow(/filters\.date: served by usage, but no join is selectedBy date/);
  });

  it('compiles an offset paginator with a total locator that pages past short pages, and refuses it beside filteredWindows', () => {
    const spec: any = minimal();
    spec.lists.USER_DIRECTORY.paginator = { kind: 'offset', offsetParam: 'startIndex', limitParam: 'count', max: 100, start: 1, total: 'totalResults' };
    const p = defineProvider(spec).lists.USER_DIRECTORY!.paginator;
    expect(p.description).toContain('until `totalResults`');
    const req = p.first({ method: 'GET', path: '/Users', query: [] }, 50);
    const res = (n: number) => ({ headers: {}, body: { totalResults: 45 }, records: Array.from({ length: n }) });
    expect(Object.fromEntries(p.next(req, res(20), 'https://a.test')!.query)).toEqual({ startIndex: '21', count: '50' });
    expect(p.next(req, res(45), 'https://a.test')).toBeNull();
    spec.lists.USER_DIRECTORY.paginator.filteredWindows = { size: 50, reach: 1000 };
    expect(() => validateSpec(spec)).toThrow(/paginator: give at most one of total and filteredWindows/);
  });

  it('quotes bulk ids one by one through idsTemplate before joining, so an id cannot widen the filter', () => {
    const spec: any = { ...minimal(), byIds: { path: '/Users', query: { filter: '{ids}' }, idsQuote: 'scim', idsTemplate: 'id eq {id}', idsJoin: ' or ', records: 'Resources', idOf: 'id', maxBatch: 10 } };
    const rendered = defineProvider(spec).byIds!.render({ context: {}, filters: {}, ids: ['a1', 'x" or id pr or id eq "y'] });
    expect(rendered.query).toEqual([['filter', 'id eq "a1" or id eq "x\\" or id pr or id eq \\"y"']]);
    spec.byIds.idsTemplate = 'id eq {ids}';
    expect(() => validateSpec(spec)).toThrow(/byIds\.idsTemplate: \{ids\} is not allowed here/);
  });

  it('compiles an LDAP spec (data only): transport, ldap-bind auth and the ldap-paged paginator the transport positions', async () => {
    const spec: any = {
      ...minimal(), transport: 'ldap', baseUrl: '{context.url}', map: { remoteId: 'entryUUID' },
      auth: { kind: 'ldap-bind', bindDn: '{credentials.bindDn}', password: '{credentials.password}', description: 'simple bind' },
      lists: { USER_DIRECTORY: { path: '/', query: { base: '{context.baseDn}', filter: '(objectClass=person)' }, records: 'entries', paginator: { kind: 'ldap-paged', max: 200 }, filters: { email: { query: 'filter', join: '', value: { quote: 'ldap', template: '(mail={value})' } } } } },
    };
    expect(() => validateSpec(spec, 'data')).not.toThrow();
    const def = defineProvider(spec);
    expect(def.transport).toBe('LDAP');
    expect(def.auth.kind).toBe('LDAP_SIMPLE_BIND');
    expect(def.baseUrl({ url: 'ldaps://dir.acme.test:636' })).toBe('ldaps://dir.acme.test:636');
    const headers = await def.auth.headers({ bindDn: 'cn=reader,dc=acme', password: 'pw-1234' }, {}, {} as never);
    expect(headers).toEqual({ 'x-ldap-bind-dn': 'cn=reader,dc=acme', 'x-ldap-bind-password': 'pw-1234' });
    const p = def.lists.USER_DIRECTORY!.paginator;
    expect(p.kind).toBe('LDAP_PAGED');
    const first = p.first({ method: 'GET', path: '/', query: [['base', 'dc=acme'], ['skip', '9']] }, 50);
    expect(first.query).toEqual([['base', 'dc=acme'], ['size', '50']]);
    const page = (next: unknown, n = 50) => ({ headers: {}, body: { entries: [], next }, records: Array.from({ length: n }) });
    const second = p.next(first, page({ skip: 50, after: 'k7Qx' }), '')!;
    expect(Object.fromEntries(second.query)).toEqual({ base: 'dc=acme', size: '50', skip: '50', after: 'k7Qx' });
    expect(p.resume(first, p.state(second, first))).toEqual(second);
    expect(p.next(second, page(null), '')).toBeNull();
    expect(p.next(second, page({ skip: 100, after: 'x' }, 0), '')).toBeNull();
    spec.lists.USER_DIRECTORY.paginator = { kind: 'ldap-paged' };
    expect(() => validateSpec(spec)).toThrow(/paginator/);
  });

  it('maps declaratively by path and constant', () => {
    const spec: any = { ...minimal(), map: { remoteId: 'id', name: 'profile.name', status: { value: 'ACTIVE' } } };
    expect(defineProvider(spec).map({ id: 7, profile: { name: 'Ana' } }, {})).toEqual({ remoteId: '7', name: 'Ana', status: 'ACTIVE' });
  });
});
