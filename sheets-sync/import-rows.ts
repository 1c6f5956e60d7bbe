/**
 * Pure mapping of the owner's `Import` tab to cart events (`source: import`), with the problems of
 * each row named by column. The engine's `ingestCartEvent` validates the event itself (email,
 * currency, URL, amounts); this module only reads what a row says (syntax, times, items) and maps
 * the engine's field errors back to the owner's columns.
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { CartUpdatedInput } from '#engine/domain/cart-event.js';
import type { FieldError } from '#engine/domain/errors.js';
import { isTimeZone } from '#engine/domain/time-zone.js';

export const IMPORT_TAB = 'Import';

/** The Import tab's columns; they are found by header, so the owner may reorder them. */
export const IMPORT_HEADERS = [
  'Cart ID',
  'Email',
  'Total',
  'Currency',
  'Items',
  'Return URL',
  'Last activity',
  'Time zone',
  'Outcome',
] as const;

export type ImportColumn = (typeof IMPORT_HEADERS)[number];

/** What each column takes, shown as a note on its header (Set up writes these). */
export const IMPORT_HEADER_NOTES: Record<ImportColumn, string> = {
  'Cart ID': "Required. The shop's id for the cart; a cart already known is not imported twice.",
  Email: 'Optional. Without an email the cart is kept but never reminded.',
  Total: 'Required. The cart total, such as 42.50.',
  Currency: "Optional. A three-letter code such as USD; blank means the store's currency.",
  Items:
    'Required. "title x quantity @ price", separated by ";", such as "Mug x 2 @ 12.50; Tee @ 20". One item may leave out its price.',
  'Return URL': 'Required. The https:// link that brings the shopper back to the cart.',
  'Last activity':
    "Required. When the shopper last touched the cart: 2026-06-10 14:30 in the store's time zone (or the row's Time zone), or an ISO time with offset.",
  'Time zone': "Optional. The shopper's IANA time zone, such as Europe/Berlin; blank means the store's.",
  Outcome:
    'Cart Recovery writes here each night: imported, duplicate, or what to fix. Rows already imported are not read again.',
};

/** A cell as Sheets (UNFORMATTED_VALUE) or a CSV file hands it over. */
export type ImportCell = string | number | boolean | null | undefined;

/** Outcome texts this lane writes; a row already holding one of the first two is not fed again. */
export const OUTCOME_IMPORTED = 'imported';
export const OUTCOME_DUPLICATE = 'duplicate';

export interface ImportDefaults {
  /** The store's zone: a Last activity without offset and without a Time zone is read in it. */
  zone: string;
  /** The store's currency, for rows that leave Currency blank. */
  currency: string;
}

/** One data row of the tab, as read. `row` is the sheet's row number (the header is row 1). */
export type ImportRowReading =
  | { row: number; kind: 'blank' }
  | { row: number; kind: 'done'; outcome: string }
  | { row: number; kind: 'invalid'; cartId: string | undefined; errors: FieldError[] }
  | { row: number; kind: 'event'; cartId: string; occurredAt: string; event: ImportEvent };

/** The `cart.updated` body an import row becomes: the webhook's input, which the engine validates. */
export type ImportEvent = CartUpdatedInput;

export type ImportTabReading =
  | {
      ok: true;
      /** Zero-based column of "Outcome" (after the last header when the tab has none yet). */
      outcomeColumn: number;
      rows: ImportRowReading[];
    }
  | {
      ok: false;
      /** What is wrong with the header row and what it must hold, in the owner's words. */
      error: string;
      /** Zero-based column of the header cell the problem is shown in (see `headerProblemCell`). */
      outcomeColumn: number;
    };

const REQUIRED: readonly ImportColumn[] = ['Cart ID', 'Total', 'Items', 'Return URL', 'Last activity'];

/**
 * Reads the Import tab's values (header row first). Rows already `imported` or `duplicate` are
 * `done`; blank rows are skipped; every other row becomes an event or its field errors.
 * @example readImportTab([[...IMPORT_HEADERS], ['c-1', '', '10', 'USD', 'Mug x 1', 'https://s.example/c', '2026-06-10 09:00']], { zone: 'UTC', currency: 'USD' })
 */
export function readImportTab(
  values: readonly (readonly ImportCell[])[],
  defaults: ImportDefaults,
): ImportTabReading {
  const header = (values[0] ?? []).map((cell) => text(cell).toLowerCase());
  const columns = new Map<ImportColumn, number>();
  for (const name of IMPORT_HEADERS) {
    const at = header.findIndex((cell) => isHeader(cell, name));
    if (at >= 0) columns.set(name, at);
  }
  // After the last header the owner wrote, so the Outcome column never lands on their cells.
  const outcomeColumn =
    columns.get('Outcome') ?? header.reduce((end, cell, at) => (cell === '' ? end : at + 1), 0);
  const missing = REQUIRED.filter((name) => !columns.has(name));
  if (values.length > 0 && missing.length > 0) {
    return { ok: false, error: headerProblem(values[0] ?? [], missing), outcomeColumn };
  }
  const rows = values.slice(1).map((cells, i): ImportRowReading => {
    const row = i + 2;
    const cell = (name: ImportColumn): ImportCell => {
      const at = columns.get(name);
      return at === undefined ? undefined : cells[at];
    };
    const filled = cells.some((c, at) => at !== outcomeColumn && text(c) !== '');
    if (!filled) return { row, kind: 'blank' };
    const outcome = text(cell('Outcome'));
    if (outcome.startsWith(OUTCOME_IMPORTED) || outcome.startsWith(OUTCOME_DUPLICATE)) {
      return { row, kind: 'done', outcome };
    }
    return readRow(row, cell, defaults);
  });
  return { ok: true, outcomeColumn, rows };
}

/**
 * A header cell names this column; the Outcome header also while it shows a header problem
 * ("Outcome: nothing imported: …"), so the problem is written over in the same cell the next night.
 */
function isHeader(cell: string, name: ImportColumn): boolean {
  const wanted = name.toLowerCase();
  return cell === wanted || (name === 'Outcome' && cell.startsWith(`${wanted}:`));
}

/** Why the header row cannot be read, and what it must hold. */
function headerProblem(first: readonly ImportCell[], missing: readonly ImportColumn[]): string {
  // Leaves out the problem an earlier night wrote into the Outcome header, so it reads the same.
  const cells = first.map(text).filter((cell) => cell !== '' && !isHeader(cell.toLowerCase(), 'Outcome'));
  const must = `row 1 must hold the headers ${IMPORT_HEADERS.join(', ')} (in any order), one cart per row below`;
  if (cells.length === 0) return `row 1 has no headers: ${must}`;
  const known = (cell: string) => IMPORT_HEADERS.some((name) => isHeader(cell.toLowerCase(), name));
  const quoted = (list: readonly string[]) => list.map((cell) => `"${cell}"`).join(', ');
  if (!cells.some(known)) {
    return `row 1 holds no headers (it starts ${quoted(cells.slice(0, 3))}): insert a row at the top; ${must}`;
  }
  const unexpected = cells.filter((cell) => !known(cell));
  const also = unexpected.length > 0 ? ` and has ${quoted(unexpected)}, which this tab does not read` : '';
  return `row 1 lacks the header(s) ${quoted(missing)}${also}: ${must}`;
}

/**
 * The text shown in the Outcome column's header cell while the header row cannot be read: the
 * owner looks there for why nothing was imported. It still starts "Outcome", so a later night finds
 * the column and writes plain "Outcome" over it once the header row is right.
 */
export function headerProblemCell(error: string): string {
  return `Outcome: nothing imported: ${error}`;
}

function readRow(
  row: number,
  cell: (name: ImportColumn) => ImportCell,
  defaults: ImportDefaults,
): ImportRowReading {
  const errors: FieldError[] = [];
  const cartId = text(cell('Cart ID'));
  if (!cartId) errors.push({ path: 'Cart ID', message: 'is required' });

  const zoneText = text(cell('Time zone'));
  if (zoneText && !isTimeZone(zoneText)) {
    errors.push({ path: 'Time zone', message: 'must be an IANA time zone such as "Europe/Berlin"' });
  }
  const zone = zoneText && isTimeZone(zoneText) ? zoneText : defaults.zone;

  const totalText = amountText(cell('Total'));
  if (!totalText) errors.push({ path: 'Total', message: 'is required, such as 42.50' });
  else if (!CENTS.test(totalText)) errors.push({ path: 'Total', message: 'must be an amount such as 42.50' });
  const total = CENTS.test(totalText) ? totalText : '';

  const occurredAt = parseActivity(cell('Last activity'), zone);
  if (typeof occurredAt !== 'string') errors.push({ path: 'Last activity', message: occurredAt.error });

  // Without a usable total no price can be worked out; the Total error already says what to fix.
  const items = parseItems(text(cell('Items')), total || undefined);
  if (!Array.isArray(items)) errors.push({ path: 'Items', message: items.error });

  const returnUrl = text(cell('Return URL'));
  if (!returnUrl) errors.push({ path: 'Return URL', message: 'is required: the link back to the cart' });

  if (errors.length > 0 || typeof occurredAt !== 'string' || !Array.isArray(items)) {
    return { row, kind: 'invalid', cartId: cartId || undefined, errors };
  }
  const email = text(cell('Email'));
  const cart: ImportEvent['cart'] = {
    id: cartId,
    ...(email ? { email } : {}),
    currency: text(cell('Currency')).toUpperCase() || defaults.currency,
    total,
    items,
    returnUrl,
    ...(zoneText ? { timezone: zoneText } : {}),
    source: 'import',
  };
  return {
    row,
    kind: 'event',
    cartId,
    occurredAt,
    event: { id: importEventId(cart, occurredAt), type: 'cart.updated', occurredAt, cart },
  };
}

/**
 * An event id derived from what the row says, so the same row imported twice is a duplicate to the
 * engine, and a changed row is a new event.
 */
export function importEventId(cart: ImportEvent['cart'], occurredAt: string): string {
  const content = JSON.stringify([
    cart.id,
    cart.email ?? '',
    cart.currency,
    cart.total,
    cart.items.map((i) => [i.title, i.quantity, i.price]),
    cart.returnUrl,
    cart.timezone ?? '',
    occurredAt,
  ]);
  return `import-${createHash('sha256').update(content).digest('hex').slice(0, 32)}`;
}

function text(cell: ImportCell): string {
  if (cell === null || cell === undefined) return '';
  return String(cell).trim();
}

function amountText(cell: ImportCell): string {
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  return text(cell);
}

// Google Sheets counts days from 1899-12-30 (a serial number, fractions are the time of day).
const SHEETS_EPOCH_MS = Date.UTC(1899, 11, 30);
const LOCAL_FORMATS = [
  'yyyy-MM-dd HH:mm',
  'yyyy-MM-dd HH:mm:ss',
  "yyyy-MM-dd'T'HH:mm",
  "yyyy-MM-dd'T'HH:mm:ss",
];

/**
 * A Last activity cell as a UTC ISO time: an ISO time with an offset, a local `YYYY-MM-DD HH:mm`
 * (in `zone`), or a Sheets date-time serial number (also local to `zone`).
 */
export function parseActivity(cell: ImportCell, zone: string): string | { error: string } {
  const wrong = { error: 'must be a time such as "2026-06-10 14:30" or "2026-06-10T14:30:00Z"' };
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell) || cell <= 0) return wrong;
    // The serial is a wall-clock reading: read its fields as UTC, then place them in the zone.
    const wall = new Date(SHEETS_EPOCH_MS + Math.round(cell * 86_400_000));
    const local = DateTime.fromObject(
      {
        year: wall.getUTCFullYear(),
        month: wall.getUTCMonth() + 1,
        day: wall.getUTCDate(),
        hour: wall.getUTCHours(),
        minute: wall.getUTCMinutes(),
        second: wall.getUTCSeconds(),
      },
      { zone },
    );
    return local.isValid ? (local.toUTC().toISO() ?? wrong.error) : wrong;
  }
  const value = text(cell);
  if (!value) return { error: 'is required: when the shopper last touched the cart' };
  if (/(Z|[+-]\d{2}:?\d{2})$/i.test(value)) {
    const at = DateTime.fromISO(value, { setZone: true });
    return at.isValid ? (at.toUTC().toISO() ?? wrong.error) : wrong;
  }
  for (const format of LOCAL_FORMATS) {
    const at = DateTime.fromFormat(value, format, { zone });
    if (at.isValid) return at.toUTC().toISO() ?? wrong.error;
  }
  return wrong;
}

// A quantity is read with its decimals, so "Mug x 2.5" is refused rather than read as a title.
const ITEM = /^(.*?)(?:\s+[x×]\s*(\d+(?:[.,]\d+)?))?(?:\s*@\s*(\S+))?$/i;
const CENTS = /^\d{1,12}(\.\d{1,2})?$/;

/**
 * `title x qty @ price; …` as cart items (quantity 1 when left out). One item may leave out its
 * price: it gets what the total leaves over, per unit, when that comes out in whole cents (without
 * a total, which the row then lacks, it is left at 0).
 * @example parseItems('Mug x 2; Tea x 1 @ 5.00', '25.00') // Mug at 10.00, Tea at 5.00
 */
export function parseItems(
  list: string,
  total: string | undefined,
): ImportEvent['cart']['items'] | { error: string } {
  const parts = list
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return { error: 'list at least one item, as "title x quantity; …"' };
  const items: { title: string; quantity: number; price: string | undefined }[] = [];
  for (const [i, part] of parts.entries()) {
    const match = ITEM.exec(part);
    const title = match?.[1]?.trim() ?? '';
    const typed = match?.[2];
    const quantity = typed === undefined ? 1 : Number(typed);
    const price = match?.[3];
    if (!title) return { error: `item ${i + 1} has no title` };
    // "2.5", and "1,000" too: a separator is never read as part of a whole quantity.
    if (typed !== undefined && !/^\d+$/.test(typed)) {
      return {
        error:
          `item ${i + 1} ("${title}") has a quantity of ${typed}: write a whole number without separators, such as "${title} x 2" ` +
          `(if "x ${typed}" is part of its title, add the quantity: "${title} x ${typed} x 1")`,
      };
    }
    if (quantity < 1) return { error: `item ${i + 1} ("${title}") needs a quantity of at least 1` };
    if (price !== undefined && !CENTS.test(price)) {
      return { error: `item ${i + 1} ("${title}") has a price that is not an amount such as 12.50` };
    }
    items.push({ title, quantity, price });
  }
  const unpriced = items.filter((item) => item.price === undefined);
  if (unpriced.length > 1) {
    return { error: 'give each item a price ("Mug x 2 @ 12.50") when a cart holds more than one item' };
  }
  const [open] = unpriced;
  if (open && total !== undefined) {
    const totalCents = CENTS.test(total) ? Math.round(Number(total) * 100) : Number.NaN;
    const pricedCents = items.reduce(
      (sum, item) =>
        sum + (item.price === undefined ? 0 : Math.round(Number(item.price) * 100) * item.quantity),
      0,
    );
    const left = totalCents - pricedCents;
    if (!Number.isFinite(left) || left < 0 || left % open.quantity !== 0) {
      return { error: `give "${open.title}" a price: the total does not split into it evenly` };
    }
    open.price = (left / open.quantity / 100).toFixed(2);
  }
  return items.map((item) => ({
    sku: item.title.slice(0, 200),
    title: item.title,
    quantity: item.quantity,
    price: item.price ?? '0',
  }));
}

/** Where each field of the event came from, to name the owner's column in the engine's errors. */
const COLUMN_OF_PATH: [RegExp, ImportColumn][] = [
  [/^cart\.id/, 'Cart ID'],
  [/^cart\.email/, 'Email'],
  [/^cart\.total/, 'Total'],
  [/^cart\.currency/, 'Currency'],
  [/^cart\.items/, 'Items'],
  [/^cart\.returnUrl/, 'Return URL'],
  [/^cart\.timezone/, 'Time zone'],
  [/^occurredAt/, 'Last activity'],
];

/**
 * The engine's field errors (paths like `cart.items[0].price`) named by the owner's columns. The
 * engine's own name for the field ("occurredAt must be …") gives way to the column's, which leads.
 */
export function errorsByColumn(errors: readonly FieldError[]): FieldError[] {
  return errors.map((error) => {
    const column = COLUMN_OF_PATH.find(([pattern]) => pattern.test(error.path))?.[1];
    const item = /^cart\.items\[(\d+)\]/.exec(error.path)?.[1];
    if (item !== undefined)
      return { path: column ?? error.path, message: `item ${Number(item) + 1}: ${error.message}` };
    if (!column) return error;
    const subject = /^([A-Za-z][\w.]*) /.exec(error.message)?.[1];
    const named = subject === error.path || subject === error.path.split('.').pop();
    return { path: column, message: named ? error.message.slice(`${subject} `.length) : error.message };
  });
}

/** The Outcome cell for a row with errors: "error: Total: …; Items: …". */
export function errorOutcome(errors: readonly FieldError[]): string {
  return `error: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`;
}
