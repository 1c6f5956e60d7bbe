import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * `npm run test:unit`: the tests that run inside the test process alone, for a contributor's inner
 * loop. Left out, by a rule a file's name or folder shows (test/unit-selection.test.ts holds it):
 * - `*.peer.test.ts`: talks to a peer (dynalite, s3rver, ses-local, Chromium, or a server of test/peers/);
 * - `*.e2e.test.ts`: runs our own program in another process (the local stack, the CLI);
 * - `test/infra/`: synthesizes the CDK app and bundles the Lambdas with esbuild.
 */
export const UNIT_EXCLUDE = ['**/*.peer.test.ts', '**/*.e2e.test.ts', 'test/infra/**'] as const;

// Spread, not mergeConfig (which would concatenate the arrays). Without isolation each worker loads
// the SDK and zod once instead of once per file: 45 s instead of two minutes on this 2-core machine.
// `npm test` still runs every file isolated, so a test that leaks state into another is caught there.
export default defineConfig({
  ...base,
  test: { ...base.test, exclude: [...UNIT_EXCLUDE], pool: 'threads', isolate: false },
});
