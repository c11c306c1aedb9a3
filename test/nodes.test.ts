// node/nodes look a user up in the category its global id names (issue 7: one provider, several categories).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/providers/engine/sandbox-kit.js';
import { startZendeskSandbox, ZENDESK_SANDBOX_API_TOKEN, ZENDESK_SANDBOX_EMAIL } from '../src/providers/zendesk/sandbox.js';
import { startGateway, type Harness } from './helpers.js';

let sandbox: Sandbox;
let h: Harness;
beforeAll(async () => {
  sandbox = await startZendeskSandbox();
  h = startGateway([{ id: 'zd-nodes', provider: 'zendesk', context: { baseUrl: sandbox.url }, credentials: { email: ZENDESK_SANDBOX_EMAIL, apiToken: ZENDESK_SANDBOX_API_TOKEN } }]);
});
afterAll(async () => {
  await h.close();
  await sandbox.close();
});

const gid = (type: string, rest: string) => Buffer.from(`${type}:${rest}`).toString('base64url');
const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on User { remoteId } } }`;

describe('node lookups by category', () => {
  it('resolves an id in the category its type names, and one typed for a category the provider does not serve as null without an upstream call', async () => {
    const page = await h.query(`{ users(category: TICKETING, integratedAccountId: "zd-nodes", first: 2) { edges { node { id remoteId } } } }`);
    const [a, b] = page.body.data.users.edges.map((e: any) => e.node);
    const before = sandbox.requests.length;
    const res = await h.query(NODES, { ids: [a.id, gid('DirectoryUser', `zd-nodes:${b.remoteId}`), gid('TicketingUser', 'no-colon')] });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.nodes).toEqual([{ __typename: 'TicketingUser', remoteId: a.remoteId }, null, null]);
    const calls = sandbox.requests.slice(before);
    expect(calls.map((c) => c.query.get('ids'))).toEqual([a.remoteId]); // the DirectoryUser id never reaches Zendesk
  });
});
