/**
 * One generated month through the engine on in-memory adapters, as `cart-recovery simulate
 * --generate` runs it (`runMonthInShards`: shards of 20,000 carts by shopper, one worker thread per
 * core, the engine bundled by esbuild), in its own process so peak memory is its own. Prints one JSON
 * line of figures.
 *
 *   tsx bench/simulate-month.ts [carts] [shards] [workers]
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { parseRulesYaml } from '../engine/domain/rules-yaml.js';
import { runMonthInShards, shardsFor } from '../engine/simulation/month-in-shards.js';

const carts = Number(process.argv[2] ?? 300_000);
const workers = Math.max(1, Number(process.argv[4] ?? availableParallelism()));
const shards = Math.max(1, Number(process.argv[3] ?? shardsFor(carts, workers)));
const rules = parseRulesYaml(await readFile(new URL('../examples/rules.yaml', import.meta.url), 'utf8'));

const began = performance.now();
const summary = await runMonthInShards({ month: { carts, days: 30, seed: 7 }, rules, shards, workers });
const seconds = (performance.now() - began) / 1000;
const reminders = summary.remindersSent.first + summary.remindersSent.second;
const cpu = process.cpuUsage();
console.log(
  JSON.stringify({
    carts: summary.carts,
    shards,
    workers: Math.min(workers, shards),
    events: summary.events,
    wakeUps: summary.wakeUps,
    reminders,
    recovered: summary.closedByStatus.recovered ?? 0,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    eventsPerSecond: summary.events / seconds,
    stepsPerSecond: (summary.events + summary.wakeUps + reminders) / seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
