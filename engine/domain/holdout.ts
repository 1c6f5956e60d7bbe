import { createHmac, hkdfSync } from 'node:crypto';
import type { Cart } from './cart.js';
import { timeOf } from './iso-time.js';
import type { LiftGroup } from './lift.js';

const DAY = 86_400_000;

const HKDF_INFO = 'cart-recovery/holdout/v1';
/** Holdout buckets: a shopper is held out when their bucket is below `rules.holdoutPercent`. */
export const HOLDOUT_BUCKETS = 100;

/** Picks a shopper's holdout bucket from their email, under one secret key; see {@link createHoldoutDraw}. */
export interface HoldoutDraw {
  /** The bucket, 0..99, of a normalized email (`emailKey`): always the same for the same key and email. */
  bucket(emailKey: string): number;
}

/**
 * Holdout buckets under `secret`: HMAC-SHA256 of the normalized email under a key derived from the
 * secret by HKDF (its own `info`, so the key is independent of any other key derived from the same
 * secret). Keyed, so a shopper cannot tell or choose their bucket and the owner cannot pick
 * favourites; deterministic, so a shopper stays in or out for as long as the secret stays the same.
 * The bucket is the hash's first 32 bits scaled to 0..99 (each bucket within 2.4e-8 of 1%).
 * @throws RangeError when `secret` is empty.
 * @example createHoldoutDraw(secret).bucket('ann@example.com') < rules.holdoutPercent // held out
 */
export function createHoldoutDraw(secret: string): HoldoutDraw {
  if (secret.length === 0) throw new RangeError('the holdout key must not be empty');
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), HKDF_INFO, 32));
  return {
    bucket: (emailKey) => {
      const word = createHmac('sha256', key).update(emailKey).digest().readUInt32BE(0);
      return Math.floor((word * HOLDOUT_BUCKETS) / 2 ** 32);
    },
  };
}

/** Whether a shopper in `bucket` is held out under `holdoutPercent` (0 holds nobody out). */
export function isHeldOut(bucket: number | undefined, holdoutPercent: number): boolean {
  // Stryker disable next-line ConditionalExpression: `bucket !== undefined` -> true is equivalent (`undefined < n` is false all the same; the check narrows the type); the line's other such mutants are killed by isHeldOut's tests
  return bucket !== undefined && bucket < holdoutPercent;
}

/**
 * Which side of the holdout an abandoned cart is on, read from its first reminder's record: `held_out`
 * when it was passed by for the holdout (only a skipped record has a reason), `reminded` otherwise
 * (sent, or skipped by the frequency cap, whose shopper had a reminder about another cart: the group
 * as assigned, whatever became of the email). Undefined for a cart whose first reminder never came
 * due (still shopping, bought first, no email).
 */
export function holdoutGroup(cart: Cart): 'held_out' | 'reminded' | undefined {
  const first = cart.reminders[0];
  if (!first) return undefined;
  return first.reason === 'held_out' ? 'held_out' : 'reminded';
}

/**
 * Whether a cart in the comparison was bought (its own checkout) within `attributionDays` after its
 * first reminder came due: the same clock for both groups, since a held-out reminder is passed by
 * exactly when it would have gone.
 */
export function boughtInWindow(cart: Cart, attributionDays: number): boolean {
  const first = cart.reminders[0];
  if (!first) return false;
  // Stryker disable next-line ConditionalExpression: -> false is equivalent (without a checkout `timeOf` gives NaN and both comparisons below are false; the check narrows the type); -> true is killed by the window tests
  if (cart.checkedOutAt === undefined) return false;
  const due = timeOf(first.dueAt);
  const bought = timeOf(cart.checkedOutAt);
  return bought >= due && bought - due <= attributionDays * DAY;
}

/**
 * The two groups of {@link estimateLift} from carts: each abandoned cart in its group, bought or not
 * within the window, with the bought carts' totals in `currency` (carts in another currency count,
 * their revenue does not).
 */
export function liftGroups(
  carts: Iterable<Cart>,
  attributionDays: number,
  currency: string,
): { reminded: LiftGroup; heldOut: LiftGroup } {
  const reminded: LiftGroup = { carts: 0, purchases: 0, revenue: 0 };
  const heldOut: LiftGroup = { carts: 0, purchases: 0, revenue: 0 };
  for (const cart of carts) {
    const group = holdoutGroup(cart);
    if (!group) continue;
    const into = group === 'held_out' ? heldOut : reminded;
    into.carts += 1;
    if (!boughtInWindow(cart, attributionDays)) continue;
    into.purchases += 1;
    if (cart.snapshot?.currency === currency) into.revenue += Number(cart.snapshot.total);
  }
  return { reminded, heldOut };
}
