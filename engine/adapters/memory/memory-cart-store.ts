import {
  applyNewerSnapshot,
  type Cart,
  canApplyNewerSnapshot,
  changeCart,
  type ReminderNumber,
  type ReminderRecord,
  recordClick,
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
    return this.#store(stored, cart, expectedVersion + 1);
  }

  async claimReminder(cartId: string, claim: ReminderRecord): Promise<Cart | undefined> {
    const stored = this.#openCart(cartId);
    if (!stored || stored.reminders.length !== claim.n - 1) return undefined;
    return this.#store(
      stored,
      changeCart(stored, { reminders: [...stored.reminders, claim], version: stored.version + 1 }),
    );
  }

  async recordClick(cartId: string, n: ReminderNumber, at: string): Promise<Cart | undefined> {
    const stored = this.#carts.get(cartId);
    const clicked = stored ? recordClick(stored, n, at) : undefined;
    return stored && clicked ? this.#store(stored, clicked) : undefined;
  }

  async applyNewerSnapshot(update: SnapshotUpdate): Promise<Cart | undefined> {
    const stored = this.#openCart(update.cartId);
    if (!stored || !canApplyNewerSnapshot(stored, { ...update, email: update.snapshot.email }))
      return undefined;
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

  async openCartsWokenBefore(at: string, limit: number): Promise<string[]> {
    return [...this.#carts.values()]
      .flatMap((cart) => (cart.status === 'open' && cart.wake && cart.wake.at < at ? [cart] : []))
      .sort((a, b) => byUtf8(a.wake?.at ?? '', b.wake?.at ?? ''))
      .slice(0, limit)
      .map((cart) => cart.id);
  }

  /**
   * Every cart whose UTC day of last activity (else of first sighting) is `day` (`YYYY-MM-DD`),
   * ordered by cart id, as the DynamoDB store's `by-day` index gives them.
   */
  async cartsByDay(day: string): Promise<Cart[]> {
    return [...this.#carts.values()]
      .filter((cart) => utcDayOf(cart.lastActivityAt ?? cart.firstSeenAt) === day)
      .sort((a, b) => byUtf8(a.id, b.id));
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

  #store(previous: Cart | undefined, next: Cart, version = next.version): Cart {
    this.writes++;
    const frozen = Object.freeze({ ...next, version });
    this.#carts.set(next.id, frozen);
    const indexedAs = previous?.status === 'open' ? previous.emailKey : undefined;
    if (indexedAs !== undefined && indexedAs === next.emailKey && next.status === 'open') return frozen;
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

function utcDayOf(iso: string): string | undefined {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().slice(0, 10);
}

/**
 * Orders two strings as DynamoDB orders sort keys: by their UTF-8 bytes. JavaScript's `<` compares
 * UTF-16 code units, and the two disagree for characters beyond U+FFFF.
 */
function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
