import {
  type Cart,
  type ClosedStatus,
  changeCart,
  closeByPurchase,
  closeCart,
  purchaseStatus,
  type ReminderNumber,
  type ReminderRecord,
  type SkipReason,
} from './cart.js';
import { isHeldOut } from './holdout.js';
import { isoTime, timeOf } from './iso-time.js';
import { isQuiet, outsideQuietHours } from './quiet-hours.js';
import type { Rules, Tier } from './rules.js';
import { tierFor } from './tiers.js';
import { formatLocal } from './time-zone.js';

const HOUR = 3_600_000;

/** What the engine knows of one shopper (one email) across all their carts. */
export interface ShopperHistory {
  unsubscribedAt?: string;
  /** The last reminder this email received, for the frequency cap. */
  lastReminder?: { cartId: string; at: string };
  /** The newest checkout of any cart of this email. */
  lastCheckoutAt?: string;
  /**
   * The shopper's holdout bucket, 0..99: the keyed hash of their email, worked out by the use case
   * (`HoldoutDraw` in holdout.ts) and passed in as data. Below `rules.holdoutPercent`: held out.
   * Absent (no email, or a caller that does not draw): never held out.
   */
  holdoutBucket?: number;
}

export type WaitWhy = 'not_due' | 'quiet_hours' | 'give_up_later';

/**
 * The next move for a cart, with reasons a person can read. The four moves are: still shopping (wait,
 * then look again at `until`), first reminder, second reminder (both `remind`), and give up; `skip`
 * passes a reminder by (frequency cap) and `stop` closes the cart for another reason.
 */
export type Move =
  | {
      kind: 'wait';
      until: string;
      why: WaitWhy;
      n?: ReminderNumber;
      deferredFrom?: string;
      reasons: string[];
    }
  | { kind: 'remind'; n: ReminderNumber; dueAt: string; deferredFrom?: string; reasons: string[] }
  | { kind: 'skip'; n: ReminderNumber; dueAt: string; reason: SkipReason; reasons: string[] }
  | { kind: 'give_up'; reasons: string[] }
  | {
      kind: 'stop';
      status: ClosedStatus | 'already_closed';
      /** When the shopper bought, for a stop because of a checkout of another of their carts. */
      boughtAt?: string;
      reasons: string[];
    };

function hoursText(h: number): string {
  return `${Number.isInteger(h) ? h : h.toFixed(2)} h`;
}

/** When a reminder counts as having happened: when sent (or claimed), or when it was due if skipped. */
export function reminderTime(record: ReminderRecord): number {
  return timeOf(record.state === 'skipped' ? record.dueAt : record.at);
}

/**
 * When a cart was abandoned, in the engine's one sense: when its first reminder came due (its last
 * activity + its tier's first wait; before that it is "still shopping"). From the first reminder's
 * own record when there is one (the rules may have changed since), else from the rules. Undefined for
 * a cart without contents or activity (a checkout-only cart).
 */
export function abandonedAt(cart: Cart, rules: Rules): number | undefined {
  const first = cart.reminders[0];
  if (first) return timeOf(first.deferredFrom ?? first.dueAt);
  const { snapshot, lastActivityAt } = cart;
  if (!snapshot || !lastActivityAt) return undefined;
  return timeOf(lastActivityAt) + tierFor(rules, snapshot.total).firstWaitHours * HOUR;
}

/**
 * Whether a cart counts as abandoned at `now`: its first reminder came due (see {@link abandonedAt})
 * while it was still open. A cart still being shopped, or bought, unsubscribed or closed by the owner
 * before that, is not.
 */
export function isAbandoned(cart: Cart, rules: Rules, now: number): boolean {
  if (cart.reminders.length > 0) return true;
  const at = abandonedAt(cart, rules);
  if (at === undefined || at > now) return false;
  return cart.closedAt === undefined || timeOf(cart.closedAt) >= at;
}

/** How many reminders this cart may get at all, and why fewer than the rules' maximum. */
export function reminderLimit(cart: Cart, rules: Rules): { limit: number; why?: string } {
  const snapshot = cart.snapshot;
  if (!cart.emailKey) return { limit: 0, why: 'the cart has no email address to remind' };
  if (!snapshot || snapshot.items.length === 0) return { limit: 0, why: 'the cart is empty' };
  const consented = snapshot.marketingConsent === true;
  if (rules.consent === 'required' && !consented) {
    return { limit: 0, why: 'the rules require marketing consent and the shopper has not given it' };
  }
  if (rules.consent === 'first_only' && !consented && rules.maxReminders > 1) {
    return { limit: 1, why: 'without marketing consent the rules allow only the first reminder' };
  }
  return {
    limit: rules.maxReminders,
    ...(rules.maxReminders < 2 ? { why: `the rules allow ${rules.maxReminders}` } : {}),
  };
}

/** What every decision about an open cart with contents looks at, worked out once. */
interface Situation {
  cart: Cart;
  history: ShopperHistory;
  rules: Rules;
  /** `now` in epoch ms. */
  t: number;
  /** The cart's last activity in epoch ms. */
  last: number;
  /** The tier the cart's total falls in. */
  tier: Tier;
  /** The shopper's zone, else the store's. */
  zone: string;
  /** The last instant a reminder may still go: maxCartAgeHours after the last activity. */
  ageLimit: number;
  /** The reasons every decision about this cart starts with: its tier and last activity. */
  about: string[];
}

/** A step of the decision: a move, or nothing when the step does not apply. */
type Step = (s: Situation) => Move | undefined;

/** The next reminder of a cart and when it is due, as epoch ms and in words. */
interface NextReminder {
  n: ReminderNumber;
  due: number;
  /** Why it is due then. */
  dueText: string;
}

/**
 * Decides the next move for one cart. Pure and deterministic: the same cart, history, rules and
 * `now` always give the same move and the same reasons. The steps run in order; the first that
 * applies decides.
 *
 * @example
 * const move = decideMove(cart, {}, rules, new Date('2026-06-10T16:00:00Z'));
 * if (move.kind === 'wait') scheduleWake(move.until);
 */
export function decideMove(cart: Cart, history: ShopperHistory, rules: Rules, now: Date): Move {
  const closing = alreadyClosed(cart) ?? unsubscribed(history) ?? bought(cart, history, rules);
  if (closing) return closing;
  const s = situation(cart, history, rules, now);
  if (!s) return { kind: 'give_up', reasons: ['the cart has no contents on record'] };
  return tooOld(s) ?? remindersDone(s) ?? nextReminderMove(s);
}

function alreadyClosed(cart: Cart): Move | undefined {
  if (cart.status === 'open') return undefined;
  return { kind: 'stop', status: 'already_closed', reasons: [`the cart is already closed (${cart.status})`] };
}

function unsubscribed(history: ShopperHistory): Move | undefined {
  if (!history.unsubscribedAt) return undefined;
  return {
    kind: 'stop',
    status: 'unsubscribed',
    reasons: [`the shopper's email unsubscribed at ${history.unsubscribedAt}`],
  };
}

function bought(cart: Cart, history: ShopperHistory, rules: Rules): Move | undefined {
  const { lastCheckoutAt } = history;
  const { lastActivityAt } = cart;
  if (!lastCheckoutAt || !lastActivityAt || lastCheckoutAt <= lastActivityAt) return undefined;
  return {
    kind: 'stop',
    status: purchaseStatus(cart, lastCheckoutAt, rules.attributionDays),
    boughtAt: lastCheckoutAt,
    reasons: [
      `the shopper checked out at ${lastCheckoutAt}, after this cart's last activity at ${lastActivityAt}`,
    ],
  };
}

function situation(cart: Cart, history: ShopperHistory, rules: Rules, now: Date): Situation | undefined {
  const { snapshot, lastActivityAt } = cart;
  if (!snapshot || !lastActivityAt) return undefined;
  const tier = tierFor(rules, snapshot.total);
  const last = timeOf(lastActivityAt);
  return {
    cart,
    history,
    rules,
    tier,
    t: now.getTime(),
    last,
    zone: snapshot.timezone ?? rules.store.timezone,
    ageLimit: last + rules.maxCartAgeHours * HOUR,
    about: [
      `tier ${tier.name}: total ${snapshot.total} ${snapshot.currency} is at least ${tier.minTotal}`,
      `last activity at ${lastActivityAt}`,
    ],
  };
}

/** Too old once more than maxCartAgeHours have passed: at the limit itself it may still be reminded. */
const tooOld: Step = (s) => {
  if (s.t <= s.ageLimit) return undefined;
  return {
    kind: 'give_up',
    reasons: [...s.about, `the cart is older than ${hoursText(s.rules.maxCartAgeHours)} (maximum cart age)`],
  };
};

/** Every reminder the cart may get is done: give up giveUpAfterHours after the last one. */
const remindersDone: Step = (s) => {
  const { limit, why } = reminderLimit(s.cart, s.rules);
  if (s.cart.reminders.length < limit) return undefined;
  const previous = s.cart.reminders.at(-1);
  const since = previous ? reminderTime(previous) : s.last;
  const giveUpAt = Math.min(since + s.rules.giveUpAfterHours * HOUR, s.ageLimit + 1);
  const done = doneText(limit, why, s.cart.reminders);
  if (s.t >= giveUpAt) {
    return {
      kind: 'give_up',
      reasons: [
        ...s.about,
        done,
        `${hoursText(s.rules.giveUpAfterHours)} have passed since the ${previous ? 'last reminder' : 'last activity'}`,
      ],
    };
  }
  return waitUntil(giveUpAt, 'give_up_later', [
    ...s.about,
    done,
    `the cart gives up at ${isoTime(giveUpAt)} unless it changes`,
  ]);
};

/** The next reminder: wait for it, defer it past quiet hours, skip it (frequency cap) or send it. */
function nextReminderMove(s: Situation): Move {
  const next = nextReminder(s);
  return (
    pastMaxAge(s, next) ??
    notDueYet(s, next) ??
    quietHoursNow(s, next) ??
    heldOut(s, next) ??
    frequencyCap(s, next) ??
    remindNow(s, next)
  );
}

function nextReminder(s: Situation): NextReminder {
  const { cart, tier, last } = s;
  const n = (cart.reminders.length + 1) as ReminderNumber;
  const first = cart.reminders[0];
  const waitHours = n === 1 ? tier.firstWaitHours : tier.secondWaitHours;
  // n is 1 exactly when there is no first reminder (n = reminders + 1); for n 1 the base is the last activity.
  const base = first ? Math.max(reminderTime(first), last) : last;
  const due = base + waitHours * HOUR;
  const after = base === last ? 'the last activity' : 'reminder 1';
  return {
    n,
    due,
    dueText: `reminder ${n} is due ${hoursText(waitHours)} after ${after}, at ${isoTime(due)}`,
  };
}

/** A reminder due after the maximum cart age never goes: the cart gives up at that age. */
function pastMaxAge(s: Situation, next: NextReminder): Move | undefined {
  if (next.due <= s.ageLimit) return undefined;
  return waitUntil(s.ageLimit + 1, 'give_up_later', [
    ...s.about,
    next.dueText,
    `that is past the maximum cart age (${isoTime(s.ageLimit)}); the cart will give up then`,
  ]);
}

/** Not due yet: wait until it is, moved past quiet hours, unless by then the cart is too old. */
function notDueYet(s: Situation, next: NextReminder): Move | undefined {
  if (s.t >= next.due) return undefined;
  const wakeAt = outsideQuietHours(s.rules, next.due, s.zone);
  if (wakeAt > s.ageLimit) {
    return waitUntil(s.ageLimit + 1, 'give_up_later', [
      ...s.about,
      next.dueText,
      `${quietText(s.rules, next.due, s.zone)}, and by its end the cart is too old; it will give up then`,
    ]);
  }
  if (wakeAt === next.due) return waitUntil(wakeAt, 'not_due', [...s.about, next.dueText], next.n);
  return waitUntil(
    wakeAt,
    'not_due',
    [
      ...s.about,
      next.dueText,
      `${quietText(s.rules, next.due, s.zone)}; it waits until ${formatLocal(wakeAt, s.zone)} local`,
    ],
    next.n,
    isoTime(next.due),
  );
}

/** Due, but it is quiet hours where the shopper is: wait until they end. */
function quietHoursNow(s: Situation, next: NextReminder): Move | undefined {
  if (!isQuiet(s.rules, s.t, s.zone)) return undefined;
  const sendAt = outsideQuietHours(s.rules, s.t, s.zone);
  const tooOldFirst = sendAt > s.ageLimit;
  return waitUntil(
    tooOldFirst ? s.ageLimit + 1 : sendAt,
    'quiet_hours',
    [
      ...s.about,
      next.dueText,
      tooOldFirst
        ? `now, ${quietText(s.rules, s.t, s.zone)}, and by its end the cart is too old; it will give up then`
        : `now, ${quietText(s.rules, s.t, s.zone)}; deferred to ${formatLocal(sendAt, s.zone)} local`,
    ],
    next.n,
    isoTime(next.due),
  );
}

/**
 * The shopper is in the holdout: the reminder is passed by exactly when it would have gone (after
 * quiet hours), so held-out carts follow the reminded ones' course and close the same way.
 */
function heldOut(s: Situation, next: NextReminder): Move | undefined {
  const bucket = s.history.holdoutBucket;
  if (!isHeldOut(bucket, s.rules.holdoutPercent)) return undefined;
  return skipMove(
    s,
    next,
    'held_out',
    `held out: this shopper is in the ${s.rules.holdoutPercent}% holdout (the keyed hash of their email falls in bucket ${bucket} of 100), so no reminder goes and the summary can measure what reminders earn`,
  );
}

/** Reminder n passed by for `reason`, dated when it was due once quiet hours are taken into account. */
function skipMove(s: Situation, next: NextReminder, reason: SkipReason, why: string): Move {
  return {
    kind: 'skip',
    n: next.n,
    dueAt: isoTime(outsideQuietHours(s.rules, next.due, s.zone)),
    reason,
    reasons: [...s.about, next.dueText, why],
  };
}

/** Another cart of this email got a reminder within the frequency cap: skip this one. */
function frequencyCap(s: Situation, next: NextReminder): Move | undefined {
  const capped = s.history.lastReminder;
  const capHours = s.rules.frequencyCapHours;
  if (!capped || capped.cartId === s.cart.id || capHours <= 0) return undefined;
  if (s.t - timeOf(capped.at) >= capHours * HOUR) return undefined;
  return skipMove(
    s,
    next,
    'frequency_cap',
    `this email got a reminder for another cart at ${capped.at}, within the ${hoursText(capHours)} frequency cap`,
  );
}

/** Send reminder n now; `dueAt` is when it became due once quiet hours are taken into account. */
function remindNow(s: Situation, next: NextReminder): Move {
  const effectiveDue = outsideQuietHours(s.rules, next.due, s.zone);
  const reasons = [...s.about, next.dueText, `reminder ${next.n} goes now`];
  const dueAt = isoTime(effectiveDue);
  if (effectiveDue === next.due) return { kind: 'remind', n: next.n, dueAt, reasons };
  return { kind: 'remind', n: next.n, dueAt, deferredFrom: isoTime(next.due), reasons };
}

function doneText(limit: number, why: string | undefined, reminders: readonly ReminderRecord[]): string {
  if (limit === 0)
    // Stryker disable next-line StringLiteral: reminderLimit gives a why with every limit of 0, so the fallback never shows
    return `no reminder will be sent: ${why ?? 'the rules allow none'}`;
  const because = why ? ` (${why})` : '';
  // "Done" would read as "sent" when the frequency cap skipped some: say what became of each.
  if (!reminders.some((r) => r.state === 'skipped')) return `all ${limit} reminder(s) are done${because}`;
  const fates = reminders.map(
    (r) => `reminder ${r.n} ${r.state === 'skipped' ? `was skipped (${skipText(r.reason)})` : 'went out'}`,
  );
  return `no more reminders${because}: ${fates.join(', ')}`;
}

function skipText(reason: SkipReason | undefined): string {
  return reason === 'held_out' ? 'held out' : 'frequency cap';
}

function quietText(rules: Rules, at: number, zone: string): string {
  return `${formatLocal(at, zone)} in ${zone} is inside quiet hours (${rules.quietHours.start}-${rules.quietHours.end})`;
}

/** A wait until `at` (epoch ms); `n` is the reminder waited for, `deferredFrom` when it was due. */
function waitUntil(
  at: number,
  why: WaitWhy,
  reasons: string[],
  n?: ReminderNumber,
  deferredFrom?: string,
): Move {
  return {
    kind: 'wait',
    until: isoTime(at),
    why,
    ...(n === undefined ? {} : { n }),
    ...(deferredFrom === undefined ? {} : { deferredFrom }),
    reasons,
  };
}

/** A move that needs the outside world: wait for a wake-up, send a reminder, or nothing more (closed). */
export type SettledMove = Extract<Move, { kind: 'wait' | 'remind' }> | { kind: 'closed'; reasons: string[] };

/**
 * Applies every move that needs no outside world (skips and closings) until the cart either waits,
 * has a reminder to send, or is closed. Returns the new cart and every move taken, in order.
 */
export function settleCart(
  cart: Cart,
  history: ShopperHistory,
  rules: Rules,
  now: Date,
  rulesVersion?: string,
): { cart: Cart; moves: Move[]; next: SettledMove } {
  const moves: Move[] = [];
  const at = isoTime(now.getTime());
  let current = cart;
  // Each skip adds a reminder record, so a cart settles within maxReminders + 1 moves.
  // Stryker disable next-line EqualityOperator,UpdateOperator: the loop returns within maxReminders + 1 passes, before any bound
  for (let step = 0; step < 4; step++) {
    const move = decideMove(current, history, rules, now);
    moves.push(move);
    switch (move.kind) {
      case 'wait':
      case 'remind':
        return { cart: current, moves, next: move };
      case 'skip': {
        const record: ReminderRecord = {
          n: move.n,
          state: 'skipped',
          dueAt: move.dueAt,
          at,
          reason: move.reason,
          ...(rulesVersion ? { rulesVersion } : {}),
        };
        current = changeCart(current, {
          reminders: [...current.reminders, record],
          version: current.version + 1,
        });
        break;
      }
      case 'give_up':
        return {
          // Stryker disable next-line StringLiteral: a give_up move always has a reason, so 'gave up' never shows ('given_up' is pinned by settleCart's tests)
          cart: closeCart(current, 'given_up', at, move.reasons.at(-1) ?? 'gave up'),
          moves,
          next: { kind: 'closed', reasons: move.reasons },
        };
      case 'stop':
        if (move.boughtAt !== undefined)
          current = closeByPurchase(current, {
            boughtAt: move.boughtAt,
            closedAt: at,
            why: move.reasons.at(-1) ?? move.status,
            attributionDays: rules.attributionDays,
          });
        else if (
          // Stryker disable next-line ConditionalExpression,StringLiteral: already_closed comes only for a closed cart, which closeCart leaves as it is
          move.status !== 'already_closed'
        )
          current = closeCart(current, move.status, at, move.reasons.at(-1) ?? move.status);
        return { cart: current, moves, next: { kind: 'closed', reasons: move.reasons } };
    }
  }
  // Stryker disable next-line StringLiteral: unreachable (see the loop above); the guard only stops a future bug from looping
  throw new Error(`cart ${cart.id} did not settle in four moves`);
}
