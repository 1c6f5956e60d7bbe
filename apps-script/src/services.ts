/**
 * The slices of the Apps Script services the menu uses, as narrow structural types. The real
 * globals (SpreadsheetApp, UrlFetchApp, Utilities, PropertiesService) satisfy them (index.ts is
 * typechecked against @types/google-apps-script); tests pass fakes.
 */

export interface Menu {
  addItem(caption: string, functionName: string): Menu;
  addSeparator(): Menu;
  addToUi(): void;
}

export interface PromptResponse {
  getResponseText(): string;
  getSelectedButton(): unknown;
}

/** Dialogs. `Button` and `ButtonSet` are the Ui's own enums (`ui.Button.YES`). */
export interface Ui {
  Button: { OK: unknown; YES: unknown };
  ButtonSet: { OK: unknown; OK_CANCEL: unknown; YES_NO: unknown };
  alert(title: string, prompt: string, buttons: unknown): unknown;
  prompt(title: string, prompt: string, buttons: unknown): PromptResponse;
  createMenu(caption: string): Menu;
}

export interface Range {
  /** 1-based, as in Apps Script. */
  getRow(): number;
  getNumRows(): number;
  getValues(): unknown[][];
  setValues(values: unknown[][]): Range;
  setNote(note: string): Range;
  /** "@" keeps what is typed as text. */
  setNumberFormat(format: string): Range;
  setFontWeight(weight: 'bold' | 'normal' | null): Range;
  setDataValidation(rule: DataValidation | null): Range;
}

/** A built data-validation rule; opaque to this code. */
export type DataValidation = object;

export interface DataValidationBuilder {
  requireNumberBetween(start: number, end: number): DataValidationBuilder;
  requireNumberGreaterThanOrEqualTo(number: number): DataValidationBuilder;
  requireValueInList(values: string[], showDropdown: boolean): DataValidationBuilder;
  requireTextIsEmail(): DataValidationBuilder;
  setAllowInvalid(allowInvalidData: boolean): DataValidationBuilder;
  setHelpText(helpText: string): DataValidationBuilder;
  build(): DataValidation;
}

/** A developer metadata entry on a tab (key and value only). */
export interface DeveloperMetadata {
  getKey(): string;
  getValue(): string | null;
}

export interface Sheet {
  getName(): string;
  getLastRow(): number;
  getMaxRows(): number;
  getDeveloperMetadata(): DeveloperMetadata[];
  /** `visibility` is SpreadsheetApp.DeveloperMetadataVisibility.DOCUMENT: any editor's app sees it. */
  addDeveloperMetadata(key: string, value: string, visibility: unknown): Sheet;
  getLastColumn(): number;
  getRange(row: number, column: number, numRows: number, numColumns: number): Range;
  getRange(a1Notation: string): Range;
  appendRow(rowContents: unknown[]): Sheet;
  setFrozenRows(rows: number): void;
  activate(): Sheet;
}

export interface Spreadsheet {
  getActiveSheet(): Sheet;
  getActiveRangeList(): { getRanges(): Range[] } | null;
  getSheetByName(name: string): Sheet | null;
  getSheets(): Sheet[];
  insertSheet(sheetName: string): Sheet;
  getId(): string;
  getName(): string;
  /** Shares the spreadsheet with this address as an editor. */
  addEditor(emailAddress: string): Spreadsheet;
}

export interface SpreadsheetApp {
  getUi(): Ui;
  getActiveSpreadsheet(): Spreadsheet;
  newDataValidation(): DataValidationBuilder;
  DeveloperMetadataVisibility: { DOCUMENT: unknown };
}

/** LockService's document lock: one Set up at a time per spreadsheet. */
export interface Lock {
  tryLock(timeoutInMillis: number): boolean;
  releaseLock(): void;
}

/** A file as the Drive API v3 describes it (only the fields used). */
export interface DriveFile {
  id?: string;
  name?: string;
  mimeType?: string;
  parents?: string[];
  trashed?: boolean;
  webViewLink?: string;
}

/**
 * The advanced Drive service (Drive API v3), enabled in appsscript.json. Apps Script leaves the
 * global undefined when the service is not enabled.
 */
export interface AdvancedDrive {
  Files: {
    create(resource: DriveFile): DriveFile;
    get(fileId: string, optionalArgs: Record<string, unknown>): DriveFile;
  };
  Permissions: {
    create(
      resource: { type: 'user'; role: 'writer'; emailAddress: string },
      fileId: string,
      optionalArgs: Record<string, unknown>,
    ): { id?: string };
  };
}

export interface FetchParams {
  method: 'post';
  contentType: string;
  payload: string;
  headers: Record<string, string>;
  muteHttpExceptions: boolean;
  followRedirects: boolean;
}

export interface HttpResponse {
  getResponseCode(): number;
  getContentText(): string;
}

export interface UrlFetch {
  fetch(url: string, params: FetchParams): HttpResponse;
}

export interface Utilities {
  Charset: { UTF_8: unknown };
  /** Returns the MAC as Java bytes: signed, -128..127. */
  computeHmacSha256Signature(value: string, key: string, charset: unknown): number[];
  getUuid(): string;
}

export interface Properties {
  getProperty(key: string): string | null;
  setProperties(properties: Record<string, string>): unknown;
}

/** Everything a menu item needs, passed in so it can be tested without Apps Script. */
export interface AppsScriptServices {
  spreadsheetApp: SpreadsheetApp;
  urlFetch: UrlFetch;
  utilities: Utilities;
  /** The script's properties: endpoint URLs and the owner secret. */
  properties: Properties;
  /** The advanced Drive service; undefined when it is not enabled. */
  drive: AdvancedDrive | undefined;
  /** The document lock (null outside a container-bound script). */
  lock: Lock | null;
  now(): Date;
}
