// Joined lists (usage reports, spend): fetched once per request (and across requests when cached),
// indexed by key, and merged into each mapped user by the record mapper.
import { stableStringify } from './cursor.js';
import { GatewayError } from './errors.js';
import type { UpstreamCall } from './http.js';
import type { Account, JoinIndex, Page, Scope } from './scope.js';
import { asMappedUser, USER_STATUSES, USER_TYPES } from './user.js';
import type { Category, Joined, JoinDefinition, ProviderDefinition, RequestVars, UpstreamRequest, UserFilter, UserRecord } from './types.js';

const STATUSES = new Set<unknown>(USER_STATUSES);
const TYPES = new Set<unknown>(USER_TYPES);

/** Indexes already built, by their first page's records: requests sharing the join's pages share its index. */
const built = new WeakMap<readonly unknown[], JoinIndex & { join: JoinDefinition }>();
const samePages = (a: readonly unknown[][], b: readonly unknown[][]) => a.length === b.length && a.every((p, i) => p === b[i]);

/** Every record of a joined list for this request, indexed by its key; fetched once per request. */
function joinIndex(scope: Scope, account: Account, def: ProviderDefinition, join: JoinDefinition, vars: RequestVars, calls: UpstreamCall[]): Promise<JoinIndex> {
  const { request, headers } = scope.render(account, def, join, vars);
  const first = join.paginator.first(request, join.paginator.maxPageSize);
  const key = `${account.id}|${join.name}|${stableStringify(first)}|${stableStringify(headers)}`;
  const shared = scope.engine.joinCache;
  let index = scope.joins.get(key) ?? shared?.get(key);
  if (!index) {
    index = (async () => {
      const pages: unknown[][] = [];
      let req: UpstreamRequest | null = first;
      const seen = new Set<string>();
      for (let n = 0; req && n < (join.maxPages ?? scope.engine.options.maxJoinPages); n++) {
        const page: Page = await scope.loadPage(account, def, { kind: `join:${join.name}`, records: join.records, paginator: join.paginator, idempotent: join.idempotent }, req, headers);
        calls.push(page.call);
        pages.push(page.records);
        const nextKey = page.next ? stableStringify(page.next) : '';
        if (page.next && seen.has(nextKey)) { page.call.isLooping = true; break; }
        seen.add(nextKey);
        req = page.next;
      }
      const known = pages[0] && built.get(pages[0]);
      if (known && known.join === join && samePages(known.pages, pages)) return known;
      const out = new Map<string, unknown[]>();
      for (const records of pages)
        for (const rec of records) {
          const k = join.key(rec);
          if (k == null) continue;
          const list = out.get(k);
          if (list) list.push(rec);
          else out.set(k, [rec]);
        }
      const made = { index: out, pages, join };
      if (pages[0]) built.set(pages[0], made);
      return made;
    })();
    shared?.set(key, index);
    index.catch(() => shared?.delete(key)); // a failure is not worth remembering
  }
  scope.joins.set(key, index);
  return index;
}

/** The text a mapper's String() makes of a missing value: never an id the upstream gave. */
const INVENTED = new Set(['', 'null', 'undefined', 'NaN', '[object Object]']);
/** Whether a mapped remoteId names the record: a non-blank string that no String(null) could have produced. */
export function usableId(id: unknown): id is string {
  return typeof id === 'string' && !INVENTED.has(id.trim());
}

/**
 * A record → UserRecord function with the joined data loaded. Joins enrich users; a join the spec marks
 * optional (by default: one selected by a filter the caller did not give, such as a defaulted usage day)
 * leaves the enrichment empty when it fails instead of failing the list.
 */
export async function mapper(scope: Scope, account: Account, def: ProviderDefinition, category: Category, vars: RequestVars, calls: UpstreamCall[]) {
  const indexes = await Promise.all(
    def.joins.map(async (j) => {
      const given = (name: keyof UserFilter) => vars.filters[name] !== undefined && vars.filters[name] !== null;
      const sel = j.selectedBy;
      // Defaulted here, after the cursor's query key was taken, so a cursor survives midnight.
      const joinVars = sel && !given(sel.filter) ? { ...vars, filters: { ...vars.filters, [sel.filter]: sel.default() } } : vars;
      const optional = typeof j.optional === 'boolean' ? j.optional : !given(j.optional.unlessFilter);
      try {
        return [j, await joinIndex(scope, account, def, j, joinVars, calls)] as const;
      } catch (e) {
        if (!optional) throw e;
        return [j, { index: new Map<string, unknown[]>(), pages: [] }] as const;
      }
    }),
  );
  const none: Joined = Object.freeze({}) as Joined;
  // What the users of a page were mapped with: the same records joined from the same pages map the same.
  const joins = indexes.map(([, i]) => i.pages);
  const sameJoins = (a: readonly (readonly unknown[][])[], b: readonly (readonly unknown[][])[]) => a.length === b.length && a.every((p, i) => samePages(p, b[i]!));
  /** The record as a user, or null when it has no usable id (the caller skips and reports it). */
  /** The records of one upstream page (shared by the requests reading it), memoised by it when nothing is joined. */
  return (raw: unknown, i: number, page?: readonly unknown[]): UserRecord | null => {
    if (raw === null || typeof raw !== 'object')
      throw new GatewayError('UPSTREAM_BAD_RESPONSE', `${def.slug} returned a record that is not an object (position ${i}).`, { provider: def.slug });
    let memo = page ? scope.engine.mapped.get(page) : undefined;
    if (memo && (memo.def !== def || memo.accountId !== account.id || memo.category !== category || !sameJoins(memo.joins, joins))) memo = undefined;
    const known = memo?.users[i];
    if (known !== undefined) return known;
    let joined = none;
    if (indexes.length) {
      joined = {};
      for (const [j, index] of indexes) {
        const k = j.userKey(raw);
        joined[j.name] = (k != null && index.index.get(k)) || [];
      }
    }
    let user: UserRecord;
    try {
      // The mapper returns a fresh object: tag it in place rather than copying it (hot path: every record).
      user = def.map(raw, joined) as UserRecord;
    } catch {
      throw new GatewayError('UPSTREAM_BAD_RESPONSE', `${def.slug} returned a record the gateway could not read (position ${i}). The upstream shape may have changed.`, { provider: def.slug });
    }
    // A lookup table indexed by an upstream value (`STATUS[raw]`) finds inherited members for `__proto__`,
    // `constructor` or `toString`: only the enum's own values survive.
    if (user.status != null && !STATUSES.has(user.status)) user.status = null;
    if (user.userType != null && !TYPES.has(user.userType)) user.userType = null;
    if (!usableId(user.remoteId)) {
      if (memo) memo.users[i] = null;
      return null;
    }
    user.accountId = account.id;
    user.category = category;
    user.provider = def.slug;
    user.remoteData = raw;
    asMappedUser(user);
    if (page && !memo) scope.engine.mapped.set(page, (memo = { def, accountId: account.id, category, joins, users: [] }));
    if (memo) memo.users[i] = user;
    return user;
  };
}
