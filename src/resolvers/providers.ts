// Query.providers: the capability matrix, read straight from the provider definitions. A provider may serve
// several categories, each with its own list: per-category fields take `category` (default: the first).
import { builder } from '../schema/builder.js';
import { AuthKindEnum, CategoryEnum, PaginationKindEnum } from '../schema/enums.js';
import { FilterCapabilityType, filterCapabilities, listFor } from '../schema/capabilities.js';
import { GatewayError } from '../providers/engine/errors.js';
import type { GraphQLObjectType } from 'graphql';
import type { Category, FilterServe, ListDefinition, ProviderDefinition } from '../providers/engine/types.js';
import { USER_TYPE_NAME } from '../schema/users.js';

export { filterCapabilities, listFor };

const CATEGORY_ARG = 'One of `categories`; default the first.';

const ProviderType = builder.objectRef<ProviderDefinition>('Provider').implement({
  fields: (t) => ({
    slug: t.exposeString('slug'),
    displayName: t.exposeString('displayName'),
    categories: t.field({ type: [CategoryEnum], resolve: (p) => p.categories }),
    docsUrl: t.exposeString('docsUrl'),
    supportedFilters: t.field({ type: [FilterCapabilityType], args: { category: t.arg({ type: CategoryEnum, description: CATEGORY_ARG }) }, resolve: (p, a) => { const l = listFor(p, a.category); return l ? filterCapabilities(l) : []; } }),
    requiredFilters: t.stringList({ args: { category: t.arg({ type: CategoryEnum, description: CATEGORY_ARG }) }, resolve: (p, a) => listFor(p, a.category)?.requiredFilters ?? [] }),
    supportedFields: t.stringList({
      description: "Fields of this category's user type that the provider fills (the others are always null or empty).",
      args: { category: t.arg({ type: CategoryEnum, description: CATEGORY_ARG }) },
      resolve: (p, a, _ctx, info) => {
        const category = a.category ?? p.category;
        if (!p.lists[category]) return [];
        const type = info.schema.getType(USER_TYPE_NAME[category]) as GraphQLObjectType;
        const exposed = type.getFields();
        return ['id', 'remoteId', ...p.fields, 'remoteData'].filter((f) => f in exposed);
      },
    }),
    paginationKind: t.field({
      type: PaginationKindEnum,
      args: { category: t.arg({ type: CategoryEnum, description: CATEGORY_ARG }) },
      resolve: (p, a) => {
        const list = listFor(p, a.category);
        if (!list) throw new GatewayError('CATEGORY_MISMATCH', `${p.displayName} serves ${p.categories.join(', ')}, not ${a.category}.`, { provider: p.slug });
        return list.paginator.kind;
      },
    }),
    authKind: t.field({ type: AuthKindEnum, resolve: (p) => p.auth.kind }),
    credentialKeys: t.stringList({ resolve: (p) => p.auth.credentialKeys }),
  }),
});

builder.queryField('providers', (t) =>
  t.field({
    type: [ProviderType],
    args: { category: t.arg({ type: CategoryEnum }) },
    resolve: (_root, { category }, ctx) => ctx.providers.all.filter((p) => !category || p.categories.includes(category)),
  }),
);
