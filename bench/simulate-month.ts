/**
 * One generated month through the engine on in-memory adapters (the simulator's hot path), in its own
 * process so peak memory is its own. The month is split by shopper into shards: shoppers never affect
 * one another (the frequency cap and checkouts only couple carts of one email), so the shards together
 * are exactly the month, and the totals below add up their summaries. One worker thread per core runs
 * shards one after another (`bench/month-shard.ts`), so only as many shards are in memory at once as
 * there are cores: peak memory follows the shard size, not the month. Prints one JSON line of figures.
 *
 *   tsx bench/simulate-month.ts [carts] [shards] [workers]
 *
 * Defaults: one shard per 20,000 carts (at least one per worker), one worker per core. The optional
 * SHARD_HEAP_MB and SHARD_YOUNG_MB set each worker's old- and young-generation sizes, for experiments.
 *
 * The workers run the engine as the Lambdas do: bundled by esbuild, here into a temporary directory
 * first. Through tsx's loader every function the engine makes at run time is also passed to a naming
 * helper, a cost the deployed code does not have (docs/performance.md).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import type { SimulationSummary } from '../engine/simulation/run-simulation.js';
import type { Shard, ShardWorkerData } from './month-shard.js';

const CARTS_PER_SHARD = 20_000;
const youngMb = process.env.SHARD_YOUNG_MB ? Number(process.env.SHARD_YOUNG_MB) : undefined;
const heapMb = process.env.SHARD_HEAP_MB ? Number(process.env.SHARD_HEAP_MB) : undefined;

const carts = Number(process.argv[2] ?? 300_000);
const workers = Math.max(1, Number(process.argv[4] ?? availableParallelism()));
const shards = Math.max(1, Number(process.argv[3] ?? Math.max(workers, Math.ceil(carts / CARTS_PER_SHARD))));

const dir = await mkdtemp(join(tmpdir(), 'cart-recovery-month-'));
const workerFile = join(dir, 'month-shard.mjs');
await build({
  entryPoints: [fileURLToPath(new URL('./month-shard.ts', import.meta.url))],
  outfile: workerFile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  // CommonJS packages bundled into an ES module still call require.
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
});
const data: ShardWorkerData = {
  carts,
  rulesYaml: await readFile(new URL('../examples/rules.yaml', import.meta.url), 'utf8'),
};

const began = performance.now();
const summaries: SimulationSummary[] = [];
let next = 0;
const runWorker = () =>
  new Promise<void>((resolve, reject) => {
    const worker = new Worker(workerFile, {
      workerData: data,
      resourceLimits: {
        ...(youngMb ? { maxYoungGenerationSizeMb: youngMb } : {}),
        ...(heapMb ? { maxOldGenerationSizeMb: heapMb } : {}),
      },
    });
    const handOut = () =>
      worker.postMessage(next < shards ? ({ index: next++, count: shards } satisfies Shard) : null);
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
try {
  await Promise.all(Array.from({ length: Math.min(workers, shards) }, runWorker));
} finally {
  await rm(dir, { recursive: true, force: true });
}
if (summaries.length !== shards) throw new Error(`${summaries.length} of ${shards} shards finished`);

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
