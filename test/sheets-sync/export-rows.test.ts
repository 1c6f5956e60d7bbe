import { describe, expect, it } from 'vitest';
import {
  cartsOfNight,
  cartToRow,
  EXPORT_HEADERS,
  exportRows,
  fitCell,
  formatItems,
  isNight,
  isoLocal,
  moneyCell,
  utcDaysOfNight,
} from '#sheets-sync/export-rows.js';
import { sampleCart, sampleRules } from '#test/fakes/sample-cart.js';

const context = { rules: sampleRules(), rulesVersion: 'v-now' };

describe('export rows', () => {
  it('writes the header row exactly as the Apps Script menu looks it up', () => {
    // Act
    const [header] = exportRows([], context);

    // Assess
    expect(header).toEqual([
      'Cart ID',
      'Last activity',
      'Email',
      'Items',
      'Total',
      'Currency',
      'Tier',
      'Status',
      'Reminders sent',
      'Reminder times',
      'Recovered',
      'Rules version',
      'Attribution',
      'Link clicked',
      'Held out',
    ]);
    expect(EXPORT_HEADERS).toHaveLength(15);
  });

  it('maps a recovered cart with its sent reminders, in the store time zone', () => {
    // Prepare
    const cart = sampleCart({
      status: 'recovered',
      attribution: 'recovered_through_link',
      reminders: [
        {
          n: 1,
          state: 'sent',
          dueAt: '2026-06-10T15:00:00.000Z',
          at: '2026-06-10T15:01:00.000Z',
          rulesVersion: 'v-7',
          clickedAt: '2026-06-10T15:30:00.000Z',
        },
        { n: 2, state: 'claimed', dueAt: '2026-06-11T11:00:00.000Z', at: '2026-06-11T11:00:00.000Z' },
      ],
    });

    // Act
    const row = cartToRow(cart, context);

    // Assess
    expect(row).toEqual([
      'cart-1001',
      '2026-06-10T10:00-04:00',
      'Shopper@Example.com',
      'Trail Runner Shoes x 1 @ 129.00; Merino Hiking Socks x 2 @ 24.75',
      { amount: '178.50', decimals: 2 },
      'USD',
      'big',
      'recovered',
      1,
      '2026-06-10T11:01-04:00',
      'yes',
      'v-7',
      'recovered through the link',
      '2026-06-10T11:30-04:00',
      'no',
    ]);
  });

  it('leaves the snapshot columns blank for a cart known only from its checkout', () => {
    // Prepare
    const cart = sampleCart({ snapshot: null, lastActivityAt: undefined, status: 'purchased' });

    // Act
    const row = cartToRow(cart, context);

    // Assess
    expect(row).toEqual([
      'cart-1001',
      '2026-06-10T10:00-04:00',
      'shopper@example.com',
      '',
      '',
      '',
      '',
      'purchased',
      0,
      '',
      'no',
      'v-now',
      '',
      '',
      'no',
    ]);
  });

  it('marks a held-out shopper whose purchase is not credited to any reminder', () => {
    // Prepare
    const cart = sampleCart({
      status: 'given_up',
      attribution: 'not_recovered',
      reminders: [
        {
          n: 1,
          state: 'skipped',
          reason: 'held_out',
          dueAt: '2026-06-10T15:00:00.000Z',
          at: '2026-06-10T15:00:00.000Z',
        },
      ],
    });

    // Act
    const row = cartToRow(cart, context);

    // Assess
    expect(row.slice(-3)).toEqual(['not recovered', '', 'yes']);
  });

  it("writes each amount with its currency's decimals, and each time with the store's offset", () => {
    // Prepare: a EUR cart of 189.5 and a JPY cart of 1200, in a store in Berlin (summer time, +02:00).
    const berlin = {
      ...context,
      rules: { ...context.rules, store: { ...context.rules.store, timezone: 'Europe/Berlin' } },
    };
    const euro = sampleCart({ snapshot: { currency: 'EUR', total: '189.5' } });
    const yen = sampleCart({ snapshot: { currency: 'JPY', total: '1200' } });
    const dinar = sampleCart({ snapshot: { currency: 'KWD', total: '3.5' } });

    // Act
    const rows = [euro, yen, dinar].map((cart) => cartToRow(cart, berlin));

    // Assess
    expect(rows.map((row) => [row[1], row[4], row[5]])).toEqual([
      ['2026-06-10T16:00+02:00', { amount: '189.50', decimals: 2 }, 'EUR'],
      ['2026-06-10T16:00+02:00', { amount: '1200', decimals: 0 }, 'JPY'],
      ['2026-06-10T16:00+02:00', { amount: '3.500', decimals: 3 }, 'KWD'],
    ]);
    expect(moneyCell('64', 'USD')).toEqual({ amount: '64.00', decimals: 2 });
    expect(isoLocal(Date.parse('2026-01-10T14:00:00Z'), 'America/New_York')).toBe('2026-01-10T09:00-05:00');
    expect(isoLocal(Date.parse('2026-01-10T14:05:59.999Z'), 'Asia/Kolkata')).toBe('2026-01-10T19:35+05:30');
  });

  it('keeps item lists splittable when a title holds a semicolon', () => {
    expect(formatItems([{ title: 'Tea; green', quantity: 3, price: '4.00' }])).toBe('Tea, green x 3 @ 4.00');
  });

  it('cuts an items list Google Sheets would refuse (over 50,000 characters) at a whole item, saying how many are left out', () => {
    // Prepare: the most the engine takes: 200 items with 500-character titles (about 101,600 characters)
    const title = 'Extra-long product name with every variant option spelled out '.repeat(8).slice(0, 500);
    const item = { title, quantity: 1, price: '1.00', imageUrl: undefined, url: undefined };
    const items = Array.from({ length: 200 }, (_, i) => ({ ...item, sku: `S${i}` }));
    const cart = sampleCart({ snapshot: { items, total: '200.00' } });

    // Act
    const [, row] = exportRows([cart], context);
    const cell = String(row?.[EXPORT_HEADERS.indexOf('Items')]);

    // Assess
    const written = `${title.trim()} x 1 @ 1.00`;
    expect(cell.length).toBeLessThanOrEqual(49_000);
    const [, more] = /; … \((\d+) more items\)$/.exec(cell) ?? [];
    const kept = 200 - Number(more);
    expect(kept).toBeGreaterThan(90);
    expect(cell).toBe(`${Array.from({ length: kept }, () => written).join('; ')}; … (${more} more items)`);
    expect(formatItems(items.slice(0, 3), 60)).toBe('… (3 more items)');
    expect(formatItems(items.slice(0, 2), 700)).toBe(`${written}; … (1 more item)`);
    expect(fitCell('x'.repeat(50_000))).toBe(`${'x'.repeat(48_999)}…`);
  });

  it('lists the UTC days a store-local night overlaps', () => {
    expect(utcDaysOfNight('2026-06-10', 'America/New_York')).toEqual(['2026-06-10', '2026-06-11']);
    expect(utcDaysOfNight('2026-06-10', 'Europe/Berlin')).toEqual(['2026-06-09', '2026-06-10']);
    expect(utcDaysOfNight('2026-06-10', 'UTC')).toEqual(['2026-06-10']);
  });

  it("keeps only the night's carts, once each, oldest activity first", () => {
    // Prepare
    const late = sampleCart({ id: 'b-late', lastActivityAt: '2026-06-11T03:30:00.000Z' });
    const early = sampleCart({ id: 'a-early', lastActivityAt: '2026-06-10T05:00:00.000Z' });
    const before = sampleCart({ id: 'c-before', lastActivityAt: '2026-06-10T03:59:00.000Z' });
    const after = sampleCart({ id: 'd-after', lastActivityAt: '2026-06-11T04:00:00.000Z' });

    // Act
    const carts = cartsOfNight([late, early, before, after, late], '2026-06-10', 'America/New_York');

    // Assess
    expect(carts.map((c) => c.id)).toEqual(['a-early', 'b-late']);
  });

  it('accepts only real calendar dates as a night', () => {
    expect(isNight('2026-06-10')).toBe(true);
    expect(isNight('2026-02-30')).toBe(false);
    expect(isNight('2026-6-1')).toBe(false);
  });
});
