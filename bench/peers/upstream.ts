// The bench's upstream: the project's own sandboxes (Okta, Zendesk, Claude), each behind a small memo front.
// A sandbox builds every answer afresh (filtering and serializing hundreds of users: ~1.5 ms for an Okta
// page, ~5 ms for a Claude usage report), which would make it, not the servers under test, the bottleneck.
// The front fetches each distinct answer from the sandbox once and then serves the same bytes from memory
// (the sandbox's origin in links rewritten to the front's); it counts the calls it serves, so the bench can
// report upstream calls per request. GET /__bench/calls answers that count; BENCH_UPSTREAM_LOG=1 logs misses.
//   OKTA_USERS=3000 ZENDESK_USERS=1000 CLAUDE_USERS=2000 node --import tsx bench/peers/upstream.ts
// prints one JSON line: { okta, zendesk, claude } → each front's URL.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Pool } from 'undici';
import { claudeDataset, startClaudeSandbox } from '../../src/providers/claude/sandbox.js';
import type { Sandbox } from '../../src/providers/engine/sandbox-kit.js';
import { oktaDataset, startOktaSandbox } from '../../src/providers/okta/sandbox.js';
import { startZendeskSandbox, zendeskDataset } from '../../src/providers/zendesk/sandbox.js';
import type { Upstreams } from './queries.js';

interface Answer { status: number; headers: Record<string, string>; body: Buffer }
const listen = (s: http.Server, port = 0) => new Promise<string>((r) => s.listen(port, '127.0.0.1', () => r(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));

/** A caching front for one sandbox; only 200 answers are kept (keyed by method, URL and credentials). */
async function front(sandbox: Sandbox) {
  const pool = new Pool(sandbox.url, { connections: 8 });
  const answers = new Map<string, Promise<Answer>>();
  let calls = 0;
  let origin = '';
  const fetchOnce = async (req: http.IncomingMessage): Promise<Answer> => {
    const headers = { ...req.headers };
    delete headers.host;
    delete headers.connection;
    if (process.env.BENCH_UPSTREAM_LOG) process.stderr.write(`[upstream] ${sandbox.name} miss: ${req.method} ${req.url}\n`);
    const res = await pool.request({ method: req.method as 'GET', path: req.url!, headers });
    const text = (await res.body.text()).replaceAll(sandbox.url, origin);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && !['connection', 'keep-alive', 'transfer-encoding', 'date'].includes(k)) out[k] = String(v).replaceAll(sandbox.url, origin);
    const body = Buffer.from(text);
    out['content-length'] = String(body.length);
    return { status: res.statusCode, headers: out, body };
  };
  const server = http.createServer((req, res) => {
    if (req.url === '/__bench/calls') {
      res.end(JSON.stringify({ calls }));
      return;
    }
    calls++;
    const key = `${req.method} ${req.url} ${req.headers.authorization ?? ''} ${req.headers['x-api-key'] ?? ''} ${req.headers['anthropic-version'] ?? ''}`;
    let answer = req.method === 'GET' ? answers.get(key) : undefined;
    if (!answer) {
      answer = fetchOnce(req);
      if (req.method === 'GET') answers.set(key, answer);
      answer.then((a) => a.status === 200 || answers.delete(key), () => answers.delete(key));
    }
    answer.then(
      (a) => res.writeHead(a.status, a.headers).end(a.body),
      (e) => res.writeHead(502).end(String(e?.message ?? e)),
    );
  });
  server.keepAliveTimeout = 65_000;
  origin = await listen(server);
  // Only misses reach the sandbox; its request log need not grow over a long run.
  const trim = setInterval(() => sandbox.requests.splice(0), 5_000).unref();
  return {
    url: origin,
    close: async () => {
      clearInterval(trim);
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await pool.close();
      await sandbox.close();
    },
  };
}

export async function startUpstreams(sizes: { okta?: number; zendesk?: number; claude?: number } = {}) {
  const fronts = {
    okta: await front(await startOktaSandbox({ users: oktaDataset(sizes.okta ?? 3000) })),
    zendesk: await front(await startZendeskSandbox({ users: zendeskDataset(sizes.zendesk ?? 1000) })),
    claude: await front(await startClaudeSandbox({ users: claudeDataset(sizes.claude ?? 2000) })),
  };
  const urls: Upstreams = { okta: fronts.okta.url, zendesk: fronts.zendesk.url, claude: fronts.claude.url };
  return { urls, close: () => Promise.all(Object.values(fronts).map((f) => f.close())).then(() => undefined) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const n = (k: string) => (process.env[k] ? Number(process.env[k]) : undefined);
  const { urls } = await startUpstreams({ okta: n('OKTA_USERS'), zendesk: n('ZENDESK_USERS'), claude: n('CLAUDE_USERS') });
  console.log(JSON.stringify(urls));
}
