import { describe, expect, it } from 'vitest';
import { ManualClock } from '#engine/adapters/memory/manual-clock.js';
import { StaticRulesSource } from '#engine/adapters/memory/static-rules-source.js';
import { ValidationError } from '#engine/domain/errors.js';
import { MemorySummaryDocument, MemorySummarySource } from '#sheets-sync/summary/memory-summary.js';
import { monthlyFigures } from '#sheets-sync/summary/monthly-figures.js';
import { deterministicSummary } from '#sheets-sync/summary/summary-text.js';
import { handleSummary } from '#sheets-sync/summary.handler.js';
import { loadSummaryConfig } from '#sheets-sync/sync-context.js';
import { sampleRules } from '#test/fakes/sample-cart.js';
import { OCTOBER_COST_USD, OCTOBER_EXPECTED, octoberAudit, octoberCarts } from './summary/october-month.js';

function context(now: string) {
  const document = new MemorySummaryDocument();
  const months: string[] = [];
  return {
    document,
    months,
    ctx: {
      deps: {
        source: new MemorySummarySource(octoberCarts(), octoberAudit(), OCTOBER_COST_USD),
        document,
        rules: new StaticRulesSource(sampleRules()),
        summarize: async (figures: Parameters<typeof deterministicSummary>[0]) => {
          months.push(figures.month);
          return deterministicSummary(figures);
        },
      },
      clock: new ManualClock(now),
    },
  };
}

describe('handleSummary', () => {
  it("writes last month in the store's zone when the event names none", async () => {
    // Prepare: 01:00 on November 1 in New York.
    const { ctx, document, months } = context('2026-11-01T05:00:00.000Z');

    // Act
    const result = await handleSummary(ctx, {});

    // Assess
    expect(result).toEqual({
      month: '2026-10',
      documentUrl: 'memory://summary',
      chartUrl: 'memory://chart/2026-10',
      source: 'deterministic',
    });
    expect(months).toEqual(['2026-10']);
    expect(document.pages[0]?.title).toBe('Acme Outfitters: abandoned carts in October 2026');
    expect(document.charts[0]?.series).toHaveLength(31);
  });

  it('still reports September at 23:00 on October 31 in New York (already November in UTC)', async () => {
    // Prepare
    const { ctx, months } = context('2026-11-01T03:00:00.000Z');

    // Act
    const result = await handleSummary(ctx, {});

    // Assess
    expect(result.month).toBe('2026-09');
    expect(months).toEqual(['2026-09']);
  });

  it('writes the month the event names, with its figures', async () => {
    // Prepare
    const { ctx, document } = context('2027-01-01T05:00:00.000Z');

    // Act
    const result = await handleSummary(ctx, { month: '2026-10' });

    // Assess
    expect(result.month).toBe('2026-10');
    const figures = monthlyFigures({
      carts: octoberCarts(),
      audit: octoberAudit(),
      rules: sampleRules(),
      month: '2026-10',
      costUsd: OCTOBER_COST_USD,
    });
    expect(figures).toMatchObject(OCTOBER_EXPECTED);
    // Taken at the handler's now: cart k, still shopped at the month's end, has been abandoned since.
    const now = monthlyFigures({
      carts: octoberCarts(),
      audit: octoberAudit(),
      rules: sampleRules(),
      month: '2026-10',
      costUsd: OCTOBER_COST_USD,
      now: Date.parse('2027-01-01T05:00:00.000Z'),
    });
    expect(now.abandoned).toBe(OCTOBER_EXPECTED.abandoned + 1);
    expect(document.pages[0]?.table).toEqual(deterministicSummary(now).table);
  });

  it('rejects a month not written YYYY-MM and writes nothing', async () => {
    // Prepare
    const { ctx, document } = context('2026-11-01T05:00:00.000Z');

    // Act
    const run = handleSummary(ctx, { month: '2026-13' });

    // Assess
    await expect(run).rejects.toThrow(ValidationError);
    expect(document.pages).toEqual([]);
  });
});

describe('loadSummaryConfig', () => {
  it('names a missing document id and keeps the default tab', () => {
    expect(() => loadSummaryConfig({})).toThrow(/SUMMARY_DOCUMENT_ID is not set/);
    expect(loadSummaryConfig({ SUMMARY_DOCUMENT_ID: '1AbCdEfGhIjKlMnOp_qr-st' })).toEqual({
      SUMMARY_DOCUMENT_ID: '1AbCdEfGhIjKlMnOp_qr-st',
      SUMMARY_TAB: 'Summary',
    });
  });
});
