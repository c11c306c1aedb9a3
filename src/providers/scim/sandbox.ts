// SCIM 2.0 sandbox: a simulated service provider speaking RFC 7644 under a base path (`/scim/v2`):
// GET /Users with 1-based startIndex/count and a ListResponse (§3.4.2.4), a server cap on `count` below
// what clients ask (so a client must page by what came back), `filter` (§3.4.2.2, see sandbox-filter.ts),
// `sortBy`/`sortOrder` (§3.4.2.3) only when configured as supported, GET /Users/{id} (§3.4.1),
// /ServiceProviderConfig (§4, RFC 7643 §5), SCIM error bodies (§3.12), bearer or basic auth.
import { people, rng, startSandbox, type ProviderSandbox, type Sandbox, type SandboxReply, type SandboxRequest } from '../engine/sandbox-kit.js';
import { CORE_USER, ENTERPRISE_USER, type ScimUser } from './map.js';
import { compileFilter, FilterError } from './sandbox-filter.js';

export const SCIM_SANDBOX_TOKEN = 'scim-sandbox-bearer-7d41c0e2b9';
export const SCIM_SANDBOX_BASIC = { username: 'scim-sandbox-client', password: 'scim-sandbox-secret-91f3' };
export const SCIM_BASE_PATH = '/scim/v2';
/** The most resources one page holds, whatever `count` asks (advertised as filter.maxResults). */
export const SCIM_SANDBOX_MAX_COUNT = 40;
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

const DEPARTMENTS = ['Engineering', 'Sales', 'Finance', 'Support', 'Legal'];
const uuid = (rand: () => number) => {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
};

/**
 * The sandbox's users, in list order. Edge cases: 0 has no `name` and no displayName, 1 only a given name,
 * 2–4 unicode, every 7th from 5 a second (non-primary) e-mail, every 11th from 3 the primary e-mail listed
 * second, every 9th from 4 inactive, every 6th without the enterprise extension, 10 a userName that is not
 * an address, 12 a quote and a backslash in its displayName (filter escaping), managers point at earlier users.
 */
export function scimDataset(count = 260): ScimUser[] {
  const rand = rng(0x5c1a);
  const ids: string[] = [];
  return people(count, 0x5c1b, 'acme.scim-sandbox.test').map((p, i) => {
    const id = uuid(rand);
    ids.push(id);
    const emails = [{ value: p.email, type: 'work', primary: true }, ...(p.secondEmail ? [{ value: p.secondEmail, type: 'home', primary: false }] : [])];
    if (i % 11 === 3) emails.unshift({ value: p.email.replace('@', '.desk@'), type: 'other', primary: false });
    const user: ScimUser = {
      schemas: i % 6 === 1 ? [CORE_USER] : [CORE_USER, ENTERPRISE_USER],
      id,
      ...(i % 4 === 0 ? { externalId: `ext-${1000 + i}` } : {}),
      userName: i === 10 ? 'svc_backup' : p.email,
      ...(p.firstName || p.lastName
        ? { name: { ...(p.name ? { formatted: p.name } : {}), ...(p.firstName ? { givenName: p.firstName } : {}), ...(p.lastName ? { familyName: p.lastName } : {}) } }
        : {}),
      ...(i === 12 ? { displayName: 'Quote "Q" Back\\slash' } : p.name && i % 5 !== 2 ? { displayName: p.name } : {}),
      active: i % 9 !== 4,
      emails,
      ...(i % 3 === 0 ? { title: 'Engineer' } : {}),
      ...(i % 8 === 0 ? { userType: 'Contractor' } : { userType: 'Employee' }),
      ...(i % 6 === 0 ? { preferredLanguage: 'fr-FR', locale: 'fr-FR' } : {}),
      ...(i % 4 === 2 ? { timezone: 'Europe/Paris' } : {}),
      ...(i % 10 === 0 ? { phoneNumbers: [{ value: '+1 555 0100', type: 'work' }] } : {}),
      ...(i % 13 === 0 ? { roles: [{ value: 'admin', display: 'Administrator', primary: true }] } : {}),
      meta: {
        resourceType: 'User',
        created: p.createdAt,
        lastModified: p.updatedAt,
        location: `https://sandbox.invalid${SCIM_BASE_PATH}/Users/${id}`,
        version: `W/"${(i * 7919).toString(16)}"`,
      },
    };
    if (i % 6 !== 1) {
      user[ENTERPRISE_USER] = {
        employeeNumber: String(70000 + i),
        department: DEPARTMENTS[i % DEPARTMENTS.length]!,
        ...(i % 2 === 0 ? { organization: 'Acme' } : {}),
        ...(i > 0 && i % 5 !== 0 ? { manager: { value: ids[Math.floor(i / 5)]!, displayName: `Manager ${Math.floor(i / 5)}` } } : {}),
      };
    }
    return user;
  });
}

export interface ScimSandboxOptions {
  port?: number;
  users?: ScimUser[];
  /** Whether /ServiceProviderConfig advertises sorting and /Users honours sortBy (default false: ignored). */
  sortSupported?: boolean;
  maxCount?: number;
  token?: string;
}

const error = (status: number, detail: string, scimType?: string): SandboxReply => ({
  status,
  headers: { 'content-type': 'application/scim+json' },
  body: { schemas: [ERROR], ...(scimType ? { scimType } : {}), detail, status: String(status) },
});
const scim = (body: unknown): SandboxReply => ({ headers: { 'content-type': 'application/scim+json' }, body });

/** Query integers per §3.4.2.4: startIndex < 1 is 1, a negative count is 0; junk is invalidValue. */
function intQuery(q: URLSearchParams, name: string): number | undefined | Error {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  return /^-?\d+$/.test(raw) ? Number(raw) : new Error(`${name} must be an integer`);
}

function sortKey(u: ScimUser, path: string): string {
  let v: unknown = u;
  for (const seg of path.split('.')) {
    if (Array.isArray(v)) v = (v.find((x) => x?.primary) ?? v[0]) as unknown;
    v = typeof v === 'object' && v !== null ? Object.entries(v).find(([k]) => k.toLowerCase() === seg.toLowerCase())?.[1] : undefined;
  }
  if (Array.isArray(v)) v = (v.find((x) => x?.primary) ?? v[0])?.value;
  return typeof v === 'string' ? v.toLowerCase() : v === undefined || v === null ? '\uffff' : String(v);
}

export function startScimSandbox(opts: ScimSandboxOptions = {}): Promise<Sandbox> {
  const users = opts.users ?? scimDataset();
  const token = opts.token ?? SCIM_SANDBOX_TOKEN;
  const cap = opts.maxCount ?? SCIM_SANDBOX_MAX_COUNT;
  const basic = `Basic ${Buffer.from(`${SCIM_SANDBOX_BASIC.username}:${SCIM_SANDBOX_BASIC.password}`).toString('base64')}`;
  const base = SCIM_BASE_PATH.replace(/\//g, '\\/');

  const list = (req: SandboxRequest): SandboxReply => {
    let pool = users;
    const filter = req.query.get('filter');
    if (filter) {
      try {
        const test = compileFilter(filter);
        pool = pool.filter(test);
      } catch (e) {
        if (e instanceof FilterError) return error(400, `Invalid filter: ${e.message}`, 'invalidFilter');
        throw e;
      }
    }
    const sortBy = req.query.get('sortBy');
    if (sortBy && opts.sortSupported) {
      const desc = req.query.get('sortOrder') === 'descending';
      pool = [...pool].sort((a, b) => (sortKey(a, sortBy) < sortKey(b, sortBy) ? -1 : sortKey(a, sortBy) > sortKey(b, sortBy) ? 1 : 0) * (desc ? -1 : 1));
    }
    const start = intQuery(req.query, 'startIndex');
    const count = intQuery(req.query, 'count');
    if (start instanceof Error || count instanceof Error) return error(400, (start instanceof Error ? start : (count as Error)).message, 'invalidValue');
    const startIndex = Math.max(start ?? 1, 1);
    const size = Math.min(Math.max(count ?? 20, 0), cap);
    const page = pool.slice(startIndex - 1, startIndex - 1 + size);
    // §3.4.2: Resources is "REQUIRED if totalResults is non-zero": an empty result omits it, as some servers do.
    return scim({ schemas: [LIST_RESPONSE], totalResults: pool.length, itemsPerPage: page.length, startIndex, ...(pool.length ? { Resources: page } : {}) });
  };

  return startSandbox(
    {
      name: 'scim',
      authenticate: (req) => req.headers.authorization === `Bearer ${token}` || req.headers.authorization === basic,
      unauthorized: { ...error(401, 'Authorization failure. The authorization header is invalid or missing.'), headers: { 'content-type': 'application/scim+json', 'www-authenticate': 'Bearer realm="scim", Basic realm="scim"' } },
      notFound: error(404, 'Endpoint not found.'),
      routes: [
        { method: 'GET', path: new RegExp(`^${base}/Users$`), handle: list },
        {
          method: 'GET',
          path: new RegExp(`^${base}/Users/([^/]+)$`),
          handle: (_req, [id]) => {
            const u = users.find((x) => x.id === id);
            return u ? scim(u) : error(404, `Resource ${id} not found.`);
          },
        },
        {
          method: 'GET',
          path: new RegExp(`^${base}/ServiceProviderConfig$`),
          handle: () =>
            scim({
              schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
              documentationUri: 'https://www.rfc-editor.org/rfc/rfc7644',
              patch: { supported: false },
              bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
              filter: { supported: true, maxResults: cap },
              changePassword: { supported: false },
              sort: { supported: opts.sortSupported === true },
              etag: { supported: false },
              authenticationSchemes: [
                { type: 'oauthbearertoken', name: 'OAuth Bearer Token', description: 'Authentication with a bearer token', primary: true },
                { type: 'httpbasic', name: 'HTTP Basic', description: 'Authentication with a client id and secret' },
              ],
              meta: { resourceType: 'ServiceProviderConfig', location: `https://sandbox.invalid${SCIM_BASE_PATH}/ServiceProviderConfig` },
            }),
        },
      ],
    },
    opts.port,
  );
}

export const scimSandbox: ProviderSandbox = {
  slug: 'scim',
  start: (port) => startScimSandbox({ port }),
  demoAccount: (url) => ({ context: { baseUrl: `${url}${SCIM_BASE_PATH}` }, credentials: { accessToken: SCIM_SANDBOX_TOKEN } }),
  expectedUsers: () => scimDataset(),
};
