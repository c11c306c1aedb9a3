// Linear sandbox: a simulated `POST /graphql` that parses, validates and executes the posted document against a
// subset of Linear's published schema (sandbox-graphql.ts), so it honours exactly the fields and variables a
// client sends: `users(first, after, filter, includeDisabled, orderBy)`, `user(id:)`, `viewer`.
// Wire facts and where they come from (see ../shared/providers/ticketing.md §3 for the research):
// - auth: a personal API key as the raw `Authorization` value, an OAuth token as `Bearer …` (SDK client.ts);
//   a rejected key answers 401 with `AUTHENTICATION_ERROR` (third-party captures disagree on 400/401: unverified);
// - paging: Relay `first`/`after`, default 50, at most 250 ("first must not be greater than 250", an
//   `Argument Validation Error`/`INVALID_INPUT` on HTTP 200, third-party live probes); newest first
//   (observed on issues by third parties, assumed for users: unverified); the cursor is the anchor node's id
//   (observed on issues: unverified) — clients must treat it as opaque;
// - disabled users appear only with `includeDisabled: true` (schema: "default: false");
// - rate limits: a leaky bucket per credential; `X-RateLimit-Requests-Limit/-Remaining/-Reset` (reset in UTC
//   epoch milliseconds) and the complexity triple on every response; over budget → HTTP 400 with
//   `extensions.code: "RATELIMITED"` (https://linear.app/developers/rate-limiting, via third-party notes);
// - errors keep the GraphQL envelope: `{ errors: [{ message, extensions: { type, code, userError,
//   userPresentableMessage } }], data }`; syntax/validation failures answer 400, resolver errors 200.
import { executeSync, GraphQLError, parse, validate, type DocumentNode } from 'graphql';
import { people, rng, startSandbox, type ProviderSandbox, type Sandbox, type SandboxReply, type SandboxRequest } from '../engine/sandbox-kit.js';
import { complexityOf, FilterError, linearSchema, matchesUserFilter, MAX_QUERY_COMPLEXITY } from './sandbox-graphql.js';

export const LINEAR_SANDBOX_API_KEY = 'lin_api_sandbox7Qd2kVx9Lm4Rt8Wz1Np6Hs3Jc5Fb0Ga';
export const LINEAR_SANDBOX_OAUTH_TOKEN = 'lin_oauth_sandbox3e8c1f6a9b2d7e4c0f5a8b1d6e9c2f7a';
export const LINEAR_MAX_PAGE = 250;
export const LINEAR_DEFAULT_PAGE = 50;
const HOUR_MS = 3_600_000;

/** A user as the sandbox stores it: the wire fields plus what only the server knows. */
export interface LinearStoredUser {
  id: string; name: string; displayName: string; email: string; avatarUrl: string | null;
  avatarBackgroundColor: string; initials: string; url: string;
  active: boolean; admin: boolean; owner: boolean; guest: boolean; app: boolean; invited: boolean;
  disableReason: string | null; description: string | null; title: string | null; timezone: string | null;
  createdAt: string; updatedAt: string; archivedAt: string | null; lastSeen: string | null;
  teamIds: string[];
}
export interface LinearTeam { id: string; key: string; name: string }

function uuid(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(rand() * 4)]!;
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

const TEAM_NAMES = ['Engineering', 'Design', 'Operations', 'Support', 'Growth', 'Platform', 'Mobile', 'Data', 'Security', 'Infra'];
export function linearTeams(): LinearTeam[] {
  const rand = rng(0x7ea5);
  return Array.from({ length: 30 }, (_, i) => ({ id: uuid(rand), key: `T${String(i).padStart(2, '0')}`, name: `${TEAM_NAMES[i % 10]} ${Math.floor(i / 10) + 1}` }));
}

const DISABLE_REASONS = ['admin suspension', 'voluntary departure', 'downgrade'];
/** Index of the user the sandbox credentials belong to (`isMe`, `viewer`): the workspace owner. */
export const LINEAR_ME_INDEX = 13;

/**
 * 260 deterministic users. Edge cases at fixed indexes: 0 an empty name (Linear's `name` is non-null), 2–4
 * unicode names, 7 and 250 app users, 8 a mixed-case e-mail, 9 in all 30 teams, 13 the owner (and `isMe`),
 * every 11th from 3 a guest, every 6th from 1 an admin, every 9th from 4 disabled (with a reason), every 23rd
 * from 11 a pending invite (disabled, `invited`), every 4th without avatar.
 */
export function linearDataset(count = 260): LinearStoredUser[] {
  const rand = rng(0x11ea);
  const teams = linearTeams();
  return people(count, 0x11ea, 'acme.linear-sandbox.test').map((p, i) => {
    const id = uuid(rand);
    const app = i === 7 || i === 250;
    const invited = i % 23 === 11;
    const disabled = !app && (invited || i % 9 === 4);
    const local = p.email.split('@')[0]!;
    const name = app ? (i === 7 ? 'GitHub' : 'Sandbox Agent') : (p.name ?? '');
    const displayName = app ? (i === 7 ? 'github' : 'sandbox-agent') : local;
    let email = p.email;
    if (app) email = `${displayName}-app@oauthapp.linear-sandbox.test`;
    if (i === 8) email = email.charAt(0).toUpperCase() + email.slice(1).replace('@acme', '@ACME');
    const teamIds = i === 9 ? teams.map((t) => t.id) : [0, 1, 2].slice(0, i % 4).map((k) => teams[(i + k * 7) % teams.length]!.id);
    return {
      id, name, displayName, email,
      avatarUrl: i % 4 === 0 ? null : `https://public.linear-sandbox.test/avatars/${id}.png`,
      avatarBackgroundColor: ['#5e6ad2', '#26b5ce', '#f2994a', '#bb87fc'][i % 4]!,
      initials: (name || displayName).split(/\s+/).map((w) => [...w][0] ?? '').join('').slice(0, 2).toUpperCase(),
      url: `https://linear.app/acme/profiles/${displayName}`,
      active: !disabled,
      admin: !app && (i % 6 === 1 || i === LINEAR_ME_INDEX),
      owner: i === LINEAR_ME_INDEX,
      guest: !app && i % 11 === 3,
      app,
      invited,
      disableReason: invited ? 'pending invite' : disabled ? DISABLE_REASONS[i % 3]! : null,
      description: i % 10 === 0 ? 'Keeps the lights on.' : null,
      title: i % 5 === 0 ? 'Engineer' : null,
      timezone: i % 3 === 0 ? 'Europe/Berlin' : i % 3 === 1 ? 'America/New_York' : null,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
      archivedAt: null,
      lastSeen: invited || app ? null : p.lastLoginAt,
      teamIds,
    };
  });
}

/** The order `users` returns: newest first by the `orderBy` field, id as the tie-break. */
export function linearOrder(users: LinearStoredUser[], orderBy: 'createdAt' | 'updatedAt' = 'createdAt'): LinearStoredUser[] {
  return [...users].sort((a, b) => (a[orderBy] === b[orderBy] ? (a.id < b.id ? 1 : -1) : a[orderBy] < b[orderBy] ? 1 : -1));
}

/** Up to `first` matching users from `start`, and whether any match lies beyond them. */
function slice(ordered: LinearStoredUser[], start: number, first: number, test: (u: LinearStoredUser) => boolean) {
  const page: LinearStoredUser[] = [];
  let i = start;
  try {
    for (; i < ordered.length && page.length < first; i++) if (test(ordered[i]!)) page.push(ordered[i]!);
    return { page, more: ordered.slice(i).some(test) };
  } catch (e) {
    if (e instanceof FilterError) throw gqlError('Argument Validation Error', 'invalid input', 'INVALID_INPUT', e.message);
    throw e;
  }
}

const gqlError = (message: string, type: string, code: string, userPresentableMessage: string, extra: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { type, code, userError: true, userPresentableMessage, ...extra } });

function pageArgs(args: { first?: number | null; last?: number | null; before?: string | null }): number {
  if (args.last != null || args.before != null) throw gqlError('Argument Validation Error', 'invalid input', 'INVALID_INPUT', 'The sandbox pages forward only (first/after).');
  const first = args.first ?? LINEAR_DEFAULT_PAGE;
  if (first > LINEAR_MAX_PAGE || first < 1) {
    const [rule, text] = first < 1 ? ['min', 'first must not be less than 1'] : ['max', `first must not be greater than ${LINEAR_MAX_PAGE}`];
    throw gqlError('Argument Validation Error', 'invalid input', 'INVALID_INPUT', `${text}.`, { validationErrors: [{ property: 'first', value: first, constraints: { [rule]: text } }] });
  }
  return first;
}

interface Bucket { tokens: number; complexity: number; at: number }
export interface LinearSandboxOptions {
  apiKey?: string;
  oauthToken?: string;
  users?: LinearStoredUser[];
  /** Requests per hour per credential (Linear: 2,500 for an API key; third-party notes, unverified). */
  requestsLimit?: number;
  /** Complexity points per hour (Linear: 3,000,000 for an API key; unverified). */
  complexityLimit?: number;
  port?: number;
}

export function startLinearSandbox(opts: LinearSandboxOptions = {}): Promise<Sandbox> {
  const apiKey = opts.apiKey ?? LINEAR_SANDBOX_API_KEY;
  const bearer = `Bearer ${opts.oauthToken ?? LINEAR_SANDBOX_OAUTH_TOKEN}`;
  const users = opts.users ?? linearDataset();
  const teams = new Map(linearTeams().map((t) => [t.id, t]));
  const me = users[LINEAR_ME_INDEX] ?? users[0];
  const requestsLimit = opts.requestsLimit ?? 2500;
  const complexityLimit = opts.complexityLimit ?? 3_000_000;
  const buckets = new Map<string, Bucket>();
  const orders = { createdAt: linearOrder(users, 'createdAt'), updatedAt: linearOrder(users, 'updatedAt') };

  const teamConnection = (ids: string[], args: { first?: number | null }) => {
    const nodes = ids.slice(0, pageArgs(args)).map((id) => teams.get(id)!);
    return { nodes, edges: nodes.map((node) => ({ cursor: node.id, node })), pageInfo: { startCursor: nodes[0]?.id ?? null, endCursor: nodes.at(-1)?.id ?? null, hasNextPage: nodes.length < ids.length, hasPreviousPage: false } };
  };
  const node = (u: LinearStoredUser) => ({ ...u, isMe: u.id === me?.id, teams: (args: { first?: number | null }) => teamConnection(u.teamIds, args) });
  const root = {
    users(args: { first?: number | null; after?: string | null; last?: number | null; before?: string | null; filter?: Record<string, any> | null; includeDisabled?: boolean | null; orderBy?: 'createdAt' | 'updatedAt' | null }) {
      const first = pageArgs(args);
      const ordered = orders[args.orderBy ?? 'createdAt'];
      let start = 0;
      if (args.after != null) {
        const at = ordered.findIndex((u) => u.id === args.after);
        // What Linear answers for an unknown cursor is not documented; the sandbox refuses it.
        if (at < 0) throw gqlError('Argument Validation Error', 'invalid input', 'INVALID_INPUT', 'The pagination cursor is not valid.');
        start = at + 1;
      }
      const test = (u: LinearStoredUser) => (args.includeDisabled === true || u.active) && matchesUserFilter({ ...u, isMe: u.id === me?.id }, args.filter);
      const { page, more } = slice(ordered, start, first, test);
      const nodes = page.map(node);
      return { nodes, edges: nodes.map((n) => ({ cursor: n.id, node: n })), pageInfo: { startCursor: page[0]?.id ?? null, endCursor: page.at(-1)?.id ?? null, hasNextPage: more, hasPreviousPage: start > 0 } };
    },
    user({ id }: { id: string }) {
      const u = users.find((x) => x.id === id);
      if (!u) throw gqlError('Entity not found: User', 'invalid input', 'INPUT_ERROR', 'Could not find referenced User.');
      return node(u);
    },
    viewer: () => node(me!),
  };

  /** Leaky bucket: refills continuously to the limit over an hour; `reset` is when it is full again. */
  const spend = (credential: string, complexity: number) => {
    const now = Date.now();
    const b = buckets.get(credential) ?? { tokens: requestsLimit, complexity: complexityLimit, at: now };
    const elapsed = now - b.at;
    b.tokens = Math.min(requestsLimit, b.tokens + (elapsed * requestsLimit) / HOUR_MS);
    b.complexity = Math.min(complexityLimit, b.complexity + (elapsed * complexityLimit) / HOUR_MS);
    b.at = now;
    buckets.set(credential, b);
    const limited = b.tokens < 1 || b.complexity < complexity;
    if (!limited) { b.tokens -= 1; b.complexity -= complexity; }
    const headers = {
      'x-ratelimit-requests-limit': String(requestsLimit),
      'x-ratelimit-requests-remaining': String(Math.max(0, Math.floor(b.tokens))),
      'x-ratelimit-requests-reset': String(now + Math.ceil(((requestsLimit - b.tokens) * HOUR_MS) / requestsLimit)),
      'x-complexity': String(complexity),
      'x-ratelimit-complexity-limit': String(complexityLimit),
      'x-ratelimit-complexity-remaining': String(Math.max(0, Math.floor(b.complexity))),
      'x-ratelimit-complexity-reset': String(now + Math.ceil(((complexityLimit - b.complexity) * HOUR_MS) / complexityLimit)),
    };
    return { limited, headers };
  };

  const graphqlRoute = (req: SandboxRequest): SandboxReply => {
    const body = req.body;
    if (!body || typeof body !== 'object' || typeof body.query !== 'string')
      return { status: 400, body: { errors: [{ message: 'POST body must be JSON with a "query" string.', extensions: { type: 'graphql error', code: 'BAD_REQUEST' } }] } };
    const variables = body.variables && typeof body.variables === 'object' ? body.variables : {};
    let doc: DocumentNode;
    try {
      doc = parse(body.query);
    } catch (e) {
      return { status: 400, body: { errors: [{ message: (e as Error).message, extensions: { type: 'graphql error', code: 'GRAPHQL_PARSE_FAILED' } }] } };
    }
    const invalid = validate(linearSchema, doc);
    if (invalid.length) return { status: 400, body: { errors: invalid.map((e) => ({ message: e.message, locations: e.locations, extensions: { type: 'graphql error', code: 'GRAPHQL_VALIDATION_FAILED', userError: true } })) } };
    const complexity = complexityOf(doc, variables, body.operationName);
    const { limited, headers } = spend(String(req.headers.authorization), complexity);
    if (limited) {
      const message = `Rate limit exceeded. Only ${requestsLimit} requests and ${complexityLimit} complexity points are allowed per 1 hour.`;
      return { status: 400, headers, body: { errors: [{ message, extensions: { type: 'ratelimited', code: 'RATELIMITED', statusCode: 429, userError: true, userPresentableMessage: 'You have exceeded the API rate limit. Please try again later.' } }] } };
    }
    if (complexity > MAX_QUERY_COMPLEXITY) {
      // Documented as "always rejected"; the exact error shape is not published (unverified).
      return { status: 400, headers, body: { errors: [{ message: `Query too complex: ${complexity} points, at most ${MAX_QUERY_COMPLEXITY}.`, extensions: { type: 'invalid input', code: 'INPUT_ERROR', userError: true, userPresentableMessage: 'This query is too complex. Reduce the page sizes.' } }] } };
    }
    const result = executeSync({ schema: linearSchema, document: doc, rootValue: root, variableValues: variables, operationName: body.operationName ?? undefined });
    const errors = result.errors?.map((e) => ({ message: e.message, path: e.path, extensions: { type: 'graphql error', code: 'INTERNAL_SERVER_ERROR', ...e.extensions } }));
    // Variables that do not coerce stop execution before any data: a 400, as Apollo-style servers answer.
    if (!('data' in result) || result.data === undefined) return { status: 400, headers, body: { errors: errors?.map((e) => ({ ...e, extensions: { ...e.extensions, code: 'BAD_USER_INPUT' } })) } };
    return { headers, body: errors ? { errors, data: result.data } : { data: result.data } };
  };

  return startSandbox(
    {
      name: 'linear',
      authenticate: (req) => req.headers.authorization === apiKey || req.headers.authorization === bearer,
      unauthorized: {
        status: 401,
        body: { errors: [{ message: 'Authentication required, not authenticated', extensions: { type: 'authentication error', code: 'AUTHENTICATION_ERROR', statusCode: 401, userError: true, userPresentableMessage: 'You need to authenticate to access this operation.' } }] },
      },
      notFound: { status: 404, body: { errors: [{ message: 'Not found', extensions: { type: 'graphql error', code: 'NOT_FOUND' } }] } },
      routes: [{ method: 'POST', path: /^\/graphql$/, handle: graphqlRoute }],
    },
    opts.port,
  );
}

/** A stored user as the adapter's document selects it (`teams(first: 25) { nodes { id } }`). */
export function linearWireUser(u: LinearStoredUser): Record<string, unknown> {
  const { id, name, displayName, email, avatarUrl, active, admin, owner, guest, app, disableReason, createdAt, updatedAt, lastSeen, timezone, title } = u;
  return { id, name, displayName, email, avatarUrl, active, admin, owner, guest, app, disableReason, createdAt, updatedAt, lastSeen, timezone, title, teams: { nodes: u.teamIds.slice(0, 25).map((t) => ({ id: t })) } };
}

export const linearSandbox: ProviderSandbox = {
  slug: 'linear',
  start: (port) => startLinearSandbox({ port }),
  demoAccount: (url) => ({ context: { baseUrl: url }, credentials: { apiKey: LINEAR_SANDBOX_API_KEY } }),
  // The adapter lists with includeDisabled: true, so every user, newest first.
  expectedUsers: () => linearOrder(linearDataset()).map(linearWireUser),
};
