import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GoogleSummaryDocument,
  type GoogleSummaryDocumentOptions,
  GoogleSummaryError,
  summaryHtml,
} from '#sheets-sync/summary/google-summary-doc.js';
import { monthlyFigures } from '#sheets-sync/summary/monthly-figures.js';
import { CHART_CAPTION } from '#sheets-sync/summary/monthly-summary.js';
import { deterministicSummary } from '#sheets-sync/summary/summary-text.js';
import { sampleRules } from '#test/fakes/sample-cart.js';
import { type GoogleDriveServer, startGoogleDriveServer } from './google-drive-server.js';
import { OCTOBER_COST_USD, octoberAudit, octoberCarts } from './october-month.js';

let google: GoogleDriveServer;
let made = 0;

beforeAll(async () => {
  google = await startGoogleDriveServer();
});

afterAll(async () => {
  await google?.stop();
});

function october() {
  return monthlyFigures({
    carts: octoberCarts(),
    audit: octoberAudit(),
    rules: sampleRules(),
    month: '2026-10',
    costUsd: OCTOBER_COST_USD,
  });
}

/** A fresh Doc and spreadsheet, and an adapter on them whose waits are recorded, not slept. */
function fresh(tabs: string[] = ['Rules'], options: Partial<GoogleSummaryDocumentOptions> = {}) {
  made += 1;
  const documentId = `doc-${made}`;
  const spreadsheetId = `sheet-${made}`;
  google.addDocument(documentId);
  google.addSpreadsheet(spreadsheetId, tabs);
  const waits: number[] = [];
  const document = new GoogleSummaryDocument({
    documentId,
    spreadsheetId,
    serviceAccount: google.serviceAccount,
    tokenUrl: google.tokenUrl,
    rootUrl: google.rootUrl,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { documentId, spreadsheetId, document, waits };
}

describe('GoogleSummaryDocument.write', () => {
  it('uploads the page as HTML into the existing Doc, figures included', async () => {
    // Prepare
    const { documentId, document } = fresh();
    const summary = deterministicSummary(october());
    const before = google.requests.length;

    // Act
    const { url } = await document.write({
      title: summary.title,
      paragraphs: summary.paragraphs,
      table: summary.table,
      highlights: [],
      series: [],
      chart: { url: 'https://docs.google.com/spreadsheets/d/sheet/edit#gid=7', caption: 'By day' },
    });

    // Assess
    const upload = google.requests.slice(before);
    expect(upload).toHaveLength(1);
    expect(upload[0]).toMatchObject({
      method: 'PATCH',
      path: `/upload/drive/v3/files/${documentId}`,
      query: { uploadType: 'media', supportsAllDrives: 'true' },
      status: 200,
    });
    const file = google.file(documentId);
    expect(file?.uploadedAs).toMatch(/^text\/html/);
    expect(file?.content).toContain('<h1>Acme Outfitters: abandoned carts in October 2026</h1>');
    expect(file?.content).toContain('<tr><td>Recovered revenue</td><td>$240.99 and €40.00</td></tr>');
    expect(file?.content).toContain(
      '<tr><td>Recovery rate, medium carts</td><td>50% (1 of 2 left this month)</td></tr>',
    );
    expect(file?.content).toContain(
      '<a href="https://docs.google.com/spreadsheets/d/sheet/edit#gid=7">By day</a>',
    );
    expect(url).toBe(`https://docs.google.com/document/d/${documentId}/edit`);
  });

  it('retries a 429 and then succeeds', async () => {
    // Prepare
    const { documentId, document, waits } = fresh();
    google.failNext(1);

    // Act
    await document.write({ title: 'T', paragraphs: ['P'], table: [], highlights: [], series: [] });

    // Assess
    expect(waits).toHaveLength(1);
    expect(document.requests['files.update']).toBe(2);
    expect(google.file(documentId)?.content).toContain('<p>P</p>');
  });

  it("retries Drive's rate-limit 403 (userRateLimitExceeded) with doubling waits, as Google advises", async () => {
    // Prepare
    const { documentId, document, waits } = fresh();
    google.failNext(3, 403, 'userRateLimitExceeded');

    // Act
    await document.write({ title: 'T', paragraphs: ['P'], table: [], highlights: [], series: [] });

    // Assess
    expect(waits).toEqual([1_500, 2_500, 4_500]);
    expect(google.file(documentId)?.content).toContain('<p>P</p>');
  });

  it('says to share the Doc when Drive cannot find it for the service account', async () => {
    // Prepare
    const { document } = fresh([], { documentId: 'not-shared-doc' });

    // Act
    const failure = (await document
      .write({ title: 'T', paragraphs: [], table: [], highlights: [], series: [] })
      .catch((error: unknown) => error)) as GoogleSummaryError;

    // Assess
    expect(failure.status).toBe(404);
    expect(failure.hint).toContain(`with ${google.serviceAccount.client_email} as Editor`);
  });

  it('fails with a named error when the Doc does not exist', async () => {
    // Prepare
    const { document } = fresh([], { documentId: 'no-such-doc' });

    // Act, Assess
    await expect(
      document.write({ title: 'T', paragraphs: [], table: [], highlights: [], series: [] }),
    ).rejects.toThrow(GoogleSummaryError);
  });
});

describe('GoogleSummaryDocument.embedChart', () => {
  const page = () => {
    const figures = october();
    const summary = deterministicSummary(figures);
    return {
      title: summary.title,
      paragraphs: summary.paragraphs,
      table: summary.table,
      highlights: [],
      series: figures.days,
      chart: { url: 'https://docs.google.com/spreadsheets/d/sheet/edit#gid=7', caption: CHART_CAPTION },
    };
  };

  it('puts the chart into the Doc as a PNG at its caption, shared only while Docs fetches it', async () => {
    // Prepare
    const { documentId, document } = fresh();
    await document.write(page());
    const before = google.files().length;

    // Act
    await document.embedChart('2026-10', october().days);

    // Assess
    const doc = google.file(documentId);
    expect(doc?.images).toHaveLength(1);
    const image = doc?.images?.[0];
    expect(image?.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(image?.bytes.readUInt32BE(16)).toBe(1200);
    expect(image?.widthPt).toBe(468);
    expect(image?.uri).toMatch(/\/download\/file-\d+$/);
    // At the caption's paragraph, after the title and the four paragraphs.
    expect(typeof image?.index).toBe('number');
    expect(doc?.content).toContain(
      `${CHART_CAPTION}</a> (grey: abandoned, blue: reminded, green: recovered)`,
    );
    // The temporary file is gone again, and its link with it.
    expect(google.files()).toHaveLength(before);
    expect((await fetch(image?.uri ?? '')).status).toBe(403);
    expect(document.requests).toMatchObject({
      'files.create': 1,
      'permissions.create': 1,
      'documents.get': 1,
      'documents.batchUpdate': 1,
      'files.delete': 1,
    });
  });

  it('appends the chart at the end when the Doc has no caption (the chart link failed)', async () => {
    // Prepare
    const { documentId, document } = fresh();
    const { chart: _chart, ...withoutChart } = page();
    await document.write(withoutChart);

    // Act
    await document.embedChart('2026-10', october().days);

    // Assess
    expect(google.file(documentId)?.images?.[0]?.index).toBe('end');
  });

  it('fails with a named error when Docs cannot fetch the image, and still deletes the file', async () => {
    // Prepare
    const { documentId, document } = fresh();
    await document.write(page());
    const before = google.files().length;
    google.failDownloads(404);

    // Act
    const failure = await document.embedChart('2026-10', october().days).catch((error: unknown) => error);
    google.failDownloads(200);

    // Assess
    expect(failure).toBeInstanceOf(GoogleSummaryError);
    expect((failure as GoogleSummaryError).status).toBe(400);
    expect(String((failure as Error).message)).toContain('There was a problem retrieving the image');
    expect(google.file(documentId)?.images).toBeUndefined();
    expect(google.files()).toHaveLength(before);
  });
});

describe('summaryHtml', () => {
  it('escapes every text and drops a chart link that is not https', () => {
    // Act
    const html = summaryHtml({
      title: 'Bob <b>& Co',
      paragraphs: ['<script>x</script>'],
      table: [{ label: 'a"b', value: "c'd" }],
      highlights: [],
      series: [],
      chart: { url: 'javascript:alert(1)', caption: 'chart' },
    });

    // Assess
    expect(html).toContain('<h1>Bob &lt;b&gt;&amp; Co</h1>');
    expect(html).toContain('<p>&lt;script&gt;x&lt;/script&gt;</p>');
    expect(html).toContain('<td>a&quot;b</td><td>c&#39;d</td>');
    expect(html).not.toContain('javascript:');
  });
});

describe('GoogleSummaryDocument.chart', () => {
  it('makes the Summary tab, writes the series and adds a column chart over it', async () => {
    // Prepare
    const { spreadsheetId, document } = fresh(['Rules']);
    const figures = october();

    // Act
    const { url } = await document.chart('2026-10', figures.days);

    // Assess
    const tab = google.tab(spreadsheetId, 'Summary');
    expect(tab).toBeDefined();
    expect(url).toBe(`https://docs.google.com/spreadsheets/d/${spreadsheetId}/edit#gid=${tab?.sheetId}`);
    const rows = google.values(spreadsheetId)["'Summary'!A1:D32"];
    expect(rows).toHaveLength(32);
    expect(rows?.[0]).toEqual(['Day', 'Abandoned', 'Reminded', 'Recovered']);
    expect(rows?.[1]).toEqual(['Oct 1', 1, 2, 0]);
    expect(rows?.[5]).toEqual(['Oct 5', 2, 0, 0]);
    expect(rows?.[31]).toEqual(['Oct 31', 1, 1, 1]);
    expect(tab?.charts).toHaveLength(1);
    const sheetId = tab?.sheetId;
    const column = (index: number) => ({
      sourceRange: {
        sources: [
          { sheetId, startRowIndex: 0, endRowIndex: 32, startColumnIndex: index, endColumnIndex: index + 1 },
        ],
      },
    });
    expect(tab?.charts[0]?.spec).toEqual({
      title: 'Carts abandoned, reminded and recovered, October 2026',
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
    });
    expect(tab?.charts[0]?.position).toMatchObject({
      overlayPosition: { anchorCell: { sheetId, rowIndex: 0, columnIndex: 4 } },
    });
  });

  it("replaces last month's chart and blanks the rows a shorter month leaves", async () => {
    // Prepare
    const { spreadsheetId, document } = fresh(['Rules']);
    await document.chart('2026-10', october().days);
    const oldChart = google.tab(spreadsheetId, 'Summary')?.charts[0]?.chartId;
    const november = Array.from({ length: 30 }, (_, i) => ({
      day: `2026-11-${String(i + 1).padStart(2, '0')}`,
      abandoned: i,
      reminded: 0,
      recovered: 0,
    }));

    // Act
    await document.chart('2026-11', november);

    // Assess
    const tab = google.tab(spreadsheetId, 'Summary');
    expect(tab?.charts).toHaveLength(1);
    expect(tab?.charts[0]?.chartId).not.toBe(oldChart);
    expect(tab?.charts[0]?.spec.title).toBe('Carts abandoned, reminded and recovered, November 2026');
    const rows = google.values(spreadsheetId)["'Summary'!A1:D32"];
    expect(rows?.[30]).toEqual(['Nov 30', 29, 0, 0]);
    expect(rows?.[31]).toEqual(['', '', '', '']);
    // The tab existed: no second addSheet.
    expect(document.requests['spreadsheets.batchUpdate']).toBe(3);
  });
});
