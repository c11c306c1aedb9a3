// Fields a provider fills with a second lookup (its spec's `enrich`), resolved only when a query selects
// them: a user's groups (one call per user, batched with bounded concurrency per request), and names for
// the organization ids a user carries (one batched call per page). Lookups go through the request scope,
// so they are deduped, recorded by debug, and reach only the user's own (tenant-scoped) account.
import type { GatewayContext } from '../context.js';
import type { Account } from '../providers/engine/engine.js';
import type { EnrichableField, Ref, UserRecord } from '../providers/engine/types.js';

/** A Ref whose name may be looked up when `name` is selected; a failing lookup nulls only that `name`. */
export type LazyRef = Ref & { loadName?: () => Promise<string | null> };

async function target(u: UserRecord, ctx: GatewayContext) {
  const def = ctx.providers.get(u.provider);
  const account = (await ctx.accounts.load(u.accountId)) as Account | null;
  return def && account ? { def, account } : null;
}

function lazy(u: UserRecord, ctx: GatewayContext, field: EnrichableField, ref: Ref): LazyRef {
  const spec = ctx.providers.get(u.provider)?.enrich?.[field];
  if ((ref.name !== null && ref.name !== undefined) || spec?.by !== 'ids') return ref;
  return {
    ...ref,
    loadName: async () => {
      const t = await target(u, ctx);
      return t ? ctx.scope.lookups.refName(t.account, t.def, field, ref.id) : null;
    },
  };
}

/** The user's single ref (TicketingUser.organization), its name looked up when selected. */
export function enrichedRef(u: UserRecord, ctx: GatewayContext, field: 'organization'): LazyRef | null {
  const ref = u[field];
  return ref ? lazy(u, ctx, field, ref) : null;
}

/** The user's refs: as mapped, else (a `user` lookup) listed per user; names looked up for `ids` lookups. */
export async function enrichedRefs(u: UserRecord, ctx: GatewayContext, field: 'groups' | 'organizations'): Promise<LazyRef[]> {
  const mapped = u[field] ?? [];
  const spec = ctx.providers.get(u.provider)?.enrich?.[field];
  if ((spec?.by === 'user' || spec?.by === 'json-batch') && !mapped.length) {
    const t = await target(u, ctx);
    return t ? ctx.scope.lookups.refsOf(t.account, t.def, field, u.remoteId) : [];
  }
  return mapped.map((r) => lazy(u, ctx, field, r));
}
