import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthlyFigures } from '#sheets-sync/summary/monthly-figures.js';
import type { SummaryPage } from '#sheets-sync/summary/monthly-summary.js';
import { CHART_SERIES, chartSvg, summaryReportHtml } from '#sheets-sync/summary/summary-report.js';
import { deterministicSummary, highlights } from '#sheets-sync/summary/summary-text.js';
import { sampleRules } from '#test/fakes/sample-cart.js';
import { launchChromium } from '#test/peers/chromium.js';
import { OCTOBER_COST_USD, octoberAudit, octoberCarts } from './october-month.js';

function octoberPage(): SummaryPage {
  const figures = monthlyFigures({
    carts: octoberCarts(),
    audit: octoberAudit(),
    rules: sampleRules(),
    month: '2026-10',
    costUsd: OCTOBER_COST_USD,
  });
  const text = deterministicSummary(figures);
  return {
    title: text.title,
    paragraphs: text.paragraphs,
    table: text.table,
    highlights: highlights(figures),
    series: figures.days,
    chart: {
      url: 'file:///tmp/2026-10-chart.csv',
      caption: 'Carts abandoned, reminded and recovered, day by day',
    },
  };
}

describe('chartSvg', () => {
  it('draws one bar per non-zero value of each series, and a label for each series', () => {
    // Prepare
    const series = [
      { day: '2026-10-01', abandoned: 4, reminded: 3, recovered: 1 },
      { day: '2026-10-02', abandoned: 0, reminded: 2, recovered: 0 },
    ];

    // Act
    const svg = chartSvg(series, 'By day');

    // Assess
    expect(svg.match(/<rect class="bar bar-abandoned"/g)).toHaveLength(1);
    expect(svg.match(/<rect class="bar bar-reminded"/g)).toHaveLength(2);
    expect(svg.match(/<rect class="bar bar-recovered"/g)).toHaveLength(1);
    for (const s of CHART_SERIES) expect(svg).toContain(`>${s.label}</text>`);
    expect(svg).toContain('<title>2026-10-01: 4 abandoned</title>');
  });

  it('escapes the title', () => {
    expect(chartSvg([], '<b>"x"</b>')).toContain('aria-label="&lt;b&gt;&quot;x&quot;&lt;/b&gt;"');
  });
});

describe('summaryReportHtml in Chromium', () => {
  let profile: string;
  let browser: BrowserContext | undefined;

  beforeAll(async () => {
    profile = await mkdtemp(join(tmpdir(), 'cr-report-'));
    browser = await launchChromium(profile);
  });

  afterAll(async () => {
    await browser?.close();
    await rm(profile, { recursive: true, force: true });
  });

  it.each([
    ['a laptop', 1280, 900],
    ['a phone', 375, 740],
  ])('shows the chart and lets nothing overflow on %s', async (_what, width, height) => {
    // Prepare
    const page = browser?.pages()[0] ?? (await browser?.newPage());
    if (!page) throw new Error('no page');
    await page.setViewportSize({ width, height });
    const long = octoberPage();
    long.table.push({ label: 'A label that goes on and on '.repeat(6), value: 'x'.repeat(120) });

    // Act
    await page.setContent(summaryReportHtml(long, '<a href="2026-10-chart.csv">CSV</a>'));
    const shot = join(profile, `report-${width}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    // A string, run in the page: the project's TypeScript has no DOM types.
    const layout = (await page.evaluate(`(() => {
      const viewport = document.documentElement.clientWidth;
      const overflowing = [...document.querySelectorAll('body *')]
        .filter((el) => {
          const box = el.getBoundingClientRect();
          return box.width > 0 && (box.right > viewport + 0.5 || box.left < -0.5);
        })
        .map((el) => el.tagName.toLowerCase());
      const chart = document.querySelector('figure svg[role="img"]')?.getBoundingClientRect();
      return {
        pageWidth: document.documentElement.scrollWidth,
        viewport,
        overflowing,
        chart: chart ? { width: chart.width, height: chart.height } : undefined,
        bars: document.querySelectorAll('figure svg rect.bar').length,
        font: getComputedStyle(document.body).fontFamily,
      };
    })()`)) as {
      pageWidth: number;
      viewport: number;
      overflowing: string[];
      chart?: { width: number; height: number };
      bars: number;
      font: string;
    };

    // Assess
    expect(layout.overflowing).toEqual([]);
    expect(layout.pageWidth).toBeLessThanOrEqual(layout.viewport);
    expect(layout.chart?.width).toBeGreaterThan(width > 500 ? 600 : 280);
    expect(layout.chart?.height).toBeGreaterThan(100);
    expect(layout.bars).toBeGreaterThan(5);
    expect(layout.font).not.toMatch(/^"?Times/);
    expect((await stat(shot)).size).toBeGreaterThan(10_000);
  });
});
