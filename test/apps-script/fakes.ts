/**
 * In-memory stand-ins for the Apps Script services the menu uses. They behave like the real ones
 * where it matters to the code under test: computeHmacSha256Signature returns Java's signed bytes,
 * getRange is 1-based, appendRow writes after the last row, a dialog returns the button pressed.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type {
  AppsScriptServices,
  FetchParams,
  HttpResponse,
  Menu,
  PromptResponse,
  Range,
  Sheet,
  Spreadsheet,
  Ui,
} from '../../apps-script/src/services.js';

export class FakeUtilities {
  readonly Charset = { UTF_8: 'UTF_8', US_ASCII: 'US_ASCII' } as const;
  readonly uuids: string[] = [];

  /** HMAC-SHA256 as Apps Script returns it: bytes as signed Java bytes, -128..127. */
  computeHmacSha256Signature(value: string, key: string, charset: unknown): number[] {
    if (charset !== this.Charset.UTF_8) throw new Error('the fake only encodes UTF-8');
    const mac = createHmac('sha256', Buffer.from(key, 'utf8')).update(Buffer.from(value, 'utf8')).digest();
    return [...mac].map((byte) => (byte > 127 ? byte - 256 : byte));
  }

  getUuid(): string {
    const uuid = randomUUID();
    this.uuids.push(uuid);
    return uuid;
  }
}

type Button = 'OK' | 'CANCEL' | 'YES' | 'NO' | 'CLOSE';

export interface Dialog {
  kind: 'alert' | 'prompt';
  title: string;
  text: string;
  buttons: string;
}

/** Records every dialog; answers them from queues (YES / OK when the queue is empty). */
export class FakeUi implements Ui {
  readonly Button = { OK: 'OK', CANCEL: 'CANCEL', YES: 'YES', NO: 'NO', CLOSE: 'CLOSE' } as const;
  readonly ButtonSet = { OK: 'OK', OK_CANCEL: 'OK_CANCEL', YES_NO: 'YES_NO' } as const;
  readonly dialogs: Dialog[] = [];
  readonly menus: { caption: string; items: ({ caption: string; functionName: string } | 'separator')[] }[] =
    [];
  /** What the next alerts return. */
  readonly alertAnswers: Button[] = [];
  /** What the next prompts return: the text typed and the button pressed. */
  readonly promptAnswers: { text: string; button?: Button }[] = [];

  alert(title: string, text: string, buttons: unknown): unknown {
    this.dialogs.push({ kind: 'alert', title, text, buttons: String(buttons) });
    return this.alertAnswers.shift() ?? (buttons === 'YES_NO' ? 'YES' : 'OK');
  }

  prompt(title: string, text: string, buttons: unknown): PromptResponse {
    this.dialogs.push({ kind: 'prompt', title, text, buttons: String(buttons) });
    const answer = this.promptAnswers.shift() ?? { text: '', button: 'CANCEL' };
    return { getResponseText: () => answer.text, getSelectedButton: () => answer.button ?? 'OK' };
  }

  createMenu(caption: string): Menu {
    const entry: FakeUi['menus'][number] = { caption, items: [] };
    const menu: Menu = {
      addItem: (itemCaption, functionName) => {
        entry.items.push({ caption: itemCaption, functionName });
        return menu;
      },
      addSeparator: () => {
        entry.items.push('separator');
        return menu;
      },
      addToUi: () => {
        this.menus.push(entry);
      },
    };
    return menu;
  }

  /** The alerts shown, without prompts. */
  get alerts(): Dialog[] {
    return this.dialogs.filter((d) => d.kind === 'alert');
  }
}

class FakeRange implements Range {
  constructor(
    private readonly sheet: FakeSheet,
    private readonly row: number,
    private readonly column: number,
    private readonly numRows: number,
    private readonly numColumns: number,
  ) {}
  getRow(): number {
    return this.row;
  }
  getNumRows(): number {
    return this.numRows;
  }
  getValues(): unknown[][] {
    return Array.from({ length: this.numRows }, (_, r) =>
      Array.from(
        { length: this.numColumns },
        (_, c) => this.sheet.cells[this.row - 1 + r]?.[this.column - 1 + c] ?? '',
      ),
    );
  }
}

export class FakeSheet implements Sheet {
  frozenRows = 0;
  constructor(
    private readonly book: FakeSpreadsheet,
    readonly name: string,
    public cells: unknown[][] = [],
  ) {}
  getName(): string {
    return this.name;
  }
  getLastRow(): number {
    return this.cells.length;
  }
  getLastColumn(): number {
    return Math.max(0, ...this.cells.map((row) => row.length));
  }
  getRange(row: number, column: number, numRows: number, numColumns: number): Range {
    if (row < 1 || column < 1 || numRows < 1 || numColumns < 1)
      throw new Error('The coordinates are out of bounds.');
    return new FakeRange(this, row, column, numRows, numColumns);
  }
  appendRow(rowContents: unknown[]): Sheet {
    this.cells.push([...rowContents]);
    return this;
  }
  setFrozenRows(rows: number): void {
    this.frozenRows = rows;
  }
  activate(): Sheet {
    this.book.active = this;
    return this;
  }
  /** A range as the owner selects it, 1-based. */
  range(row: number, numRows: number): Range {
    return new FakeRange(this, row, 1, numRows, 1);
  }
}

export class FakeSpreadsheet implements Spreadsheet {
  readonly sheets: FakeSheet[] = [];
  active: FakeSheet;
  selection: Range[] = [];

  constructor(tabs: Record<string, unknown[][]>) {
    for (const [name, cells] of Object.entries(tabs)) this.sheets.push(new FakeSheet(this, name, cells));
    const first = this.sheets[0];
    if (!first) throw new Error('a spreadsheet has at least one tab');
    this.active = first;
  }
  getActiveSheet(): Sheet {
    return this.active;
  }
  getActiveRangeList(): { getRanges(): Range[] } | null {
    return this.selection.length ? { getRanges: () => this.selection } : null;
  }
  getSheetByName(name: string): FakeSheet | null {
    return this.sheets.find((s) => s.name === name) ?? null;
  }
  insertSheet(name: string): Sheet {
    if (this.getSheetByName(name)) throw new Error(`A sheet with the name "${name}" already exists.`);
    const sheet = new FakeSheet(this, name);
    this.sheets.push(sheet);
    // As in Sheets, the new tab becomes the active one.
    this.active = sheet;
    return sheet;
  }
  /** Makes `tab` active with rows selected, each [firstRow, numRows] (1-based). */
  select(tab: string, ...blocks: [row: number, numRows: number][]): void {
    const sheet = this.getSheetByName(tab);
    if (!sheet) throw new Error(`no tab ${tab}`);
    this.active = sheet;
    this.selection = blocks.map(([row, numRows]) => sheet.range(row, numRows));
  }
  tab(name: string): FakeSheet {
    const sheet = this.getSheetByName(name);
    if (!sheet) throw new Error(`no tab ${name}`);
    return sheet;
  }
}

export interface SentRequest {
  url: string;
  params: FetchParams;
}

/** UrlFetchApp: records each request and answers it with `respond` (a 200 {} unless told). */
export class FakeUrlFetch {
  readonly sent: SentRequest[] = [];
  respond: (request: SentRequest) => { status: number; body: string } | Error = () => ({
    status: 200,
    body: '{}',
  });

  fetch(url: string, params: FetchParams): HttpResponse {
    const request = { url, params: structuredClone(params) };
    this.sent.push(request);
    const answer = this.respond(request);
    if (answer instanceof Error) throw answer;
    return httpResponse(answer.status, answer.body);
  }
}

export function httpResponse(status: number, body: string): HttpResponse {
  return { getResponseCode: () => status, getContentText: () => body };
}

export class FakeProperties {
  readonly values = new Map<string, string>();
  getProperty(key: string): string | null {
    return this.values.get(key) ?? null;
  }
  setProperties(properties: Record<string, string>): FakeProperties {
    for (const [key, value] of Object.entries(properties)) this.values.set(key, value);
    return this;
  }
}

export interface FakeServices {
  services: AppsScriptServices;
  ui: FakeUi;
  spreadsheet: FakeSpreadsheet;
  urlFetch: FakeUrlFetch;
  utilities: FakeUtilities;
  properties: FakeProperties;
}

/** Every service faked, over a spreadsheet with these tabs, at a fixed time. */
export function fakeServices(
  tabs: Record<string, unknown[][]>,
  now = new Date('2026-06-10T16:00:00Z'),
): FakeServices {
  const ui = new FakeUi();
  const spreadsheet = new FakeSpreadsheet(tabs);
  const urlFetch = new FakeUrlFetch();
  const utilities = new FakeUtilities();
  const properties = new FakeProperties();
  const services: AppsScriptServices = {
    spreadsheetApp: { getUi: () => ui, getActiveSpreadsheet: () => spreadsheet },
    urlFetch,
    utilities,
    properties,
    now: () => now,
  };
  return { services, ui, spreadsheet, urlFetch, utilities, properties };
}
