/**
 * A worker thread of `runMonthInShards`: runs each shard of the generated month it is sent through the
 * engine on in-memory adapters and answers with the shard's summary; `null` means no more work. The
 * main thread bundles this file with esbuild before starting its workers (see there for why).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { generateScenario } from './generate-scenario.js';
import type { ShardDone, ShardProgress, ShardTask, ShardWorkerData } from './month-in-shards.js';
import { runSimulation } from './run-simulation.js';

const { month, rules } = workerData as ShardWorkerData;
const port = parentPort;
if (!port) throw new Error('month-shard-worker runs only as a worker thread');

port.on('message', (task: ShardTask | null) => {
  if (!task) {
    port.close();
    return;
  }
  const { index, count, until } = task;
  // A failure is an unhandled rejection: it ends the worker, and the main thread reports it.
  void runSimulation(generateScenario({ ...month, shard: { index, count } }), {
    rules,
    ...(until === undefined ? {} : { until: new Date(until) }),
    onProgress: (virtualTime, lines) =>
      port.postMessage({ kind: 'progress', index, virtualTime, lines } satisfies ShardProgress),
  }).then((summary) => port.postMessage({ kind: 'done', index, summary } satisfies ShardDone));
});
