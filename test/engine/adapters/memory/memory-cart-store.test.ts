import { describe, expect, it } from 'vitest';
import { MemoryCartStore } from '#engine/adapters/memory/memory-cart-store.js';
import { closeCart } from '#engine/domain/cart.js';
import { sampleCart } from '#test/fakes/sample-cart.js';

describe('MemoryCartStore', () => {
  it('stores a cart frozen, with the same values, at the next version', async () => {
    // Prepare
    const store = new MemoryCartStore();
    const given = sampleCart({ version: 0 });

    // Act
    const returned = await store.put(given, 0);
    const read = await store.get(given.id);

    // Assess
    expect(read).toEqual({ ...given, version: 1 });
    expect(returned).toBe(read);
    expect(Object.isFrozen(read)).toBe(true);
    expect(given.version).toBe(0);
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

  it('lists a day by cart id as DynamoDB sorts keys, by UTF-8 bytes rather than UTF-16 units', async () => {
    // Prepare: U+FFFF comes before U+1F600 in UTF-8, after it in UTF-16 (a surrogate pair, D83D DE00).
    const store = new MemoryCartStore();
    for (const id of ['cart-\u{1F600}', 'cart-\uFFFF', 'cart-a'])
      await store.put(sampleCart({ id, version: 0 }), 0);

    // Act
    const ids = (await store.cartsByDay('2026-06-10')).map((cart) => cart.id);

    // Assess
    expect(ids).toEqual(['cart-a', 'cart-\uFFFF', 'cart-\u{1F600}']);
  });

  it('orders the sweep by wake-up time, oldest first, at most the limit', async () => {
    // Prepare
    const store = new MemoryCartStore();
    const wakes = { 'cart-late': '2026-06-10T15:30:00.000Z', 'cart-early': '2026-06-10T15:00:00.000Z' };
    for (const [id, at] of Object.entries(wakes))
      await store.put(sampleCart({ id, version: 0, wake: { at, seq: 1 } }), 0);
    await store.put(
      sampleCart({ id: 'cart-due-later', version: 0, wake: { at: '2026-06-10T17:00:00.000Z', seq: 1 } }),
      0,
    );

    // Act
    const due = await store.openCartsWokenBefore('2026-06-10T16:00:00.000Z', 10);
    const first = await store.openCartsWokenBefore('2026-06-10T16:00:00.000Z', 1);

    // Assess
    expect(due).toEqual(['cart-early', 'cart-late']);
    expect(first).toEqual(['cart-early']);
  });
});
