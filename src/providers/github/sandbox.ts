// GitHub sandbox: a simulated api.github.com (or a GitHub Enterprise Server under `/api/v3`) speaking the
// documented wire format of
//   GET /orgs/{org}/members        `role` all|admin|member, `filter` all|2fa_disabled|2fa_insecure (owners only),
//                                  concealed members visible to org members only;
//   GET /orgs/{org}/invitations    pending invitations (owners only), `role`, `invitation_source`;
//   GET /repos/{owner}/{repo}/assignees;
//   GET /users/{username}, GET /user/{account_id}   the public-user view (name, e-mail, dates);
// page-numbered `per_page` (≤ 100, default 30) + `page` with RFC 8288 Link headers written as GitHub writes
// them (rel prev/next/last/first, on the id-based routes /organizations/{id}/… and /repositories/{id}/…,
// omitted when everything fits on one page), Bearer (or legacy `token`) auth, anonymous requests seeing
// public data only, `x-ratelimit-*` headers on every response, primary and secondary rate limits on 403 or
// 429, and GitHub's `{ message, documentation_url, status }` error body.
// Sources: github/rest-api-description (descriptions/api.github.com/api.github.com.2022-11-28.yaml),
// https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api,
// https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api.
// Not confirmed by the docs (chosen, and marked where used): the members' order (by id here), the message
// of a non-owner's 2fa filter (422 here), a non-owner's invitations (404 here), the SAML 403 wording.
import { oauthSim } from '../engine/oauth-sandbox.js';
import { intParam, people, startSandbox, type ProviderSandbox, type Sandbox, type SandboxReply, type SandboxRequest } from '../engine/sandbox-kit.js';
import type { GitHubError, GitHubInvitation, GitHubPublicUser, GitHubSimpleUser } from './types.js';

export const GITHUB_SANDBOX_TOKEN = 'ghp_SandboxOwnerToken4f9c2a71d0e8b35c6'; // an owner of the org
export const GITHUB_SANDBOX_MEMBER_TOKEN = 'github_pat_11SANDBOXMEMBER0_7be1c04d92'; // a member, not an owner
export const GITHUB_SANDBOX_OUTSIDER_TOKEN = 'ghp_SandboxOutsiderToken83b0d5e1a2c'; // a GitHub user outside the org
/** The GitHub App (or OAuth app) registered in the sandbox. */
export const GITHUB_OAUTH_CLIENT = { clientId: 'Iv1.sandbox0rollcall', clientSecret: 'gh-sandbox-client-secret-5Yt8' };
export const GITHUB_SANDBOX_SSO_TOKEN = 'ghp_SandboxUnauthorizedSsoToken6d2e'; // not SSO-authorized for the org

export const GITHUB_ORG = { login: 'acme-corp', id: 4201337 } as const;
export const GITHUB_REPOS = [
  { owner: 'acme-corp', name: 'widgets', id: 1296269, private: true },
  { owner: 'acme-corp', name: 'tiny.dots_repo', id: 1296270, private: false },
  { owner: 'acme-corp', name: 'empty', id: 1296271, private: false },
] as const;

const API = 'https://api.github.com';
const WEB = 'https://github.com';
const DOCS = {
  members: 'https://docs.github.com/rest/orgs/members#list-organization-members',
  invitations: 'https://docs.github.com/rest/orgs/members#list-pending-organization-invitations',
  assignees: 'https://docs.github.com/rest/issues/assignees#list-assignees',
  user: 'https://docs.github.com/rest/users/users#get-a-user',
  rest: 'https://docs.github.com/rest',
  rateLimits: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
  secondary: 'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
};

export type TwoFactor = 'secure' | 'insecure' | 'disabled';
export interface GitHubMember {
  user: GitHubPublicUser;
  role: 'admin' | 'member';
  twoFactor: TwoFactor;
  /** Publicized membership; concealed members are listed only to members of the org. */
  public: boolean;
}

/** Legacy global node id, as GitHub still issues it for older accounts: base64("04:User{id}"). */
const legacyNodeId = (id: number) => Buffer.from(`04:User${id}`).toString('base64');

function publicUser(login: string, id: number, i: number, p: { name: string | null; email: string; createdAt: string; updatedAt: string }): GitHubPublicUser {
  const u = `${API}/users/${login}`;
  return {
    login,
    id,
    node_id: i % 6 === 5 ? `U_kgDO${Buffer.from(String(id)).toString('base64url')}` : legacyNodeId(id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: i === 12 ? null : '',
    url: u,
    html_url: `${WEB}/${login}`,
    followers_url: `${u}/followers`,
    following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`,
    starred_url: `${u}/starred{/owner}{/repo}`,
    subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`,
    repos_url: `${u}/repos`,
    events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`,
    type: 'User',
    user_view_type: 'public',
    site_admin: i === 9, // a GitHub Enterprise Server site administrator (on github.com: GitHub staff)
    name: i === 6 ? '' : p.name,
    company: i % 3 === 0 ? '@acme-corp' : null,
    blog: i % 8 === 0 ? `https://${login}.example.test` : '',
    location: i % 4 === 1 ? 'Lisbon' : null,
    email: i % 4 === 3 ? p.email : null, // only a publicly visible e-mail is ever returned (the first member shows none)
    hireable: null,
    bio: i % 10 === 3 ? 'Writes the widgets.' : null,
    twitter_username: null,
    public_repos: i % 13,
    public_gists: i % 3,
    followers: i * 3,
    following: i % 7,
    created_at: p.createdAt.replace(/\.\d{3}Z$/, 'Z'),
    updated_at: p.updatedAt.replace(/\.\d{3}Z$/, 'Z'),
  };
}

/** A GitHub login: ASCII letters, digits and single hyphens, no leading or trailing hyphen, ≤ 39 characters. */
function loginFor(first: string | null, last: string | null, i: number): string {
  const ascii = (s: string | null) => (s ?? '').normalize('NFKD').replace(/\p{M}/gu, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (i === 7) return `m${'a'.repeat(35)}-${i}x`; // the longest login GitHub allows
  if (i === 11) return `42-${i}`; // a login may start with a digit
  const base = [ascii(first), ascii(last)].filter(Boolean).join('-').replace(/-{2,}/g, '-') || 'user';
  const login = `${base}-${i}`;
  return i % 10 === 0 ? login.replace(/^./, (c) => c.toUpperCase()) : login.toLowerCase(); // GitHub keeps the case people chose
}

/** The organization's members, in the order the sandbox lists them (by id; GitHub does not document the order). */
export function githubDataset(count = 260): GitHubMember[] {
  return people(count, 0x617b, 'users.noreply.github-sandbox.test').map((p, i) => {
    const login = loginFor(p.firstName, p.lastName, i);
    const user = publicUser(login, 58_000_000 + i * 7919, i, p);
    if (i === 8) Object.assign(user, { unexpected_field: { nested: [1, 2, 3] } });
    const twoFactor: TwoFactor = i % 9 === 4 ? 'disabled' : i % 23 === 8 ? 'insecure' : 'secure';
    return { user, role: i === 1 || i % 17 === 3 ? 'admin' : 'member', twoFactor, public: i % 5 !== 2 };
  });
}

/** Users with access to a repository who are not org members (outside collaborators). */
export function githubOutsideCollaborators(): GitHubPublicUser[] {
  return people(6, 0x0c0b, 'users.noreply.github-sandbox.test').map((p, k) => publicUser(`outside-collab-${k}`, 91_000_000 + k * 131, 100 + k, p));
}

/** What the list endpoints return for a user: the simple-user view (no name, e-mail or dates). */
export function simpleUser(u: GitHubPublicUser): GitHubSimpleUser {
  const { name: _n, company: _c, blog: _b, location: _l, email: _e, hireable: _h, bio: _bio, twitter_username: _t, public_repos: _pr, public_gists: _pg, followers: _f, following: _fo, created_at: _ca, updated_at: _ua, ...simple } = u;
  return simple;
}

/** A repository's assignable users, in list order (by id). */
export function githubAssignees(repo: string, members = githubDataset()): GitHubPublicUser[] {
  const inOrg = members.map((m) => m.user);
  const all = (() => {
    switch (repo) {
      case 'widgets': return [...inOrg.filter((_u, i) => i % 10 !== 2), ...githubOutsideCollaborators()];
      case 'tiny.dots_repo': return inOrg.filter((_u, i) => i === 1 || i === 14 || i === 40);
      default: return [];
    }
  })();
  return all.sort((a, b) => a.id - b.id);
}

export function githubInvitations(members = githubDataset()): GitHubInvitation[] {
  const inviter = simpleUser(members[1]!.user);
  return Array.from({ length: 14 }, (_, k) => {
    const id = 7_700_000 + k * 37;
    const byEmail = k % 2 === 0;
    return {
      id,
      node_id: Buffer.from(`020:OrganizationInvitation${id}`).toString('base64'),
      login: byEmail ? null : `invitee-${k}`,
      email: byEmail ? `invitee.${k}@example-invitee.test` : null,
      role: k % 5 === 1 ? 'admin' : k % 7 === 3 ? 'billing_manager' : 'direct_member',
      created_at: new Date(Date.UTC(2025, 9, 1 + k, 9, 30)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      failed_at: null,
      failed_reason: null,
      inviter,
      team_count: k % 3,
      invitation_teams_url: `${API}/organizations/${GITHUB_ORG.id}/invitations/${id}/teams`,
      invitation_source: k % 4 === 3 ? 'scim' : 'member',
    };
  });
}

// --- replies ---------------------------------------------------------------------------------------
const err = (status: number, message: string, documentation_url = DOCS.rest, extra: Partial<GitHubError> = {}): SandboxReply => ({
  status,
  body: { message, documentation_url, status: String(status), ...extra } satisfies GitHubError,
});
const validationFailed = (doc: string, field: string, resource: string) =>
  err(422, 'Validation Failed', doc, { errors: [{ resource, field, code: 'invalid' }] });

/** A primary rate limit: 403 (or 429) with `x-ratelimit-remaining: 0` and the reset in epoch seconds. */
export function githubPrimaryLimit(opts: { status?: 403 | 429; resetInSeconds?: number; userId?: number } = {}): SandboxReply {
  const reset = Math.ceil(Date.now() / 1000) + (opts.resetInSeconds ?? 3600);
  return {
    ...err(opts.status ?? 403, `API rate limit exceeded for user ID ${opts.userId ?? 58_007_919}. If you reach out to GitHub Support for help, please include the request ID 9A3C:2F1B:5D0E7A:B14C2D:6762A0F1.`, DOCS.rateLimits),
    headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(reset), 'x-ratelimit-resource': 'core' },
  };
}

/** A secondary rate limit: 403 (or 429), a message naming it, `retry-after` when GitHub sends one, remaining > 0. */
export function githubSecondaryLimit(opts: { status?: 403 | 429; retryAfter?: number } = {}): SandboxReply {
  return {
    ...err(opts.status ?? 403, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 7C21:3A9E:11B2F0:1E4A9C:6762A0F2.', DOCS.secondary),
    headers: { ...(opts.retryAfter === undefined ? {} : { 'retry-after': String(opts.retryAfter) }), 'x-ratelimit-remaining': '4987' },
  };
}

// --- the server ------------------------------------------------------------------------------------
type Viewer = 'owner' | 'member' | 'outsider' | 'anonymous' | 'sso';
const TOKENS: Record<string, Viewer> = {
  [GITHUB_SANDBOX_TOKEN]: 'owner',
  [GITHUB_SANDBOX_MEMBER_TOKEN]: 'member',
  [GITHUB_SANDBOX_OUTSIDER_TOKEN]: 'outsider',
  [GITHUB_SANDBOX_SSO_TOKEN]: 'sso',
};
function viewerOf(req: SandboxRequest): Viewer | undefined {
  const h = req.headers.authorization;
  if (h === undefined) return 'anonymous';
  const m = /^(?:Bearer|token) (\S+)$/i.exec(h);
  return m ? TOKENS[m[1]!] : undefined;
}
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface GitHubSandboxOptions {
  port?: number;
  /** `/api/v3` to act as GitHub Enterprise Server; paths outside it get the web UI's HTML 404. */
  basePath?: string;
  /** Requests answered before the primary limit is hit (then 403/429 with remaining 0). */
  quota?: number;
  quotaStatus?: 403 | 429;
  /** Host written into Link headers (GitHub writes its public host, whatever a proxy in between is called). */
  linkOrigin?: string;
  members?: GitHubMember[];
}

export function startGithubSandbox(opts: GitHubSandboxOptions = {}): Promise<Sandbox> {
  const base = (opts.basePath ?? '').replace(/\/+$/, '');
  // The web application flow on github.com (/login/oauth/authorize, /login/oauth/access_token), served on the same
  // origin here; expiring user tokens (8 hours) with rotating refresh tokens, errors with HTTP 200 as GitHub answers.
  // The user who authorizes is an owner of the organization.
  const oauth = oauthSim({ ...GITHUB_OAUTH_CLIENT, authorizePath: /^\/login\/oauth\/authorize$/, tokenPath: /^\/login\/oauth\/access_token$/, prefix: 'ghu', accessLifetimeSeconds: 28800, errorStyle: 'github' });
  const viewerFor = (req: SandboxRequest): Viewer | undefined => (oauth.accepts(/^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1]) ? 'owner' : viewerOf(req));
  const members = opts.members ?? githubDataset();
  const byLogin = new Map(members.map((m) => [m.user.login.toLowerCase(), m.user]));
  const everyone = [...members.map((m) => m.user), ...githubOutsideCollaborators()];
  const invitations = githubInvitations(members);
  const quota = opts.quota ?? 5000;
  let used = 0;
  const reset = () => String(Math.ceil(Date.now() / 1000) + 3600);

  /** One page of `items`, with the Link header GitHub would write for it. */
  const page = (req: SandboxRequest, items: unknown[], linkPath: string): SandboxReply => {
    const per = intParam(req.query, 'per_page', 30, 100);
    const n = intParam(req.query, 'page', 1, Number.MAX_SAFE_INTEGER);
    const last = Math.max(1, Math.ceil(items.length / per));
    const body = items.slice((n - 1) * per, n * per);
    if (last === 1 && n === 1) return { body };
    const link = (p: number) => {
      const u = new URL(`${base}${linkPath}`, opts.linkOrigin ?? req.origin);
      req.query.forEach((v, k) => { if (k !== 'page') u.searchParams.append(k, v); });
      u.searchParams.set('page', String(p));
      return `<${u}>`;
    };
    const rels = [
      ...(n > 1 ? [`${link(Math.min(n - 1, last))}; rel="prev"`] : []),
      ...(n < last ? [`${link(n + 1)}; rel="next"`, `${link(last)}; rel="last"`] : []),
      ...(n > 1 ? [`${link(1)}; rel="first"`] : []),
    ];
    return { body, headers: { link: rels.join(', ') } };
  };

  const orgGuard = (req: SandboxRequest, org: string | undefined, doc: string): SandboxReply | Viewer => {
    const viewer = viewerFor(req)!;
    if (org?.toLowerCase() !== GITHUB_ORG.login && org !== String(GITHUB_ORG.id)) return err(404, 'Not Found', doc);
    if (viewer === 'sso') {
      // (unverified wording) an org with SAML SSO refuses a token not authorized for it: a 403 that is no rate limit
      return { ...err(403, 'Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization.', 'https://docs.github.com/articles/authenticating-to-a-github-organization-with-saml-single-sign-on/'), headers: { 'x-github-sso': `required; url=${WEB}/orgs/${GITHUB_ORG.login}/sso?authorization_request=SANDBOX` } };
    }
    return viewer;
  };

  const listMembers = (req: SandboxRequest, org: string | undefined): SandboxReply => {
    const viewer = orgGuard(req, org, DOCS.members);
    if (typeof viewer !== 'string') return viewer;
    const role = req.query.get('role') ?? 'all';
    const filter = req.query.get('filter') ?? 'all';
    if (!['all', 'admin', 'member'].includes(role)) return validationFailed(DOCS.members, 'role', 'Organization');
    if (!['all', '2fa_disabled', '2fa_insecure'].includes(filter)) return validationFailed(DOCS.members, 'filter', 'Organization');
    // (unverified wording) the 2FA filters are for owners only; the description lists 422 as the only error
    if (filter !== 'all' && viewer !== 'owner') return err(422, 'Only owners can use this filter.', DOCS.members);
    const inOrg = viewer === 'owner' || viewer === 'member';
    const listed = members.filter(
      (m) =>
        (inOrg || m.public) &&
        (role === 'all' || m.role === role) &&
        (filter === 'all' || (filter === '2fa_disabled' ? m.twoFactor === 'disabled' : m.twoFactor === 'insecure')),
    );
    return page(req, listed.map((m) => simpleUser(m.user)), `/organizations/${GITHUB_ORG.id}/members`);
  };

  const listInvitations = (req: SandboxRequest, org: string | undefined): SandboxReply => {
    const viewer = orgGuard(req, org, DOCS.invitations);
    if (typeof viewer !== 'string') return viewer;
    if (viewer !== 'owner') return err(404, 'Not Found', DOCS.invitations); // (unverified) owners only; 404 is the documented error
    const role = req.query.get('role') ?? 'all';
    const source = req.query.get('invitation_source') ?? 'all';
    if (!['all', 'admin', 'direct_member', 'billing_manager', 'hiring_manager'].includes(role)) return validationFailed(DOCS.invitations, 'role', 'OrganizationInvitation');
    if (!['all', 'member', 'scim'].includes(source)) return validationFailed(DOCS.invitations, 'invitation_source', 'OrganizationInvitation');
    const listed = invitations.filter((v) => (role === 'all' || v.role === role) && (source === 'all' || v.invitation_source === source));
    return page(req, listed, `/organizations/${GITHUB_ORG.id}/invitations`);
  };

  const listAssignees = (req: SandboxRequest, repo: (typeof GITHUB_REPOS)[number] | undefined): SandboxReply => {
    const viewer = viewerFor(req)!;
    const hidden = !repo || (repo.private && viewer !== 'owner' && viewer !== 'member');
    if (hidden) return err(404, 'Not Found', DOCS.assignees); // a private repository is indistinguishable from a missing one
    if (viewer === 'sso') return orgGuard(req, repo.owner, DOCS.assignees) as SandboxReply;
    return page(req, githubAssignees(repo.name, members).map(simpleUser), `/repositories/${repo.id}/assignees`);
  };

  /** Counts the request against the primary limit; past the quota every call is refused until the reset. */
  const limited = (handle: (req: SandboxRequest, params: string[]) => SandboxReply) => (req: SandboxRequest, params: string[]) => {
    used++;
    if (used > quota) return githubPrimaryLimit({ status: opts.quotaStatus ?? 403, resetInSeconds: 60 });
    return handle(req, params);
  };
  const route = (path: string, handle: (req: SandboxRequest, params: string[]) => SandboxReply) => ({
    method: 'GET' as const,
    path: new RegExp(`^${escape(base)}${path}$`),
    handle: limited(handle),
  });
  const repoNamed = (owner?: string, name?: string) => GITHUB_REPOS.find((r) => r.owner === owner?.toLowerCase() && r.name.toLowerCase() === name?.toLowerCase());

  return startSandbox(
    {
      name: 'github',
      oauth,
      // Unknown tokens fail; no token at all is an anonymous caller who sees public data only.
      authenticate: (req) => viewerFor(req) !== undefined,
      unauthorized: err(401, 'Bad credentials'),
      notFound: err(404, 'Not Found'),
      commonHeaders: () => ({
        'x-ratelimit-limit': String(quota),
        'x-ratelimit-remaining': String(Math.max(0, quota - used)),
        'x-ratelimit-used': String(Math.min(used, quota)),
        'x-ratelimit-reset': reset(),
        'x-ratelimit-resource': 'core',
        'x-github-api-version-selected': '2022-11-28',
        'x-github-media-type': 'github.v3; format=json',
        'x-github-request-id': `SBX:${used.toString(16).toUpperCase()}`,
      }),
      routes: [
        ...(base
          ? [{ method: 'GET' as const, path: new RegExp(`^(?!${escape(base)}/)`), handle: (): SandboxReply => ({ status: 404, headers: { 'content-type': 'text/html; charset=utf-8' }, raw: '<!DOCTYPE html><html><head><title>Page not found · GitHub</title></head><body>Not Found</body></html>' }) }]
          : []),
        route('/orgs/([^/]+)/members', (req, [org]) => listMembers(req, org)),
        route('/organizations/(\\d+)/members', (req, [id]) => listMembers(req, id)),
        route('/orgs/([^/]+)/invitations', (req, [org]) => listInvitations(req, org)),
        route('/organizations/(\\d+)/invitations', (req, [id]) => listInvitations(req, id)),
        route('/repos/([^/]+)/([^/]+)/assignees', (req, [owner, name]) => listAssignees(req, repoNamed(owner, name))),
        route('/repositories/(\\d+)/assignees', (req, [id]) => listAssignees(req, GITHUB_REPOS.find((r) => String(r.id) === id))),
        route('/users/([^/]+)', (_req, [login]) => {
          const u = byLogin.get(login!.toLowerCase()) ?? everyone.find((x) => x.login === login);
          return u ? { body: u } : err(404, 'Not Found', DOCS.user);
        }),
        route('/user/(\\d+)', (_req, [id]) => {
          const u = everyone.find((x) => String(x.id) === id);
          return u ? { body: u } : err(404, 'Not Found', 'https://docs.github.com/rest/users/users#get-a-user-using-their-id');
        }),
      ],
    },
    opts.port,
  );
}

export const githubSandbox: ProviderSandbox = {
  slug: 'github',
  start: (port) => startGithubSandbox({ port }),
  // Both categories from one account: org members (context.org) and a repository's assignees (context.owner +
  // context.repo), so no demo filter is needed; a collectionId here would be refused by the directory list.
  demoAccount: (url) => ({
    context: { baseUrl: url, org: GITHUB_ORG.login, owner: GITHUB_ORG.login, repo: 'widgets' },
    credentials: { accessToken: GITHUB_SANDBOX_TOKEN },
  }),
  demoOAuthApp: (url) => ({ ...GITHUB_OAUTH_CLIENT, authorizeUrl: `${url}/login/oauth/authorize`, tokenUrl: `${url}/login/oauth/access_token`, context: { baseUrl: url, org: GITHUB_ORG.login, owner: GITHUB_ORG.login, repo: 'widgets' } }),
  // What the owner token sees: every member, and the widgets repository's assignable users.
  expectedUsers: (category) => (category === 'TICKETING' ? githubAssignees('widgets') : githubDataset().map((m) => m.user)).map(simpleUser),
};
