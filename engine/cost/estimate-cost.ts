import type { RequestCounts } from '../simulation/request-counter.js';
import { PRICES, type PriceName } from './aws-prices.js';

const MINUTES_A_MONTH = 43_200;

/** What the estimate assumes beyond the counted requests; printed with every estimate. */
export const ASSUMPTIONS = {
  lambdaMemoryMb: 256,
  lambdaMs: { webhook: 40, wake: 40, sender: 250, owner: 60, sync: 1500, sweep: 150 } as Record<
    string,
    number
  >,
  /**
   * Lambda bills the INIT phase of a cold start (since 2025-08-01): a 450 KB ESM bundle on Node.js 24
   * at 256 MB, runtime start included. A function instance is kept about `warmMinutes` after its last
   * call, so a function called λ times a minute starts cold on a share e^(−λ·warmMinutes) of its
   * calls; at least `minColdShare` (scaling out makes new instances too).
   */
  lambdaInit: { ms: 300, warmMinutes: 7, minColdShare: 0.005 },
  /**
   * Functions outside the simulated month, each run every 15 minutes (2,880 runs a month), cold every
   * time: the rules sync (once Google is connected: the Rules tab from Google and the rules JSON and
   * YAML from S3, two GETs; a secret read at each cold start) and the sweep of stuck carts (one Query
   * of the keys-only open-by-wake index; the carts it names are read only when some are overdue, after
   * a lost schedule or a crashed job).
   */
  scheduledRunsPerMonth: { sync: 2_880, sweep: 2_880 },
  /**
   * Write units per request (1 KB each): a cart item is about 1.5 KB (2 units, UpdateItem billed on
   * the larger of old and new); the counted UpdateItems are cart updates and claims (2) and contact
   * updates (1), taken half and half; an audit row is about 2 KB with its before/after views (3) plus
   * its by-month index entry without them (1).
   */
  writeUnits: { cartPut: 2, update: 1.5, auditPut: 4, polishCachePut: 1 },
  /**
   * Index writes per cart (the carts indexes are keys only: a write that changes no key writes no
   * index entry): by-day on create (1) and about one day change in five (2), open-by-email on create
   * (1) and on close (1); and the index entries TTL removes (by-day 1, by-month 1 per audit row),
   * counted although TTL deletes in the table itself are free.
   */
  indexWritesPerCart: 3.4,
  /** Read units: carts and contacts are read strongly consistent (1 unit up to 4 KB); a Query with its BatchGetItem about 1. */
  readUnits: { getItem: 1, query: 1, polishCacheGet: 0.5 },
  /**
   * Storage at steady state under the TTLs (engine/domain/retention.ts): a cart lives about 10 days
   * open and 90 days closed (3.3 months of carts), 1.8 KB with its index entries; an audit row 13
   * months, 1.8 KB with its index entry; a contact 90 days after its last write, 0.25 KB, about 0.8
   * per cart. Point-in-time recovery is billed on the same bytes.
   */
  storage: {
    cartMonths: 3.3,
    cartBytes: 1_800,
    auditMonths: 13,
    auditRowBytes: 1_800,
    contactMonths: 3,
    contactBytes: 250,
    contactsPerCart: 0.8,
  },
  logBytesPerInvocation: 600,
  bedrockTokens: { input: 350, output: 40 },
  /** Lambda's SQS poller long-polls an idle queue: about this many requests a month, whatever the traffic. */
  sqsIdlePollingPerMonth: 650_000,
  /**
   * Rules are fetched at most once a minute per warm function; five functions read them (the sender
   * gets them in each reminder job).
   */
  rulesGetsPerMonthMax: 5 * 43_200,
  alarms: 3,
};

/** One service's monthly cost under the three free-tier assumptions. */
export interface CostLine {
  service: string;
  usage: string;
  /** An account with only the always-free tiers (every account, for good). */
  alwaysFree: number;
  /** Plus the 12-month offers, where they still apply (accounts created before 2025-07-15, first year). */
  withTwelveMonthOffers: number;
  /** No free tier at all. */
  withoutFreeTier: number;
}

type Totals = Pick<CostLine, 'alwaysFree' | 'withTwelveMonthOffers' | 'withoutFreeTier'>;

export interface CostEstimate {
  carts: number;
  lines: CostLine[];
  total: Totals;
  perCart: Record<string, Record<string, number>>;
  /** The always-free tiers the first column uses, by name. */
  alwaysFreeTiers: string[];
}

const get = (counts: RequestCounts, service: string, op: string) => counts[service]?.[op] ?? 0;

/** The share of a function's calls that start cold, at `perMonth` calls a month. */
export function coldShare(perMonth: number): number {
  const perMinute = perMonth / MINUTES_A_MONTH;
  const { warmMinutes, minColdShare } = ASSUMPTIONS.lambdaInit;
  return Math.max(minColdShare, Math.exp(-perMinute * warmMinutes));
}

/**
 * Scales the requests counted for `sampleCarts` simulated carts to `carts` a month and prices them,
 * at steady state (storage under the TTLs). Pure: the counts come from running a generated month
 * through the engine with counting adapters.
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
    const line: CostLine = { service, usage, alwaysFree: 0, withTwelveMonthOffers: 0, withoutFreeTier: 0 };
    for (const [name, quantity] of parts) {
      const price = PRICES[name] as { usd: number; freeMonthly?: number; free12Monthly?: number };
      const always = price.freeMonthly ?? 0;
      line.withoutFreeTier += quantity * price.usd;
      line.alwaysFree += Math.max(0, quantity - always) * price.usd;
      line.withTwelveMonthOffers += Math.max(0, quantity - always - (price.free12Monthly ?? 0)) * price.usd;
    }
    lines.push(line);
  };

  // Lambda: the simulated functions, plus the scheduled ones; INIT billed on each cold start.
  const invocations: [string, number][] = [
    ...Object.entries(counts.Lambda ?? {}).map(([fn, k]): [string, number] => [fn, k * scale]),
    ...Object.entries(ASSUMPTIONS.scheduledRunsPerMonth),
  ];
  const scheduled = new Set(Object.keys(ASSUMPTIONS.scheduledRunsPerMonth));
  const coldStarts = invocations.reduce(
    (sum, [fn, k]) => sum + (scheduled.has(fn) ? k : k * coldShare(k)),
    0,
  );
  const totalInvocations = invocations.reduce((sum, [, k]) => sum + k, 0);
  const gb = ASSUMPTIONS.lambdaMemoryMb / 1024;
  const gbSeconds =
    invocations.reduce((sum, [fn, k]) => sum + (k * (ASSUMPTIONS.lambdaMs[fn] ?? 100) * gb) / 1000, 0) +
    (coldStarts * ASSUMPTIONS.lambdaInit.ms * gb) / 1000;
  charge(
    'Lambda (arm64)',
    `${fmt(totalInvocations)} invocations (${fmt(coldStarts)} cold), ${fmt(gbSeconds)} GB-s incl. INIT`,
    [
      ['lambdaRequest', totalInvocations],
      ['lambdaArmGbSecond', gbSeconds],
    ],
  );

  // DynamoDB: requests as counted, index writes, the polish cache, storage under the TTLs.
  const w = ASSUMPTIONS.writeUnits;
  const converse = get(counts, 'Bedrock', 'Converse');
  const sweepQueries = ASSUMPTIONS.scheduledRunsPerMonth.sweep;
  const writes =
    n('DynamoDB', 'PutItem') * w.cartPut +
    n('DynamoDB', 'UpdateItem') * w.update +
    n('DynamoDB', 'PutItem (audit)') * w.auditPut +
    carts * ASSUMPTIONS.indexWritesPerCart +
    converse * w.polishCachePut;
  const reads =
    n('DynamoDB', 'GetItem') * ASSUMPTIONS.readUnits.getItem +
    (n('DynamoDB', 'Query') + sweepQueries) * ASSUMPTIONS.readUnits.query +
    // Upper bound: every reminder reads the cache item (an instance's memory answers most).
    n('SES', 'SendEmail') * ASSUMPTIONS.readUnits.polishCacheGet;
  const st = ASSUMPTIONS.storage;
  const auditRowsPerCart = get(counts, 'DynamoDB', 'PutItem (audit)') / sampleCarts;
  const storageGb =
    (carts *
      (st.cartMonths * st.cartBytes +
        st.auditMonths * auditRowsPerCart * st.auditRowBytes +
        st.contactMonths * st.contactsPerCart * st.contactBytes)) /
    1e9;
  charge(
    'DynamoDB (on demand)',
    `${fmt(writes)} write units, ${fmt(reads)} read units, ${storageGb.toFixed(2)} GB (+ PITR)`,
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

  // One call per line variant, language and day, whatever the number of senders (durable cache).
  charge('Bedrock (Claude Haiku 4.5)', `${fmt(converse)} Converse calls (variant-days)`, [
    ['bedrockHaikuInputToken', converse * ASSUMPTIONS.bedrockTokens.input],
    ['bedrockHaikuOutputToken', converse * ASSUMPTIONS.bedrockTokens.output],
  ]);

  const rulesReaders = invocations
    .filter(([fn]) => fn !== 'sender' && !scheduled.has(fn))
    .reduce((sum, [, k]) => sum + k, 0);
  const gets =
    Math.min(rulesReaders, ASSUMPTIONS.rulesGetsPerMonthMax) + 2 * ASSUMPTIONS.scheduledRunsPerMonth.sync;
  charge('S3 (rules)', `${fmt(gets)} GETs`, [['s3Get', gets]]);

  // The secret is read once per cold start by the functions that need it.
  charge('Secrets Manager', `1 secret, ${fmt(coldStarts)} reads`, [
    ['secretMonth', 1],
    ['secretApiCall', coldStarts],
  ]);

  const logGb = (totalInvocations * ASSUMPTIONS.logBytesPerInvocation) / 1e9;
  charge('CloudWatch (logs, alarms)', `${logGb.toFixed(3)} GB of logs, ${ASSUMPTIONS.alarms} alarms`, [
    ['logsIngestGb', logGb],
    ['alarmMonth', ASSUMPTIONS.alarms],
  ]);

  const total = lines.reduce<Totals>(
    (sum, line) => ({
      alwaysFree: sum.alwaysFree + line.alwaysFree,
      withTwelveMonthOffers: sum.withTwelveMonthOffers + line.withTwelveMonthOffers,
      withoutFreeTier: sum.withoutFreeTier + line.withoutFreeTier,
    }),
    { alwaysFree: 0, withTwelveMonthOffers: 0, withoutFreeTier: 0 },
  );
  const alwaysFreeTiers = [
    'Lambda 1M requests + 400,000 GB-s',
    'DynamoDB 25 GB storage',
    'EventBridge Scheduler 14M invocations',
    'SQS 1M requests',
    'CloudWatch 5 GB logs + 10 alarms',
  ];
  return { carts, lines, total, perCart, alwaysFreeTiers };
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
