import { constants, openSync } from 'node:fs';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { writeOutboxFiles } from '../adapters/eml-outbox.js';
import { createLogger } from '../adapters/pino-logger.js';
import { parseRulesYaml } from '../domain/rules-yaml.js';
import {
  DEFAULT_MONTH_START,
  DEFAULT_RETURN_RATE,
  DEFAULT_UPLIFT,
  generateScenario,
} from '../simulation/generate-scenario.js';
import { CARTS_PER_SHARD, runMonthInShards, shardsFor } from '../simulation/month-in-shards.js';
import { runSimulation, type SimOutput } from '../simulation/run-simulation.js';
import type { ScenarioLine } from '../simulation/scenario-line.js';
import { parseCommandArgs, UsageError, wholeNumber } from './arguments.js';
import { LineWriter, progressBar } from './output.js';
import { readScenario } from './read-scenario.js';
import { renderDecisions, renderSummary } from './summary-table.js';

export const SIMULATE_USAGE = `Usage:
  cart-recovery simulate --scenario FILE.jsonl [--rules FILE.yaml] [--until ISO] [--outbox DIR] [--explain CART_ID]
  cart-recovery simulate --generate N [--days D] [--seed S] [--rules FILE.yaml] [--until ISO] [--out FILE.jsonl]
                         [--save-scenario FILE.jsonl] [--holdout PERCENT] [--return-rate P] [--uplift P] [--shards K]

Replays cart events and owner actions through the engine on a virtual clock and prints one JSON
object per line (reminder, skipped, deferred, closed, rejected, ...) on stdout, in time order.
--generate builds a realistic month of N abandoned carts and prints a summary table instead, with
the lift of reminders measured against the holdout (--holdout overrides the rules' holdoutPercent).
A shopper comes back without a reminder with chance --return-rate (default ${DEFAULT_RETURN_RATE}) and because of
one with the extra chance --uplift (default ${DEFAULT_UPLIFT}): the true lift the summary should find.
A month of more than ${CARTS_PER_SHARD.toLocaleString('en-US')} carts is split by shopper into shards of about that many,
run on every core (--shards sets how many; 1 runs it in one thread, as --out, --save-scenario and
--verbose do): the same month and the same summary, in less time and memory.
Every line is delivered whatever --until says: --until only sets where the clock stops after the
last line, running the wake-ups due up to then (default: 30 days after the last line).
A flag that only one of the two modes reads is refused in the other.
--rules defaults to examples/rules.yaml.`;

const DEFAULT_RULES = new URL('../../examples/rules.yaml', import.meta.url);

/** `cart-recovery simulate …`: returns the exit code. */
export async function simulateCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('simulate', argv, {
    scenario: { type: 'string' },
    rules: { type: 'string' },
    until: { type: 'string' },
    outbox: { type: 'string' },
    explain: { type: 'string' },
    generate: { type: 'string' },
    days: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    'save-scenario': { type: 'string' },
    shards: { type: 'string' },
    holdout: { type: 'string' },
    'return-rate': { type: 'string' },
    uplift: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    console.log(SIMULATE_USAGE);
    return 0;
  }
  if (!values.scenario === !values.generate)
    throw new UsageError('give exactly one of --scenario FILE or --generate N');
  refuseOtherModeFlags(values, values.generate ? 'generate' : 'scenario');
  const rulesText = await readFile(values.rules ?? DEFAULT_RULES, 'utf8').catch((cause: unknown) => {
    throw new UsageError(`cannot read the rules file ${values.rules}: ${reason(cause)}`);
  });
  let rules = parseRulesYaml(rulesText);
  let until: Date | undefined;
  if (values.until) {
    until = new Date(values.until);
    if (Number.isNaN(until.getTime()))
      throw new UsageError(`--until must be an ISO-8601 time, got "${values.until}"`);
  }
  // Rejected events are in the output (--scenario) or counted in the summary (--generate): their
  // warnings would only bury the progress bar. --verbose shows every log line.
  const log = createLogger({ level: values.verbose ? 'debug' : 'error', to: 'stderr', name: 'simulate' });

  if (values.generate) {
    const carts = wholeNumber('--generate', values.generate);
    const days = wholeNumber('--days', values.days ?? '30');
    const seed = wholeNumber('--seed', values.seed ?? '1');
    const returnRate = chance('--return-rate', values['return-rate'], DEFAULT_RETURN_RATE);
    const uplift = chance('--uplift', values.uplift, DEFAULT_UPLIFT);
    if (returnRate + uplift > 1) throw new UsageError('--return-rate and --uplift must add up to at most 1');
    if (values.holdout !== undefined) {
      const holdout = wholeNumber('--holdout', values.holdout, 0);
      if (holdout > 50)
        throw new UsageError(`--holdout must be a whole percentage from 0 to 50, got "${values.holdout}"`);
      rules = { ...rules, holdoutPercent: holdout };
    }
    const month = { carts, days, seed, returnRate, uplift };
    const start = DEFAULT_MONTH_START.getTime();
    const bar = progressBar('simulating', start, start + days * 86_400_000);
    const saved = values['save-scenario'] ? new LineWriter(await openFd(values['save-scenario'])) : undefined;
    const out = values.out ? new LineWriter(await openFd(values.out)) : undefined;
    const began = performance.now();
    const shards = shardCount(values, carts);
    const summary =
      shards === 1
        ? await runSimulation(saved ? tee(generateScenario(month), saved) : generateScenario(month), {
            rules,
            ...(until ? { until } : {}),
            log,
            onProgress: bar,
            ...(out ? { output: (line: SimOutput) => out.write(JSON.stringify(line)) } : {}),
          })
        : await runMonthInShards({
            month,
            rules,
            shards,
            ...(until ? { until } : {}),
            onProgress: (share, lines) => bar(start + share * days * 86_400_000, lines),
          });
    // The clock stops when the month is settled, after its last progress report: the bar ends at 100%.
    bar(start + days * 86_400_000, summary.lines);
    saved?.flush();
    out?.flush();
    const seconds = (performance.now() - began) / 1000;
    console.log(
      renderSummary(
        summary,
        `Simulated ${carts.toLocaleString('en-US')} carts over ${days} days (seed ${seed}), settled until ${summary.endedAt}`,
      ),
    );
    console.log(
      `simulated truth: ${uplift >= 0 ? '+' : ''}${(uplift * 100).toFixed(1)} purchases per 100 abandoned carts (--uplift ${uplift}, holdout ${rules.holdoutPercent}%)`,
    );
    console.error(`${summary.events.toLocaleString('en-US')} events in ${seconds.toFixed(1)} s`);
    return 0;
  }

  const scenarioFile = values.scenario ?? '';
  await access(scenarioFile, constants.R_OK).catch((cause: unknown) => {
    throw new UsageError(`cannot read the scenario file ${scenarioFile}: ${reason(cause)}`);
  });
  const outbox = values.outbox;
  if (outbox) await prepareOutbox(outbox);
  const stdout = new LineWriter(1);
  let written = 0;
  const summary = await runSimulation(readScenario(scenarioFile), {
    rules,
    ...(until ? { until } : {}),
    log,
    ...(values.explain
      ? { explainCartId: values.explain }
      : { output: (line: SimOutput) => stdout.write(JSON.stringify(line)) }),
    ...(outbox
      ? {
          onEmail: async (email, _id, index) => {
            const name = `${String(index).padStart(4, '0')}-${email.tags.cartId}-r${email.tags.reminder}`;
            await writeOutboxFiles(outbox, name, email);
            written++;
          },
        }
      : {}),
  });
  stdout.flush();
  if (values.explain) console.log(renderDecisions(values.explain, summary.decisions ?? []));
  if (outbox) {
    const sent = summary.remindersSent.first + summary.remindersSent.second;
    console.error(`wrote ${written} reminder(s) to ${join(outbox)}`);
    if (written < sent) {
      console.error(
        `cart-recovery: ${sent - written} of ${sent} reminder(s) could not be written to ${outbox}`,
      );
      return 1;
    }
  }
  return 0;
}

/** The flags only one mode reads: given to the other, they would be ignored without a word. */
const MODE_FLAGS = {
  scenario: ['outbox', 'explain'],
  generate: ['days', 'seed', 'out', 'save-scenario', 'shards', 'holdout', 'return-rate', 'uplift'],
} as const;

/** A {@link UsageError} naming the first flag given that belongs to the other mode than `mode`. */
function refuseOtherModeFlags(values: Record<string, unknown>, mode: keyof typeof MODE_FLAGS): void {
  const other = mode === 'scenario' ? 'generate' : 'scenario';
  const flag = MODE_FLAGS[other].find((name) => values[name] !== undefined);
  if (flag)
    throw new UsageError(
      `--${flag} goes with --${other} ${other === 'scenario' ? 'FILE' : 'N'}, not with --${mode}`,
    );
}

/**
 * How many shards a generated month runs in: --shards, else one per CARTS_PER_SHARD carts (at least
 * one per core) for a month bigger than one shard. --out, --save-scenario and --verbose write every
 * line in time order, which only one thread can: they take one shard.
 */
function shardCount(
  values: { shards?: string; out?: string; 'save-scenario'?: string; verbose?: boolean },
  carts: number,
): number {
  const ordered = ['out', 'save-scenario', 'verbose'] as const;
  const needsOrder = ordered.find((flag) => values[flag]);
  if (values.shards !== undefined) {
    const shards = wholeNumber('--shards', values.shards);
    if (shards > 1 && needsOrder)
      throw new UsageError(
        `--${needsOrder} needs the month in time order, in one thread: leave out --shards or give --shards 1`,
      );
    return shards;
  }
  if (needsOrder || carts <= CARTS_PER_SHARD) return 1;
  return shardsFor(carts, availableParallelism());
}

/** A chance from 0 to 1, or a {@link UsageError} naming the flag and what it got. */
function chance(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1)
    throw new UsageError(`${flag} must be a chance from 0 to 1, such as 0.05, got "${text}"`);
  return value;
}

/** The outbox folder, made if missing; a file in its place is a usage error, named. */
async function prepareOutbox(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (cause) {
    throw new UsageError(`--outbox ${dir} is not a folder that can be written: ${reason(cause)}`);
  }
}

/** A file-system error in a few words: its code and message, no stack. */
function reason(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

async function openFd(path: string): Promise<number> {
  try {
    await writeFile(path, '');
    return openSync(path, 'w');
  } catch (cause) {
    throw new UsageError(`cannot write ${path}: ${reason(cause)}`);
  }
}

function* tee(lines: Iterable<ScenarioLine>, writer: LineWriter): Generator<ScenarioLine> {
  for (const line of lines) {
    const { line: _n, ...rest } = line;
    writer.write(JSON.stringify({ ...rest, at: new Date(rest.at).toISOString() }));
    yield line;
  }
}
