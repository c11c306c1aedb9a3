// Microsoft Graph sandbox: a simulated tenant speaking the documented wire format of `GET /v1.0/users` —
// Bearer auth (a static token, or one issued by the simulated identity platform at
// `POST /{tenant}/oauth2/v2.0/token`, client-credentials grant, AADSTS errors; issued tokens expire), `$top`
// (1–999, default 100, 400 beyond), `$select` (default property set without it; signInActivity refused with
// 403 in a tenant without the licence or permission), `$filter` for the default clauses, and the advanced
// ones (`ne`, `endsWith`, externalUserState, companyName) only with `ConsistencyLevel: eventual` and
// `$count=true` (then `@odata.count`), `@odata.nextLink` with an opaque `$skiptoken`,
// `GET /v1.0/users/{id|userPrincipalName}`, `GET /v1.0/users/{id}/memberOf/microsoft.graph.group` (the user's groups,
// `$select`), JSON batching at `POST /v1.0/$batch` (1–20 requests `{ id, method, url, headers? }` with unique ids,
// URLs relative to /v1.0; `{ responses: [{ id, status, headers, body }] }` in an order of its own, each sub-request
// answered by the same routes, a throttled one with its own 429 + Retry-After), and Graph's error envelope
// `{ error: { code, message, innerError } }`.
// Used by both Graph providers (outlook-calendar, microsoft-entra).
import { people, rng, startSandbox, type Route, type Sandbox, type SandboxReply, type SandboxRequest } from '../engine/sandbox-kit.js';
import type { GraphUser } from './users.js';

export const GRAPH_SANDBOX_ACCESS_TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.sandbox-graph-access-token.7d1e';
export const GRAPH_SANDBOX_TENANT_ID = '72f988bf-0000-4000-8000-00000000c0de';
export const GRAPH_SANDBOX_CLIENT_ID = '3b1c5e2a-5a5d-4c1e-9f1a-00000000a11d';
export const GRAPH_SANDBOX_CLIENT_SECRET = 'sbx~client-secret.Q8v2Zr4kLm0Np7';
export const GRAPH_SKUS = { E3: '6fd2c87f-b296-42f0-b197-1e91e994b900', E5: 'c7df2760-2c81-4ef7-b578-5b5392b571df' };

/** Returned when the request has no $select (documented default set). */
const DEFAULT_PROPS = ['businessPhones', 'displayName', 'givenName', 'id', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName'];
const KNOWN_PROPS = new Set([
  ...DEFAULT_PROPS,
  ...['otherMails', 'companyName', 'employeeId', 'accountEnabled', 'externalUserState', 'userType', 'createdDateTime', 'assignedLicenses'],
  ...['signInActivity', 'department', 'city', 'country', 'mailNickname', 'proxyAddresses', 'onPremisesSyncEnabled', 'externalUserStateChangeDateTime'],
]);
const TENANT_DOMAIN = 'contososandbox.onmicrosoft.com';

function guid(rand: () => number): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(rand() * 4)]}${hex(3)}-${hex(12)}`;
}

/**
 * 260 users: every 9th (from 4) a Guest, half of those still PendingAcceptance; every 11th (from 7)
 * disabled (40 is a disabled pending guest); every 13th (from 6) a member without a mailbox; 15 has an
 * apostrophe in its UPN; 8 carries properties nobody selected.
 */
export function graphDataset(count = 260): GraphUser[] {
  const rand = rng(0x6a9);
  return people(count, 0x0ca1, 'contoso-sandbox.test').map((p, i) => {
    const guest = i % 9 === 4;
    const email = i === 15 ? `d'arcy.${i}@contoso-sandbox.test` : guest ? p.email.replace('contoso-sandbox.test', 'fabrikam-guest.test') : p.email;
    const user: GraphUser = {
      id: guid(rand),
      displayName: p.name,
      givenName: p.firstName,
      surname: p.lastName,
      mail: !guest && i % 13 === 6 ? null : email,
      otherMails: p.secondEmail ? [p.secondEmail] : [],
      userPrincipalName: guest ? `${email.replace('@', '_')}#EXT#@${TENANT_DOMAIN}` : email,
      jobTitle: i % 3 === 0 ? 'Engineer' : null,
      businessPhones: i % 4 === 0 ? [`+1 425 555 ${String(1000 + i).slice(-4)}`] : [],
      mobilePhone: i % 6 === 0 ? `+1 206 555 ${String(2000 + i).slice(-4)}` : null,
      preferredLanguage: i % 5 === 0 ? 'fr-FR' : i % 5 === 1 ? null : 'en-US',
      officeLocation: i % 2 === 0 ? '18/2111' : null,
      companyName: guest ? 'Fabrikam' : i % 2 === 0 ? 'Contoso' : null,
      employeeId: guest ? null : String(10000 + i),
      accountEnabled: i % 11 !== 7,
      externalUserState: guest ? (i % 18 === 4 ? 'PendingAcceptance' : 'Accepted') : null,
      userType: guest ? 'Guest' : 'Member',
      createdDateTime: p.createdAt.replace(/\.\d{3}Z$/, 'Z'),
      assignedLicenses: guest ? [] : i % 10 === 0 ? [{ disabledPlans: [], skuId: GRAPH_SKUS.E3 }, { disabledPlans: ['efb87545-963c-4e0d-99df-69c6916d9eb0'], skuId: GRAPH_SKUS.E5 }] : [{ disabledPlans: [], skuId: GRAPH_SKUS.E3 }],
    };
    if (i === 8) Object.assign(user, { '@odata.type': '#microsoft.graph.user', onPremisesImmutableId: 'c2J4LTg=', employeeOrgData: { division: 'R&D', costCenter: null }, futureProperty: { nested: [1, 2, 3] } });
    return user;
  });
}

/** Twelve groups; user i is in i % 4 of them (so every 4th user is in none), chosen by index. */
export const GRAPH_GROUPS = Array.from({ length: 12 }, (_, g) => ({
  id: `0d${String(g).padStart(6, '0')}-6f1e-4b2a-9c3d-${String(0xa1b2c3d4e5f6 + g * 977).slice(0, 12).padStart(12, '0')}`,
  displayName: g === 5 ? "Ops & On-call 'Tier 2'" : `Team ${String.fromCharCode(65 + g)}`,
  mail: g % 3 === 0 ? `team-${g}@contoso-sandbox.test` : null,
  securityEnabled: g % 2 === 0,
}));
export const groupsOfIndex = (i: number) => Array.from({ length: i % 4 }, (_, k) => GRAPH_GROUPS[(i * 7 + k * 5) % GRAPH_GROUPS.length]!);

/** A batch sub-request answered with a fault instead of its route (its URL matches). */
export interface BatchItemFault { match: RegExp; status: number; headers?: Record<string, string>; body?: unknown; times?: number }
export interface GraphSandbox extends Sandbox {
  /** The next `times` (default 1) batch sub-requests whose URL matches get this answer inside a 200 batch. */
  injectBatchItem(fault: BatchItemFault): void;
}

const error = (status: number, code: string, message: string): SandboxReply => {
  const date = new Date().toISOString().slice(0, 19);
  return { status, body: { error: { code, message, innerError: { date, 'request-id': '0b5e7c1a-sbx0-4c1e-9f1a-request00001', 'client-request-id': '0b5e7c1a-sbx0-4c1e-9f1a-request00001' } } } };
};
const badFilter = (why: string) => error(400, 'Request_UnsupportedQuery', `Unsupported or invalid query filter clause specified for ${why} of resource 'User'.`);

// --- a small evaluator for the default (non-advanced) $filter clauses on users ------------------------
/** Operators each property supports without ConsistencyLevel: eventual (aad-advanced-queries table). */
const FILTERABLE: Record<string, string[]> = {
  id: ['eq', 'in'], accountEnabled: ['eq', 'in'], userType: ['eq', 'in'], createdDateTime: ['eq', 'ge', 'le'],
  mail: ['eq', 'in'], userPrincipalName: ['eq', 'in'], givenName: ['eq', 'in'], surname: ['eq', 'in'],
  displayName: ['eq', 'in'], employeeId: ['eq'], jobTitle: ['eq', 'in'], otherMails: ['any'],
};
/** More operators, in advanced queries only (ConsistencyLevel: eventual + $count=true). */
const ADVANCED: Record<string, string[]> = {
  externalUserState: ['eq', 'in', 'ne'], companyName: ['eq', 'in', 'ne'], accountEnabled: ['ne'], userType: ['ne'],
  mail: ['ne', 'endswith'], userPrincipalName: ['ne', 'endswith'], displayName: ['ne'],
};
type Test = (u: GraphUser) => boolean;
type Lit = string | boolean | null | { date: number };

function compileFilter(expr: string, advanced = false): Test {
  const toks = expr.match(/'(?:[^']|'')*'|\d{4}-\d{2}-\d{2}T[\d:.]+Z?|[A-Za-z_$@][\w.]*|[(),:/]|\S/g) ?? [];
  let i = 0;
  const fail = (why = 'expression'): never => { throw new Error(why); };
  const peek = () => toks[i]?.toLowerCase();
  const take = (want?: string) => { const t = toks[i++] ?? fail(); if (want && t.toLowerCase() !== want) fail(); return t; };
  const literal = (): Lit => {
    const t = take();
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (/^\d{4}-/.test(t)) return { date: Date.parse(t) };
    if (t === 'true' || t === 'false') return t === 'true';
    if (t === 'null') return null;
    return fail();
  };
  const same = (got: unknown, want: Lit) => {
    if (want === null) return got === null || got === undefined;
    if (typeof want === 'object') return typeof got === 'string' && Date.parse(got) === want.date;
    if (typeof want === 'boolean') return got === want;
    return typeof got === 'string' && got.toLowerCase() === want.toLowerCase();
  };
  const allowed = (prop: string, op: string) => (FILTERABLE[prop]?.includes(op) || (advanced && ADVANCED[prop]?.includes(op)) ? prop : fail(`property '${prop}'`));
  const primary = (): Test => {
    if (peek() === '(') { take(); const e = or(); take(')'); return e; }
    if (peek() === 'not' && advanced) { take(); const e = primary(); return (u) => !e(u); }
    if (peek() === 'endswith' && toks[i + 1] === '(') {
      take(); take('('); const prop = take(); take(','); const want = literal(); take(')');
      allowed(prop, 'endswith');
      return (u) => typeof u[prop] === 'string' && typeof want === 'string' && (u[prop] as string).toLowerCase().endsWith(want.toLowerCase());
    }
    const prop = take();
    if (peek() === '/') {
      take('/'); take('any'); take('('); const v = take(); take(':'); take(v); take('eq'); const want = literal(); take(')');
      allowed(prop, 'any');
      return (u) => Array.isArray(u[prop]) && (u[prop] as unknown[]).some((x) => same(x, want));
    }
    const op = take().toLowerCase();
    allowed(prop, op);
    if (op === 'in') {
      take('(');
      const values = [literal()];
      while (peek() === ',') { take(); values.push(literal()); }
      take(')');
      if (values.length > 15) fail('too many values');
      return (u) => values.some((v) => same(u[prop], v));
    }
    const want = literal();
    if (op === 'eq') return (u) => same(u[prop], want);
    if (op === 'ne') return (u) => !same(u[prop], want);
    const at = typeof want === 'object' && want ? want.date : fail();
    return (u) => { const t = Date.parse(String(u[prop])); return op === 'ge' ? t >= at : t <= at; };
  };
  const and = (): Test => { let l = primary(); while (peek() === 'and') { take(); const a = l, b = primary(); l = (u) => a(u) && b(u); } return l; };
  const or = (): Test => { let l = and(); while (peek() === 'or') { take(); const a = l, b = and(); l = (u) => a(u) || b(u); } return l; };
  const e = or();
  if (i !== toks.length) fail();
  return e;
}

function project(u: GraphUser, select: string[]): Record<string, unknown> {
  // Properties the sandbox doesn't know stand for fields Graph adds unannounced: they always come back.
  return Object.fromEntries(Object.entries(u).filter(([k]) => select.includes(k) || !KNOWN_PROPS.has(k)));
}
function selection(req: SandboxRequest): string[] | SandboxReply {
  const raw = req.query.get('$select');
  if (raw === null) return DEFAULT_PROPS;
  const props = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = props.find((p) => !KNOWN_PROPS.has(p));
  return unknown ? error(400, 'Request_BadRequest', `Could not find a property named '${unknown}' on type 'microsoft.graph.user'.`) : props;
}

const SKIP_PREFIX = 'RFNwdAIAAQAAA';
const encodeSkip = (offset: number) => SKIP_PREFIX + Buffer.from(`sbx|${offset}|User_`).toString('base64url');
function decodeSkip(token: string): number | null {
  if (!token.startsWith(SKIP_PREFIX)) return null;
  const m = /^sbx\|(\d+)\|User_$/.exec(Buffer.from(token.slice(SKIP_PREFIX.length), 'base64url').toString());
  return m ? Number(m[1]) : null;
}

export interface GraphSandboxOptions {
  accessToken?: string;
  users?: GraphUser[];
  port?: number;
  /** expires_in of issued tokens (default 3599); an expired token is refused with 401. */
  tokenLifetimeSeconds?: number;
  /** Whether the tenant lets the app select signInActivity (Entra ID P1/P2 and AuditLog.Read.All); default true. */
  signInActivity?: boolean;
  name?: string;
}

export async function startGraphSandbox(opts: GraphSandboxOptions = {}): Promise<GraphSandbox> {
  const accessToken = opts.accessToken ?? GRAPH_SANDBOX_ACCESS_TOKEN;
  const users = opts.users ?? graphDataset();
  const issued = new Map<string, number>(); // token → when it expires
  const lifetime = opts.tokenLifetimeSeconds ?? 3599;
  const tokenPath = /^\/([^/]+)\/oauth2\/v2\.0\/token$/;
  const aad = (status: number, error: string, description: string): SandboxReply => ({
    status,
    body: { error, error_description: description, error_codes: [Number(/AADSTS(\d+)/.exec(description)?.[1] ?? 0)], timestamp: new Date().toISOString(), trace_id: 'sbx-trace', correlation_id: 'sbx-correlation' },
  });

  const list = (req: SandboxRequest): SandboxReply => {
    const topRaw = req.query.get('$top');
    const top = topRaw === null ? 100 : Number(topRaw);
    if (!Number.isInteger(top) || top < 1 || top > 999) return error(400, 'Request_BadRequest', `Invalid page size specified: '${topRaw}'. Must be between 1 and 999 inclusive.`);
    const select = selection(req);
    if (!Array.isArray(select)) return select;
    if (select.includes('signInActivity') && opts.signInActivity === false)
      return error(403, 'Authorization_RequestDenied', "Neither tenant is B2C or tenant doesn't have premium license");
    let pool = users;
    const filter = req.query.get('$filter');
    const advanced = req.headers.consistencylevel === 'eventual' && req.query.get('$count') === 'true';
    if (filter !== null) {
      try {
        pool = pool.filter(compileFilter(filter, advanced));
      } catch (e) {
        return (e as Error).message === 'too many values'
          ? error(400, 'Request_UnsupportedQuery', "Too many child clauses specified in search filter expression containing 'OR' operators: 16. Max allowed: 15.")
          : badFilter((e as Error).message);
      }
    }
    const skip = req.query.get('$skiptoken');
    const start = skip === null ? 0 : decodeSkip(skip);
    if (start === null) return error(400, 'Request_BadRequest', "Invalid value for '$skiptoken' query parameter.");
    const page = pool.slice(start, start + top);
    const body: Record<string, unknown> = { '@odata.context': `${req.origin}/v1.0/$metadata#users(${select.join(',')})`, ...(advanced ? { '@odata.count': pool.length } : {}), value: page.map((u) => project(u, select)) };
    if (start + top < pool.length) {
      const next = new URL(`${req.origin}${req.path}`);
      req.query.forEach((v, k) => { if (k !== '$skiptoken') next.searchParams.append(k, v); });
      next.searchParams.set('$skiptoken', encodeSkip(start + top));
      body['@odata.nextLink'] = next.toString();
    }
    return { body };
  };

  const memberOf = (req: SandboxRequest, [id]: string[]): SandboxReply => {
    const i = users.findIndex((x) => x.id === id);
    if (i < 0) return error(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
    const raw = req.query.get('$select');
    const props = raw === null ? null : raw.split(',').map((s) => s.trim());
    const value = groupsOfIndex(i).map((g) => ({ '@odata.type': '#microsoft.graph.group', ...(props ? Object.fromEntries(Object.entries(g).filter(([k]) => props.includes(k))) : g) }));
    return { body: { '@odata.context': `${req.origin}/v1.0/$metadata#groups`, value } };
  };
  const routes: Route[] = [];
  const itemFaults: BatchItemFault[] = [];
  const batch = (req: SandboxRequest): SandboxReply => {
    if (!String(req.headers['content-type'] ?? '').includes('application/json')) return error(415, 'BadRequest', 'Content-Type must be application/json.');
    const requests = req.body?.requests;
    if (!Array.isArray(requests) || requests.length === 0) return error(400, 'BadRequest', 'Invalid batch payload format.');
    if (requests.length > 20) return error(400, 'BadRequest', 'The number of requests in the batch exceeds the limit of 20.');
    const ids = requests.map((r: any) => r?.id);
    if (ids.some((id: unknown) => typeof id !== 'string' || id === '') || new Set(ids).size !== ids.length) return error(400, 'BadRequest', 'Each request in the batch needs a unique id.');
    const responses = requests.map((r: any) => {
      const url = new URL(String(r.url ?? '').replace(/^\/?/, '/v1.0/'), req.origin);
      const fi = itemFaults.findIndex((f) => f.match.test(`${url.pathname}${url.search}`));
      if (fi >= 0) {
        const f = itemFaults[fi]!;
        if (--f.times! <= 0) itemFaults.splice(fi, 1);
        return { id: r.id, status: f.status, headers: f.headers ?? {}, body: f.body ?? error(f.status, f.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable', 'Please retry after the time in Retry-After.').body };
      }
      const sub: SandboxRequest = { method: String(r.method ?? 'GET').toUpperCase(), path: decodeURI(url.pathname), query: url.searchParams, headers: { ...req.headers, ...Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)])) }, body: r.body, origin: req.origin };
      let reply: SandboxReply = error(404, 'Request_ResourceNotFound', 'Resource not found for the segment.');
      for (const route of routes) {
        const m = route.method === 'GET' && sub.method === 'GET' ? route.path.exec(sub.path) : null; // no nested batches, no token calls
        if (m) { reply = route.handle(sub, m.slice(1).map((p) => decodeURIComponent(p))); break; }
      }
      return { id: r.id, status: reply.status ?? 200, headers: { 'content-type': 'application/json' }, body: reply.body };
    });
    // Graph answers in an order of its own: the sandbox reverses, so a client must match by id.
    return { body: { responses: responses.reverse() } };
  };

  routes.push(
    { method: 'POST', path: /^\/v1\.0\/\$batch$/, handle: batch },
    { method: 'GET', path: /^\/v1\.0\/users\/([^/]+)\/memberOf\/microsoft\.graph\.group$/, handle: memberOf },
    { method: 'GET', path: /^\/v1\.0\/users$/, handle: list },
    {
      method: 'GET',
      path: /^\/v1\.0\/users\/([^/]+)$/,
      handle: (req, [id]) => {
        const select = selection(req);
        if (!Array.isArray(select)) return select;
        const u = users.find((x) => x.id === id || String(x.userPrincipalName).toLowerCase() === id!.toLowerCase());
        return u ? { body: { '@odata.context': `${req.origin}/v1.0/$metadata#users/$entity`, ...project(u, select) } } : error(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
      },
    },
    {
      method: 'POST',
      path: tokenPath,
      handle: (req, [tenant]) => {
        const form = (req.body ?? {}) as Record<string, string>;
        if (tenant!.toLowerCase() !== GRAPH_SANDBOX_TENANT_ID && tenant!.toLowerCase() !== TENANT_DOMAIN) return aad(400, 'invalid_request', `AADSTS90002: Tenant '${tenant}' not found.`);
        if (form.grant_type !== 'client_credentials') return aad(400, 'unsupported_grant_type', 'AADSTS70003: The app requested an unsupported grant type.');
        if (form.client_id !== GRAPH_SANDBOX_CLIENT_ID) return aad(400, 'unauthorized_client', `AADSTS700016: Application with identifier '${form.client_id}' was not found in the directory.`);
        if (form.client_secret !== GRAPH_SANDBOX_CLIENT_SECRET) return aad(401, 'invalid_client', 'AADSTS7000215: Invalid client secret provided.');
        if (form.scope !== 'https://graph.microsoft.com/.default') return aad(400, 'invalid_scope', `AADSTS1002012: The provided value for scope ${form.scope} is not valid.`);
        const token = `eyJ0eXAiOiJKV1QifQ.sandbox-cc-${issued.size + 1}.${Date.now().toString(36)}`;
        issued.set(token, Date.now() + lifetime * 1000);
        return { body: { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: token } };
      },
    },
  );

  const sandbox = await startSandbox(
    {
      name: opts.name ?? 'outlook-calendar',
      authenticate: (req) => {
        if (tokenPath.test(req.path)) return true;
        const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        return bearer !== undefined && (bearer === accessToken || (issued.get(bearer) ?? 0) > Date.now());
      },
      unauthorized: error(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.'),
      notFound: error(404, 'Request_ResourceNotFound', 'Resource not found for the segment.'),
      commonHeaders: () => ({ 'request-id': '0b5e7c1a-sbx0-4c1e-9f1a-request00001' }),
      routes,
    },
    opts.port,
  );
  return { ...sandbox, injectBatchItem: (f) => itemFaults.push({ times: 1, ...f }) };
}
