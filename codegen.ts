// GraphQL Code Generator: typed documents for clients (and our own tests) from the committed SDL, and
// the abstract-type map Apollo Client's InMemoryCache needs (`possibleTypes`) for Node and User.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/documents.ts'],
  generates: {
    'test/gql/': {
      preset: 'client',
      config: { emitLegacyCommonJSImports: false, useTypeImports: true, enumsAsTypes: true, scalars: { DateTime: 'string', JSON: 'unknown' } },
      presetConfig: { fragmentMasking: false },
    },
    // Without it, Apollo cannot tell that a DirectoryUser is a User, and fields selected through
    // `... on User` or `... on Node` silently go missing from the cache.
    'possibleTypes.json': {
      plugins: ['fragment-matcher'],
      config: { apolloClientVersion: 3 },
    },
  },
  ignoreNoDocuments: false,
};
export default config;
