/**
 * The owner's `Rules` tab, as the Sheets API hands it over (a 2D array of cell values), mapped to and
 * from the engine's rules doc. Pure: no I/O, no clock. The engine's own schema (`parseRules`) is the
 * only validation of values; this module carries each of its errors back to the cell it came from, and
 * refuses a cell showing a formula error (a "#REF!" is never the owner's value).
 *
 * The tab reads top to bottom, one table of tiers, a blank row, then one setting per row:
 *
 * ```
 *   |  A                  | B                | C                              | D
 * 1 | Name                | Cart total from  | First reminder after (hours)   | Second reminder after (hours)
 * 2 | small               | 0                | 4                              | 24
 * 3 | medium              | 50               | 2                              | 22
 * 4 |                     |                  |                                |
 * 5 | Setting             | Value            | Note
 * 6 | Quiet hours start   | 21:00            | In the shopper's local time ...
 * ```
 */
import { stringify } from 'yaml';
import { LANGUAGES, type Language } from '#engine/domain/copy/catalogue.js';
import { CATALOGUES } from '#engine/domain/copy/language.js';
import { RulesValidationError } from '#engine/domain/errors.js';
import { formatPath } from '#engine/domain/field-errors.js';
import { OWN_WORDS_LIMITS, parseRules, type Rules, rulesSchema, tierSchema } from '#engine/domain/rules.js';
import { type SenderIdentity, senderProblem } from '#engine/domain/sender-address.js';
import { tierOrderWarnings } from '#engine/domain/tiers.js';

/** One cell as the Sheets API returns it (UNFORMATTED_VALUE): empty cells are absent or ''. */
export type CellValue = string | number | boolean | null | undefined;

/** The `values` of a ValueRange: rows of cells; trailing empty cells and rows are left out. */
export type SheetRows = readonly (readonly unknown[] | null | undefined)[];

/** One problem in the tab, where it is (an A1 cell, when it has one) and what is wrong. */
export interface CellError {
  cell?: string;
  message: string;
}

export type RowsToRulesResult =
  /** `warnings`: valid, but probably not meant (tiers whose names and totals disagree in order). */
  | { ok: true; doc: Record<string, unknown>; rules: Rules; warnings: CellError[] }
  | { ok: false; errors: CellError[] };

export interface RowsToRulesOptions {
  /**
   * The deployment's SES domain and sender address: a sender address it cannot send from is
   * refused at its cell (every send would fail into the dead-letter queue).
   */
  sender?: SenderIdentity;
}

/** A data-validation rule for a range of the tab, as data; the Sheets adapter turns it into a request. */
export type ValidationSpec =
  | { range: string; kind: 'number'; min?: number; max?: number; help: string }
  | { range: string; kind: 'list'; values: string[]; help: string }
  | { range: string; kind: 'email'; help: string };

/** Everything needed to lay out a fresh Rules tab. Ranges are A1 ranges within the tab. */
export interface RulesTemplate {
  values: (string | number)[][];
  /** Notes shown when hovering a cell. */
  notes: { cell: string; note: string }[];
  validations: ValidationSpec[];
  /** Cells kept as plain text, so Sheets does not turn "21:00" into a time of day. */
  textRanges: string[];
  /** Header rows, shown bold. */
  headerRanges: string[];
}

type CellKind = 'text' | 'number' | 'time' | 'choice' | 'currency' | 'language' | 'date';

interface TierColumn {
  key: 'name' | 'minTotal' | 'firstWaitHours' | 'secondWaitHours';
  header: string;
  kind: CellKind;
  note: string;
}

interface Setting {
  label: string;
  /** Where the value goes in the rules doc. */
  path: readonly [string] | readonly [string, string];
  kind: CellKind;
  value(rules: Rules): string | number;
  note: string;
  validation?: DistributiveOmit<ValidationSpec, 'range'>;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const tierShape = tierSchema.shape;
const shape = rulesSchema.shape;
const storeShape = shape.store.shape;

// Bounds and defaults come from the engine's schema, so the sheet's validation cannot drift from it.
const bounds = (schema: { minValue: number | null; maxValue: number | null }) => ({
  ...(schema.minValue !== null && Number.isFinite(schema.minValue) ? { min: schema.minValue } : {}),
  ...(schema.maxValue !== null && Number.isFinite(schema.maxValue) ? { max: schema.maxValue } : {}),
});
const between = (b: { min?: number; max?: number }) =>
  b.max === undefined ? `at least ${b.min ?? 0}` : `between ${b.min ?? 0} and ${b.max}`;
const hoursRule = (schema: { minValue: number | null; maxValue: number | null }, what: string) => {
  const b = bounds(schema);
  return { kind: 'number' as const, ...b, help: `${what}: a number of hours ${between(b)}.` };
};

const firstWait = tierShape.firstWaitHours.unwrap();
const secondWait = tierShape.secondWaitHours.unwrap();
const DEFAULT_QUIET = shape.quietHours.parse(undefined);

/** The tiers table's columns, in the order the template writes them. */
export const TIER_COLUMNS: readonly TierColumn[] = [
  {
    key: 'name',
    header: 'Name',
    kind: 'text',
    note:
      'One row per tier. A cart belongs to the tier with the highest "cart total from" that its total reaches. ' +
      'One tier must start at 0. To add a tier, insert a row above the blank row.',
  },
  {
    key: 'minTotal',
    header: 'Cart total from',
    kind: 'number',
    note: 'The smallest cart total (in the store currency) this tier applies to.',
  },
  {
    key: 'firstWaitHours',
    header: 'First reminder after (hours)',
    kind: 'number',
    note: `Hours after the shopper's last activity before the first reminder, ${between(bounds(firstWait))}. Blank: ${tierShape.firstWaitHours.parse(undefined)}.`,
  },
  {
    key: 'secondWaitHours',
    header: 'Second reminder after (hours)',
    kind: 'number',
    note: `Hours after the first reminder before the second, ${between(bounds(secondWait))}. Blank: ${tierShape.secondWaitHours.parse(undefined)}.`,
  },
];

/** The core settings rows. */
const CORE_SETTINGS: readonly Setting[] = [
  {
    label: 'Quiet hours start',
    path: ['quietHours', 'start'],
    kind: 'time',
    value: (r) => r.quietHours.start,
    note: `No reminder is sent from this time (the shopper's local time, 24-hour HH:MM). Default ${DEFAULT_QUIET.start}.`,
  },
  {
    label: 'Quiet hours end',
    path: ['quietHours', 'end'],
    kind: 'time',
    value: (r) => r.quietHours.end,
    note: `...until this time; may be after midnight. The same time as the start means no quiet hours. Default ${DEFAULT_QUIET.end}.`,
  },
  {
    label: 'Frequency cap (hours)',
    path: ['frequencyCapHours'],
    kind: 'number',
    value: (r) => r.frequencyCapHours,
    note: `No reminder if another cart of the same shopper got one this recently. 0 turns the cap off. Default ${shape.frequencyCapHours.parse(undefined)}.`,
    validation: hoursRule(shape.frequencyCapHours.unwrap(), 'Frequency cap'),
  },
  {
    label: 'Maximum reminders',
    path: ['maxReminders'],
    kind: 'number',
    value: (r) => r.maxReminders,
    note: `Reminders per cart: 0, 1 or 2 (never more). Default ${shape.maxReminders.parse(undefined)}.`,
    validation: {
      kind: 'number',
      ...bounds(shape.maxReminders.unwrap()),
      help: 'Maximum reminders: 0, 1 or 2.',
    },
  },
  {
    label: 'Give up after (hours)',
    path: ['giveUpAfterHours'],
    kind: 'number',
    value: (r) => r.giveUpAfterHours,
    note: `Hours after the last reminder before a cart is given up. Default ${shape.giveUpAfterHours.parse(undefined)}.`,
    validation: hoursRule(shape.giveUpAfterHours.unwrap(), 'Give up after'),
  },
  {
    label: 'Maximum cart age (hours)',
    path: ['maxCartAgeHours'],
    kind: 'number',
    value: (r) => r.maxCartAgeHours,
    note: `Never remind about a cart whose last activity is older than this. Default ${shape.maxCartAgeHours.parse(undefined)}.`,
    validation: hoursRule(shape.maxCartAgeHours.unwrap(), 'Maximum cart age'),
  },
  {
    label: 'Consent',
    path: ['consent'],
    kind: 'choice',
    value: (r) => r.consent,
    note:
      'any: remind every shopper; first_only: shoppers without marketing consent get only the first ' +
      `reminder; required: only shoppers with consent. Default ${shape.consent.parse(undefined)}.`,
    validation: {
      kind: 'list',
      values: [...shape.consent.unwrap().options],
      help: 'Consent: any, first_only or required.',
    },
  },
  {
    label: 'Attribution window (days)',
    path: ['attributionDays'],
    kind: 'number',
    value: (r) => r.attributionDays,
    note: `A purchase counts as recovered when it comes within this many days after a reminder was sent. Default ${shape.attributionDays.parse(undefined)}.`,
    validation: {
      kind: 'number',
      ...bounds(shape.attributionDays.unwrap()),
      help: 'Attribution window: a whole number of days between 1 and 30.',
    },
  },
  {
    label: 'Holdout (%)',
    path: ['holdoutPercent'],
    kind: 'number',
    value: (r) => r.holdoutPercent,
    note:
      'This share of shoppers (picked at random, always the same ones) gets no reminders, so the monthly ' +
      `summary can measure what reminders really earn. 10 for a season is a good start. 0 to 50. Default ${shape.holdoutPercent.parse(undefined)}.`,
    validation: {
      kind: 'number',
      ...bounds(shape.holdoutPercent.unwrap()),
      help: 'Holdout: a whole percentage between 0 and 50.',
    },
  },
  {
    label: 'Store name',
    path: ['store', 'name'],
    kind: 'text',
    value: (r) => r.store.name,
    note: 'Required. Shown to shoppers as the sender name.',
  },
  {
    label: 'Sender email',
    path: ['store', 'fromEmail'],
    kind: 'text',
    value: (r) => r.store.fromEmail,
    note: 'Required. The address reminders are sent from (verified with the mail service).',
    validation: { kind: 'email', help: 'Sender email: an email address.' },
  },
  {
    label: 'Postal address',
    path: ['store', 'address'],
    kind: 'text',
    value: (r) => r.store.address,
    note: 'Required by anti-spam law: printed at the foot of every reminder.',
  },
  {
    label: 'Voice',
    path: ['store', 'voice'],
    kind: 'text',
    value: (r) => r.store.voice,
    note: `A few words on how reminders should sound. Default "${storeShape.voice.parse(undefined)}".`,
  },
  {
    label: 'Store website',
    path: ['store', 'url'],
    kind: 'text',
    value: (r) => r.store.url ?? '',
    note: 'Optional. The https address of the store, such as https://acme.example: linked from reminders and pages.',
  },
  {
    label: 'Time zone',
    path: ['store', 'timezone'],
    kind: 'text',
    value: (r) => r.store.timezone,
    note: "Required. The store's time zone, such as America/New_York, used when a shopper's is unknown.",
  },
  {
    label: 'Currency',
    path: ['store', 'currency'],
    kind: 'currency',
    value: (r) => r.store.currency,
    note: `Three-letter code such as USD or EUR. Default ${storeShape.currency.parse(undefined)}.`,
  },
];

/** The discount's rows: optional; every cell blank means no discount. */
const DISCOUNT_SETTINGS: readonly Setting[] = [
  {
    label: 'Discount code',
    path: ['discount', 'code'],
    kind: 'text',
    value: (r) => r.discount?.code ?? '',
    note:
      'Optional. A code your shop already accepts at checkout, such as THANKS10: shown in a box in the reminder ' +
      `(letters, digits, - and _, at most ${OWN_WORDS_LIMITS.code}). Blank: no discount.`,
  },
  {
    label: 'Discount gives',
    path: ['discount', 'description'],
    kind: 'text',
    value: (r) => r.discount?.description ?? '',
    note:
      'What the code gives, in words, such as "10% off your order" (at most ' +
      `${OWN_WORDS_LIMITS.discount} characters). Write it per language in "Your words" below.`,
  },
  {
    label: 'Discount in reminder',
    path: ['discount', 'reminders'],
    kind: 'choice',
    value: (r) => r.discount?.reminders ?? '',
    note: 'Which reminder shows the code: first, second or both. Blank: the second only.',
    validation: {
      kind: 'list',
      values: ['first', 'second', 'both'],
      help: 'Discount in reminder: first, second or both.',
    },
  },
  {
    label: 'Discount minimum cart total',
    path: ['discount', 'minTotal'],
    kind: 'number',
    value: (r) => r.discount?.minTotal ?? '',
    note: 'Optional. Only carts of at least this total (in their currency) are offered the code, and the reminder says so.',
    validation: { kind: 'number', min: 0, help: 'Discount minimum cart total: a number of at least 0.' },
  },
  {
    label: 'Discount expires',
    path: ['discount', 'expires'],
    kind: 'date',
    value: (r) => r.discount?.expires ?? '',
    note: 'Optional. The last day the code works, as YYYY-MM-DD (your time zone). After it, reminders no longer show it.',
  },
];

/** The look and answer of reminders: optional store settings. */
const LOOK_SETTINGS: readonly Setting[] = [
  {
    label: 'Store language',
    path: ['store', 'language'],
    kind: 'language',
    value: (r) => r.store.language ?? '',
    note:
      `The language for shoppers whose own is unknown or not one of ${LANGUAGES.join(', ')} ` +
      '(a code or a name, such as de or German). Blank: English.',
  },
  {
    label: 'Logo',
    path: ['store', 'logoUrl'],
    kind: 'text',
    value: (r) => r.store.logoUrl ?? '',
    note: 'Optional. The https address of your logo image, shown at the top of reminders (about 40 px high).',
  },
  {
    label: 'Accent colour',
    path: ['store', 'accentColor'],
    kind: 'text',
    value: (r) => r.store.accentColor ?? '',
    note: 'Optional. The colour of the button and the code box, such as #0f766e. Blank: near-black.',
  },
  {
    label: 'Reply-to email',
    path: ['store', 'replyTo'],
    kind: 'text',
    value: (r) => r.store.replyTo ?? '',
    note: "Optional. Where shoppers' replies go. Only with one does the second reminder invite questions by reply.",
    validation: { kind: 'email', help: 'Reply-to email: an email address.' },
  },
];

/** The settings rows, in the order the template writes them. */
export const SETTINGS: readonly Setting[] = [...CORE_SETTINGS, ...LOOK_SETTINGS, ...DISCOUNT_SETTINGS];

/** The columns of "Your words": one row per language, each cell optional. */
export const WORDS_COLUMNS = [
  { key: 'firstSubject', header: 'First subject', limit: OWN_WORDS_LIMITS.subject },
  { key: 'firstOpening', header: 'First opening line', limit: OWN_WORDS_LIMITS.opening },
  { key: 'secondSubject', header: 'Second subject', limit: OWN_WORDS_LIMITS.subject },
  { key: 'secondOpening', header: 'Second opening line', limit: OWN_WORDS_LIMITS.opening },
  { key: 'discount', header: 'Discount in words', limit: OWN_WORDS_LIMITS.discount },
] as const;
const WORDS_HEADER = 'Your words: language';
const WORDS_NOTE =
  `One row per language you want to word yourself (${LANGUAGES.join(', ')}), each cell optional: your ` +
  'subject and opening line for the first and second reminder, and the discount in that language. ' +
  'Subjects may use {store}; opening lines {store} and {items} (what is in the cart). Blank cells keep ' +
  "Cart Recovery's own words. Your words are sent as written, never rewritten by the model.";

/** "de", "DE", "German" and "Deutsch" all read as "de"; anything else is passed on for the schema to refuse. */
function toLanguage(value: unknown): string {
  const text = cellText(value).toLowerCase();
  const named = LANGUAGES.find(
    (code) =>
      code === text ||
      CATALOGUES[code].languageName.toLowerCase() === text ||
      LANGUAGE_NAMES_EN[code] === text,
  );
  return named ?? text;
}
const LANGUAGE_NAMES_EN: Record<Language, string> = {
  en: 'english',
  de: 'german',
  fr: 'french',
  es: 'spanish',
  it: 'italian',
  nl: 'dutch',
  pt: 'portuguese',
};

const SETTINGS_HEADER = ['Setting', 'Value', 'Note'] as const;

/** "Frequency cap (hours)", "frequency cap:" and " FREQUENCY  CAP " all read as "frequency cap". */
function normalizeLabel(value: unknown): string {
  return cellText(value)
    .toLowerCase()
    .replace(/\([^)]*\)/g, ' ')
    .replace(/[:*]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * What a cell shows when its formula fails: Google Sheets' error values (the Sheets API returns them
 * as this text, formatted or not), those of a workbook made in Excel, and "Loading..." while an
 * IMPORTRANGE or GOOGLEFINANCE is still fetching. None of them is ever the owner's value.
 */
const FORMULA_ERRORS = new Set([
  '#ERROR!',
  '#NULL!',
  '#DIV/0!',
  '#VALUE!',
  '#REF!',
  '#NAME?',
  '#NUM!',
  '#N/A',
  '#SPILL!',
  '#CALC!',
  '#FIELD!',
  '#BLOCKED!',
  '#CONNECT!',
  '#BUSY!',
  '#UNKNOWN!',
  '#GETTING_DATA',
]);
const LOADING = 'loading...';

/** One error for each cell of the tab that shows a formula's error instead of a value. */
function formulaErrors(rows: readonly (readonly unknown[])[]): CellError[] {
  const errors: CellError[] = [];
  rows.forEach((row, r) => {
    row.forEach((value, c) => {
      if (typeof value !== 'string') return;
      const text = value.trim();
      if (FORMULA_ERRORS.has(text.toUpperCase())) {
        errors.push({
          cell: a1(r, c),
          message: `this cell shows a formula error (${text}): type the value itself, or fix the formula`,
        });
      } else if (text.toLowerCase() === LOADING) {
        errors.push({
          cell: a1(r, c),
          message: `this cell shows a formula still loading (${text}): sync again in a minute, or type the value itself`,
        });
      }
    });
  });
  return errors;
}

const isBlank = (value: unknown) => cellText(value) === '';
const isBlankRow = (row: readonly unknown[] | null | undefined) => !row || row.every(isBlank);

/**
 * The A1 name of a cell from zero-based indexes.
 * @example a1(0, 27) === 'AB1'
 */
export function a1(row: number, column: number): string {
  let letters = '';
  for (let n = column + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return `${letters}${row + 1}`;
}

/** A cell as the doc wants it; strings the schema will refuse are passed on so it can say why. */
function toDocValue(value: unknown, kind: CellKind): unknown {
  if (isBlank(value)) return undefined;
  switch (kind) {
    case 'text':
      return cellText(value);
    case 'currency':
      return cellText(value).toUpperCase();
    case 'choice':
      return cellText(value)
        .toLowerCase()
        .replace(/[\s-]+/g, '_');
    case 'number':
      return toNumber(value);
    case 'time':
      return toClockTime(value);
    case 'language':
      return toLanguage(value);
    case 'date':
      return toIsoDate(value);
  }
}

function toNumber(value: unknown): unknown {
  if (typeof value === 'number') return value;
  const text = cellText(value);
  return /^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : value;
}

/** A date cell: Sheets' day serial (days since 1899-12-30) or text such as "2026-12-31". */
function toIsoDate(value: unknown): unknown {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) {
    return new Date(Date.UTC(1899, 11, 30) + value * 86_400_000).toISOString().slice(0, 10);
  }
  return cellText(value);
}

/**
 * "21:00", "9:00 PM", "21:00:00", 21 and Sheets' time-of-day serial 0.875 all read as "21:00";
 * anything else is passed on unchanged for the schema to refuse.
 */
function toClockTime(value: unknown): unknown {
  const pad = (n: number) => String(n).padStart(2, '0');
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= 23) return `${pad(value)}:00`;
    if (value >= 0 && value < 1) {
      const minutes = Math.round(value * 24 * 60) % (24 * 60);
      return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
    }
    return String(value);
  }
  const text = cellText(value);
  const match = /^(\d{1,2})(?:[:.](\d{2}))?(?::\d{2})?\s*(?:([ap])\.?\s*m\.?)?$/i.exec(text);
  if (!match) return text;
  let hour = Number(match[1]);
  const minute = match[2] ?? '00';
  const half = match[3]?.toLowerCase();
  if (half) {
    if (hour < 1 || hour > 12) return text;
    hour = (hour % 12) + (half === 'p' ? 12 : 0);
  }
  return `${pad(hour)}:${minute}`;
}

/**
 * Reads the Rules tab into a rules doc and validates it with the engine's schema. On failure every
 * error comes back, each with the cell it is about, in reading order.
 * @example
 * const result = rowsToRulesDoc(values);
 * if (!result.ok) result.errors.map(formatCellError) // ['C3: first reminder after must be ...']
 */
export function rowsToRulesDoc(values: SheetRows, options: RowsToRulesOptions = {}): RowsToRulesResult {
  const errors: CellError[] = [];
  /** Doc path (as formatPath renders it) → the cell it was read from. */
  const cells = new Map<string, string>();
  /** Doc path → the label of the settings row that would hold it (for rows left out). */
  const labels = new Map<string, string>(SETTINGS.map((s) => [formatPath(s.path), s.label]));

  const rows = values.map((row) => row ?? []);
  const firstRow = rows.findIndex((row) => !isBlankRow(row));
  if (firstRow === -1) {
    return {
      ok: false,
      errors: [
        { cell: 'A1', message: 'the Rules tab is empty: it needs the tiers table, then the settings' },
      ],
    };
  }

  // 1. The tiers table: its header names the columns, wherever they are.
  const headerIndex = findTiersHeader(rows, firstRow);
  if (headerIndex !== firstRow) errors.push(titleRowError(rows, firstRow, headerIndex));
  const header = rows[headerIndex] ?? [];
  const columnOf = new Map<TierColumn['key'], number>();
  header.forEach((cell, c) => {
    const column = TIER_COLUMNS.find((col) => normalizeLabel(col.header) === normalizeLabel(cell));
    if (column && !columnOf.has(column.key)) columnOf.set(column.key, c);
  });
  for (const column of TIER_COLUMNS) {
    if (!columnOf.has(column.key)) {
      errors.push({
        cell: a1(headerIndex, 0),
        message: `the tiers table needs a column headed "${column.header}" in this row`,
      });
    }
  }
  cells.set('tiers', a1(headerIndex, 0));

  const tiers: Record<string, unknown>[] = [];
  let r = headerIndex + 1;
  for (; r < rows.length && !isBlankRow(rows[r]); r += 1) {
    const row = rows[r] ?? [];
    if (isSettingsRow(row)) {
      // Read on, and every setting would be a tier with a wrong cell or two: say what happened, once.
      errors.push({
        cell: a1(r, 0),
        message:
          'the tiers run into the settings here: keep one blank row between the last tier and the settings ' +
          '(to add a tier, insert a row above the blank row)',
      });
      break;
    }
    const i = tiers.length;
    const tier: Record<string, unknown> = {};
    cells.set(`tiers[${i}]`, a1(r, columnOf.get('name') ?? 0));
    for (const column of TIER_COLUMNS) {
      const c = columnOf.get(column.key);
      if (c === undefined) continue;
      cells.set(`tiers[${i}].${column.key}`, a1(r, c));
      const value = toDocValue(row[c], column.kind);
      if (value !== undefined) tier[column.key] = value;
    }
    tiers.push(tier);
  }

  // 2. The settings: one per row, found by label; a header row and blank rows are skipped.
  const doc: Record<string, unknown> = { store: {}, tiers };
  const seen = new Map<string, string>();
  for (; r < rows.length; r += 1) {
    const row = rows[r] ?? [];
    if (isBlankRow(row)) continue;
    const label = normalizeLabel(row[0]);
    if (label === normalizeLabel(SETTINGS_HEADER[0])) continue;
    // 3. "Your words": from its header to the next blank row, one language per row.
    if (label === normalizeLabel(WORDS_HEADER)) {
      if (doc.messages) errors.push({ cell: a1(r, 0), message: 'the table of your words is there twice' });
      r = readWords(rows, r, doc, cells, errors);
      continue;
    }
    const setting = SETTINGS.find((s) => normalizeLabel(s.label) === label);
    if (!setting) {
      errors.push({
        cell: a1(r, 0),
        message: isBlank(row[0])
          ? 'this row has a value but no setting name in column A'
          : `"${cellText(row[0])}" is not a known setting (check the spelling; tiers go above the blank row)`,
      });
      continue;
    }
    const earlier = seen.get(setting.label);
    if (earlier) {
      errors.push({ cell: a1(r, 0), message: `"${setting.label}" is set twice (also in ${earlier})` });
      continue;
    }
    seen.set(setting.label, a1(r, 0));
    cells.set(formatPath(setting.path), a1(r, 1));
    const value = toDocValue(row[1], setting.kind);
    if (value !== undefined) setIn(doc, setting.path, value);
  }

  let rules: Rules | undefined;
  try {
    rules = parseRules(doc);
  } catch (error) {
    if (!(error instanceof RulesValidationError)) throw error;
    for (const fieldError of error.errors) {
      errors.push(toCellError(fieldError, cells, labels));
    }
  }
  const sender = rules && options.sender ? senderProblem(rules.store.fromEmail, options.sender) : undefined;
  if (sender) errors.push(toCellError({ path: 'store.fromEmail', message: sender }, cells, labels));
  const broken = formulaErrors(rows);
  if (broken.length > 0) {
    // A cell showing "#REF!" is never the owner's value: say so, not what the value must be.
    const brokenCells = new Set(broken.map((e) => e.cell));
    errors.splice(0, errors.length, ...broken, ...errors.filter((e) => !brokenCells.has(e.cell)));
  }
  if (errors.length > 0 || !rules) return { ok: false, errors: sortByCell(errors) };
  // A tier's cell is found by its name, in the order the tab lists them (names are unique).
  const tierIndex = new Map(tiers.map((tier, i) => [String(tier.name ?? '').trim(), i]));
  const warnings = tierOrderWarnings(rules.tiers).map((w) =>
    toCellError(
      { path: `tiers[${tierIndex.get(w.tier) ?? 0}].name`, message: `tier "${w.tier}" ${w.message}` },
      cells,
      labels,
    ),
  );
  return { ok: true, doc, rules, warnings };
}

/** How many of the tiers table's column headers a row holds. */
function tierHeadersIn(row: readonly unknown[]): number {
  return TIER_COLUMNS.filter((column) =>
    row.some((cell) => normalizeLabel(cell) === normalizeLabel(column.header)),
  ).length;
}

/** A row the settings table starts with, or one of its rows: its header, a setting, "Your words". */
function isSettingsRow(row: readonly unknown[]): boolean {
  const label = normalizeLabel(row[0]);
  if (label === '') return false;
  return (
    label === normalizeLabel(SETTINGS_HEADER[0]) ||
    label === normalizeLabel(WORDS_HEADER) ||
    SETTINGS.some((s) => normalizeLabel(s.label) === label)
  );
}

/**
 * The row of the tiers table's header: the first non-blank row, unless it holds none of the
 * headers and a row below it (above the settings) does, as below a title the owner typed above it.
 */
function findTiersHeader(rows: readonly (readonly unknown[])[], firstRow: number): number {
  if (tierHeadersIn(rows[firstRow] ?? []) > 0) return firstRow;
  for (let r = firstRow + 1; r < rows.length; r += 1) {
    const row = rows[r] ?? [];
    if (isSettingsRow(row)) break;
    if (tierHeadersIn(row) > 0) return r;
  }
  return firstRow;
}

/** Names the rows above the tiers table's header, which the sync would otherwise read as its header. */
function titleRowError(
  rows: readonly (readonly unknown[])[],
  firstRow: number,
  headerIndex: number,
): CellError {
  const row = rows[firstRow] ?? [];
  const column = Math.max(
    row.findIndex((cell) => !isBlank(cell)),
    0,
  );
  const above =
    headerIndex - firstRow === 1 ? `row ${firstRow + 1}` : `rows ${firstRow + 1} to ${headerIndex}`;
  const headers = TIER_COLUMNS.map((c) => `"${c.header}"`).join(', ');
  return {
    cell: a1(firstRow, column),
    message:
      `"${cellText(row[column])}" is above the tiers table, whose header is row ${headerIndex + 1}: ` +
      `delete ${above}, so the tab starts with the header row (${headers})`,
  };
}

/**
 * Reads "Your words" from its header row at `headerRow` to the next blank row into `doc.messages`;
 * returns the index of the last row read.
 */
function readWords(
  rows: readonly (readonly unknown[])[],
  headerRow: number,
  doc: Record<string, unknown>,
  cells: Map<string, string>,
  errors: CellError[],
): number {
  const header = rows[headerRow] ?? [];
  const columnOf = new Map<string, number>();
  header.forEach((cell, c) => {
    const column = WORDS_COLUMNS.find((col) => normalizeLabel(col.header) === normalizeLabel(cell));
    if (column && !columnOf.has(column.key)) columnOf.set(column.key, c);
  });
  const messages: Record<string, Record<string, unknown>> = {};
  const seen = new Map<string, string>();
  let r = headerRow + 1;
  for (; r < rows.length && !isBlankRow(rows[r]); r += 1) {
    const row = rows[r] ?? [];
    const language = toLanguage(row[0]);
    if (!(LANGUAGES as readonly string[]).includes(language)) {
      errors.push({
        cell: a1(r, 0),
        message: isBlank(row[0])
          ? 'this row of your words has no language in column A'
          : `"${cellText(row[0])}" is not a language reminders are written in (${LANGUAGES.join(', ')})`,
      });
      continue;
    }
    const earlier = seen.get(language);
    if (earlier) {
      errors.push({
        cell: a1(r, 0),
        message: `your words for "${language}" are given twice (also in ${earlier})`,
      });
      continue;
    }
    seen.set(language, a1(r, 0));
    cells.set(`messages.${language}`, a1(r, 0));
    const words: Record<string, unknown> = {};
    for (const column of WORDS_COLUMNS) {
      const c = columnOf.get(column.key);
      if (c === undefined) continue;
      cells.set(`messages.${language}.${column.key}`, a1(r, c));
      const value = toDocValue(row[c], 'text');
      if (value !== undefined) words[column.key] = value;
    }
    if (Object.keys(words).length > 0) messages[language] = words;
  }
  if (Object.keys(messages).length > 0) doc.messages = messages;
  return r - 1;
}

function setIn(doc: Record<string, unknown>, path: Setting['path'], value: unknown): void {
  const [head, leaf] = path;
  if (leaf === undefined) {
    doc[head] = value;
    return;
  }
  const inner = (doc[head] ?? {}) as Record<string, unknown>;
  inner[leaf] = value;
  doc[head] = inner;
}

/** Finds the cell of an error's path, or of its nearest parent the tab has a cell for. */
function toCellError(
  error: { path: string; message: string },
  cells: ReadonlyMap<string, string>,
  labels: ReadonlyMap<string, string>,
): CellError {
  const label = labels.get(error.path);
  // Messages of store fields name no subject ("must be a three-letter currency code"): add the label.
  const message =
    label && /^must\b/.test(error.message) ? `${label.toLowerCase()} ${error.message}` : error.message;
  for (let path = error.path; ; path = parentPath(path)) {
    const cell = cells.get(path);
    if (cell) return { cell, message };
    if (path === '') break;
  }
  if (label) return { message: `add a row "${label}" below the tiers: ${message}` };
  return { message };
}

function parentPath(path: string): string {
  const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
  return cut <= 0 ? '' : path.slice(0, cut);
}

function sortByCell(errors: CellError[]): CellError[] {
  const position = (cell: string | undefined) => {
    const match = cell ? /^([A-Z]+)(\d+)$/.exec(cell) : null;
    if (!match?.[1] || !match[2]) return Number.POSITIVE_INFINITY;
    const column = [...match[1]].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
    return Number(match[2]) * 1000 + column;
  };
  return errors
    .map((error, index) => ({ error, index }))
    .sort((a, b) => position(a.error.cell) - position(b.error.cell) || a.index - b.index)
    .map(({ error }) => error);
}

/** "C3: first reminder after must be ..." (or the bare message for an error with no cell). */
export function formatCellError(error: CellError): string {
  return error.cell ? `${error.cell}: ${error.message}` : error.message;
}

/** The store settings the schema has no default for: the owner's own, never an example's. */
const OWNERS_OWN = new Set(['store.name', 'store.fromEmail', 'store.address', 'store.timezone']);

/**
 * The Rules tab laid out for these rules: values, hover notes, data validation and formats, as data.
 * `rowsToRulesDoc(rulesToRows(rules).values)` gives back the same rules. With `blankStore`, the
 * store's name, sender, postal address and time zone are left blank, so a tab laid out from example
 * rules is refused by the sync, cell by cell, until the owner fills them in.
 */
export function rulesToRows(rules: Rules, options: { blankStore?: boolean } = {}): RulesTemplate {
  const width = TIER_COLUMNS.length;
  const values: (string | number)[][] = [TIER_COLUMNS.map((c) => c.header)];
  const tiers = [...rules.tiers].sort((a, b) => a.minTotal - b.minTotal);
  for (const tier of tiers) values.push(TIER_COLUMNS.map((c) => tier[c.key]));
  const lastTierRow = values.length - 1;
  values.push([]);
  const settingsHeaderRow = values.length;
  values.push([...SETTINGS_HEADER]);
  const firstSettingRow = values.length;
  for (const setting of SETTINGS) {
    const blank = options.blankStore && OWNERS_OWN.has(formatPath(setting.path));
    values.push([setting.label, blank ? '' : setting.value(rules), setting.note]);
  }
  values.push([]);
  const wordsHeaderRow = values.length;
  values.push([WORDS_HEADER, ...WORDS_COLUMNS.map((c) => c.header)]);
  for (const language of LANGUAGES) {
    const words = rules.messages?.[language];
    if (words) values.push([language, ...WORDS_COLUMNS.map((c) => words[c.key] ?? '')]);
  }

  const notes = TIER_COLUMNS.map((column, c) => ({ cell: a1(0, c), note: column.note }));
  notes.push({ cell: a1(wordsHeaderRow, 0), note: WORDS_NOTE });
  WORDS_COLUMNS.forEach((column, c) => {
    notes.push({ cell: a1(wordsHeaderRow, c + 1), note: `At most ${column.limit} characters, one line.` });
  });
  const column = (key: TierColumn['key']) => TIER_COLUMNS.findIndex((c) => c.key === key);
  const tierRange = (key: TierColumn['key']) =>
    `${a1(1, column(key))}:${a1(Math.max(lastTierRow, 1), column(key))}`;
  const validations: ValidationSpec[] = [
    {
      range: tierRange('minTotal'),
      kind: 'number',
      ...bounds(tierShape.minTotal),
      help: `Cart total from: a number ${between(bounds(tierShape.minTotal))}.`,
    },
    { range: tierRange('firstWaitHours'), ...hoursRule(firstWait, 'First reminder after') },
    { range: tierRange('secondWaitHours'), ...hoursRule(secondWait, 'Second reminder after') },
  ];
  const textRanges: string[] = [];
  SETTINGS.forEach((setting, i) => {
    const cell = a1(firstSettingRow + i, 1);
    if (setting.validation) validations.push({ range: cell, ...setting.validation });
    if (setting.kind === 'time' || setting.kind === 'date') textRanges.push(cell);
  });
  return {
    values,
    notes,
    validations,
    textRanges,
    headerRanges: [
      `${a1(0, 0)}:${a1(0, width - 1)}`,
      `${a1(settingsHeaderRow, 0)}:${a1(settingsHeaderRow, SETTINGS_HEADER.length - 1)}`,
      `${a1(wordsHeaderRow, 0)}:${a1(wordsHeaderRow, WORDS_COLUMNS.length)}`,
    ],
  };
}

/**
 * The rules as YAML, keys always in the same order and every default written out, so unchanged
 * rules give identical bytes (and S3 is only written when something changed).
 */
export function rulesYaml(rules: Rules): string {
  const { store, quietHours } = rules;
  const ordered = {
    store: {
      name: store.name,
      timezone: store.timezone,
      currency: store.currency,
      fromEmail: store.fromEmail,
      address: store.address,
      voice: store.voice,
      ...(store.url === undefined ? {} : { url: store.url }),
      ...(store.language === undefined ? {} : { language: store.language }),
      ...(store.logoUrl === undefined ? {} : { logoUrl: store.logoUrl }),
      ...(store.accentColor === undefined ? {} : { accentColor: store.accentColor }),
      ...(store.replyTo === undefined ? {} : { replyTo: store.replyTo }),
    },
    tiers: [...rules.tiers]
      .sort((a, b) => a.minTotal - b.minTotal)
      .map((t) => ({
        name: t.name,
        minTotal: t.minTotal,
        firstWaitHours: t.firstWaitHours,
        secondWaitHours: t.secondWaitHours,
      })),
    quietHours: { start: quietHours.start, end: quietHours.end },
    frequencyCapHours: rules.frequencyCapHours,
    maxReminders: rules.maxReminders,
    giveUpAfterHours: rules.giveUpAfterHours,
    maxCartAgeHours: rules.maxCartAgeHours,
    consent: rules.consent,
    attributionDays: rules.attributionDays,
    holdoutPercent: rules.holdoutPercent,
    messages: orderedMessages(rules.messages),
    discount: rules.discount && {
      code: rules.discount.code,
      description: rules.discount.description,
      reminders: rules.discount.reminders,
      ...(rules.discount.minTotal === undefined ? {} : { minTotal: rules.discount.minTotal }),
      ...(rules.discount.expires === undefined ? {} : { expires: rules.discount.expires }),
    },
  } satisfies Record<keyof Rules, unknown>;
  return `# Written by Cart Recovery from the Rules tab of the store's Google Sheet; edit the sheet, not this file.\n${stringify(
    ordered,
    { lineWidth: 0 },
  )}`;
}

/** The owner's words by language in catalogue order, each language's fields in column order. */
function orderedMessages(messages: Rules['messages']): Rules['messages'] {
  if (!messages) return undefined;
  const ordered: NonNullable<Rules['messages']> = {};
  for (const language of LANGUAGES) {
    const words = messages[language];
    if (!words) continue;
    const fields: Record<string, string> = {};
    for (const { key } of WORDS_COLUMNS) if (words[key] !== undefined) fields[key] = words[key];
    ordered[language] = fields;
  }
  return ordered;
}
