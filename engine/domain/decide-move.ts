import {
  type Cart,
  type ClosedStatus,
  closeCart,
  copyCart,
  copyRecord,
  purchaseStatus,
  type ReminderNumber,
  type ReminderRecord,
  type SkipReason,
} from './cart.js';
import type { CartSnapshot } from './cart-event.js';
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
  | { kind: 'stop'; status: ClosedStatus | 'already_closed'; reasons: string[] };

function hoursText(h: number): string {
  return `${Number.isInteger(h) ? h : h.toFixed(2)} h`;
}

/** When a reminder counts as having happened: when sent (or claimed), or when it was due if skipped. */
export function reminderTime(record: ReminderRecord): number {
  return timeOf(record.state === 'skipped' ? record.dueAt : record.at);
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

/**
 * Decides the next move for one cart. Pure and deterministic: the same cart, history, rules and
 * `now` always give the same move and the same reasons.
 *
 * @example
 * const move = decideMove(cart, {}, rules, new Date('2026-06-10T16:00:00Z'));
 * if (move.kind === 'wait') scheduleWake(move.until);
 */
export function decideMove(cart: Cart, history: ShopperHistory, rules: Rules, now: Date): Move {
  const t = now.getTime();
  if (cart.status !== 'open') {
    return {
      kind: 'stop',
      status: 'already_closed',
      reasons: [`the cart is already closed (${cart.status})`],
    };
  }
  if (history.unsubscribedAt) {
    return {
      kind: 'stop',
      status: 'unsubscribed',
      reasons: [`the shopper's email unsubscribed at ${history.unsubscribedAt}`],
    };
  }
  const snapshot = cart.snapshot;
  const lastActivityAt = cart.lastActivityAt;
  if (!snapshot || !lastActivityAt) {
    return { kind: 'give_up', reasons: ['the cart has no contents on record'] };
  }
  if (history.lastCheckoutAt && history.lastCheckoutAt > lastActivityAt) {
    return {
      kind: 'stop',
      status: purchaseStatus(cart, history.lastCheckoutAt),
      reasons: [
        `the shopper checked out at ${history.lastCheckoutAt}, after this cart's last activity at ${lastActivityAt}`,
      ],
    };
  }

  const last = timeOf(lastActivityAt);
  const zone = snapshot.timezone ?? rules.store.timezone;
  const tier = tierFor(rules, snapshot.total);
  // Waits are acted on and dropped, mostly unread: their time as ISO and their reasons are written
  // when read (see LazyWait). (No named closures here: the simulator runs under tsx, which names each
  // one as it is made.)
  const about = { tier, snapshot, lastActivityAt };
  // Too old once more than maxCartAgeHours have passed: at the limit itself it may still be reminded.
  const ageLimit = last + rules.maxCartAgeHours * HOUR;
  const tooOldAt = ageLimit + 1;
  if (t >= tooOldAt) {
    return {
      kind: 'give_up',
      reasons: because(
        about,
        `the cart is older than ${hoursText(rules.maxCartAgeHours)} (maximum cart age)`,
      ),
    };
  }

  const { limit, why } = reminderLimit(cart, rules);
  if (cart.reminders.length >= limit) {
    const previous = cart.reminders.at(-1);
    const base = previous ? reminderTime(previous) : last;
    const giveUpAt = Math.min(base + rules.giveUpAfterHours * HOUR, tooOldAt);
    if (t >= giveUpAt) {
      return {
        kind: 'give_up',
        reasons: because(
          about,
          doneText(limit, why),
          `${hoursText(rules.giveUpAfterHours)} have passed since the ${previous ? 'last reminder' : 'last activity'}`,
        ),
      };
    }
    return wait(giveUpAt, 'give_up_later', () =>
      because(about, doneText(limit, why), `the cart gives up at ${isoTime(giveUpAt)} unless it changes`),
    );
  }

  const n = (cart.reminders.length + 1) as ReminderNumber;
  const first = cart.reminders[0];
  const waitHours = n === 1 ? tier.firstWaitHours : tier.secondWaitHours;
  const base = n === 1 || !first ? last : Math.max(reminderTime(first), last);
  const due = base + waitHours * HOUR;
  const schedule = { n, waitHours, afterReminder: base !== last, due };
  if (due > ageLimit) {
    return wait(tooOldAt, 'give_up_later', () =>
      because(
        about,
        dueText(schedule),
        `that is past the maximum cart age (${isoTime(ageLimit)}); the cart will give up then`,
      ),
    );
  }
  if (t < due) {
    const wakeAt = outsideQuietHours(rules, due, zone);
    if (wakeAt > ageLimit) {
      return wait(tooOldAt, 'give_up_later', () =>
        because(
          about,
          dueText(schedule),
          `${quietText(rules, due, zone)}, and by its end the cart is too old; it will give up then`,
        ),
      );
    }
    if (wakeAt === due) return wait(wakeAt, 'not_due', () => because(about, dueText(schedule)), n);
    return wait(
      wakeAt,
      'not_due',
      () =>
        because(
          about,
          dueText(schedule),
          `${quietText(rules, due, zone)}; it waits until ${formatLocal(wakeAt, zone)} local`,
        ),
      n,
      isoTime(due),
    );
  }
  if (isQuiet(rules, t, zone)) {
    const sendAt = outsideQuietHours(rules, t, zone);
    return wait(
      Math.min(sendAt, tooOldAt),
      'quiet_hours',
      () =>
        because(
          about,
          dueText(schedule),
          `now, ${quietText(rules, t, zone)}; deferred to ${formatLocal(sendAt, zone)} local`,
        ),
      n,
      isoTime(due),
    );
  }
  const effectiveDue = outsideQuietHours(rules, due, zone);
  const dueAt = isoTime(effectiveDue);
  const capped = history.lastReminder;
  if (
    capped &&
    capped.cartId !== cart.id &&
    rules.frequencyCapHours > 0 &&
    t - timeOf(capped.at) < rules.frequencyCapHours * HOUR
  ) {
    return {
      kind: 'skip',
      n,
      dueAt,
      reason: 'frequency_cap',
      reasons: because(
        about,
        dueText(schedule),
        `this email got a reminder for another cart at ${capped.at}, within the ${hoursText(rules.frequencyCapHours)} frequency cap`,
      ),
    };
  }
  if (effectiveDue === due) {
    return {
      kind: 'remind',
      n,
      dueAt,
      reasons: because(about, dueText(schedule, dueAt), `reminder ${n} goes now`),
    };
  }
  const deferredFrom = isoTime(due);
  return {
    kind: 'remind',
    n,
    dueAt,
    deferredFrom,
    reasons: because(about, dueText(schedule, deferredFrom), `reminder ${n} goes now`),
  };
}

/** The reasons every decision about an open cart starts with (its tier and last activity), then `more`. */
function because(
  about: { tier: Tier; snapshot: CartSnapshot; lastActivityAt: string },
  ...more: string[]
): string[] {
  const { tier, snapshot } = about;
  return [
    `tier ${tier.name}: total ${snapshot.total} ${snapshot.currency} is at least ${tier.minTotal}`,
    `last activity at ${about.lastActivityAt}`,
    ...more,
  ];
}

function doneText(limit: number, why: string | undefined): string {
  return limit === 0
    ? `no reminder will be sent: ${why ?? 'the rules allow none'}`
    : `all ${limit} reminder(s) are done${why ? ` (${why})` : ''}`;
}

/** Why reminder n is due when it is; `dueIso` is `due` as ISO when the caller has it already. */
function dueText(
  schedule: {
    n: ReminderNumber;
    waitHours: number;
    afterReminder: boolean;
    due: number;
  },
  dueIso = isoTime(schedule.due),
): string {
  const { n, waitHours } = schedule;
  return n === 1
    ? `reminder 1 is due ${hoursText(waitHours)} after the last activity, at ${dueIso}`
    : `reminder 2 is due ${hoursText(waitHours)} after ${schedule.afterReminder ? 'reminder 1' : 'the last activity'}, at ${dueIso}`;
}

function quietText(rules: Rules, at: number, zone: string): string {
  return `${formatLocal(at, zone)} in ${zone} is inside quiet hours (${rules.quietHours.start}-${rules.quietHours.end})`;
}

/** A wait until `at` (ms), its reasons written when first read (see {@link LazyWait}). */
function wait(
  at: number,
  why: WaitWhy,
  reasons: () => string[],
  n?: ReminderNumber,
  deferredFrom?: string,
): Move {
  return new LazyWait(at, why, reasons, n, deferredFrom);
}

/**
 * A wait whose `until` and reasons are written when first read (then kept): most waits are looked at
 * for their time alone ({@link waitTime}) and dropped, and reasons with local times cost several
 * microseconds. Getters on the class prototype, so JSON goes through toJSON, which gives the plain
 * wait it stands for (a spread copy has neither). An object literal with getters would cost V8 a
 * hidden class of its own per wait (about 400 ns, and old-space garbage); getters defined on each
 * object, about 300 ns.
 */
class LazyWait {
  readonly kind = 'wait';
  readonly why: WaitWhy;
  declare readonly n?: ReminderNumber;
  declare readonly deferredFrom?: string;
  readonly #at: number;
  readonly #write: () => string[];
  #until: string | undefined;
  #written: string[] | undefined;

  constructor(at: number, why: WaitWhy, write: () => string[], n?: ReminderNumber, deferredFrom?: string) {
    this.why = why;
    // Only the keys a plain wait would have.
    if (n !== undefined) (this as { n?: ReminderNumber }).n = n;
    if (n !== undefined && deferredFrom !== undefined)
      (this as { deferredFrom?: string }).deferredFrom = deferredFrom;
    this.#at = at;
    this.#write = write;
  }

  /** When to look again, as epoch ms. */
  get at(): number {
    return this.#at;
  }

  get until(): string {
    // Read on the prototype itself (a test runner printing a diff), there is none.
    if (!(#at in this)) return '';
    this.#until ??= isoTime(this.#at);
    return this.#until;
  }

  get reasons(): string[] {
    if (!(#write in this)) return [];
    this.#written ??= this.#write();
    return this.#written;
  }

  toJSON(): Move {
    const { n, deferredFrom } = this;
    const which = n === undefined ? {} : deferredFrom === undefined ? { n } : { n, deferredFrom };
    return { kind: 'wait', until: this.until, why: this.why, ...which, reasons: this.reasons };
  }
}

/** When a wait looks again, as epoch ms, without writing its `until` out. */
export function waitTime(move: Extract<Move, { kind: 'wait' }>): number {
  return move instanceof LazyWait ? move.at : timeOf(move.until);
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
  let current = cart;
  for (let step = 0; step < 4; step++) {
    const move = decideMove(current, history, rules, now);
    moves.push(move);
    if (move.kind === 'wait' || move.kind === 'remind') return { cart: current, moves, next: move };
    const at = isoTime(now.getTime());
    switch (move.kind) {
      case 'skip': {
        // Made by copyRecord, as every record: records share one hidden class.
        const record = copyRecord({
          n: move.n,
          state: 'skipped',
          dueAt: move.dueAt,
          at,
          reason: move.reason,
          rulesVersion: rulesVersion || undefined,
        });
        current = copyCart(current, {
          reminders: [...current.reminders, record],
          version: current.version + 1,
        });
        break;
      }
      case 'give_up':
        return {
          cart: closeCart(current, 'given_up', at, move.reasons.at(-1) ?? 'gave up'),
          moves,
          next: { kind: 'closed', reasons: move.reasons },
        };
      case 'stop':
        if (move.status !== 'already_closed')
          current = closeCart(current, move.status, at, move.reasons.at(-1) ?? move.status);
        return { cart: current, moves, next: { kind: 'closed', reasons: move.reasons } };
    }
  }
  throw new Error(`cart ${cart.id} did not settle in four moves`);
}
