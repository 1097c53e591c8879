import { defineConfig } from 'vitest/config';

/**
 * Test configuration shared by every workspace package: resolve workspace dependencies to
 * their TypeScript sources (the `@visuomotor/source` export condition) and write a JSON
 * report that `scripts/test.mjs` sums into the final `N passed, N failed` line.
 */
const conditions = ['@visuomotor/source', 'module', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@visuomotor/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    passWithNoTests: false,
  },
});
