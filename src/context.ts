// Per-request context: the caller's tenant, the engine's request scope and the DataLoaders.
import type DataLoader from 'dataloader';
import type { Account, Engine, RequestScope } from './providers/engine/engine.js';
import type { UserRecord } from './providers/engine/types.js';

export interface GatewayContext {
  tenantId: string;
  engine: Engine;
  scope: RequestScope;
  /** Integrated accounts by id, already scoped to the tenant (another tenant's account loads as null). */
  accounts: DataLoader<string, Account | null>;
  /** Users by `${accountId}:${remoteId}`, batched per account into the provider's bulk endpoint. */
  users: DataLoader<string, UserRecord | null>;
  /** Resolves a decoded global ID for Query.node/nodes. */
  loadNode(id: { typename: string; id: string }): Promise<UserRecord | null>;
}
