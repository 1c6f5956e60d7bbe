import { createHoldoutDraw, type HoldoutDraw } from '../../domain/holdout.js';
import { timeOf } from '../../domain/iso-time.js';
import type { Contact, ContactStore, SlotClaim } from '../../ports.js';

const HOUR = 3_600_000;

/** The in-memory twin of the contact store: one record per shopper email. */
export class MemoryContactStore implements ContactStore {
  readonly #contacts = new Map<string, Contact>();
  readonly #holdout: HoldoutDraw;
  // Buckets already drawn, per shopper: every decision about a cart asks for one, and the HMAC behind
  // it was a fourteenth of a simulated month (docs/performance.md). One entry per shopper, like #contacts.
  readonly #buckets = new Map<string, number>();

  /** `holdoutKey` keys the holdout buckets, as the table's salt does in DynamoDB. */
  constructor(options: { holdoutKey?: string } = {}) {
    this.#holdout = createHoldoutDraw(options.holdoutKey ?? 'memory-contacts-holdout-key');
  }

  async holdoutBucket(emailKey: string): Promise<number> {
    let bucket = this.#buckets.get(emailKey);
    if (bucket === undefined) {
      bucket = this.#holdout.bucket(emailKey);
      this.#buckets.set(emailKey, bucket);
    }
    return bucket;
  }

  async get(emailKey: string): Promise<Contact | undefined> {
    return this.#contacts.get(emailKey);
  }

  async claimReminderSlot(
    emailKey: string,
    slot: { cartId: string; at: string },
    capHours: number,
  ): Promise<SlotClaim> {
    const contact = this.#contacts.get(emailKey) ?? { emailKey };
    if (contact.unsubscribedAt) return 'unsubscribed';
    const last = contact.lastReminder;
    if (last && last.cartId !== slot.cartId && timeOf(slot.at) - timeOf(last.at) < capHours * HOUR) {
      return 'capped';
    }
    this.#contacts.set(
      emailKey,
      copyContact(contact, { lastReminder: { cartId: slot.cartId, at: slot.at } }),
    );
    return 'claimed';
  }

  async unsubscribe(
    emailKey: string,
    change: { at: string; reason: string; actor: string },
  ): Promise<{ before: Contact | undefined; after: Contact }> {
    const before = this.#contacts.get(emailKey);
    if (before?.unsubscribedAt) return { before, after: before };
    const after = copyContact(before ?? { emailKey }, {
      unsubscribedAt: change.at,
      unsubscribeReason: change.reason,
      unsubscribedBy: change.actor,
    });
    this.#contacts.set(emailKey, after);
    return { before, after };
  }

  async recordCheckout(emailKey: string, at: string): Promise<void> {
    const contact = this.#contacts.get(emailKey) ?? { emailKey };
    if (contact.lastCheckoutAt && contact.lastCheckoutAt >= at) return;
    this.#contacts.set(emailKey, copyContact(contact, { lastCheckoutAt: at }));
  }
}

/** A frozen copy of `contact` with `changes`. */
function copyContact(contact: Contact, changes: Partial<Omit<Contact, 'emailKey'>>): Contact {
  return Object.freeze({ ...contact, ...changes });
}
