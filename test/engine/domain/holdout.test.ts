import { describe, expect, it } from 'vitest';
import { createHoldoutDraw, HOLDOUT_BUCKETS, isHeldOut } from '#engine/domain/holdout.js';

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
