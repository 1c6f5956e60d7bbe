/**
 * The narrow ports between the use cases and the outside world. Every adapter (DynamoDB, Scheduler,
 * SES, Bedrock, S3, the in-memory twins) implements one of these and nothing more.
 */
import type { Cart, ReminderNumber, ReminderRecord } from './domain/cart.js';
import type { CartSnapshot } from './domain/cart-event.js';
import type { Language } from './domain/copy/catalogue.js';
import type { ShopperHistory } from './domain/decide-move.js';
import type { Rules } from './domain/rules.js';

/** The engine's only source of time; the simulator drives a virtual one. */
export interface Clock {
  now(): Date;
}

/** One structured logger: a fixed message plus data. Never a raw email, a secret or a whole payload. */
export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export interface CartStore {
  get(cartId: string): Promise<Cart | undefined>;
  /**
   * Writes the cart if the stored one is still at `expectedVersion` (0: there must be none), and
   * returns it as stored, at version `expectedVersion + 1`.
   * @throws VersionConflictError when someone else wrote first.
   */
  put(cart: Cart, expectedVersion: number): Promise<Cart>;
  /**
   * Appends a `claimed` record for reminder `claim.n` if the cart is open and has exactly
   * `claim.n - 1` reminder records: the exactly-once guard of a reminder number. Returns the cart as
   * stored, or undefined when the claim was lost (already claimed, skipped or closed).
   */
  claimReminder(cartId: string, claim: ReminderRecord): Promise<Cart | undefined>;
  /**
   * Records the first click on reminder `n`'s link at `at`, in one conditional write (the checks of
   * `CLICK_CHECKS`). Returns the cart as stored, or undefined when the cart is unknown, reminder `n`
   * was never made or was skipped, or its link was already clicked.
   */
  recordClick(cartId: string, n: ReminderNumber, at: string): Promise<Cart | undefined>;
  /** Open carts of one shopper (by email key). */
  openCartsByEmail(emailKey: string): Promise<Cart[]>;
  /** Ids of open carts whose pending wake-up is before `at` (UTC ISO), oldest first, at most `limit`. */
  openCartsWokenBefore(at: string, limit: number): Promise<string[]>;
  /**
   * The one-request path of the commonest webhook call, an update of a known cart: applies a newer
   * snapshot in a single conditional write, without reading first, exactly as `applyCartEvent` would
   * (see `canApplyNewerSnapshot`). Returns the cart as stored, or undefined when the cart is unknown,
   * closed, without a pending wake-up, has seen this event, has newer activity, or the event brings
   * another email; the caller then reads and folds as usual.
   */
  applyNewerSnapshot(update: SnapshotUpdate): Promise<Cart | undefined>;
}

/** A `cart.updated` event as the one-request update path takes it. */
export interface SnapshotUpdate {
  cartId: string;
  eventId: string;
  occurredAt: string;
  snapshot: CartSnapshot;
}

/** What the engine keeps per shopper email. */
export interface Contact extends ShopperHistory {
  emailKey: string;
  unsubscribeReason?: string;
  unsubscribedBy?: string;
}

export type SlotClaim = 'claimed' | 'capped' | 'unsubscribed';

export interface ContactStore {
  get(emailKey: string): Promise<Contact | undefined>;
  /**
   * Takes this email's reminder slot for a cart, atomically: refused when the email is unsubscribed,
   * or when another cart's reminder went to it less than `capHours` before `slot.at`.
   */
  claimReminderSlot(
    emailKey: string,
    slot: { cartId: string; at: string },
    capHours: number,
  ): Promise<SlotClaim>;
  /** Marks the email unsubscribed (the first time wins); returns the contact before and after. */
  unsubscribe(
    emailKey: string,
    change: { at: string; reason: string; actor: string },
  ): Promise<{ before: Contact | undefined; after: Contact }>;
  /** Records a checkout time for the email, keeping the newest. */
  recordCheckout(emailKey: string, at: string): Promise<void>;
  /**
   * The shopper's holdout bucket, 0..99: a keyed hash of the email under the store's own secret (the
   * salt that keys the contacts), always the same for one email. No request once the key is known.
   */
  holdoutBucket(emailKey: string): Promise<number>;
}

/** One wake-up of one cart; `seq` tells a current wake-up from a stale one. */
export interface Wake {
  cartId: string;
  seq: number;
  at: Date;
}

export interface WakeScheduler {
  /** Idempotent for one (cartId, seq): scheduling it twice leaves one wake-up. */
  schedule(wake: Wake): Promise<void>;
  /** Removes a pending wake-up; one that already fired or never existed is fine. */
  cancel(wake: Pick<Wake, 'cartId' | 'seq'>): Promise<void>;
}

export interface ReminderJob {
  cartId: string;
  n: ReminderNumber;
  seq: number;
  /**
   * The rules the reminder was decided under, and their version: the sender claims, composes and
   * settles under exactly these, so a reminder never mixes two versions (and the sender reads no
   * rules of its own).
   */
  rules: Rules;
  rulesVersion: string;
  /**
   * The owner's "Send me a test reminder": sent to `to`, marked [Test], recorded as a test only (no
   * claim, no shopper slot, the cart untouched). `sample`: the store's sample cart, not `cartId`'s.
   */
  test?: TestDelivery;
}

export interface TestDelivery {
  to: string;
  actor: string;
  sample: boolean;
}

export interface ReminderQueue {
  enqueue(job: ReminderJob): Promise<void>;
}

export interface OutgoingEmail {
  to: string;
  from: string;
  fromName: string;
  subject: string;
  text: string;
  html: string;
  /** Where replies go (the Reply-To header), when the store has such an address. */
  replyTo?: string;
  /** Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058). */
  headers: Record<string, string>;
  /** Searchable tags (cart id, reminder number) for the mail provider; never an email address. */
  tags: Record<string, string>;
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

export interface PolishRequest {
  line: string;
  tone: 'first' | 'second';
  /** The language of the line; the polished line must stay in it. */
  language: Language;
  voice: string;
  storeName: string;
  rulesVersion: string;
}

/** Rewrites one line into the store's voice. May fail or be slow: callers fall back to `line`. */
export interface Polisher {
  polish(request: PolishRequest): Promise<string>;
}

export interface RulesVersion {
  rules: Rules;
  /** S3 VersionId where the bucket keeps versions, else the ETag; "local" and the like elsewhere. */
  version: string;
}

export interface RulesSource {
  current(): Promise<RulesVersion>;
}

export type AuditAction =
  | 'cart.closed'
  | 'cart.swept'
  | 'reminder.claimed'
  | 'reminder.sent'
  | 'reminder.failed'
  | 'reminder.skipped'
  | 'reminder.deferred'
  /** The owner's test send: a reminder to the owner, never a shopper; counted nowhere. */
  | 'reminder.test_sent'
  | 'owner.suppress'
  | 'owner.write_off'
  | 'owner.unsubscribe'
  | 'shopper.unsubscribe'
  | 'mail.bounce'
  | 'mail.complaint';

/** One audited action: who did what to which cart, with the state before and after. */
export interface AuditEntry {
  at: string;
  action: AuditAction;
  actor: string;
  cartId?: string;
  /** A short hash of the email, never the address itself. */
  emailHash?: string;
  before?: unknown;
  after?: unknown;
  rulesVersion?: string;
  detail?: Record<string, unknown>;
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
}

/** Replay protection for signed owner actions: each nonce is accepted once until it expires. */
export interface NonceStore {
  /** True the first time a nonce is seen; false for a replay. */
  claim(nonce: string, expiresAt: Date): Promise<boolean>;
}

/** One line of a Stripe Checkout Session, as a reminder needs it; amounts in the currency's minor units. */
export interface CheckoutLineItem {
  id: string;
  /** The product's name, as Stripe shows it on the receipt. */
  description: string;
  quantity: number;
  /** The unit price, when the line has one price; else `amountSubtotal` / `quantity`. */
  unitAmount: number | null;
  amountSubtotal: number;
  /** The product's id, our SKU for the line. */
  productId: string | null;
}

/** Reads the lines of a Stripe Checkout Session (webhooks carry none). */
export interface CheckoutLineItems {
  /**
   * @throws StripeApiError (engine/adapters/stripe-line-items.ts) when Stripe refuses or is unavailable.
   */
  list(sessionId: string): Promise<CheckoutLineItem[]>;
}
