import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { LiftGroup } from '#engine/domain/lift.js';
import { parseRulesYaml } from '#engine/domain/rules-yaml.js';
import { generateScenario } from '#engine/simulation/generate-scenario.js';
import { type MonthOptions, mergeSummaries, runMonthInShards } from '#engine/simulation/month-in-shards.js';
import { runSimulation, type SimulationSummary } from '#engine/simulation/run-simulation.js';

const rules = parseRulesYaml(
  await readFile(new URL('../../../examples/rules.yaml', import.meta.url), 'utf8'),
);

/** The month run whole, in this thread: what the shards must add up to. */
const wholeMonth = (month: MonthOptions, options: { rules?: typeof rules; until?: Date } = {}) =>
  runSimulation(generateScenario(month), { rules: options.rules ?? rules, ...options });

/**
 * `summary` with every fraction matched to 9 digits: amounts are added up in another order by shard,
 * and floating point rounds the last bits differently. Counts stay exact.
 */
function approximately(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isInteger(value)) return expect.closeTo(value, 9);
  if (Array.isArray(value)) return value.map(approximately);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, approximately(v)]));
  return value;
}

describe('runMonthInShards', () => {
  it('gives the summary of the whole month run in one thread', async () => {
    // Prepare
    const month = { carts: 1500, days: 5, seed: 11, uplift: 0.05 };
    const held = { ...rules, holdoutPercent: 10 };

    // Act
    const sharded = await runMonthInShards({ month, rules: held, shards: 3, workers: 2 });
    const whole = await wholeMonth(month, { rules: held });

    // Assess
    expect(whole.remindersSent.first).toBeGreaterThan(0);
    expect(whole.lift?.kind).toBe('estimate');
    expect(sharded).toEqual(approximately(whole));
  });

  it('runs a shard again to the month end when its carts still had wake-ups as its own clock stopped', async () => {
    // Prepare: giving up 30 days after the last reminder keeps carts waiting past 30 days after a
    // shard's last line, and four shards of 20 carts end days apart.
    const month = { carts: 20, days: 5, seed: 5 };
    const patient = { ...rules, giveUpAfterHours: 720, maxCartAgeHours: 2160 };

    // Act
    const sharded = await runMonthInShards({ month, rules: patient, shards: 4, workers: 2 });
    const whole = await wholeMonth(month, { rules: patient });

    // Assess
    expect(sharded).toEqual(approximately(whole));
  });

  it('stops every shard where the whole month stops with a time given before its last line, and reports the share done', async () => {
    // Prepare: lines go on until about 90 hours after the last cart's start, past `until`; the whole
    // month's clock then stops at its last line.
    const month = { carts: 300, days: 3, seed: 2 };
    const until = new Date('2026-03-05T00:00:00.000Z');
    const shares: number[] = [];

    // Act
    const sharded = await runMonthInShards({
      month,
      rules,
      until,
      shards: 2,
      workers: 2,
      onProgress: (share) => shares.push(share),
    });
    const whole = await wholeMonth(month, { until });

    // Assess
    expect(sharded).toEqual(approximately(whole));
    expect(Date.parse(sharded.endedAt ?? '')).toBeGreaterThan(until.getTime());
    expect(sharded.pendingWakeUps).toBeGreaterThan(0);
    expect(shares.at(-1)).toBe(1);
    expect(shares.every((share, i) => share >= 0 && share <= 1 && share >= (shares[i - 1] ?? 0))).toBe(true);
  });

  it("fails the month with a shard's own error", async () => {
    // Act
    const run = runMonthInShards({ month: { carts: 10, days: 1, seed: 1, returnRate: 2 }, rules, shards: 2 });

    // Assess
    await expect(run).rejects.toThrow('returnRate and uplift must be chances from 0 to 1');
  });
});

describe('mergeSummaries', () => {
  const group = (carts: number, purchases: number, revenue: number): LiftGroup => ({
    carts,
    purchases,
    revenue,
  });
  const part = (over: Partial<SimulationSummary>): SimulationSummary => ({
    lines: 10,
    events: 8,
    rejected: 1,
    duplicates: 1,
    carts: 5,
    remindersSent: { first: 3, second: 2 },
    deferred: 1,
    skipped: 1,
    heldOut: 1,
    notBack: 1,
    closedByStatus: { given_up: 2, recovered: 1 },
    open: 2,
    recoveredRevenue: { USD: 10.1 },
    wakeUps: 7,
    pendingWakeUps: 0,
    ...over,
  });

  it('adds the counts, rounds revenue to cents, takes the latest end, and estimates the lift from the summed groups', () => {
    // Prepare: neither shard has the 30 carts a group needs; together they do.
    const a = part({
      lift: { kind: 'too_few', reminded: group(20, 6, 300), heldOut: group(20, 2, 100), needed: 30 },
      endedAt: '2026-04-08T09:00:00.000Z',
    });
    const b = part({
      closedByStatus: { given_up: 1, purchased: 4 },
      recoveredRevenue: { USD: 0.2, EUR: 5 },
      lift: { kind: 'too_few', reminded: group(15, 3, 150), heldOut: group(10, 1, 50), needed: 30 },
      endedAt: '2026-04-09T10:00:00.000Z',
      pendingWakeUps: 3,
    });

    // Act
    const merged = mergeSummaries([a, b]);

    // Assess
    expect(merged).toMatchObject({
      lines: 20,
      events: 16,
      rejected: 2,
      duplicates: 2,
      carts: 10,
      remindersSent: { first: 6, second: 4 },
      deferred: 2,
      skipped: 2,
      heldOut: 2,
      notBack: 2,
      closedByStatus: { given_up: 3, recovered: 1, purchased: 4 },
      open: 4,
      recoveredRevenue: { USD: 10.3, EUR: 5 },
      wakeUps: 14,
      pendingWakeUps: 3,
      endedAt: '2026-04-09T10:00:00.000Z',
    });
    expect(merged.lift).toMatchObject({
      kind: 'estimate',
      reminded: group(35, 9, 450),
      heldOut: group(30, 3, 150),
    });
  });

  it('leaves out the lift and the end when no shard had a line', () => {
    // Act
    const merged = mergeSummaries([part({ lines: 0 }), part({ lines: 0 })]);

    // Assess
    expect(merged).not.toHaveProperty('lift');
    expect(merged).not.toHaveProperty('endedAt');
  });
});
