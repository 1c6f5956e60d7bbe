/**
 * The owner's spreadsheet as CSV files, for `npm start` without Google credentials:
 * `<dir>/export/carts-YYYY-MM-DD.csv` (one file per night, rewritten whole) and `<dir>/import.csv`
 * (the owner's rows; the Outcome column is written back into it). Files are written to a temporary
 * name and renamed, so a reader never sees half a file.
 *
 * The CSV dialect is RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a comma,
 * a quote, CR or LF (quotes doubled inside). The reader also takes LF line ends and a UTF-8 BOM.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type ExportCell, isMoneyCell } from './export-rows.js';
import type { ImportCell } from './import-rows.js';
import type { CartsTab } from './nightly-export.js';

export interface CsvCartsTabOptions {
  /** The directory holding `export/` and `import.csv`, e.g. `.data`. */
  dir: string;
}

export class CsvCartsTab implements CartsTab {
  readonly #dir: string;

  constructor(options: CsvCartsTabOptions) {
    this.#dir = options.dir;
  }

  /** `<dir>/export/carts-<night>.csv`. */
  exportPath(night: string): string {
    return join(this.#dir, 'export', `carts-${night}.csv`);
  }

  /** `<dir>/import.csv`. */
  get importPath(): string {
    return join(this.#dir, 'import.csv');
  }

  async writeExport(night: string, rows: ExportCell[][]): Promise<void> {
    // An amount is written as its decimal text ("189.50"): a spreadsheet reads it as a number.
    const cells = rows.map((row) => row.map((cell) => (isMoneyCell(cell) ? cell.amount : inertCell(cell))));
    await writeAtomically(this.exportPath(night), toCsv(cells));
  }

  async readImport(): Promise<ImportCell[][]> {
    const text = await readText(this.importPath);
    return text === undefined ? [] : parseCsv(text);
  }

  async writeImportOutcomes(column: number, outcomes: string[]): Promise<void> {
    const rows: string[][] = parseCsv((await readText(this.importPath)) ?? '');
    outcomes.forEach((outcome, i) => {
      const row = rows[i] ?? [];
      rows[i] = row;
      while (row.length <= column) row.push('');
      row[column] = outcome;
    });
    await writeAtomically(this.importPath, toCsv(rows));
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, path);
}

/**
 * A cell a spreadsheet app will not run as a formula when the owner opens the CSV: text from
 * shoppers (titles, emails) that starts with = + - @ or a tab/CR gets a leading apostrophe (OWASP's
 * CSV-injection advice). Numbers stay numbers. The Sheets export needs none of this: it writes RAW.
 * @example inertCell('=HYPERLINK("http://x")') === '\'=HYPERLINK("http://x")'
 */
export function inertCell(value: string | number): string | number {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * Rows as RFC 4180 CSV text, each row ended by CRLF.
 * @example toCsv([['a', 'b,c'], [1, 'say "hi"']]) === 'a,"b,c"\r\n1,"say ""hi"""\r\n'
 */
export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * CSV text as rows of strings (RFC 4180; LF line ends and a leading BOM are accepted too). A final
 * line end does not make an empty row.
 * @example parseCsv('a,"b,c"\r\n"x\r\ny",2\r\n') // [['a', 'b,c'], ['x\r\ny', '2']]
 */
export function parseCsv(text: string): string[][] {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  // Whether the current row has begun: a last line of just `""` is a row holding one empty field.
  let begun = false;
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    begun = true;
    if (quoted) {
      if (ch === '"') {
        if (source[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += ch;
      }
      i += 1;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' || ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      begun = false;
      if (ch === '\r' && source[i + 1] === '\n') i += 1;
    } else {
      field += ch;
    }
    i += 1;
  }
  if (begun) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
