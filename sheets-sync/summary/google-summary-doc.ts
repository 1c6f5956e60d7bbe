/**
 * The owner's summary in Google Workspace: a Google Doc the owner created at set-up (its content is
 * replaced each month by uploading HTML through Drive v3 `files.update`, which Drive converts into
 * the existing Doc) and a native chart in a `Summary` tab of the owner's spreadsheet (Sheets v4
 * `batchUpdate` `addChart`), which the Doc links to. Docs cannot take an SVG and an image would need
 * a public URL; a Sheets chart needs neither. Translates, nothing more; every call is retried on 429
 * and 5xx with the same back-off as the rules sheet.
 *
 * The service account needs the `drive` scope (the Doc is the owner's, shared with it; `drive.file`
 * only reaches files the app created) and the `spreadsheets` scope.
 */

import { Readable } from 'node:stream';
import { drive, type drive_v3 } from '@googleapis/drive';
import type { sheets_v4 } from '@googleapis/sheets';
import {
  GoogleAdapter,
  GoogleApiError,
  type GoogleClientOptions,
  type GoogleFailure,
  quoteTab,
  SHEETS_SCOPE,
} from '../google-sheets.js';
import { chartPng } from './chart-png.js';
import type { DayPoint } from './monthly-figures.js';
import { CHART_CAPTION, type SummaryDocument, type SummaryPage } from './monthly-summary.js';
import { monthName } from './summary-text.js';

export const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive';
export const DEFAULT_SUMMARY_TAB = 'Summary';
/** The series table's rows: a header and the longest month, so a shorter month blanks the rest. */
const SERIES_ROWS = 32;

export interface GoogleSummaryDocumentOptions extends GoogleClientOptions {
  /** The Google Doc the owner created for the summary. */
  documentId: string;
  /** The owner's spreadsheet, where the chart tab lives. */
  spreadsheetId: string;
  /** The chart's tab. Default "Summary". */
  tab?: string;
}

/** A Drive or Sheets call for the summary failed for good. */
export class GoogleSummaryError extends GoogleApiError {
  constructor(operation: string, failure: GoogleFailure, options?: { cause?: unknown }) {
    super(operation, failure, options);
    this.name = 'GoogleSummaryError';
  }
}

export const SUMMARY_OPERATIONS = [
  'files.update',
  'spreadsheets.get',
  'spreadsheets.batchUpdate',
  'values.update',
  'files.create',
  'permissions.create',
  'files.delete',
  'documents.get',
  'documents.batchUpdate',
] as const;

/** The Docs API refuses an image URI longer than this (InsertInlineImageRequest.uri: at most 2 kB). */
export const MAX_IMAGE_URI_LENGTH = 2048;
/** The chart's width in the Doc: the text width of a Letter or A4 page with Docs' default margins. */
const CHART_WIDTH_PT = 468;
export type SummaryOperation = (typeof SUMMARY_OPERATIONS)[number];

/**
 * The summary Doc and its chart tab.
 * @example
 * const document = new GoogleSummaryDocument({ documentId, spreadsheetId, serviceAccount: key });
 * await writeMonthlySummary({ source, document, rules, summarize }, { month: '2026-10' });
 */
export class GoogleSummaryDocument extends GoogleAdapter<SummaryOperation> implements SummaryDocument {
  readonly #drive: drive_v3.Drive;
  readonly #sheets: sheets_v4.Sheets;
  readonly #rootUrl: string | undefined;
  readonly #documentId: string;
  readonly #spreadsheetId: string;
  readonly #tab: string;

  constructor(options: GoogleSummaryDocumentOptions) {
    super(
      options,
      'GoogleSummaryDocument',
      SUMMARY_OPERATIONS,
      [DRIVE_SCOPE, SHEETS_SCOPE],
      GoogleSummaryError,
    );
    const root = options.rootUrl ? { rootUrl: options.rootUrl } : {};
    // Like sheetsApi: gaxios's own retries ignore Retry-After; `call` backs off.
    this.#drive = drive({ version: 'v3', auth: this.auth, ...root, retry: false, timeout: this.timeoutMs });
    this.#sheets = this.sheetsApi(options.rootUrl);
    this.#rootUrl = options.rootUrl;
    this.#documentId = options.documentId;
    this.#spreadsheetId = options.spreadsheetId;
    this.#tab = options.tab ?? DEFAULT_SUMMARY_TAB;
  }

  /** Replaces the Doc's content with the page, as HTML Drive converts into the Doc. */
  async write(page: SummaryPage): Promise<{ url: string }> {
    const html = summaryHtml(page);
    const response = await this.call('files.update', () =>
      this.#drive.files.update(
        {
          fileId: this.#documentId,
          supportsAllDrives: true,
          fields: 'id,webViewLink',
          media: { mimeType: 'text/html', body: html },
        },
        // Media uploads ignore the client's rootUrl (TOOLCHAIN.md): pass it on the call.
        this.#rootUrl ? { rootUrl: this.#rootUrl } : {},
      ),
    );
    return {
      url: response.data.webViewLink ?? `https://docs.google.com/document/d/${this.#documentId}/edit`,
    };
  }

  /**
   * Puts the chart itself into the Doc, as an image under the paragraphs. The Docs API takes an image
   * only by a URI it can fetch (publicly, once, at insertion; PNG, JPEG or GIF under 50 MB and 25
   * megapixels; the URI at most 2 kB), so: the chart is drawn as a PNG (chart-png.ts), uploaded to
   * the service account's Drive, readable by anyone with the link only until the Doc has its copy,
   * inserted at the caption's paragraph (or at the end), and the file deleted whatever happened.
   * @throws GoogleSummaryError when Drive or Docs refuse; the Doc keeps its text and chart link.
   */
  async embedChart(month: string, series: readonly DayPoint[]): Promise<void> {
    const created = await this.call('files.create', () =>
      this.#drive.files.create(
        {
          requestBody: { name: `cart-recovery-chart-${month}.png`, mimeType: 'image/png' },
          media: { mimeType: 'image/png', body: Readable.from([chartPng(series)]) },
          fields: 'id,webContentLink',
        },
        this.#rootUrl ? { rootUrl: this.#rootUrl } : {},
      ),
    );
    const fileId = created.data.id;
    const uri = created.data.webContentLink;
    if (!fileId || !uri) throw imageFailure('files.create', 'Drive returned no id or link for the chart');
    try {
      if (uri.length > MAX_IMAGE_URI_LENGTH)
        throw imageFailure('files.create', 'the chart link is longer than the Docs API takes');
      await this.call('permissions.create', () =>
        this.#drive.permissions.create({
          fileId,
          requestBody: { type: 'anyone', role: 'reader' },
          supportsAllDrives: true,
        }),
      );
      const index = await this.#captionIndex();
      await this.call('documents.batchUpdate', () =>
        this.#docs(`v1/documents/${encodeURIComponent(this.#documentId)}:batchUpdate`, 'POST', {
          requests: [
            {
              insertInlineImage: {
                uri,
                ...(index === undefined ? { endOfSegmentLocation: {} } : { location: { index } }),
                objectSize: { width: { magnitude: CHART_WIDTH_PT, unit: 'PT' } },
              },
            },
          ],
        }),
      );
    } finally {
      await this.call('files.delete', () => this.#drive.files.delete({ fileId, supportsAllDrives: true }));
    }
  }

  /** Where the chart goes: the start of the caption's paragraph, if the Doc has one. */
  async #captionIndex(): Promise<number | undefined> {
    const doc = await this.call('documents.get', () =>
      this.#docs<DocsDocument>(`v1/documents/${encodeURIComponent(this.#documentId)}`, 'GET'),
    );
    for (const element of doc.data.body?.content ?? []) {
      const text = (element.paragraph?.elements ?? []).map((e) => e.textRun?.content ?? '').join('');
      if (text.startsWith(CHART_CAPTION) && typeof element.startIndex === 'number') return element.startIndex;
    }
    return undefined;
  }

  /** One Docs API request with the adapter's own login (no Docs client package is installed). */
  #docs<T = unknown>(path: string, method: 'GET' | 'POST', data?: unknown): Promise<{ data: T }> {
    const client = this.auth as unknown as {
      request: (options: {
        url: string;
        method: string;
        data?: unknown;
        timeout: number;
      }) => Promise<{ data: T }>;
    };
    const root = this.#rootUrl ?? 'https://docs.googleapis.com/';
    return client.request({
      url: `${root}${path}`,
      method,
      ...(data ? { data } : {}),
      timeout: this.timeoutMs,
    });
  }

  /**
   * Writes the day-by-day series into the Summary tab (made when missing) and replaces its chart
   * with a column chart of abandoned vs recovered carts, in one all-or-nothing batchUpdate.
   */
  async chart(month: string, series: readonly DayPoint[]): Promise<{ url: string }> {
    const spreadsheet = await this.call('spreadsheets.get', () =>
      this.#sheets.spreadsheets.get({
        spreadsheetId: this.#spreadsheetId,
        fields: 'sheets(properties(sheetId,title),charts(chartId))',
      }),
    );
    const existing = spreadsheet.data.sheets?.find((s) => s.properties?.title === this.#tab);
    let sheetId = existing?.properties?.sheetId ?? undefined;
    if (sheetId === undefined) {
      const added = await this.call('spreadsheets.batchUpdate', () =>
        this.#sheets.spreadsheets.batchUpdate({
          spreadsheetId: this.#spreadsheetId,
          requestBody: { requests: [{ addSheet: { properties: { title: this.#tab } } }] },
        }),
      );
      sheetId = added.data.replies?.[0]?.addSheet?.properties?.sheetId ?? undefined;
      if (sheetId === undefined) {
        throw new GoogleSummaryError('spreadsheets.batchUpdate', {
          status: undefined,
          reason: undefined,
          detail: 'addSheet returned no sheetId',
          hint: 'Google answered oddly; try again later.',
          temporary: true,
        });
      }
    }
    const range = `${quoteTab(this.#tab)}!A1:D${SERIES_ROWS}`;
    await this.call('values.update', () =>
      this.#sheets.spreadsheets.values.update({
        spreadsheetId: this.#spreadsheetId,
        range,
        valueInputOption: 'RAW',
        requestBody: { range, majorDimension: 'ROWS', values: seriesValues(series) },
      }),
    );
    const oldCharts = (existing?.charts ?? []).flatMap((c) =>
      typeof c.chartId === 'number' ? [c.chartId] : [],
    );
    const chartSheetId = sheetId;
    await this.call('spreadsheets.batchUpdate', () =>
      this.#sheets.spreadsheets.batchUpdate({
        spreadsheetId: this.#spreadsheetId,
        requestBody: { requests: chartRequests(chartSheetId, month, series.length, oldCharts) },
      }),
    );
    return { url: `https://docs.google.com/spreadsheets/d/${this.#spreadsheetId}/edit#gid=${sheetId}` };
  }
}

/** The part of a Docs API document the chart's placement reads. */
interface DocsDocument {
  body?: {
    content?: {
      startIndex?: number;
      paragraph?: { elements?: { textRun?: { content?: string } }[] };
    }[];
  };
}

function imageFailure(operation: string, detail: string): GoogleSummaryError {
  return new GoogleSummaryError(operation, {
    status: undefined,
    reason: undefined,
    detail,
    hint: 'The Doc has the summary and a link to the chart; the chart image is missing this month.',
    temporary: false,
  });
}

/** The series as the Summary tab's rows: a header, one row a day ("Oct 1"), blanks to row 32. */
export function seriesValues(series: readonly DayPoint[]): (string | number)[][] {
  const rows: (string | number)[][] = [['Day', 'Abandoned', 'Reminded', 'Recovered']];
  for (const point of series)
    rows.push([dayLabel(point.day), point.abandoned, point.reminded, point.recovered]);
  while (rows.length < SERIES_ROWS) rows.push(['', '', '', '']);
  return rows;
}

function dayLabel(day: string): string {
  const short = new Intl.DateTimeFormat('en-US', { month: 'short', timeZone: 'UTC' }).format(
    new Date(`${day}T00:00:00Z`),
  );
  return `${short} ${Number(day.slice(8, 10))}`;
}

/**
 * The batchUpdate requests that replace the tab's charts with the month's column chart over the
 * series rows (header included, so the legend reads "Abandoned", "Reminded" and "Recovered").
 */
export function chartRequests(
  sheetId: number,
  month: string,
  days: number,
  oldChartIds: readonly number[] = [],
): sheets_v4.Schema$Request[] {
  const column = (index: number): sheets_v4.Schema$ChartData => ({
    sourceRange: {
      sources: [
        {
          sheetId,
          startRowIndex: 0,
          endRowIndex: days + 1,
          startColumnIndex: index,
          endColumnIndex: index + 1,
        },
      ],
    },
  });
  return [
    ...oldChartIds.map((objectId) => ({ deleteEmbeddedObject: { objectId } })),
    {
      addChart: {
        chart: {
          spec: {
            title: `Carts abandoned, reminded and recovered, ${monthName(month)}`,
            basicChart: {
              chartType: 'COLUMN',
              legendPosition: 'BOTTOM_LEGEND',
              headerCount: 1,
              axis: [
                { position: 'BOTTOM_AXIS', title: 'Day' },
                { position: 'LEFT_AXIS', title: 'Carts' },
              ],
              domains: [{ domain: column(0) }],
              series: [
                { series: column(1), targetAxis: 'LEFT_AXIS' },
                { series: column(2), targetAxis: 'LEFT_AXIS' },
                { series: column(3), targetAxis: 'LEFT_AXIS' },
              ],
            },
          },
          position: {
            overlayPosition: {
              anchorCell: { sheetId, rowIndex: 0, columnIndex: 4 },
              widthPixels: 760,
              heightPixels: 380,
            },
          },
        },
      },
    },
  ];
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

/**
 * The page as a small HTML document Drive converts into the Doc: a heading, the paragraphs, the
 * chart link and the figures table. Every text is escaped; only an https chart link is kept.
 */
export function summaryHtml(page: SummaryPage): string {
  // The chart image goes in at the start of this paragraph (embedChart); its words say the colours.
  const legend = ' (grey: abandoned, blue: reminded, green: recovered)';
  const chart =
    page.chart && /^https:\/\//.test(page.chart.url)
      ? `<p><a href="${escapeHtml(page.chart.url)}">${escapeHtml(page.chart.caption)}</a>${legend}</p>`
      : '';
  const rows = page.table
    .map((r) => `<tr><td>${escapeHtml(r.label)}</td><td>${escapeHtml(r.value)}</td></tr>`)
    .join('');
  return [
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>',
    escapeHtml(page.title),
    '</title></head><body>',
    `<h1>${escapeHtml(page.title)}</h1>`,
    ...page.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    chart,
    '<h2>The figures</h2>',
    `<table><tbody>${rows}</tbody></table>`,
    '</body></html>',
  ].join('');
}
