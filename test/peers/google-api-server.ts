/**
 * A local Google Sheets v4 REST server, for tests of the real @googleapis/sheets client (pointed
 * at it with `rootUrl`). It speaks the subset the sync uses: spreadsheets.values.get / update /
 * batchUpdate, spreadsheets.get, and spreadsheets.batchUpdate with addSheet, setDataValidation,
 * updateCells (notes, number formats), repeatCell (formats) and updateSheetProperties.
 *
 * It behaves like Google where a first deploy meets it:
 * - every request needs an access token issued by the fake login endpoints (google-auth-server.ts),
 *   with the Sheets scope; anything else (a self-signed JWT included) is 401 UNAUTHENTICATED;
 * - a spreadsheet not shared with the caller is 403 PERMISSION_DENIED, a missing one 404, and a
 *   disabled Sheets API is 403 with the SERVICE_DISABLED ErrorInfo Google sends;
 * - a new tab has the default grid of 1000 rows and 26 columns, and a write beyond it is 400
 *   ("exceeds grid limits") until appendDimension grows it;
 * - what the owner types (`type`) is stored as the Sheets UI would: numbers, TRUE/FALSE, and times
 *   typed as 21:00 become numbers (a day fraction) unless the cell is formatted as text, and
 *   UNFORMATTED_VALUE hands them back as such;
 * - tabs carry developer metadata (createDeveloperMetadata), which survives a rename.
 * `failNext` makes the next requests answer 429 (or any status and reason), with Retry-After when asked.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GoogleAuthRefusal, type GoogleAuthServer, startGoogleAuthServer } from './google-auth-server.js';
import type { FakeServiceAccount } from './google-service-account.js';

export type Cell = string | number | boolean;

export { type FakeServiceAccount, fakeServiceAccount } from './google-service-account.js';

interface GridRange {
  sheetId?: number;
  startRowIndex?: number;
  endRowIndex?: number;
  startColumnIndex?: number;
  endColumnIndex?: number;
}

interface FakeSheet {
  properties: { sheetId: number; title: string; index: number; gridProperties: Record<string, number> };
  /** Rows of cells; holes are empty cells. */
  cells: (Cell | undefined)[][];
  /** "row,column" (zero-based) → note. */
  notes: Record<string, string>;
  validations: { range: GridRange; rule: unknown }[];
  /** "row,column" → the userEnteredFormat fields set on it. */
  formats: Record<string, Record<string, unknown>>;
  developerMetadata: { metadataId: number; metadataKey: string; metadataValue: string; visibility: string }[];
}

interface FakeSpreadsheet {
  spreadsheetId: string;
  title: string;
  sheets: FakeSheet[];
  nextSheetId: number;
  /** The principals it is shared with. */
  sharedWith: string[];
}

export interface RecordedRequest {
  method: string;
  /** e.g. values.get, values.update, values.batchUpdate, spreadsheets.get, spreadsheets.batchUpdate */
  operation: string;
  status: number;
  /** The A1 range of a values call, decoded. */
  range?: string;
}

export interface InjectedFailure {
  status?: number;
  /** Sent as Retry-After (delta-seconds). */
  retryAfterSeconds?: number;
  /** An `errors[].reason`, as Drive and older APIs send (e.g. userRateLimitExceeded). */
  reason?: string;
  /** Never answer (until the server stops): a request Google accepted and then lost. */
  hang?: boolean;
}

export interface GoogleApiServer {
  /** e.g. http://127.0.0.1:41234/ (pass as rootUrl). */
  rootUrl: string;
  /** The OAuth token endpoint of the fake login (pass as tokenUrl). */
  tokenUrl: string;
  auth: GoogleAuthServer;
  serviceAccount: FakeServiceAccount;
  requests: RecordedRequest[];
  /**
   * Creates (or replaces) a spreadsheet with these tabs, in order, shared with the fake service
   * account unless `sharedWith` says otherwise.
   */
  addSpreadsheet(
    spreadsheetId: string,
    tabs: Record<string, Cell[][]>,
    options?: { sharedWith?: string[] },
  ): void;
  /** Replaces one tab's cells (the owner editing), stored exactly as given. */
  setValues(spreadsheetId: string, tab: string, values: Cell[][]): void;
  /** The owner types these texts from A1, stored as the Sheets UI stores typed text (see above). */
  type(spreadsheetId: string, tab: string, typed: string[][]): void;
  /** Formats a range of a tab as plain text (Format › Number › Plain text). */
  formatAsText(spreadsheetId: string, tab: string, a1Range: string): void;
  /** Marks a tab with developer metadata, as Set up does. */
  mark(spreadsheetId: string, tab: string, key: string, value: string): void;
  /** Renames a tab (the owner double-clicking its name). */
  rename(spreadsheetId: string, from: string, to: string): void;
  /** A tab's grid size. */
  grid(spreadsheetId: string, tab: string): { rowCount: number; columnCount: number };
  /** Turns the Sheets API off (on) in the fake project: requests get 403 SERVICE_DISABLED. */
  setApiEnabled(enabled: boolean): void;
  /** The tab's cells, trailing blanks trimmed, as values.get would return them. */
  values(spreadsheetId: string, tab: string): Cell[][];
  /** One cell, by A1 with its tab ("Rules!F1"); undefined when empty. */
  cell(spreadsheetId: string, a1: string): Cell | undefined;
  /** A tab's notes, validations and formats, keyed by A1 cell. */
  dressing(
    spreadsheetId: string,
    tab: string,
  ): {
    notes: Record<string, string>;
    validations: { range: string; rule: unknown }[];
    formats: Record<string, Record<string, unknown>>;
  };
  /** The next `count` authorized requests fail with `failure.status` (429 unless told). */
  failNext(count: number, failure?: InjectedFailure): void;
  stop(): Promise<void>;
}

const SHEETS_SCOPE = 'https://www.googleapis.com/auth/spreadsheets';

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly status: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Starts the server on a random local port, with its own fake login endpoints unless given some.
 * @example const google = await startGoogleApiServer(); google.addSpreadsheet('sheet-1', { Rules: rows });
 */
export async function startGoogleApiServer(
  options: { auth?: GoogleAuthServer } = {},
): Promise<GoogleApiServer> {
  const auth = options.auth ?? (await startGoogleAuthServer());
  const account = auth.serviceAccount;
  const spreadsheets = new Map<string, FakeSpreadsheet>();
  const requests: RecordedRequest[] = [];
  const failures: InjectedFailure[] = [];
  let apiEnabled = true;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const record: RecordedRequest = { method: req.method ?? 'GET', operation: 'unknown', status: 200 };
      requests.push(record);
      try {
        const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
        const caller = checkAuthorization(req);
        if (!apiEnabled) {
          record.status = 403;
          send(res, 403, serviceDisabled(auth.projectNumber));
          return;
        }
        const route = routeOf(req, record, caller);
        const failure = failures.shift();
        if (failure?.hang) {
          record.status = 0;
          return;
        }
        if (failure) {
          record.status = failure.status ?? 429;
          const headers: Record<string, string> =
            failure.retryAfterSeconds === undefined
              ? {}
              : { 'retry-after': String(failure.retryAfterSeconds) };
          const error = googleError(record.status, 'RESOURCE_EXHAUSTED', 'Quota exceeded (injected)');
          if (failure.reason) {
            Object.assign(error.error, {
              errors: [{ message: 'Rate Limit Exceeded', domain: 'usageLimits', reason: failure.reason }],
            });
          }
          send(res, record.status, error, headers);
          return;
        }
        send(res, 200, route(body));
      } catch (error) {
        const e =
          error instanceof ApiError
            ? error
            : error instanceof GoogleAuthRefusal
              ? new ApiError(error.code, error.status, error.message)
              : new ApiError(400, 'INVALID_ARGUMENT', error instanceof Error ? error.message : 'bad request');
        record.status = e.code;
        send(res, e.code, googleError(e.code, e.status, e.message));
      }
    });
  });

  function checkAuthorization(req: IncomingMessage): string {
    return auth.check(req.headers.authorization, SHEETS_SCOPE).principal;
  }

  function routeOf(
    req: IncomingMessage,
    record: RecordedRequest,
    caller: string,
  ): (body: unknown) => unknown {
    const spreadsheetOf = (id: string) => {
      const book = bookOf(id);
      // Google answers 403, not 404, when the file exists but is not shared with the caller.
      if (!book.sharedWith.includes(caller)) {
        throw new ApiError(403, 'PERMISSION_DENIED', 'The caller does not have permission');
      }
      return book;
    };
    const url = new URL(req.url ?? '/', 'http://localhost');
    const segments = url.pathname.split('/').filter(Boolean);
    if (segments[0] !== 'v4' || segments[1] !== 'spreadsheets' || !segments[2]) throw notFound();
    const [idPart = '', ...rest] = segments.slice(2);
    const method = req.method ?? 'GET';
    const query = url.searchParams;
    if (rest.length === 0 && idPart.endsWith(':batchUpdate') && method === 'POST') {
      record.operation = 'spreadsheets.batchUpdate';
      const book = spreadsheetOf(idPart.slice(0, -':batchUpdate'.length));
      return (body) => batchUpdate(book, body);
    }
    if (rest.length === 0 && method === 'GET') {
      record.operation = 'spreadsheets.get';
      const book = spreadsheetOf(decodeURIComponent(idPart));
      return () => describeSpreadsheet(book);
    }
    const book = spreadsheetOf(decodeURIComponent(idPart));
    if (rest[0] === 'values:batchGet' && rest.length === 1 && method === 'GET') {
      record.operation = 'values.batchGet';
      const ranges = query.getAll('ranges');
      record.range = ranges.join(' ');
      const render = query.get('valueRenderOption') ?? 'FORMATTED_VALUE';
      return () => ({
        spreadsheetId: book.spreadsheetId,
        valueRanges: ranges.map((range) => readValues(book, range, render)),
      });
    }
    if (rest[0] === 'values:batchUpdate' && rest.length === 1 && method === 'POST') {
      record.operation = 'values.batchUpdate';
      return (body) => {
        const { valueInputOption, data } = body as { valueInputOption?: string; data?: unknown[] };
        const inputOption = requireInputOption(valueInputOption);
        const responses = (data ?? []).map((entry) => {
          const { range, values } = entry as { range: string; values?: unknown[][] };
          return writeValues(book, range, values ?? [], inputOption);
        });
        return {
          spreadsheetId: book.spreadsheetId,
          totalUpdatedCells: responses.reduce((n, r) => n + r.updatedCells, 0),
          responses,
        };
      };
    }
    if (rest[0] === 'values' && rest.length === 2) {
      const range = decodeURIComponent(rest[1] ?? '');
      record.range = range;
      if (method === 'GET') {
        record.operation = 'values.get';
        return () => readValues(book, range, query.get('valueRenderOption') ?? 'FORMATTED_VALUE');
      }
      if (method === 'PUT') {
        record.operation = 'values.update';
        return (body) => {
          const inputOption = requireInputOption(query.get('valueInputOption') ?? undefined);
          return writeValues(book, range, (body as { values?: unknown[][] })?.values ?? [], inputOption);
        };
      }
    }
    throw notFound();
  }

  function bookOf(id: string): FakeSpreadsheet {
    const book = spreadsheets.get(id);
    if (!book) throw new ApiError(404, 'NOT_FOUND', 'Requested entity was not found.');
    return book;
  }

  function sheetByTitle(book: FakeSpreadsheet, title: string): FakeSheet {
    const sheet = book.sheets.find((s) => s.properties.title === title);
    if (!sheet) throw new ApiError(400, 'INVALID_ARGUMENT', `Unable to parse range: ${title}`);
    return sheet;
  }

  function resolve(book: FakeSpreadsheet, range: string): { sheet: FakeSheet; area: Area } {
    const { tab, area } = parseRange(range);
    const sheet = tab === undefined ? book.sheets[0] : sheetByTitle(book, tab);
    if (!sheet) throw new ApiError(400, 'INVALID_ARGUMENT', `Unable to parse range: ${range}`);
    return { sheet, area };
  }

  function readValues(book: FakeSpreadsheet, range: string, render: string) {
    const { sheet, area } = resolve(book, range);
    const rows: Cell[][] = [];
    const lastRow = Math.min(area.endRow, sheet.cells.length);
    for (let r = area.startRow; r < lastRow; r += 1) {
      const row = sheet.cells[r] ?? [];
      const cells: (Cell | '')[] = [];
      const lastColumn = Math.min(area.endColumn, row.length);
      for (let c = area.startColumn; c < lastColumn; c += 1) {
        const value = row[c];
        cells.push(value === undefined ? '' : render === 'UNFORMATTED_VALUE' ? value : String(value));
      }
      rows.push(trimEnd(cells) as Cell[]);
    }
    const values = trimTrailingRows(rows);
    return {
      range: `${quote(sheet.properties.title)}!${rangeText(area, sheet)}`,
      majorDimension: 'ROWS',
      ...(values.length ? { values } : {}),
    };
  }

  function writeValues(book: FakeSpreadsheet, range: string, values: unknown[][], inputOption: string) {
    const { sheet, area } = resolve(book, range);
    const columns = Math.max(0, ...values.map((row) => row?.length ?? 0));
    const { rowCount = 1000, columnCount = 26 } = sheet.properties.gridProperties;
    const lastRow = area.startRow + values.length;
    const lastColumn = area.startColumn + columns;
    if (lastRow > rowCount || lastColumn > columnCount) {
      throw new ApiError(
        400,
        'INVALID_ARGUMENT',
        `Range (${quote(sheet.properties.title)}!${a1(lastRow - 1, lastColumn - 1)}) exceeds grid limits. Max rows: ${rowCount}, max columns: ${columnCount}`,
      );
    }
    values.forEach((row, i) => {
      const r = area.startRow + i;
      sheet.cells[r] ??= [];
      const target = sheet.cells[r];
      (row ?? []).forEach((value, j) => {
        const c = area.startColumn + j;
        target[c] = entered(value, inputOption, isText(sheet, r, c));
      });
    });
    return {
      spreadsheetId: book.spreadsheetId,
      updatedRange: `${quote(sheet.properties.title)}!${a1(area.startRow, area.startColumn)}`,
      updatedRows: values.length,
      updatedColumns: columns,
      updatedCells: values.reduce((n, row) => n + (row?.length ?? 0), 0),
    };
  }

  function describeSpreadsheet(book: FakeSpreadsheet) {
    return {
      spreadsheetId: book.spreadsheetId,
      properties: { title: book.title },
      sheets: book.sheets.map((s) => ({
        properties: { ...s.properties, sheetType: 'GRID' },
        ...(s.developerMetadata.length
          ? {
              developerMetadata: s.developerMetadata.map((m) => ({
                ...m,
                location: { locationType: 'SHEET', sheetId: s.properties.sheetId },
              })),
            }
          : {}),
      })),
    };
  }

  function batchUpdate(book: FakeSpreadsheet, body: unknown) {
    const requests = (body as { requests?: unknown[] })?.requests;
    if (!Array.isArray(requests) || requests.length === 0) {
      throw new ApiError(400, 'INVALID_ARGUMENT', 'Must specify at least one request.');
    }
    // All or nothing, as in Google: work on a copy and keep it only if every request succeeds.
    const draft = structuredClone(book);
    const replies = requests.map((request) => applyRequest(draft, request as Record<string, unknown>));
    spreadsheets.set(book.spreadsheetId, draft);
    return { spreadsheetId: book.spreadsheetId, replies };
  }

  function sheetById(book: FakeSpreadsheet, range: GridRange | undefined): FakeSheet {
    const sheet = book.sheets.find((s) => s.properties.sheetId === (range?.sheetId ?? 0));
    if (!sheet) throw new ApiError(400, 'INVALID_ARGUMENT', `No grid with id: ${range?.sheetId}`);
    return sheet;
  }

  function applyRequest(book: FakeSpreadsheet, request: Record<string, unknown>): unknown {
    const kinds = Object.keys(request);
    if (kinds.length !== 1)
      throw new ApiError(400, 'INVALID_ARGUMENT', 'Each request must set exactly one kind');
    const kind = kinds[0] ?? '';
    const payload = request[kind] as Record<string, unknown>;
    switch (kind) {
      case 'addSheet': {
        const properties = (payload.properties ?? {}) as {
          title?: string;
          gridProperties?: Record<string, number>;
        };
        const title = properties.title ?? `Sheet${book.sheets.length + 1}`;
        if (book.sheets.some((s) => s.properties.title === title)) {
          throw new ApiError(
            400,
            'INVALID_ARGUMENT',
            `Invalid requests[0].addSheet: A sheet with the name "${title}" already exists. Please enter another name.`,
          );
        }
        const sheet = newSheet(book.nextSheetId++, title, book.sheets.length, properties.gridProperties);
        book.sheets.push(sheet);
        return { addSheet: { properties: sheet.properties } };
      }
      case 'setDataValidation': {
        const range = payload.range as GridRange;
        const sheet = sheetById(book, range);
        sheet.validations.push({ range, rule: payload.rule });
        return {};
      }
      case 'updateCells': {
        const range = payload.range as GridRange;
        const sheet = sheetById(book, range);
        const fields = String(payload.fields ?? '');
        const rows = (payload.rows ?? []) as {
          values?: { note?: string; userEnteredFormat?: { numberFormat?: unknown } }[];
        }[];
        rows.forEach((row, i) => {
          (row.values ?? []).forEach((cell, j) => {
            const key = `${(range.startRowIndex ?? 0) + i},${(range.startColumnIndex ?? 0) + j}`;
            if (fields.split(',').includes('note') && cell.note !== undefined) sheet.notes[key] = cell.note;
            // The field mask decides: a cell without a number format clears the one it had.
            if (fields.split(',').includes('userEnteredFormat.numberFormat')) {
              const { numberFormat: _old, ...kept } = sheet.formats[key] ?? {};
              const numberFormat = cell.userEnteredFormat?.numberFormat;
              sheet.formats[key] = numberFormat === undefined ? kept : { ...kept, numberFormat };
            }
          });
        });
        return {};
      }
      case 'repeatCell': {
        const range = payload.range as GridRange;
        const sheet = sheetById(book, range);
        const format = ((payload.cell as { userEnteredFormat?: Record<string, unknown> })
          ?.userEnteredFormat ?? {}) as Record<string, unknown>;
        for (let r = range.startRowIndex ?? 0; r < (range.endRowIndex ?? 0); r += 1) {
          for (let c = range.startColumnIndex ?? 0; c < (range.endColumnIndex ?? 0); c += 1) {
            sheet.formats[`${r},${c}`] = { ...sheet.formats[`${r},${c}`], ...format };
          }
        }
        return {};
      }
      case 'createDeveloperMetadata': {
        const metadata = payload.developerMetadata as {
          metadataKey?: string;
          metadataValue?: string;
          visibility?: string;
          location?: { sheetId?: number };
        };
        if (!metadata?.metadataKey || !metadata.visibility) {
          throw new ApiError(400, 'INVALID_ARGUMENT', 'Metadata key and visibility are required.');
        }
        const sheet = sheetById(book, { sheetId: metadata.location?.sheetId ?? -1 });
        const created = {
          metadataId: book.nextSheetId++,
          metadataKey: metadata.metadataKey,
          metadataValue: metadata.metadataValue ?? '',
          visibility: metadata.visibility,
        };
        sheet.developerMetadata.push(created);
        return { createDeveloperMetadata: { developerMetadata: created } };
      }
      case 'appendDimension': {
        const { sheetId, dimension, length } = payload as {
          sheetId?: number;
          dimension?: string;
          length?: number;
        };
        const sheet = sheetById(book, { sheetId: sheetId ?? 0 });
        if (!length || length < 1) throw new ApiError(400, 'INVALID_ARGUMENT', 'length must be at least 1');
        const grid = sheet.properties.gridProperties;
        if (dimension === 'ROWS') grid.rowCount = (grid.rowCount ?? 1000) + length;
        else if (dimension === 'COLUMNS') grid.columnCount = (grid.columnCount ?? 26) + length;
        else throw new ApiError(400, 'INVALID_ARGUMENT', 'dimension must be ROWS or COLUMNS');
        return {};
      }
      case 'updateSheetProperties': {
        const properties = payload.properties as {
          sheetId?: number;
          gridProperties?: Record<string, number>;
        };
        const sheet = sheetById(book, { sheetId: properties.sheetId ?? 0 });
        Object.assign(sheet.properties.gridProperties, properties.gridProperties ?? {});
        return {};
      }
      default:
        throw new ApiError(400, 'INVALID_ARGUMENT', `Unsupported request kind in this fake: ${kind}`);
    }
  }

  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as AddressInfo;

  const sheetOf = (id: string, tab: string) => {
    const book = spreadsheets.get(id);
    const sheet = book?.sheets.find((s) => s.properties.title === tab);
    if (!sheet) throw new Error(`no tab "${tab}" in spreadsheet ${id}`);
    return sheet;
  };

  return {
    rootUrl: `http://127.0.0.1:${port}/`,
    tokenUrl: auth.tokenUrl,
    auth,
    serviceAccount: account,
    requests,
    addSpreadsheet(spreadsheetId, tabs, { sharedWith = [account.client_email] } = {}) {
      const sheets = Object.entries(tabs).map(([title, values], index) => {
        const sheet = newSheet(index, title, index);
        sheet.cells = values.map((row) => [...row]);
        sheet.properties.gridProperties.rowCount = Math.max(1000, values.length);
        return sheet;
      });
      spreadsheets.set(spreadsheetId, {
        spreadsheetId,
        title: 'Cart Recovery',
        sheets,
        nextSheetId: sheets.length + 100,
        sharedWith: [...sharedWith],
      });
    },
    setValues(spreadsheetId, tab, values) {
      sheetOf(spreadsheetId, tab).cells = values.map((row) => [...row]);
    },
    type(spreadsheetId, tab, typed) {
      const sheet = sheetOf(spreadsheetId, tab);
      typed.forEach((row, r) => {
        sheet.cells[r] ??= [];
        const target = sheet.cells[r];
        row.forEach((text, c) => {
          target[c] = entered(text, 'USER_ENTERED', isText(sheet, r, c));
        });
      });
    },
    formatAsText(spreadsheetId, tab, a1Range) {
      const sheet = sheetOf(spreadsheetId, tab);
      const { area } = parseRange(a1Range);
      const endRow = Number.isFinite(area.endRow)
        ? area.endRow
        : (sheet.properties.gridProperties.rowCount ?? 1000);
      const endColumn = Number.isFinite(area.endColumn) ? area.endColumn : 26;
      for (let r = area.startRow; r < endRow; r += 1) {
        for (let c = area.startColumn; c < endColumn; c += 1) {
          sheet.formats[`${r},${c}`] = { ...sheet.formats[`${r},${c}`], numberFormat: { type: 'TEXT' } };
        }
      }
    },
    mark(spreadsheetId, tab, key, value) {
      const sheet = sheetOf(spreadsheetId, tab);
      sheet.developerMetadata.push({
        metadataId: Date.now(),
        metadataKey: key,
        metadataValue: value,
        visibility: 'DOCUMENT',
      });
    },
    rename(spreadsheetId, from, to) {
      sheetOf(spreadsheetId, from).properties.title = to;
    },
    grid(spreadsheetId, tab) {
      const { rowCount = 1000, columnCount = 26 } = sheetOf(spreadsheetId, tab).properties.gridProperties;
      return { rowCount, columnCount };
    },
    setApiEnabled(enabled) {
      apiEnabled = enabled;
    },
    values(spreadsheetId, tab) {
      const sheet = sheetOf(spreadsheetId, tab);
      return trimTrailingRows(
        sheet.cells.map((row) => trimEnd(Array.from(row ?? [], (v) => v ?? '')) as Cell[]),
      );
    },
    cell(spreadsheetId, ref) {
      const book = spreadsheets.get(spreadsheetId);
      if (!book) throw new Error(`no spreadsheet ${spreadsheetId}`);
      const { sheet, area } = resolve(book, ref);
      return sheet.cells[area.startRow]?.[area.startColumn];
    },
    dressing(spreadsheetId, tab) {
      const sheet = sheetOf(spreadsheetId, tab);
      const byA1 = <T>(entries: Record<string, T>) =>
        Object.fromEntries(
          Object.entries(entries).map(([key, value]) => {
            const [r = 0, c = 0] = key.split(',').map(Number);
            return [a1(r, c), value];
          }),
        );
      return {
        notes: byA1(sheet.notes),
        formats: byA1(sheet.formats),
        validations: sheet.validations.map(({ range, rule }) => ({ range: gridToA1(range), rule })),
      };
    },
    failNext(count, failure = {}) {
      for (let i = 0; i < count; i += 1) failures.push(failure);
    },
    stop: async () => {
      await new Promise<void>((resolveClose, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolveClose()));
      });
      if (!options.auth) await auth.stop();
    },
  };
}

function requireInputOption(option: string | undefined): string {
  if (option !== 'RAW' && option !== 'USER_ENTERED') {
    throw new ApiError(400, 'INVALID_ARGUMENT', "Invalid valueInputOption: 'INPUT_VALUE_OPTION_UNSPECIFIED'");
  }
  return option;
}

/**
 * A value as Sheets stores it. RAW keeps strings as strings. USER_ENTERED (and the owner typing)
 * parses as the Sheets UI does, unless the cell is formatted as plain text: numbers (1,000 and 12.5%
 * too), TRUE/FALSE, times of day as a day fraction (21:00 is 0.875), dates as serial days since
 * 1899-12-30.
 */
function entered(value: unknown, inputOption: string, textCell = false): Cell | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  const text = String(value);
  if (inputOption !== 'USER_ENTERED' || textCell) return text;
  const trimmed = text.trim();
  if (/^[-+]?\d{1,3}(,\d{3})*(\.\d+)?$|^[-+]?\d+(\.\d+)?$/.test(trimmed))
    return Number(trimmed.replace(/,/g, ''));
  const percent = /^([-+]?\d+(?:\.\d+)?)%$/.exec(trimmed);
  if (percent) return Number(percent[1]) / 100;
  if (/^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === 'true';
  const time = /^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]m)?$/i.exec(trimmed);
  if (time) {
    let hours = Number(time[1]);
    const half = time[4]?.toLowerCase();
    if (half) hours = (hours % 12) + (half === 'pm' ? 12 : 0);
    const seconds = hours * 3600 + Number(time[2]) * 60 + Number(time[3] ?? 0);
    if (hours < 24) return seconds / 86_400;
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  if (date)
    return (
      (Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])) - Date.UTC(1899, 11, 30)) / 86_400_000
    );
  return text;
}

function isText(sheet: FakeSheet, row: number, column: number): boolean {
  const format = sheet.formats[`${row},${column}`]?.numberFormat as { type?: string } | undefined;
  return format?.type === 'TEXT';
}

/** The 403 Google sends when the API is off in the caller's project (its real shape). */
function serviceDisabled(projectNumber: string) {
  const activationUrl = `https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project=${projectNumber}`;
  const message = `Google Sheets API has not been used in project ${projectNumber} before or it is disabled. Enable it by visiting ${activationUrl} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`;
  return {
    error: {
      code: 403,
      message,
      status: 'PERMISSION_DENIED',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'SERVICE_DISABLED',
          domain: 'googleapis.com',
          metadata: {
            service: 'sheets.googleapis.com',
            consumer: `projects/${projectNumber}`,
            activationUrl,
            serviceTitle: 'Google Sheets API',
            containerInfo: projectNumber,
          },
        },
        { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
        {
          '@type': 'type.googleapis.com/google.rpc.Help',
          links: [{ description: 'Google developers console API activation', url: activationUrl }],
        },
      ],
    },
  };
}

function newSheet(
  sheetId: number,
  title: string,
  index: number,
  grid: Record<string, number> = {},
): FakeSheet {
  return {
    properties: { sheetId, title, index, gridProperties: { rowCount: 1000, columnCount: 26, ...grid } },
    cells: [],
    notes: {},
    validations: [],
    formats: {},
    developerMetadata: [],
  };
}

interface Area {
  startRow: number;
  endRow: number;
  startColumn: number;
  endColumn: number;
}

/** Parses "'My tab'!A1:D", "Rules!F1", "Rules", "A:D" (end-exclusive, zero-based). */
export function parseRange(range: string): { tab: string | undefined; area: Area } {
  let tab: string | undefined;
  let rest = range;
  const quoted = /^'((?:[^']|'')+)'(?:!(.*))?$/.exec(range);
  if (quoted) {
    tab = (quoted[1] ?? '').replace(/''/g, "'");
    rest = quoted[2] ?? '';
  } else if (range.includes('!')) {
    const at = range.lastIndexOf('!');
    tab = range.slice(0, at);
    rest = range.slice(at + 1);
  } else if (!/^[A-Z]*\d*(:[A-Z]*\d*)?$/.test(range)) {
    tab = range;
    rest = '';
  }
  const whole: Area = {
    startRow: 0,
    endRow: Number.POSITIVE_INFINITY,
    startColumn: 0,
    endColumn: Number.POSITIVE_INFINITY,
  };
  if (!rest) return { tab, area: whole };
  const [from = '', to] = rest.split(':');
  const start = parseRef(from);
  const end = to === undefined ? start : parseRef(to);
  if (!start || !end) throw new ApiError(400, 'INVALID_ARGUMENT', `Unable to parse range: ${range}`);
  return {
    tab,
    area: {
      startRow: start.row ?? 0,
      endRow: end.row === undefined ? Number.POSITIVE_INFINITY : end.row + 1,
      startColumn: start.column ?? 0,
      endColumn: end.column === undefined ? Number.POSITIVE_INFINITY : end.column + 1,
    },
  };
}

function parseRef(ref: string): { row?: number; column?: number } | undefined {
  const match = /^([A-Z]*)(\d*)$/.exec(ref.toUpperCase());
  if (!match || (!match[1] && !match[2])) return undefined;
  const letters = match[1] ?? '';
  return {
    ...(letters ? { column: [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1 } : {}),
    ...(match[2] ? { row: Number(match[2]) - 1 } : {}),
  };
}

function a1(row: number, column: number): string {
  let letters = '';
  for (let n = column + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return `${letters}${row + 1}`;
}

function gridToA1(range: GridRange): string {
  const from = a1(range.startRowIndex ?? 0, range.startColumnIndex ?? 0);
  const to = a1((range.endRowIndex ?? 1) - 1, (range.endColumnIndex ?? 1) - 1);
  return from === to ? from : `${from}:${to}`;
}

function rangeText(area: Area, sheet: FakeSheet): string {
  const endRow = Number.isFinite(area.endRow)
    ? area.endRow
    : (sheet.properties.gridProperties.rowCount ?? 1000);
  const endColumn = Number.isFinite(area.endColumn) ? area.endColumn : 26;
  return `${a1(area.startRow, area.startColumn)}:${a1(endRow - 1, endColumn - 1)}`;
}

function quote(tab: string): string {
  return `'${tab.replace(/'/g, "''")}'`;
}

function trimEnd<T>(cells: (T | '')[]): (T | '')[] {
  let end = cells.length;
  while (end > 0 && cells[end - 1] === '') end -= 1;
  return cells.slice(0, end);
}

function trimTrailingRows<T>(rows: T[][]): T[][] {
  let end = rows.length;
  while (end > 0 && (rows[end - 1]?.length ?? 0) === 0) end -= 1;
  return rows.slice(0, end);
}

function googleError(code: number, status: string, message: string) {
  return { error: { code, message, status } };
}

function notFound() {
  return new ApiError(404, 'NOT_FOUND', 'Requested entity was not found.');
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
  res.end(JSON.stringify(body));
}
