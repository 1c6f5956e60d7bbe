/**
 * One generated month through the engine on in-memory adapters (the simulator's hot path), in its own
 * process so peak memory is its own. The month is split by shopper into shards: shoppers never affect
 * one another (the frequency cap and checkouts only couple carts of one email), so the shards together
 * are exactly the month, and the totals below add up their summaries. One worker thread per core runs
 * shards one after another, so only as many shards are in memory at once as there are cores: peak
 * memory follows the shard size, not the month. Prints one JSON line of figures.
 *
 *   tsx bench/simulate-month.ts [carts] [shards] [workers]
 *
 * Defaults: one shard per 20,000 carts (at least one per worker), one worker per core. The optional
 * SHARD_HEAP_MB and SHARD_YOUNG_MB set each worker's old- and young-generation sizes, for experiments.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { parseRulesYaml } from '../engine/domain/rules-yaml.js';
import { generateScenario } from '../engine/simulation/generate-scenario.js';
import { runSimulation, type SimulationSummary } from '../engine/simulation/run-simulation.js';

const CARTS_PER_SHARD = 20_000;
const youngMb = process.env.SHARD_YOUNG_MB ? Number(process.env.SHARD_YOUNG_MB) : undefined;

type Shard = { index: number; count: number };

async function simulate(carts: number, shard?: Shard): Promise<SimulationSummary> {
  const rules = parseRulesYaml(await readFile(new URL('../examples/rules.yaml', import.meta.url), 'utf8'));
  return runSimulation(generateScenario({ carts, days: 30, seed: 7, ...(shard ? { shard } : {}) }), {
    rules,
  });
}

if (!isMainThread) {
  // A worker: runs each shard it is sent, answers with its summary; `null` means no more work.
  const { carts } = workerData as { carts: number };
  parentPort?.on('message', (shard: Shard | null) => {
    if (!shard) {
      parentPort?.close();
      return;
    }
    // A failure is an unhandled rejection: it ends the worker, and the main thread reports it.
    void simulate(carts, shard).then((summary) => parentPort?.postMessage(summary));
  });
} else {
  const carts = Number(process.argv[2] ?? 300_000);
  const workers = Math.max(1, Number(process.argv[4] ?? availableParallelism()));
  const shards = Math.max(
    1,
    Number(process.argv[3] ?? Math.max(workers, Math.ceil(carts / CARTS_PER_SHARD))),
  );
  const heapMb = process.env.SHARD_HEAP_MB ? Number(process.env.SHARD_HEAP_MB) : undefined;
  const began = performance.now();
  const summaries: SimulationSummary[] = [];
  if (shards <= 1) summaries.push(await simulate(carts));
  else {
    let next = 0;
    // A worker does not inherit tsx's loader: register it, then load this file.
    const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); });`;
    const runWorker = () =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(boot, {
          eval: true,
          workerData: { carts },
          resourceLimits: {
            ...(youngMb ? { maxYoungGenerationSizeMb: youngMb } : {}),
            ...(heapMb ? { maxOldGenerationSizeMb: heapMb } : {}),
          },
        });
        const handOut = () => worker.postMessage(next < shards ? { index: next++, count: shards } : null);
        worker.on('message', (summary: SimulationSummary) => {
          summaries.push(summary);
          handOut();
        });
        worker.once('online', handOut);
        worker.once('error', reject);
        worker.once('exit', (code) =>
          summaries.length === shards || code === 0 ? resolve() : reject(new Error(`worker exited ${code}`)),
        );
      });
    await Promise.all(Array.from({ length: Math.min(workers, shards) }, runWorker));
    if (summaries.length !== shards) throw new Error(`${summaries.length} of ${shards} shards finished`);
  }
  const seconds = (performance.now() - began) / 1000;
  const sum = (pick: (s: SimulationSummary) => number) => summaries.reduce((total, s) => total + pick(s), 0);
  const events = sum((s) => s.events);
  const wakeUps = sum((s) => s.wakeUps);
  const reminders = sum((s) => s.remindersSent.first + s.remindersSent.second);
  const cpu = process.cpuUsage();
  console.log(
    JSON.stringify({
      carts: sum((s) => s.carts),
      shards,
      workers: Math.min(workers, shards),
      events,
      wakeUps,
      reminders,
      recovered: sum((s) => s.closedByStatus.recovered ?? 0),
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      eventsPerSecond: events / seconds,
      stepsPerSecond: (events + wakeUps + reminders) / seconds,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
}
