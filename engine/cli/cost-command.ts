import { readFile } from 'node:fs/promises';
import { PRICES } from '../cost/aws-prices.js';
import { ASSUMPTIONS, type CostEstimate, estimateMonthlyCost } from '../cost/estimate-cost.js';
import { parseRulesYaml } from '../domain/rules-yaml.js';
import { generateScenario } from '../simulation/generate-scenario.js';
import type { RequestCounts } from '../simulation/request-counter.js';
import { runSimulation } from '../simulation/run-simulation.js';
import { parseCommandArgs, UsageError, wholeNumber } from './arguments.js';

export const COST_USAGE = `Usage:
  cart-recovery cost --carts N [--sample S] [--seed S] [--rules FILE.yaml] [--json]

Estimates the monthly AWS bill for N abandoned carts a month: it runs a generated month of S carts
(default: N, at most 3,000) through the engine with counting adapters, scales the requests per cart
to N, and prices them (us-east-1, engine/cost/aws-prices.ts): with the always-free tiers only, with
the 12-month offers too (accounts created before 2025-07-15), and without any free tier.`;

const DEFAULT_RULES = new URL('../../examples/rules.yaml', import.meta.url);

/** Measures requests per cart once; the same figures price any number of carts. */
export async function measureRequests(
  sample: number,
  seed: number,
  rulesText: string,
): Promise<RequestCounts> {
  const counts: RequestCounts = {};
  await runSimulation(generateScenario({ carts: sample, days: 30, seed }), {
    rules: parseRulesYaml(rulesText),
    counts,
  });
  return counts;
}

const usd = (value: number) => `$${value < 1000 ? value.toFixed(2) : value.toFixed(0)}`;

/** The estimate as a table, with every assumption under it. */
export function renderEstimate(estimate: CostEstimate): string {
  const width = Math.max(...estimate.lines.map((l) => l.service.length)) + 2;
  const usage = Math.max(...estimate.lines.map((l) => l.usage.length)) + 2;
  const columns = (
    l: Pick<CostEstimate['total'], 'alwaysFree' | 'withTwelveMonthOffers' | 'withoutFreeTier'>,
  ) =>
    `${usd(l.alwaysFree).padStart(13)}${usd(l.withTwelveMonthOffers).padStart(14)}${usd(l.withoutFreeTier).padStart(14)}`;
  const rows = estimate.lines.map((l) => `${l.service.padEnd(width)}${l.usage.padEnd(usage)}${columns(l)}`);
  const perCart = Object.entries(estimate.perCart)
    .map(
      ([service, ops]) =>
        `  ${service}: ${Object.entries(ops)
          .map(([op, k]) => `${op} ${k.toFixed(2)}`)
          .join(', ')}`,
    )
    .join('\n');
  const a = ASSUMPTIONS;
  return [
    `Monthly AWS cost for ${estimate.carts.toLocaleString('en-US')} abandoned carts (us-east-1, a steady month)`,
    `${'service'.padEnd(width)}${'usage'.padEnd(usage)}${'always free'.padStart(13)}${'+12-month'.padStart(14)}${'no free tier'.padStart(14)}`,
    ...rows,
    `${'total'.padEnd(width + usage)}${columns(estimate.total)}`,
    '',
    `Always-free tiers used (every account, for good): ${estimate.alwaysFreeTiers.join('; ')}.`,
    '+12-month adds SES 3,000 emails and S3 20,000 GETs a month: only accounts created before 2025-07-15, in',
    'their first year (newer accounts get sign-up credits instead). Secrets Manager, Bedrock, DynamoDB requests',
    'and point-in-time recovery have no free tier.',
    '',
    'Measured per abandoned cart (a generated month through the engine):',
    perCart,
    '',
    'Assumed:',
    `  Lambda ${a.lambdaMemoryMb} MB; ms per invocation ${JSON.stringify(a.lambdaMs)}; INIT ${a.lambdaInit.ms} ms per cold start, warm ${a.lambdaInit.warmMinutes} min after a call`,
    `  rules sync (two S3 GETs a run) and sweep (one Query of a keys-only index a run) every 15 minutes, ${a.scheduledRunsPerMonth.sync.toLocaleString('en-US')} runs each, cold every time`,
    `  DynamoDB write units per request ${JSON.stringify(a.writeUnits)}, ${a.indexWritesPerCart} index writes per cart, read units ${JSON.stringify(a.readUnits)}`,
    `  storage under the TTLs: carts ${a.storage.cartMonths} months x ${a.storage.cartBytes} B, audit rows ${a.storage.auditMonths} months x ${a.storage.auditRowBytes} B, contacts ${a.storage.contactMonths} months x ${a.storage.contactBytes} B; PITR on the same bytes`,
    `  Bedrock ${a.bedrockTokens.input} input / ${a.bedrockTokens.output} output tokens per call, one call per line variant, language and day (cached in DynamoDB for every sender)`,
    `  ${a.logBytesPerInvocation} log bytes per invocation; SQS idle polling ${a.sqsIdlePollingPerMonth.toLocaleString('en-US')} requests; rules read at most once a minute per function`,
    `  Prices as of ${PRICES.lambdaRequest.asOf}, each with its source in engine/cost/aws-prices.ts`,
  ].join('\n');
}

/** `cart-recovery cost …`: returns the exit code. */
export async function costCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('cost', argv, {
    carts: { type: 'string' },
    sample: { type: 'string' },
    seed: { type: 'string', default: '1' },
    rules: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    console.log(COST_USAGE);
    return 0;
  }
  const carts = wholeNumber('--carts', values.carts);
  const sample =
    values.sample === undefined ? Math.min(carts, 3000) : wholeNumber('--sample', values.sample, 50);
  const seed = wholeNumber('--seed', values.seed);
  const rulesText = await readFile(values.rules ?? DEFAULT_RULES, 'utf8').catch((cause: unknown) => {
    throw new UsageError(
      `cannot read the rules file ${values.rules}: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  });
  const counts = await measureRequests(sample, seed, rulesText);
  const estimate = estimateMonthlyCost(counts, sample, carts);
  console.log(values.json ? JSON.stringify(estimate, null, 2) : renderEstimate(estimate));
  return 0;
}
