// Per-request context: the caller's tenant (from the bearer token), the engine's request scope and the
// DataLoaders. Everything here lives for one GraphQL request.
import { createHash } from 'node:crypto';
import DataLoader from 'dataloader';
import type { AccountStore, StoredAccount } from './accounts/store.js';
import type { Account, Engine, RequestScope } from './providers/engine/engine.js';
import { GatewayError } from './providers/engine/errors.js';
import type { UserRecord } from './providers/engine/types.js';
import { providerBySlug } from './providers/registry.js';
import { resolveUserNode } from './resolvers/nodes.js';

export interface GatewayContext {
  tenantId: string;
  engine: Engine;
  scope: RequestScope;
  /** Integrated accounts by id, already scoped to the tenant (another tenant's account loads as null). */
  accounts: DataLoader<string, StoredAccount | null>;
  /** Every account of the caller's tenant. */
  listAccounts(): Promise<StoredAccount[]>;
  /** Users by `${accountId}:${remoteId}`, batched per account into the provider's bulk endpoint. */
  users: DataLoader<string, UserRecord | null>;
  /** Resolves a decoded global ID for Query.node/nodes. */
  loadNode(id: { typename: string; id: string }): Promise<UserRecord | null>;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Builds each request's context; tokens are kept as hashes, so lookups do not compare secrets directly. */
export function contextFactory(engine: Engine, store: AccountStore, tenants: { id: string; apiTokens: string[] }[]) {
  const tenantByTokenHash = new Map(tenants.flatMap((t) => t.apiTokens.map((tok) => [sha256(tok), t.id] as const)));
  return async ({ request }: { request: Request }): Promise<GatewayContext> => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '');
    const tenantId = m ? tenantByTokenHash.get(sha256(m[1]!)) : undefined;
    if (!tenantId)
      throw new GatewayError('UNAUTHENTICATED', 'Missing or unknown API token. Send `Authorization: Bearer <tenant API token>`.', {}, { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="rollcall"' } });
    const scope = engine.scope();
    const accounts = new DataLoader<string, StoredAccount | null>(async (ids) => Promise.all(ids.map((id) => store.get(tenantId, id))));
    const users = new DataLoader<string, UserRecord | null>(async (keys) => {
      // Group "accountId:remoteId" keys per account, then one bulk lookup per account.
      const byAccount = new Map<string, string[]>();
      for (const k of keys) {
        const i = k.indexOf(':');
        const list = byAccount.get(k.slice(0, i)) ?? [];
        list.push(k.slice(i + 1));
        byAccount.set(k.slice(0, i), list);
      }
      const found = new Map<string, UserRecord | null | Error>();
      await Promise.all(
        [...byAccount].map(async ([accountId, remoteIds]) => {
          const account = await accounts.load(accountId);
          const def = account && providerBySlug(account.provider);
          if (!account || !def) return remoteIds.forEach((r) => found.set(`${accountId}:${r}`, null));
          try {
            const users = await scope.byIds(account, def, remoteIds);
            remoteIds.forEach((r, n) => found.set(`${accountId}:${r}`, users[n] ?? null));
          } catch (e) {
            remoteIds.forEach((r) => found.set(`${accountId}:${r}`, e as Error));
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
    return { tenantId, engine, scope, accounts, listAccounts: () => store.list(tenantId), users, loadNode };
  }
}
