import { describe, expect, it } from 'vitest';
import {
  errorOutcome,
  errorsByColumn,
  IMPORT_HEADERS,
  type ImportCell,
  parseActivity,
  parseItems,
  readImportTab,
} from '#sheets-sync/import-rows.js';

const defaults = { zone: 'America/New_York', currency: 'USD' };
const header = [...IMPORT_HEADERS];
const good: ImportCell[] = [
  'cart-7',
  'ann@example.com',
  '60.00',
  'eur',
  'Mug x 2 @ 20.00; Tea',
  'https://shop.example/cart/7',
  '2026-06-10 09:30',
  'Europe/Berlin',
  '',
];

describe('import rows', () => {
  it('maps a row to a cart.updated event from the import source', () => {
    // Act
    const reading = readImportTab([header, good], defaults);

    // Assess
    expect(reading.ok).toBe(true);
    if (!reading.ok) return;
    expect(reading.outcomeColumn).toBe(8);
    const [row] = reading.rows;
    expect(row?.kind).toBe('event');
    if (row?.kind !== 'event') return;
    expect(row.row).toBe(2);
    expect(row.event).toMatchObject({
      type: 'cart.updated',
      occurredAt: '2026-06-10T07:30:00.000Z',
      cart: {
        id: 'cart-7',
        email: 'ann@example.com',
        currency: 'EUR',
        total: '60.00',
        items: [
          { sku: 'Mug', title: 'Mug', quantity: 2, price: '20.00' },
          { sku: 'Tea', title: 'Tea', quantity: 1, price: '20.00' },
        ],
        returnUrl: 'https://shop.example/cart/7',
        timezone: 'Europe/Berlin',
        source: 'import',
      },
    });
    expect(row.event.id).toMatch(/^import-[0-9a-f]{32}$/);
  });

  it('derives the event id from the row content alone', () => {
    // Prepare
    const changed = [...good];
    changed[2] = '61.00';
    changed[4] = 'Mug x 2 @ 20.00; Tea x 1 @ 21.00';

    // Act
    const [a, b, c] = (() => {
      const reading = readImportTab([header, good, [...good], changed], defaults);
      return reading.ok ? reading.rows : [];
    })();

    // Assess
    expect(a?.kind === 'event' && b?.kind === 'event' && a.event.id === b.event.id).toBe(true);
    expect(a?.kind === 'event' && c?.kind === 'event' && a.event.id !== c.event.id).toBe(true);
  });

  it('finds columns by header, in any order, and uses the store currency when left blank', () => {
    // Prepare
    const values = [
      ['Items', 'Last activity', 'Return URL', 'Total', 'Cart ID'],
      ['Hat', '2026-06-10T12:00:00Z', 'https://shop.example/c/9', 15, 'cart-9'],
    ];

    // Act
    const reading = readImportTab(values, defaults);

    // Assess
    if (!reading.ok) throw new Error(reading.error);
    expect(reading.outcomeColumn).toBe(5);
    const [row] = reading.rows;
    expect(row).toMatchObject({
      kind: 'event',
      event: {
        cart: { id: 'cart-9', currency: 'USD', total: '15', items: [{ title: 'Hat', price: '15.00' }] },
      },
    });
  });

  it('names every problem of a bad row by its column', () => {
    // Prepare
    const bad: ImportCell[] = ['', '', '', '', 'A x 1; B x 1', '', 'yesterday', 'Mars/Olympus', ''];

    // Act
    const reading = readImportTab([header, bad], defaults);

    // Assess
    if (!reading.ok) throw new Error(reading.error);
    const [row] = reading.rows;
    expect(row?.kind).toBe('invalid');
    if (row?.kind !== 'invalid') return;
    expect(row.errors.map((e) => e.path)).toEqual([
      'Cart ID',
      'Time zone',
      'Total',
      'Last activity',
      'Items',
      'Return URL',
    ]);
  });

  it('blames a total that is not an amount on Total, not on the item it would have priced', () => {
    // Prepare
    const badTotal = [...good];
    badTotal[2] = 'about 20';
    badTotal[4] = 'Mug x 1';

    // Act
    const reading = readImportTab([header, badTotal], defaults);

    // Assess
    if (!reading.ok) throw new Error(reading.error);
    expect(reading.rows[0]).toMatchObject({
      kind: 'invalid',
      errors: [{ path: 'Total', message: 'must be an amount such as 42.50' }],
    });
  });

  it('skips blank rows and rows already imported or marked duplicate', () => {
    // Prepare
    const imported = [...good];
    imported[8] = 'imported';
    const duplicate = [...good];
    duplicate[8] = 'duplicate: already imported';
    const failed = [...good];
    failed[8] = 'error: Total: is required';

    // Act
    const reading = readImportTab([header, ['', '', ''], imported, duplicate, failed], defaults);

    // Assess
    if (!reading.ok) throw new Error(reading.error);
    expect(reading.rows.map((r) => r.kind)).toEqual(['blank', 'done', 'done', 'event']);
  });

  it('refuses a tab whose header lacks a required column', () => {
    // Act
    const reading = readImportTab(
      [
        ['Cart ID', 'Email'],
        ['c-1', 'a@b.example'],
      ],
      defaults,
    );

    // Assess
    expect(reading).toEqual({
      ok: false,
      error:
        'row 1 lacks the header(s) "Total", "Items", "Return URL", "Last activity": row 1 must hold the headers ' +
        'Cart ID, Email, Total, Currency, Items, Return URL, Last activity, Time zone, Outcome (in any order), one cart per row below',
      outcomeColumn: 2,
    });
  });

  it('says which header is missing or unexpected, and where the problem is shown', () => {
    // Prepare
    const renamed = header.map((name) => (name === 'Last activity' ? 'Last seen' : name));
    const shopExport = ['id', 'email', 'total_price', 'line_items'];

    // Act
    const readings = [
      readImportTab([renamed, good], defaults),
      readImportTab([shopExport, good], defaults),
      readImportTab([good, good], defaults),
      readImportTab([[], good], defaults),
    ];

    // Assess
    const must = `row 1 must hold the headers ${IMPORT_HEADERS.join(', ')} (in any order), one cart per row below`;
    expect(readings).toEqual([
      {
        ok: false,
        error: `row 1 lacks the header(s) "Last activity" and has "Last seen", which this tab does not read: ${must}`,
        outcomeColumn: 8,
      },
      {
        ok: false,
        error:
          'row 1 lacks the header(s) "Cart ID", "Total", "Items", "Return URL", "Last activity" and has "id", ' +
          `"total_price", "line_items", which this tab does not read: ${must}`,
        outcomeColumn: 4,
      },
      {
        ok: false,
        error: `row 1 holds no headers (it starts "cart-7", "ann@example.com", "60.00"): insert a row at the top; ${must}`,
        outcomeColumn: 8,
      },
      { ok: false, error: `row 1 has no headers: ${must}`, outcomeColumn: 0 },
    ]);
  });

  it('reads Last activity as ISO, local text or a Sheets serial number', () => {
    expect(parseActivity('2026-06-10T09:30:00+02:00', 'UTC')).toBe('2026-06-10T07:30:00.000Z');
    expect(parseActivity('2026-01-10 09:30', 'America/New_York')).toBe('2026-01-10T14:30:00.000Z');
    // 46183.5 is 2026-06-10 12:00 on the sheet's wall clock.
    expect(parseActivity(46183.5, 'America/New_York')).toBe('2026-06-10T16:00:00.000Z');
    expect(parseActivity('10/06/2026', 'UTC')).toEqual({ error: expect.stringContaining('must be a time') });
  });

  it('prices the one unpriced item from what the total leaves over, or says which needs a price', () => {
    expect(parseItems('Sock x 3', '30.00')).toEqual([
      { sku: 'Sock', title: 'Sock', quantity: 3, price: '10.00' },
    ]);
    expect(parseItems('Sock x 3', '10.00')).toEqual({
      error: 'give "Sock" a price: the total does not split into it evenly',
    });
    expect(parseItems('A; B', '10.00')).toEqual({
      error: 'give each item a price ("Mug x 2 @ 12.50") when a cart holds more than one item',
    });
    expect(parseItems(' ; ', '10.00')).toEqual({ error: 'list at least one item, as "title x quantity; …"' });
  });

  it("maps the engine's field errors back to the owner's columns", () => {
    // Act
    const errors = errorsByColumn([
      { path: 'cart.email', message: 'email must be an email address' },
      { path: 'cart.items[1].price', message: 'price must be a decimal amount' },
    ]);

    // Assess
    expect(errorOutcome(errors)).toBe(
      'error: Email: must be an email address; Items: item 2: price must be a decimal amount',
    );
  });

  it('refuses a fractional quantity at its row and column, instead of reading it into the title', () => {
    // Prepare
    const fractional = [...good];
    fractional[4] = 'Mug x 2.5 @ 16.00';
    const inTitle = [...good];
    inTitle[2] = '16.00';
    inTitle[4] = 'Mug x 2.5 x 1 @ 16.00';

    // Act
    const reading = readImportTab([header, fractional, inTitle], defaults);

    // Assess
    if (!reading.ok) throw new Error(reading.error);
    const [refused, read] = reading.rows;
    expect(refused?.row).toBe(2);
    expect(refused?.kind === 'invalid' && errorOutcome(refused.errors)).toBe(
      'error: Items: item 1 ("Mug") has a quantity of 2.5: write a whole number without separators, such as "Mug x 2" ' +
        '(if "x 2.5" is part of its title, add the quantity: "Mug x 2.5 x 1")',
    );
    expect(read?.kind === 'event' && read.event.cart.items).toEqual([
      { sku: 'Mug x 2.5', title: 'Mug x 2.5', quantity: 1, price: '16.00' },
    ]);
    expect(parseItems('Pen x 1,000 @ 0.10', '100.00')).toEqual({
      error: expect.stringContaining('item 1 ("Pen") has a quantity of 1,000: write a whole number'),
    });
  });
});
