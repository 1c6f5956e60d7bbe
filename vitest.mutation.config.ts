import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

// The domain's own tests, for mutation testing (stryker.config.mjs): a mutant of engine/domain/ must
// be caught by a test of the domain, not by a simulation or an adapter test far away.
export default mergeConfig(
  base,
  defineConfig({
    test: { include: ['test/engine/domain/**/*.test.ts'] },
  }),
);
