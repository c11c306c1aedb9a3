// Query.integratedAccounts: the caller's own accounts (the tenant comes from the API token), as safe views.
import { builder } from '../schema/builder.js';
import { CategoryEnum } from '../schema/enums.js';
import { IntegratedAccountType, accountView, type AccountView } from '../schema/accounts.js';

builder.queryField('integratedAccounts', (t) =>
  t.field({
    type: [IntegratedAccountType],
    nullable: true,
    description: "The caller's integrated accounts (never another tenant's): ids to pass to `users`, their provider and categories, the filters each needs. Credentials are never exposed.",
    args: { category: t.arg({ type: CategoryEnum, description: 'Only accounts of this category.' }) },
    resolve: async (_root, { category }, ctx) => {
      const out: AccountView[] = [];
      for (const account of await ctx.listAccounts()) {
        const def = ctx.providers.get(account.provider);
        if (def && (!category || def.categories.includes(category))) out.push(accountView(account, def));
      }
      return out;
    },
  }),
);
