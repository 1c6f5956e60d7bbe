import { describe, expect, it } from 'vitest';
import { memoryEngine } from '#engine/adapters/memory/memory-engine.js';
import { ingestCartEvent } from '#engine/use-cases/ingest-cart-event.js';
import type { ExportCell } from '#sheets-sync/export-rows.js';
import { IMPORT_HEADERS, type ImportCell } from '#sheets-sync/import-rows.js';
import { type CartsTab, NightlyInputError, runNightly } from '#sheets-sync/nightly-export.js';
import { sampleRules } from '#test/fakes/sample-cart.js';
import { cartUpdatedEvent } from '#test/fakes/storefront-events.js';

/** The spreadsheet as two arrays: what the export tab holds, and the Import tab's cells. */
class ArrayCartsTab implements CartsTab {
  exported: ExportCell[][] = [];
  nights: string[] = [];
  imports: ImportCell[][];
  constructor(imports: ImportCell[][] = []) {
    this.imports = imports.map((row) => [...row]);
  }
  async writeExport(night: string, rows: ExportCell[][]): Promise<void> {
    this.nights.push(night);
    this.exported = rows.map((row) => [...row]);
  }
  async readImport(): Promise<ImportCell[][]> {
    return this.imports.map((row) => [...row]);
  }
  async writeImportOutcomes(column: number, outcomes: string[]): Promise<void> {
    outcomes.forEach((outcome, i) => {
      const row = this.imports[i] ?? [];
      this.imports[i] = row;
      while (row.length <= column) row.push('');
      row[column] = outcome;
    });
  }
  outcomes(): ImportCell[] {
    return this.imports.slice(1).map((row) => row[8]);
  }
}

const NIGHT = '2026-06-10';
// 02:00 in New York on the morning after the night.
const RUN_AT = new Date('2026-06-11T06:00:00.000Z');

function importRow(
  cartId: string,
  overrides: Partial<Record<(typeof IMPORT_HEADERS)[number], ImportCell>> = {},
) {
  const cells: Record<(typeof IMPORT_HEADERS)[number], ImportCell> = {
    'Cart ID': cartId,
    Email: `${cartId}@example.com`,
    Total: '40.00',
    Currency: 'USD',
    Items: 'Water Bottle x 2 @ 20.00',
    'Return URL': `https://acme.example/cart/${cartId}`,
    'Last activity': '2026-06-10 12:00',
    'Time zone': 'America/Chicago',
    Outcome: '',
    ...overrides,
  };
  return IMPORT_HEADERS.map((name) => cells[name]);
}

/** An engine holding three storefront carts around the New York night of 2026-06-10. */
async function engineWithCarts() {
  const engine = memoryEngine({ rules: sampleRules(), rulesVersion: 'v-3', start: RUN_AT });
  const at = (iso: string) => (RUN_AT.getTime() - Date.parse(iso)) / 60_000;
  for (const [cartId, occurredAt] of [
    ['cart-morning', '2026-06-10T14:00:00.000Z'],
    ['cart-night-before', '2026-06-10T02:00:00.000Z'],
    ['cart-late', '2026-06-11T03:00:00.000Z'],
  ] as const) {
    const event = cartUpdatedEvent({
      eventId: `evt-${cartId}`,
      cartId,
      email: `${cartId}@example.com`,
      minutesAgo: at(occurredAt),
      timezone: 'America/New_York',
      now: RUN_AT,
    });
    const result = await ingestCartEvent(engine.deps, event);
    expect(result.kind).toBe('accepted');
  }
  return engine;
}

describe('runNightly', () => {
  it("writes the night's carts in the store's zone, imported carts included", async () => {
    // Prepare
    const engine = await engineWithCarts();
    const tab = new ArrayCartsTab([[...IMPORT_HEADERS], importRow('cart-imported')]);

    // Act
    const result = await runNightly({ ...engine.deps, days: engine.carts, tab }, { night: NIGHT });

    // Assess
    expect(result).toEqual({ night: NIGHT, exported: 3, imported: 1, duplicates: 0, errors: 0 });
    expect(tab.nights).toEqual([NIGHT]);
    expect(tab.exported[0]?.[0]).toBe('Cart ID');
    expect(tab.exported.slice(1).map((row) => [row[0], row[1], row[7], row[11]])).toEqual([
      ['cart-morning', '2026-06-10T10:00-04:00', 'open', 'v-3'],
      // 12:00 in Chicago is 13:00 in New York.
      ['cart-imported', '2026-06-10T13:00-04:00', 'open', 'v-3'],
      ['cart-late', '2026-06-10T23:00-04:00', 'open', 'v-3'],
    ]);
    const imported = await engine.carts.get('cart-imported');
    expect(imported?.snapshot?.source).toBe('import');
    expect(imported?.wake).toBeDefined();
  });

  it('gives the same tab when a night runs twice, and feeds no row twice', async () => {
    // Prepare
    const engine = await engineWithCarts();
    const tab = new ArrayCartsTab([[...IMPORT_HEADERS], importRow('cart-imported')]);
    const deps = { ...engine.deps, days: engine.carts, tab };
    await runNightly(deps, { night: NIGHT });
    const first = structuredClone(tab.exported);
    const outcomes = tab.outcomes();
    const version = (await engine.carts.get('cart-imported'))?.version;

    // Act
    const again = await runNightly(deps, { night: NIGHT });

    // Assess
    expect(tab.exported).toEqual(first);
    expect(tab.outcomes()).toEqual(outcomes);
    expect(again).toMatchObject({ exported: 3, imported: 0, duplicates: 0, errors: 0 });
    expect((await engine.carts.get('cart-imported'))?.version).toBe(version);
  });

  it('writes imported, duplicate or the error beside each import row', async () => {
    // Prepare
    const engine = await engineWithCarts();
    const tab = new ArrayCartsTab([
      [...IMPORT_HEADERS],
      importRow('cart-a'),
      importRow('cart-a', { 'Last activity': '2026-06-10 08:00' }),
      importRow('cart-b', { Email: 'not an address' }),
      importRow('cart-c', { Total: '' }),
      ['', '', ''],
      importRow('cart-d', { 'Last activity': '2026-06-10T18:00:00Z' }),
    ]);

    // Act
    const result = await runNightly({ ...engine.deps, days: engine.carts, tab }, { night: NIGHT });

    // Assess
    expect(tab.outcomes()).toEqual([
      'imported',
      'duplicate: cart cart-a is also in row 2',
      'error: Email: must be an email address such as "shopper@example.com"',
      'error: Total: is required, such as 42.50',
      '',
      'imported',
    ]);
    expect(tab.imports[0]?.[8]).toBe('Outcome');
    expect(result).toMatchObject({ imported: 2, duplicates: 1, errors: 2 });
    expect(await engine.carts.get('cart-b')).toBeUndefined();
    expect(await engine.carts.get('cart-c')).toBeUndefined();
  });

  it("names the engine's refusals by the column alone, never by the engine's field name", async () => {
    // Prepare: 40 days before the run, past what the engine takes
    const engine = await engineWithCarts();
    const tab = new ArrayCartsTab([
      [...IMPORT_HEADERS],
      importRow('cart-old', { 'Last activity': '2026-05-01 12:00' }),
    ]);

    // Act
    await runNightly({ ...engine.deps, days: engine.carts, tab }, { night: NIGHT });

    // Assess
    const [outcome] = tab.outcomes();
    expect(outcome).toMatch(/^error: Last activity: must be at most 35 days before and 5 minutes after /);
    expect(outcome).not.toContain('occurredAt');
  });

  it('calls a row already fed to the engine a duplicate when its outcome was cleared', async () => {
    // Prepare
    const engine = await engineWithCarts();
    const tab = new ArrayCartsTab([[...IMPORT_HEADERS], importRow('cart-a')]);
    const deps = { ...engine.deps, days: engine.carts, tab };
    await runNightly(deps, { night: NIGHT });
    const row = tab.imports[1];
    if (row) row[8] = '';

    // Act
    const result = await runNightly(deps, { night: NIGHT });

    // Assess
    expect(tab.outcomes()).toEqual(['duplicate: already imported']);
    expect(result).toMatchObject({ imported: 0, duplicates: 1 });
  });

  it('still exports when the Import tab lacks its headers, and reports why nothing was imported', async () => {
    // Prepare
    const engine = await engineWithCarts();
    const tab = new ArrayCartsTab([['cart-x', 'x@example.com']]);

    // Act
    const result = await runNightly({ ...engine.deps, days: engine.carts, tab }, { night: NIGHT });

    // Assess
    expect(result.importError).toContain('row 1 holds no headers (it starts "cart-x", "x@example.com")');
    expect(result.exported).toBe(2);
    // Shown after the owner's cells, never over them.
    expect(tab.imports).toEqual([
      ['cart-x', 'x@example.com', `Outcome: nothing imported: ${result.importError}`],
    ]);
  });

  it("shows a header problem in the Outcome header, and a later good night's header clears it", async () => {
    // Prepare: "Last activity" renamed
    const engine = await engineWithCarts();
    const renamed = IMPORT_HEADERS.map((name) => (name === 'Last activity' ? 'Last seen' : name));
    const tab = new ArrayCartsTab([renamed, importRow('cart-a')]);
    const deps = { ...engine.deps, days: engine.carts, tab };

    // Act
    const bad = await runNightly(deps, { night: NIGHT });
    const shown = tab.imports[0]?.[8];
    const badAgain = await runNightly(deps, { night: NIGHT });
    const shownAgain = tab.imports[0]?.[8];
    const header = tab.imports[0];
    if (header) header[6] = 'Last activity';
    const good = await runNightly(deps, { night: NIGHT });

    // Assess
    expect(bad.importError).toMatch(/^row 1 lacks the header\(s\) "Last activity" and has "Last seen"/);
    expect(shown).toBe(`Outcome: nothing imported: ${bad.importError}`);
    expect(badAgain.importError).toBe(bad.importError);
    expect(shownAgain).toBe(shown);
    expect(good).toMatchObject({ imported: 1, errors: 0 });
    expect(good.importError).toBeUndefined();
    expect(tab.imports[0]).toEqual([...IMPORT_HEADERS]);
    expect(tab.outcomes()).toEqual(['imported']);
  });

  it('clears a header problem shown in the Outcome header even when the tab has no rows left', async () => {
    // Prepare
    const engine = await engineWithCarts();
    const tab = new ArrayCartsTab([[], importRow('cart-a')]);
    const deps = { ...engine.deps, days: engine.carts, tab };
    await runNightly(deps, { night: NIGHT });
    const shown = tab.imports[0]?.[0];
    tab.imports = [[...IMPORT_HEADERS.slice(0, 8), shown ?? '']];

    // Act
    const result = await runNightly(deps, { night: NIGHT });

    // Assess
    expect(shown).toMatch(
      /^Outcome: nothing imported: row 1 has no headers: row 1 must hold the headers Cart ID, /,
    );
    expect(result.importError).toBeUndefined();
    expect(tab.imports).toEqual([[...IMPORT_HEADERS]]);
  });

  it('refuses a night that is not a date', async () => {
    // Prepare
    const engine = memoryEngine({ rules: sampleRules(), start: RUN_AT });
    const tab = new ArrayCartsTab();

    // Act
    const run = runNightly({ ...engine.deps, days: engine.carts, tab }, { night: '2026-13-01' });

    // Assess
    await expect(run).rejects.toBeInstanceOf(NightlyInputError);
    expect(tab.nights).toEqual([]);
  });
});
