import { describe, expect, it } from 'vitest';
import {
  boughtInWindow,
  createHoldoutDraw,
  HOLDOUT_BUCKETS,
  holdoutGroup,
  isHeldOut,
  liftGroups,
} from '#engine/domain/holdout.js';
import { sampleCart } from '#test/fakes/sample-cart.js';

describe('createHoldoutDraw', () => {
  it('gives the same bucket for the same key and email, in 0..99', () => {
    // Prepare
    const draw = createHoldoutDraw('store-secret');

    // Act
    const buckets = Array.from({ length: 50 }, (_, i) => draw.bucket(`shopper${i}@example.com`));

    // Assess
    expect(buckets).toEqual(
      Array.from({ length: 50 }, (_, i) =>
        createHoldoutDraw('store-secret').bucket(`shopper${i}@example.com`),
      ),
    );
    for (const bucket of buckets) {
      expect(Number.isInteger(bucket)).toBe(true);
      expect(bucket).toBeGreaterThanOrEqual(0);
      expect(bucket).toBeLessThan(HOLDOUT_BUCKETS);
    }
  });

  it('depends on the key: another secret puts shoppers in other buckets', () => {
    // Act
    const a = createHoldoutDraw('key-a');
    const b = createHoldoutDraw('key-b');
    const emails = Array.from({ length: 100 }, (_, i) => `s${i}@example.com`);

    // Assess
    const same = emails.filter((e) => a.bucket(e) === b.bucket(e)).length;
    expect(same).toBeLessThan(10);
  });

  it('spreads 20,000 shoppers evenly: every decile of buckets holds about a tenth of them', () => {
    // Prepare
    const draw = createHoldoutDraw('spread');
    const deciles = new Array<number>(10).fill(0);

    // Act
    for (let i = 0; i < 20_000; i++) {
      const decile = Math.floor(draw.bucket(`shopper${i}@example.com`) / 10);
      deciles[decile] = (deciles[decile] ?? 0) + 1;
    }

    // Assess: 2,000 expected each, sd about 42
    for (const count of deciles) expect(Math.abs(count - 2_000)).toBeLessThan(200);
  });

  it('refuses an empty key', () => {
    expect(() => createHoldoutDraw('')).toThrow('the holdout key must not be empty');
  });
});

describe('isHeldOut', () => {
  it('holds out buckets below the percentage, and nobody without a bucket', () => {
    expect([
      isHeldOut(0, 10),
      isHeldOut(9, 10),
      isHeldOut(10, 10),
      isHeldOut(0, 0),
      isHeldOut(undefined, 50),
    ]).toEqual([true, true, false, false, false]);
  });
});

describe('holdoutGroup, boughtInWindow and liftGroups', () => {
  const record = (state: 'sent' | 'skipped', reason?: 'held_out' | 'frequency_cap') => ({
    n: 1 as const,
    state,
    dueAt: '2026-06-10T15:00:00.000Z',
    at: '2026-06-10T15:00:00.000Z',
    ...(reason ? { reason } : {}),
  });

  it('puts a cart in a group by its first reminder, counting a capped one as reminded', () => {
    expect(holdoutGroup(sampleCart())).toBeUndefined();
    expect(holdoutGroup(sampleCart({ reminders: [record('skipped', 'held_out')] }))).toBe('held_out');
    expect(holdoutGroup(sampleCart({ reminders: [record('skipped', 'frequency_cap')] }))).toBe('reminded');
    expect(holdoutGroup(sampleCart({ reminders: [record('sent')] }))).toBe('reminded');
  });

  it('counts its own checkout from the first reminder due time to the end of the window', () => {
    const cart = (checkedOutAt: string) =>
      sampleCart({ reminders: [record('skipped', 'held_out')], checkedOutAt });

    expect(boughtInWindow(cart('2026-06-10T15:00:00.000Z'), 5)).toBe(true);
    expect(boughtInWindow(cart('2026-06-15T15:00:00.000Z'), 5)).toBe(true);
    expect(boughtInWindow(cart('2026-06-15T15:00:01.000Z'), 5)).toBe(false);
    expect(boughtInWindow(cart('2026-06-10T14:59:59.000Z'), 5)).toBe(false);
    expect(boughtInWindow(sampleCart({ reminders: [record('sent')] }), 5)).toBe(false);
  });

  it('does not count a checkout of a cart whose first reminder never came due', () => {
    expect(boughtInWindow(sampleCart({ checkedOutAt: '2026-06-10T15:00:00.000Z' }), 5)).toBe(false);
  });

  it('counts a bought cart without a snapshot as a purchase with no revenue', () => {
    // Prepare
    const cart = sampleCart({
      reminders: [record('sent')],
      checkedOutAt: '2026-06-11T10:00:00.000Z',
      snapshot: null,
    });

    // Act / Assess
    expect(liftGroups([cart], 5, 'USD')).toEqual({
      reminded: { carts: 1, purchases: 1, revenue: 0 },
      heldOut: { carts: 0, purchases: 0, revenue: 0 },
    });
  });

  it('sums carts, purchases and the revenue in the store currency of each group', () => {
    // Prepare
    const bought = '2026-06-11T10:00:00.000Z';
    const carts = [
      sampleCart({ id: 'a', reminders: [record('sent')], checkedOutAt: bought }),
      sampleCart({ id: 'b', reminders: [record('sent')] }),
      sampleCart({ id: 'c', reminders: [record('skipped', 'held_out')], checkedOutAt: bought }),
      sampleCart({ id: 'd' }),
    ];

    // Act
    const groups = liftGroups(carts, 5, 'USD');

    // Assess: the sample cart's total is 178.50 USD
    expect(groups).toEqual({
      reminded: { carts: 2, purchases: 1, revenue: 178.5 },
      heldOut: { carts: 1, purchases: 1, revenue: 178.5 },
    });
    expect(liftGroups(carts, 5, 'EUR').reminded.revenue).toBe(0);
  });
});
