// Per-request context: the caller's tenant (from the bearer token), the engine's request scope and the
// DataLoaders. Everything here lives for one GraphQL request.
import DataLoader from 'dataloader';
import type { AccountStore, StoredAccount } from './accounts/store.js';
import type { AdmittedRequest } from './plugins/load.js';
import { looksLikeJwt, type Caller } from './auth/jwt.js';
import { storeFailure, usableAccount } from './accounts/usable.js';
import type { Account, Engine, RequestScope } from './providers/engine/engine.js';
import { GatewayError } from './providers/engine/errors.js';
import type { Category, UserRecord } from './providers/engine/types.js';
import type { ProviderRegistry } from './providers/registry.js';
import { resolveUserNode } from './resolvers/node-loader.js';
import type { StreamFlow } from './resolvers/stream-flow.js';
import type { StreamFeed } from './resolvers/stream-feed.js';

export interface GatewayContext {
  tenantId: string;
  engine: Engine;
  /** The providers of this gateway's config: built-ins plus its custom providers. */
  providers: ProviderRegistry;
  scope: RequestScope;
  /** Integrated accounts by id, already scoped to the tenant (another tenant's account loads as null). */
  accounts: DataLoader<string, StoredAccount | null>;
  /** Every account of the caller's tenant. */
  listAccounts(): Promise<StoredAccount[]>;
  /** Users by `${category}:${accountId}:${remoteId}`, batched per account and category into the provider's bulk endpoint. */
  users: DataLoader<string, UserRecord | null>;
  /** Paces this request's @stream connections to its response (created by the first one). */
  flow?: StreamFlow;
  /** Set while the stream lane runs this request's document (plugins/stream-lane.ts). */
  lane?: StreamFeed;
  /** Resolves a decoded global ID for Query.node/nodes. */
  loadNode(id: { typename: string; id: string }): Promise<UserRecord | null>;
}

/** What the context needs of an HTTP request: its headers, and what admission keys it by. */
export interface ContextRequest extends AdmittedRequest {
  readonly headers: { get(name: string): string | null };
}

/** Admits a tenant's request (or throws) and returns the signal that aborts its upstream calls. */
export type Admit = (tenantId: string, request: ContextRequest) => AbortSignal;

export interface ContextOptions {
  /** Admission control (the per-tenant in-flight bound). */
  admit?: Admit;
  /** Verifies a frontend JWT (auth.jwt); without it every bearer token is an API token. */
  verifyJwt?: (token: string) => Promise<Caller>;
  /** Makes a usable account's credentials current (OAuth refresh shortly before expiry). */
  fresh?: (account: StoredAccount) => Promise<StoredAccount>;
}

/** Builds each request's context; the store answers which tenant a token names (it compares hashes only). */
export function contextFactory(engine: Engine, store: AccountStore, providers: ProviderRegistry, opts: ContextOptions = {}) {
  const authenticate = async (bearer: string | undefined): Promise<Caller | null> => {
    if (!bearer) return null;
    if (opts.verifyJwt && looksLikeJwt(bearer)) return opts.verifyJwt(bearer);
    const tenantId = await store.tenantForToken(bearer).catch((e) => Promise.reject(storeFailure(e)));
    return tenantId ? { tenantId } : null;
  };
  return async ({ request }: { request: ContextRequest }): Promise<GatewayContext> => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '');
    const caller = await authenticate(m?.[1]);
    if (!caller)
      throw new GatewayError('UNAUTHENTICATED', `Missing or unknown API token. Send \`Authorization: Bearer <tenant API token${opts.verifyJwt ? ' or frontend JWT' : ''}>\`.`, {}, { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="rollcall"' } });
    const { tenantId, accounts: allowed } = caller;
    const scope = engine.scope(opts.admit?.(tenantId, request));
    // An account the token may not read is missing, exactly as another tenant's is (no upstream call, same error).
    const visible = (a: StoredAccount | null) => (a && allowed && !allowed.has(a.id) ? null : a);
    const load = async (id: string) => {
      const a = usableAccount(visible(await store.get(tenantId, id)));
      return a && !(a instanceof Error) && opts.fresh ? opts.fresh(a) : a;
    };
    // A disabled or unreachable account is an Error for its own key only (DataLoader's per-key errors).
    const accounts = new DataLoader<string, StoredAccount | null>(async (ids) => Promise.all(ids.map((id) => load(id).catch(storeFailure))));
    const users = new DataLoader<string, UserRecord | null>(async (keys) => {
      // Group "category:accountId:remoteId" keys per account and category, then one bulk lookup each: the
      // category picks what a provider serving several maps the user as (a TicketingUser, a DirectoryUser).
      const groups = new Map<string, { category: Category; accountId: string; remoteIds: string[] }>();
      for (const k of keys) {
        const a = k.indexOf(':');
        const b = k.indexOf(':', a + 1);
        const group = k.slice(0, b);
        const g = groups.get(group) ?? { category: k.slice(0, a) as Category, accountId: k.slice(a + 1, b), remoteIds: [] };
        g.remoteIds.push(k.slice(b + 1));
        groups.set(group, g);
      }
      const found = new Map<string, UserRecord | null | Error>();
      await Promise.all(
        [...groups].map(async ([group, { category, accountId, remoteIds }]) => {
          try {
            const account = await accounts.load(accountId);
            const def = account && providers.get(account.provider);
            // An id typed for a category the provider does not serve names no user of it: no upstream call.
            if (!account || !def || !def.lists[category]) return remoteIds.forEach((r) => found.set(`${group}:${r}`, null));
            const users = await scope.byIds(account, def, remoteIds, category);
            remoteIds.forEach((r, n) => found.set(`${group}:${r}`, users[n] ?? null));
          } catch (e) {
            remoteIds.forEach((r) => found.set(`${group}:${r}`, e as Error));
          }
        }),
      );
      return keys.map((k) => found.get(k) ?? null);
    });
    // Each node id may cost an upstream call: at most 100 per request, however many node/nodes fields ask.
    let nodeBudget = 100;
    const loadNode = (id: { typename: string; id: string }) => {
      if (--nodeBudget < 0) throw new GatewayError('BAD_USER_INPUT', 'A request may resolve at most 100 node ids; split it.');
      return resolveUserNode(users, id);
    };
    return { tenantId, engine, providers, scope, accounts, listAccounts: () => store.list(tenantId).then((all) => all.filter((a) => visible(a)), (e) => Promise.reject(storeFailure(e))), users, loadNode };
  }
}
