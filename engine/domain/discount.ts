import type { Cart, ReminderNumber } from './cart.js';
import type { Language } from './copy/catalogue.js';
import type { Rules } from './rules.js';
import { formatLocal } from './time-zone.js';

/** The owner's discount as one reminder shows it. */
export interface ShownDiscount {
  code: string;
  /** What it gives, in the owner's words (in the reminder's language when the owner wrote them). */
  words: string;
  /** The smallest cart total it applies to, in the cart's currency. */
  minTotal?: number;
  /** The last day it is valid (YYYY-MM-DD, the store's calendar). */
  expires?: string;
}

/**
 * The discount reminder `n` of this cart carries, or undefined: none set, not this reminder's
 * (default: the second only), a cart below its minimum total, or past its expiry date (the last
 * valid day is read in the store's time zone, at `now`).
 * @example discountFor(cart, 2, rules, 'de', now) // { code: 'DANKE10', words: '10 % Rabatt', expires: '2026-12-31' }
 */
export function discountFor(
  cart: Cart,
  n: ReminderNumber,
  rules: Rules,
  language: Language,
  now: Date,
): ShownDiscount | undefined {
  const discount = rules.discount;
  if (!discount) return undefined;
  const wanted = n === 1 ? 'first' : 'second';
  if (discount.reminders !== 'both' && discount.reminders !== wanted) return undefined;
  if (Number(cart.snapshot?.total ?? 0) < (discount.minTotal ?? 0)) return undefined;
  // Stryker disable next-line ConditionalExpression: `expires !== undefined` -> true is equivalent (with no expiry `today > undefined` is false all the same; the guard only spares a time-zone read); the line's other three such mutants are killed by the expiry tests
  if (discount.expires !== undefined && today(now, rules.store.timezone) > discount.expires) return undefined;
  return {
    code: discount.code,
    words: rules.messages?.[language]?.discount ?? discount.description,
    ...(discount.minTotal === undefined ? {} : { minTotal: discount.minTotal }),
    ...(discount.expires === undefined ? {} : { expires: discount.expires }),
  };
}

/** The store's calendar day at `now`, YYYY-MM-DD. */
function today(now: Date, zone: string): string {
  return formatLocal(now.getTime(), zone).slice(0, 10);
}
