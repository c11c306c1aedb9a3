// Attacks found in review, kept as regression tests: secrets echoed back by upstreams, runaway paging,
// path tricks, fan-out and oversized requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, transcript } from './helpers.js';
import { isPrivateAddress } from '../src/providers/engine/guard.js';
import { redactSecrets } from '../src/providers/engine/redact.js';
import { startSandbox, type Sandbox } from '../src/providers/engine/sandbox-kit.js';
import { oktaSandbox } from '../src/providers/okta/sandbox.js';
import { zendeskSandbox } from '../src/providers/zendesk/sandbox.js';
import { outlookCalendarSandbox } from '../src/providers/outlook-calendar/sandbox.js';

const code = (res: { body: { errors?: any[] } }) => res.body.errors?.[0]?.extensions?.code;

describe('secrets echoed by an upstream', () => {
  let echo: Sandbox;
  beforeAll(async () => {
    // An upstream that repeats the request's Authorization header and form body in its error message.
    echo = await startSandbox({
      name: 'echo',
      authenticate: () => true,
      unauthorized: { status: 401 },
      notFound: { status: 404 },
      routes: [
        { method: 'GET', path: /./, handle: (req) => ({ status: 403, body: { error: `forbidden for ${req.headers.authorization}`, description: `forbidden for ${req.headers.authorization}` } }) },
        { method: 'POST', path: /token$/, handle: (req) => ({ status: 200, body: { access_token: 'MINTED-graph-token-0123456789', expires_in: 3600, echo: new URLSearchParams(req.body).toString() } }) },
      ],
    });
  });
  afterAll(() => echo.close());

  it('redacts Basic pairs, minted OAuth tokens and form-encoded secrets', async () => {
    const h = startGateway([
      { id: 'zd', provider: 'zendesk', context: { baseUrl: echo.url }, credentials: { email: 'agent@x.test', apiToken: 'ZD-SECRET-TOKEN-1' } },
      { id: 'graph', provider: 'outlook-calendar', context: { baseUrl: echo.url, loginUrl: echo.url }, credentials: { tenantId: 't', clientId: 'c', clientSecret: 'Xy78Q~abc.secret value' } },
    ]);
    const zd = await h.query(`{ users(category: TICKETING, integratedAccountId: "zd") { edges { cursor } } }`);
    const graph = await h.query(`{ users(category: CALENDAR, integratedAccountId: "graph") { edges { cursor } } }`);
    expect(code(zd)).toBe('UPSTREAM_FORBIDDEN');
    expect(code(graph)).toBe('UPSTREAM_FORBIDDEN');
    const said = zd.text + graph.text + h.logs.join('');
    const basic = Buffer.from('agent@x.test/token:ZD-SECRET-TOKEN-1').toString('base64');
    for (const secret of [basic, 'ZD-SECRET-TOKEN-1', 'MINTED-graph-token-0123456789']) expect(said).not.toContain(secret);
    expect(said).toContain('[REDACTED]');
    await h.close();
  });

  it('redacts before it shortens, so a cut can never expose part of a secret', () => {
    const secret = 'sk-ant-admin01-0123456789abcdef';
    const text = `${'x'.repeat(290)}${secret}`;
    expect(redactSecrets(text, [secret]).slice(0, 300)).not.toContain('sk-ant');
    expect(redactSecrets('client_secret=Xy78Q%7Eabc.secret+value', ['Xy78Q~abc.secret value'])).toBe('client_secret=[REDACTED]');
  });
});

describe('bounded work', () => {
  let endless: Sandbox;
  let okta: Sandbox;
  beforeAll(async () => {
    let n = 0;
    // Empty pages forever, each with a fresh next link: loop detection alone would never stop.
    endless = await startSandbox({
      name: 'endless',
      authenticate: () => true,
      unauthorized: { status: 401 },
      notFound: { status: 404 },
      routes: [{ method: 'GET', path: /^\/api\/v1\/users$/, handle: (req) => ({ body: [], headers: { link: `<${req.origin}/api/v1/users?after=${++n}>; rel="next"` } }) }],
    });
    okta = await oktaSandbox.start();
  });
  afterAll(async () => {
    await endless.close();
    await okta.close();
  });

  it('reads at most limits.maxPages upstream pages per connection page; with nothing to show it errs with a cursor, never an empty page that claims more', async () => {
    const h = startGateway([{ id: 'endless', provider: 'okta', context: { baseUrl: endless.url }, credentials: { apiToken: 'endless-token' } }], { limits: { maxPages: 7 } });
    const res = await h.query(`{ users(category: USER_DIRECTORY, integratedAccountId: "endless", first: 5) { edges { cursor } pageInfo { hasNextPage endCursor } } }`);
    expect(res.body.data.users).toBeNull();
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', provider: 'okta', after: expect.any(String) });
    expect(endless.requests.length).toBe(7);
    const more = await h.query(`query($after: String) { users(category: USER_DIRECTORY, integratedAccountId: "endless", first: 5, after: $after) { edges { cursor } } }`, { after: res.body.errors![0].extensions.after });
    expect(more.body.errors![0].extensions.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(endless.requests.length).toBe(14);
    await h.close();
  });

  it('refuses "." and ".." as ids or scoped filter values', async () => {
    const h = startGateway([{ id: 'okta', provider: 'okta', ...oktaSandbox.demoAccount(okta.url) }]);
    const before = okta.requests.length;
    for (const groupId of ['..', '.']) {
      const res = await h.query(`query($g: String) { users(category: USER_DIRECTORY, integratedAccountId: "okta", filters: { groupId: $g }) { edges { cursor } } }`, { g: groupId });
      expect(code(res), groupId).toBe('BAD_USER_INPUT');
    }
    expect(okta.requests.length).toBe(before);
    await h.close();
  });

  it('drops remoteQuery keys that differ from reserved ones only by case or spaces', async () => {
    const h = startGateway([{ id: 'okta', provider: 'okta', ...oktaSandbox.demoAccount(okta.url) }]);
    await h.query(`query($rq: JSON) { users(category: USER_DIRECTORY, integratedAccountId: "okta", first: 3, remoteQuery: $rq) { edges { cursor } } }`, { rq: { LIMIT: 200, After: 'x', 'limit ': 7 } });
    const q = okta.requests.at(-1)!.query;
    expect([q.get('limit'), q.get('LIMIT'), q.get('After'), q.get('limit ')]).toEqual(['200', null, null, null]);
    await h.close();
  });

  it('caps node ids per request and e-mails per filter', async () => {
    const h = startGateway([{ id: 'okta', provider: 'okta', ...oktaSandbox.demoAccount(okta.url) }]);
    const aliases = Array.from({ length: 3 }, (_, i) => `n${i}: nodes(ids: $ids) { id }`).join(' ');
    const before = okta.requests.length;
    const many = await h.query(`query($ids: [ID!]!) { ${aliases} }`, { ids: Array.from({ length: 40 }, (_, i) => Buffer.from(`DirectoryUser:okta:00u-nobody-${i}`).toString('base64url')) });
    expect(code(many)).toBe('BAD_USER_INPUT');
    expect(okta.requests.length - before).toBeLessThanOrEqual(100);
    const emails = await h.query(`query($e: [String!]) { users(category: USER_DIRECTORY, integratedAccountId: "okta", filters: { emails: $e }) { edges { cursor } } }`, { e: Array.from({ length: 101 }, (_, i) => `u${i}@x.test`) });
    expect(code(emails)).toBe('BAD_USER_INPUT');
    await h.close();
  });

  it('answers 413 to a request body over 256 KiB without reading it into GraphQL', async () => {
    const h = startGateway([]);
    const res = await h.gateway.yoga.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer x', 'content-length': String(300 * 1024) },
      body: JSON.stringify({ query: `{ providers { slug } }`, variables: { pad: 'x'.repeat(300 * 1024 - 60) } }),
    });
    expect(res.status).toBe(413);
    await h.close();
  });

  it('treats IPv4-compatible IPv6 addresses as the private addresses they embed', () => {
    expect(isPrivateAddress('::127.0.0.1')).toBe(true);
    expect(isPrivateAddress('::a00:1')).toBe(true);
  });
});

afterAll(() => {
  // The shared "no credential ever leaks" check (test/setup.ts) also runs over this file's transcript.
  expect(transcript.length).toBeGreaterThan(0);
});
