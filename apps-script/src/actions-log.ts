import type { Spreadsheet } from './services.js';

export const ACTIONS_TAB = 'Actions';
export const ACTIONS_HEADER = ['When', 'Action', 'Target', 'Result', 'Details'] as const;

export type ActionRow = [when: string, action: string, target: string, result: string, details: string];

/**
 * Appends rows to the Actions tab, creating it (with a header) the first time. The sheet the owner
 * was on stays active.
 */
export function appendActions(spreadsheet: Spreadsheet, rows: readonly ActionRow[]): void {
  let sheet = spreadsheet.getSheetByName(ACTIONS_TAB);
  if (!sheet) {
    const active = spreadsheet.getActiveSheet();
    sheet = spreadsheet.insertSheet(ACTIONS_TAB);
    active.activate();
  }
  if (sheet.getLastRow() === 0) {
    sheet.appendRow([...ACTIONS_HEADER]);
    sheet.setFrozenRows(1);
  }
  for (const row of rows) sheet.appendRow(row.map(asText));
}

/**
 * A cell value that stays text: cart ids and messages come from outside, and a leading = + - @
 * would make Sheets run them as a formula (formula injection).
 */
export function asText(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
