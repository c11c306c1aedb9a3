// Users by remote id, for node/nodes: the bulk endpoint, else one call per id, else a bounded scan of the list.
import { GatewayError } from './errors.js';
import { mapper } from './joins.js';
import { list, type ListResult } from './list.js';
import { contextOf, type Account, type Scope } from './scope.js';
import type { Category, ProviderDefinition, RequestVars, UserRecord } from './types.js';

/** Single-id lookups of one request in flight at once. */
const BY_ID_CONCURRENCY = 8;

/** Users by remote id, for node/nodes: the bulk endpoint, else one call per id, else a bounded scan. */
export async function byIds(scope: Scope, account: Account, def: ProviderDefinition, ids: readonly string[], category: Category = def.category): Promise<(UserRecord | null)[]> {
  const vars: RequestVars = { context: contextOf(account, def), filters: {} };
  const map = await mapper(scope, account, def, category, vars, []);
  const found = new Map<string, UserRecord>();
  let pending: readonly string[] = ids;
  if (def.byIds) {
    const spec = def.byIds;
    // An id the provider could not have issued is not found, and never reaches (or reshapes) a batch.
    const valid = [...new Set(ids)].filter((id) => spec.accepts(id));
    try {
      for (let i = 0; i < valid.length; i += spec.maxBatch) {
        const { request, headers } = scope.render(account, def, spec, { ...vars, ids: valid.slice(i, i + spec.maxBatch) });
        const page = await scope.loadPage(account, def, { kind: 'byIds', records: spec.records, idempotent: spec.idempotent, prepare: def.preparePage }, request, headers);
        page.records.forEach((raw, n) => found.set(spec.idOf(raw), map(raw, n)));
      }
      pending = [];
    } catch (e) {
      // A host without the bulk endpoint (a proxy, an older version) still answers single lookups.
      if (!def.byId || !(e instanceof GatewayError && isRefusal(e))) throw e;
    }
  }
  if (pending.length && def.byId) {
    const spec = def.byId;
    const one = async (id: string) => {
      const { request, headers } = scope.render(account, def, spec, { ...vars, id });
      try {
        const page = await scope.loadPage(account, def, { kind: 'byId', records: (b) => [spec.record(b)], idempotent: spec.idempotent, prepare: def.preparePage }, request, headers);
        if (page.records[0]) found.set(id, map(page.records[0], 0));
      } catch (e) {
        if (!(e instanceof GatewayError && e.code === 'UPSTREAM_NOT_FOUND')) throw e;
      }
    };
    // In bounded batches: a nodes(100 ids) lookup never floods the origin with 100 calls at once.
    for (let i = 0; i < pending.length; i += BY_ID_CONCURRENCY) await Promise.all(pending.slice(i, i + BY_ID_CONCURRENCY).map(one));
  } else if (pending.length && !def.byIds) {
    const wanted = new Set(ids);
    let after: string | null = null;
    for (let scanned = 0; wanted.size && scanned < scope.engine.options.maxScan; ) {
      const res: ListResult = await list(scope, account, def, { category, first: 100, after, filter: {} });
      for (const e of res.edges) if (wanted.delete(e.node.remoteId)) found.set(e.node.remoteId, e.node);
      scanned += res.edges.length;
      if (!res.hasNextPage || !res.edges.length) break;
      after = res.edges.at(-1)!.cursor;
    }
  }
  return ids.map((id) => found.get(id) ?? null);
}

/** An upstream that does not serve a request shape (404, 400, 405, 422, 501), as opposed to failing. */
function isRefusal(e: GatewayError): boolean {
  const status = e.extensions.upstreamStatus as number | undefined;
  return status === 404 || status === 400 || status === 405 || status === 422 || status === 501;
}
