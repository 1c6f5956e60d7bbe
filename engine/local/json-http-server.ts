/**
 * The one HTTP server the local JSON-speaking AWS services share (SQS, Scheduler, Secrets Manager):
 * listen on a host and port, hand each request to the service's router, answer in the service's
 * content type and error shape, count answered operations, and close. Each service keeps only its
 * own routes, state and errors. The local Bedrock, which must answer HTTP/2 as well, shares only
 * `listen` and `readBody`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import type { Logger } from '../ports.js';

/** One request as a service's router sees it. */
export interface JsonHttpRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** The server's own `http://host:port`, for the URLs a service hands out (SQS queue URLs). */
  endpoint: string;
  /**
   * The body parsed as JSON; an empty body is `{}`.
   * @throws what the service's `badBody` makes, for a body too large or not JSON.
   */
  json(): Promise<unknown>;
  /** True once the client hung up, so a long poll stops waiting for nobody. */
  clientGone(): boolean;
}

/** A response in the service's own shape: the status, the JSON body and any extra headers. */
export interface JsonHttpReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface JsonHttpServerOptions {
  /** For the log line of an unexpected failure, e.g. 'local sqs'. */
  name: string;
  /** 0 or absent: a free port. */
  port?: number;
  host?: string;
  /** The protocol's content type, e.g. `application/x-amz-json-1.0`. */
  contentType: string;
  maxBodyBytes: number;
  /** The service's error for a body over `maxBodyBytes` or not JSON. */
  badBody(problem: 'too-large' | 'not-json'): Error;
  /** Answers one request with the operation it was (counted in `requests`) and its 200 body. */
  route(request: JsonHttpRequest): Promise<{ operation: string; body: unknown }>;
  /** The service's reply to an error it threw; undefined for any other error, answered as `internalError`. */
  errorReply(error: unknown): JsonHttpReply | undefined;
  internalError: JsonHttpReply;
  log?: Logger;
}

export interface JsonHttpServer {
  /** `http://host:port`, for the SDK client's `endpoint`. */
  endpoint: string;
  port: number;
  /** Requests answered with success, by operation (errors are not counted). */
  requests: Record<string, number>;
  /** Stops serving: requests under way get a moment to be answered, then every connection is cut. */
  close(): Promise<void>;
}

/** Enough for an SQS long poll to notice its queues closed (it looks every 50 ms) and answer empty. */
const CLOSE_GRACE_MS = 200;
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Starts a JSON-over-HTTP server for one local AWS service; resolves once it listens.
 * @example
 * const http = await startJsonHttpServer({ name: 'local sqs', contentType, maxBodyBytes, badBody,
 *   route: (request) => api.handle(request), errorReply, internalError });
 */
export async function startJsonHttpServer(options: JsonHttpServerOptions): Promise<JsonHttpServer> {
  const log = options.log ?? silent;
  const requests: Record<string, number> = {};
  let endpoint = '';

  const server = createServer((req, res) => {
    let gone = false;
    res.once('close', () => {
      gone = true;
    });
    const request: JsonHttpRequest = {
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', 'http://localhost'),
      headers: req.headers,
      endpoint,
      async json() {
        const raw = await readBody(req, options.maxBodyBytes);
        if (raw === undefined) throw options.badBody('too-large');
        const text = raw.toString('utf8');
        if (text.trim() === '') return {};
        try {
          return JSON.parse(text);
        } catch {
          throw options.badBody('not-json');
        }
      },
      clientGone: () => gone,
    };
    options
      .route(request)
      .then(({ operation, body }) => {
        requests[operation] = (requests[operation] ?? 0) + 1;
        send(res, options.contentType, { status: 200, body });
      })
      .catch((error: unknown) => {
        const reply = options.errorReply(error);
        if (!reply) log.error(`${options.name} request failed`, { error: String(error) });
        send(res, options.contentType, reply ?? options.internalError);
      });
  });

  const port = await listen(server, options.host ?? '127.0.0.1', options.port ?? 0);
  const address = server.address() as AddressInfo;
  endpoint = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    endpoint,
    port,
    requests,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

/** Listens on `host` and `port` (0: a free one); resolves to the port, rejects if it is taken. */
export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * The whole request body, or undefined when it is larger than `maxBytes` (the rest is read and
 * dropped, so the connection stays usable).
 */
export async function readBody(req: AsyncIterable<unknown>, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= maxBytes) chunks.push(chunk as Buffer);
  }
  return size > maxBytes ? undefined : Buffer.concat(chunks);
}

/** A JSON answer with its length and a request id, as AWS sends them; nothing if the client left. */
function send(res: ServerResponse, contentType: string, reply: JsonHttpReply): void {
  if (res.destroyed) return;
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-length': Buffer.byteLength(text),
    'content-type': contentType,
    'x-amzn-requestid': randomUUID(),
    ...reply.headers,
  });
  res.end(text);
}
