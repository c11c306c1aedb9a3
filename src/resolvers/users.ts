// Query.users: validate → load account → engine → shape the Relay connection. Thin on purpose.
import { responsePathAsArray } from 'graphql';
import { builder } from '../schema/builder.js';
import { CategoryEnum } from '../schema/enums.js';
import { UserFilterInput } from '../schema/filters.js';
import { UserConnection } from '../schema/connection.js';
import { fieldSelects, operationSelects, streamedEdges } from './selection.js';
import { streamUsers } from './stream.js';
import { GatewayError } from '../providers/engine/errors.js';
import { withinDepth } from '../providers/engine/paths.js';
import { failedCallOf, type UpstreamCall } from '../providers/engine/http.js';
import type { GatewayContext } from '../context.js';
import type { Account } from '../providers/engine/engine.js';
import type { ProviderDefinition, UserFilter } from '../providers/engine/types.js';

/** How deep remoteQuery may nest: query parameters are flat, a POST body's extra fields a few levels at most. */
const MAX_REMOTE_QUERY_DEPTH = 10;

export async function loadAccount(ctx: GatewayContext, id: string): Promise<{ account: Account; def: ProviderDefinition }> {
  const account = await ctx.accounts.load(id);
  const def = account && ctx.providers.get(account.provider);
  if (!account || !def)
    throw new GatewayError('INTEGRATED_ACCOUNT_NOT_FOUND', `No integrated account "${id.slice(0, 128)}" exists for this tenant. Check integratedAccountId.`);
  return { account, def };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** GraphQL input → engine filter: drops nulls, turns DateTime into ISO strings, checks the date format. */
export function toUserFilter(input: Record<string, unknown> | null | undefined): UserFilter {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input ?? {})) {
    if (v === null || v === undefined) continue;
    out[k] = v instanceof Date ? v.toISOString() : v;
  }
  // An empty list would otherwise be dropped as "no filter" and list everyone: the opposite of what was asked.
  if (Array.isArray(out.emails) && out.emails.length === 0)
    throw new GatewayError('BAD_USER_INPUT', 'filters.emails is an empty list, which would match no one. Give at least one address, or leave filters.emails out to list every user.', { filter: 'emails' });
  if (Array.isArray(out.emails) && out.emails.length > 100)
    throw new GatewayError('BAD_USER_INPUT', `filters.emails accepts at most 100 addresses (got ${out.emails.length}).`, { filter: 'emails' });
  if (out.date !== undefined && (!DAY.test(String(out.date)) || Number.isNaN(Date.parse(String(out.date)))))
    throw new GatewayError('BAD_USER_INPUT', `filters.date must be a day as YYYY-MM-DD (got "${String(out.date).slice(0, 40)}").`, { filter: 'date' });
  return out as UserFilter;
}

/**
 * The failing field's error, carrying the upstream calls its `debug` field would have shown, the failing
 * call last. Only for callers that selected `debug`: the records are the same redacted ones (URL with
 * secrets replaced, allow-listed response headers), so an error never shows more than debug would.
 */
function withUpstreamCalls(e: unknown, calls: UpstreamCall[]): unknown {
  const failed = failedCallOf(e);
  const all = failed && !calls.includes(failed) ? [...calls, failed] : calls;
  if (!(e instanceof GatewayError) || !all.length) return e;
  const { code: _code, ...extensions } = e.extensions;
  return new GatewayError(e.code, e.message, { ...extensions, upstreamCalls: all.map((c) => ({ ...c, responseHeaders: c.responseHeaders.map((h) => ({ ...h })) })) });
}

builder.queryField('users', (t) =>
  t.field({
    type: UserConnection,
    nullable: true,
    description:
      'Users of one integrated account, as a Relay connection whose nodes implement User and are typed by category. Null with an error (path: this field) when it fails; sibling fields still answer. When `debug` is selected, a failure after upstream calls lists them in `extensions.upstreamCalls` (redacted).',
    args: {
      category: t.arg({ type: CategoryEnum, required: true }),
      integratedAccountId: t.arg.id({ required: true }),
      filters: t.arg({ type: UserFilterInput }),
      first: t.arg.int({ description: '1–100, default 50, whatever the upstream page size.' }),
      after: t.arg.string(),
      last: t.arg.int({ description: 'Not supported: every provider pages forward only.' }),
      before: t.arg.string({ description: 'Not supported: every provider pages forward only.' }),
      remoteQuery: t.arg({ type: 'JSON', description: 'Raw query parameters passed to the upstream; they never override auth, paging or the adapter\'s own parameters.' }),
    },
    resolve: async (_root, args, ctx, info) => {
      // The stream lane's later runs (a page of edges, the deferred fragment) answer with what it holds.
      const fed = ctx.lane?.answerFor(info);
      if (fed) return fed as never;
      const { account, def } = await loadAccount(ctx, String(args.integratedAccountId));
      if (!def.lists[args.category])
        throw new GatewayError('CATEGORY_MISMATCH', `Integrated account "${account.id}" (${def.displayName}) is in ${def.categories.length > 1 ? 'categories' : 'category'} ${def.categories.join(', ')}, not ${args.category}. Ask with category: ${def.category}.`, { provider: def.slug });
      if (args.last != null || args.before != null)
        throw new GatewayError('BACKWARD_PAGINATION_UNSUPPORTED', `${def.displayName} pages forward only; use first/after.`, { provider: def.slug });
      const first = args.first ?? 50;
      const stream = streamedEdges(info);
      const streamMax = ctx.engine.options.maxStreamFirst ?? 100_000;
      const max = stream ? streamMax : 100;
      if (!Number.isInteger(first) || first < 1 || first > max)
        throw new GatewayError('BAD_USER_INPUT', `first must be between 1 and ${max} (got ${first})${stream ? ' (limits.maxStreamFirst)' : `; up to ${streamMax} with edges @stream`}.`);
      const rq = args.remoteQuery;
      if (rq != null && (typeof rq !== 'object' || Array.isArray(rq)))
        throw new GatewayError('BAD_USER_INPUT', 'remoteQuery must be an object of query parameter names to values.');
      if (rq != null && !withinDepth(rq, MAX_REMOTE_QUERY_DEPTH))
        throw new GatewayError('BAD_USER_INPUT', `remoteQuery may nest at most ${MAX_REMOTE_QUERY_DEPTH} levels deep; upstream query parameters are flat values or short lists.`);
      if (operationSelects(info, 'debug')) ctx.scope.debug = true;
      const listArgs = { category: args.category, first, after: args.after, filter: toUserFilter(args.filters as never), remoteQuery: rq as Record<string, unknown> | null };
      if (stream) return streamUsers(ctx, info, account, def, listArgs, stream.initialCount);

      const calls: UpstreamCall[] = [];
      let res;
      try {
        res = await ctx.scope.list(account, def, listArgs, calls);
      } catch (e) {
        throw fieldSelects(info, 'debug') ? withUpstreamCalls(e, calls) : e;
      }
      if (res.warnings.length) ctx.scope.warnings.push(...res.warnings.map((w) => ({ ...w, path: responsePathAsArray(info.path) })));
      // Edges carry their cursors, encoded by the engine when read.
      return {
        edges: res.edges,
        pageInfo: {
          hasNextPage: res.hasNextPage,
          hasPreviousPage: false,
          get startCursor() {
            return res.edges[0]?.cursor ?? null;
          },
          get endCursor() {
            return res.endCursor;
          },
        },
        debug: res.calls,
      };
    },
  }),
);
