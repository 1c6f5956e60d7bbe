import { describe, expect, it } from 'vitest';
import { generateScenario } from '#engine/simulation/generate-scenario.js';
import { runSimulation, type SimulationSummary } from '#engine/simulation/run-simulation.js';
import { sampleRules } from '#test/fakes/sample-cart.js';

const totals = (s: SimulationSummary) => ({
  events: s.events,
  carts: s.carts,
  rejected: s.rejected,
  duplicates: s.duplicates,
  reminders: s.remindersSent,
  deferred: s.deferred,
  skipped: s.skipped,
  closed: s.closedByStatus,
  open: s.open,
  wakeUps: s.wakeUps,
});

function add(a: ReturnType<typeof totals>, b: ReturnType<typeof totals>): ReturnType<typeof totals> {
  const closed: Record<string, number> = { ...a.closed };
  for (const [status, n] of Object.entries(b.closed)) closed[status] = (closed[status] ?? 0) + n;
  return {
    events: a.events + b.events,
    carts: a.carts + b.carts,
    rejected: a.rejected + b.rejected,
    duplicates: a.duplicates + b.duplicates,
    reminders: {
      first: a.reminders.first + b.reminders.first,
      second: a.reminders.second + b.reminders.second,
    },
    deferred: a.deferred + b.deferred,
    skipped: a.skipped + b.skipped,
    closed,
    open: a.open + b.open,
    wakeUps: a.wakeUps + b.wakeUps,
  };
}

describe('generateScenario', () => {
  it('gives the same lines for the same seed and other lines for another', () => {
    const first = [...generateScenario({ carts: 50, days: 5, seed: 3 })];
    const again = [...generateScenario({ carts: 50, days: 5, seed: 3 })];
    const other = [...generateScenario({ carts: 50, days: 5, seed: 4 })];

    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    expect(first.map((l) => l.at)).toEqual([...first.map((l) => l.at)].sort((a, b) => a - b));
  });

  it('splits a month into shards that add up exactly to the whole (shoppers never affect each other)', async () => {
    // Prepare: the same seed, whole and in three shards.
    const rules = sampleRules();
    const until = new Date('2026-05-15T00:00:00Z');
    const whole = await runSimulation(generateScenario({ carts: 400, days: 10, seed: 11 }), { rules, until });

    // Act
    const parts = await Promise.all(
      [0, 1, 2].map((index) =>
        runSimulation(generateScenario({ carts: 400, days: 10, seed: 11, shard: { index, count: 3 } }), {
          rules,
          until,
        }),
      ),
    );

    // Assess: every count of the whole is the sum of the shards', and no shard is empty.
    expect(parts.every((p) => p.carts > 0)).toBe(true);
    expect(parts.map(totals).reduce(add)).toEqual(totals(whole));
    expect(whole.skipped).toBeGreaterThan(0);
  });
});
