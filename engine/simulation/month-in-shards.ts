/**
 * A generated month split by shopper into shards, run on worker threads, one per core: the same
 * engine and the same month as `runSimulation` over the whole of `generateScenario`, in a fraction
 * of the time and memory. Shoppers never affect one another (the frequency cap and checkouts only
 * couple carts of one email), so the shards' summaries add up to the month's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { estimateLift, type LiftGroup } from '../domain/lift.js';
import type { Rules } from '../domain/rules.js';
import { DEFAULT_MONTH_START, type GenerateOptions } from './generate-scenario.js';
import { roundToCents, type SimulationSummary } from './run-simulation.js';

/**
 * Carts per shard. Each worker holds one shard at a time, so peak memory follows this, not the
 * month: two workers with 20,000 carts each stayed near 540 MB in `npm run bench`.
 */
export const CARTS_PER_SHARD = 20_000;

/** The month to generate: everything `generateScenario` takes but the shard. */
export type MonthOptions = Omit<GenerateOptions, 'shard'>;

export interface MonthInShardsOptions {
  month: MonthOptions;
  rules: Rules;
  /** Run every shard's clock to here; default 30 days after the month's last line, as `runSimulation`. */
  until?: Date;
  /** Default: one per {@link CARTS_PER_SHARD} carts, and at least one per worker. */
  shards?: number;
  /** Default: one per core. */
  workers?: number;
  /** Called now and then with the share of the month simulated (0..1) and the lines read so far. */
  onProgress?: (share: number, lines: number) => void;
}

/** What every worker is given once. */
export interface ShardWorkerData {
  month: MonthOptions;
  rules: Rules;
}

/** One shard to run: shoppers whose number modulo `count` is `index`; `until` in epoch ms. */
export interface ShardTask {
  index: number;
  count: number;
  until?: number;
}

export interface ShardProgress {
  kind: 'progress';
  index: number;
  virtualTime: number;
  lines: number;
}

export interface ShardDone {
  kind: 'done';
  index: number;
  summary: SimulationSummary;
}

/** How many shards a month of `carts` carts is split into by default. */
export function shardsFor(carts: number, workers: number): number {
  return Math.max(workers, Math.ceil(carts / CARTS_PER_SHARD));
}

/**
 * Runs the generated month in shards and returns the month's summary, the same as `runSimulation`
 * gives for the whole month (sums, the lift of the summed groups, the latest end).
 *
 * Each shard's clock stops where its own lines end it; one whose carts still had wake-ups pending
 * then runs again to where the whole month's clock stops, so no shard stops before the month would.
 */
export async function runMonthInShards(options: MonthInShardsOptions): Promise<SimulationSummary> {
  const workers = Math.max(1, options.workers ?? availableParallelism());
  const count = Math.max(1, options.shards ?? shardsFor(options.month.carts, workers));
  const dir = await mkdtemp(join(tmpdir(), 'cart-recovery-month-'));
  try {
    const workerFile = await bundleWorker(dir);
    const data: ShardWorkerData = { month: options.month, rules: options.rules };
    const until = options.until?.getTime();
    const tasks: ShardTask[] = Array.from({ length: count }, (_, index) => ({
      index,
      count,
      ...(until === undefined ? {} : { until }),
    }));
    const progress = progressOf(options, count);
    const parts = await runTasks(workerFile, data, tasks, workers, progress);
    // Shards end at different times: each at 30 days after its own last line, or at `until` (or its
    // last line, if later). A shard still holding wake-ups then runs again, to where the whole month's
    // clock stops: 30 days after the month's last line, or `until`. When the month's last line is
    // after `until`, the whole month runs wake-ups only up to before that line.
    const end = Math.max(...parts.map(endOf));
    const rerunUntil = until !== undefined && end > until ? end - 1 : end;
    const again = tasks.filter((task) => {
      const part = parts[task.index] as SimulationSummary;
      return part.pendingWakeUps > 0 && endOf(part) < end;
    });
    if (again.length > 0) {
      const rerun = await runTasks(
        workerFile,
        data,
        again.map((task) => ({ ...task, until: rerunUntil })),
        workers,
        () => {},
      );
      for (const [i, task] of again.entries()) parts[task.index] = rerun[i] as SimulationSummary;
    }
    return mergeSummaries(parts);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The month's summary from its shards' (in shard order, so sums of amounts come out the same every
 * run): counts add up, the lift is estimated from the summed groups, the end is the latest.
 */
export function mergeSummaries(parts: readonly SimulationSummary[]): SimulationSummary {
  const sum = (pick: (part: SimulationSummary) => number) =>
    parts.reduce((total, part) => total + pick(part), 0);
  const addUp = (pick: (part: SimulationSummary) => Record<string, number>, round = (n: number) => n) => {
    const totals: Record<string, number> = {};
    for (const part of parts) {
      for (const [key, value] of Object.entries(pick(part))) totals[key] = round((totals[key] ?? 0) + value);
    }
    return totals;
  };
  const lifts = parts.flatMap((part) => (part.lift ? [part.lift] : []));
  const group = (pick: (lift: NonNullable<SimulationSummary['lift']>) => LiftGroup): LiftGroup => ({
    carts: lifts.reduce((total, lift) => total + pick(lift).carts, 0),
    purchases: lifts.reduce((total, lift) => total + pick(lift).purchases, 0),
    revenue: lifts.reduce((total, lift) => total + pick(lift).revenue, 0),
  });
  const ends = parts.flatMap((part) => (part.endedAt ? [part.endedAt] : [])).sort();
  return {
    lines: sum((p) => p.lines),
    events: sum((p) => p.events),
    rejected: sum((p) => p.rejected),
    duplicates: sum((p) => p.duplicates),
    carts: sum((p) => p.carts),
    remindersSent: { first: sum((p) => p.remindersSent.first), second: sum((p) => p.remindersSent.second) },
    deferred: sum((p) => p.deferred),
    skipped: sum((p) => p.skipped),
    heldOut: sum((p) => p.heldOut),
    notBack: sum((p) => p.notBack),
    ...(lifts.length > 0
      ? {
          lift: estimateLift(
            group((lift) => lift.reminded),
            group((lift) => lift.heldOut),
          ),
        }
      : {}),
    closedByStatus: addUp((p) => p.closedByStatus),
    open: sum((p) => p.open),
    recoveredRevenue: addUp((p) => p.recoveredRevenue, roundToCents),
    wakeUps: sum((p) => p.wakeUps),
    pendingWakeUps: sum((p) => p.pendingWakeUps),
    ...(ends.length > 0 ? { endedAt: ends.at(-1) } : {}),
  };
}

/** A shard's end in epoch ms; a shard without lines never started its clock. */
function endOf(part: SimulationSummary): number {
  return part.endedAt ? Date.parse(part.endedAt) : Number.NEGATIVE_INFINITY;
}

/**
 * The workers run the engine bundled by esbuild, as the Lambdas run it: through tsx's loader every
 * function the engine makes at run time also passes through a naming helper (docs/performance.md).
 */
async function bundleWorker(dir: string): Promise<string> {
  const outfile = join(dir, 'month-shard-worker.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./month-shard-worker.ts', import.meta.url))],
    outfile,
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
  return outfile;
}

/** Each shard's progress, as the month's share done: the average of the shards' shares. */
function progressOf(
  options: MonthInShardsOptions,
  count: number,
): (index: number, virtualTime: number, lines: number) => void {
  const report = options.onProgress;
  if (!report) return () => {};
  const start = (options.month.start ?? DEFAULT_MONTH_START).getTime();
  const span = Math.max(1, options.month.days * 86_400_000);
  const shares = new Array<number>(count).fill(0);
  const lines = new Array<number>(count).fill(0);
  return (index, virtualTime, read) => {
    shares[index] = Math.min(1, Math.max(0, (virtualTime - start) / span));
    lines[index] = read;
    report(
      shares.reduce((a, b) => a + b, 0) / count,
      lines.reduce((a, b) => a + b, 0),
    );
  };
}

/** Runs `tasks` on up to `workers` threads, each taking the next task when done; summaries by task order. */
async function runTasks(
  workerFile: string,
  data: ShardWorkerData,
  tasks: readonly ShardTask[],
  workers: number,
  progress: (index: number, virtualTime: number, lines: number) => void,
): Promise<SimulationSummary[]> {
  const summaries: (SimulationSummary | undefined)[] = tasks.map(() => undefined);
  let next = 0;
  const positionOf = new Map(tasks.map((task, i) => [task.index, i]));
  const started: Worker[] = [];
  const runWorker = () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(workerFile, { workerData: data });
      started.push(worker);
      const handOut = () => worker.postMessage(next < tasks.length ? tasks[next++] : null);
      worker.on('message', (message: ShardProgress | ShardDone) => {
        if (message.kind === 'progress') {
          progress(message.index, message.virtualTime, message.lines);
          return;
        }
        const at = positionOf.get(message.index);
        if (at !== undefined) summaries[at] = message.summary;
        progress(message.index, Number.POSITIVE_INFINITY, message.summary.lines);
        handOut();
      });
      worker.once('online', handOut);
      worker.once('error', reject);
      worker.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`a simulation worker exited with code ${code}`)),
      );
    });
  try {
    await Promise.all(Array.from({ length: Math.min(workers, tasks.length) }, runWorker));
  } catch (error) {
    // One failed shard fails the month: the other workers stop now instead of running every shard left.
    await Promise.all(started.map((worker) => worker.terminate()));
    throw error;
  }
  const missing = summaries.indexOf(undefined);
  if (missing >= 0) {
    throw new Error(`shard ${tasks[missing]?.index} of ${tasks.length} did not finish`);
  }
  return summaries as SimulationSummary[];
}
