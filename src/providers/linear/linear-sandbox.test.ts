// The Linear sandbox on its own, over real HTTP: it must speak Linear's wire format before an adapter is
// tested against it (the adapter's tests are in linear.test.ts.txt until the spec vocabulary lands).
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../engine/sandbox-kit.js';
import { complexityOf, MAX_QUERY_COMPLEXITY } from './sandbox-graphql.js';
import { LINEAR_ME_INDEX, LINEAR_SANDBOX_API_KEY, LINEAR_SANDBOX_OAUTH_TOKEN, linearDataset, linearOrder, startLinearSandbox } from './sandbox.js';

const FIELDS = 'id name displayName email active admin owner guest app isMe createdAt updatedAt teams(first: 25) { nodes { id } }';
const USERS = `query Users($first: Int, $after: String, $filter: UserFilter, $includeDisabled: Boolean, $orderBy: PaginationOrderBy) {
  users(first: $first, after: $after, filter: $filter, includeDisabled: $includeDisabled, orderBy: $orderBy) { nodes { ${FIELDS} } pageInfo { hasNextPage endCursor } }
}`;
const data = linearDataset();

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startLinearSandbox();
});
afterAll(() => sandbox.close());

async function post(body: unknown, authorization: string | null = LINEAR_SANDBOX_API_KEY, url = sandbox.url) {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}
async function walk(variables: Record<string, unknown>, first: number) {
  const ids: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 400; page++) {
    const { body } = await post({ query: USERS, variables: { ...variables, first, after } });
    const conn = body.data.users;
    ids.push(...conn.nodes.map((n: any) => n.id));
    if (!conn.pageInfo.hasNextPage) return ids;
    after = conn.pageInfo.endCursor;
  }
  throw new Error('did not end');
}

describe('linear sandbox', () => {
  it('holds at least 250 deterministic users with the documented edge cases', () => {
    expect(data.length).toBeGreaterThanOrEqual(250);
    expect(linearDataset()).toEqual(data);
    expect(data[0]!.name).toBe('');
    expect(data.filter((u) => u.app).length).toBe(2);
    expect(data.some((u) => u.guest) && data.some((u) => u.admin && !u.owner) && data.some((u) => !u.active && u.disableReason === 'pending invite')).toBe(true);
    expect(data[LINEAR_ME_INDEX]).toMatchObject({ owner: true, admin: true });
    expect(new Set(data.map((u) => u.displayName)).size).toBe(data.length); // unique per workspace, as documented
  });

  it('walks every user exactly once, newest first, for several page sizes, and hides disabled users unless includeDisabled', async () => {
    const all = linearOrder(data).map((u) => u.id);
    for (const first of [3, 50, 250]) expect(await walk({ includeDisabled: true }, first)).toEqual(all);
    expect(await walk({}, 100)).toEqual(linearOrder(data).filter((u) => u.active).map((u) => u.id));
    expect(await walk({ includeDisabled: true, orderBy: 'updatedAt' }, 100)).toEqual(linearOrder(data, 'updatedAt').map((u) => u.id));
  });

  it('answers only the selected fields, with isMe for the key owner and 50 users by default', async () => {
    const { status, body } = await post({ query: '{ users(includeDisabled: true) { nodes { id isMe } } viewer { id email } }' });
    expect(status).toBe(200);
    expect(body.data.users.nodes).toHaveLength(50);
    expect(Object.keys(body.data.users.nodes[0])).toEqual(['id', 'isMe']);
    expect(body.data.viewer.id).toBe(data[LINEAR_ME_INDEX]!.id);
  });

  it('refuses a page above 250 as an Argument Validation Error on HTTP 200, with data null', async () => {
    const { status, body } = await post({ query: USERS, variables: { first: 251 } });
    expect(status).toBe(200);
    expect(body.data).toBeNull();
    expect(body.errors[0]).toMatchObject({ message: 'Argument Validation Error', extensions: { code: 'INVALID_INPUT', type: 'invalid input', userPresentableMessage: 'first must not be greater than 250.' } });
  });

  it('evaluates UserFilter comparators: eqIgnoreCase, containsIgnoreCase, boolean eq, id in, and/or', async () => {
    const mixed = data[8]!;
    expect(mixed.email).not.toBe(mixed.email.toLowerCase());
    const byEmail = await post({ query: USERS, variables: { filter: { email: { eqIgnoreCase: mixed.email.toLowerCase() } } } });
    expect(byEmail.body.data.users.nodes.map((n: any) => n.id)).toEqual([mixed.id]);
    const exact = await post({ query: USERS, variables: { filter: { email: { eq: mixed.email.toLowerCase() } } } });
    expect(exact.body.data.users.nodes).toEqual([]);
    const disabled = await walk({ includeDisabled: true, filter: { active: { eq: false } } }, 250);
    expect(disabled.sort()).toEqual(data.filter((u) => !u.active).map((u) => u.id).sort());
    const names = await walk({ includeDisabled: true, filter: { name: { containsIgnoreCase: 'KIM' } } }, 250);
    expect(names.sort()).toEqual(data.filter((u) => u.name.toLowerCase().includes('kim')).map((u) => u.id).sort());
    const ids = [data[3]!.id, data[200]!.id];
    const some = await post({ query: USERS, variables: { includeDisabled: true, filter: { or: [{ id: { in: ids } }, { app: { eq: true } }] } } });
    expect(some.body.data.users.nodes.map((n: any) => n.id).sort()).toEqual([...ids, ...data.filter((u) => u.app).map((u) => u.id)].sort());
  });

  it('accepts a personal key raw or an OAuth token as Bearer, and refuses anything else with AUTHENTICATION_ERROR', async () => {
    expect((await post({ query: '{ viewer { id } }' }, LINEAR_SANDBOX_API_KEY)).status).toBe(200);
    expect((await post({ query: '{ viewer { id } }' }, `Bearer ${LINEAR_SANDBOX_OAUTH_TOKEN}`)).status).toBe(200);
    for (const auth of [`Bearer ${LINEAR_SANDBOX_API_KEY}`, LINEAR_SANDBOX_OAUTH_TOKEN, null]) {
      const res = await post({ query: '{ viewer { id } }' }, auth);
      expect(res.status).toBe(401);
      expect(res.body.errors[0].extensions).toMatchObject({ code: 'AUTHENTICATION_ERROR', type: 'authentication error' });
      expect(JSON.stringify(res.body)).not.toContain(LINEAR_SANDBOX_API_KEY);
    }
  });

  it('answers an unknown user id with INPUT_ERROR on HTTP 200, and an invalid document with HTTP 400', async () => {
    const missing = await post({ query: 'query($id: String!) { user(id: $id) { id } }', variables: { id: 'no-such-user' } });
    expect(missing.status).toBe(200);
    expect(missing.body).toMatchObject({ data: null, errors: [{ message: 'Entity not found: User', extensions: { code: 'INPUT_ERROR' } }] });
    const invalid = await post({ query: '{ users { nodes { nope } } }' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const unparsable = await post({ query: '{ users {' });
    expect(unparsable.status).toBe(400);
    expect(unparsable.body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('scores complexity as documented: a 250-user page with 25 teams each fits, 50 teams each does not', async () => {
    const doc = (teams: number) => parse(`query { users(first: 250) { nodes { ${FIELDS.replace('first: 25', `first: ${teams}`)} } pageInfo { hasNextPage endCursor } } }`);
    expect(complexityOf(parse('{ viewer { name } }'), {})).toBe(2); // the docs' example: 1 object + 0.1, rounded up
    expect(complexityOf(doc(25), {})).toBeLessThanOrEqual(MAX_QUERY_COMPLEXITY);
    expect(complexityOf(doc(50), {})).toBeGreaterThan(MAX_QUERY_COMPLEXITY);
    const res = await post({ query: USERS, variables: { first: 10 } });
    expect(Number(res.headers.get('x-complexity'))).toBe(complexityOf(parse(USERS), { first: 10 }));
    expect((await post({ query: `{ users(first: 250) { nodes { teams(first: 50) { nodes { id name key } } } } }` })).status).toBe(400);
  });

  it('rate-limits with HTTP 400 RATELIMITED and reset headers in epoch milliseconds', async () => {
    const limited = await startLinearSandbox({ requestsLimit: 2 });
    try {
      const ok = await post({ query: '{ viewer { id } }' }, LINEAR_SANDBOX_API_KEY, limited.url);
      expect(ok.headers.get('x-ratelimit-requests-remaining')).toBe('1');
      await post({ query: '{ viewer { id } }' }, LINEAR_SANDBOX_API_KEY, limited.url);
      const res = await post({ query: '{ viewer { id } }' }, LINEAR_SANDBOX_API_KEY, limited.url);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions).toMatchObject({ code: 'RATELIMITED', type: 'ratelimited' });
      expect(res.headers.get('x-ratelimit-requests-remaining')).toBe('0');
      const reset = Number(res.headers.get('x-ratelimit-requests-reset'));
      expect(reset).toBeGreaterThan(Date.now()); // milliseconds: seconds would lie in 1970
      expect(reset).toBeLessThanOrEqual(Date.now() + 3_600_000);
    } finally {
      await limited.close();
    }
  });
});
