import { describe, expect, it } from 'vitest';
import { memoryEngine } from '#engine/adapters/memory/memory-engine.js';
import { ValidationError } from '#engine/domain/errors.js';
import { ingestCartEvent } from '#engine/use-cases/ingest-cart-event.js';
import type { ExportCell } from '#sheets-sync/export-rows.js';
import type { ImportCell } from '#sheets-sync/import-rows.js';
import { handleNightly, nightJustEnded } from '#sheets-sync/nightly.handler.js';
import type { CartsTab } from '#sheets-sync/nightly-export.js';
import { sampleRules } from '#test/fakes/sample-cart.js';
import { cartUpdatedEvent } from '#test/fakes/storefront-events.js';

/** The export tab as the nights written to it; no Import tab. */
class RecordingCartsTab implements CartsTab {
  readonly exports: { night: string; rows: ExportCell[][] }[] = [];
  async writeExport(night: string, rows: ExportCell[][]): Promise<void> {
    this.exports.push({ night, rows });
  }
  async readImport(): Promise<ImportCell[][]> {
    return [];
  }
  async writeImportOutcomes(): Promise<void> {}
}

// 00:15 in New York on June 11.
const RUN_AT = new Date('2026-06-11T04:15:00.000Z');

async function context() {
  const engine = memoryEngine({ rules: sampleRules(), start: RUN_AT });
  const event = cartUpdatedEvent({
    eventId: 'evt-evening',
    cartId: 'cart-evening',
    email: 'evening@example.com',
    // 20:00 in New York on June 10.
    minutesAgo: 255,
    timezone: 'America/New_York',
    now: RUN_AT,
  });
  expect((await ingestCartEvent(engine.deps, event)).kind).toBe('accepted');
  const tab = new RecordingCartsTab();
  return { tab, ctx: { deps: { ...engine.deps, days: engine.carts, tab } } };
}

describe('handleNightly', () => {
  it('exports the store-local night that just ended when the event names none', async () => {
    // Prepare
    const { ctx, tab } = await context();

    // Act
    const result = await handleNightly(ctx, {});

    // Assess
    expect(result).toMatchObject({ night: '2026-06-10', exported: 1 });
    expect(tab.exports.map((e) => e.night)).toEqual(['2026-06-10']);
    expect(tab.exports[0]?.rows[1]?.[0]).toBe('cart-evening');
  });

  it('exports the night the event names, and takes a scheduled event with fields of its own', async () => {
    // Prepare
    const { ctx, tab } = await context();

    // Act
    const result = await handleNightly(ctx, { night: '2026-06-09', source: 'aws.scheduler' });

    // Assess
    expect(result).toMatchObject({ night: '2026-06-09', exported: 0 });
    expect(tab.exports.map((e) => e.night)).toEqual(['2026-06-09']);
  });

  it('rejects a night not written YYYY-MM-DD and writes nothing', async () => {
    // Prepare
    const { ctx, tab } = await context();

    // Act
    const run = handleNightly(ctx, { night: '10/06/2026' });

    // Assess
    await expect(run).rejects.toThrow(ValidationError);
    await expect(run).rejects.toThrow(/night must be a date written YYYY-MM-DD/);
    expect(tab.exports).toEqual([]);
  });
});

describe('nightJustEnded', () => {
  it("is the store-local day before now's, whatever the UTC date", () => {
    expect(nightJustEnded(Date.parse('2026-06-11T04:15:00Z'), 'America/New_York')).toBe('2026-06-10');
    // 23:00 UTC on June 10 is already June 11 in Auckland.
    expect(nightJustEnded(Date.parse('2026-06-10T12:30:00Z'), 'Pacific/Auckland')).toBe('2026-06-10');
    // The half-hour zone: 00:10 on March 1 in Kolkata.
    expect(nightJustEnded(Date.parse('2026-02-28T18:40:00Z'), 'Asia/Kolkata')).toBe('2026-02-28');
    // Just after the spring-forward night in New York.
    expect(nightJustEnded(Date.parse('2026-03-09T04:05:00Z'), 'America/New_York')).toBe('2026-03-08');
  });
});
