/**
 * The worker of `bench/simulate-month.ts`: runs each shard of the generated month it is sent through
 * the engine on in-memory adapters, and answers with the shard's summary; `null` means no more work.
 * The main thread bundles this file with esbuild before starting workers (see there for why).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseRulesYaml } from '../engine/domain/rules-yaml.js';
import { generateScenario } from '../engine/simulation/generate-scenario.js';
import { runSimulation } from '../engine/simulation/run-simulation.js';

/** One shard of the month: shoppers whose number modulo `count` is `index`. */
export type Shard = { index: number; count: number };

/** What the main thread gives each worker. */
export interface ShardWorkerData {
  /** Carts in the whole month. */
  carts: number;
  /** The rules document's text (examples/rules.yaml). */
  rulesYaml: string;
}

const { carts, rulesYaml } = workerData as ShardWorkerData;
const rules = parseRulesYaml(rulesYaml);

parentPort?.on('message', (shard: Shard | null) => {
  if (!shard) {
    parentPort?.close();
    return;
  }
  // A failure is an unhandled rejection: it ends the worker, and the main thread reports it.
  void runSimulation(generateScenario({ carts, days: 30, seed: 7, shard }), { rules }).then((summary) =>
    parentPort?.postMessage(summary),
  );
});
