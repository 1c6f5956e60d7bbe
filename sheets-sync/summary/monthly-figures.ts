/**
 * The monthly summary's figures, computed from the engine's own records: carts and audit entries in,
 * one plain figures object out. Pure: no I/O, no clock; the month's boundaries are local midnights
 * in the store's time zone.
 */
import type { Cart } from '#engine/domain/cart.js';
import { isAbandoned } from '#engine/domain/decide-move.js';
import { liftGroups } from '#engine/domain/holdout.js';
import { estimateLift, type LiftEstimate } from '#engine/domain/lift.js';
import type { Rules } from '#engine/domain/rules.js';
import { tierFor } from '#engine/domain/tiers.js';
import { offsetAt } from '#engine/domain/time-zone.js';
import type { AuditEntry } from '#engine/ports.js';

const DAY = 86_400_000;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** Cart totals have at most 6 decimals (cart-event.ts), so sums in millionths are exact. */
const MICROS = 1_000_000n;

/** A recovered amount in one currency, as a decimal string ("1234.50"). */
export interface MoneyTotal {
  currency: string;
  amount: string;
}

/** One tier's share of the month's abandoned carts, and how many of them came back. */
export interface TierRecovery {
  tier: string;
  abandoned: number;
  recovered: number;
  /** recovered / abandoned, 0..1; null when nothing was abandoned in the tier. */
  rate: number | null;
}

/** One local day of the month: carts abandoned, first reminders sent and carts recovered that day. */
export interface DayPoint {
  /** Local date in the store's zone, `YYYY-MM-DD`. */
  day: string;
  abandoned: number;
  reminded: number;
  recovered: number;
}

/** Everything the monthly summary says, every number computed here and nowhere else. */
export interface MonthlyFigures {
  /** `YYYY-MM`. */
  month: string;
  storeName: string;
  timeZone: string;
  /** The store's currency (rules), for an amount of nothing. */
  currency: string;
  /** The month's first and the next month's first local midnight, as UTC ISO instants: [from, to). */
  from: string;
  to: string;
  /** Carts first seen in the month with something in them (checkout-only carts are not counted). */
  carts: number;
  /**
   * Of those, carts abandoned as the engine means it (`isAbandoned`): still open when their first
   * reminder came due. A cart still being shopped, or bought before that, is not.
   */
  abandoned: number;
  remindersSent: { first: number; second: number };
  /** Reminders of the month sent later than due because the due time fell in quiet hours. */
  deferredByQuietHours: number;
  /** Reminders of the month skipped because the shopper had one within the frequency cap. */
  skippedByCap: number;
  /**
   * Carts bought in the month within the attribution window after a sent reminder (the cart's
   * `attribution`), whenever they were abandoned.
   */
  recovered: number;
  /** Of those, bought after a click on the reminder's link. */
  recoveredThroughLink: number;
  /** Days after a sent reminder within which a purchase counts as recovered (the rules'). */
  attributionDays: number;
  /** Reminders sent in the month whose link was clicked (link scanners included). */
  clicked: number;
  /** clicked / reminders sent in the month, 0..1; null when none was sent. */
  clickRate: number | null;
  /** The rules' holdout, in percent. */
  holdoutPercent: number;
  /** The month's abandoned carts, reminded vs held out: the lift with its 95% interval, or too few. */
  lift: LiftEstimate;
  /** The last known totals of those carts, per currency, the store's currency first. */
  recoveredRevenue: MoneyTotal[];
  /** Of the carts abandoned in the month, the share recovered so far, 0..1; null when none. */
  recoveryRate: number | null;
  /** The same by tier, in the rules' tier order (every tier listed, even an empty one). */
  byTier: TierRecovery[];
  unsubscribes: number;
  bounces: number;
  complaints: number;
  suppressions: number;
  writeOffs: number;
  estimatedCostUsd: number;
  /** Every local day of the month, in order. */
  days: DayPoint[];
}

export interface MonthlyFiguresInput {
  /** Carts that may touch the month; a superset is fine (each is placed by its own times). */
  carts: readonly Cart[];
  /** Audit entries that may fall in the month; a superset is fine. */
  audit: readonly AuditEntry[];
  rules: Rules;
  /** `YYYY-MM`, in the store's time zone. */
  month: string;
  costUsd: number;
  /** The instant the figures are taken at (epoch ms), for carts still being shopped; default the month's end. */
  now?: number;
}

/**
 * The local midnights that open `month` and the month after, in `zone`, as epoch ms.
 * @throws RangeError for a month not written `YYYY-MM`.
 * @example monthWindow('2026-10', 'America/New_York') // { from: 2026-10-01T04:00Z, to: 2026-11-01T04:00Z } in ms
 */
export function monthWindow(month: string, zone: string): { from: number; to: number } {
  const match = MONTH.exec(month);
  if (!match) throw new RangeError(`month must be written YYYY-MM, got "${month}"`);
  const year = Number(match[1]);
  const index = Number(match[2]) - 1;
  return {
    from: localMidnight(Date.UTC(year, index, 1), zone),
    to: localMidnight(Date.UTC(year, index + 1, 1), zone),
  };
}

/**
 * The month before the one `now` falls in, in the store's zone: what the summary on the 1st reports.
 * @example previousMonth(Date.parse('2026-11-01T05:00:00Z'), 'America/New_York') // '2026-10'
 */
export function previousMonth(now: number, zone: string): string {
  const local = new Date(now + offsetAt(now, zone));
  const first = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - 1, 1));
  return first.toISOString().slice(0, 7);
}

// A wall time read as UTC, to the instant it happens in `zone`. The second look corrects a guess made
// with the offset on the wrong side of a DST change.
function localMidnight(wall: number, zone: string): number {
  const guess = wall - offsetAt(wall, zone);
  return wall - offsetAt(guess, zone);
}

function localDay(at: number, zone: string): string {
  return new Date(at + offsetAt(at, zone)).toISOString().slice(0, 10);
}

/**
 * The month's figures from its carts and audit entries.
 *
 * - A cart belongs to the month it was first seen in. It counts as abandoned as the engine defines it
 *   (`isAbandoned`, as of `now`): still open when its first reminder came due.
 * - Reminders count in the month they were sent or skipped; a deferred one is a sent or claimed
 *   reminder whose due time quiet hours moved (`deferredFrom`).
 * - Recovered carts and their revenue count in the month they were bought, when the purchase came
 *   within `attributionDays` after a sent reminder (the cart's `attribution`); the recovery rate
 *   follows the month's abandoned carts to wherever they ended (as of now).
 * - The click rate is of the reminders sent in the month; the lift compares the month's abandoned
 *   carts reminded and held out (`liftGroups`, `estimateLift`).
 * - Unsubscribes, bounces, complaints, suppressions and write-offs are audit entries of the month.
 * @example monthlyFigures({ carts, audit, rules, month: '2026-10', costUsd: 1.42 }).recovered
 */
export function monthlyFigures(input: MonthlyFiguresInput): MonthlyFigures {
  const { rules, month } = input;
  const zone = rules.store.timezone;
  const { from, to } = monthWindow(month, zone);
  const inMonth = (at: string | undefined): at is string => {
    if (at === undefined) return false;
    const t = Date.parse(at);
    return t >= from && t < to;
  };

  const days = new Map<string, DayPoint>();
  // Stepping from local noon: a 23- or 25-hour day moves the step an hour, never onto another date.
  for (let at = from + DAY / 2; at < to; at += DAY) {
    const day = localDay(at, zone);
    days.set(day, { day, abandoned: 0, reminded: 0, recovered: 0 });
  }

  const tiers = new Map<string, TierRecovery>(
    rules.tiers.map((t) => [t.name, { tier: t.name, abandoned: 0, recovered: 0, rate: null }]),
  );
  const revenue = new Map<string, bigint>();
  const now = input.now ?? to;
  const abandonedCarts: Cart[] = [];
  let carts = 0;
  let abandoned = 0;
  let throughLink = 0;
  let clicked = 0;
  let abandonedRecovered = 0;
  let recovered = 0;
  let first = 0;
  let second = 0;
  let deferred = 0;
  let skipped = 0;

  for (const cart of uniqueById(input.carts)) {
    if (cart.snapshot && inMonth(cart.firstSeenAt)) {
      carts += 1;
      if (isAbandoned(cart, rules, now)) {
        abandoned += 1;
        abandonedCarts.push(cart);
        const point = days.get(localDay(Date.parse(cart.firstSeenAt), zone));
        if (point) point.abandoned += 1;
        const tier = tiers.get(tierFor(rules, cart.snapshot.total).name);
        if (tier) tier.abandoned += 1;
        if (isRecovered(cart)) {
          abandonedRecovered += 1;
          if (tier) tier.recovered += 1;
        }
      }
    }
    const boughtAt = cart.checkedOutAt ?? cart.closedAt;
    if (isRecovered(cart) && inMonth(boughtAt)) {
      recovered += 1;
      if (cart.attribution === 'recovered_through_link') throughLink += 1;
      const point = days.get(localDay(Date.parse(boughtAt), zone));
      if (point) point.recovered += 1;
      if (cart.snapshot) {
        const { currency, total } = cart.snapshot;
        revenue.set(currency, (revenue.get(currency) ?? 0n) + toMicros(total));
      }
    }
    for (const reminder of cart.reminders) {
      if (!inMonth(reminder.at)) continue;
      if (reminder.state === 'sent') {
        if (reminder.n === 1) first += 1;
        else second += 1;
        if (reminder.clickedAt !== undefined) clicked += 1;
        const point = reminder.n === 1 ? days.get(localDay(Date.parse(reminder.at), zone)) : undefined;
        if (point) point.reminded += 1;
      }
      if (reminder.state === 'skipped' && reminder.reason === 'frequency_cap') skipped += 1;
      if (reminder.state !== 'skipped' && reminder.deferredFrom !== undefined) deferred += 1;
    }
  }

  const groups = liftGroups(abandonedCarts, rules.attributionDays, rules.store.currency);
  const count = (...actions: AuditEntry['action'][]) =>
    input.audit.filter((e) => actions.includes(e.action) && inMonth(e.at)).length;

  return {
    month,
    storeName: rules.store.name,
    timeZone: zone,
    currency: rules.store.currency,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    carts,
    abandoned,
    remindersSent: { first, second },
    deferredByQuietHours: deferred,
    skippedByCap: skipped,
    recovered,
    recoveredThroughLink: throughLink,
    attributionDays: rules.attributionDays,
    clicked,
    clickRate: first + second === 0 ? null : clicked / (first + second),
    holdoutPercent: rules.holdoutPercent,
    lift: estimateLift(groups.reminded, groups.heldOut),
    recoveredRevenue: moneyTotals(revenue, rules.store.currency),
    recoveryRate: abandoned === 0 ? null : abandonedRecovered / abandoned,
    byTier: [...tiers.values()].map((t) => ({
      ...t,
      rate: t.abandoned === 0 ? null : t.recovered / t.abandoned,
    })),
    unsubscribes: count('shopper.unsubscribe', 'owner.unsubscribe'),
    bounces: count('mail.bounce'),
    complaints: count('mail.complaint'),
    suppressions: count('owner.suppress'),
    writeOffs: count('owner.write_off'),
    estimatedCostUsd: input.costUsd,
    days: [...days.values()],
  };
}

/**
 * Bought within the attribution window after a sent reminder (also after the cart had closed). A cart
 * stored before purchases carried their attribution counts by its status.
 */
function isRecovered(cart: Cart): boolean {
  if (cart.attribution === undefined) return cart.status === 'recovered';
  return cart.attribution !== 'not_recovered';
}

// The source may hand the same cart twice (two index days); the highest version wins.
function uniqueById(carts: readonly Cart[]): Cart[] {
  const byId = new Map<string, Cart>();
  for (const cart of carts) {
    const seen = byId.get(cart.id);
    if (!seen || seen.version < cart.version) byId.set(cart.id, cart);
  }
  return [...byId.values()];
}

function toMicros(total: string): bigint {
  const [whole = '0', fraction = ''] = total.split('.');
  return BigInt(whole) * MICROS + BigInt(fraction.padEnd(6, '0').slice(0, 6) || '0');
}

/** Millionths back to a decimal string with at least two decimals ("1234.5" → "1234.50"). */
function fromMicros(micros: bigint): string {
  const whole = micros / MICROS;
  const fraction = (micros % MICROS).toString().padStart(6, '0').replace(/0+$/, '').padEnd(2, '0');
  return `${whole}.${fraction}`;
}

function moneyTotals(revenue: Map<string, bigint>, storeCurrency: string): MoneyTotal[] {
  return [...revenue.entries()]
    .sort(([a], [b]) => (a === storeCurrency ? -1 : b === storeCurrency ? 1 : a.localeCompare(b)))
    .map(([currency, micros]) => ({ currency, amount: fromMicros(micros) }));
}
