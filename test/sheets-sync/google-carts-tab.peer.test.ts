import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryEngine } from '#engine/adapters/memory/memory-engine.js';
import { EXPORT_HEADERS } from '#sheets-sync/export-rows.js';
import { columnLetter, GoogleCartsTab } from '#sheets-sync/google-carts-tab.js';
import { GoogleSheetsError, TAB_METADATA_KEY } from '#sheets-sync/google-sheets.js';
import { IMPORT_HEADERS } from '#sheets-sync/import-rows.js';
import { runNightly } from '#sheets-sync/nightly-export.js';
import { sampleRules } from '#test/fakes/sample-cart.js';
import { type Cell, type GoogleApiServer, startGoogleApiServer } from '#test/peers/google-api-server.js';

let google: GoogleApiServer;
let sheets = 0;

beforeAll(async () => {
  google = await startGoogleApiServer();
});

afterAll(async () => {
  await google?.stop();
});

/** A fresh spreadsheet holding `tabs`, and an adapter on it whose waits are recorded, not slept. */
function fresh(tabs: Record<string, Cell[][]>) {
  const spreadsheetId = `carts-${++sheets}-abcdefghij`;
  google.addSpreadsheet(spreadsheetId, tabs);
  const waits: number[] = [];
  const tab = new GoogleCartsTab({
    spreadsheetId,
    serviceAccount: google.serviceAccount,
    tokenUrl: google.tokenUrl,
    rootUrl: google.rootUrl,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
  });
  return { spreadsheetId, tab, waits };
}

describe('GoogleCartsTab', () => {
  it('adds the Carts tab when missing and writes the rows', async () => {
    // Prepare
    const { spreadsheetId, tab } = fresh({ Rules: [['Name']] });

    // Act
    await tab.writeExport('2026-06-10', [
      ['Cart ID', 'Total'],
      ['c-1', 42.5],
    ]);

    // Assess
    expect(google.values(spreadsheetId, 'Carts')).toEqual([
      ['Cart ID', 'Total'],
      ['c-1', 42.5],
    ]);
    expect(tab.requests).toMatchObject({
      'spreadsheets.get': 1,
      // addSheet, then the mark that finds the tab again after a rename
      'spreadsheets.batchUpdate': 2,
      'values.update': 1,
    });
  });

  it("shows each amount with its currency's decimals, and clears the format of a row that has none", async () => {
    // Prepare: an earlier night left a two-decimal format on row 3.
    const { spreadsheetId, tab } = fresh({ Carts: [['Cart ID', 'Total']] });
    await tab.writeExport('2026-06-09', [
      ['Cart ID', 'Total'],
      ['c-0', { amount: '1.00', decimals: 2 }],
      ['c-00', { amount: '2.00', decimals: 2 }],
    ]);

    // Act
    await tab.writeExport('2026-06-10', [
      ['Cart ID', 'Total'],
      ['c-1', { amount: '1200', decimals: 0 }],
      ['c-2', ''],
    ]);

    // Assess
    expect(google.values(spreadsheetId, 'Carts')).toEqual([['Cart ID', 'Total'], ['c-1', 1200], ['c-2']]);
    const { formats } = google.dressing(spreadsheetId, 'Carts');
    expect(formats.B2).toEqual({ numberFormat: { type: 'NUMBER', pattern: '0' } });
    expect(formats.B3).toEqual({});
  });

  it('writes a night of more than 999 carts whole, growing the default 1000-row grid', async () => {
    // Prepare
    const { spreadsheetId, tab } = fresh({ Carts: [['Cart ID', 'Total']] });
    const rows = [['Cart ID', 'Total'], ...Array.from({ length: 1_500 }, (_, i) => [`c-${i}`, i])];

    // Act
    await tab.writeExport('2026-06-10', rows);

    // Assess
    const written = google.values(spreadsheetId, 'Carts');
    expect(written).toHaveLength(1_501);
    expect(written.at(-1)).toEqual(['c-1499', 1499]);
    expect(google.grid(spreadsheetId, 'Carts').rowCount).toBe(1_501);
  });

  it('finds the Carts and Import tabs by their marks after the owner renamed them', async () => {
    // Prepare
    const { spreadsheetId, tab } = fresh({ Carts: [['Cart ID']], Import: [['Cart ID'], ['c-9']] });
    google.mark(spreadsheetId, 'Carts', TAB_METADATA_KEY, 'carts');
    google.mark(spreadsheetId, 'Import', TAB_METADATA_KEY, 'import');
    google.rename(spreadsheetId, 'Carts', 'Nightly carts');
    google.rename(spreadsheetId, 'Import', 'Paste here');

    // Act
    await tab.writeExport('2026-06-10', [['Cart ID'], ['c-1']]);
    const imported = await tab.readImport();
    await tab.writeImportOutcomes(1, ['Outcome', 'imported']);

    // Assess
    expect(google.values(spreadsheetId, 'Nightly carts')).toEqual([['Cart ID'], ['c-1']]);
    expect(imported).toEqual([['Cart ID'], ['c-9']]);
    expect(google.values(spreadsheetId, 'Paste here')).toEqual([
      ['Cart ID', 'Outcome'],
      ['c-9', 'imported'],
    ]);
    expect(() => google.values(spreadsheetId, 'Carts')).toThrow(/no tab/);
  });

  it('blanks what an earlier, longer night left, so a rerun never duplicates', async () => {
    // Prepare
    const { spreadsheetId, tab } = fresh({
      Carts: [
        ['Cart ID', 'Total', 'Owner note'],
        ['old-1', 1, 'x'],
        ['old-2', 2],
        ['old-3', 3],
      ],
    });
    const rows = [
      ['Cart ID', 'Total'],
      ['c-1', 10],
    ];

    // Act
    await tab.writeExport('2026-06-10', rows);
    await tab.writeExport('2026-06-10', rows);

    // Assess
    expect(google.values(spreadsheetId, 'Carts')).toEqual([
      ['Cart ID', 'Total'],
      ['c-1', 10],
    ]);
  });

  it('writes text as typed text, never as a formula', async () => {
    // Prepare
    const { spreadsheetId, tab } = fresh({ Carts: [] });

    // Act
    await tab.writeExport('2026-06-10', [['Cart ID'], ['=HYPERLINK("x")'], ['007']]);

    // Assess
    expect(google.values(spreadsheetId, 'Carts')).toEqual([['Cart ID'], ['=HYPERLINK("x")'], ['007']]);
  });

  it('reads the Import tab unformatted, and nothing when there is no such tab', async () => {
    // Prepare
    const { tab } = fresh({
      Import: [
        ['Cart ID', 'Total', 'Last activity'],
        ['c-1', 42.5, 46183.5],
      ],
    });
    const { tab: without } = fresh({ Carts: [] });

    // Act
    const values = await tab.readImport();
    const none = await without.readImport();

    // Assess
    expect(values).toEqual([
      ['Cart ID', 'Total', 'Last activity'],
      ['c-1', 42.5, 46183.5],
    ]);
    expect(none).toEqual([]);
  });

  it('writes the outcome column beside the rows, leaving the rest as the owner left it', async () => {
    // Prepare
    const { spreadsheetId, tab } = fresh({
      Import: [
        ['Cart ID', 'Email'],
        ['c-1', 'a@example.com'],
        ['c-2', 'b@example.com'],
      ],
    });

    // Act
    await tab.writeImportOutcomes(2, ['Outcome', 'imported', 'error: Total: is required, such as 42.50']);

    // Assess
    expect(google.values(spreadsheetId, 'Import')).toEqual([
      ['Cart ID', 'Email', 'Outcome'],
      ['c-1', 'a@example.com', 'imported'],
      ['c-2', 'b@example.com', 'error: Total: is required, such as 42.50'],
    ]);
    expect(google.requests.at(-1)).toMatchObject({ operation: 'values.update', range: "'Import'!C1:C3" });
  });

  it('retries a 429 after Retry-After, and fails with GoogleSheetsError on a 400', async () => {
    // Prepare
    const { tab, waits } = fresh({ Import: [['Cart ID']] });
    google.failNext(1, { status: 429, retryAfterSeconds: 2 });

    // Act
    const values = await tab.readImport();
    google.failNext(1, { status: 400 });
    const failed = tab.readImport();

    // Assess
    expect(values).toEqual([['Cart ID']]);
    expect(waits).toEqual([2_500]);
    await expect(failed).rejects.toBeInstanceOf(GoogleSheetsError);
  });

  it('runs a night end to end: imports the pasted rows, exports them, and a rerun changes nothing', async () => {
    // Prepare
    const { spreadsheetId, tab } = fresh({
      Import: [
        [...IMPORT_HEADERS],
        // 46183.5 is 2026-06-10 12:00 on the sheet's clock, as Sheets hands back a typed date.
        ['c-1', 'a@example.com', 60, 'USD', 'Lamp x 1', 'https://acme.example/c-1', 46183.5],
        ['c-2', 'b@example.com', '', 'USD', 'Lamp x 1', 'https://acme.example/c-2', '2026-06-10 13:00'],
      ],
    });
    const engine = memoryEngine({ rules: sampleRules(), rulesVersion: 'v-9', start: '2026-06-11T06:00:00Z' });
    const deps = { ...engine.deps, days: engine.carts, tab };

    // Act
    await runNightly(deps, { night: '2026-06-10' });
    const first = google.values(spreadsheetId, 'Carts');
    await runNightly(deps, { night: '2026-06-10' });

    // Assess
    expect(google.values(spreadsheetId, 'Carts')).toEqual(first);
    expect(first).toEqual([
      [...EXPORT_HEADERS],
      [
        'c-1',
        '2026-06-10T12:00-04:00',
        'a@example.com',
        'Lamp x 1 @ 60.00',
        60,
        'USD',
        'medium',
        'open',
        0,
        '',
        'no',
        'v-9',
      ],
    ]);
    // A number the owner can sum, shown with the dollar's two decimals (60.00); the header has no format.
    const { formats } = google.dressing(spreadsheetId, 'Carts');
    expect(formats.E2).toEqual({ numberFormat: { type: 'NUMBER', pattern: '0.00' } });
    expect(formats.E1).toEqual({});
    expect(google.values(spreadsheetId, 'Import').map((row) => row[8])).toEqual([
      'Outcome',
      'imported',
      'error: Total: is required, such as 42.50',
    ]);
  });

  it('names columns in A1 letters', () => {
    expect([0, 8, 25, 26, 27, 701, 702].map(columnLetter)).toEqual(['A', 'I', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  });
});
