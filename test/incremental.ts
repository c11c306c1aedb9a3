// Test helpers for streamed answers over real HTTP: the gateway on 127.0.0.1:0 (alone, or in front of an Okta
// sandbox), and a reader of text/event-stream responses that yields each payload as it arrives.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sandbox } from '../src/providers/engine/sandbox-kit.js';
import { oktaDataset, OKTA_SANDBOX_TOKEN, startOktaSandbox } from '../src/providers/okta/sandbox.js';
import type { Gateway } from '../src/server.js';
import { startGateway, type Harness, type TestAccount } from './helpers.js';

export async function listen(gateway: Gateway): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => gateway.handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

export interface OktaOverHttp {
  sandbox: Sandbox;
  h: Harness;
  url: string;
  close(): Promise<void>;
}

/** An Okta sandbox of `users` users, and a gateway on HTTP serving it as account "okta" of tenant acme (plus `more`). */
export async function oktaOverHttp(users: number, more: (sandboxUrl: string) => TestAccount[] = () => []): Promise<OktaOverHttp> {
  const sandbox = await startOktaSandbox({ users: oktaDataset(users) });
  const h = startGateway([{ id: 'okta', provider: 'okta', context: { baseUrl: sandbox.url }, credentials: { apiToken: OKTA_SANDBOX_TOKEN } }, ...more(sandbox.url)]);
  const server = await listen(h.gateway);
  return {
    sandbox,
    h,
    url: server.url,
    close: async () => {
      await server.close();
      await h.close();
      await sandbox.close();
    },
  };
}

/** The payloads of an SSE response (`event: next` data), in order, as they arrive. */
export async function* ssePayloads(body: ReadableStream<Uint8Array>): AsyncGenerator<any> {
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    let at: number;
    while ((at = buf.indexOf('\n\n')) >= 0) {
      const event = buf.slice(0, at);
      buf = buf.slice(at + 2);
      const data = event.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
      if (event.includes('event: next') && data) yield JSON.parse(data);
    }
  }
}

/** Folds payloads into the edges (by index) and what the deferred fragments and errors said. */
export function merge(payloads: any[]): { edges: any[]; pageInfo?: any; errors: any[] } {
  const out: { edges: any[]; pageInfo?: any; errors: any[] } = { edges: [], errors: [] };
  for (const p of payloads) {
    if (p.errors) out.errors.push(...p.errors);
    const users = p.data?.users;
    if (users?.edges) out.edges.push(...users.edges);
    if (users?.pageInfo) out.pageInfo = users.pageInfo;
    for (const inc of p.incremental ?? []) {
      if (inc.errors) out.errors.push(...inc.errors);
      if (inc.items) inc.items.forEach((item: any, k: number) => (out.edges[(inc.path.at(-1) as number) + k] = item));
      if (inc.data?.pageInfo) out.pageInfo = inc.data.pageInfo;
    }
  }
  return out;
}
