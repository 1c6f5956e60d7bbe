// @ts-check
/**
 * Mutation testing of the pure decision core: `npm run test:mutation` (not part of `npm test`).
 * Mutants are run against the domain's own tests (vitest.mutation.config.ts). One file:
 * `npm run test:mutation -- --mutate engine/domain/tiers.ts`.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: ['engine/domain/**/*.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 95, low: 95, break: 95 },
  ignoreStatic: true,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
