/**
 * The export tab (`Carts`) and the `Import` tab of the owner's spreadsheet, through the Sheets v4
 * REST API (@googleapis/sheets). Translates, nothing more. Auth, back-off and errors are those of
 * the rules sync (`google-sheets.ts`): a service account's self-signed JWT, bounded jittered
 * retries on 429/5xx that honor Retry-After, `GoogleSheetsError` when a call fails for good.
 *
 * The export rewrites the tab in one values.update: the new rows, padded with blank cells over
 * whatever the tab held beyond them (read first with values.get), so a shorter night leaves no old
 * rows behind. Values are written RAW: a cart title starting with "=" stays text.
 */
import type { sheets_v4 } from '@googleapis/sheets';
import { EXPORT_TAB, type ExportCell } from './export-rows.js';
import {
  GoogleAdapter,
  type GoogleClientOptions,
  quoteTab,
  SHEETS_OPERATIONS,
  type SheetsOperation,
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

  constructor(options: GoogleCartsTabOptions) {
    super(options, 'GoogleCartsTab', SHEETS_OPERATIONS);
    this.#api = this.sheetsApi(options.rootUrl);
    this.#spreadsheetId = options.spreadsheetId;
    this.#exportTab = options.exportTab ?? EXPORT_TAB;
    this.#importTab = options.importTab ?? IMPORT_TAB;
  }

  /** Rewrites the export tab with `rows` (adding the tab when the spreadsheet has none). */
  async writeExport(night: string, rows: ExportCell[][]): Promise<void> {
    const tab = quoteTab(this.#exportTab);
    let previous: unknown[][] = [];
    if (await this.#hasTab(this.#exportTab)) {
      previous = await this.#values(`${tab}!A:ZZ`);
    } else {
      await this.call('spreadsheets.batchUpdate', () =>
        this.#api.spreadsheets.batchUpdate({
          spreadsheetId: this.#spreadsheetId,
          requestBody: {
            requests: [
              { addSheet: { properties: { title: this.#exportTab, gridProperties: { frozenRowCount: 1 } } } },
            ],
          },
        }),
      );
    }
    const width = Math.max(...rows.map((r) => r.length), ...previous.map((r) => r.length), 0);
    const height = Math.max(rows.length, previous.length);
    // Blank cells over the old extent clear it in the same request (no values.clear round trip).
    const values = Array.from({ length: height }, (_, i) => {
      const row: ExportCell[] = [...(rows[i] ?? [])];
      while (row.length < width) row.push('');
      return row;
    });
    await this.call('values.update', () =>
      this.#api.spreadsheets.values.update({
        spreadsheetId: this.#spreadsheetId,
        range: `${tab}!A1`,
        valueInputOption: 'RAW',
        requestBody: { majorDimension: 'ROWS', values },
      }),
    );
    this.log?.info('export tab written', {
      night,
      rows: rows.length,
      cleared: Math.max(0, height - rows.length),
    });
  }

  /** The Import tab's values (unformatted: numbers as numbers, date-times as serial numbers). */
  async readImport(): Promise<ImportCell[][]> {
    if (!(await this.#hasTab(this.#importTab))) return [];
    return (await this.#values(`${quoteTab(this.#importTab)}!A:ZZ`)) as ImportCell[][];
  }

  async writeImportOutcomes(column: number, outcomes: string[]): Promise<void> {
    if (outcomes.length === 0) return;
    const letter = columnLetter(column);
    const range = `${quoteTab(this.#importTab)}!${letter}1:${letter}${outcomes.length}`;
    await this.call('values.update', () =>
      this.#api.spreadsheets.values.update({
        spreadsheetId: this.#spreadsheetId,
        range,
        valueInputOption: 'RAW',
        requestBody: { range, majorDimension: 'ROWS', values: outcomes.map((o) => [o]) },
      }),
    );
  }

  async #hasTab(title: string): Promise<boolean> {
    const spreadsheet = await this.call('spreadsheets.get', () =>
      this.#api.spreadsheets.get({
        spreadsheetId: this.#spreadsheetId,
        fields: 'sheets.properties(sheetId,title)',
      }),
    );
    return spreadsheet.data.sheets?.some((s) => s.properties?.title === title) ?? false;
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
