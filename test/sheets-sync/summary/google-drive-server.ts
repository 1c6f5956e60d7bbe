/**
 * A local Google server for the monthly summary's adapter, for the real @googleapis/drive and
 * @googleapis/sheets clients (pointed at it with `rootUrl`). It speaks:
 *
 * - Drive v3 `PATCH /upload/drive/v3/files/{fileId}?uploadType=media` (files.update with media):
 *   keeps the uploaded body as the file's content; a Doc stays a Doc, as when Drive converts HTML.
 * - Drive v3 `POST /upload/drive/v3/files?uploadType=multipart` (files.create with media: the
 *   metadata part and the bytes), `POST /drive/v3/files/{id}/permissions` and
 *   `DELETE /drive/v3/files/{id}`; a created file's `webContentLink` is `<root>download/{id}`,
 *   answered without a login only while an `anyone` permission stands (403 otherwise), as Drive's.
 * - Docs v1 `GET /v1/documents/{id}` (the paragraphs of the last HTML upload, with their indexes) and
 *   `POST /v1/documents/{id}:batchUpdate` with insertInlineImage: like Google, it fetches the URI
 *   once, without a login, and refuses a URI over 2 kB, an answer that is not 200, or bytes that are
 *   not PNG, JPEG or GIF, with Docs' own message; an image it takes is kept on the document.
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
  /** The bytes of a binary upload (files.create with media). */
  bytes?: Buffer;
  name?: string;
  /** Anyone with the link may read it. */
  public?: boolean;
  /** Images inserted into a Doc: the URI fetched, where, and the bytes Docs kept. */
  images?: { uri: string; index: number | 'end'; bytes: Buffer; widthPt?: number }[];
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
  /** Every file, created ones included (and not those deleted). */
  files(): DriveFile[];
  /** Makes the next public downloads answer this status (a Docs fetch that fails). */
  failDownloads(status: number): void;
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
  let downloadStatus = 200;
  let created = 0;
  let rootUrl = '';

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const raw = Buffer.concat(chunks);
      const text = raw.toString('utf8');
      // Drive's public link: no login, only while anyone may read the file.
      const download = /^\/download\/([^/]+)$/.exec(url.pathname);
      if (download?.[1] && req.method === 'GET') {
        const file = files.get(decodeURIComponent(download[1]));
        if (!file?.public || !file.bytes || downloadStatus !== 200) {
          res.writeHead(file?.public ? downloadStatus : 403, { 'content-type': 'text/html' });
          res.end('<html><body>Access denied</body></html>');
          return;
        }
        res.writeHead(200, { 'content-type': file.uploadedAs ?? 'application/octet-stream' });
        res.end(file.bytes);
        return;
      }
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
        // Docs accepts the drive scope too (documents.batchUpdate's authorization scopes).
        const isDrive =
          url.pathname.startsWith('/upload/drive/') ||
          url.pathname.startsWith('/drive/') ||
          url.pathname.startsWith('/v1/documents/');
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
        const answer = await route(req.method ?? 'GET', url, record, raw, req.headers['content-type'] ?? '');
        if (answer === NO_CONTENT) {
          res.writeHead(204);
          res.end();
          return;
        }
        send(res, 200, answer);
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

  async function route(
    method: string,
    url: URL,
    record: RecordedGoogleRequest,
    raw: Buffer,
    contentType: string,
  ): Promise<unknown> {
    if (url.pathname === '/upload/drive/v3/files' && method === 'POST') {
      if (url.searchParams.get('uploadType') !== 'multipart')
        throw new ApiError(400, 'INVALID_ARGUMENT', 'this fake takes uploadType=multipart only');
      const { metadata, media, mediaType } = multipart(raw, contentType);
      const id = `file-${++created}`;
      files.set(id, {
        id,
        name: String(metadata.name ?? ''),
        mimeType: String(metadata.mimeType ?? mediaType),
        content: '',
        bytes: media,
        uploadedAs: mediaType,
      });
      return { id, webContentLink: `${rootUrl}download/${id}` };
    }
    const permission = /^\/drive\/v3\/files\/([^/]+)\/permissions$/.exec(url.pathname);
    if (permission?.[1] && method === 'POST') {
      const file = files.get(decodeURIComponent(permission[1]));
      if (!file) throw new ApiError(404, 'NOT_FOUND', 'File not found.');
      const body = record.body as { type?: string; role?: string };
      if (body.type === 'anyone' && body.role === 'reader') file.public = true;
      return { id: 'anyoneWithLink', type: body.type, role: body.role };
    }
    const drop = /^\/drive\/v3\/files\/([^/]+)$/.exec(url.pathname);
    if (drop?.[1] && method === 'DELETE') {
      if (!files.delete(decodeURIComponent(drop[1]))) throw new ApiError(404, 'NOT_FOUND', 'File not found.');
      return NO_CONTENT;
    }
    const doc = /^\/v1\/documents\/([^/:]+)(:batchUpdate)?$/.exec(url.pathname);
    if (doc?.[1]) {
      const file = files.get(decodeURIComponent(doc[1]));
      if (!file || file.mimeType !== GOOGLE_DOC)
        throw new ApiError(404, 'NOT_FOUND', 'Requested entity was not found.');
      if (!doc[2] && method === 'GET')
        return { documentId: file.id, body: { content: paragraphsOf(file.content) } };
      if (doc[2] && method === 'POST')
        return insertImages(file, record.body as { requests?: Record<string, Record<string, unknown>>[] });
    }
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

  /** Docs' insertInlineImage: fetch the URI once, without a login, and keep what it answered. */
  async function insertImages(
    file: DriveFile,
    body: { requests?: Record<string, Record<string, unknown>>[] },
  ): Promise<unknown> {
    const replies: unknown[] = [];
    for (const [i, request] of (body.requests ?? []).entries()) {
      const insert = request.insertInlineImage as
        | {
            uri?: string;
            location?: { index?: number };
            endOfSegmentLocation?: object;
            objectSize?: { width?: { magnitude?: number } };
          }
        | undefined;
      if (!insert)
        throw new ApiError(
          400,
          'INVALID_ARGUMENT',
          `Unsupported request kind in this fake: ${Object.keys(request)[0]}`,
        );
      const uri = insert.uri ?? '';
      if (uri.length > 2048)
        throw new ApiError(
          400,
          'INVALID_ARGUMENT',
          `Invalid requests[${i}].insertInlineImage: The URI is too long.`,
        );
      const problem = new ApiError(
        400,
        'INVALID_ARGUMENT',
        `Invalid requests[${i}].insertInlineImage: There was a problem retrieving the image. The provided image should be publicly accessible, within size limit, and in supported formats.`,
      );
      const answer = await fetch(uri).catch(() => undefined);
      if (!answer?.ok) throw problem;
      const bytes = Buffer.from(await answer.arrayBuffer());
      const png = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
      const gif = bytes.subarray(0, 3).toString('latin1') === 'GIF';
      if (!(png || jpeg || gif) || bytes.length > 50 * 1024 * 1024) throw problem;
      const index = insert.location?.index ?? 'end';
      if (
        typeof index === 'number' &&
        !paragraphsOf(file.content).some((p) => p.startIndex <= index && index < p.endIndex)
      )
        throw new ApiError(
          400,
          'INVALID_ARGUMENT',
          `Invalid requests[${i}].insertInlineImage: Index ${index} must be inside a paragraph.`,
        );
      file.images = [
        ...(file.images ?? []),
        {
          uri,
          index,
          bytes,
          ...(insert.objectSize?.width?.magnitude ? { widthPt: insert.objectSize.width.magnitude } : {}),
        },
      ];
      replies.push({ insertInlineImage: { objectId: `kix.${file.images.length}` } });
    }
    return { documentId: file.id, replies };
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
  rootUrl = `http://127.0.0.1:${port}/`;
  return {
    rootUrl,
    tokenUrl: auth.tokenUrl,
    serviceAccount: account,
    requests,
    addDocument(fileId) {
      files.set(fileId, { id: fileId, mimeType: GOOGLE_DOC, content: '' });
    },
    file: (fileId) => files.get(fileId),
    files: () => [...files.values()],
    failDownloads(status) {
      downloadStatus = status;
    },
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

const NO_CONTENT = Symbol('no content');

/** The paragraphs of an uploaded HTML Doc as Docs numbers them: each its text and a newline, from 1. */
function paragraphsOf(html: string): { startIndex: number; endIndex: number; paragraph: unknown }[] {
  const out: { startIndex: number; endIndex: number; paragraph: unknown }[] = [];
  let index = 1;
  for (const match of html.matchAll(/<(p|h1|h2|td)>(.*?)<\/\1>/g)) {
    const text = `${(match[2] ?? '')
      .replace(/<[^>]+>/g, '')
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")}\n`;
    out.push({
      startIndex: index,
      endIndex: index + text.length,
      paragraph: { elements: [{ textRun: { content: text } }] },
    });
    index += text.length;
  }
  return out;
}

/** A multipart/related upload's two parts: the JSON metadata and the media bytes. */
function multipart(
  raw: Buffer,
  contentType: string,
): { metadata: Record<string, unknown>; media: Buffer; mediaType: string } {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const mark = Buffer.from(`--${boundary?.[1] ?? boundary?.[2] ?? ''}`);
  const parts: Buffer[] = [];
  let at = raw.indexOf(mark);
  while (at !== -1) {
    const next = raw.indexOf(mark, at + mark.length);
    if (next === -1) break;
    parts.push(raw.subarray(at + mark.length, next));
    at = next;
  }
  const split = (part: Buffer) => {
    const gap = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, gap).toString('utf8');
    // The part ends with the CRLF before the next boundary.
    return { head, body: part.subarray(gap + 4, part.length - 2) };
  };
  const [meta, media] = parts.map(split);
  if (!meta || !media)
    throw new ApiError(400, 'INVALID_ARGUMENT', 'a multipart upload needs metadata and media');
  return {
    metadata: JSON.parse(meta.body.toString('utf8')) as Record<string, unknown>,
    media: media.body,
    mediaType: /content-type:\s*([^\r\n;]+)/i.exec(media.head)?.[1]?.trim() ?? 'application/octet-stream',
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}
