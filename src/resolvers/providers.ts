// Query.providers: the capability matrix, read straight from the adapter definitions.
import { builder } from '../schema/builder.js';
import { AuthKindEnum, CategoryEnum, PaginationKindEnum } from '../schema/enums.js';
import { FilterCapabilityType, filterCapabilities } from '../schema/capabilities.js';
import { PROVIDERS } from '../providers/registry.js';
import type { GraphQLObjectType } from 'graphql';
import type { ProviderDefinition } from '../providers/engine/types.js';
import { USER_TYPE_NAME } from '../schema/users.js';

export { filterCapabilities };

const ProviderType = builder.objectRef<ProviderDefinition>('Provider').implement({
  fields: (t) => ({
    slug: t.exposeString('slug'),
    displayName: t.exposeString('displayName'),
    categories: t.field({ type: [CategoryEnum], resolve: (p) => [p.category] }),
    docsUrl: t.exposeString('docsUrl'),
    supportedFilters: t.field({ type: [FilterCapabilityType], resolve: filterCapabilities }),
    requiredFilters: t.stringList({ resolve: (p) => p.requiredFilters ?? [] }),
    supportedFields: t.stringList({
      description: "Fields of this category's user type that the provider fills (the others are always null or empty).",
      resolve: (p, _args, _ctx, info) => {
        const type = info.schema.getType(USER_TYPE_NAME[p.category]) as GraphQLObjectType;
        const exposed = type.getFields();
        return ['id', 'remoteId', ...p.fields, 'remoteData'].filter((f) => f in exposed);
      },
    }),
    paginationKind: t.field({ type: PaginationKindEnum, resolve: (p) => p.list.paginator.kind }),
    authKind: t.field({ type: AuthKindEnum, resolve: (p) => p.auth.kind }),
    credentialKeys: t.stringList({ resolve: (p) => p.auth.credentialKeys }),
  }),
});

builder.queryField('providers', (t) =>
  t.field({
    type: [ProviderType],
    args: { category: t.arg({ type: CategoryEnum }) },
    resolve: (_root, { category }) => PROVIDERS.filter((p) => !category || p.category === category),
  }),
);
