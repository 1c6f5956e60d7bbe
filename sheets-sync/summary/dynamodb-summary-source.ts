/**
 * The production `SummarySource`: the month's records from the engine's DynamoDB tables and its
 * estimated AWS cost.
 *
 * Records are a superset of the month, which the figures narrow by each cart's and entry's own
 * times: the audit `by-month` index for every UTC month the window touches, and the carts `by-day`
 * index (a cart sits under the UTC day of its last activity) for every UTC day from the window's
 * start minus the rules' `maxCartAgeHours` (a cart recovered this month may have been abandoned last
 * month) to the window's end plus the same (a cart of the month may have been touched since).
 */
import { estimateMonthlyCost } from '#engine/cost/estimate-cost.js';
import type { Cart } from '#engine/domain/cart.js';
import type { Rules } from '#engine/domain/rules.js';
import type { AuditEntry, RulesSource } from '#engine/ports.js';
import { generateScenario } from '#engine/simulation/generate-scenario.js';
import type { RequestCounts } from '#engine/simulation/request-counter.js';
import { runSimulation } from '#engine/simulation/run-simulation.js';
import type { CartsByDay } from '../nightly-export.js';
import type { SummarySource, SummaryWindow } from './monthly-summary.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** The audit log's month read (`DynamoDbAuditLog.byMonth`). */
export interface AuditByMonth {
  byMonth(month: string): AsyncIterable<AuditEntry>;
}

/** The monthly AWS cost in USD of a store that saw `carts` carts that month. */
export type CostModel = (carts: number) => number | Promise<number>;

export interface DynamoDbSummarySourceOptions {
  /** `DynamoDbCartStore` (its `by-day` index). */
  carts: CartsByDay;
  /** `DynamoDbAuditLog` (its `by-month` index). */
  audit: AuditByMonth;
  /** For `maxCartAgeHours`. */
  rules: RulesSource;
  /** `simulatedCostModel(rules)` in production. */
  cost: CostModel;
}

export class DynamoDbSummarySource implements SummarySource {
  readonly #options: DynamoDbSummarySourceOptions;
  // `writeMonthlySummary` asks for the records and the cost of the same window; one read serves both.
  #last: { key: string; records: Promise<{ carts: Cart[]; audit: AuditEntry[] }> } | undefined;

  constructor(options: DynamoDbSummarySourceOptions) {
    this.#options = options;
  }

  records(window: SummaryWindow): Promise<{ carts: Cart[]; audit: AuditEntry[] }> {
    const key = `${window.from}/${window.to}`;
    if (this.#last?.key !== key) {
      const records = this.#read(window);
      this.#last = { key, records };
      records.catch(() => {
        if (this.#last?.records === records) this.#last = undefined;
      });
    }
    return this.#last.records;
  }

  /**
   * The cost model priced at the number of carts first seen in the window (the carts a store "has"
   * in a month; the estimate's requests per cart come from a simulated month under the same rules).
   */
  async costUsd(window: SummaryWindow): Promise<number> {
    const { carts } = await this.records(window);
    const from = Date.parse(window.from);
    const to = Date.parse(window.to);
    const seen = carts.filter((cart) => {
      const at = Date.parse(cart.firstSeenAt);
      return at >= from && at < to;
    }).length;
    return this.#options.cost(seen);
  }

  async #read(window: SummaryWindow): Promise<{ carts: Cart[]; audit: AuditEntry[] }> {
    const { rules } = await this.#options.rules.current();
    const margin = rules.maxCartAgeHours * HOUR_MS;
    const from = Date.parse(window.from);
    const to = Date.parse(window.to);
    const days = utcDays(from - margin, to + margin);
    const cartLists = await Promise.all(days.map((day) => this.#options.carts.cartsByDay(day)));
    const byId = new Map<string, Cart>();
    for (const cart of cartLists.flat()) {
      // A cart moves between days as it is touched; should a read see it twice, the newer copy wins.
      const other = byId.get(cart.id);
      if (!other || cart.version > other.version) byId.set(cart.id, cart);
    }

    const audit: AuditEntry[] = [];
    for (const month of utcMonths(from, to)) {
      for await (const entry of this.#options.audit.byMonth(month)) audit.push(entry);
    }
    return { carts: [...byId.values()], audit };
  }
}

/**
 * Every UTC day (YYYY-MM-DD) from the one holding `from` to the one holding the last instant before `to`.
 * @example utcDays(Date.parse('2026-10-01T04:00Z'), Date.parse('2026-10-03T04:00Z')) // 2026-10-01 … 2026-10-03
 */
export function utcDays(from: number, to: number): string[] {
  const days: string[] = [];
  for (let at = Math.floor(from / DAY_MS) * DAY_MS; at < to; at += DAY_MS) {
    days.push(new Date(at).toISOString().slice(0, 10));
  }
  return days;
}

/**
 * Every UTC month (YYYY-MM) that [from, to) touches.
 * @example utcMonths(Date.parse('2026-10-01T04:00Z'), Date.parse('2026-11-01T04:00Z')) // ['2026-10', '2026-11']
 */
export function utcMonths(from: number, to: number): string[] {
  const months: string[] = [];
  const start = new Date(from);
  for (let i = 0; ; i += 1) {
    const first = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i, 1);
    if (i > 0 && first >= to) break;
    months.push(new Date(first).toISOString().slice(0, 7));
  }
  return months;
}

/**
 * The engine's own cost estimate as a `CostModel`, the way `cart-recovery cost` makes it: a generated
 * month of `sample` carts runs once through the engine under `rules` with counting adapters (on
 * first use, well under a second for the default sample); the requests per cart are scaled to the
 * month's carts and priced without the free tier (the free tier is the AWS account's and may be
 * spent elsewhere, so the summary states the cost before it).
 * @example new DynamoDbSummarySource({ carts, audit, rules, cost: simulatedCostModel(rules) })
 */
export function simulatedCostModel(rules: RulesSource, sample = 200): CostModel {
  let counts: Promise<RequestCounts> | undefined;
  return async (carts) => {
    counts ??= measure((await rules.current()).rules, sample);
    return estimateMonthlyCost(await counts, sample, carts).total.withoutFreeTier;
  };
}

async function measure(rules: Rules, sample: number): Promise<RequestCounts> {
  const counts: RequestCounts = {};
  await runSimulation(generateScenario({ carts: sample, days: 30, seed: 1 }), { rules, counts });
  return counts;
}
