// Jira Cloud sandbox: a simulated site speaking the documented wire format of
// GET /rest/api/3/user/assignable/search (Basic email:apiToken auth, `project` key or id, `query` prefix match,
// `startAt`/`maxResults` windows taken over the site's users *before* dropping those not assignable to the
// project — so pages come back short, or empty, mid-list — nothing past the 1000th user), GET /rest/api/3/user/bulk
// (repeated accountId, PageBeanUser), GET /rest/api/3/user?accountId=, GET /rest/api/3/project/search (PageBeanProject), and Jira's `errorMessages` envelope.
// Projects: ENG (id 10000) and OPS (id 10001); customers belong to no project, app users only to OPS.
import { oauthSim } from '../engine/oauth-sandbox.js';
import { people, startSandbox, type ProviderSandbox, type Sandbox, type SandboxRequest } from '../engine/sandbox-kit.js';
import { JIRA_REACH, type JiraUser } from './adapter.js';

export const JIRA_SANDBOX_EMAIL = 'admin@acme.jira-sandbox.test';
export const JIRA_SANDBOX_TOKEN = 'ATATT3xSandboxJiraApiToken0c1d2e3f';
export const JIRA_PROJECTS = [
  { id: '10000', key: 'ENG', name: 'Engineering' },
  { id: '10001', key: 'OPS', name: 'Operations' },
] as const;

const accountTypeOf = (i: number) => (i === 20 ? 'unknown' : i % 10 === 9 ? 'customer' : i % 25 === 7 ? 'app' : 'atlassian');

/** Every user of the site, in the order Jira windows them (300: atlassian, app, customer and one unknown). */
export function jiraDataset(count = 300): JiraUser[] {
  return people(count, 0x11a4, 'acme.jira-sandbox.test').map((p, i) => {
    const accountType = accountTypeOf(i);
    const accountId = accountType === 'customer' ? `qm:${(0x5a0000 + i).toString(16)}-sbx` : `712020:${(0xa1000 + i).toString(16)}-4d0b-9a61-sbx${i}`;
    const user: JiraUser = {
      self: `https://acme.atlassian.net/rest/api/3/user?accountId=${encodeURIComponent(accountId)}`,
      accountId,
      accountType,
      ...(accountType === 'app' ? { appType: 'service' } : {}),
      // Hidden by the user's profile visibility: omitted (every 6th) or explicitly null (every 17th).
      ...(accountType === 'app' || i % 6 === 1 ? {} : { emailAddress: i % 17 === 3 ? null : p.email }),
      avatarUrls: Object.fromEntries(['16x16', '24x24', '32x32', '48x48'].map((s) => [s, `https://avatar-management.sandbox.test/${i}/${s}.png`])),
      ...(i === 0 ? {} : { displayName: accountType === 'app' ? `Automation bot ${i}` : p.name }),
      active: i % 11 !== 4,
      timeZone: i % 4 === 0 ? 'Europe/Paris' : 'America/Los_Angeles',
      locale: i % 6 === 0 ? 'fr_FR' : 'en_US',
    };
    if (i === 8) Object.assign(user, { guest: false, expand: 'groups,applicationRoles', unexpectedField: { nested: [1, 2, 3] } });
    return user;
  });
}

/** Which project keys a site user can be assigned issues in. */
export function jiraMembership(u: JiraUser, i: number): string[] {
  if (u.accountType === 'customer') return [];
  if (u.accountType === 'app') return ['OPS'];
  return [...(i % 13 === 5 ? [] : ['ENG']), ...(i % 3 === 0 ? ['OPS'] : [])];
}

/** The users the sandbox lists for a project key, in order. */
export function jiraAssignable(key: string, users = jiraDataset()): JiraUser[] {
  return users.filter((u, i) => jiraMembership(u, i).includes(key));
}

const error = (status: number, ...messages: string[]) => ({ status, body: { errorMessages: messages, errors: {} } });
const prefixMatch = (q: string) => (u: JiraUser) => {
  const want = q.toLocaleLowerCase();
  const words = [u.emailAddress, u.displayName, ...(u.displayName ?? '').split(/\s+/)];
  return words.some((w) => typeof w === 'string' && w.toLocaleLowerCase().startsWith(want));
};
function nonNegativeInt(q: URLSearchParams, name: string, def: number): number | null {
  const raw = q.get(name);
  if (raw === null) return def;
  return /^\d+$/.test(raw) ? Number(raw) : null;
}

/** The OAuth 2.0 (3LO) app registered in the sandbox's developer console, and the one site it grants. */
export const JIRA_OAUTH_CLIENT = { clientId: 'sbxJiraRollcallClient', clientSecret: 'jira-sandbox-3lo-secret-Qm71' };
export const JIRA_CLOUD_ID = '1324a887-45db-1bf4-1e99-ef0ff456d421';
export const JIRA_SITE_URL = 'https://acme-sandbox.atlassian.net';

export function startJiraSandbox(opts: { email?: string; token?: string; users?: JiraUser[]; port?: number } = {}): Promise<Sandbox> {
  const expected = `Basic ${Buffer.from(`${opts.email ?? JIRA_SANDBOX_EMAIL}:${opts.token ?? JIRA_SANDBOX_TOKEN}`).toString('base64')}`;
  const users = opts.users ?? jiraDataset();
  const members = new Map(users.map((u, i) => [u, new Set(jiraMembership(u, i))]));

  const assignable = (req: SandboxRequest) => {
    const project = req.query.get('project');
    if (!project && !req.query.get('issueKey') && !req.query.get('issueId'))
      return error(400, 'The project, issueKey or issueId parameter is required.');
    const p = JIRA_PROJECTS.find((x) => x.key === project || x.id === project);
    if (!p) return error(404, `No project could be found with key '${project}'.`);
    const startAt = nonNegativeInt(req.query, 'startAt', 0);
    const maxResults = nonNegativeInt(req.query, 'maxResults', 50);
    if (startAt === null || maxResults === null) return error(400, "The 'startAt' and 'maxResults' parameters must be non-negative integers.");
    const query = req.query.get('query');
    const pool = query ? users.filter(prefixMatch(query)) : users;
    // Window first (never past the 1000th user), then keep only the users assignable in the project.
    const window = pool.slice(startAt, Math.min(startAt + Math.min(maxResults, JIRA_REACH), JIRA_REACH));
    return { body: window.filter((u) => members.get(u)!.has(p.key)) };
  };

  return startSandbox(
    {
      name: 'jira',
      // Atlassian 3LO on one origin: auth.atlassian.com's /authorize and /oauth/token (rotating refresh tokens), and
      // api.atlassian.com's /oauth/token/accessible-resources plus the API under /ex/jira/{cloudId}.
      oauth: oauthSim({ ...JIRA_OAUTH_CLIENT, authorizePath: /^\/authorize$/, tokenPath: /^\/oauth\/token$/, prefix: 'atl' }),
      authenticate: (req) => req.headers.authorization === expected,
      unauthorized: error(401, 'Client must be authenticated to access this resource.'),
      notFound: error(404, 'null for uri: the requested resource does not exist'),
      routes: [
        {
          method: 'GET',
          path: /^\/oauth\/token\/accessible-resources$/,
          handle: () => ({ body: [{ id: JIRA_CLOUD_ID, url: JIRA_SITE_URL, name: 'acme-sandbox', scopes: ['read:jira-user', 'read:jira-work'], avatarUrl: 'https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/rocket.png' }] }),
        },
        { method: 'GET', path: /^(?:\/ex\/jira\/[0-9a-f-]{36})?\/rest\/api\/3\/user\/assignable\/search$/, handle: assignable },
        {
          method: 'GET',
          path: /^(?:\/ex\/jira\/[0-9a-f-]{36})?\/rest\/api\/3\/project\/search$/,
          handle: (req) => {
            const startAt = nonNegativeInt(req.query, 'startAt', 0);
            const asked = nonNegativeInt(req.query, 'maxResults', 50);
            if (startAt === null || asked === null) return error(400, "The 'startAt' and 'maxResults' parameters must be non-negative integers.");
            const maxResults = Math.min(asked, 100); // "If a value greater than 100 is provided, maxResults defaults to 100"
            const values = JIRA_PROJECTS.slice(startAt, startAt + maxResults).map((p) => ({
              self: `${req.origin}/rest/api/3/project/${p.id}`, id: p.id, key: p.key, name: p.name,
              avatarUrls: { '48x48': `${req.origin}/secure/projectavatar?pid=${p.id}` }, projectTypeKey: 'software', simplified: false, style: 'classic', isPrivate: false, properties: {},
            }));
            const isLast = startAt + values.length >= JIRA_PROJECTS.length;
            const self = `${req.origin}/rest/api/3/project/search?startAt=${startAt}&maxResults=${maxResults}`;
            return { body: { self, ...(isLast ? {} : { nextPage: `${req.origin}/rest/api/3/project/search?startAt=${startAt + maxResults}&maxResults=${maxResults}` }), maxResults, startAt, total: JIRA_PROJECTS.length, isLast, values } };
          },
        },
        {
          method: 'GET',
          path: /^(?:\/ex\/jira\/[0-9a-f-]{36})?\/rest\/api\/3\/user\/bulk$/,
          handle: (req) => {
            const ids = req.query.getAll('accountId');
            if (!ids.length) return error(400, 'At least one accountId is required.');
            const startAt = nonNegativeInt(req.query, 'startAt', 0) ?? 0;
            const maxResults = nonNegativeInt(req.query, 'maxResults', 10) ?? 10;
            const found = ids.map((id) => users.find((u) => u.accountId === id)).filter((u): u is JiraUser => !!u);
            const values = found.slice(startAt, startAt + maxResults);
            return { body: { self: `${req.origin}${req.path}`, maxResults, startAt, total: found.length, isLast: startAt + maxResults >= found.length, values } };
          },
        },
        {
          method: 'GET',
          path: /^(?:\/ex\/jira\/[0-9a-f-]{36})?\/rest\/api\/3\/user$/,
          handle: (req) => {
            const u = users.find((x) => x.accountId === req.query.get('accountId'));
            return u ? { body: u } : error(404, 'Specified user does not exist or you do not have required permissions');
          },
        },
      ],
    },
    opts.port,
  );
}

export const jiraSandbox: ProviderSandbox = {
  slug: 'jira',
  start: (port) => startJiraSandbox({ port }),
  demoAccount: (url) => ({ context: { baseUrl: url }, credentials: { email: JIRA_SANDBOX_EMAIL, apiToken: JIRA_SANDBOX_TOKEN } }),
  demoFilters: { collectionId: 'ENG' },
  demoOAuthApp: (url) => ({ ...JIRA_OAUTH_CLIENT, authorizeUrl: `${url}/authorize`, tokenUrl: `${url}/oauth/token`, resourcesUrl: `${url}/oauth/token/accessible-resources`, context: {} }),
  expectedUsers: () => jiraAssignable('ENG'),
};
