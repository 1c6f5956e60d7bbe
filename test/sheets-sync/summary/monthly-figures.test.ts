import { describe, expect, it } from 'vitest';
import { monthlyFigures, monthWindow, previousMonth } from '#sheets-sync/summary/monthly-figures.js';
import { sampleCart, sampleRules } from '#test/fakes/sample-cart.js';
import {
  OCTOBER_BUSY_DAYS,
  OCTOBER_COST_USD,
  OCTOBER_EXPECTED,
  octoberAudit,
  octoberCarts,
} from './october-month.js';

describe('monthlyFigures', () => {
  it('computes every figure of a hand-built month', () => {
    // Prepare
    const input = {
      carts: octoberCarts(),
      audit: octoberAudit(),
      rules: sampleRules(),
      month: '2026-10',
      costUsd: OCTOBER_COST_USD,
    };

    // Act
    const figures = monthlyFigures(input);

    // Assess
    expect(figures).toMatchObject({
      month: '2026-10',
      storeName: 'Acme Outfitters',
      timeZone: 'America/New_York',
      currency: 'USD',
      from: '2026-10-01T04:00:00.000Z',
      to: '2026-11-01T04:00:00.000Z',
      ...OCTOBER_EXPECTED,
    });
  });

  it("counts none of the owner's test reminders", () => {
    // Prepare: two test sends in the month, audited as the test send audits them
    const input = {
      carts: octoberCarts(),
      audit: octoberAudit(),
      rules: sampleRules(),
      month: '2026-10',
      costUsd: OCTOBER_COST_USD,
    };
    const tests = [1, 2].map((n) => ({
      at: '2026-10-15T15:00:00.000Z',
      action: 'reminder.test_sent' as const,
      actor: 'sheet menu',
      cartId: input.carts[0]?.id,
      detail: { n, messageId: `test-${n}`, sample: false },
    }));

    // Act
    const figures = monthlyFigures({ ...input, audit: [...input.audit, ...tests] });

    // Assess
    expect(figures).toEqual(monthlyFigures(input));
  });

  it('places carts on the local day of the store, every day of the month listed', () => {
    // Act
    const { days } = monthlyFigures({
      carts: octoberCarts(),
      audit: [],
      rules: sampleRules(),
      month: '2026-10',
      costUsd: 0,
    });

    // Assess
    expect(days).toHaveLength(31);
    expect(days[0]?.day).toBe('2026-10-01');
    expect(days[30]?.day).toBe('2026-10-31');
    for (const point of days) {
      expect({ abandoned: point.abandoned, recovered: point.recovered }).toEqual(
        OCTOBER_BUSY_DAYS[point.day] ?? { abandoned: 0, recovered: 0 },
      );
    }
  });

  it('gives no rate rather than a division by zero for an empty month', () => {
    // Act
    const figures = monthlyFigures({
      carts: [],
      audit: [],
      rules: sampleRules(),
      month: '2026-02',
      costUsd: 0,
    });

    // Assess
    expect(figures.recoveryRate).toBeNull();
    expect(figures.byTier.map((t) => t.rate)).toEqual([null, null, null]);
    expect(figures.recoveredRevenue).toEqual([]);
    expect(figures.days).toHaveLength(28);
  });

  it('lists each local day once in a month whose clocks go back', () => {
    // Act: November 2026 in New York has a 25-hour Nov 1.
    const { days } = monthlyFigures({
      carts: [],
      audit: [],
      rules: sampleRules(),
      month: '2026-11',
      costUsd: 0,
    });

    // Assess
    expect(days.map((d) => d.day)).toEqual(
      Array.from({ length: 30 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`),
    );
  });
});

describe('monthWindow', () => {
  it('spans local midnights across a DST change', () => {
    // March 2026 in New York: EST (-5) at the start, EDT (-4) at the end.
    expect(monthWindow('2026-03', 'America/New_York')).toEqual({
      from: Date.parse('2026-03-01T05:00:00Z'),
      to: Date.parse('2026-04-01T04:00:00Z'),
    });
    expect(monthWindow('2026-12', 'Asia/Kolkata')).toEqual({
      from: Date.parse('2026-11-30T18:30:00Z'),
      to: Date.parse('2026-12-31T18:30:00Z'),
    });
  });

  it('refuses a month not written YYYY-MM', () => {
    expect(() => monthWindow('2026-13', 'UTC')).toThrow(RangeError);
  });
});

describe('previousMonth', () => {
  it('names the month before the local date of now', () => {
    // 01:00 on Nov 1 in New York.
    expect(previousMonth(Date.parse('2026-11-01T05:00:00Z'), 'America/New_York')).toBe('2026-10');
    // 23:00 on Oct 31 local is 03:00Z on Nov 1: still October locally, so September is reported.
    expect(previousMonth(Date.parse('2026-11-01T03:00:00Z'), 'America/New_York')).toBe('2026-09');
    expect(previousMonth(Date.parse('2027-01-01T12:00:00Z'), 'UTC')).toBe('2026-12');
  });
});

describe('monthlyFigures, the lift against the holdout', () => {
  it("compares the month's abandoned carts reminded and held out, each bought within the window or not", () => {
    // Prepare: 40 reminded carts (12 bought) and 40 held out (4 bought), all seen Oct 10
    const due = '2026-10-10T16:00:00.000Z';
    const make = (i: number, heldOut: boolean, bought: boolean) =>
      sampleCart({
        id: `${heldOut ? 'h' : 'r'}${i}`,
        firstSeenAt: '2026-10-10T14:00:00.000Z',
        lastActivityAt: '2026-10-10T15:00:00.000Z',
        reminders: [
          heldOut
            ? { n: 1, state: 'skipped', reason: 'held_out', dueAt: due, at: due }
            : { n: 1, state: 'sent', dueAt: due, at: due },
        ],
        ...(bought ? { checkedOutAt: '2026-10-11T10:00:00.000Z' } : {}),
      });
    const carts = [
      ...Array.from({ length: 40 }, (_, i) => make(i, false, i < 12)),
      ...Array.from({ length: 40 }, (_, i) => make(i, true, i < 4)),
    ];

    // Act
    const figures = monthlyFigures({
      carts,
      audit: [],
      rules: sampleRules({ holdoutPercent: 50 }),
      month: '2026-10',
      costUsd: 0,
    });

    // Assess
    expect(figures.holdoutPercent).toBe(50);
    expect(figures.lift.reminded).toEqual({ carts: 40, purchases: 12, revenue: 12 * 178.5 });
    expect(figures.lift.heldOut).toEqual({ carts: 40, purchases: 4, revenue: 4 * 178.5 });
    if (figures.lift.kind !== 'estimate') throw new Error('expected an estimate');
    expect(figures.lift.extraPurchases.value).toBeCloseTo(20, 9);
    expect(figures.lift.extraPurchases.lower).toBeGreaterThan(0);
    expect(figures.days.find((d) => d.day === '2026-10-10')).toEqual({
      day: '2026-10-10',
      abandoned: 80,
      reminded: 40,
      recovered: 0,
    });
  });
});
