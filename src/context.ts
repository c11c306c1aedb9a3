// Per-request context: the caller's tenant (from the bearer token), the engine's request scope and the
// DataLoaders. Everything here lives for one GraphQL request.
import DataLoader from 'dataloader';
import type { AccountStore, StoredAccount } from './accounts/store.js';
import { storeFailure, usableAccount } from './accounts/usable.js';
import type { Account, Engine, RequestScope } from './providers/engine/engine.js';
import { GatewayError } from './providers/engine/errors.js';
import type { Category, UserRecord } from './providers/engine/types.js';
import type { ProviderRegistry } from './providers/registry.js';
import { resolveUserNode } from './resolvers/node-loader.js';
import type { StreamFlow } from './resolvers/stream-flow.js';

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
  /** Resolves a decoded global ID for Query.node/nodes. */
  loadNode(id: { typename: string; id: string }): Promise<UserRecord | null>;
}

/** Admits a tenant's request (or throws) and returns the signal that aborts its upstream calls. */
export type Admit = (tenantId: string, request: Request) => AbortSignal;

/** Builds each request's context; the store answers which tenant a token names (it compares hashes only). */
export function contextFactory(engine: Engine, store: AccountStore, providers: ProviderRegistry, admit?: Admit) {
  return async ({ request }: { request: Request }): Promise<GatewayContext> => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '');
    const tenantId = m ? await store.tenantForToken(m[1]!).catch((e) => Promise.reject(storeFailure(e))) : null;
    if (!tenantId)
      throw new GatewayError('UNAUTHENTICATED', 'Missing or unknown API token. Send `Authorization: Bearer <tenant API token>`.', {}, { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="rollcall"' } });
    const scope = engine.scope(admit?.(tenantId, request));
    // A disabled or unreachable account is an Error for its own key only (DataLoader's per-key errors).
    const accounts = new DataLoader<string, StoredAccount | null>(async (ids) => Promise.all(ids.map((id) => store.get(tenantId, id).then(usableAccount, storeFailure))));
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
    return { tenantId, engine, providers, scope, accounts, listAccounts: () => store.list(tenantId).catch((e) => Promise.reject(storeFailure(e))), users, loadNode };
  }
}
