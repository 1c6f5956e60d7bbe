import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GoogleSummaryDocument,
  type GoogleSummaryDocumentOptions,
  GoogleSummaryError,
  summaryHtml,
} from '#sheets-sync/summary/google-summary-doc.js';
import { monthlyFigures } from '#sheets-sync/summary/monthly-figures.js';
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
    expect(file?.content).toContain('<tr><td>Recovery rate, medium carts</td><td>50% (1 of 2)</td></tr>');
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
    await document.write({ title: 'T', paragraphs: ['P'], table: [] });

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
    await document.write({ title: 'T', paragraphs: ['P'], table: [] });

    // Assess
    expect(waits).toEqual([1_500, 2_500, 4_500]);
    expect(google.file(documentId)?.content).toContain('<p>P</p>');
  });

  it('says to share the Doc when Drive cannot find it for the service account', async () => {
    // Prepare
    const { document } = fresh([], { documentId: 'not-shared-doc' });

    // Act
    const failure = (await document
      .write({ title: 'T', paragraphs: [], table: [] })
      .catch((error: unknown) => error)) as GoogleSummaryError;

    // Assess
    expect(failure.status).toBe(404);
    expect(failure.hint).toContain(`with ${google.serviceAccount.client_email} as Editor`);
  });

  it('fails with a named error when the Doc does not exist', async () => {
    // Prepare
    const { document } = fresh([], { documentId: 'no-such-doc' });

    // Act, Assess
    await expect(document.write({ title: 'T', paragraphs: [], table: [] })).rejects.toThrow(
      GoogleSummaryError,
    );
  });
});

describe('summaryHtml', () => {
  it('escapes every text and drops a chart link that is not https', () => {
    // Act
    const html = summaryHtml({
      title: 'Bob <b>& Co',
      paragraphs: ['<script>x</script>'],
      table: [{ label: 'a"b', value: "c'd" }],
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
    const rows = google.values(spreadsheetId)["'Summary'!A1:C32"];
    expect(rows).toHaveLength(32);
    expect(rows?.[0]).toEqual(['Day', 'Abandoned', 'Recovered']);
    expect(rows?.[1]).toEqual(['Oct 1', 1, 0]);
    expect(rows?.[5]).toEqual(['Oct 5', 2, 0]);
    expect(rows?.[31]).toEqual(['Oct 31', 1, 1]);
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
      title: 'Carts abandoned and recovered, October 2026',
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
      recovered: 0,
    }));

    // Act
    await document.chart('2026-11', november);

    // Assess
    const tab = google.tab(spreadsheetId, 'Summary');
    expect(tab?.charts).toHaveLength(1);
    expect(tab?.charts[0]?.chartId).not.toBe(oldChart);
    expect(tab?.charts[0]?.spec.title).toBe('Carts abandoned and recovered, November 2026');
    const rows = google.values(spreadsheetId)["'Summary'!A1:C32"];
    expect(rows?.[30]).toEqual(['Nov 30', 29, 0]);
    expect(rows?.[31]).toEqual(['', '', '']);
    // The tab existed: no second addSheet.
    expect(document.requests['spreadsheets.batchUpdate']).toBe(3);
  });
});
