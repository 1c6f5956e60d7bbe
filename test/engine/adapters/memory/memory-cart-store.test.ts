import { describe, expect, it } from 'vitest';
import { MemoryCartStore } from '#engine/adapters/memory/memory-cart-store.js';
import { closeCart } from '#engine/domain/cart.js';
import { sampleCart } from '#test/fakes/sample-cart.js';

describe('MemoryCartStore', () => {
  it('stores a cart frozen, with the same values, in the one shape every cart has', async () => {
    // Prepare: a field and a reminder field present but undefined, and fields missing.
    const store = new MemoryCartStore();
    const given = {
      ...sampleCart({ version: 0 }),
      checkedOutAt: undefined,
      reminders: [{ n: 1 as const, state: 'sent' as const, dueAt: 'a', at: 'b', reason: undefined }],
    };
    const other = await store.put(sampleCart({ id: 'cart_other', wake: { at: 'c', seq: 1 } }), 0);

    // Act
    await store.put(given, 0);
    const read = await store.get(given.id);

    // Assess: equal values (an undefined field is a missing one, as DynamoDB reads it back), and every
    // stored cart has all of the cart's keys in one order, whichever it was given.
    expect(read).toEqual({ ...given, version: 1 });
    expect(Object.isFrozen(read)).toBe(true);
    expect(Object.keys(read ?? {})).toEqual([
      'id',
      'emailKey',
      'snapshot',
      'firstSeenAt',
      'lastActivityAt',
      'checkedOutAt',
      'status',
      'closedAt',
      'closedWhy',
      'reminders',
      'wake',
      'recentEventIds',
      'version',
    ]);
    expect(Object.keys(other)).toEqual(Object.keys(read ?? {}));
    expect(read?.checkedOutAt).toBeUndefined();
    expect(read?.reminders[0]?.reason).toBeUndefined();
  });

  it('lists every cart in the order first stored, open and closed alike', async () => {
    // Prepare
    const store = new MemoryCartStore();
    const first = await store.put(sampleCart({ id: 'cart-a', version: 0 }), 0);
    await store.put(sampleCart({ id: 'cart-b', version: 0 }), 0);
    await store.put(closeCart(first, 'suppressed', '2026-06-11T10:00:00.000Z', 'owner'), 1);

    // Act
    const carts = [...store.all()];

    // Assess
    expect(carts.map((c) => [c.id, c.status])).toEqual([
      ['cart-a', 'suppressed'],
      ['cart-b', 'open'],
    ]);
    expect(store.size).toBe(2);
  });

  it('refuses a claim or a one-write update for a closed cart, and a stale version', async () => {
    // Prepare
    const store = new MemoryCartStore();
    const open = await store.put(sampleCart({ version: 0 }), 0);
    await store.put(closeCart(open, 'purchased', '2026-06-10T15:00:00.000Z', 'checked out'), 1);

    // Act
    const claimed = await store.claimReminder(open.id, {
      n: 1,
      state: 'claimed',
      dueAt: '2026-06-10T15:00:00.000Z',
      at: '2026-06-10T15:00:00.000Z',
    });
    const updated = await store.applyNewerSnapshot({
      cartId: open.id,
      eventId: 'evt-late',
      occurredAt: '2026-06-10T16:00:00.000Z',
      snapshot: open.snapshot ?? ({} as never),
    });

    // Assess
    expect(claimed).toBeUndefined();
    expect(updated).toBeUndefined();
    await expect(store.put(open, 1)).rejects.toThrow(/cart cart-1001/);
    expect(await store.openCartsByEmail('shopper@example.com')).toEqual([]);
  });
});
