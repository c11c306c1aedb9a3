// GET /export/users through real HTTP: NDJSON and CSV of a whole account with the same filters as `users`,
// JSON errors with a code and status before the first byte, a final error line mid-stream, tenancy, and a
// reader that stops reading holds the upstream paging to what the connection's buffers take.
import { get } from 'node:http';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT_TOKEN, TENANT_TOKEN, type Harness } from './helpers.js';
import { oktaOverHttp, type OktaOverHttp } from './incremental.js';
import { runningWalks } from '../src/providers/engine/heap.js';
import type { Sandbox } from '../src/providers/engine/sandbox-kit.js';
import { oktaDataset, OKTA_SANDBOX_TOKEN } from '../src/providers/okta/sandbox.js';

const COUNT = 1100;
const listed = oktaDataset(COUNT).filter((u) => u.status !== 'DEPROVISIONED');

let sandbox: Sandbox;
let h: Harness;
let server: OktaOverHttp;
beforeAll(async () => {
  server = await oktaOverHttp(COUNT, (url) => [{ id: 'okta-globex', provider: 'okta', context: { baseUrl: url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN }, tenant: 'globex' }]);
  ({ sandbox, h } = server);
});
afterAll(() => server.close());

function exportUsers(params: Record<string, string>, token: string | null = TENANT_TOKEN) {
  return fetch(`${server.url}/export/users?${new URLSearchParams(params)}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}
const ndjson = (text: string) => text.trimEnd().split('\n').map((l) => JSON.parse(l));

describe('GET /export/users', () => {
  it('streams every user of the account as NDJSON, in upstream order, with the ids users answers', async () => {
    const res = await exportUsers({ integratedAccountId: 'okta', category: 'USER_DIRECTORY', format: 'ndjson' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const users = ndjson(await res.text());
    expect(users.map((u) => u.remoteId)).toEqual(listed.map((u) => u.id));
    const gql = await h.query('{ users(category: USER_DIRECTORY, integratedAccountId: "okta", first: 1) { edges { node { id ... on DirectoryUser { name emails { email } } } } } }');
    const node = gql.body.data.users.edges[0].node;
    expect(users[0]).toMatchObject({ id: node.id, name: node.name, emails: [expect.objectContaining({ email: node.emails[0].email })], remoteData: listed[0] });
  });

  it('applies the same filters as users, given as JSON', async () => {
    const res = await exportUsers({ integratedAccountId: 'okta', category: 'USER_DIRECTORY', filters: JSON.stringify({ status: 'ACTIVE' }) });
    const users = ndjson(await res.text());
    expect(users.length).toBeGreaterThan(0);
    expect(users.map((u) => u.remoteId)).toEqual(listed.filter((u) => u.status === 'ACTIVE').map((u) => u.id));
  });

  it('writes CSV with a header row, one record per user', async () => {
    const res = await exportUsers({ integratedAccountId: 'okta', category: 'USER_DIRECTORY', format: 'csv' });
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parseCsv(await res.text(), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.remoteId)).toEqual(listed.map((u) => u.id));
    expect(rows[5]).toMatchObject({ email: listed[5]!.profile!.email, status: 'ACTIVE' });
    expect(Object.keys(rows[0]!)).toContain('lastLoginAt');
  });

  it('answers errors before the first byte as JSON with a code and an HTTP status', async () => {
    const cases: [Record<string, string>, string | null, number, string][] = [
      [{ integratedAccountId: 'okta', category: 'USER_DIRECTORY' }, null, 401, 'UNAUTHENTICATED'],
      [{ integratedAccountId: 'okta-globex', category: 'USER_DIRECTORY' }, TENANT_TOKEN, 404, 'INTEGRATED_ACCOUNT_NOT_FOUND'],
      [{ integratedAccountId: 'okta', category: 'TICKETING' }, TENANT_TOKEN, 400, 'CATEGORY_MISMATCH'],
      [{ integratedAccountId: 'okta', category: 'USER_DIRECTORY', format: 'xml' }, TENANT_TOKEN, 400, 'BAD_USER_INPUT'],
      [{ integratedAccountId: 'okta', category: 'USER_DIRECTORY', filters: '{"status":"SLEEPING"}' }, TENANT_TOKEN, 400, 'BAD_USER_INPUT'],
      [{ integratedAccountId: 'okta', category: 'USER_DIRECTORY', filters: '{not json' }, TENANT_TOKEN, 400, 'BAD_USER_INPUT'],
      [{ integratedAccountId: 'okta', category: 'USER_DIRECTORY', filters: '{"teamId":"x"}' }, TENANT_TOKEN, 400, 'UNSUPPORTED_FILTER'],
    ];
    for (const [params, token, status, code] of cases) {
      const res = await exportUsers(params, token);
      expect([res.status, res.headers.get('content-type')]).toEqual([status, 'application/json; charset=utf-8']);
      const body = await res.json();
      expect(body.errors[0].extensions.code).toBe(code);
      expect(body.errors[0].message.length).toBeGreaterThan(10);
    }
    sandbox.inject({ status: 403, body: { errorCode: 'E0000006', errorSummary: 'You do not have permission' } });
    const res = await exportUsers({ integratedAccountId: 'okta', category: 'USER_DIRECTORY' });
    expect(res.status).toBe(502);
    expect((await res.json()).errors[0].extensions).toMatchObject({ code: 'UPSTREAM_FORBIDDEN', provider: 'okta', upstreamStatus: 403 });
  });

  it("serves another tenant's account only to that tenant", async () => {
    const res = await exportUsers({ integratedAccountId: 'okta-globex', category: 'USER_DIRECTORY' }, OTHER_TENANT_TOKEN);
    expect(ndjson(await res.text())).toHaveLength(listed.length);
  });

  it('ends NDJSON with an error line when the upstream fails mid-stream, and cuts CSV short', async () => {
    // The first upstream page passes (a fault without a status falls through), the ones after it fail.
    const failSecondPage = () => {
      sandbox.inject({ times: 1 });
      sandbox.inject({ status: 401, body: { errorCode: 'E0000011', errorSummary: 'Invalid token provided' }, times: 5 });
    };
    failSecondPage();
    const res = await exportUsers({ integratedAccountId: 'okta', category: 'USER_DIRECTORY' });
    expect(res.status).toBe(200);
    const lines = ndjson(await res.text());
    expect(lines).toHaveLength(201); // the first page of 200, then the error
    expect(lines.at(-1)).toEqual({ error: { message: expect.any(String), extensions: expect.objectContaining({ code: 'UPSTREAM_UNAUTHORIZED', provider: 'okta' }) } });
    sandbox.clearFaults();
    failSecondPage();
    const csv = await exportUsers({ integratedAccountId: 'okta', category: 'USER_DIRECTORY', format: 'csv' });
    expect(csv.status).toBe(200);
    await expect(csv.text()).rejects.toThrow(); // the response ends without its final chunk
    sandbox.clearFaults();
  });

  it('pages upstream only as fast as a paused reader takes the response', async () => {
    // 92 upstream pages of 200 users (about 25 MB of NDJSON); the reader takes its first chunk, then stops.
    const big = await oktaOverHttp(20_000);
    const url = `${big.url}/export/users?integratedAccountId=okta&category=USER_DIRECTORY`;
    const res = await new Promise<import('node:http').IncomingMessage>((r) => get(url, { headers: { authorization: `Bearer ${TENANT_TOKEN}` } }, r));
    try {
      expect(res.statusCode).toBe(200);
      let lines = 0;
      res.on('data', (c: Buffer) => (lines += c.toString('latin1').split('\n').length - 1));
      await new Promise((r) => res.once('data', r));
      res.pause();
      const settled = await steady(() => big.sandbox.requests.length);
      // What the socket buffers hold (a few MB) plus the page read ahead: far from the 92 pages.
      expect(settled).toBeLessThan(40);
      res.resume(); // reading again, the export goes on to the end
      await new Promise((r) => res.once('end', r));
      expect(big.sandbox.requests.length).toBeGreaterThan(90); // 92 pages of the 18 334 users not deprovisioned
      expect(lines).toBe(oktaDataset(20_000).filter((u) => u.status !== 'DEPROVISIONED').length);
    } finally {
      res.destroy();
      await big.close();
    }
  });
});

describe('an export a client leaves', () => {
  it('ends its walk when the client disconnects mid-export, without waiting for the GC', async () => {
    const big = await oktaOverHttp(20_000);
    const url = `${big.url}/export/users?integratedAccountId=okta&category=USER_DIRECTORY`;
    const res = await new Promise<import('node:http').IncomingMessage>((r) => get(url, { headers: { authorization: `Bearer ${TENANT_TOKEN}` } }, r));
    try {
      expect(res.statusCode).toBe(200);
      await new Promise((r) => res.once('data', r));
      res.pause();
      const walking = runningWalks(); // the heap setting of long walks is on (engine/heap.ts)
      expect(walking).toBeGreaterThanOrEqual(1);
      res.destroy();
      for (let i = 0; i < 200 && runningWalks() >= walking; i++) await new Promise((r) => setTimeout(r, 10));
      expect(runningWalks()).toBeLessThan(walking);
    } finally {
      res.destroy();
      await big.close();
    }
  });
});

/** `read()` once it has stopped changing for a while (the paused export has filled every buffer it can). */
async function steady(read: () => number): Promise<number> {
  let last = -1;
  let same = 0;
  for (let i = 0; i < 200 && same < 10; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const now = read();
    same = now === last ? same + 1 : 0;
    last = now;
  }
  return last;
}

describe('a long export', () => {
  it('holds a few pages, not what it has already sent (the heap after a full collection stays flat)', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const big = await oktaOverHttp(40_000);
    try {
      const res = await new Promise<import('node:http').IncomingMessage>((r) => get(`${big.url}/export/users?integratedAccountId=okta&category=USER_DIRECTORY`, { headers: { authorization: `Bearer ${TENANT_TOKEN}` } }, r));
      let lines = 0;
      const heap: number[] = [];
      for await (const chunk of res as AsyncIterable<Buffer>) {
        const before = lines;
        lines += chunk.toString('latin1').split('\n').length - 1;
        for (const at of [6_000, 33_000])
          if (before < at && lines >= at) {
            gc();
            heap.push(process.memoryUsage().heapUsed);
          }
      }
      expect(lines).toBe(oktaDataset(40_000).filter((u) => u.status !== 'DEPROVISIONED').length);
      // 27 000 users sent in between, about 2 KB each in memory once mapped: kept, they would be 50 MB.
      expect(heap[1]! - heap[0]!).toBeLessThan(15e6);
    } finally {
      await big.close();
    }
  });
});
