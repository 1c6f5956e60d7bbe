import { describe, expect, it } from 'vitest';
import {
  CART_ID_HEADER,
  EMAIL_HEADER,
  EXPORT_TAB,
  MAX_TARGETS,
  selectedColumnValues,
} from '../../apps-script/src/selection.js';
import * as exportRows from '../../sheets-sync/export-rows.js';
import { FakeSpreadsheet } from './fakes.js';

describe('the export tab the menu reads', () => {
  it('is the tab and the headers the nightly export writes', () => {
    // The menu is bundled without the engine: it keeps its own copy of these names.
    expect(EXPORT_TAB).toBe(exportRows.EXPORT_TAB);
    expect(exportRows.EXPORT_HEADERS).toContain(CART_ID_HEADER);
    expect(exportRows.EXPORT_HEADERS).toContain(EMAIL_HEADER);
  });
});

function carts() {
  return new FakeSpreadsheet({
    Rules: [['Name']],
    Carts: [
      ['Status', 'cart id', 'E-mail', 'Total'],
      ['open', 'cart-1001', 'shopper@example.com', 178.5],
      ['open', 'cart-1002', 'bob@example.com', 20],
      ['open', 'cart-1003', 'shopper@example.com', 60],
      ['open', '', '', 0],
      ['open', ' cart-1005 ', 'eve@example.com', 12],
    ],
  });
}

describe('selectedColumnValues', () => {
  it('reads the column named by its header from the selected rows, skipping the header row', () => {
    // Prepare: rows 1-2 (header and cart-1001) and, ctrl-clicked, rows 4-6
    const book = carts();
    book.select('Carts', [1, 2], [4, 3]);

    // Act
    const ids = selectedColumnValues(book, 'Carts', 'Cart ID');
    const emails = selectedColumnValues(book, 'Carts', 'Email');

    // Assess
    expect(ids).toEqual({ ok: true, values: ['cart-1001', 'cart-1003', 'cart-1005'] });
    expect(emails).toEqual({ ok: true, values: ['shopper@example.com', 'eve@example.com'] });
  });

  it('ignores selected rows past the data', () => {
    // Prepare: the whole sheet, as when the owner clicks the corner
    const book = carts();
    book.select('Carts', [1, 1000]);

    // Act
    const ids = selectedColumnValues(book, 'Carts', 'Cart ID');

    // Assess
    expect(ids).toEqual({ ok: true, values: ['cart-1001', 'cart-1002', 'cart-1003', 'cart-1005'] });
  });

  it.each([
    [
      'another tab is open',
      (b: FakeSpreadsheet) => b.select('Rules', [1, 1]),
      'Cart ID',
      'Open the "Carts" tab',
    ],
    [
      'only the header is selected',
      (b: FakeSpreadsheet) => b.select('Carts', [1, 1]),
      'Cart ID',
      'Select one or more rows',
    ],
    [
      'the column is missing',
      (b: FakeSpreadsheet) => b.select('Carts', [2, 1]),
      'Order ID',
      'has no "Order ID" column',
    ],
    [
      'the selected rows are blank there',
      (b: FakeSpreadsheet) => b.select('Carts', [5, 1]),
      'Cart ID',
      'have no Cart ID',
    ],
  ])('explains what to do when %s', (_, select, header, problem) => {
    // Prepare
    const book = carts();
    select(book);

    // Act
    const result = selectedColumnValues(book, 'Carts', header);

    // Assess
    expect(result).toEqual({ ok: false, problem: expect.stringContaining(problem) });
  });

  it(`refuses more than ${MAX_TARGETS} targets at once`, () => {
    // Prepare
    const rows = Array.from({ length: MAX_TARGETS + 1 }, (_, i) => [
      'open',
      `cart-${i}`,
      `s${i}@example.com`,
    ]);
    const book = new FakeSpreadsheet({ Carts: [['Status', 'Cart ID', 'Email'], ...rows] });
    book.select('Carts', [2, MAX_TARGETS + 1]);

    // Act
    const result = selectedColumnValues(book, 'Carts', 'Cart ID');

    // Assess
    expect(result).toEqual({
      ok: false,
      problem: `Select at most ${MAX_TARGETS} rows at a time (51 selected).`,
    });
  });
});
