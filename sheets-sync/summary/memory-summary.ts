/** In-memory twins of the summary's ports, for tests and the local stack. */
import type { Cart } from '#engine/domain/cart.js';
import type { AuditEntry } from '#engine/ports.js';
import type { DayPoint } from './monthly-figures.js';
import type { SummaryDocument, SummaryPage, SummarySource } from './monthly-summary.js';

/** Hands out the carts and entries it holds, whatever the window. */
export class MemorySummarySource implements SummarySource {
  constructor(
    readonly carts: Cart[] = [],
    readonly audit: AuditEntry[] = [],
    readonly cost = 0,
  ) {}
  async records(): Promise<{ carts: Cart[]; audit: AuditEntry[] }> {
    return { carts: [...this.carts], audit: [...this.audit] };
  }
  async costUsd(): Promise<number> {
    return this.cost;
  }
}

/** Keeps every page and chart it is given; `failChart` makes the next charts fail. */
export class MemorySummaryDocument implements SummaryDocument {
  readonly pages: SummaryPage[] = [];
  readonly charts: { month: string; series: DayPoint[] }[] = [];
  failChart = false;
  /** Months whose chart was embedded; `failEmbed` makes the next embeds fail. */
  readonly embedded: string[] = [];
  failEmbed = false;
  async embedChart(month: string): Promise<void> {
    if (this.failEmbed) throw new Error('embed failed on purpose');
    this.embedded.push(month);
  }
  async chart(month: string, series: readonly DayPoint[]): Promise<{ url: string }> {
    if (this.failChart) throw new Error('chart failed on purpose');
    this.charts.push({ month, series: [...series] });
    return { url: `memory://chart/${month}` };
  }
  async write(page: SummaryPage): Promise<{ url: string }> {
    this.pages.push(page);
    return { url: 'memory://summary' };
  }
}
