// GraphQL Code Generator: typed documents for clients (and our own tests) from the committed SDL.
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
  },
  ignoreNoDocuments: false,
};
export default config;
