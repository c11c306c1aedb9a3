import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // graphql 16 has no "exports" map: Node loads its CommonJS build for yoga and Pothos, while Vite would
  // pick its ESM build for our files. Two copies of GraphQLError break yoga's `instanceof` error checks,
  // so the tests resolve graphql exactly as Node does.
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'threads',
    setupFiles: ['test/setup.ts'],
  },
});
