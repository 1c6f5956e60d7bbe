import {
  applyNewerSnapshot,
  type Cart,
  canApplyNewerSnapshot,
  type ReminderRecord,
} from '../../domain/cart.js';
import { VersionConflictError } from '../../domain/errors.js';
import type { CartStore, SnapshotUpdate } from '../../ports.js';

/**
 * The in-memory twin of the DynamoDB cart store, with the same conditional-write semantics.
 * Stored carts are frozen: the domain never mutates, and a use case that tried would throw.
 */
export class MemoryCartStore implements CartStore {
  readonly #carts = new Map<string, Cart>();
  readonly #openByEmail = new Map<string, Set<string>>();
  writes = 0;

  async get(cartId: string): Promise<Cart | undefined> {
    return this.#carts.get(cartId);
  }

  async put(cart: Cart, expectedVersion: number): Promise<Cart> {
    const stored = this.#carts.get(cart.id);
    if ((stored?.version ?? 0) !== expectedVersion) throw new VersionConflictError(`cart ${cart.id}`);
    return this.#store(stored, { ...cart, version: expectedVersion + 1 });
  }

  async claimReminder(cartId: string, claim: ReminderRecord): Promise<Cart | undefined> {
    const stored = this.#openCart(cartId);
    if (!stored || stored.reminders.length !== claim.n - 1) return undefined;
    return this.#store(stored, {
      ...stored,
      reminders: [...stored.reminders, claim],
      version: stored.version + 1,
    });
  }

  async applyNewerSnapshot(update: SnapshotUpdate): Promise<Cart | undefined> {
    const stored = this.#openCart(update.cartId);
    if (!stored || !canApplyNewerSnapshot(stored, update.eventId, update.occurredAt)) return undefined;
    return this.#store(
      stored,
      applyNewerSnapshot(stored, update.eventId, update.occurredAt, update.snapshot),
    );
  }

  async openCartsByEmail(emailKey: string): Promise<Cart[]> {
    const ids = this.#openByEmail.get(emailKey);
    if (!ids) return [];
    return [...ids].flatMap((id) => {
      const cart = this.#carts.get(id);
      return cart ? [cart] : [];
    });
  }

  /**
   * Every cart whose UTC day of last activity (else of first sighting) is `day` (`YYYY-MM-DD`),
   * ordered by cart id, as the DynamoDB store's `by-day` index gives them.
   */
  async cartsByDay(day: string): Promise<Cart[]> {
    return [...this.#carts.values()]
      .filter((cart) => utcDayOf(cart.lastActivityAt ?? cart.firstSeenAt) === day)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Every cart, for summaries and tests. */
  all(): IterableIterator<Cart> {
    return this.#carts.values();
  }

  get size(): number {
    return this.#carts.size;
  }

  #openCart(cartId: string): Cart | undefined {
    const stored = this.#carts.get(cartId);
    return stored?.status === 'open' ? stored : undefined;
  }

  #store(previous: Cart | undefined, next: Cart): Cart {
    this.writes++;
    const frozen = Object.freeze(compact(next, previous));
    this.#carts.set(next.id, frozen);
    if (previous?.emailKey && (previous.emailKey !== next.emailKey || next.status !== 'open')) {
      const ids = this.#openByEmail.get(previous.emailKey);
      ids?.delete(next.id);
      if (ids?.size === 0) this.#openByEmail.delete(previous.emailKey);
    }
    if (next.emailKey && next.status === 'open') {
      let ids = this.#openByEmail.get(next.emailKey);
      if (!ids) {
        ids = new Set();
        this.#openByEmail.set(next.emailKey, ids);
      }
      ids.add(next.id);
    }
    return frozen;
  }
}

// A month keeps hundreds of thousands of carts. Carts and reminder records made by spreading (`{ ...cart,
// version }`) can each end up with a hidden class of their own, several hundred bytes apiece; stored
// copies built in one fixed order share a few. The copy has the same fields and values (a field
// present as undefined stays present); only the order of keys may differ, as it does from DynamoDB.
function compact(cart: Cart, previous: Cart | undefined): Cart {
  const kept = previous?.reminders;
  const stored: Cart = {
    id: cart.id,
    firstSeenAt: cart.firstSeenAt,
    status: cart.status,
    // Records already stored (most writes keep them all) are kept as they are.
    reminders:
      cart.reminders === kept
        ? kept
        : cart.reminders.map((record) => (kept?.includes(record) ? record : compactRecord(record))),
    recentEventIds: cart.recentEventIds,
    version: cart.version,
  };
  if ('emailKey' in cart) stored.emailKey = cart.emailKey;
  if ('snapshot' in cart) stored.snapshot = cart.snapshot;
  if ('lastActivityAt' in cart) stored.lastActivityAt = cart.lastActivityAt;
  if ('checkedOutAt' in cart) stored.checkedOutAt = cart.checkedOutAt;
  if ('closedAt' in cart) stored.closedAt = cart.closedAt;
  if ('closedWhy' in cart) stored.closedWhy = cart.closedWhy;
  if ('wake' in cart) stored.wake = cart.wake;
  return stored;
}

function compactRecord(record: ReminderRecord): ReminderRecord {
  const stored: ReminderRecord = { n: record.n, state: record.state, dueAt: record.dueAt, at: record.at };
  if ('reason' in record) stored.reason = record.reason;
  if ('deferredFrom' in record) stored.deferredFrom = record.deferredFrom;
  if ('messageId' in record) stored.messageId = record.messageId;
  if ('rulesVersion' in record) stored.rulesVersion = record.rulesVersion;
  return stored;
}

function utcDayOf(iso: string): string | undefined {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().slice(0, 10);
}
