import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateLift, MIN_CARTS_PER_GROUP, newcombeInterval, wilsonInterval } from '#engine/domain/lift.js';

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

describe('wilsonInterval', () => {
  it("gives Newcombe's worked example: 81 of 263 is 0.2553 to 0.3662", () => {
    // Act
    const interval = wilsonInterval({ x: 81, n: 263 });

    // Assess (Newcombe 1998, Statistics in Medicine 17:857, method 3)
    expect([round4(interval.lower), round4(interval.upper)]).toEqual([0.2553, 0.3662]);
  });

  it('keeps 0 of n at a lower limit of exactly 0 and n of n at an upper limit of exactly 1', () => {
    // Act / Assess
    expect(wilsonInterval({ x: 0, n: 10 }).lower).toBe(0);
    expect(wilsonInterval({ x: 10, n: 10 }).upper).toBe(1);
    expect(round4(wilsonInterval({ x: 0, n: 10 }).upper)).toBe(0.2775);
  });

  it('keeps 0 of 3 at a lower limit of exactly 0, where the formula rounds just above it', () => {
    // Act / Assess
    expect(wilsonInterval({ x: 0, n: 3 }).lower).toBe(0);
  });

  it('gives the whole of 0..1 for no carts at all', () => {
    // Act / Assess
    expect(wilsonInterval({ x: 0, n: 0 })).toEqual({ lower: 0, upper: 1 });
  });

  it('refuses counts that are not a proportion', () => {
    // Act / Assess
    expect(() => wilsonInterval({ x: 3, n: 2 })).toThrow('x must be a whole number between 0 and n');
    expect(() => wilsonInterval({ x: 1.5, n: 2 })).toThrow(RangeError);
    expect(() => wilsonInterval({ x: 0, n: -1 })).toThrow('n must be a whole number');
    expect(() => wilsonInterval({ x: -1, n: 2 })).toThrow('x must be a whole number between 0 and n');
  });
});

describe('newcombeInterval', () => {
  // Newcombe 1998, Statistics in Medicine 17:873, Table II, method 10 (hybrid score, no correction).
  const published: [string, [number, number, number, number], [number, number]][] = [
    ['56/70 - 48/80', [56, 70, 48, 80], [0.0524, 0.3339]],
    ['9/10 - 3/10', [9, 10, 3, 10], [0.1705, 0.809]],
    ['6/7 - 2/7', [6, 7, 2, 7], [0.0582, 0.8062]],
    ['5/56 - 0/29', [5, 56, 0, 29], [-0.0381, 0.1926]],
    ['0/10 - 0/20', [0, 10, 0, 20], [-0.1611, 0.2775]],
    ['0/10 - 0/10', [0, 10, 0, 10], [-0.2775, 0.2775]],
    ['10/10 - 0/20', [10, 10, 0, 20], [0.6791, 1]],
    ['10/10 - 0/10', [10, 10, 0, 10], [0.6075, 1]],
  ];
  it.each(published)('gives the published limits for %s', (_name, [x1, n1, x2, n2], limits) => {
    // Act
    const interval = newcombeInterval({ x: x1, n: n1 }, { x: x2, n: n2 });

    // Assess
    expect([round4(interval.lower), round4(interval.upper)]).toEqual(limits);
    expect(interval.difference).toBeCloseTo(x1 / n1 - x2 / n2, 12);
  });

  it('always holds the observed difference and stays within -1..1', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 500 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n1, n2, f1, f2) => {
          const x1 = Math.floor(f1 * n1);
          const x2 = Math.floor(f2 * n2);
          const interval = newcombeInterval({ x: x1, n: n1 }, { x: x2, n: n2 });
          expect(interval.lower).toBeLessThanOrEqual(interval.difference + 1e-12);
          expect(interval.upper).toBeGreaterThanOrEqual(interval.difference - 1e-12);
          expect(interval.lower).toBeGreaterThanOrEqual(-1 - 1e-12);
          expect(interval.upper).toBeLessThanOrEqual(1 + 1e-12);
        },
      ),
    );
  });

  it('refuses a group without carts', () => {
    // Act / Assess
    expect(() => newcombeInterval({ x: 0, n: 0 }, { x: 1, n: 2 })).toThrow(
      'both groups need at least one cart',
    );
    expect(() => newcombeInterval({ x: 1, n: 2 }, { x: 0, n: 0 })).toThrow(
      'both groups need at least one cart',
    );
  });
});

describe('estimateLift', () => {
  it(`says too few below ${MIN_CARTS_PER_GROUP} carts in either group`, () => {
    // Prepare
    const reminded = { carts: 400, purchases: 80, revenue: 8000 };
    const heldOut = { carts: MIN_CARTS_PER_GROUP - 1, purchases: 2, revenue: 200 };

    // Act
    const estimate = estimateLift(reminded, heldOut);

    // Assess
    expect(estimate).toEqual({ kind: 'too_few', reminded, heldOut, needed: MIN_CARTS_PER_GROUP });
    expect(estimateLift(heldOut, reminded).kind).toBe('too_few');
  });

  it('says too few, not an error, while a group has no carts yet', () => {
    // Act
    const estimate = estimateLift(
      { carts: 0, purchases: 0, revenue: 0 },
      { carts: 40, purchases: 4, revenue: 400 },
    );

    // Assess
    expect(estimate.kind).toBe('too_few');
  });

  it(`estimates from exactly ${MIN_CARTS_PER_GROUP} carts in each group`, () => {
    // Act
    const estimate = estimateLift(
      { carts: MIN_CARTS_PER_GROUP, purchases: 6, revenue: 600 },
      { carts: MIN_CARTS_PER_GROUP, purchases: 3, revenue: 300 },
    );

    // Assess
    expect(estimate.kind).toBe('estimate');
  });

  it('reports extra purchases and revenue per 100 abandoned carts with their range', () => {
    // Prepare: 56/70 vs 48/80, every bought cart worth 50
    const reminded = { carts: 70, purchases: 56, revenue: 2800 };
    const heldOut = { carts: 80, purchases: 48, revenue: 2400 };

    // Act
    const estimate = estimateLift(reminded, heldOut);

    // Assess
    if (estimate.kind !== 'estimate') throw new Error('expected an estimate');
    expect(estimate.remindedRate).toBe(0.8);
    expect(estimate.heldOutRate).toBe(0.6);
    expect(round4(estimate.extraPurchases.value)).toBe(20);
    expect(estimate.extraPurchases.lower).toBeCloseTo(5.24, 2);
    expect(estimate.extraPurchases.upper).toBeCloseTo(33.39, 2);
    expect(estimate.extraRevenue.value).toBeCloseTo(1000, 9);
    expect(estimate.extraRevenue.lower).toBeCloseTo(estimate.extraPurchases.lower * 50, 9);
    expect(estimate.extraRevenue.upper).toBeCloseTo(estimate.extraPurchases.upper * 50, 9);
  });

  it('gives no revenue when nothing was bought in either group', () => {
    // Act
    const estimate = estimateLift(
      { carts: 40, purchases: 0, revenue: 0 },
      { carts: 40, purchases: 0, revenue: 0 },
    );

    // Assess
    if (estimate.kind !== 'estimate') throw new Error('expected an estimate');
    expect(estimate.extraRevenue).toEqual({ value: 0, lower: -0, upper: 0 });
    expect(estimate.lift.difference).toBe(0);
  });

  it('names the field of a bad group', () => {
    // Act / Assess
    expect(() =>
      estimateLift({ carts: 5, purchases: 6, revenue: 0 }, { carts: 5, purchases: 0, revenue: 0 }),
    ).toThrow('reminded.purchases must be a whole number between 0 and reminded.carts');
    expect(() =>
      estimateLift({ carts: 5, purchases: 1, revenue: 0 }, { carts: 5, purchases: 0, revenue: -1 }),
    ).toThrow('heldOut.revenue must be an amount of at least 0');
  });

  it.each([
    [{ carts: 40.5, purchases: 0, revenue: 0 }, 'reminded.carts must be a whole number of at least 0'],
    [{ carts: -1, purchases: 0, revenue: 0 }, 'reminded.carts must be a whole number of at least 0'],
    [
      { carts: 40, purchases: 1.5, revenue: 0 },
      'reminded.purchases must be a whole number between 0 and reminded.carts',
    ],
    [
      { carts: 40, purchases: -1, revenue: 0 },
      'reminded.purchases must be a whole number between 0 and reminded.carts',
    ],
  ])('refuses the group %o, saying %s', (reminded, message) => {
    // Act / Assess
    expect(() => estimateLift(reminded, { carts: 40, purchases: 0, revenue: 0 })).toThrow(
      new RangeError(message),
    );
  });

  it('takes a group in which every cart was bought', () => {
    // Act
    const estimate = estimateLift(
      { carts: 40, purchases: 40, revenue: 4000 },
      { carts: 40, purchases: 20, revenue: 2000 },
    );

    // Assess
    expect(estimate.kind === 'estimate' && estimate.remindedRate).toBe(1);
  });
});
