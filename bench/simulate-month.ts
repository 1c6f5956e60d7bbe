/**
 * One generated month through the engine on in-memory adapters (the simulator's hot path), in its own
 * process so peak memory is its own. Prints one JSON line of figures.
 */
import { readFile } from 'node:fs/promises';
import { parseRulesYaml } from '../engine/domain/rules.js';
import { generateScenario } from '../engine/simulation/generate-scenario.js';
import { runSimulation } from '../engine/simulation/run-simulation.js';

const carts = Number(process.argv[2] ?? 300_000);
const rules = parseRulesYaml(await readFile(new URL('../examples/rules.yaml', import.meta.url), 'utf8'));
const began = performance.now();
const summary = await runSimulation(generateScenario({ carts, days: 30, seed: 7 }), { rules });
const seconds = (performance.now() - began) / 1000;
console.log(
  JSON.stringify({
    carts,
    events: summary.events,
    wakeUps: summary.wakeUps,
    reminders: summary.remindersSent.first + summary.remindersSent.second,
    seconds,
    eventsPerSecond: summary.events / seconds,
    stepsPerSecond:
      (summary.events + summary.wakeUps + summary.remindersSent.first + summary.remindersSent.second) /
      seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
