/**
 * The export tab (`Carts`) and the `Import` tab of the owner's spreadsheet, through the Sheets v4
 * REST API (@googleapis/sheets). Translates, nothing more. Auth, back-off and errors are those of
 * the rules sync (`google-sheets.ts`): an OAuth access token, truncated exponential back-off on
 * 429/5xx and rate-limit 403s that honours Retry-After, `GoogleSheetsError` when a call fails for good.
 *
 * Both tabs are found by Set up's mark first (a renamed tab is still found), then by title. The
 * export rewrites the tab in one values.update: the new rows, padded with blank cells over whatever
 * the tab held beyond them (read first with values.get), so a shorter night leaves no old rows
 * behind. A new tab has Google's default grid (1000 rows, 26 columns) and a write past it is
 * refused, so the grid is grown first (appendDimension) for a night of more than 999 carts. Values
 * are written RAW: a cart title starting with "=" stays text, a cart id "00123" stays "00123".
 * An amount is written as a number (so the owner can sum it) and shown with its currency's decimals
 * by a number format set in the same pass (one batchUpdate for the whole tab).
 */
import type { sheets_v4 } from '@googleapis/sheets';
import { EXPORT_TAB, type ExportCell, isMoneyCell } from './export-rows.js';
import {
  type FoundTab,
  findTab,
  GoogleAdapter,
  type GoogleClientOptions,
  GoogleSheetsError,
  quoteTab,
  SHEETS_OPERATIONS,
  type SheetsOperation,
  TAB_METADATA_KEY,
} from './google-sheets.js';
import { IMPORT_TAB, type ImportCell } from './import-rows.js';
import type { CartsTab } from './nightly-export.js';

export interface GoogleCartsTabOptions extends GoogleClientOptions {
  spreadsheetId: string;
  /** Default "Carts". */
  exportTab?: string;
  /** Default "Import". */
  importTab?: string;
}

export type CartsTabOperation = SheetsOperation;

/**
 * The nightly run's view of the owner's spreadsheet.
 * @example const tab = new GoogleCartsTab({ spreadsheetId, serviceAccount: key });
 */
export class GoogleCartsTab extends GoogleAdapter<CartsTabOperation> implements CartsTab {
  readonly #api: sheets_v4.Sheets;
  readonly #spreadsheetId: string;
  readonly #exportTab: string;
  readonly #importTab: string;
  /** The Import tab's title as last read (it may have been renamed), for the outcomes written after. */
  #importTitle: string | undefined;

  constructor(options: GoogleCartsTabOptions) {
    super(options, 'GoogleCartsTab', SHEETS_OPERATIONS);
    this.#api = this.sheetsApi(options.rootUrl);
    this.#spreadsheetId = options.spreadsheetId;
    this.#exportTab = options.exportTab ?? EXPORT_TAB;
    this.#importTab = options.importTab ?? IMPORT_TAB;
  }

  /** Rewrites the export tab with `rows` (adding the tab when the spreadsheet has none). */
  async writeExport(night: string, rows: ExportCell[][]): Promise<void> {
    const tabs = await this.listTabs(this.#api, this.#spreadsheetId, 'spreadsheets.get');
    const existing = findTab(tabs, 'carts', this.#exportTab);
    const previous = existing ? await this.#values(`${quoteTab(existing.title)}!A:ZZ`) : [];
    const width = Math.max(...rows.map((r) => r.length), ...previous.map((r) => r.length), 0);
    const height = Math.max(rows.length, previous.length);
    const tab = existing ?? (await this.#addExportTab(height, width));
    await this.#growGrid(tab, height, width);
    // Blank cells over the old extent clear it in the same request (no values.clear round trip).
    const values = Array.from({ length: height }, (_, i) => {
      const row = (rows[i] ?? []).map((cell) => (isMoneyCell(cell) ? Number(cell.amount) : cell));
      while (row.length < width) row.push('');
      return row;
    });
    await this.call('values.update', () =>
      this.#api.spreadsheets.values.update({
        spreadsheetId: this.#spreadsheetId,
        range: `${quoteTab(tab.title)}!A1`,
        valueInputOption: 'RAW',
        requestBody: { majorDimension: 'ROWS', values },
      }),
    );
    await this.#formatAmounts(tab, rows, height);
    this.log?.info('export tab written', {
      night,
      rows: rows.length,
      cleared: Math.max(0, height - rows.length),
    });
  }

  /**
   * The Import tab's values (unformatted: numbers as numbers, date-times as serial numbers); none
   * when there is no Import tab (said in the log: the owner may have deleted it).
   */
  async readImport(): Promise<ImportCell[][]> {
    const tabs = await this.listTabs(this.#api, this.#spreadsheetId, 'spreadsheets.get');
    const tab = findTab(tabs, 'import', this.#importTab);
    this.#importTitle = tab?.title;
    if (!tab) {
      this.log?.warn('import tab not found', { tab: this.#importTab });
      return [];
    }
    return (await this.#values(`${quoteTab(tab.title)}!A:ZZ`)) as ImportCell[][];
  }

  async writeImportOutcomes(column: number, outcomes: string[]): Promise<void> {
    if (outcomes.length === 0) return;
    const letter = columnLetter(column);
    const range = `${quoteTab(this.#importTitle ?? this.#importTab)}!${letter}1:${letter}${outcomes.length}`;
    await this.call('values.update', () =>
      this.#api.spreadsheets.values.update({
        spreadsheetId: this.#spreadsheetId,
        range,
        valueInputOption: 'RAW',
        requestBody: { range, majorDimension: 'ROWS', values: outcomes.map((o) => [o]) },
      }),
    );
  }

  /** Adds the export tab, big enough for the night, marked as Set up would mark it. */
  async #addExportTab(height: number, width: number): Promise<FoundTab> {
    const rowCount = Math.max(1000, height);
    const columnCount = Math.max(26, width);
    const added = await this.call('spreadsheets.batchUpdate', () =>
      this.#api.spreadsheets.batchUpdate({
        spreadsheetId: this.#spreadsheetId,
        requestBody: {
          requests: [
            {
              addSheet: {
                properties: {
                  title: this.#exportTab,
                  gridProperties: { frozenRowCount: 1, rowCount, columnCount },
                },
              },
            },
          ],
        },
      }),
    );
    const sheetId = added.data.replies?.[0]?.addSheet?.properties?.sheetId;
    if (typeof sheetId !== 'number') {
      throw new GoogleSheetsError('spreadsheets.batchUpdate', {
        status: undefined,
        reason: undefined,
        detail: 'addSheet returned no sheetId',
        hint: 'Google answered oddly; the night can be run again.',
        temporary: true,
      });
    }
    await this.call('spreadsheets.batchUpdate', () =>
      this.#api.spreadsheets.batchUpdate({
        spreadsheetId: this.#spreadsheetId,
        requestBody: {
          requests: [
            {
              createDeveloperMetadata: {
                developerMetadata: {
                  metadataKey: TAB_METADATA_KEY,
                  metadataValue: 'carts',
                  visibility: 'DOCUMENT',
                  location: { sheetId },
                },
              },
            },
          ],
        },
      }),
    );
    return { sheetId, title: this.#exportTab, rowCount, columnCount };
  }

  /**
   * Shows each amount with its currency's decimals (`0.00`, `0` for JPY): one `updateCells` per
   * column holding amounts, over every row written, so a format left by an earlier night is replaced.
   */
  async #formatAmounts(tab: FoundTab, rows: readonly ExportCell[][], height: number): Promise<void> {
    const columns = new Set(rows.flatMap((row) => row.flatMap((cell, c) => (isMoneyCell(cell) ? [c] : []))));
    if (columns.size === 0) return;
    const requests: sheets_v4.Schema$Request[] = [...columns].map((c) => ({
      updateCells: {
        range: {
          sheetId: tab.sheetId,
          startRowIndex: 0,
          endRowIndex: height,
          startColumnIndex: c,
          endColumnIndex: c + 1,
        },
        fields: 'userEnteredFormat.numberFormat',
        rows: Array.from({ length: height }, (_, r) => {
          const cell = rows[r]?.[c];
          if (cell === undefined || !isMoneyCell(cell)) return { values: [{}] };
          const pattern = cell.decimals === 0 ? '0' : `0.${'0'.repeat(cell.decimals)}`;
          return { values: [{ userEnteredFormat: { numberFormat: { type: 'NUMBER', pattern } } }] };
        }),
      },
    }));
    await this.call('spreadsheets.batchUpdate', () =>
      this.#api.spreadsheets.batchUpdate({ spreadsheetId: this.#spreadsheetId, requestBody: { requests } }),
    );
  }

  /** Grows the tab's grid to hold `height` rows and `width` columns (a write past it is refused). */
  async #growGrid(tab: FoundTab, height: number, width: number): Promise<void> {
    const requests: sheets_v4.Schema$Request[] = [];
    if (height > tab.rowCount) {
      requests.push({
        appendDimension: { sheetId: tab.sheetId, dimension: 'ROWS', length: height - tab.rowCount },
      });
    }
    if (width > tab.columnCount) {
      requests.push({
        appendDimension: { sheetId: tab.sheetId, dimension: 'COLUMNS', length: width - tab.columnCount },
      });
    }
    if (requests.length === 0) return;
    await this.call('spreadsheets.batchUpdate', () =>
      this.#api.spreadsheets.batchUpdate({ spreadsheetId: this.#spreadsheetId, requestBody: { requests } }),
    );
  }

  async #values(range: string): Promise<unknown[][]> {
    const response = await this.call('values.get', () =>
      this.#api.spreadsheets.values.get({
        spreadsheetId: this.#spreadsheetId,
        range,
        valueRenderOption: 'UNFORMATTED_VALUE',
        dateTimeRenderOption: 'SERIAL_NUMBER',
        majorDimension: 'ROWS',
      }),
    );
    return (response.data.values ?? []) as unknown[][];
  }
}

/**
 * A zero-based column index as A1 letters.
 * @example columnLetter(0) === 'A'; columnLetter(27) === 'AB'
 */
export function columnLetter(column: number): string {
  let letters = '';
  for (let n = column + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}
