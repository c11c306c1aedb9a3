// Atlassian sandbox: a simulated https://api.atlassian.com for one organization, speaking the documented wire
// format of GET /admin/v1/orgs/{orgId}/users — Bearer organization API key, pages of 50 managed accounts,
// `links.next` the whole next-page URL carrying an opaque `cursor`, `links.prev` beyond the first page,
// `meta.total` — and 404 for another organization. Error bodies are not documented: here `{ code, message }`.
import { people, startSandbox, type ProviderSandbox, type Sandbox, type SandboxRequest } from '../engine/sandbox-kit.js';
import type { AtlassianUser } from './map.js';

export const ATLASSIAN_API_KEY = 'ATCTT3xFfGN0sandbox-org-api-key-9c1e5b7a';
export const ATLASSIAN_ORG_ID = '8a1c3e5f-sbx0-4d2b-9e7f-0rg000000001';
const PAGE = 50;
const PRODUCTS = [
  { key: 'jira-software', name: 'Jira', url: 'acme-sandbox.atlassian.net' },
  { key: 'confluence', name: 'Confluence', url: 'acme-sandbox.atlassian.net/wiki' },
  { key: 'jira-servicedesk', name: 'Jira Service Management', url: 'acme-sandbox.atlassian.net' },
];

/**
 * 262 accounts, in the upstream's order: every 13th (from 5) an app account without e-mail, every 9th (from 7) a
 * service-desk customer, every 11th (from 3) inactive, every 17th (from 10) closed; every 5th has no product access
 * and never was active; 20 has an unknown future account_status.
 */
export function atlassianDataset(count = 262): AtlassianUser[] {
  return people(count, 0xa71a5, 'acme-sandbox.test').map((p, i) => {
    const app = i % 13 === 5;
    const customer = !app && i % 9 === 7;
    const idle = i % 5 === 0;
    const active = (d: number) => (p.lastLoginAt ? new Date(Date.parse(p.lastLoginAt) - d * 3_600_000).toISOString() : null);
    const products = idle || customer ? [] : PRODUCTS.slice(0, 1 + (i % 3)).map((x, n) => ({ ...x, last_active: active(n * 5) }));
    const id = app ? `557058:sbx-app-${String(i).padStart(4, '0')}` : `5b10ac8d82e05b22cc7d${(0x4ef500 + i * 37).toString(16)}`;
    return {
      account_id: id,
      account_type: app ? 'app' : customer ? 'customer' : 'atlassian',
      account_status: i === 20 ? 'pending_deletion' : i % 17 === 10 ? 'closed' : i % 11 === 3 ? 'inactive' : 'active',
      name: app ? `Automation bot ${i}` : p.name ?? '',
      picture: `https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/initials/sbx-${i}-0.png`,
      ...(app ? {} : { email: p.email }),
      access_billable: products.length > 0,
      last_active: idle ? null : active(0),
      product_access: products,
      links: { self: `https://api.atlassian.com/users/${id}/manage/profile` },
    } as AtlassianUser;
  });
}

const fail = (code: number, message: string) => ({ status: code, body: { code, message } });
const cursorOf = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');
const offsetOf = (cursor: string) => {
  const m = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : null;
};

export interface AtlassianSandboxOptions { port?: number; users?: AtlassianUser[] }

export function startAtlassianSandbox(opts: AtlassianSandboxOptions = {}): Promise<Sandbox> {
  const users = opts.users ?? atlassianDataset();
  const list = (req: SandboxRequest, [org]: string[]) => {
    if (org !== ATLASSIAN_ORG_ID) return fail(404, 'Organization not found');
    const cursor = req.query.get('cursor');
    const offset = cursor === null ? 0 : offsetOf(cursor);
    if (offset === null) return fail(400, 'Invalid cursor');
    const self = `${req.origin}/admin/v1/orgs/${org}/users`;
    const links: Record<string, string> = { self: cursor ? `${self}?cursor=${cursor}` : self };
    if (offset > 0) links.prev = `${self}?cursor=${cursorOf(Math.max(0, offset - PAGE))}`;
    if (offset + PAGE < users.length) links.next = `${self}?cursor=${cursorOf(offset + PAGE)}`;
    return { body: { data: users.slice(offset, offset + PAGE), meta: { total: users.length }, links } };
  };
  return startSandbox(
    {
      name: 'atlassian',
      authenticate: (req) => req.headers.authorization === `Bearer ${ATLASSIAN_API_KEY}`,
      unauthorized: fail(401, 'Unauthorized'),
      notFound: fail(404, 'Not Found'),
      routes: [{ method: 'GET', path: /^\/admin\/v1\/orgs\/([^/]+)\/users$/, handle: list }],
    },
    opts.port,
  );
}

export const atlassianSandbox: ProviderSandbox = {
  slug: 'atlassian',
  start: (port) => startAtlassianSandbox({ port }),
  demoAccount: (url) => ({ context: { baseUrl: url, orgId: ATLASSIAN_ORG_ID }, credentials: { apiKey: ATLASSIAN_API_KEY } }),
  expectedUsers: () => atlassianDataset(),
};
