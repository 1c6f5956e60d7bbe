/**
 * The monthly summary use case and its narrow ports: read the month's records, compute the figures,
 * have them summarized, chart them and write the owner's document.
 */
import type { Cart } from '#engine/domain/cart.js';
import type { AuditEntry, Logger, RulesSource } from '#engine/ports.js';
import { type DayPoint, type MonthlyFigures, monthlyFigures, monthWindow } from './monthly-figures.js';
import { deterministicSummary, type FigureRow, highlights, type SummaryText } from './summary-text.js';

/** The month being summarized, as the store's local midnights: [from, to). */
export interface SummaryWindow {
  month: string;
  /** UTC ISO instants. */
  from: string;
  to: string;
}

/**
 * The engine's records for a month. A superset is fine: the figures place each cart and entry by
 * its own times. In production `DynamoDbSummarySource` (dynamodb-summary-source.ts) reads them from
 * the audit `by-month` and carts `by-day` indexes; tests and the simulator use `MemorySummarySource`.
 */
export interface SummarySource {
  records(window: SummaryWindow): Promise<{ carts: Cart[]; audit: AuditEntry[] }>;
  /** The month's estimated AWS cost in USD. */
  costUsd(window: SummaryWindow): Promise<number>;
}

/** What the document gets: the summary's words, the table, and a link to the chart when there is one. */
export interface SummaryPage {
  title: string;
  paragraphs: string[];
  table: FigureRow[];
  /** The few figures a reader looks at first, for a designed page. */
  highlights: FigureRow[];
  /** The day-by-day series the chart draws. */
  series: DayPoint[];
  chart?: { url: string; caption: string };
}

export const CHART_CAPTION = 'Carts abandoned, reminded and recovered, day by day';

/** The owner's summary document and its chart. */
export interface SummaryDocument {
  /** Draws abandoned vs recovered carts by day; answers where the owner can see it. */
  chart(month: string, series: readonly DayPoint[]): Promise<{ url: string }>;
  /** Replaces the document's content with this page; answers its address. */
  write(page: SummaryPage): Promise<{ url: string }>;
  /**
   * Puts the chart itself into the document just written, where the page alone cannot hold it (the
   * Google Doc: an image). Absent where the page draws its own chart (the local HTML page).
   */
  embedChart?(month: string, series: readonly DayPoint[]): Promise<void>;
}

/** Turns figures into words (`modelSummary` bound to a client, or `deterministicSummary`). */
export type Summarizer = (figures: MonthlyFigures) => Promise<SummaryText>;

export interface MonthlySummaryDeps {
  source: SummarySource;
  document: SummaryDocument;
  rules: RulesSource;
  summarize: Summarizer;
  log?: Logger;
}

export interface MonthlySummaryOutcome {
  figures: MonthlyFigures;
  summary: SummaryText;
  documentUrl: string;
  /** Absent when the chart could not be drawn (the document is written anyway). */
  chartUrl?: string;
}

/**
 * Writes last month's summary into the owner's document.
 *
 * 1. Read the rules (store name, time zone, tiers) and place the month in the store's zone.
 * 2. Read the month's carts and audit entries and its estimated cost; compute the figures.
 * 3. Summarize them (the summarizer falls back to the deterministic text on its own; a summarizer
 *    that throws anyway gets the deterministic text here).
 * 4. Draw the chart; a failed chart is logged and the document still written, without the link.
 * 5. Write the document, then put the chart image into it where the document needs one (a failed
 *    image is logged; the document keeps its words and its chart link).
 * @example await writeMonthlySummary({ source, document, rules, summarize }, { month: '2026-10' })
 */
export async function writeMonthlySummary(
  deps: MonthlySummaryDeps,
  input: { month: string; now?: Date },
): Promise<MonthlySummaryOutcome> {
  const { rules } = await deps.rules.current();
  const { from, to } = monthWindow(input.month, rules.store.timezone);
  const window: SummaryWindow = {
    month: input.month,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
  };
  const [{ carts, audit }, costUsd] = await Promise.all([
    deps.source.records(window),
    deps.source.costUsd(window),
  ]);
  const figures = monthlyFigures({
    carts,
    audit,
    rules,
    month: input.month,
    costUsd,
    ...(input.now ? { now: input.now.getTime() } : {}),
  });

  let summary: SummaryText;
  try {
    summary = await deps.summarize(figures);
  } catch (error) {
    deps.log?.warn('summary text fell back', { month: input.month, error: errorName(error) });
    summary = deterministicSummary(figures);
  }
  if (summary.fallbackReason) {
    deps.log?.warn('summary text fell back', { month: input.month, reason: summary.fallbackReason });
  }

  let chartUrl: string | undefined;
  try {
    chartUrl = (await deps.document.chart(input.month, figures.days)).url;
  } catch (error) {
    deps.log?.error('summary chart failed', { month: input.month, error: errorName(error) });
  }
  const page: SummaryPage = {
    title: summary.title,
    paragraphs: summary.paragraphs,
    table: summary.table,
    highlights: highlights(figures),
    series: figures.days,
    ...(chartUrl ? { chart: { url: chartUrl, caption: CHART_CAPTION } } : {}),
  };
  const { url: documentUrl } = await deps.document.write(page);
  let chartEmbedded = false;
  if (deps.document.embedChart) {
    try {
      await deps.document.embedChart(input.month, figures.days);
      chartEmbedded = true;
    } catch (error) {
      deps.log?.error('summary chart image failed', { month: input.month, error: errorName(error) });
    }
  }
  deps.log?.info('monthly summary written', {
    month: input.month,
    source: summary.source,
    chart: chartUrl !== undefined,
    chartEmbedded,
  });
  return { figures, summary, documentUrl, ...(chartUrl ? { chartUrl } : {}) };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
}
