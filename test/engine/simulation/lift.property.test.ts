import { describe, expect, it } from 'vitest';
import { generateScenario } from '#engine/simulation/generate-scenario.js';
import { runSimulation } from '#engine/simulation/run-simulation.js';
import { sampleRules } from '#test/fakes/sample-cart.js';

const SEEDS = 100;
const UPLIFT = 0.06;

describe('the lift the simulator measures', () => {
  it(`holds the true simulated lift in its 95% interval in at least 93 of ${SEEDS} generated months`, async () => {
    // Prepare: small months with half the shoppers held out, so each group has its 30 carts
    const rules = sampleRules({ holdoutPercent: 50 });
    const misses: number[] = [];
    const widths: number[] = [];

    // Act
    for (let seed = 1; seed <= SEEDS; seed++) {
      const lines = generateScenario({ carts: 170, days: 10, seed, returnRate: 0.1, uplift: UPLIFT });
      const summary = await runSimulation(lines, { rules });
      const lift = summary.lift;
      if (lift?.kind !== 'estimate') throw new Error(`seed ${seed}: ${lift?.kind ?? 'no lift'}`);
      widths.push(lift.lift.upper - lift.lift.lower);
      if (lift.lift.lower > UPLIFT || lift.lift.upper < UPLIFT) misses.push(seed);
    }

    // Assess: about 5 misses are expected of a 95% interval; the intervals are not trivially wide
    expect(misses.length, `missed in seeds ${misses.join(', ')}`).toBeLessThanOrEqual(SEEDS - 93);
    expect(Math.max(...widths)).toBeLessThan(0.5);
  }, 180_000);
});
