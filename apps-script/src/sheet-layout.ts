/**
 * Lays out the owner's tabs from a `SheetLayout`: plain data computed at build time from the engine's
 * own definitions (apps-script/layout.ts), so the Rules tab Set up writes is exactly the one the sync
 * reads, and the headers are exactly the ones the export and import use. A tab that already exists
 * is never overwritten: Set up can run again safely.
 */
import type { DataValidation, Sheet, Spreadsheet, SpreadsheetApp } from './services.js';

type LayoutServices = Pick<SpreadsheetApp, 'newDataValidation' | 'DeveloperMetadataVisibility'>;

/** A data-validation rule as data (the same shape as sheets-sync's `ValidationSpec`). */
export type ValidationSpec =
  | { range: string; kind: 'number'; min?: number; max?: number; help: string }
  | { range: string; kind: 'list'; values: string[]; help: string }
  | { range: string; kind: 'email'; help: string };

export interface RulesTabLayout {
  name: string;
  /** The value of the tab's developer metadata mark. */
  role: string;
  /** Where the sync writes the version in force, or what to fix. */
  statusCell: string;
  /** The example rules, as rows (ragged; padded when written). */
  values: (string | number)[][];
  notes: { cell: string; note: string }[];
  validations: ValidationSpec[];
  /** Cells kept as text, so "21:00" stays "21:00" and not a time of day. */
  textRanges: string[];
  headerRanges: string[];
}

export interface HeaderTabLayout {
  name: string;
  /** The value of the tab's developer metadata mark, for the tabs the engine reads or writes. */
  role?: string;
  headers: string[];
  /** Hover notes on header cells, by header. */
  notes: Record<string, string>;
  /** Columns (by header) kept as plain text: ids typed there stay exactly as typed. */
  textHeaders?: string[];
}

export interface SheetLayout {
  /** The developer metadata key marking the tabs the engine finds even after a rename. */
  metadataKey: string;
  rules: RulesTabLayout;
  /** The other tabs, in the order they are added. */
  tabs: HeaderTabLayout[];
}

export type TabOutcome = 'created' | 'headers added' | 'kept';

export interface TabReport {
  tab: string;
  outcome: TabOutcome;
}

export const STATUS_PLACEHOLDER = 'Not synced yet: Cart Recovery reads this tab every 15 minutes.';
export const STATUS_NOTE =
  'Cart Recovery writes here which rules version is in force and since when, or each cell to fix. Invalid rules never replace the ones in force.';

/**
 * Adds every tab of the layout that is missing (and the header row of an empty one); leaves the rest
 * as they are. The tab the owner was on stays active.
 */
export function layOutTabs(
  spreadsheetApp: LayoutServices,
  spreadsheet: Spreadsheet,
  layout: SheetLayout,
): TabReport[] {
  const active = spreadsheet.getActiveSheet();
  const reports: TabReport[] = [];
  // A tab is the one Set up marked before (the owner may have renamed it), else the one by name.
  const find = (name: string, role: string | undefined) =>
    (role ? spreadsheet.getSheets().find((s) => markOf(s, layout.metadataKey) === role) : undefined) ??
    spreadsheet.getSheetByName(name);
  const mark = (sheet: Sheet, role: string | undefined) => {
    if (role && markOf(sheet, layout.metadataKey) === undefined) {
      sheet.addDeveloperMetadata(
        layout.metadataKey,
        role,
        spreadsheetApp.DeveloperMetadataVisibility.DOCUMENT,
      );
    }
  };
  const rules = find(layout.rules.name, layout.rules.role);
  if (rules) {
    mark(rules, layout.rules.role);
    reports.push({ tab: rules.getName(), outcome: 'kept' });
  } else {
    const sheet = spreadsheet.insertSheet(layout.rules.name);
    writeRulesTab(spreadsheetApp, sheet, layout.rules);
    mark(sheet, layout.rules.role);
    reports.push({ tab: layout.rules.name, outcome: 'created' });
  }
  for (const tab of layout.tabs) {
    const existing = find(tab.name, tab.role);
    if (existing && existing.getLastRow() > 0) {
      mark(existing, tab.role);
      reports.push({ tab: existing.getName(), outcome: 'kept' });
      continue;
    }
    const sheet = existing ?? spreadsheet.insertSheet(tab.name);
    writeHeaders(sheet, tab);
    mark(sheet, tab.role);
    reports.push({ tab: tab.name, outcome: existing ? 'headers added' : 'created' });
  }
  active.activate();
  return reports;
}

function markOf(sheet: Sheet, key: string): string | undefined {
  return (
    sheet
      .getDeveloperMetadata()
      .find((m) => m.getKey() === key)
      ?.getValue() ?? undefined
  );
}

function writeRulesTab(spreadsheetApp: LayoutServices, sheet: Sheet, layout: RulesTabLayout): void {
  // Formats first: a value written into a text cell stays exactly as written.
  for (const range of layout.textRanges) sheet.getRange(range).setNumberFormat('@');
  const width = Math.max(...layout.values.map((row) => row.length));
  const padded = layout.values.map((row) => [...row, ...Array<string>(width - row.length).fill('')]);
  sheet.getRange(1, 1, padded.length, width).setValues(padded);
  for (const range of layout.headerRanges) sheet.getRange(range).setFontWeight('bold');
  for (const { cell, note } of layout.notes) sheet.getRange(cell).setNote(note);
  for (const spec of layout.validations) {
    sheet.getRange(spec.range).setDataValidation(validationRule(spreadsheetApp, spec));
  }
  const status = sheet.getRange(layout.statusCell);
  status.setValues([[STATUS_PLACEHOLDER]]);
  status.setNote(STATUS_NOTE);
  sheet.setFrozenRows(1);
}

function writeHeaders(sheet: Sheet, tab: HeaderTabLayout): void {
  for (const name of tab.textHeaders ?? []) {
    const column = tab.headers.indexOf(name) + 1;
    if (column > 0) sheet.getRange(1, column, sheet.getMaxRows(), 1).setNumberFormat('@');
  }
  const header = sheet.getRange(1, 1, 1, tab.headers.length);
  header.setValues([tab.headers]);
  header.setFontWeight('bold');
  tab.headers.forEach((name, i) => {
    const note = tab.notes[name];
    if (note) sheet.getRange(1, i + 1, 1, 1).setNote(note);
  });
  sheet.setFrozenRows(1);
}

/** Rejects what breaks the rule (the sync would reject it too), with the rule's help on hover. */
function validationRule(spreadsheetApp: LayoutServices, spec: ValidationSpec): DataValidation {
  let builder = spreadsheetApp.newDataValidation();
  switch (spec.kind) {
    case 'number':
      // As the engine's own Sheets adapter does: no lower bound given means 0.
      builder =
        spec.max === undefined
          ? builder.requireNumberGreaterThanOrEqualTo(spec.min ?? 0)
          : builder.requireNumberBetween(spec.min ?? 0, spec.max);
      break;
    case 'list':
      builder = builder.requireValueInList(spec.values, true);
      break;
    case 'email':
      builder = builder.requireTextIsEmail();
      break;
  }
  return builder.setAllowInvalid(false).setHelpText(spec.help).build();
}
