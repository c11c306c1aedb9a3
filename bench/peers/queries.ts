// The three benchmark queries, shared by the orchestrator, the peers (floor, yoga) and their fairness test.
// Every target gets the same request body; the peers make the upstream calls the gateway makes for it (the
// gateway asks for full upstream pages whatever `first` is, and Claude's usage report is a join) and map
// the same fields the same way.
import { CLAUDE_SANDBOX_API_KEY } from '../../src/providers/claude/sandbox.js';
import { OKTA_SANDBOX_TOKEN } from '../../src/providers/okta/sandbox.js';
import { ZENDESK_SANDBOX_API_TOKEN, ZENDESK_SANDBOX_EMAIL } from '../../src/providers/zendesk/sandbox.js';

export const FIRST = 100;
export const QUERY = `query Bench($category: Category!, $account: ID!, $first: Int) {
  users(category: $category, integratedAccountId: $account, first: $first) {
    edges { cursor node { id name firstName lastName emails { email isPrimary } status ... on UsageMeteringUser { lastActiveAt } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export type Upstreams = Record<'okta' | 'zendesk' | 'claude', string>;
export interface Email { email: string; isPrimary: boolean }
export interface Node { id: string; name: string | null; firstName: string | null; lastName: string | null; emails: Email[]; status: string | null; lastActiveAt?: string | null }
export interface Call { upstream: keyof Upstreams; path: string; headers: Record<string, string> }
/** What a peer does for one query: the upstream calls (made concurrently), then the mapping of their bodies. */
export interface PeerQuery {
  typename: string;
  calls(): Call[];
  /** The first `first` users as nodes (with their remote id as cursor), and whether more exist. */
  map(bodies: any[], first: number): { edges: { cursor: string; node: Node }[]; hasNextPage: boolean };
}
export interface BenchQuery { name: string; category: string; account: string; provider: keyof Upstreams }

export const BENCH_QUERIES: BenchQuery[] = [
  { name: 'directory', category: 'USER_DIRECTORY', account: 'okta', provider: 'okta' },
  { name: 'ticketing', category: 'TICKETING', account: 'zendesk', provider: 'zendesk' },
  { name: 'usage', category: 'USAGE_METERING', account: 'claude', provider: 'claude' },
];

/** The request body every target gets for a query. */
export const bodyOf = (q: BenchQuery) => JSON.stringify({ query: QUERY, variables: { category: q.category, account: q.account, first: FIRST } });

/** The gateway's global id (Pothos relay: base64url of "Type:account:remoteId"), so ids compare byte for byte. */
const globalId = (typename: string, account: string, remoteId: string) => Buffer.from(`${typename}:${account}:${remoteId}`).toString('base64url');
const splitName = (name: unknown) => {
  if (typeof name !== 'string' || !name.trim()) return { firstName: null, lastName: null };
  const t = name.trim();
  const i = t.indexOf(' ');
  return i < 0 ? { firstName: t, lastName: null } : { firstName: t.slice(0, i), lastName: t.slice(i + 1).trim() };
};
const str = (v: unknown) => (typeof v === 'string' ? v : null);
const OKTA_STATUS: Record<string, string> = { ACTIVE: 'ACTIVE', STAGED: 'INVITED', PROVISIONED: 'INVITED', SUSPENDED: 'INACTIVE', LOCKED_OUT: 'INACTIVE', PASSWORD_EXPIRED: 'INACTIVE', RECOVERY: 'INACTIVE', DEPROVISIONED: 'DELETED' };
const CLAUDE_HEADERS = { 'x-api-key': CLAUDE_SANDBOX_API_KEY, 'anthropic-version': '2023-06-01', accept: 'application/json' };
/** The Claude Code usage day the gateway joins when no `filters.date` is given: three days ago (UTC). */
export const usageDay = () => new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);

export const PEER_QUERIES: Record<string, PeerQuery> = {
  directory: {
    typename: 'DirectoryUser',
    // Okta's page maximum (limit=200), as the gateway asks whatever `first` is.
    calls: () => [{ upstream: 'okta', path: '/api/v1/users?limit=200', headers: { authorization: `SSWS ${OKTA_SANDBOX_TOKEN}`, accept: 'application/json' } }],
    map([users], first) {
      return {
        edges: (users as any[]).slice(0, first).map((u) => {
          const p = u.profile ?? {};
          const emails: Email[] = typeof p.email === 'string' ? [{ email: p.email, isPrimary: true }] : [];
          if (typeof p.secondEmail === 'string' && p.secondEmail) emails.push({ email: p.secondEmail, isPrimary: false });
          const firstName = str(p.firstName);
          const lastName = str(p.lastName);
          const name = str(p.displayName) ?? ([...new Set([firstName, lastName].filter((x) => x !== null && x !== ''))].join(' ') || null);
          return { cursor: u.id, node: { id: globalId('DirectoryUser', 'okta', u.id), name, firstName, lastName, emails, status: OKTA_STATUS[u.status] ?? null } };
        }),
        hasNextPage: users.length > first,
      };
    },
  },
  ticketing: {
    typename: 'TicketingUser',
    calls: () => [{ upstream: 'zendesk', path: '/api/v2/users?page%5Bsize%5D=100', headers: { authorization: `Basic ${Buffer.from(`${ZENDESK_SANDBOX_EMAIL}/token:${ZENDESK_SANDBOX_API_TOKEN}`).toString('base64')}`, accept: 'application/json' } }],
    map([body], first) {
      return {
        edges: (body.users as any[]).slice(0, first).map((u) => {
          const id = String(u.id);
          const name = str(u.name);
          const status = u.active === false ? 'DELETED' : u.suspended === true ? 'INACTIVE' : u.active === true ? 'ACTIVE' : null;
          return { cursor: id, node: { id: globalId('TicketingUser', 'zendesk', id), name, ...splitName(name), emails: typeof u.email === 'string' && u.email ? [{ email: u.email, isPrimary: true }] : [], status } };
        }),
        hasNextPage: body.users.length > first || body.meta?.has_more === true,
      };
    },
  },
  usage: {
    typename: 'UsageMeteringUser',
    // The members page (Claude's maximum, limit=1000) and the joined Claude Code usage report of the day.
    calls: () => [
      { upstream: 'claude', path: '/v1/organizations/users?limit=1000', headers: CLAUDE_HEADERS },
      { upstream: 'claude', path: `/v1/organizations/usage_report/claude_code?starting_at=${usageDay()}&limit=1000`, headers: CLAUDE_HEADERS },
    ],
    map([members, usage], first) {
      const last = new Map<string, string>();
      for (const r of usage.data as any[]) {
        if (r?.actor?.type !== 'user_actor' || typeof r.actor.email_address !== 'string') continue;
        const k = r.actor.email_address.toLowerCase();
        const day = new Date(Date.parse(r.date)).toISOString();
        const seen = last.get(k);
        if (seen === undefined || day > seen) last.set(k, day);
      }
      return {
        edges: (members.data as any[]).slice(0, first).map((u) => {
          const name = str(u.name);
          const email = typeof u.email === 'string' && u.email ? u.email : null;
          return {
            cursor: u.id,
            node: { id: globalId('UsageMeteringUser', 'claude', u.id), name, ...splitName(name), emails: email ? [{ email, isPrimary: true }] : [], status: 'ACTIVE', lastActiveAt: (email && last.get(email.toLowerCase())) ?? null },
          };
        }),
        hasNextPage: members.data.length > first || members.has_more === true,
      };
    },
  },
};

/** The connection body both peers answer: `{ data: { users: { edges, pageInfo } } }`. */
export function connectionOf(q: PeerQuery, bodies: any[], first: number) {
  const { edges, hasNextPage } = q.map(bodies, first);
  return { edges, pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}

export const BENCH_TOKEN = 'bench-tenant-token-0123456789abcdef';
/** The gateway config: one account per query on its sandbox, with a request rate far above any load (the
 *  bench measures the engine, not the pacing). */
export function gatewayConfig(upstreams: Upstreams) {
  const rateLimit = { requests: 1_000_000, perSeconds: 1 };
  return {
    allowPrivateUpstreams: true,
    cursorSecret: 'bench-cursor-secret-0123456789abcdef',
    tenants: [{ id: 'bench', apiTokens: [BENCH_TOKEN] }],
    integratedAccounts: [
      { id: 'okta', tenant: 'bench', provider: 'okta', context: { baseUrl: upstreams.okta }, credentials: { apiToken: OKTA_SANDBOX_TOKEN }, rateLimit },
      { id: 'zendesk', tenant: 'bench', provider: 'zendesk', context: { baseUrl: upstreams.zendesk }, credentials: { email: ZENDESK_SANDBOX_EMAIL, apiToken: ZENDESK_SANDBOX_API_TOKEN }, rateLimit },
      { id: 'claude', tenant: 'bench', provider: 'claude', context: { baseUrl: upstreams.claude }, credentials: { apiKey: CLAUDE_SANDBOX_API_KEY }, rateLimit },
    ],
  };
}
