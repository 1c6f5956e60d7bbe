/**
 * The owner's nightly and monthly jobs in the local stack (`npm start`, no Google credentials): the
 * same handlers as in Lambda, with the spreadsheet as CSV files and the summary as an HTML file under
 * the data directory, against the local DynamoDB (the local stack's environment points the SDK at
 * dynalite).
 *
 * - `<dataDir>/export/carts-YYYY-MM-DD.csv`: the night's carts; `<dataDir>/import.csv`: rows to import.
 * - `<dataDir>/summary/YYYY-MM.html` and `YYYY-MM-chart.csv`: the monthly summary and its chart series.
 *
 * They run at the store's local midnight (the night just ended; on the 1st also last month's summary),
 * or now on `POST /local/nightly[?night=YYYY-MM-DD]` and `POST /local/summary[?month=YYYY-MM]`. Run
 * by hand they default to what a developer trying the stack has just made: today so far and this
 * month so far, in the store's zone (the night just ended and last month are usually empty).
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { ValidationError } from '#engine/domain/errors.js';
import { formatLocal, nextLocalTime } from '#engine/domain/time-zone.js';
import type { Logger } from '#engine/ports.js';
import { CsvCartsTab, toCsv } from './csv-carts-tab.js';
import { handleNightly, nightJustEnded } from './nightly.handler.js';
import { NightlyInputError, type NightlyResult } from './nightly-export.js';
import { summaryHtml } from './summary/google-summary-doc.js';
import { type DayPoint, previousMonth } from './summary/monthly-figures.js';
import type { SummaryDocument, SummaryPage } from './summary/monthly-summary.js';
import { handleSummary, type SummaryResult } from './summary.handler.js';
import { nightlyPorts, summaryPorts } from './sync-context.js';

/** What the jobs need of the local stack. */
export interface LocalJobsStack {
  dataDir: string;
}

/**
 * The summary as files: `<dir>/summary/<month>.html` (the page) and `<month>-chart.csv` (the chart's
 * series: day, abandoned, recovered), which the page links to.
 */
export class FileSummaryDocument implements SummaryDocument {
  readonly htmlPath: string;
  readonly chartPath: string;

  constructor(options: { dir: string; month: string }) {
    this.htmlPath = join(options.dir, 'summary', `${options.month}.html`);
    this.chartPath = join(options.dir, 'summary', `${options.month}-chart.csv`);
  }

  async chart(_month: string, series: readonly DayPoint[]): Promise<{ url: string }> {
    const rows = [['Day', 'Abandoned', 'Recovered'], ...series.map((p) => [p.day, p.abandoned, p.recovered])];
    await writeAtomically(this.chartPath, toCsv(rows));
    return { url: `file://${this.chartPath}` };
  }

  async write(page: SummaryPage): Promise<{ url: string }> {
    // summaryHtml keeps only https links (the Doc's); a local page links to its CSV beside it.
    const { chart, ...rest } = page;
    const link = chart
      ? `<p><a href="${encodeURI(chart.url)}">${escapeHtml(chart.caption)} (CSV)</a></p>`
      : '';
    await writeAtomically(this.htmlPath, summaryHtml(rest).replace('</body>', `${link}</body>`));
    return { url: `file://${this.htmlPath}` };
  }
}

/** The store-local date `now` falls on (YYYY-MM-DD): the night a run by hand exports so far. */
export function localToday(now: number, zone: string): string {
  return formatLocal(now, zone).slice(0, 10);
}

/** The store-local month `now` falls in (YYYY-MM): the month a summary by hand reports so far. */
export function localMonth(now: number, zone: string): string {
  return formatLocal(now, zone).slice(0, 7);
}

/**
 * Runs the nightly export/import now, for the night given or else today so far in the store's zone.
 * @example await runLocalNightly(stack) // writes .data/export/carts-<today>.csv
 */
export async function runLocalNightly(
  stack: LocalJobsStack,
  input: { night?: string } = {},
): Promise<NightlyResult & { exportPath: string; importPath: string }> {
  const tab = new CsvCartsTab({ dir: stack.dataDir });
  const ports = nightlyPorts();
  const night =
    input.night ??
    localToday(ports.clock.now().getTime(), (await ports.rules.current()).rules.store.timezone);
  const result = await handleNightly({ deps: { ...ports, tab } }, { night });
  return { ...result, exportPath: tab.exportPath(result.night), importPath: tab.importPath };
}

/**
 * Writes the monthly summary now, for the month given or else this month so far in the store's zone.
 * @example await runLocalSummary(stack, { month: '2026-10' }) // writes .data/summary/2026-10.html
 */
export async function runLocalSummary(
  stack: LocalJobsStack,
  input: { month?: string } = {},
): Promise<SummaryResult & { htmlPath: string }> {
  const { deps, clock } = summaryPorts();
  const month =
    input.month ?? localMonth(clock.now().getTime(), (await deps.rules.current()).rules.store.timezone);
  const document = new FileSummaryDocument({ dir: stack.dataDir, month });
  // The handler validates the month the caller gave before anything is written.
  const result = await handleSummary({ deps: { ...deps, document }, clock }, { month });
  return { ...result, htmlPath: document.htmlPath };
}

/** The start banner's lines about the owner's files and how to run the jobs now. */
export function localOwnerJobsBanner(url: string, dataDir: string): string {
  return `  Nightly export ${join(dataDir, 'export', 'carts-YYYY-MM-DD.csv')} (at the store's midnight)
  Import rows    ${join(dataDir, 'import.csv')}
  Summary        ${join(dataDir, 'summary', 'YYYY-MM.html')} (on the 1st)

Export today's carts so far:  curl -X POST ${url}/local/nightly   (another day: ?night=YYYY-MM-DD)
Summary of this month so far: curl -X POST ${url}/local/summary   (another month: ?month=YYYY-MM)`;
}

export interface LocalOwnerJobs {
  /** Answers POST /local/nightly and /local/summary; false for any other path. */
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean>;
  stop(): void;
}

/** Arms the midnight timer (re-armed after each run) and returns the HTTP hook. */
export function startLocalOwnerJobs(stack: LocalJobsStack, log: Logger): LocalOwnerJobs {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const arm = async () => {
    const zone = (await nightlyPorts().rules.current()).rules.store.timezone;
    // A minute past midnight, so the night that just ended is unambiguous.
    const at = nextLocalTime(Date.now() + 1000, zone, 1);
    if (stopped) return;
    timer = setTimeout(() => void midnight(), at - Date.now());
    timer.unref();
  };
  const midnight = async () => {
    try {
      // As in production: the night that just ended, and on the 1st the month that just ended.
      const zone = (await nightlyPorts().rules.current()).rules.store.timezone;
      const nightly = await runLocalNightly(stack, { night: nightJustEnded(Date.now(), zone) });
      log.info('local nightly export written', { night: nightly.night, exported: nightly.exported });
      if (previousMonth(Date.now(), zone) !== previousMonth(Date.now() - 86_400_000, zone)) {
        const summary = await runLocalSummary(stack, { month: previousMonth(Date.now(), zone) });
        log.info('local monthly summary written', { month: summary.month });
      }
    } catch (error) {
      log.error('local owner job failed', { error: error instanceof Error ? error.message : 'unknown' });
    }
    await arm().catch(() => undefined);
  };
  arm().catch((error: unknown) => {
    log.error('local owner jobs not armed', { error: error instanceof Error ? error.message : 'unknown' });
  });

  return {
    async handle(request, response, url) {
      const jobs: Record<string, () => Promise<unknown>> = {
        '/local/nightly': () => runLocalNightly(stack, optional(url, 'night')),
        '/local/summary': () => runLocalSummary(stack, optional(url, 'month')),
      };
      const job = jobs[url.pathname.replace(/\/+$/, '')];
      if (!job) return false;
      if (request.method !== 'POST') {
        send(response, 405, { error: 'Use POST.' }, { allow: 'POST' });
        return true;
      }
      try {
        send(response, 200, await job());
      } catch (error) {
        if (error instanceof ValidationError || error instanceof NightlyInputError) {
          send(response, 400, { error: error.message });
        } else {
          log.error('local owner job failed', { error: error instanceof Error ? error.message : 'unknown' });
          send(response, 500, { error: 'The job failed; the local stack logged why.' });
        }
      }
      return true;
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

function optional<K extends string>(url: URL, name: K): Partial<Record<K, string>> {
  const value = url.searchParams.get(name);
  return (value === null ? {} : { [name]: value }) as Partial<Record<K, string>>;
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(`${JSON.stringify(body, null, 2)}\n`);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, path);
}
