import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The domain's own tests, for mutation testing (stryker.config.mjs): a mutant of engine/domain/ must
// be caught by a test of the domain, not by a simulation or an adapter test far away.
// Spread, not mergeConfig: mergeConfig concatenates arrays, which would keep the base's
// `test/**/*.test.ts` and run the whole suite for every mutant.
export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/engine/domain/**/*.test.ts'] },
});
