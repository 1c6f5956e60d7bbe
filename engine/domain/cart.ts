import type { CartEvent, CartSnapshot } from './cart-event.js';
import { emailKey } from './email-key.js';
import { timeOf } from './iso-time.js';
import { DEFAULT_ATTRIBUTION_DAYS } from './rules.js';

export type ClosedStatus =
  | 'purchased'
  | 'recovered'
  | 'suppressed'
  | 'written_off'
  | 'unsubscribed'
  | 'given_up';
export type CartStatus = 'open' | ClosedStatus;
export type ReminderNumber = 1 | 2;
/**
 * Why a reminder was passed by: another cart of the shopper got one within the frequency cap, or the
 * shopper is in the holdout (no reminders, so the lift can be measured).
 */
export type SkipReason = 'frequency_cap' | 'held_out';

/**
 * What became of one reminder number of one cart. `claimed` is written before the message is made,
 * `sending` just before it is handed to the mail service, and `sent` after: a crash while `claimed`
 * sent nothing and may be taken over; a crash while `sending` may have sent, so it is never retried.
 */
export interface ReminderRecord {
  n: ReminderNumber;
  state: 'claimed' | 'sending' | 'sent' | 'skipped';
  /** When it was due, after any quiet-hours deferral. */
  dueAt: string;
  /** When it was claimed, sent or skipped. */
  at: string;
  reason?: SkipReason;
  /** The due time before quiet hours moved it, when they did. */
  deferredFrom?: string;
  messageId?: string;
  rulesVersion?: string;
  /**
   * The first click on this reminder's links (the return button, through /r/<token>). Recorded once;
   * it never changes the cart's course. A link scanner's visit counts too.
   */
  clickedAt?: string;
}

/**
 * How a purchase is credited: `recovered` when it came within the rules' `attributionDays` after a
 * sent reminder, `recovered_through_link` when a click on that reminder's link also came before it,
 * else `not_recovered`.
 */
export type Attribution = 'recovered' | 'recovered_through_link' | 'not_recovered';

/** The one pending wake-up of a cart: the scheduler fires `seq` at `at`; an older seq is stale. */
export interface PendingWake {
  at: string;
  seq: number;
}

/** A cart as the engine keeps it. Every change is a new object with `version` + 1. */
export interface Cart {
  id: string;
  /** Trimmed and lower-cased, for comparisons; absent until an event gives one. */
  emailKey?: string;
  /** The newest `cart.updated` snapshot; absent for a cart only known from its checkout. */
  snapshot?: CartSnapshot;
  firstSeenAt: string;
  /** Newest `occurredAt` of its `cart.updated` events. */
  lastActivityAt?: string;
  /** The id of the event whose snapshot the cart holds: two updates of one instant go by event id. */
  lastEventId?: string;
  checkedOutAt?: string;
  status: CartStatus;
  closedAt?: string;
  closedWhy?: string;
  reminders: ReminderRecord[];
  wake?: PendingWake;
  /**
   * How the shopper's purchase is credited, set when the cart is bought: its own checkout (also after
   * it closed), or a later checkout of another of the shopper's carts that closed it.
   */
  attribution?: Attribution;
  /** Ids of the latest events applied, so a repeated delivery is a no-op. */
  recentEventIds: string[];
  version: number;
}

export type ApplyOutcome =
  | 'created'
  | 'updated'
  | 'stale'
  | 'duplicate'
  | 'ignored_closed'
  | 'checked_out'
  | 'checkout_after_close';

const RECENT_EVENT_IDS = 16;
/**
 * The one-request update path appends event ids without trimming (an update expression cannot both
 * append to and trim a list); it stops at this many and the next read-and-fold trims to 16.
 */
export const MAX_RECENT_EVENT_IDS = 32;

const DAY = 86_400_000;

/**
 * How a purchase at `at` is credited: recovered when a reminder was sent at most `attributionDays`
 * before it; through the link when that reminder's link was also clicked before it.
 * @example attributePurchase(cart.reminders, '2026-06-12T10:00:00Z', 5) // 'recovered_through_link'
 */
export function attributePurchase(
  reminders: readonly ReminderRecord[],
  at: string,
  attributionDays: number,
): Attribution {
  const t = timeOf(at);
  const credited = reminders.filter(
    (r) => r.state === 'sent' && timeOf(r.at) <= t && t - timeOf(r.at) <= attributionDays * DAY,
  );
  if (credited.length === 0) return 'not_recovered';
  // Stryker disable next-line ConditionalExpression: `clickedAt !== undefined` -> true is equivalent (`timeOf(undefined)` is NaN, and `NaN <= t` is false all the same; the check narrows the type); the line's other such mutants are killed by attributePurchase's tests
  return credited.some((r) => r.clickedAt !== undefined && timeOf(r.clickedAt) <= t)
    ? 'recovered_through_link'
    : 'recovered';
}

/** The closing status of a cart whose shopper bought at `at`: recovered if credited to a reminder. */
export function purchaseStatus(cart: Cart, at: string, attributionDays: number): 'purchased' | 'recovered' {
  return attributePurchase(cart.reminders, at, attributionDays) === 'not_recovered'
    ? 'purchased'
    : 'recovered';
}

/**
 * Closes an open cart because its shopper bought at `boughtAt`: `recovered` or `purchased`, with the
 * purchase's attribution kept on the cart. A closed cart stays as it is.
 */
export function closeByPurchase(
  cart: Cart,
  purchase: { boughtAt: string; closedAt: string; why: string; attributionDays: number },
): Cart {
  if (cart.status !== 'open') return cart;
  const attribution = attributePurchase(cart.reminders, purchase.boughtAt, purchase.attributionDays);
  const status = attribution === 'not_recovered' ? 'purchased' : 'recovered';
  return closeCart(changeCart(cart, { attribution }), status, purchase.closedAt, purchase.why);
}

/**
 * The checks under which the first click on reminder `n`'s link is recorded, one per rule; the
 * DynamoDB store writes one condition clause for each, by the same names. A click may come to a
 * closed cart (the shopper comes back to buy): it is recorded all the same and changes nothing else.
 */
export const CLICK_CHECKS = {
  /** Reminder n was made: only an email that was made has a link. */
  hasReminder: (cart: Cart, n: ReminderNumber) => cart.reminders.length >= n,
  /** A skipped reminder sent no email, so nothing of it can be clicked. */
  notSkipped: (cart: Cart, n: ReminderNumber) => cart.reminders[n - 1]?.state !== 'skipped',
  /** Only the first click counts: a second (or a scanner's and then the shopper's) changes nothing. */
  firstClick: (cart: Cart, n: ReminderNumber) => cart.reminders[n - 1]?.clickedAt === undefined,
} as const satisfies Record<string, (cart: Cart, n: ReminderNumber) => boolean>;

export type ClickCheck = keyof typeof CLICK_CHECKS;

/**
 * The cart with the first click on reminder `n` recorded at `at`, or undefined when one of
 * {@link CLICK_CHECKS} fails. Only `clickedAt` and the version change: a click never moves a cart.
 */
export function recordClick(cart: Cart, n: ReminderNumber, at: string): Cart | undefined {
  if (!Object.values(CLICK_CHECKS).every((check) => check(cart, n))) return undefined;
  const reminders = cart.reminders.map((r, i) => (i === n - 1 ? changeRecord(r, { clickedAt: at }) : r));
  return changeCart(cart, { reminders, version: cart.version + 1 });
}

/** Changes to a cart: any field but its identity; a key given as undefined clears that field. */
export type CartChanges = Partial<Omit<Cart, 'id' | 'firstSeenAt'>>;

/** A copy of `cart` with `changes`; a key given as undefined clears that field. */
export function changeCart(cart: Cart, changes: CartChanges): Cart {
  return { ...cart, ...changes };
}

/** A copy of a reminder record with `changes`; a key given as undefined clears that field. */
export function changeRecord(record: ReminderRecord, changes: Partial<ReminderRecord>): ReminderRecord {
  return { ...record, ...changes };
}

/** Closes an open cart; a closed cart stays as it is. */
export function closeCart(cart: Cart, status: ClosedStatus, at: string, why: string): Cart {
  if (cart.status !== 'open') return cart;
  return changeCart(cart, {
    status,
    closedAt: at,
    closedWhy: why,
    wake: undefined,
    version: cart.version + 1,
  });
}

/** The ids of the events a cart has seen, newest last, at most {@link RECENT_EVENT_IDS}. */
function remember(ids: readonly string[], id: string): string[] {
  return [...ids.slice(Math.max(0, ids.length - RECENT_EVENT_IDS + 1)), id];
}

/** Fields a storefront often sends once and then leaves out; a later snapshot keeps what we had. */
const STICKY = ['email', 'timezone', 'locale', 'marketingConsent'] as const;
export type StickyField = (typeof STICKY)[number];

/**
 * Whether an update at `occurredAt` by event `eventId` is newer than what the cart holds. Two updates
 * of the same instant are ordered by event id, so the cart ends the same whichever arrives first.
 */
export function isNewerActivity(cart: Cart, occurredAt: string, eventId: string): boolean {
  if (cart.lastActivityAt === undefined || cart.lastActivityAt < occurredAt) return true;
  return cart.lastActivityAt === occurredAt && (cart.lastEventId ?? '') < eventId;
}

/** A `cart.updated` event as the one-write update path takes it (see {@link NEWER_SNAPSHOT_CHECKS}). */
export interface NewerSnapshot {
  eventId: string;
  occurredAt: string;
  /** The event's email, if it has one. */
  email: string | undefined;
}

/**
 * The checks under which a `cart.updated` event may be applied to a stored cart without reading it
 * first, one per rule; the DynamoDB store writes one condition clause for each, by the same names.
 * Then the fold is {@link applyNewerSnapshot}, which is what {@link applyCartEvent} does in that case.
 */
export const NEWER_SNAPSHOT_CHECKS = {
  /**
   * The cart is open with a pending wake-up, which will look at the new contents. Updates of a closed
   * cart are ignored; an open cart without one is settled by the read-and-fold path.
   */
  awaitsWakeUp: (cart: Cart) => cart.status === 'open' && cart.wake !== undefined,
  /** The event is newer than the cart's last activity (same instant: a greater event id). */
  isNewer: (cart: Cart, update: NewerSnapshot) => isNewerActivity(cart, update.occurredAt, update.eventId),
  /** A repeated delivery changes nothing. */
  isUnseen: (cart: Cart, update: NewerSnapshot) => !cart.recentEventIds.includes(update.eventId),
  /** An update expression can append an id but not trim the list: the read-and-fold path trims it. */
  hasRoomForId: (cart: Cart) => cart.recentEventIds.length < MAX_RECENT_EVENT_IDS,
  /** A new address moves the cart between shoppers, which the read-and-fold path handles. */
  keepsEmail: (cart: Cart, update: NewerSnapshot) =>
    update.email === undefined || emailKey(update.email) === cart.emailKey,
} as const satisfies Record<string, (cart: Cart, update: NewerSnapshot) => boolean>;

export type NewerSnapshotCheck = keyof typeof NEWER_SNAPSHOT_CHECKS;

/** Whether every one of {@link NEWER_SNAPSHOT_CHECKS} holds. */
export function canApplyNewerSnapshot(cart: Cart, update: NewerSnapshot): boolean {
  return Object.values(NEWER_SNAPSHOT_CHECKS).every((check) => check(cart, update));
}

/** Applies a newer snapshot (the checks of `canApplyNewerSnapshot` passed): sticky fields carry over. */
export function applyNewerSnapshot(
  cart: Cart,
  eventId: string,
  occurredAt: string,
  next: CartSnapshot,
): Cart {
  return changeCart(cart, {
    snapshot: carryOver(next, cart.snapshot),
    lastActivityAt: occurredAt,
    lastEventId: eventId,
    recentEventIds: [...cart.recentEventIds, eventId],
    version: cart.version + 1,
  });
}

/** The next snapshot, with every sticky field it leaves out taken from the previous one. */
function carryOver(next: CartSnapshot, previous: CartSnapshot | undefined): CartSnapshot {
  if (!previous) return next;
  const kept: Partial<CartSnapshot> = {};
  for (const field of STICKY) {
    if (next[field] === undefined && previous[field] !== undefined)
      Object.assign(kept, { [field]: previous[field] });
  }
  return { ...next, ...kept };
}

/**
 * Folds one validated event into a cart (or into nothing, for a cart seen first). Pure: the order
 * updates arrive in does not change the snapshot's contents or the last activity (ties go by event
 * id). A sticky field (email, zone, locale, consent) an update leaves out is carried from what the cart
 * held when it arrived, so an older update arriving late may fill one in. A closed cart stays closed.
 *
 * 1. A repeated event id changes nothing.
 * 2. An update newer than the last activity replaces the snapshot (ties broken by event id); an older
 *    one only counts as seen.
 * 3. Any update of a checked-out (or otherwise closed) cart is ignored.
 * 4. A checkout closes the cart for good: recovered when a reminder was sent at most `attributionDays`
 *    before it, else purchased; the purchase's attribution is kept (also for a cart already closed).
 */
export function applyCartEvent(
  cart: Cart | undefined,
  event: CartEvent,
  receivedAt: string,
  attributionDays: number = DEFAULT_ATTRIBUTION_DAYS,
): { cart: Cart; outcome: ApplyOutcome } {
  if (cart?.recentEventIds.includes(event.id)) return { cart, outcome: 'duplicate' };
  const eventEmail = event.cart.email ? emailKey(event.cart.email) : undefined;

  if (event.type === 'cart.checked_out') {
    if (!cart) {
      return {
        cart: {
          id: event.cart.id,
          ...(eventEmail ? { emailKey: eventEmail } : {}),
          firstSeenAt: receivedAt,
          checkedOutAt: event.occurredAt,
          status: 'purchased',
          closedAt: receivedAt,
          closedWhy: 'checked out',
          reminders: [],
          attribution: 'not_recovered',
          recentEventIds: [event.id],
          version: 1,
        },
        outcome: 'checked_out',
      };
    }
    const recentEventIds = remember(cart.recentEventIds, event.id);
    if (cart.status !== 'open') {
      return {
        cart: changeCart(cart, {
          recentEventIds,
          checkedOutAt: cart.checkedOutAt ?? event.occurredAt,
          // Bought after it closed (given up, say): still credited to a reminder within the window.
          attribution:
            cart.attribution ?? attributePurchase(cart.reminders, event.occurredAt, attributionDays),
          version: cart.version + 1,
        }),
        outcome: 'checkout_after_close',
      };
    }
    const withCheckout = changeCart(cart, {
      recentEventIds,
      checkedOutAt: event.occurredAt,
      emailKey: (cart.emailKey ?? eventEmail) || undefined,
    });
    return {
      cart: closeByPurchase(withCheckout, {
        boughtAt: event.occurredAt,
        closedAt: receivedAt,
        why: 'checked out',
        attributionDays,
      }),
      outcome: 'checked_out',
    };
  }

  if (!cart) {
    return {
      cart: {
        id: event.cart.id,
        ...(eventEmail ? { emailKey: eventEmail } : {}),
        snapshot: event.cart,
        firstSeenAt: receivedAt,
        lastActivityAt: event.occurredAt,
        lastEventId: event.id,
        status: 'open',
        reminders: [],
        recentEventIds: [event.id],
        version: 1,
      },
      outcome: 'created',
    };
  }
  const seen = { recentEventIds: remember(cart.recentEventIds, event.id), version: cart.version + 1 };
  if (cart.status !== 'open') return { cart: changeCart(cart, seen), outcome: 'ignored_closed' };
  if (!isNewerActivity(cart, event.occurredAt, event.id))
    return { cart: changeCart(cart, seen), outcome: 'stale' };
  const snapshot = carryOver(event.cart, cart.snapshot);
  return {
    cart: changeCart(cart, {
      ...seen,
      snapshot,
      lastActivityAt: event.occurredAt,
      lastEventId: event.id,
      ...(snapshot.email ? { emailKey: emailKey(snapshot.email) } : {}),
    }),
    outcome: 'updated',
  };
}
