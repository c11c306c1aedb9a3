// Engine pieces on their own, and engine behaviours that cut across providers, through real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from './helpers.js';
import { waitSeconds } from '../src/providers/engine/http.js';
import { isPrivateAddress } from '../src/providers/engine/guard.js';
import { predicateOf } from '../src/providers/engine/filter-defs.js';
import { tokenCursor, offsetLimit, pageNumber, parseLinkHeader, requestFromUrl, underBase } from '../src/providers/engine/paginators.js';
import type { UpstreamRequest } from '../src/providers/engine/types.js';
import { redactUrl } from '../src/providers/engine/redact.js';
import type { Sandbox } from '../src/providers/engine/sandbox-kit.js';
import { outlookCalendarSandbox } from '../src/providers/outlook-calendar/sandbox.js';
import { claudeSandbox } from '../src/providers/claude/sandbox.js';

describe('engine units', () => {
  it('puts adapter paths under a base path without doubling the API version', () => {
    expect(underBase('', '/v1.0/users')).toBe('/v1.0/users');
    expect(underBase('/v1.0', '/v1.0/users')).toBe('/v1.0/users');
    expect(underBase('/proxy/v1.0', '/v1.0/users')).toBe('/proxy/v1.0/users');
    expect(underBase('/okta-proxy', '/api/v1/users')).toBe('/okta-proxy/api/v1/users');
  });

  it('reads Retry-After as seconds or an HTTP date, and reset headers in their format', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(waitSeconds({ 'retry-after': '7' }, undefined, now)).toBe(7);
    expect(waitSeconds({ 'retry-after': new Date(now + 5000).toUTCString() }, undefined, now)).toBe(5);
    expect(waitSeconds({ 'x-rate-limit-reset': String(now / 1000 + 30) }, { resetHeader: 'x-rate-limit-reset', resetFormat: 'epoch-seconds' }, now)).toBe(30);
    expect(waitSeconds({ 'x-ratelimit-reset': new Date(now + 60_000).toISOString() }, { resetHeader: 'x-ratelimit-reset', resetFormat: 'iso-date' }, now)).toBe(60);
    expect(waitSeconds({}, undefined, now)).toBeUndefined();
  });

  it('parses Link headers and keeps only the path and query of next links, under the account base URL', () => {
    expect(parseLinkHeader('<https://a.test/x?after=1>; rel="self", <https://a.test/x?after=2>; rel="next"')).toEqual({ self: 'https://a.test/x?after=1', next: 'https://a.test/x?after=2' });
    expect(requestFromUrl('/api/v1/users?after=3', 'https://a.test')).toEqual({ method: 'GET', path: '/api/v1/users', query: [['after', '3']] });
    // A link naming another host (the upstream's public name, or worse) is rebased, never followed.
    expect(requestFromUrl('https://graph.microsoft.com/v1.0/users?$skiptoken=X', 'http://127.0.0.1:9/proxy')).toEqual({ method: 'GET', path: '/proxy/v1.0/users', query: [['$skiptoken', 'X']] });
  });

  it('derives the next request for each paginator kind, and ends where the kind says', () => {
    const base: UpstreamRequest = { method: 'GET', path: '/users', query: [] };
    const page = (records: number, body: unknown = {}) => ({ headers: {}, body, records: Array.from({ length: records }) });
    const q = (r: UpstreamRequest | null) => (r ? Object.fromEntries(r.query) : null);

    const offset = offsetLimit({ offsetParam: 'startIndex', limitParam: 'count', maxPageSize: 100, start: 1 });
    const o1 = offset.first(base, 10);
    expect(q(o1)).toEqual({ startIndex: '1', count: '10' });
    expect(q(offset.next(o1, page(10), 'https://a.test'))).toEqual({ startIndex: '11', count: '10' });
    expect(offset.next(o1, page(4), 'https://a.test')).toBeNull(); // a short page is the end

    // With a total (SCIM totalResults), a capped page is not the end: advance by what came back.
    const totalled = offsetLimit({ offsetParam: 'startIndex', limitParam: 'count', maxPageSize: 100, start: 1, total: (r) => r.body.totalResults });
    const t1 = totalled.first(base, 100);
    const t2 = totalled.next(t1, page(40, { totalResults: 90 }), 'https://a.test');
    expect(q(t2)).toEqual({ startIndex: '41', count: '100' });
    const t3 = totalled.next(t2!, page(40, { totalResults: 90 }), 'https://a.test');
    expect(q(t3)).toEqual({ startIndex: '81', count: '100' });
    expect(totalled.next(t3!, page(10, { totalResults: 90 }), 'https://a.test')).toBeNull(); // 90 of 90 seen
    expect(totalled.next(t1, page(0, { totalResults: 90 }), 'https://a.test')).toBeNull(); // an empty page ends it whatever the total says
    expect(q(totalled.next(t1, page(3, {}), 'https://a.test'))).toEqual({ startIndex: '4', count: '100' }); // no total: on to an empty page

    const windows = offsetLimit({ offsetParam: 'startAt', limitParam: 'maxResults', maxPageSize: 50, filteredWindows: { size: 50, reach: 100 } });
    const w1 = windows.first(base, 7);
    expect(q(w1)).toEqual({ startAt: '0', maxResults: '50' });
    expect(q(windows.next(w1, page(0), 'https://a.test'))).toEqual({ startAt: '50', maxResults: '50' }); // empty, but not the end
    expect(windows.next({ ...w1, query: [['startAt', '50'], ['maxResults', '50']] }, page(0), 'https://a.test')).toBeNull();

    const numbered = pageNumber({ pageParam: 'page', sizeParam: 'per_page', maxPageSize: 100, hasMore: (b) => b.next_page != null });
    const n1 = numbered.first(base, 25);
    expect(q(numbered.next(n1, page(25, { next_page: 'x' }), 'https://a.test'))).toEqual({ page: '2', per_page: '25' });
    expect(numbered.next(n1, page(25, { next_page: null }), 'https://a.test')).toBeNull();

    const posted = pageNumber({ pageParam: 'page', sizeParam: 'pageSize', maxPageSize: 100, in: 'body', hasMore: (b, p) => p < b.totalPages });
    const p1 = posted.first({ ...base, method: 'POST' }, 100);
    expect(posted.kind).toBe('POST_BODY');
    expect(posted.next(p1, page(100, { totalPages: 2 }), 'https://a.test')!.body).toEqual({ page: 2, pageSize: 100 });

    const cursor = tokenCursor({ from: 'body', send: { query: 'after' }, size: { query: 'limit' }, maxPageSize: 100, token: (r) => (r.body.has_more ? r.body.last_id : null) });
    expect(q(cursor.next(cursor.first(base, 5), page(5, { has_more: true, last_id: 'u5' }), 'https://a.test'))).toEqual({ limit: '5', after: 'u5' });
    expect(cursor.next(base, page(5, { has_more: false, last_id: 'u5' }), 'https://a.test')).toBeNull();
  });

  it('means status ACTIVE by isActive wherever a provider reports a status', () => {
    expect(predicateOf('isActive')!({ remoteId: '1', status: 'INVITED', isActive: true }, true)).toBe(false);
    expect(predicateOf('isActive')!({ remoteId: '1', status: 'ACTIVE', isActive: true }, true)).toBe(true);
    expect(predicateOf('isActive')!({ remoteId: '1', isActive: false }, false)).toBe(true);
  });

  it('classifies private, loopback, link-local and mapped addresses', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '::1', 'fd00::1', '::ffff:127.0.0.1', '0.0.0.0', '100.64.0.1'])
      expect(isPrivateAddress(ip), ip).toBe(true);
    for (const ip of ['8.8.8.8', '2606:4700:4700::1111']) expect(isPrivateAddress(ip), ip).toBe(false);
  });

  it('redacts secret-looking parameters and known secrets from URLs', () => {
    expect(redactUrl('https://u:p@a.test/x?access_token=abc&q=mysecretvalue&page=2', ['mysecretvalue'])).toBe(
      'https://%5BREDACTED%5D:%5BREDACTED%5D@a.test/x?access_token=%5BREDACTED%5D&q=[REDACTED]&page=2',
    );
  });
});

describe('engine behaviours', () => {
  let graph: Sandbox;
  let claude: Sandbox;
  beforeAll(async () => {
    graph = await outlookCalendarSandbox.start();
    claude = await claudeSandbox.start();
  });
  afterAll(async () => {
    await graph.close();
    await claude.close();
  });

  it('falls back to single lookups when a bulk endpoint is refused', async () => {
    const h = startGateway([{ id: 'graph', provider: 'outlook-calendar', ...outlookCalendarSandbox.demoAccount(graph.url) }]);
    const page = await h.query(`{ users(category: CALENDAR, integratedAccountId: "graph", first: 3) { edges { node { ... on CalendarUser { id remoteId } } } } }`);
    const ids = page.body.data.users.edges.map((e: any) => e.node.id);
    graph.inject({ status: 400, body: { error: { code: 'Request_UnsupportedQuery', message: "Unsupported query: 'in'." } }, match: /\/v1\.0\/users$/ });
    const before = graph.requests.length;
    const res = await h.query(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    expect(res.body.data.nodes.map((n: any) => n.id)).toEqual(ids);
    const paths = graph.requests.slice(before).map((r) => r.path);
    expect(paths[0]).toBe('/v1.0/users');
    expect(paths.slice(1).sort()).toEqual(page.body.data.users.edges.map((e: any) => `/v1.0/users/${e.node.remoteId}`).sort());
    await h.close();
  });

  it('replaces a client-credentials token the upstream rejects, once, and carries on', async () => {
    const h = startGateway([{ id: 'graph-cc', provider: 'outlook-calendar', ...outlookCalendarSandbox.demoAccount(graph.url) }]);
    const Q = `{ users(category: CALENDAR, integratedAccountId: "graph-cc", first: 2) { edges { cursor } } }`;
    const tokenCalls = () => graph.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token')).length;
    expect((await h.query(Q)).body.errors).toBeUndefined();
    const before = tokenCalls();
    graph.inject({ status: 401, body: { error: { code: 'InvalidAuthenticationToken', message: 'Lifetime validation failed, the token is expired.' } }, match: /\/v1\.0\/users$/ });
    const res = await h.query(Q);
    expect(res.body.errors).toBeUndefined();
    expect(tokenCalls() - before).toBe(1);
    graph.inject({ status: 401, body: { error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure.' } }, match: /\/v1\.0\/users$/, times: 2 });
    const denied = await h.query(Q);
    expect(denied.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', upstreamStatus: 401 });
    await h.close();
  });

  it('reuses a joined usage report across requests for limits.joinCacheSeconds, per account', async () => {
    const h = startGateway(
      [
        { id: 'claude-a', provider: 'claude', ...claudeSandbox.demoAccount(claude.url) },
        { id: 'claude-b', provider: 'claude', ...claudeSandbox.demoAccount(claude.url) },
      ],
      { limits: { joinCacheSeconds: 60 } },
    );
    const Q = (a: string, after: string | null) => h.query(`query($after: String) { users(category: USAGE_METERING, integratedAccountId: "${a}", first: 50, after: $after, filters: { date: "2026-01-07" }) { pageInfo { endCursor } } }`, { after });
    const reports = () => claude.requests.filter((r) => r.path.includes('usage_report')).length;
    const before = reports();
    const first = await Q('claude-a', null);
    const once = reports() - before;
    expect(once).toBeGreaterThan(0);
    await Q('claude-a', first.body.data.users.pageInfo.endCursor);
    expect(reports() - before).toBe(once); // the second page reused the report
    await Q('claude-b', null);
    expect(reports() - before).toBe(2 * once); // another account never shares it
    await h.close();
  });

  it('lists users without usage data when the default-day usage report fails, but not when the day was asked for', async () => {
    const h = startGateway([{ id: 'claude', provider: 'claude', ...claudeSandbox.demoAccount(claude.url) }]);
    const Q = `query($f: UserFilter) { users(category: USAGE_METERING, integratedAccountId: "claude", first: 3, filters: $f) { edges { node { ... on UsageMeteringUser { remoteId lastActiveAt } } } } }`;
    const forbidden = { status: 403, body: { type: 'error', error: { type: 'permission_error', message: 'This key cannot read usage reports.' } }, match: /usage_report/ };
    claude.inject(forbidden);
    const lenient = await h.query(Q, {});
    expect(lenient.body.errors).toBeUndefined();
    expect(lenient.body.data.users.edges.every((e: any) => e.node.lastActiveAt === null)).toBe(true);
    claude.inject(forbidden);
    const strict = await h.query(Q, { f: { date: '2026-01-05' } });
    expect(strict.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_FORBIDDEN', provider: 'claude', upstreamStatus: 403 });
    await h.close();
  });
});
