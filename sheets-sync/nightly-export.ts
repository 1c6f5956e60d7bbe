/**
 * The nightly run against the owner's spreadsheet: the Import tab's rows come into the engine, then
 * the night's carts go out to the export tab.
 *
 * Rerunning a night is safe. The export tab is rewritten whole (header and the night's carts, the
 * cells below and right of them blanked), so it holds exactly one night, the last one run; nothing
 * is appended and nothing duplicated. (A history belongs in the CSV files, one per night, or in a
 * copy the owner makes.) Import rows carry an event id derived from their content, and rows already
 * marked `imported` or `duplicate` are not fed again.
 */
import type { ApplyOutcome, Cart } from '#engine/domain/cart.js';
import { CartRecoveryError, type FieldError } from '#engine/domain/errors.js';
import { type IngestDeps, ingestCartEvent } from '#engine/use-cases/ingest-cart-event.js';
import { cartsOfNight, type ExportCell, exportRows, isNight, utcDaysOfNight } from './export-rows.js';
import {
  errorOutcome,
  errorsByColumn,
  headerProblemCell,
  type ImportCell,
  type ImportRowReading,
  OUTCOME_DUPLICATE,
  OUTCOME_IMPORTED,
  readImportTab,
} from './import-rows.js';

/** The owner's spreadsheet as the nightly run sees it (Google Sheets, or CSV files locally). */
export interface CartsTab {
  /** Replaces the export tab with these rows (header first), for the store-local `night`. */
  writeExport(night: string, rows: ExportCell[][]): Promise<void>;
  /** The Import tab's values, header row first; empty when there is no Import tab. */
  readImport(): Promise<ImportCell[][]>;
  /**
   * Writes one column of the Import tab: `outcomes[0]` into the header row, `outcomes[i]` into
   * row i + 1. The other columns stay as the owner left them.
   */
  writeImportOutcomes(column: number, outcomes: string[]): Promise<void>;
}

/** The carts of one UTC day (the `by-day` index); both cart stores implement it. */
export interface CartsByDay {
  cartsByDay(day: string): Promise<Cart[]>;
}

export type NightlyDeps = IngestDeps & { days: CartsByDay; tab: CartsTab };

export interface NightlyResult {
  night: string;
  exported: number;
  imported: number;
  duplicates: number;
  errors: number;
  /**
   * Set when the Import tab could not be read as a whole (its headers); nothing of it was fed, and
   * the Outcome column's header cell says why.
   */
  importError?: string;
}

/** `night` is not a YYYY-MM-DD date. */
export class NightlyInputError extends CartRecoveryError {
  constructor(night: string) {
    super(`night must be a date written YYYY-MM-DD, not "${night}"`);
    this.name = 'NightlyInputError';
  }
}

/**
 * Runs one night for the store.
 *
 * 1. Read the rules in force: the store's zone and currency, the tiers, the version.
 * 2. Read the Import tab; map each new row to a `cart.updated` event or its field errors. A header
 *    row it cannot read is shown in the Outcome column's header cell (rewritten when it is right).
 * 3. Keep one row per cart id (the newest Last activity; ties: the upper row); the rest are duplicates.
 * 4. Feed each event through `ingestCartEvent`; note imported, duplicate or the error by column.
 * 5. Write the Outcome column beside the rows.
 * 6. Read the carts of the UTC days the local night overlaps; keep the night's; write the export tab.
 *
 * @example await runNightly({ ...engine.deps, days: engine.carts, tab }, { night: '2026-06-10' })
 */
export async function runNightly(deps: NightlyDeps, input: { night: string }): Promise<NightlyResult> {
  const { night } = input;
  if (!isNight(night)) throw new NightlyInputError(night);
  const { rules, version } = await deps.rules.current();
  const zone = rules.store.timezone;
  const result: NightlyResult = { night, exported: 0, imported: 0, duplicates: 0, errors: 0 };

  const values = await deps.tab.readImport();
  const reading = readImportTab(values, { zone, currency: rules.store.currency });
  if (!reading.ok) {
    deps.log.warn('import tab unreadable', { night, error: reading.error });
    result.importError = reading.error;
    // The owner never sees the log: the Outcome header tells them why the column stays empty.
    await deps.tab.writeImportOutcomes(reading.outcomeColumn, [headerProblemCell(reading.error)]);
  } else if (reading.rows.length > 0 || headerShowsProblem(values, reading.outcomeColumn)) {
    const outcomes = await importRows(deps, reading.rows, result);
    const column = [
      'Outcome',
      ...reading.rows.map((r) => outcomes.get(r.row) ?? (r.kind === 'done' ? r.outcome : '')),
    ];
    await deps.tab.writeImportOutcomes(reading.outcomeColumn, column);
  }

  const candidates: Cart[] = [];
  for (const day of utcDaysOfNight(night, zone)) candidates.push(...(await deps.days.cartsByDay(day)));
  const carts = cartsOfNight(candidates, night, zone);
  await deps.tab.writeExport(night, exportRows(carts, { rules, rulesVersion: version }));
  result.exported = carts.length;
  deps.log.info('nightly export written', {
    night,
    exported: result.exported,
    imported: result.imported,
    duplicates: result.duplicates,
    errors: result.errors,
  });
  return result;
}

async function importRows(
  deps: NightlyDeps,
  rows: readonly ImportRowReading[],
  result: NightlyResult,
): Promise<Map<number, string>> {
  const outcomes = new Map<number, string>();
  const fail = (row: number, errors: FieldError[]) => {
    outcomes.set(row, errorOutcome(errors));
    result.errors += 1;
  };

  const chosen = new Map<string, Extract<ImportRowReading, { kind: 'event' }>>();
  for (const row of rows) {
    if (row.kind === 'invalid') fail(row.row, row.errors);
    if (row.kind !== 'event') continue;
    const other = chosen.get(row.cartId);
    if (!other || row.occurredAt > other.occurredAt) chosen.set(row.cartId, row);
  }
  for (const row of rows) {
    if (row.kind !== 'event') continue;
    const kept = chosen.get(row.cartId);
    if (kept && kept.row !== row.row) {
      outcomes.set(row.row, `${OUTCOME_DUPLICATE}: cart ${row.cartId} is also in row ${kept.row}`);
      result.duplicates += 1;
    }
  }

  for (const row of chosen.values()) {
    const ingested = await ingestCartEvent(deps, row.event);
    if (ingested.kind === 'accepted') {
      outcomes.set(row.row, importedOutcome(ingested.outcome));
      result.imported += 1;
    } else if (ingested.kind === 'duplicate') {
      outcomes.set(row.row, `${OUTCOME_DUPLICATE}: already imported`);
      result.duplicates += 1;
    } else {
      fail(row.row, errorsByColumn(ingested.error.errors));
    }
  }
  return outcomes;
}

/** The Outcome header still shows an earlier night's header problem (the tab has no rows to write). */
function headerShowsProblem(values: readonly (readonly ImportCell[])[], column: number): boolean {
  const cell = values[0]?.[column];
  return typeof cell === 'string' && cell.trim() !== 'Outcome' && cell.trim() !== '';
}

/** "imported", with why nothing changed when the engine kept the cart as it was. */
function importedOutcome(outcome: ApplyOutcome): string {
  if (outcome === 'stale') return `${OUTCOME_IMPORTED}: the cart has newer activity, kept as it was`;
  if (outcome === 'ignored_closed') return `${OUTCOME_IMPORTED}: the cart is closed, kept as it was`;
  return OUTCOME_IMPORTED;
}
