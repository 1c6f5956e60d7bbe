/**
 * How long the engine keeps what it stores, and when each record expires. Pure: times come in as
 * ISO strings or Dates, expiry times go out as epoch seconds (DynamoDB's TTL unit).
 *
 * Why these windows (storage limitation, GDPR art. 5(1)(e)):
 * - a closed cart is kept 90 days after closing: long enough for the nightly export, the monthly
 *   summary, a refund or chargeback question and the owner's own reporting, then it goes with the
 *   address it holds;
 * - an audit row is kept 13 months: a full year of monthly summaries can be compared with the same
 *   month a year earlier. Audit rows hold a short hash of the address, never the address;
 * - a contact (the frequency cap's last reminder, the last checkout) is kept 90 days after its last
 *   write: the longest a cart may stay open (`maxCartAgeHours` is at most 2,160 h) and longer than the
 *   longest frequency cap (720 h), so nothing the decision reads is gone while it may still matter;
 * - an unsubscribe or a bounce/complaint suppression is kept for good, but only under a salted hash
 *   of the address (the DynamoDB contact store keys every contact that way).
 */

/** The retention windows, in the units people state them in. */
export interface RetentionWindows {
  /** Days a closed cart is kept after it closed. */
  closedCartDays: number;
  /** Calendar months an audit row is kept after the action it records. */
  auditMonths: number;
  /** Days a contact is kept after its last write (never for an unsubscribed contact: kept for good). */
  contactDays: number;
}

export const DEFAULT_RETENTION: Readonly<RetentionWindows> = Object.freeze({
  closedCartDays: 90,
  auditMonths: 13,
  contactDays: 90,
});

/** The bounds a window must stay within (a day at least; ten years at most). */
export const RETENTION_LIMITS = {
  closedCartDays: { min: 1, max: 3650 },
  auditMonths: { min: 1, max: 120 },
  contactDays: { min: 1, max: 3650 },
} as const satisfies Record<keyof RetentionWindows, { min: number; max: number }>;

const DAY_MS = 86_400_000;

function epochMs(at: string | Date, what: string): number {
  const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${what} is not a time`);
  return ms;
}

/** Epoch seconds, rounded up: a record never expires before its window ends. */
function toTtlSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

/**
 * When a record written at `from` expires after `days` days, as a DynamoDB TTL value.
 * @example expiresAfterDays('2026-06-10T12:00:00Z', 90) === Date.parse('2026-09-08T12:00:00Z') / 1000
 */
export function expiresAfterDays(from: string | Date, days: number): number {
  return toTtlSeconds(epochMs(from, 'from') + days * DAY_MS);
}

/**
 * When a cart expires: `closedCartDays` after it closed; never while it is open (an open cart has
 * no expiry, so a TTL can never remove a cart the engine is still working on).
 */
export function cartExpiresAt(
  cart: { status: string; closedAt?: string | undefined },
  closedCartDays: number,
): number | undefined {
  if (cart.status === 'open' || cart.closedAt === undefined) return undefined;
  return expiresAfterDays(cart.closedAt, closedCartDays);
}

/**
 * When an audit row expires: `months` calendar months after its `at` (UTC), on the same day of the
 * month or the month's last day (13 months after 31 January is 28 or 29 February).
 * @example auditExpiresAt('2026-01-31T10:00:00Z', 13) === Date.parse('2027-02-28T10:00:00Z') / 1000
 */
export function auditExpiresAt(at: string, months: number): number {
  const ms = epochMs(at, 'at');
  const date = new Date(ms);
  const targetMonth = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), targetMonth + 1, 0)).getUTCDate();
  const expires = Date.UTC(
    date.getUTCFullYear(),
    targetMonth,
    Math.min(date.getUTCDate(), lastDay),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    date.getUTCMilliseconds(),
  );
  return toTtlSeconds(expires);
}
