import { describe, expect, it } from 'vitest';
import { StaticRulesSource } from '#engine/adapters/memory/static-rules-source.js';
import type { Logger } from '#engine/ports.js';
import { MemorySummaryDocument, MemorySummarySource } from '#sheets-sync/summary/memory-summary.js';
import type { MonthlyFigures } from '#sheets-sync/summary/monthly-figures.js';
import { writeMonthlySummary } from '#sheets-sync/summary/monthly-summary.js';
import { deterministicSummary, highlights, type SummaryText } from '#sheets-sync/summary/summary-text.js';
import { sampleRules } from '#test/fakes/sample-cart.js';
import { OCTOBER_COST_USD, OCTOBER_EXPECTED, octoberAudit, octoberCarts } from './october-month.js';

function logger() {
  const lines: { level: string; message: string; data?: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (message: string, data?: Record<string, unknown>): void => {
      lines.push({ level, message, ...(data ? { data } : {}) });
    };
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { log, lines };
}

function deps(summarize: (figures: MonthlyFigures) => Promise<SummaryText>) {
  const document = new MemorySummaryDocument();
  const { log, lines } = logger();
  return {
    document,
    lines,
    deps: {
      source: new MemorySummarySource(octoberCarts(), octoberAudit(), OCTOBER_COST_USD),
      document,
      rules: new StaticRulesSource(sampleRules()),
      summarize,
      log,
    },
  };
}

describe('writeMonthlySummary', () => {
  it("writes the month's figures, words and chart link into the document", async () => {
    // Prepare
    const { deps: d, document } = deps(async (figures) => deterministicSummary(figures));

    // Act
    const outcome = await writeMonthlySummary(d, { month: '2026-10' });

    // Assess
    expect(outcome.figures).toMatchObject(OCTOBER_EXPECTED);
    expect(outcome.documentUrl).toBe('memory://summary');
    expect(outcome.chartUrl).toBe('memory://chart/2026-10');
    expect(document.charts).toHaveLength(1);
    expect(document.charts[0]?.series).toHaveLength(31);
    expect(document.pages).toEqual([
      {
        title: 'Acme Outfitters: abandoned carts in October 2026',
        paragraphs: deterministicSummary(outcome.figures).paragraphs,
        table: deterministicSummary(outcome.figures).table,
        highlights: highlights(outcome.figures),
        series: outcome.figures.days,
        chart: {
          url: 'memory://chart/2026-10',
          caption: 'Carts abandoned, reminded and recovered, day by day',
        },
      },
    ]);
  });

  it('writes the deterministic summary when the summarizer throws', async () => {
    // Prepare
    const {
      deps: d,
      document,
      lines,
    } = deps(async () => {
      throw new Error('model exploded');
    });

    // Act
    const outcome = await writeMonthlySummary(d, { month: '2026-10' });

    // Assess
    expect(outcome.summary.source).toBe('deterministic');
    expect(document.pages[0]?.paragraphs[0]).toMatch(/^In October 2026, 6 of the 8 carts seen/);
    expect(lines).toContainEqual({
      level: 'warn',
      message: 'summary text fell back',
      data: { month: '2026-10', error: 'Error' },
    });
  });

  it('still writes the document, without a chart link, when the chart fails', async () => {
    // Prepare
    const { deps: d, document, lines } = deps(async (figures) => deterministicSummary(figures));
    document.failChart = true;

    // Act
    const outcome = await writeMonthlySummary(d, { month: '2026-10' });

    // Assess
    expect(outcome.chartUrl).toBeUndefined();
    expect(document.pages).toHaveLength(1);
    expect(document.pages[0]).not.toHaveProperty('chart');
    expect(lines.map((l) => l.message)).toContain('summary chart failed');
  });

  it('embeds the chart after writing, and keeps the written document when embedding fails', async () => {
    // Prepare
    const { deps: d, document, lines } = deps(async (figures) => deterministicSummary(figures));

    // Act
    await writeMonthlySummary(d, { month: '2026-10' });
    document.failEmbed = true;
    await writeMonthlySummary(d, { month: '2026-10' });

    // Assess
    expect(document.embedded).toEqual(['2026-10']);
    expect(document.pages).toHaveLength(2);
    expect(lines.filter((l) => l.message === 'summary chart image failed')).toHaveLength(1);
    expect(lines.find((l) => l.message === 'monthly summary written')?.data).toMatchObject({
      chartEmbedded: true,
    });
  });
});
