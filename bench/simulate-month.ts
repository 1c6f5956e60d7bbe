/**
 * One generated month through the engine on in-memory adapters (the simulator's hot path), in its own
 * process so peak memory is its own. With `shards` > 1 the month is split by shopper across worker
 * threads (one per core): shoppers never affect one another, so the shards together are exactly the
 * month (the totals below are checked against the summaries). Prints one JSON line of figures.
 *
 *   tsx bench/simulate-month.ts [carts] [shards]
 */
import { readFile } from 'node:fs/promises';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { parseRulesYaml } from '../engine/domain/rules-yaml.js';
import { generateScenario } from '../engine/simulation/generate-scenario.js';
import { runSimulation, type SimulationSummary } from '../engine/simulation/run-simulation.js';

async function simulate(carts: number, shard?: { index: number; count: number }): Promise<SimulationSummary> {
  const rules = parseRulesYaml(await readFile(new URL('../examples/rules.yaml', import.meta.url), 'utf8'));
  return runSimulation(generateScenario({ carts, days: 30, seed: 7, ...(shard ? { shard } : {}) }), {
    rules,
  });
}

if (!isMainThread) {
  const { carts, shard } = workerData as { carts: number; shard: { index: number; count: number } };
  parentPort?.postMessage(await simulate(carts, shard));
} else {
  const carts = Number(process.argv[2] ?? 300_000);
  const shards = Number(process.argv[3] ?? 1);
  const heapMb = Number(process.env.SHARD_HEAP_MB ?? 450);
  const began = performance.now();
  const summaries =
    shards <= 1
      ? [await simulate(carts)]
      : await Promise.all(
          Array.from(
            { length: shards },
            (_, index) =>
              new Promise<SimulationSummary>((resolve, reject) => {
                // A worker does not inherit tsx's loader: register it, then load this file.
                const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); });`;
                const worker = new Worker(boot, {
                  eval: true,
                  workerData: { carts, shard: { index, count: shards } },
                  resourceLimits: { maxOldGenerationSizeMb: heapMb },
                });
                worker.once('message', resolve);
                worker.once('error', reject);
              }),
          ),
        );
  const seconds = (performance.now() - began) / 1000;
  const sum = (pick: (s: SimulationSummary) => number) => summaries.reduce((total, s) => total + pick(s), 0);
  const events = sum((s) => s.events);
  const wakeUps = sum((s) => s.wakeUps);
  const reminders = sum((s) => s.remindersSent.first + s.remindersSent.second);
  console.log(
    JSON.stringify({
      carts: sum((s) => s.carts),
      shards,
      events,
      wakeUps,
      reminders,
      recovered: sum((s) => s.closedByStatus.recovered ?? 0),
      seconds,
      eventsPerSecond: events / seconds,
      stepsPerSecond: (events + wakeUps + reminders) / seconds,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
}
