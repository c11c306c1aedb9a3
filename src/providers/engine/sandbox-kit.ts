// Building blocks for provider sandboxes: simulated upstreams on 127.0.0.1 that speak a provider's wire
// format. They power the demo mode and every adapter test (real HTTP through undici, never mocks).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Category } from './user.js';

export interface SandboxRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: any;
  origin: string;
}
export interface SandboxReply {
  status?: number;
  headers?: Record<string, string>;
  /** JSON body; or `raw` for a verbatim (possibly malformed) body. */
  body?: unknown;
  raw?: string;
}
export interface Route {
  method: 'GET' | 'POST';
  path: RegExp;
  handle: (req: SandboxRequest, params: string[]) => SandboxReply;
}
export interface Fault extends SandboxReply {
  /** How many matching requests get the fault (default 1). */
  times?: number;
  /** Only requests whose path matches. */
  match?: RegExp;
  /** Delay before answering, to exercise timeouts. */
  delayMs?: number;
}
export interface SandboxOptions {
  name: string;
  routes: Route[];
  /** Whether the request carries the sandbox's credentials. */
  authenticate: (req: SandboxRequest) => boolean;
  unauthorized: SandboxReply;
  notFound: SandboxReply;
  /** Headers added to every response (e.g. rate-limit counters). */
  commonHeaders?: () => Record<string, string>;
  /** Answers instead of the routes when it returns a reply, after authentication (e.g. an enforced rate limit). */
  before?: (req: SandboxRequest) => SandboxReply | undefined;
}
export interface Sandbox {
  name: string;
  url: string;
  /** Requests received, in order (method, path, query). */
  requests: { method: string; path: string; query: URLSearchParams; headers: http.IncomingHttpHeaders; body: any }[];
  inject(fault: Fault): void;
  /** Drops faults not yet served (a test that injected more than a request consumed). */
  clearFaults(): void;
  close(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions, port = 0): Promise<Sandbox> {
  const faults: Fault[] = [];
  const requests: Sandbox['requests'] = [];
  let origin = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', origin);
      const text = Buffer.concat(chunks).toString('utf8');
      let body: any = undefined;
      if (text) {
        try {
          body = req.headers['content-type']?.includes('json') ? JSON.parse(text) : Object.fromEntries(new URLSearchParams(text));
        } catch {
          body = text;
        }
      }
      const sreq: SandboxRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body, origin };
      requests.push({ method: sreq.method, path: sreq.path, query: sreq.query, headers: req.headers, body });
      const reply = await answer(sreq);
      const headers: Record<string, string> = { ...opts.commonHeaders?.(), ...reply.headers };
      const payload = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
      if (reply.raw === undefined && reply.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json; charset=utf-8';
      res.writeHead(reply.status ?? 200, headers);
      res.end(payload);
    });
  });

  async function answer(req: SandboxRequest): Promise<SandboxReply> {
    const fi = faults.findIndex((f) => !f.match || f.match.test(req.path));
    if (fi >= 0) {
      const f = faults[fi]!;
      if (f.times === undefined || --f.times <= 0) faults.splice(fi, 1);
      if (f.delayMs) await new Promise((r) => setTimeout(r, f.delayMs));
      if (f.status !== undefined || f.raw !== undefined || f.body !== undefined) return f;
    }
    if (!opts.authenticate(req)) return opts.unauthorized;
    const early = opts.before?.(req);
    if (early) return early;
    for (const route of opts.routes) {
      if (route.method !== req.method) continue;
      const m = route.path.exec(req.path);
      if (m) return route.handle(req, m.slice(1).map((p) => decodeURIComponent(p)));
    }
    return opts.notFound;
  }

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    name: opts.name,
    url: origin,
    requests,
    inject: (f) => faults.push({ times: 1, ...f }),
    clearFaults: () => faults.splice(0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Deterministic PRNG (mulberry32) so every sandbox dataset is the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Ana', 'Lee', 'Noor', 'Sam', 'Priya', 'Dana', 'Mia', 'Kofi', 'Ines', 'Yuki', 'Omar', 'Lena', 'Raj', 'Chloé', 'Zoë', 'José', 'Åsa', 'Björn', 'Mei', 'Tomás'];
const LAST = ['Ruiz', 'Park', 'Haddad', 'Ito', 'Raman', 'Kim', 'Chen', 'Mensah', 'Moreau', 'Tanaka', 'Farouk', 'Schulz', 'Iyer', 'Núñez', 'Østergaard', "O'Brien", 'van der Berg', 'Łukasiewicz', 'Smith', 'Gómez'];

export interface Person {
  index: number;
  firstName: string | null;
  lastName: string | null;
  /** Full name as a provider with one name field would store it. */
  name: string | null;
  email: string;
  secondEmail: string | null;
  /** Days after 2023-01-01 the account was created; always increasing with index. */
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
}

/**
 * People shared by every sandbox dataset. Edge cases at fixed indexes: 0 has no name at all, 1 only a
 * first name, 2 and 3 unicode (CJK, Cyrillic), 4 an emoji, every 7th a second e-mail.
 */
export function people(count: number, seed: number, domain = 'example.com'): Person[] {
  const rand = rng(seed);
  const day = 86_400_000;
  const base = Date.UTC(2023, 0, 1);
  const out: Person[] = [];
  for (let i = 0; i < count; i++) {
    let first: string | null = FIRST[Math.floor(rand() * FIRST.length)]!;
    let last: string | null = LAST[Math.floor(rand() * LAST.length)]!;
    if (i === 0) first = last = null;
    if (i === 1) last = null;
    if (i === 2) { first = '伟'; last = '王'; }
    if (i === 3) { first = 'Дмитрий'; last = 'Иванов'; }
    if (i === 4) { first = 'Ray ✨'; last = 'Sun'; }
    const slug = `${(first ?? 'user').toLowerCase().normalize('NFKD').replace(/[^a-z]/g, '') || 'user'}.${i}`;
    const created = base + i * day * 2 + Math.floor(rand() * day);
    const updated = created + Math.floor(rand() * 300) * day;
    out.push({
      index: i,
      firstName: first,
      lastName: last,
      name: [first, last].filter(Boolean).join(' ') || null,
      email: `${slug}@${domain}`,
      secondEmail: i % 7 === 5 ? `${slug}+alt@${domain}` : null,
      createdAt: new Date(created).toISOString(),
      updatedAt: new Date(updated).toISOString(),
      lastLoginAt: i % 5 === 0 ? null : new Date(updated + day).toISOString(),
    });
  }
  return out;
}

/** Reads a positive integer query parameter with a default and an upper bound, as most APIs do. */
export function intParam(q: URLSearchParams, name: string, def: number, max: number): number {
  const n = Number(q.get(name) ?? def);
  return Number.isFinite(n) && n > 0 ? Math.min(Math.floor(n), max) : def;
}

/** What a provider folder's sandbox.ts exports for the demo mode and tests. */
export interface ProviderSandbox {
  slug: string;
  start(port?: number): Promise<Sandbox>;
  /** The integrated account (context + credentials) that reaches this sandbox at `url`. */
  demoAccount(url: string): { context: Record<string, unknown>; credentials: Record<string, string> };
  /** Filters the provider requires, with values that exist in the sandbox (e.g. a Jira project key). */
  demoFilters?: Record<string, unknown>;
  /**
   * The raw records the plain list of `category` (the provider's first when absent) returns with its demo
   * filters, in upstream order: what the shared conformance suite expects a walk to yield, computed from the
   * dataset rather than through the gateway.
   */
  expectedUsers?(category?: Category): unknown[];
}

