import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CsvCartsTab, parseCsv, toCsv } from '#sheets-sync/csv-carts-tab.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csv-carts-tab-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('CSV (RFC 4180)', () => {
  it('quotes fields holding commas, quotes and line breaks, and reads them back', () => {
    // Prepare
    const rows = [
      ['Cart ID', 'Items', 'Total'],
      ['c-1', 'Mug, "large" x 1 @ 9.00', 9],
      ['c-2', 'two\r\nlines', ''],
    ];

    // Act
    const text = toCsv(rows);

    // Assess
    expect(text).toBe('Cart ID,Items,Total\r\nc-1,"Mug, ""large"" x 1 @ 9.00",9\r\nc-2,"two\r\nlines",\r\n');
    expect(parseCsv(text)).toEqual([
      ['Cart ID', 'Items', 'Total'],
      ['c-1', 'Mug, "large" x 1 @ 9.00', '9'],
      ['c-2', 'two\r\nlines', ''],
    ]);
  });

  it('reads LF line ends, a BOM, a missing final line end and a last field of ""', () => {
    expect(parseCsv('\uFEFFa,b\nc,d')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(parseCsv('a\n""')).toEqual([['a'], ['']]);
    expect(parseCsv('')).toEqual([]);
  });
});

describe('CsvCartsTab', () => {
  it('writes one file per night and rewrites it whole on a rerun', async () => {
    // Prepare
    const tab = new CsvCartsTab({ dir });
    await tab.writeExport('2026-06-10', [['Cart ID'], ['c-1'], ['c-2']]);

    // Act
    await tab.writeExport('2026-06-10', [['Cart ID'], ['c-1']]);

    // Assess
    const path = join(dir, 'export', 'carts-2026-06-10.csv');
    expect(tab.exportPath('2026-06-10')).toBe(path);
    expect(await readFile(path, 'utf8')).toBe('Cart ID\r\nc-1\r\n');
  });

  it('writes shopper text that looks like a formula as inert text, numbers as numbers', async () => {
    // Prepare
    const tab = new CsvCartsTab({ dir });
    const rows = [
      ['Cart ID', 'Email', 'Items', 'Total'],
      ['c-1', '@evil.example', '=HYPERLINK("https://evil.example","Tee") x 1', 42.5],
      ['c-2', 'a@example.com', '+1 mug; -20% tee', -1],
    ];

    // Act
    await tab.writeExport('2026-06-10', rows);

    // Assess
    expect(parseCsv(await readFile(tab.exportPath('2026-06-10'), 'utf8'))).toEqual([
      ['Cart ID', 'Email', 'Items', 'Total'],
      ['c-1', "'@evil.example", `'=HYPERLINK("https://evil.example","Tee") x 1`, '42.5'],
      ['c-2', 'a@example.com', "'+1 mug; -20% tee", '-1'],
    ]);
  });

  it("writes amounts with their currency's decimals, as numbers a spreadsheet can sum", async () => {
    // Prepare
    const tab = new CsvCartsTab({ dir });
    const rows = [
      ['Cart ID', 'Total', 'Currency'],
      ['c-1', { amount: '189.50', decimals: 2 }, 'EUR'],
      ['c-2', { amount: '1200', decimals: 0 }, 'JPY'],
    ];

    // Act
    await tab.writeExport('2026-06-11', rows);

    // Assess
    expect(await readFile(tab.exportPath('2026-06-11'), 'utf8')).toBe(
      'Cart ID,Total,Currency\r\nc-1,189.50,EUR\r\nc-2,1200,JPY\r\n',
    );
  });

  it('reads no rows when there is no import file', async () => {
    expect(await new CsvCartsTab({ dir }).readImport()).toEqual([]);
  });

  it('writes the outcome column back into import.csv, keeping the other cells', async () => {
    // Prepare
    const tab = new CsvCartsTab({ dir });
    await writeFile(join(dir, 'import.csv'), 'Cart ID,Email\nc-1,a@example.com\nc-2,"b,c"\n');

    // Act
    await tab.writeImportOutcomes(2, ['Outcome', 'imported', 'error: Email: not, an address']);

    // Assess
    expect(await tab.readImport()).toEqual([
      ['Cart ID', 'Email', 'Outcome'],
      ['c-1', 'a@example.com', 'imported'],
      ['c-2', 'b,c', 'error: Email: not, an address'],
    ]);
  });
});
