// `verify: true`: one upstream call (the first page of one user) with the account as it would be stored,
// through the same engine tenant requests use, so what passes here works on the next tenant request.
import type { Credentials } from '../providers/engine/types.js';
import type { GatewayError } from '../providers/engine/errors.js';
import { GatewayError as GE } from '../providers/engine/errors.js';
import { failedCallOf, type UpstreamCall } from '../providers/engine/http.js';
import type { Engine } from '../providers/engine/engine.js';
import type { Category, UserFilter } from '../providers/engine/types.js';
import type { ProviderRegistry } from '../providers/registry.js';

export interface Verification { ok: true; provider: string; category: Category; upstreamStatus: number | null; usersSeen: number }

export interface VerifyInput { id: string; tenantId: string; provider: string; context: Record<string, unknown>; credentials: Credentials }

/** Resolves with what the provider answered, or throws its error (code, provider, upstreamStatus) marked `verification: "failed"`. */
export async function verifyAccount(engine: Engine, providers: ProviderRegistry, a: VerifyInput, filters: Record<string, unknown>): Promise<Verification> {
  const def = providers.get(a.provider)!;
  const scope = engine.scope();
  scope.debug = true; // keeps the call records, for the status the provider answered with
  const calls: UpstreamCall[] = [];
  try {
    const res = await scope.list({ id: a.id, tenant: a.tenantId, provider: a.provider, context: a.context, credentials: a.credentials }, def, { category: def.category, first: 1, filter: filters as UserFilter }, calls);
    const last = [...calls, ...res.calls].at(-1);
    return { ok: true, provider: def.slug, category: def.category, upstreamStatus: last?.status ?? null, usersSeen: res.edges.length };
  } catch (e) {
    if (!(e instanceof GE)) throw e;
    const err = e as GatewayError;
    const { code: _c, upstreamCalls: _u, ...ext } = err.extensions as Record<string, unknown>;
    const status = (ext.upstreamStatus as number | undefined) ?? failedCallOf(e)?.status ?? undefined;
    throw new GE(err.code, `Verification failed, nothing was changed: ${err.message}`, { ...ext, ...(status != null ? { upstreamStatus: status } : {}), verification: 'failed' });
  }
}
