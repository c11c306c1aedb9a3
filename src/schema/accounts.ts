// IntegratedAccount: what a tenant may know about its own connected accounts. Built from a safe view of
// the stored account, so credentials never even reach the GraphQL layer.
import { builder } from './builder.js';
import { CategoryEnum } from './enums.js';
import { FilterCapabilityType, filterCapabilities, listFor } from './capabilities.js';
import type { StoredAccount } from '../accounts/store.js';
import type { ProviderDefinition } from '../providers/engine/types.js';

export interface AccountView {
  id: string;
  displayName: string | null;
  contextKeys: string[];
  def: ProviderDefinition;
}

/** The only way an account reaches the schema: id, label, provider and context key names — no values, no credentials. */
export function accountView(account: StoredAccount, def: ProviderDefinition): AccountView {
  return { id: account.id, displayName: account.displayName ?? null, contextKeys: Object.keys(account.context ?? {}).sort(), def };
}

export const IntegratedAccountType = builder.objectRef<AccountView>('IntegratedAccount').implement({
  description: "One of the caller's connected accounts (a tenant's connection to a provider). Credentials are never exposed.",
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Pass it as `users(integratedAccountId:)`.' }),
    provider: t.string({ description: 'The provider slug, as in `providers { slug }`.', resolve: (a) => a.def.slug }),
    displayName: t.string({ description: "The account's `displayName` from the configuration, else the provider's name.", resolve: (a) => a.displayName ?? a.def.displayName }),
    categories: t.field({ type: [CategoryEnum], description: 'Categories to pass as `users(category:)`.', resolve: (a) => a.def.categories }),
    requiredFilters: t.stringList({
      description: 'Filters `users` needs for this account (e.g. Jira\'s collectionId), in `category` (default: the first of `categories`).',
      args: { category: t.arg({ type: CategoryEnum }) },
      resolve: (a, args) => listFor(a.def, args.category)?.requiredFilters ?? [],
    }),
    supportedFilters: t.field({
      type: [FilterCapabilityType],
      description: 'Filters `users` honours for this account in `category` (default: the first of `categories`).',
      args: { category: t.arg({ type: CategoryEnum }) },
      resolve: (a, args) => { const l = listFor(a.def, args.category); return l ? filterCapabilities(l) : []; },
    }),
    contextKeys: t.stringList({ description: 'Names of the context keys configured for this account (e.g. baseUrl, subdomain); values are not shown.', resolve: (a) => a.contextKeys }),
  }),
});
