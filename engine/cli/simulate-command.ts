import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeOutboxFiles } from '../adapters/eml-outbox.js';
import { createLogger } from '../adapters/pino-logger.js';
import { CartRecoveryError } from '../domain/errors.js';
import { parseRulesYaml } from '../domain/rules-yaml.js';
import { generateScenario } from '../simulation/generate-scenario.js';
import { runSimulation, type SimOutput } from '../simulation/run-simulation.js';
import type { ScenarioLine } from '../simulation/scenario-line.js';
import { LineWriter, progressBar } from './output.js';
import { readScenario } from './read-scenario.js';
import { renderDecisions, renderSummary } from './summary-table.js';

export const SIMULATE_USAGE = `Usage:
  cart-recovery simulate --scenario FILE.jsonl [--rules FILE.yaml] [--until ISO] [--outbox DIR] [--explain CART_ID]
  cart-recovery simulate --generate N [--days D] [--seed S] [--rules FILE.yaml] [--out FILE.jsonl] [--save-scenario FILE.jsonl]

Replays cart events and owner actions through the engine on a virtual clock and prints one JSON
object per line (reminder, skipped, deferred, closed, rejected, ...) on stdout, in time order.
--generate builds a realistic month of N abandoned carts and prints a summary table instead.
--rules defaults to examples/rules.yaml.`;

/** A command-line mistake: printed with the usage, exit code 2. */
export class UsageError extends CartRecoveryError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const DEFAULT_RULES = new URL('../../examples/rules.yaml', import.meta.url);

/** `cart-recovery simulate …`: returns the exit code. */
export async function simulateCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string' },
      rules: { type: 'string' },
      until: { type: 'string' },
      outbox: { type: 'string' },
      explain: { type: 'string' },
      generate: { type: 'string' },
      days: { type: 'string', default: '30' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
      'save-scenario': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(SIMULATE_USAGE);
    return 0;
  }
  if (!values.scenario === !values.generate)
    throw new UsageError('give exactly one of --scenario FILE or --generate N');
  const rulesText = await readFile(values.rules ?? DEFAULT_RULES, 'utf8').catch((cause: unknown) => {
    throw new UsageError(`cannot read the rules file ${values.rules}: ${(cause as Error).message}`);
  });
  const rules = parseRulesYaml(rulesText);
  let until: Date | undefined;
  if (values.until) {
    until = new Date(values.until);
    if (Number.isNaN(until.getTime()))
      throw new UsageError(`--until must be an ISO-8601 time, got "${values.until}"`);
  }
  const log = createLogger({ level: values.verbose ? 'debug' : 'warn', to: 'stderr', name: 'simulate' });

  if (values.generate) {
    const carts = positiveInt('--generate', values.generate);
    const days = positiveInt('--days', values.days);
    const seed = positiveInt('--seed', values.seed);
    const scenario = generateScenario({ carts, days, seed });
    const start = new Date('2026-03-01T00:00:00Z').getTime();
    const saved = values['save-scenario'] ? new LineWriter(await openFd(values['save-scenario'])) : undefined;
    const out = values.out ? new LineWriter(await openFd(values.out)) : undefined;
    const lines = saved ? tee(scenario, saved) : scenario;
    const began = performance.now();
    const summary = await runSimulation(lines, {
      rules,
      ...(until ? { until } : {}),
      log,
      onProgress: progressBar('simulating', start, start + days * 86_400_000),
      ...(out ? { output: (line: SimOutput) => out.write(JSON.stringify(line)) } : {}),
    });
    saved?.flush();
    out?.flush();
    const seconds = (performance.now() - began) / 1000;
    console.log(
      renderSummary(
        summary,
        `Simulated ${carts.toLocaleString('en-US')} carts over ${days} days (seed ${seed}), settled until ${summary.endedAt}`,
      ),
    );
    console.error(`${summary.events.toLocaleString('en-US')} events in ${seconds.toFixed(1)} s`);
    return 0;
  }

  const stdout = new LineWriter(1);
  const outbox = values.outbox;
  const summary = await runSimulation(readScenario(values.scenario ?? ''), {
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
          },
        }
      : {}),
  });
  stdout.flush();
  if (values.explain) console.log(renderDecisions(values.explain, summary.decisions ?? []));
  if (outbox)
    console.error(
      `wrote ${summary.remindersSent.first + summary.remindersSent.second} reminder(s) to ${join(outbox)}`,
    );
  return 0;
}

function positiveInt(flag: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`${flag} must be a whole number of at least 1, got "${text}"`);
  return value;
}

async function openFd(path: string): Promise<number> {
  const { openSync } = await import('node:fs');
  await writeFile(path, '');
  return openSync(path, 'w');
}

function* tee(lines: Iterable<ScenarioLine>, writer: LineWriter): Generator<ScenarioLine> {
  for (const line of lines) {
    const { line: _n, ...rest } = line;
    writer.write(JSON.stringify({ ...rest, at: new Date(rest.at).toISOString() }));
    yield line;
  }
}
