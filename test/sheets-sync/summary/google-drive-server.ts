/**
 * A local Google server for the monthly summary's adapter, for the real @googleapis/drive and
 * @googleapis/sheets clients (pointed at it with `rootUrl`). It speaks:
 *
 * - Drive v3 `PATCH /upload/drive/v3/files/{fileId}?uploadType=media` (files.update with media):
 *   keeps the uploaded body as the file's content; a Doc stays a Doc, as when Drive converts HTML.
 * - Sheets v4 `GET /v4/spreadsheets/{id}` (tabs and their charts), `PUT .../values/{range}` (kept
 *   as sent) and `POST /v4/spreadsheets/{id}:batchUpdate` with addSheet, addChart and
 *   deleteEmbeddedObject. test/peers/google-api-server.ts does not serve addChart, hence this one.
 *
 * Every request must carry an access token the fake login endpoints issued
 * (test/peers/google-auth-server.ts), with the scope the API needs; a self-signed JWT is refused.
 * `failNext` makes the next requests answer 429 (or any status; a 403 with Drive's rate-limit
 * reason, `userRateLimitExceeded`, when asked).
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  GoogleAuthRefusal,
  type GoogleAuthServer,
  startGoogleAuthServer,
} from '#test/peers/google-auth-server.js';
import { type FakeServiceAccount, fakeServiceAccount } from '#test/peers/google-service-account.js';

export interface DriveFile {
  id: string;
  mimeType: string;
  content: string;
  /** The content type of the last upload. */
  uploadedAs?: string;
}

export interface FakeChart {
  chartId: number;
  spec: Record<string, unknown>;
  position: Record<string, unknown>;
}

interface FakeTab {
  sheetId: number;
  title: string;
  charts: FakeChart[];
}

export interface RecordedGoogleRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  /** JSON bodies parsed; any other body as text. */
  body: unknown;
  status: number;
}

export interface GoogleDriveServer {
  /** e.g. http://127.0.0.1:41234/ (pass as rootUrl). */
  rootUrl: string;
  /** The OAuth token endpoint of the fake login (pass as tokenUrl). */
  tokenUrl: string;
  serviceAccount: FakeServiceAccount;
  requests: RecordedGoogleRequest[];
  addDocument(fileId: string): void;
  file(fileId: string): DriveFile | undefined;
  addSpreadsheet(spreadsheetId: string, tabs: string[]): void;
  tab(spreadsheetId: string, title: string): FakeTab | undefined;
  /** The values last written into a range of a spreadsheet, by A1 range as sent. */
  values(spreadsheetId: string): Record<string, unknown[][]>;
  failNext(count: number, status?: number, reason?: string): void;
  stop(): Promise<void>;
}

const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive';
const SHEETS_SCOPE = 'https://www.googleapis.com/auth/spreadsheets';
const GOOGLE_DOC = 'application/vnd.google-apps.document';

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly status: string,
    message: string,
  ) {
    super(message);
  }
}

/** Starts the server on a random local port with a fresh fake service account. */
export async function startGoogleDriveServer(): Promise<GoogleDriveServer> {
  const auth: GoogleAuthServer = await startGoogleAuthServer({
    serviceAccount: fakeServiceAccount('summary@cart-recovery-test.iam.gserviceaccount.com'),
  });
  const account = auth.serviceAccount;
  const files = new Map<string, DriveFile>();
  const books = new Map<string, { tabs: FakeTab[]; values: Record<string, unknown[][]>; next: number }>();
  const requests: RecordedGoogleRequest[] = [];
  const failures: { status: number; reason: string | undefined }[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const text = Buffer.concat(chunks).toString('utf8');
      const contentType = req.headers['content-type'];
      const record: RecordedGoogleRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        contentType,
        body: contentType?.startsWith('application/json') && text ? JSON.parse(text) : text,
        status: 200,
      };
      requests.push(record);
      try {
        const isDrive = url.pathname.startsWith('/upload/drive/') || url.pathname.startsWith('/drive/');
        auth.check(req.headers.authorization, isDrive ? DRIVE_SCOPE : SHEETS_SCOPE);
        const failure = failures.shift();
        if (failure?.reason) {
          // Drive's rate-limit answer: 403 with the reason in errors[] (Drive v3's error shape).
          record.status = failure.status;
          send(res, failure.status, {
            error: {
              code: failure.status,
              message: 'User Rate Limit Exceeded',
              errors: [
                { message: 'User Rate Limit Exceeded', domain: 'usageLimits', reason: failure.reason },
              ],
            },
          });
          return;
        }
        if (failure !== undefined)
          throw new ApiError(failure.status, 'RESOURCE_EXHAUSTED', 'Injected failure');
        send(res, 200, route(req.method ?? 'GET', url, record));
      } catch (error) {
        const e =
          error instanceof ApiError
            ? error
            : error instanceof GoogleAuthRefusal
              ? new ApiError(error.code, error.status, error.message)
              : new ApiError(400, 'INVALID_ARGUMENT', error instanceof Error ? error.message : 'bad request');
        record.status = e.code;
        send(res, e.code, { error: { code: e.code, message: e.message, status: e.status } });
      }
    });
  });

  function route(method: string, url: URL, record: RecordedGoogleRequest): unknown {
    const upload = /^\/upload\/drive\/v3\/files\/([^/]+)$/.exec(url.pathname);
    if (upload?.[1] && method === 'PATCH') {
      if (url.searchParams.get('uploadType') !== 'media') {
        throw new ApiError(400, 'INVALID_ARGUMENT', 'this fake takes uploadType=media only');
      }
      const file = files.get(decodeURIComponent(upload[1]));
      if (!file) throw new ApiError(404, 'NOT_FOUND', 'File not found.');
      file.content = String(record.body);
      file.uploadedAs = record.contentType;
      return { id: file.id, webViewLink: `https://docs.google.com/document/d/${file.id}/edit` };
    }
    const sheet = /^\/v4\/spreadsheets\/([^/:]+)(:batchUpdate)?(?:\/values\/(.+))?$/.exec(url.pathname);
    const book = sheet?.[1] ? books.get(decodeURIComponent(sheet[1])) : undefined;
    if (!sheet || !book) throw new ApiError(404, 'NOT_FOUND', 'Requested entity was not found.');
    if (sheet[2] && method === 'POST') {
      const body = record.body as { requests?: Record<string, Record<string, unknown>>[] };
      // All or nothing, as in Google.
      const draft = structuredClone(book);
      const replies = (body.requests ?? []).map((request) => apply(draft, request));
      books.set(decodeURIComponent(sheet[1] ?? ''), draft);
      return { replies };
    }
    if (sheet[3] && method === 'PUT') {
      if (url.searchParams.get('valueInputOption') !== 'RAW') {
        throw new ApiError(400, 'INVALID_ARGUMENT', 'valueInputOption must be RAW here');
      }
      book.values[decodeURIComponent(sheet[3])] = (record.body as { values: unknown[][] }).values;
      return {};
    }
    if (!sheet[2] && !sheet[3] && method === 'GET') {
      return {
        sheets: book.tabs.map((t) => ({
          properties: { sheetId: t.sheetId, title: t.title },
          ...(t.charts.length ? { charts: t.charts.map((c) => ({ chartId: c.chartId })) } : {}),
        })),
      };
    }
    throw new ApiError(404, 'NOT_FOUND', 'Requested entity was not found.');
  }

  function apply(
    book: { tabs: FakeTab[]; next: number },
    request: Record<string, Record<string, unknown>>,
  ): unknown {
    const [kind = '', payload = {}] = Object.entries(request)[0] ?? [];
    switch (kind) {
      case 'addSheet': {
        const title = String((payload.properties as { title?: string })?.title);
        if (book.tabs.some((t) => t.title === title)) {
          throw new ApiError(400, 'INVALID_ARGUMENT', `A sheet with the name "${title}" already exists.`);
        }
        const tab = { sheetId: book.next++, title, charts: [] };
        book.tabs.push(tab);
        return { addSheet: { properties: { sheetId: tab.sheetId, title } } };
      }
      case 'addChart': {
        const chart = payload.chart as { spec: Record<string, unknown>; position: Record<string, unknown> };
        const anchor = (chart.position.overlayPosition as { anchorCell?: { sheetId?: number } })?.anchorCell;
        const tab = book.tabs.find((t) => t.sheetId === anchor?.sheetId);
        if (!tab) throw new ApiError(400, 'INVALID_ARGUMENT', 'No grid with the anchor cell sheetId');
        const added = { chartId: book.next++, spec: chart.spec, position: chart.position };
        tab.charts.push(added);
        return { addChart: { chart: added } };
      }
      case 'deleteEmbeddedObject': {
        const objectId = payload.objectId as number;
        const tab = book.tabs.find((t) => t.charts.some((c) => c.chartId === objectId));
        if (!tab) throw new ApiError(400, 'INVALID_ARGUMENT', `No object with id ${objectId}`);
        tab.charts = tab.charts.filter((c) => c.chartId !== objectId);
        return {};
      }
      default:
        throw new ApiError(400, 'INVALID_ARGUMENT', `Unsupported request kind in this fake: ${kind}`);
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    rootUrl: `http://127.0.0.1:${port}/`,
    tokenUrl: auth.tokenUrl,
    serviceAccount: account,
    requests,
    addDocument(fileId) {
      files.set(fileId, { id: fileId, mimeType: GOOGLE_DOC, content: '' });
    },
    file: (fileId) => files.get(fileId),
    addSpreadsheet(spreadsheetId, tabs) {
      books.set(spreadsheetId, {
        tabs: tabs.map((title, sheetId) => ({ sheetId, title, charts: [] })),
        values: {},
        next: 100,
      });
    },
    tab: (spreadsheetId, title) => books.get(spreadsheetId)?.tabs.find((t) => t.title === title),
    values: (spreadsheetId) => books.get(spreadsheetId)?.values ?? {},
    failNext(count, status = 429, reason = undefined) {
      for (let i = 0; i < count; i += 1) failures.push({ status, reason });
    },
    stop: async () => {
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
      await auth.stop();
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}
