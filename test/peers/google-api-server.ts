/**
 * A local Google Sheets v4 REST server, for tests of the real @googleapis/sheets client (pointed
 * at it with `rootUrl`). It speaks the subset the sync uses: spreadsheets.values.get / update /
 * batchUpdate, spreadsheets.get, and spreadsheets.batchUpdate with addSheet, setDataValidation,
 * updateCells (notes), repeatCell (formats) and updateSheetProperties.
 *
 * Every request must carry `Authorization: Bearer <JWT>`, a self-signed service-account JWT (RS256)
 * signed by the fake service account's key, naming it as issuer and the Sheets scope, unexpired.
 * `failNext` makes the next requests answer 429 (or any status), with Retry-After when asked.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Cell = string | number | boolean;

/** A service account key as Google hands it out, plus the public half for checking signatures. */
export interface FakeServiceAccount {
  type: 'service_account';
  client_email: string;
  private_key: string;
  private_key_id: string;
  publicKeyPem: string;
}

/**
 * A fresh service account with its own RSA key pair (made locally; nothing leaves the machine).
 * @example const account = fakeServiceAccount(); new GoogleRulesSheet({ serviceAccount: account, ... })
 */
export function fakeServiceAccount(email = 'rules-sync@cart-recovery-test.iam.gserviceaccount.com') {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
    type: 'service_account',
    client_email: email,
    private_key: privateKey,
    private_key_id: randomBytes(20).toString('hex'),
    publicKeyPem: publicKey,
  } satisfies FakeServiceAccount;
}

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
}

interface FakeSpreadsheet {
  spreadsheetId: string;
  title: string;
  sheets: FakeSheet[];
  nextSheetId: number;
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
}

export interface GoogleApiServer {
  /** e.g. http://127.0.0.1:41234/ (pass as rootUrl). */
  rootUrl: string;
  serviceAccount: FakeServiceAccount;
  requests: RecordedRequest[];
  /** Creates (or replaces) a spreadsheet with these tabs, in order. */
  addSpreadsheet(spreadsheetId: string, tabs: Record<string, Cell[][]>): void;
  /** Replaces one tab's cells (the owner editing). */
  setValues(spreadsheetId: string, tab: string, values: Cell[][]): void;
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

const SHEETS_SCOPES = ['https://www.googleapis.com/auth/spreadsheets'];

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
 * Starts the server on a random local port with a fresh fake service account.
 * @example const google = await startGoogleApiServer(); google.addSpreadsheet('sheet-1', { Rules: rows });
 */
export async function startGoogleApiServer(
  options: { serviceAccount?: FakeServiceAccount } = {},
): Promise<GoogleApiServer> {
  const account = options.serviceAccount ?? fakeServiceAccount();
  const publicKey = createPublicKey(account.publicKeyPem);
  const spreadsheets = new Map<string, FakeSpreadsheet>();
  const requests: RecordedRequest[] = [];
  const failures: InjectedFailure[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const record: RecordedRequest = { method: req.method ?? 'GET', operation: 'unknown', status: 200 };
      requests.push(record);
      try {
        const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
        checkAuthorization(req, account, publicKey);
        const route = routeOf(req, record);
        const failure = failures.shift();
        if (failure) {
          record.status = failure.status ?? 429;
          const headers: Record<string, string> =
            failure.retryAfterSeconds === undefined
              ? {}
              : { 'retry-after': String(failure.retryAfterSeconds) };
          send(
            res,
            record.status,
            googleError(record.status, 'RESOURCE_EXHAUSTED', 'Quota exceeded (injected)'),
            headers,
          );
          return;
        }
        send(res, 200, route(body));
      } catch (error) {
        const e =
          error instanceof ApiError
            ? error
            : new ApiError(400, 'INVALID_ARGUMENT', error instanceof Error ? error.message : 'bad request');
        record.status = e.code;
        send(res, e.code, googleError(e.code, e.status, e.message));
      }
    });
  });

  function routeOf(req: IncomingMessage, record: RecordedRequest): (body: unknown) => unknown {
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

  function spreadsheetOf(id: string): FakeSpreadsheet {
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
    let columns = 0;
    values.forEach((row, i) => {
      const r = area.startRow + i;
      sheet.cells[r] ??= [];
      const target = sheet.cells[r];
      (row ?? []).forEach((value, j) => {
        const c = area.startColumn + j;
        target[c] = entered(value, inputOption);
      });
      columns = Math.max(columns, row?.length ?? 0);
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
      sheets: book.sheets.map((s) => ({ properties: { ...s.properties, sheetType: 'GRID' } })),
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
        const rows = (payload.rows ?? []) as { values?: { note?: string }[] }[];
        rows.forEach((row, i) => {
          (row.values ?? []).forEach((cell, j) => {
            const key = `${(range.startRowIndex ?? 0) + i},${(range.startColumnIndex ?? 0) + j}`;
            if (fields.split(',').includes('note') && cell.note !== undefined) sheet.notes[key] = cell.note;
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
    serviceAccount: account,
    requests,
    addSpreadsheet(spreadsheetId, tabs) {
      const sheets = Object.entries(tabs).map(([title, values], index) => {
        const sheet = newSheet(index, title, index);
        sheet.cells = values.map((row) => [...row]);
        return sheet;
      });
      spreadsheets.set(spreadsheetId, {
        spreadsheetId,
        title: 'Cart Recovery',
        sheets,
        nextSheetId: sheets.length + 100,
      });
    },
    setValues(spreadsheetId, tab, values) {
      sheetOf(spreadsheetId, tab).cells = values.map((row) => [...row]);
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
    stop: () =>
      new Promise<void>((resolveClose, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolveClose()));
      }),
  };
}

/** Refuses any request without a well-formed, unexpired RS256 JWT signed by the account's key. */
function checkAuthorization(
  req: IncomingMessage,
  account: FakeServiceAccount,
  publicKey: ReturnType<typeof createPublicKey>,
) {
  const unauthenticated = (why: string) =>
    new ApiError(
      401,
      'UNAUTHENTICATED',
      `Request had invalid authentication credentials. Expected OAuth 2 access token or other valid authentication credential (${why}).`,
    );
  const authorization = req.headers.authorization ?? '';
  const match = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(authorization);
  if (!match) throw unauthenticated('no Bearer JWT');
  const [, head = '', body = '', signature = ''] = match;
  let header: { alg?: string; kid?: string };
  let claims: { iss?: string; sub?: string; scope?: string; aud?: string; exp?: number; iat?: number };
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw unauthenticated('the JWT is not JSON');
  }
  if (header.alg !== 'RS256') throw unauthenticated('alg must be RS256');
  if (header.kid !== undefined && header.kid !== account.private_key_id) throw unauthenticated('unknown kid');
  const signed = verify(
    'RSA-SHA256',
    Buffer.from(`${head}.${body}`),
    publicKey,
    Buffer.from(signature, 'base64url'),
  );
  if (!signed) throw unauthenticated('bad signature');
  if (claims.iss !== account.client_email || claims.sub !== account.client_email) {
    throw unauthenticated('iss and sub must be the service account');
  }
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= now) throw unauthenticated('expired');
  if (typeof claims.iat !== 'number' || claims.iat > now + 60) throw unauthenticated('issued in the future');
  const scopes = (claims.scope ?? '').split(' ');
  if (!SHEETS_SCOPES.some((s) => scopes.includes(s))) {
    throw new ApiError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.');
  }
}

function requireInputOption(option: string | undefined): string {
  if (option !== 'RAW' && option !== 'USER_ENTERED') {
    throw new ApiError(400, 'INVALID_ARGUMENT', "Invalid valueInputOption: 'INPUT_VALUE_OPTION_UNSPECIFIED'");
  }
  return option;
}

function entered(value: unknown, inputOption: string): Cell | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  const text = String(value);
  if (inputOption === 'USER_ENTERED') {
    if (/^[-+]?\d+(\.\d+)?$/.test(text.trim())) return Number(text);
    if (/^(true|false)$/i.test(text.trim())) return text.trim().toLowerCase() === 'true';
  }
  return text;
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
