/**
 * In-memory stand-ins for the Apps Script services the menu uses. They behave like the real ones
 * where it matters to the code under test: computeHmacSha256Signature returns Java's signed bytes,
 * getRange is 1-based, appendRow writes after the last row, a dialog returns the button pressed.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type {
  AdvancedDrive,
  AppsScriptServices,
  DataValidation,
  DataValidationBuilder,
  DriveFile,
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

/** A validation rule as the fake builder records it. */
export interface FakeValidation {
  criteria: string;
  args: unknown[];
  allowInvalid: boolean;
  helpText: string;
}

class FakeValidationBuilder implements DataValidationBuilder {
  readonly rule: FakeValidation = { criteria: '', args: [], allowInvalid: true, helpText: '' };
  #require(criteria: string, args: unknown[]): this {
    this.rule.criteria = criteria;
    this.rule.args = args;
    return this;
  }
  requireNumberBetween(start: number, end: number) {
    return this.#require('NUMBER_BETWEEN', [start, end]);
  }
  requireNumberGreaterThanOrEqualTo(number: number) {
    return this.#require('NUMBER_GREATER_THAN_OR_EQUAL_TO', [number]);
  }
  requireValueInList(values: string[], showDropdown: boolean) {
    return this.#require('VALUE_IN_LIST', [values, showDropdown]);
  }
  requireTextIsEmail() {
    return this.#require('TEXT_IS_VALID_EMAIL', []);
  }
  setAllowInvalid(allowInvalidData: boolean) {
    this.rule.allowInvalid = allowInvalidData;
    return this;
  }
  setHelpText(helpText: string) {
    this.rule.helpText = helpText;
    return this;
  }
  build(): DataValidation {
    // As in Apps Script, a rule needs a criterion.
    if (!this.rule.criteria)
      throw new Error('You must specify a criteria type for the data validation rule.');
    return { ...this.rule };
  }
}

export function newDataValidation(): DataValidationBuilder {
  return new FakeValidationBuilder();
}

/** "B7" or "A1:D1" as 1-based [row, column, numRows, numColumns]. */
export function a1Range(a1: string): [number, number, number, number] {
  const cell = (ref: string) => {
    const match = /^([A-Z]+)(\d+)$/.exec(ref);
    if (!match?.[1] || !match[2]) throw new Error(`Range not found: ${a1}`);
    const column = [...match[1]].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
    return [Number(match[2]), column] as const;
  };
  const [from, to = from] = a1.split(':') as [string, string?];
  const [r1, c1] = cell(from);
  const [r2, c2] = cell(to);
  return [Math.min(r1, r2), Math.min(c1, c2), Math.abs(r2 - r1) + 1, Math.abs(c2 - c1) + 1];
}

/** "B7" for row 7, column 2 (1-based). */
export function a1Cell(row: number, column: number): string {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return `${letters}${row}`;
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
  setValues(values: unknown[][]): Range {
    if (values.length !== this.numRows || values.some((row) => row.length !== this.numColumns)) {
      throw new Error(
        `The number of rows or columns in the data does not match the range (${this.numRows} x ${this.numColumns}).`,
      );
    }
    values.forEach((rowValues, r) => {
      const at = this.row - 1 + r;
      while (this.sheet.cells.length <= at) this.sheet.cells.push([]);
      const row = this.sheet.cells[at] as unknown[];
      rowValues.forEach((value, c) => {
        const col = this.column - 1 + c;
        while (row.length < col) row.push('');
        // A text-formatted cell keeps what is written; others would be parsed by Sheets.
        row[col] = value;
      });
    });
    return this;
  }
  #each(apply: (cell: string) => void): this {
    for (let r = 0; r < this.numRows; r++) {
      for (let c = 0; c < this.numColumns; c++) apply(a1Cell(this.row + r, this.column + c));
    }
    return this;
  }
  setNote(note: string): Range {
    return this.#each((cell) => this.sheet.notes.set(cell, note));
  }
  setNumberFormat(format: string): Range {
    return this.#each((cell) => this.sheet.formats.set(cell, format));
  }
  setFontWeight(weight: 'bold' | 'normal' | null): Range {
    return this.#each((cell) =>
      weight === 'bold' ? this.sheet.bold.add(cell) : this.sheet.bold.delete(cell),
    );
  }
  setDataValidation(rule: DataValidation | null): Range {
    return this.#each((cell) =>
      rule ? this.sheet.validations.set(cell, rule as FakeValidation) : this.sheet.validations.delete(cell),
    );
  }
}

export class FakeSheet implements Sheet {
  frozenRows = 0;
  /** Developer metadata, key → value (DOCUMENT visibility only). */
  readonly metadata = new Map<string, string>();
  readonly notes = new Map<string, string>();
  readonly formats = new Map<string, string>();
  readonly bold = new Set<string>();
  readonly validations = new Map<string, FakeValidation>();
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
  getMaxRows(): number {
    return Math.max(1000, this.cells.length);
  }
  getDeveloperMetadata() {
    return [...this.metadata].map(([key, value]) => ({ getKey: () => key, getValue: () => value }));
  }
  addDeveloperMetadata(key: string, value: string, visibility: unknown): Sheet {
    if (visibility !== 'DOCUMENT') throw new Error('the engine sees only DOCUMENT metadata');
    this.metadata.set(key, value);
    return this;
  }
  getRange(a1Notation: string): Range;
  getRange(row: number, column: number, numRows: number, numColumns: number): Range;
  getRange(row: number | string, column = 1, numRows = 1, numColumns = 1): Range {
    if (typeof row === 'string') return new FakeRange(this, ...a1Range(row));
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
  readonly id = '1FakeSpreadsheetId_0123456789';
  name = 'Acme Outfitters carts';
  readonly editors: string[] = [];
  /** Set to make addEditor throw, as it does without the right to share. */
  addEditorError: Error | undefined;
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
  getId(): string {
    return this.id;
  }
  getName(): string {
    return this.name;
  }
  addEditor(emailAddress: string): Spreadsheet {
    if (this.addEditorError) throw this.addEditorError;
    if (!this.editors.includes(emailAddress)) this.editors.push(emailAddress);
    return this;
  }
  getActiveRangeList(): { getRanges(): Range[] } | null {
    return this.selection.length ? { getRanges: () => this.selection } : null;
  }
  getSheets(): FakeSheet[] {
    return [...this.sheets];
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

/**
 * The advanced Drive service over an in-memory Drive: files by id, their permissions. `fail` makes
 * an operation throw, as Drive does when the script may not see or share a file.
 */
export class FakeDrive implements AdvancedDrive {
  readonly files = new Map<string, DriveFile>();
  readonly permissions: { fileId: string; emailAddress: string; role: string; notify: unknown }[] = [];
  readonly fail = new Set<'files.get' | 'files.create' | 'files.create.parents' | 'permissions.create'>();
  #next = 1;

  readonly Files = {
    create: (resource: DriveFile): DriveFile => {
      if (this.fail.has('files.create')) throw new Error('Insufficient permissions for this file.');
      if (resource.parents && this.fail.has('files.create.parents'))
        throw new Error('Insufficient permissions for the specified parent.');
      const id = `1FakeDoc${this.#next++}_abcdefghijklmnop`;
      this.files.set(id, { ...resource, id, trashed: false });
      return { id };
    },
    get: (fileId: string, optionalArgs: Record<string, unknown>): DriveFile => {
      const file = this.files.get(fileId);
      if (this.fail.has('files.get') || !file) throw new Error(`File not found: ${fileId}.`);
      const fields = String(optionalArgs.fields ?? 'id').split(',');
      return Object.fromEntries(fields.map((f) => [f, file[f as keyof DriveFile]]));
    },
  };

  readonly Permissions = {
    create: (
      resource: { type: 'user'; role: 'writer'; emailAddress: string },
      fileId: string,
      optionalArgs: Record<string, unknown>,
    ): { id?: string } => {
      if (this.fail.has('permissions.create'))
        throw new Error('The user does not have sufficient permissions for this file.');
      if (!this.files.has(fileId)) throw new Error(`File not found: ${fileId}.`);
      this.permissions.push({
        fileId,
        emailAddress: resource.emailAddress,
        role: resource.role,
        notify: optionalArgs.sendNotificationEmail,
      });
      return { id: `perm-${this.permissions.length}` };
    },
  };
}

export interface FakeServices {
  services: AppsScriptServices;
  ui: FakeUi;
  spreadsheet: FakeSpreadsheet;
  urlFetch: FakeUrlFetch;
  utilities: FakeUtilities;
  properties: FakeProperties;
  drive: FakeDrive;
  lock: FakeLock;
}

/** LockService's document lock: `heldElsewhere` makes tryLock fail, as while another Set up runs. */
export class FakeLock {
  heldElsewhere = false;
  held = false;
  tryLock(_timeoutInMillis: number): boolean {
    if (this.heldElsewhere || this.held) return false;
    this.held = true;
    return true;
  }
  releaseLock(): void {
    this.held = false;
  }
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
  const drive = new FakeDrive();
  const lock = new FakeLock();
  // The owner's spreadsheet is in a folder of their Drive.
  drive.files.set(spreadsheet.id, { id: spreadsheet.id, name: spreadsheet.name, parents: ['folder-shop'] });
  const services: AppsScriptServices = {
    spreadsheetApp: {
      getUi: () => ui,
      getActiveSpreadsheet: () => spreadsheet,
      newDataValidation,
      DeveloperMetadataVisibility: { DOCUMENT: 'DOCUMENT' },
    },
    urlFetch,
    utilities,
    properties,
    drive,
    lock,
    now: () => now,
  };
  return { services, ui, spreadsheet, urlFetch, utilities, properties, drive, lock };
}
