// The OAuth connect flow and refresh through HTTP: a connect link from the admin API, the browser's hops (gateway →
// provider's authorize → gateway callback → success URL) against each provider's sandbox, the stored account listing
// users, single-flight refresh (twenty concurrent queries, one token request), refresh after a 401, and a revoked
// refresh token giving NEEDS_REAUTH without a loop.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompositeStore } from '../src/accounts/composite.js';
import { openAccountStore } from '../src/accounts/open.js';
import { readStoreSettings } from '../src/accounts/settings.js';
import { testKeyring } from '../src/accounts/test-databases.js';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { GITHUB_OAUTH_CLIENT, GITHUB_ORG, startGithubSandbox } from '../src/providers/github/sandbox.js';
import { startZoomSandbox, ZOOM_OAUTH_CLIENT } from '../src/providers/zoom/sandbox.js';
import { SLACK_OAUTH_CLIENT, startSlackSandbox } from '../src/providers/slack/sandbox.js';
import { GOOGLE_OAUTH_CLIENT, startGoogleSandbox } from '../src/providers/google-workspace/sandbox.js';
import { GRAPH_OAUTH_CLIENT, startGraphSandbox } from '../src/providers/graph/sandbox.js';
import { startEntraSandbox } from '../src/providers/microsoft-entra/sandbox.js';
import { JIRA_CLOUD_ID, JIRA_OAUTH_CLIENT, startJiraSandbox } from '../src/providers/jira/sandbox.js';
import type { Sandbox } from '../src/providers/engine/sandbox-kit.js';
import { startZendeskSandbox, ZENDESK_OAUTH_CLIENT } from '../src/providers/zendesk/sandbox.js';
import { createGateway, type Gateway } from '../src/server.js';
import { secretsInUse, TENANT_TOKEN, transcript } from './helpers.js';

const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
const SUCCESS = 'https://app.example.test/integrations/connected';
const FAILED = 'https://app.example.test/integrations/failed';
const USERS = `query($id: ID!, $c: Category!, $f: UserFilter) { users(category: $c, integratedAccountId: $id, first: 2, filters: $f) {
  edges { node { ... on TicketingUser { remoteId } ... on DirectoryUser { remoteId } ... on CalendarUser { remoteId } } } } }`;

describe('the OAuth connect flow and refresh', () => {
  const sb: Record<'zendesk' | 'jira' | 'github' | 'graph' | 'entra' | 'zoom' | 'google' | 'slack', Sandbox> = {} as never;
  let store: CompositeStore;
  let gateway: Gateway;

  const text = async (res: Response) => {
    const t = await res.text();
    transcript.push(t, res.headers.get('location') ?? '');
    return t;
  };
  const admin = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await gateway.admin!.fetch('http://gateway.test/admin/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify({ query, variables }) });
    return JSON.parse(await text(res));
  };
  const users = async (id: string, c: string, f: Record<string, unknown> = {}) => {
    const res = await gateway.yoga.fetch('http://gateway.test/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TENANT_TOKEN}` }, body: JSON.stringify({ query: USERS, variables: { id, c, f } }) });
    return JSON.parse(await text(res));
  };
  const link = async (provider: string, context: Record<string, unknown> = {}) => {
    const r = await admin('mutation($p: String!, $c: JSON) { createConnectLink(tenantId: "acme", provider: $p, context: $c) { url redirectUri expiresAt } }', { p: provider, c: context });
    expect(r.errors).toBeUndefined();
    return r.data.createConnectLink as { url: string; redirectUri: string; expiresAt: string };
  };
  /** The browser's hops: the link, the provider's (auto-approving) authorize page, the callback; returns where it ends. */
  const browse = async (url: string) => {
    const toProvider = await gateway.yoga.fetch(url, { redirect: 'manual' });
    await text(toProvider);
    expect(toProvider.status).toBe(302);
    const authorize = new URL(toProvider.headers.get('location')!);
    const back = await fetch(authorize, { redirect: 'manual' });
    await back.text();
    const callback = back.headers.get('location')!;
    const done = await gateway.yoga.fetch(callback, { redirect: 'manual' });
    await text(done);
    return { authorize, callback, status: done.status, to: new URL(done.headers.get('location')!) };
  };
  const connect = async (provider: string, context: Record<string, unknown> = {}) => {
    const end = await browse((await link(provider, context)).url);
    expect(`${end.to.origin}${end.to.pathname}`, end.to.toString()).toBe(SUCCESS);
    return { ...end, id: end.to.searchParams.get('integratedAccountId')! };
  };
  const tokenRequests = (s: Sandbox, grant: string) => s.requests.filter((r) => r.method === 'POST' && r.body?.grant_type === grant).length;

  beforeAll(async () => {
    [sb.zendesk, sb.jira, sb.github, sb.graph, sb.entra, sb.zoom, sb.google, sb.slack] = await Promise.all([startZendeskSandbox(), startJiraSandbox(), startGithubSandbox(), startGraphSandbox(), startEntraSandbox(), startZoomSandbox(), startGoogleSandbox(), startSlackSandbox()]);
    const config = parseConfig({
      allowPrivateUpstreams: true,
      cursorSecret: 'test-cursor-secret-0123456789abcdef',
      tenants: [{ id: 'acme', apiTokens: [TENANT_TOKEN] }],
      adminTokens: [{ id: 'ops', token: ADMIN_TOKEN }],
      integratedAccounts: [],
      oauth: { successUrl: SUCCESS, errorUrl: FAILED },
      oauthApps: {
        zendesk: ZENDESK_OAUTH_CLIENT, // its endpoints are under the account's base URL
        jira: { ...JIRA_OAUTH_CLIENT, authorizeUrl: `${sb.jira.url}/authorize`, tokenUrl: `${sb.jira.url}/oauth/token`, resourcesUrl: `${sb.jira.url}/oauth/token/accessible-resources` },
        github: { ...GITHUB_OAUTH_CLIENT, authorizeUrl: `${sb.github.url}/login/oauth/authorize`, tokenUrl: `${sb.github.url}/login/oauth/access_token` },
        'outlook-calendar': GRAPH_OAUTH_CLIENT, // context.loginUrl points at the sandbox
        'microsoft-entra': GRAPH_OAUTH_CLIENT,
        'google-workspace': { ...GOOGLE_OAUTH_CLIENT, authorizeUrl: `${sb.google.url}/o/oauth2/v2/auth`, tokenUrl: `${sb.google.url}/token` },
        slack: { ...SLACK_OAUTH_CLIENT, authorizeUrl: `${sb.slack.url}/oauth/v2/authorize`, tokenUrl: `${sb.slack.url}/api/oauth.v2.access` },
        zoom: { ...ZOOM_OAUTH_CLIENT, authorizeUrl: `${sb.zoom.url}/oauth/authorize`, tokenUrl: `${sb.zoom.url}/oauth/token` },
      },
    });
    for (const s of [ADMIN_TOKEN, ZENDESK_OAUTH_CLIENT.clientSecret, JIRA_OAUTH_CLIENT.clientSecret, GITHUB_OAUTH_CLIENT.clientSecret, GRAPH_OAUTH_CLIENT.clientSecret, ZOOM_OAUTH_CLIENT.clientSecret, GOOGLE_OAUTH_CLIENT.clientSecret, SLACK_OAUTH_CLIENT.clientSecret]) secretsInUse.add(s);
    store = await openAccountStore(config, { settings: { ...readStoreSettings({}), dataDir: 'memory://', cacheTtlMs: 60_000 }, keyring: testKeyring() });
    const sink = new Writable({ write: (chunk, _e, cb) => (transcript.push(String(chunk)), cb()) });
    gateway = createGateway(config, { store, logger: createLogger(() => [], sink, 'debug') });
  });
  afterAll(async () => {
    // Every token the sandboxes issued was decrypted by the store at some point: none may appear in a body or a log.
    for (const s of store?.opened?.knownSecrets() ?? []) secretsInUse.add(s);
    await gateway?.close();
    await store?.close();
    await Promise.all(Object.values(sb).map((s) => s.close()));
  });

  it('connects a Zendesk account: PKCE S256 and state on the authorize URL, tokens stored encrypted, users listed', async () => {
    const l = await link('zendesk', { baseUrl: sb.zendesk.url, subdomain: 'acme' });
    expect(l.redirectUri).toBe('http://gateway.test/oauth/callback');
    const end = await browse(l.url);
    expect(end.authorize.origin + end.authorize.pathname).toBe(`${sb.zendesk.url}/oauth/authorizations/new`);
    expect(Object.fromEntries(end.authorize.searchParams)).toMatchObject({ response_type: 'code', client_id: ZENDESK_OAUTH_CLIENT.clientId, redirect_uri: l.redirectUri, scope: 'users:read read', code_challenge_method: 'S256' });
    expect(end.authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(end.to.origin + end.to.pathname).toBe(SUCCESS);
    const id = end.to.searchParams.get('integratedAccountId')!;
    const r = await users(id, 'TICKETING');
    expect(r.errors).toBeUndefined();
    expect(r.data.users.edges).toHaveLength(2);
    const info = await admin('query($id: ID!) { integratedAccount(tenantId: "acme", id: $id) { provider status credentialKeys context } auditLog(first: 3) { action actor } }', { id });
    expect(info.data.integratedAccount).toEqual({ provider: 'zendesk', status: 'ACTIVE', credentialKeys: ['accessToken', 'expiresAt', 'refreshToken'], context: { baseUrl: sb.zendesk.url, subdomain: 'acme' } });
    expect(info.data.auditLog.map((a: any) => a.action)).toEqual(['account.create', 'oauth.connect-link']);
    expect(info.data.auditLog[0].actor).toBe('oauth:admin:ops');
    // The raw rows hold no token: the database sees ciphertext only.
    const raw = JSON.stringify(await (await store.database).handle.db.selectFrom('integrated_accounts').selectAll().execute());
    const creds = (await store.get('acme', id))!.credentials;
    for (const secret of [creds.accessToken!, creds.refreshToken!]) expect(raw).not.toContain(secret);
  });

  it('a link is single use: replaying the callback, or a forged state, ends on the error URL with OAUTH_STATE_INVALID', async () => {
    const first = await connect('zendesk', { baseUrl: sb.zendesk.url, subdomain: 'acme' });
    const again = await gateway.yoga.fetch(first.callback, { redirect: 'manual' });
    await text(again);
    const to = new URL(again.headers.get('location')!);
    expect(to.origin + to.pathname).toBe(FAILED);
    expect(to.searchParams.get('error')).toBe('OAUTH_STATE_INVALID');
    const forged = await gateway.yoga.fetch('http://gateway.test/oauth/connect?state=abc.def', { redirect: 'manual' });
    await text(forged);
    expect(new URL(forged.headers.get('location')!).searchParams.get('error')).toBe('OAUTH_STATE_INVALID');
  });

  it('a declined consent ends on the error URL with OAUTH_ACCESS_DENIED, and no account is made', async () => {
    const l = await link('zendesk', { baseUrl: sb.zendesk.url, subdomain: 'acme' });
    const toProvider = await gateway.yoga.fetch(l.url, { redirect: 'manual' });
    const state = new URL(toProvider.headers.get('location')!).searchParams.get('state')!;
    const before = (await store.list('acme')).length;
    const res = await gateway.yoga.fetch(`http://gateway.test/oauth/callback?error=access_denied&state=${encodeURIComponent(state)}`, { redirect: 'manual' });
    await text(res);
    expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('OAUTH_ACCESS_DENIED');
    expect((await store.list('acme')).length).toBe(before);
  });

  it('connects Jira through Atlassian 3LO: audience and prompt on the authorize URL, the cloud id from accessible-resources', async () => {
    const c = await connect('jira');
    expect(Object.fromEntries(c.authorize.searchParams)).toMatchObject({ audience: 'api.atlassian.com', prompt: 'consent', scope: 'read:jira-user read:jira-work offline_access' });
    expect(c.authorize.searchParams.has('code_challenge')).toBe(false);
    const a = (await store.get('acme', c.id))!;
    expect(a.context).toEqual({ cloudId: JIRA_CLOUD_ID, siteUrl: 'https://acme-sandbox.atlassian.net', baseUrl: `${sb.jira.url}/ex/jira/${JIRA_CLOUD_ID}` });
    const r = await users(c.id, 'TICKETING', { collectionId: 'ENG' });
    expect(r.errors).toBeUndefined();
    expect(r.data.users.edges.length).toBeGreaterThan(0);
    expect(sb.jira.requests.some((q) => q.path === `/ex/jira/${JIRA_CLOUD_ID}/rest/api/3/user/assignable/search`)).toBe(true);
  });

  it('connects GitHub (token endpoint answering JSON on Accept), Outlook Calendar and Entra ID (Microsoft identity platform v2)', async () => {
    const gh = await connect('github', { baseUrl: sb.github.url, org: GITHUB_ORG.login });
    expect(gh.authorize.searchParams.get('scope')).toBe('read:org');
    expect((await users(gh.id, 'USER_DIRECTORY')).errors).toBeUndefined();
    const ms = await connect('outlook-calendar', { baseUrl: sb.graph.url, loginUrl: sb.graph.url });
    expect(ms.authorize.pathname).toBe('/organizations/oauth2/v2.0/authorize');
    expect(ms.authorize.searchParams.get('scope')).toBe('offline_access User.Read.All');
    const r = await users(ms.id, 'CALENDAR');
    expect(r.errors).toBeUndefined();
    expect(r.data.users.edges).toHaveLength(2);
    const entra = await connect('microsoft-entra', { baseUrl: sb.entra.url, loginUrl: sb.entra.url });
    expect((await users(entra.id, 'USER_DIRECTORY')).errors).toBeUndefined();
  });

  it('connects Zoom (user authorization, HTTP Basic client authentication at the token endpoint, PKCE)', async () => {
    const zoom = await connect('zoom', { baseUrl: sb.zoom.url });
    expect(zoom.authorize.searchParams.get('scope')).toBe('user:read:admin');
    expect(zoom.authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const exchange = sb.zoom.requests.filter((r) => r.method === 'POST' && r.body?.grant_type === 'authorization_code').at(-1)!;
    expect(exchange.headers.authorization).toMatch(/^Basic /);
    expect(exchange.body.client_secret).toBeUndefined();
    const r = await users(zoom.id, 'USER_DIRECTORY');
    expect(r.errors).toBeUndefined();
    expect(r.data.users.edges.length).toBeGreaterThan(0);
  });

  it('connects Slack (OAuth v2 install: comma-separated scopes, oauth.v2.access answering ok:true with the bot token)', async () => {
    const sl = await connect('slack', { baseUrl: sb.slack.url });
    expect(sl.authorize.pathname).toBe('/oauth/v2/authorize');
    expect(sl.authorize.searchParams.get('scope')).toBe('users:read,users:read.email');
    const r = await users(sl.id, 'USER_DIRECTORY');
    expect(r.errors).toBeUndefined();
    expect(r.data.users.edges.length).toBeGreaterThan(0);
  });

  it('connects Google Workspace (web-server flow: offline access and consent asked, so a refresh token comes back)', async () => {
    const g = await connect('google-workspace', { baseUrl: sb.google.url });
    expect(g.authorize.pathname).toBe('/o/oauth2/v2/auth');
    expect(g.authorize.searchParams.get('access_type')).toBe('offline');
    expect(g.authorize.searchParams.get('prompt')).toBe('consent');
    expect(g.authorize.searchParams.get('scope')).toBe('https://www.googleapis.com/auth/admin.directory.user.readonly');
    const r = await users(g.id, 'USER_DIRECTORY');
    expect(r.errors).toBeUndefined();
    expect(r.data.users.edges.length).toBeGreaterThan(0);
  });

  it('refuses a connect link for a provider without an OAuth app, or without an OAuth flow, with codes', async () => {
    const noFlow = await admin('mutation { createConnectLink(tenantId: "acme", provider: "okta") { url } }');
    expect(noFlow.errors[0].extensions.code).toBe('INVALID_INPUT');
    const tenant = await admin('mutation { createConnectLink(tenantId: "nope", provider: "github") { url } }');
    expect(tenant.errors[0].extensions.code).toBe('TENANT_NOT_FOUND');
    const key = await admin('mutation { createConnectLink(tenantId: "acme", provider: "github", context: { apiToken: "x" }) { url } }');
    expect(key.errors[0].extensions.code).toBe('INVALID_INPUT');
  });

  describe('refresh', () => {
    let id: string;
    beforeAll(async () => {
      // Tokens issued with expires_in 0: the account's access token has just expired when the first query comes.
      sb.zendesk.oauth!.setAccessLifetime(0);
      id = (await connect('zendesk', { baseUrl: sb.zendesk.url, subdomain: 'acme' })).id;
      sb.zendesk.oauth!.setAccessLifetime(3600);
    });

    it('twenty concurrent queries on an account whose token just expired make exactly one refresh', async () => {
      const before = tokenRequests(sb.zendesk, 'refresh_token');
      const rs = await Promise.all(Array.from({ length: 20 }, () => users(id, 'TICKETING')));
      for (const r of rs) expect(r.errors).toBeUndefined();
      expect(tokenRequests(sb.zendesk, 'refresh_token') - before).toBe(1);
      const audit = await admin('query($id: ID!) { auditLog(integratedAccountId: $id, first: 1) { action actor } }', { id });
      expect(audit.data?.auditLog?.[0] ?? audit.errors).toMatchObject({ action: 'account.credentials-refreshed', actor: 'oauth-refresh' });
    });

    it('an access token the provider refuses early (401) is refreshed once and the query retried', async () => {
      const before = tokenRequests(sb.zendesk, 'refresh_token');
      const old = (await store.get('acme', id))!.credentials;
      sb.zendesk.oauth!.revokeAccessTokens();
      const r = await users(id, 'TICKETING');
      expect(r.errors).toBeUndefined();
      expect(tokenRequests(sb.zendesk, 'refresh_token') - before).toBe(1);
      const now = (await store.get('acme', id))!.credentials;
      expect(now.refreshToken).not.toBe(old.refreshToken); // rotated, and saved
    });

    it('a revoked refresh token marks the account NEEDS_REAUTH: queries answer with what to do, and never refresh again', async () => {
      sb.zendesk.oauth!.revokeRefreshTokens();
      const before = tokenRequests(sb.zendesk, 'refresh_token');
      const r = await users(id, 'TICKETING');
      expect(r.errors[0].extensions.code).toBe('INTEGRATED_ACCOUNT_NEEDS_REAUTH');
      expect(r.errors[0].message).toMatch(/connect/i);
      const again = await users(id, 'TICKETING');
      expect(again.errors[0].extensions.code).toBe('INTEGRATED_ACCOUNT_NEEDS_REAUTH');
      expect(tokenRequests(sb.zendesk, 'refresh_token') - before).toBe(1);
      const info = await admin('query($id: ID!) { integratedAccount(tenantId: "acme", id: $id) { status lastError } }', { id });
      expect(info.data.integratedAccount.status).toBe('NEEDS_REAUTH');
      expect(info.data.integratedAccount.lastError).toMatch(/invalid_grant/);
    });
  });
});
