import { type CartEvent, type CartSnapshot, emailKey } from './cart-event.js';

export type ClosedStatus =
  | 'purchased'
  | 'recovered'
  | 'suppressed'
  | 'written_off'
  | 'unsubscribed'
  | 'given_up';
export type CartStatus = 'open' | ClosedStatus;
export type ReminderNumber = 1 | 2;
export type SkipReason = 'frequency_cap';

/**
 * What became of one reminder number of one cart. `claimed` is written before the send and `sent`
 * after it, so a crash in between leaves a visible claim and never a second copy.
 */
export interface ReminderRecord {
  n: ReminderNumber;
  state: 'claimed' | 'sent' | 'skipped';
  /** When it was due, after any quiet-hours deferral. */
  dueAt: string;
  /** When it was claimed, sent or skipped. */
  at: string;
  reason?: SkipReason;
  /** The due time before quiet hours moved it, when they did. */
  deferredFrom?: string;
  messageId?: string;
  rulesVersion?: string;
}

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
  checkedOutAt?: string;
  status: CartStatus;
  closedAt?: string;
  closedWhy?: string;
  reminders: ReminderRecord[];
  wake?: PendingWake;
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

/** Whether a reminder was actually sent to the shopper before `at` (ISO). */
export function remindedBefore(cart: Cart, at: string): boolean {
  return cart.reminders.some((r) => r.state === 'sent' && r.at <= at);
}

/** The closing status of a cart whose shopper bought at `at`: recovered if a reminder came first. */
export function purchaseStatus(cart: Cart, at: string): 'purchased' | 'recovered' {
  return remindedBefore(cart, at) ? 'recovered' : 'purchased';
}

/** Changes for {@link copyCart}; a key given as undefined removes that field. */
export type CartChanges = Partial<Omit<Cart, 'id' | 'firstSeenAt'>>;

/**
 * A copy of `cart` with `changes`; a key given as undefined is cleared. Every cart the engine makes
 * has all of its keys, absent ones held as undefined, in one order: then all carts share one hidden
 * class in V8 and every read of a cart field is a monomorphic load. Carts with only the keys they use
 * came in a dozen shapes (open or closed, with or without an email, a wake-up, a checkout), past the
 * four V8 tracks at a site, so each such read went through its slow megamorphic path. (Serialised, an
 * undefined key is no key: JSON and the DynamoDB marshaller both drop it.)
 */
export function copyCart(cart: Cart, changes: CartChanges = {}): Cart {
  return {
    id: cart.id,
    emailKey: 'emailKey' in changes ? changes.emailKey : cart.emailKey,
    snapshot: 'snapshot' in changes ? changes.snapshot : cart.snapshot,
    firstSeenAt: cart.firstSeenAt,
    lastActivityAt: 'lastActivityAt' in changes ? changes.lastActivityAt : cart.lastActivityAt,
    checkedOutAt: 'checkedOutAt' in changes ? changes.checkedOutAt : cart.checkedOutAt,
    status: changes.status ?? cart.status,
    closedAt: 'closedAt' in changes ? changes.closedAt : cart.closedAt,
    closedWhy: 'closedWhy' in changes ? changes.closedWhy : cart.closedWhy,
    reminders: changes.reminders ?? cart.reminders,
    wake: 'wake' in changes ? changes.wake : cart.wake,
    recentEventIds: changes.recentEventIds ?? cart.recentEventIds,
    version: changes.version ?? cart.version,
  };
}

/** A cart seen for the first time, with every key of {@link copyCart}, in its order. */
function newCart(fields: Pick<Cart, 'id' | 'firstSeenAt' | 'status' | 'recentEventIds'> & CartChanges): Cart {
  return copyCart({ reminders: [], version: 1, ...fields }, fields);
}

/**
 * A copy of a reminder record with `changes`, every key set (absent ones as undefined) in one order,
 * so that all records share one hidden class (see {@link copyCart}).
 */
export function copyRecord(record: ReminderRecord, changes: Partial<ReminderRecord> = {}): ReminderRecord {
  return {
    n: changes.n ?? record.n,
    state: changes.state ?? record.state,
    dueAt: changes.dueAt ?? record.dueAt,
    at: changes.at ?? record.at,
    reason: changes.reason ?? record.reason,
    deferredFrom: changes.deferredFrom ?? record.deferredFrom,
    messageId: changes.messageId ?? record.messageId,
    rulesVersion: changes.rulesVersion ?? record.rulesVersion,
  };
}

/** Closes an open cart; a closed cart stays as it is. */
export function closeCart(cart: Cart, status: ClosedStatus, at: string, why: string): Cart {
  if (cart.status !== 'open') return cart;
  return copyCart(cart, { status, closedAt: at, closedWhy: why, wake: undefined, version: cart.version + 1 });
}

// `concat` makes an array of exactly the length it needs: a month keeps one of these per cart.
function remember(ids: readonly string[], id: string): string[] {
  return (ids.length >= RECENT_EVENT_IDS ? ids.slice(ids.length - RECENT_EVENT_IDS + 1) : ids).concat(id);
}

/** Fields a storefront often sends once and then leaves out; a later snapshot keeps what we had. */
const STICKY = ['email', 'timezone', 'locale', 'marketingConsent'] as const;
export type StickyField = (typeof STICKY)[number];

/**
 * Whether a `cart.updated` event may be applied to a stored cart without reading it first: the cart
 * is open with a pending wake-up, has not seen the event, its last activity is older, and the event
 * brings no email or the one the cart has (a new address moves the cart between shoppers, which the
 * read-and-fold path handles). Then the fold is `applyNewerSnapshot` below, which is what
 * `applyCartEvent` does in that case.
 */
export function canApplyNewerSnapshot(
  cart: Cart,
  eventId: string,
  occurredAt: string,
  email: string | undefined,
): boolean {
  return (
    cart.status === 'open' &&
    cart.wake !== undefined &&
    cart.lastActivityAt !== undefined &&
    cart.lastActivityAt < occurredAt &&
    !cart.recentEventIds.includes(eventId) &&
    cart.recentEventIds.length < MAX_RECENT_EVENT_IDS &&
    (email === undefined || emailKey(email) === cart.emailKey)
  );
}

/** Applies a newer snapshot (the checks of `canApplyNewerSnapshot` passed): sticky fields carry over. */
export function applyNewerSnapshot(
  cart: Cart,
  eventId: string,
  occurredAt: string,
  next: CartSnapshot,
): Cart {
  const snapshot = carryOver(next, cart.snapshot);
  return copyCart(cart, {
    snapshot,
    lastActivityAt: occurredAt,
    recentEventIds: cart.recentEventIds.concat(eventId),
    version: cart.version + 1,
  });
}

function carryOver(next: CartSnapshot, previous: CartSnapshot | undefined): CartSnapshot {
  if (!previous) return next;
  let merged: Record<string, unknown> | undefined;
  for (const field of STICKY) {
    if (next[field] === undefined && previous[field] !== undefined) {
      // Copied onto a fresh object, not spread and grown (see copyCart).
      merged ??= Object.assign({}, next);
      merged[field] = previous[field];
    }
  }
  return (merged as CartSnapshot | undefined) ?? next;
}

/**
 * Folds one validated event into a cart (or into nothing, for a cart seen first). Pure: the order
 * events arrive in does not change the end state, except that a closed cart stays closed.
 *
 * 1. A repeated event id changes nothing.
 * 2. An update newer than the last activity replaces the snapshot; an older one only counts as seen.
 * 3. Any update of a checked-out (or otherwise closed) cart is ignored.
 * 4. A checkout closes the cart for good: recovered when a reminder was sent before it, else purchased.
 */
export function applyCartEvent(
  cart: Cart | undefined,
  event: CartEvent,
  receivedAt: string,
): { cart: Cart; outcome: ApplyOutcome } {
  if (cart?.recentEventIds.includes(event.id)) return { cart, outcome: 'duplicate' };
  const eventEmail = event.cart.email ? emailKey(event.cart.email) : undefined;

  if (event.type === 'cart.checked_out') {
    if (!cart) {
      return {
        cart: newCart({
          id: event.cart.id,
          emailKey: eventEmail || undefined,
          firstSeenAt: receivedAt,
          checkedOutAt: event.occurredAt,
          status: 'purchased',
          closedAt: receivedAt,
          closedWhy: 'checked out',
          recentEventIds: [event.id],
        }),
        outcome: 'checked_out',
      };
    }
    const recentEventIds = remember(cart.recentEventIds, event.id);
    if (cart.status !== 'open') {
      return {
        cart: copyCart(cart, {
          recentEventIds,
          checkedOutAt: cart.checkedOutAt ?? event.occurredAt,
          version: cart.version + 1,
        }),
        outcome: 'checkout_after_close',
      };
    }
    const withCheckout = copyCart(cart, {
      recentEventIds,
      checkedOutAt: event.occurredAt,
      emailKey: (cart.emailKey ?? eventEmail) || undefined,
    });
    return {
      cart: closeCart(withCheckout, purchaseStatus(cart, event.occurredAt), receivedAt, 'checked out'),
      outcome: 'checked_out',
    };
  }

  if (!cart) {
    return {
      cart: newCart({
        id: event.cart.id,
        emailKey: eventEmail || undefined,
        snapshot: event.cart,
        firstSeenAt: receivedAt,
        lastActivityAt: event.occurredAt,
        status: 'open',
        recentEventIds: [event.id],
      }),
      outcome: 'created',
    };
  }
  const seen = {
    recentEventIds: remember(cart.recentEventIds, event.id),
    version: cart.version + 1,
  };
  if (cart.status !== 'open') return { cart: copyCart(cart, seen), outcome: 'ignored_closed' };
  if (cart.lastActivityAt && event.occurredAt <= cart.lastActivityAt)
    return { cart: copyCart(cart, seen), outcome: 'stale' };
  const snapshot = carryOver(event.cart, cart.snapshot);
  const cartChanges: CartChanges = {
    recentEventIds: seen.recentEventIds,
    version: seen.version,
    snapshot,
    lastActivityAt: event.occurredAt,
  };
  if (snapshot.email) cartChanges.emailKey = emailKey(snapshot.email);
  return { cart: copyCart(cart, cartChanges), outcome: 'updated' };
}
