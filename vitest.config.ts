import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
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
    // Starting an embedded PostgreSQL (PGlite) can take tens of seconds on a loaded 2-core machine.
    hookTimeout: 60_000,
    pool: 'threads',
    // Tests wait on sandboxes and child processes as much as they compute: one worker per core (vitest's
    // default leaves one core idle, which on a 2-core machine means a single worker).
    maxWorkers: availableParallelism(),
    // Test files share a worker's module cache instead of re-importing the whole gateway each (about 20 s of
    // setup for 15 files on 2 cores). Safe here: no test mocks modules or changes globals, every gateway and
    // sandbox is created and closed by its file, and test/setup.ts checks each file's output for secrets.
    isolate: false,
    setupFiles: ['test/setup.ts'],
  },
});
