import type { Sheet, Spreadsheet } from './services.js';

/** The tab the nightly export writes carts to, and the headers of the columns the menu reads. */
export const EXPORT_TAB = 'Carts';
export const CART_ID_HEADER = 'Cart ID';
export const EMAIL_HEADER = 'Email';
/** Each target is one request (UrlFetchApp quota, 6-minute run limit): keep a batch small. */
export const MAX_TARGETS = 50;

export type Selection = { ok: true; values: string[] } | { ok: false; problem: string };

const normalize = (header: unknown) =>
  String(header ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/**
 * The distinct, non-blank values of one column (found by its header in row 1) in the rows the
 * owner selected in the export tab. Any cells of a row select it; several ranges (Ctrl-click) are fine.
 * @example selectedColumnValues(spreadsheet, 'Carts', 'Cart ID') // { ok: true, values: ['cart-1001'] }
 */
export function selectedColumnValues(spreadsheet: Spreadsheet, tab: string, header: string): Selection {
  const sheet = spreadsheet.getActiveSheet();
  if (sheet.getName() !== tab) {
    return { ok: false, problem: `Open the "${tab}" tab and select the rows first.` };
  }
  const column = columnOf(sheet, header);
  if (column === undefined) {
    return { ok: false, problem: `The "${tab}" tab has no "${header}" column in row 1.` };
  }
  const lastRow = sheet.getLastRow();
  const blocks: { from: number; to: number }[] = [];
  for (const range of spreadsheet.getActiveRangeList()?.getRanges() ?? []) {
    // Row 1 is the header; rows past the data are empty.
    const from = Math.max(range.getRow(), 2);
    const to = Math.min(range.getRow() + range.getNumRows() - 1, lastRow);
    if (from <= to) blocks.push({ from, to });
  }
  if (blocks.length === 0) {
    return { ok: false, problem: `Select one or more rows of the "${tab}" tab (below the header) first.` };
  }
  const values: string[] = [];
  for (const { from, to } of blocks) {
    for (const [cell] of sheet.getRange(from, column, to - from + 1, 1).getValues()) {
      const value = String(cell ?? '').trim();
      if (value && !values.includes(value)) values.push(value);
    }
  }
  if (values.length === 0) return { ok: false, problem: `The selected rows have no ${header}.` };
  if (values.length > MAX_TARGETS) {
    return {
      ok: false,
      problem: `Select at most ${MAX_TARGETS} rows at a time (${values.length} selected).`,
    };
  }
  return { ok: true, values };
}

/** The 1-based column whose row-1 header matches, ignoring case, spaces and punctuation. */
function columnOf(sheet: Sheet, header: string): number | undefined {
  const width = sheet.getLastColumn();
  if (width < 1) return undefined;
  const headers = sheet.getRange(1, 1, 1, width).getValues()[0] ?? [];
  const index = headers.findIndex((cell) => normalize(cell) === normalize(header));
  return index === -1 ? undefined : index + 1;
}
