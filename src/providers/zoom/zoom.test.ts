import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProviderConformance } from '../../../test/conformance.js';
import { startGateway, walk, type Harness } from '../../../test/helpers.js';
import type { Sandbox } from '../engine/sandbox-kit.js';
import { startZoomSandbox, zoomListed, zoomSandbox, ZOOM_CLIENT_SECRET } from './sandbox.js';

describeProviderConformance({ sandbox: zoomSandbox, category: 'USER_DIRECTORY' });

// What is specific to Zoom: one status per call (three passes), and the account_credentials grant.
const Q = `query($account: ID!, $first: Int, $after: String, $filters: UserFilter) {
  users(category: USER_DIRECTORY, integratedAccountId: $account, first: $first, after: $after, filters: $filters) {
    edges { cursor node { ... on DirectoryUser { id remoteId status } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

let sandbox: Sandbox;
let h: Harness;
const listed = zoomListed();
const listCalls = (from: number, s = sandbox) => s.requests.slice(from).filter((r) => r.path === '/v2/users');
const tokenCalls = (from: number, s = sandbox) => s.requests.slice(from).filter((r) => r.path === '/oauth/token');

beforeAll(async () => {
  sandbox = await startZoomSandbox();
  h = startGateway([{ id: 'zoom', provider: 'zoom', ...zoomSandbox.demoAccount(sandbox.url) }]);
});
afterAll(async () => {
  await h.close();
  await sandbox.close();
});

describe('zoom: passes and tokens', () => {
  it('walks the active, inactive and pending passes in order; filters.status is one pass', async () => {
    const from = sandbox.requests.length;
    const { nodes } = await walk(h, Q, { account: 'zoom' }, 40);
    expect(nodes.map((n) => n.remoteId)).toEqual(listed.map((u) => u.id));
    expect([...new Set(listCalls(from).map((r) => r.query.get('status')))]).toEqual(['active', 'inactive', 'pending']);
    const f2 = sandbox.requests.length;
    const pending = await walk(h, Q, { account: 'zoom', filters: { status: 'INVITED' } }, 40);
    expect(pending.nodes.map((n) => n.remoteId)).toEqual(listed.filter((u) => u.status === 'pending').map((u) => u.id));
    expect(listCalls(f2).every((r) => r.query.get('status') === 'pending')).toBe(true);
  });

  it('asks for one token (HTTP Basic, account_credentials) for 20 concurrent queries on a cold account', async () => {
    const fresh = await startZoomSandbox();
    const g = startGateway([{ id: 'zoom-cold', provider: 'zoom', ...zoomSandbox.demoAccount(fresh.url) }]);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => g.query(Q, { account: 'zoom-cold', first: 3 + i })));
    expect(results.every((r) => r.body.errors === undefined)).toBe(true);
    const tokens = tokenCalls(0, fresh);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.headers.authorization).toMatch(/^Basic /);
    expect(tokens[0]!.body).toMatchObject({ grant_type: 'account_credentials' });
    await g.close();
    await fresh.close();
  });

  it("answers a wrong secret with UPSTREAM_UNAUTHORIZED and Zoom's reason, never the secret", async () => {
    const account = zoomSandbox.demoAccount(sandbox.url);
    const g = startGateway([{ id: 'zoom-bad', provider: 'zoom', context: account.context, credentials: { ...account.credentials, clientSecret: 'wrong-zoom-secret-value' } }]);
    const res = await g.query(Q, { account: 'zoom-bad', first: 2 });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', provider: 'zoom' });
    expect(res.body.errors![0].message).toContain('Invalid client_id or client_secret');
    expect(res.text).not.toContain(ZOOM_CLIENT_SECRET);
    await g.close();
  });
});
