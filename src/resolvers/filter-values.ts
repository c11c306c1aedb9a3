// Query.filterValues: validate → load account (tenant-scoped) → engine lookups → Relay connection.
import { builder } from '../schema/builder.js';
import { CategoryEnum } from '../schema/enums.js';
import { FilterValueConnection } from '../schema/filter-values.js';
import { GatewayError } from '../providers/engine/errors.js';
import { loadAccount } from './users.js';

builder.queryField('filterValues', (t) =>
  t.field({
    type: FilterValueConnection,
    nullable: true,
    description:
      'The values a filter of `users` takes on one account (Okta groups for groupId, Zendesk groups and organizations for teamId and organizationId, Jira projects for collectionId; enum filters list their enum), as a Relay connection. `integratedAccounts { supportedFilters { name valuesListable } }` says which filters have them. Null with an error (path: this field) when it fails.',
    args: {
      integratedAccountId: t.arg.id({ required: true }),
      filter: t.arg.string({ required: true, description: 'A filter name, as in `supportedFilters { name }` (e.g. "groupId").' }),
      category: t.arg({ type: CategoryEnum, description: "One of the account's categories; default its first." }),
      first: t.arg.int({ description: '1–100, default 50.' }),
      after: t.arg.string(),
    },
    resolve: async (_root, args, ctx) => {
      const { account, def } = await loadAccount(ctx, String(args.integratedAccountId));
      const first = args.first ?? 50;
      if (!Number.isInteger(first) || first < 1 || first > 100) throw new GatewayError('BAD_USER_INPUT', `first must be between 1 and 100 (got ${first}).`);
      const res = await ctx.scope.lookups.values(account, def, { category: args.category, filter: args.filter, first, after: args.after });
      const cursors = ctx.engine.cursors;
      const edges = res.edges.map((e) => ({ node: e.value, cursor: cursors.encode(account.id, res.queryKey, e.position) }));
      return {
        edges,
        pageInfo: {
          hasNextPage: res.hasNextPage,
          hasPreviousPage: false,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: res.endPosition ? cursors.encode(account.id, res.queryKey, res.endPosition) : (edges.at(-1)?.cursor ?? null),
        },
      };
    },
  }),
);
