/**
 * What the reminders earn, measured against the holdout: the difference between the purchase rate of
 * abandoned carts that were reminded and of those held out, with a 95% interval by Newcombe's hybrid
 * score method (Newcombe 1998, "method 10": a Wilson score interval for each group, combined). Pure
 * arithmetic on counts; nothing here knows about carts.
 */

/** The standard normal quantile for a two-sided 95% interval. */
export const Z_95 = 1.959963984540054;

/**
 * Fewer abandoned carts than this in either group and the summary says "not enough carts yet to say".
 * With 30 carts a group the interval is already about ±20 points wide at a 10-20% purchase rate: any
 * fewer and it spans everything from "reminders cost sales" to "reminders double them", which is no
 * answer. 30 is also where the Wilson interval's coverage stays close to 95% for the rates a store sees
 * (Newcombe 1998, Brown, Cai & DasGupta 2001). A 10% holdout reaches it at 300 abandoned carts.
 */
export const MIN_CARTS_PER_GROUP = 30;

/** A count of purchases among carts. */
export interface Proportion {
  /** Purchases. */
  x: number;
  /** Carts. */
  n: number;
}

export interface Interval {
  lower: number;
  upper: number;
}

/**
 * The Wilson score interval for x of n (no continuity correction). n = 0 gives the whole [0, 1].
 * @throws RangeError when x or n is not a whole number, or x is outside 0..n.
 * @example wilsonInterval({ x: 56, n: 70 }) // { lower: 0.6911…, upper: 0.8761… }
 */
export function wilsonInterval(p: Proportion, z = Z_95): Interval {
  checkProportion(p);
  const phat = p.x / p.n;
  const z2 = z * z;
  const centre = phat + z2 / (2 * p.n);
  const spread = z * Math.sqrt((phat * (1 - phat)) / p.n + z2 / (4 * p.n * p.n));
  const denominator = 1 + z2 / p.n;
  // At x = 0 or x = n the limit is exactly 0 or 1; rounding must not move it. n = 0 is both.
  return {
    lower: p.x === 0 ? 0 : (centre - spread) / denominator,
    upper: p.x === p.n ? 1 : (centre + spread) / denominator,
  };
}

/** A difference of two proportions and its interval. */
export interface DifferenceInterval extends Interval {
  /** p1 − p2. */
  difference: number;
}

/**
 * The 95% interval for p1 − p2 by Newcombe's hybrid score method: from the Wilson limits l1, u1 and
 * l2, u2, lower = d − √((p1 − l1)² + (u2 − p2)²) and upper = d + √((u1 − p1)² + (p2 − l2)²).
 * @throws RangeError for counts that are not a proportion, or a group without carts.
 * @example newcombeInterval({ x: 56, n: 70 }, { x: 48, n: 80 }) // { difference: 0.2, lower: 0.0524…, upper: 0.3339… }
 */
export function newcombeInterval(p1: Proportion, p2: Proportion, z = Z_95): DifferenceInterval {
  if (p1.n === 0 || p2.n === 0) throw new RangeError('both groups need at least one cart');
  const a = p1.x / p1.n;
  const b = p2.x / p2.n;
  const w1 = wilsonInterval(p1, z);
  const w2 = wilsonInterval(p2, z);
  const difference = a - b;
  return {
    difference,
    lower: difference - Math.hypot(a - w1.lower, w2.upper - b),
    upper: difference + Math.hypot(w1.upper - a, b - w2.lower),
  };
}

/** One group of the comparison: its abandoned carts, how many were bought, and what they brought in. */
export interface LiftGroup {
  carts: number;
  purchases: number;
  /** The bought carts' totals, in the store's currency. */
  revenue: number;
}

/** A figure per 100 abandoned carts, with its 95% range. */
export interface Per100 {
  value: number;
  lower: number;
  upper: number;
}

export type LiftEstimate =
  | {
      kind: 'too_few';
      reminded: LiftGroup;
      heldOut: LiftGroup;
      /** Carts each group needs ({@link MIN_CARTS_PER_GROUP}). */
      needed: number;
    }
  | {
      kind: 'estimate';
      reminded: LiftGroup;
      heldOut: LiftGroup;
      /** Purchase rates, 0..1. */
      remindedRate: number;
      heldOutRate: number;
      /** Reminded minus held out, as a difference of rates with its 95% interval. */
      lift: DifferenceInterval;
      /** Extra purchases per 100 abandoned carts (the lift × 100), with its range. */
      extraPurchases: Per100;
      /**
       * Extra revenue per 100 abandoned carts: the extra purchases times the average bought cart of
       * both groups. Its range is the purchases' range times that average (the spread of cart values
       * is not in it).
       */
      extraRevenue: Per100;
    };

/**
 * The lift of reminding over holding out, or `too_few` while either group has fewer than
 * {@link MIN_CARTS_PER_GROUP} abandoned carts.
 * @example estimateLift({ carts: 270, purchases: 54, revenue: 4860 }, { carts: 30, purchases: 3, revenue: 270 })
 */
export function estimateLift(reminded: LiftGroup, heldOut: LiftGroup): LiftEstimate {
  checkGroup(reminded, 'reminded');
  checkGroup(heldOut, 'heldOut');
  if (reminded.carts < MIN_CARTS_PER_GROUP || heldOut.carts < MIN_CARTS_PER_GROUP) {
    return { kind: 'too_few', reminded, heldOut, needed: MIN_CARTS_PER_GROUP };
  }
  const lift = newcombeInterval(
    { x: reminded.purchases, n: reminded.carts },
    { x: heldOut.purchases, n: heldOut.carts },
  );
  const purchases = reminded.purchases + heldOut.purchases;
  const averageCart = purchases === 0 ? 0 : (reminded.revenue + heldOut.revenue) / purchases;
  const extraPurchases = {
    value: lift.difference * 100,
    lower: lift.lower * 100,
    upper: lift.upper * 100,
  };
  return {
    kind: 'estimate',
    reminded,
    heldOut,
    remindedRate: reminded.purchases / reminded.carts,
    heldOutRate: heldOut.purchases / heldOut.carts,
    lift,
    extraPurchases,
    extraRevenue: {
      value: extraPurchases.value * averageCart,
      lower: extraPurchases.lower * averageCart,
      upper: extraPurchases.upper * averageCart,
    },
  };
}

function checkProportion(p: Proportion): void {
  if (!Number.isInteger(p.n) || p.n < 0) throw new RangeError('n must be a whole number of at least 0');
  if (!Number.isInteger(p.x) || p.x < 0 || p.x > p.n)
    throw new RangeError('x must be a whole number between 0 and n');
}

function checkGroup(group: LiftGroup, name: string): void {
  if (!Number.isInteger(group.carts) || group.carts < 0)
    throw new RangeError(`${name}.carts must be a whole number of at least 0`);
  if (!Number.isInteger(group.purchases) || group.purchases < 0 || group.purchases > group.carts)
    throw new RangeError(`${name}.purchases must be a whole number between 0 and ${name}.carts`);
  if (!Number.isFinite(group.revenue) || group.revenue < 0)
    throw new RangeError(`${name}.revenue must be an amount of at least 0`);
}
