// What a request may do with a stored account: only ACTIVE ones reach the engine; the others answer with
// a code that says what to do. A store that cannot be reached is a 503 rather than a masked error.
import { GraphQLError } from 'graphql';
import { StoreError } from './errors.js';
import type { StoredAccount } from './store.js';

export function usableAccount(a: StoredAccount | null): StoredAccount | null | StoreError {
  if (!a || a.status === undefined || a.status === 'ACTIVE') return a;
  if (a.status === 'DISABLED')
    return new StoreError('INTEGRATED_ACCOUNT_DISABLED', `Integrated account "${a.id}" is disabled; an administrator can enable it again.`, { provider: a.provider });
  return new StoreError('INTEGRATED_ACCOUNT_NEEDS_REAUTH', `Integrated account "${a.id}" must be connected again: ${a.provider} no longer accepts its credentials${a.lastError ? ` (${a.lastError})` : ''}. An administrator can reconnect it (createConnectLink on the admin API, for an OAuth account) or rotate its credentials.`, { provider: a.provider });
}

/** Errors reading the store itself: GraphQLErrors pass, anything else becomes STORE_UNAVAILABLE (503). */
export function storeFailure(e: unknown): GraphQLError {
  if (e instanceof GraphQLError) return e;
  return new StoreError('STORE_UNAVAILABLE', 'The account store cannot be reached; retry shortly.', { http: { status: 503 } });
}
