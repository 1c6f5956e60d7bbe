import type { RequestCounts } from '../simulation/request-counter.js';
import { PRICES, type PriceName } from './aws-prices.js';

/** What the estimate assumes beyond the counted requests; printed with every estimate. */
export const ASSUMPTIONS = {
  lambdaMemoryMb: 256,
  lambdaMs: { webhook: 40, wake: 40, sender: 250, owner: 60 } as Record<string, number>,
  /** Write units per request, with the table's secondary indexes (see docs/dynamodb-schema.md). */
  writeUnits: { cartPut: 5, cartClaim: 5, contactUpdate: 1, auditPut: 4 },
  /** Read units per request: carts and contacts are read strongly consistent (1 unit up to 4 KB). */
  readUnits: { getItem: 1, query: 0.5 },
  /** Bytes stored per cart, with indexes, audit and contacts. */
  bytesPerCart: 6_000,
  logBytesPerInvocation: 600,
  bedrockTokens: { input: 350, output: 40 },
  /**
   * Polished lines are cached per variant (tone, locale, voice, rules version) per day in each warm
   * sender, so Bedrock calls grow with the variants, not with the carts: the measured month's calls
   * are taken as they are, times this many warm senders.
   */
  warmSenders: 2,
  /** Lambda's SQS poller long-polls an idle queue: about this many requests a month, whatever the traffic. */
  sqsIdlePollingPerMonth: 650_000,
  /**
   * Rules are fetched at most once a minute per warm function; five functions read them (the sender
   * gets them in each reminder job).
   */
  rulesGetsPerMonthMax: 5 * 43_200,
  /** Functions that stay cold between bursts read the secret again; about one in fifty invocations. */
  coldStartShare: 0.02,
  alarms: 2,
};

export interface CostLine {
  service: string;
  usage: string;
  withFreeTier: number;
  withoutFreeTier: number;
}

export interface CostEstimate {
  carts: number;
  lines: CostLine[];
  total: { withFreeTier: number; withoutFreeTier: number };
  perCart: Record<string, Record<string, number>>;
}

const get = (counts: RequestCounts, service: string, op: string) => counts[service]?.[op] ?? 0;

/**
 * Scales the requests counted for `sampleCarts` simulated carts to `carts` a month and prices them.
 * Pure: the counts come from running a generated month through the engine with counting adapters.
 */
export function estimateMonthlyCost(counts: RequestCounts, sampleCarts: number, carts: number): CostEstimate {
  const scale = carts / sampleCarts;
  const perCart: CostEstimate['perCart'] = {};
  for (const [service, ops] of Object.entries(counts)) {
    perCart[service] = Object.fromEntries(Object.entries(ops).map(([op, n]) => [op, n / sampleCarts]));
  }
  const n = (service: string, op: string) => get(counts, service, op) * scale;
  const lines: CostLine[] = [];
  const charge = (service: string, usage: string, parts: [PriceName, number][]) => {
    let withFree = 0;
    let without = 0;
    for (const [name, quantity] of parts) {
      const price = PRICES[name] as { usd: number; freeMonthly?: number };
      without += quantity * price.usd;
      withFree += Math.max(0, quantity - (price.freeMonthly ?? 0)) * price.usd;
    }
    lines.push({ service, usage, withFreeTier: withFree, withoutFreeTier: without });
  };

  const invocations = Object.entries(counts.Lambda ?? {}).map(([fn, k]) => [fn, k * scale] as const);
  const totalInvocations = invocations.reduce((sum, [, k]) => sum + k, 0);
  const gbSeconds = invocations.reduce(
    (sum, [fn, k]) =>
      sum + (k * (ASSUMPTIONS.lambdaMs[fn] ?? 100) * ASSUMPTIONS.lambdaMemoryMb) / 1024 / 1000,
    0,
  );
  charge('Lambda (arm64)', `${fmt(totalInvocations)} invocations, ${fmt(gbSeconds)} GB-s`, [
    ['lambdaRequest', totalInvocations],
    ['lambdaArmGbSecond', gbSeconds],
  ]);

  const w = ASSUMPTIONS.writeUnits;
  const writes =
    n('DynamoDB', 'PutItem') * w.cartPut +
    n('DynamoDB', 'UpdateItem') * ((w.cartClaim + w.contactUpdate) / 2) +
    n('DynamoDB', 'PutItem (audit)') * w.auditPut;
  const reads =
    n('DynamoDB', 'GetItem') * ASSUMPTIONS.readUnits.getItem +
    n('DynamoDB', 'Query') * ASSUMPTIONS.readUnits.query;
  const storageGb = (carts * ASSUMPTIONS.bytesPerCart) / 1e9;
  charge(
    'DynamoDB (on demand)',
    `${fmt(writes)} write units, ${fmt(reads)} read units, ${storageGb.toFixed(2)} GB`,
    [
      ['dynamoWriteUnit', writes],
      ['dynamoReadUnit', reads],
      ['dynamoStorageGbMonth', storageGb],
      ['dynamoPitrGbMonth', storageGb],
    ],
  );

  const wakeUps = n('Lambda', 'wake');
  charge(
    'EventBridge Scheduler',
    `${fmt(wakeUps)} invocations (${fmt(n('Scheduler', 'CreateSchedule'))} schedules made)`,
    [['schedulerInvocation', wakeUps]],
  );

  const sqs = n('SQS', 'SendMessage') * 3 + ASSUMPTIONS.sqsIdlePollingPerMonth;
  charge('SQS', `${fmt(sqs)} requests (send, receive, delete, idle polling)`, [['sqsRequest', sqs]]);

  const emails = n('SES', 'SendEmail');
  charge('SES', `${fmt(emails)} emails`, [['sesEmail', emails]]);

  const converse = get(counts, 'Bedrock', 'Converse') * ASSUMPTIONS.warmSenders;
  charge('Bedrock (Claude Haiku 4.5)', `${fmt(converse)} Converse calls`, [
    ['bedrockHaikuInputToken', converse * ASSUMPTIONS.bedrockTokens.input],
    ['bedrockHaikuOutputToken', converse * ASSUMPTIONS.bedrockTokens.output],
  ]);

  const rulesReaders = invocations.filter(([fn]) => fn !== 'sender').reduce((sum, [, k]) => sum + k, 0);
  const gets = Math.min(rulesReaders, ASSUMPTIONS.rulesGetsPerMonthMax);
  charge('S3 (rules)', `${fmt(gets)} GETs`, [['s3Get', gets]]);

  const secretCalls = totalInvocations * ASSUMPTIONS.coldStartShare;
  charge('Secrets Manager', `1 secret, ${fmt(secretCalls)} reads`, [
    ['secretMonth', 1],
    ['secretApiCall', secretCalls],
  ]);

  const logGb = (totalInvocations * ASSUMPTIONS.logBytesPerInvocation) / 1e9;
  charge('CloudWatch (logs, alarms)', `${logGb.toFixed(3)} GB of logs, ${ASSUMPTIONS.alarms} alarms`, [
    ['logsIngestGb', logGb],
    ['alarmMonth', ASSUMPTIONS.alarms],
  ]);

  const total = lines.reduce(
    (sum, line) => ({
      withFreeTier: sum.withFreeTier + line.withFreeTier,
      withoutFreeTier: sum.withoutFreeTier + line.withoutFreeTier,
    }),
    { withFreeTier: 0, withoutFreeTier: 0 },
  );
  return { carts, lines, total, perCart };
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
