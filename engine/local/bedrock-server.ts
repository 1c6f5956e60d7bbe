import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from 'node:http2';
import { connect, createServer as createTcpServer, type Socket } from 'node:net';
import { listen, readBody } from './json-http-server.js';

/** A Converse request as the local Bedrock received it. */
export interface LocalConverseRequest {
  modelId: string;
  /** The system prompt blocks' text, joined by blank lines. */
  system: string;
  messages: { role: string; content: { text?: string }[] }[];
  /** The text of the last user message: the line to polish. */
  line: string;
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number; stopSequences?: string[] };
  headers: Record<string, string | string[] | undefined>;
}

/**
 * How the local Bedrock misbehaves: `true` or `'internal'` answers 500 InternalServerException,
 * `'throttling'` 429 ThrottlingException, `'validation'` 400 ValidationException.
 */
export type LocalBedrockFailure = boolean | 'internal' | 'throttling' | 'validation';

export interface LocalBedrockOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host: string;
  /** The model's answer; the default rewords the line deterministically ({@link defaultReply}). */
  reply?: (request: LocalConverseRequest) => string | Promise<string>;
  /** Waits this long before answering (or failing). */
  delayMs?: number;
  fail?: LocalBedrockFailure;
  /** Told of each Converse request as it arrives, before any delay. */
  onRequest?: (request: LocalConverseRequest) => void;
}

export interface LocalBedrock {
  /** e.g. http://127.0.0.1:41236, for `new BedrockRuntimeClient({ endpoint })`. */
  endpoint: string;
  port: number;
  /** Every Converse request received, oldest first (failed and slow ones too). */
  readonly requests: LocalConverseRequest[];
  /** Changes the reply, delay or failure for the requests that follow. */
  configure(change: Partial<Pick<LocalBedrockOptions, 'reply' | 'delayMs' | 'fail'>>): void;
  stop(): Promise<void>;
}

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

const CONVERSE_PATH = /^\/model\/([^/]+)\/converse$/;
const MAX_BODY_BYTES = 1_000_000;
const FAILURES = {
  internal: { status: 500, type: 'InternalServerException', message: 'The local Bedrock failed on purpose.' },
  throttling: { status: 429, type: 'ThrottlingException', message: 'Too many requests, please wait.' },
  validation: { status: 400, type: 'ValidationException', message: 'The local Bedrock refused the input.' },
} as const;

/**
 * The local Bedrock's default answer: a small, deterministic rewording of the line, so the local
 * stack shows a polished line without a model.
 * @example defaultReply('You left shoes in your cart.') // 'Just a friendly note: you left shoes in your cart.'
 */
export function defaultReply(line: string): string {
  const trimmed = line.trim();
  if (trimmed === '') return trimmed;
  // Keep a leading acronym or name ("REI", "Acme") as written.
  const lowered = /^\p{Lu}\p{Ll}/u.test(trimmed) ? trimmed[0]?.toLowerCase() + trimmed.slice(1) : trimmed;
  const reworded = `Just a friendly note: ${lowered}`;
  return reworded.length <= 240 ? reworded : trimmed;
}

/**
 * Starts a local server speaking the Bedrock Runtime Converse REST-JSON API
 * (`POST /model/{modelId}/converse`), so the real `BedrockRuntimeClient` can talk to it. It answers
 * HTTP/2 without TLS (the client's default handler is HTTP/2) and HTTP/1.1 on the same port.
 * @example const bedrock = await startLocalBedrock({ host: '127.0.0.1' });
 *   new BedrockRuntimeClient({ endpoint: bedrock.endpoint, region: 'us-east-1', credentials })
 */
export async function startLocalBedrock(options: LocalBedrockOptions): Promise<LocalBedrock> {
  const settings: Pick<LocalBedrockOptions, 'reply' | 'delayMs' | 'fail'> = {
    reply: options.reply,
    delayMs: options.delayMs,
    fail: options.fail,
  };
  const requests: LocalConverseRequest[] = [];

  const onRequest = (req: Request, res: Response) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res, 500, 'InternalServerException', 'The local Bedrock crashed.');
      else res.end();
    });
  };
  const http1 = createHttp1Server(onRequest);
  const http2 = createHttp2Server(onRequest);
  const sockets = new Set<Socket>();
  const sessions = new Set<Http2Session>();
  http2.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  // One port for both: an HTTP/2 connection without TLS opens with the "PRI * HTTP/2.0" preface.
  // Node's HTTP/2 server reads its socket natively and would miss a sniffed first chunk, so each
  // connection is piped to an inner server of the right kind instead.
  const inner = { http1: await listen(http1, '127.0.0.1', 0), http2: await listen(http2, '127.0.0.1', 0) };
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // A client that resets the connection must not take the server down.
    socket.on('error', () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      const port = first.subarray(0, 4).toString('latin1') === 'PRI ' ? inner.http2 : inner.http1;
      const upstream = connect(port, '127.0.0.1');
      sockets.add(upstream);
      upstream.once('close', () => sockets.delete(upstream));
      upstream.write(first);
      socket.pipe(upstream).pipe(socket);
      socket.once('close', () => upstream.destroy());
      upstream.once('close', () => socket.destroy());
      upstream.on('error', () => socket.destroy());
    });
  });

  async function handle(req: Request, res: Response): Promise<void> {
    let closed = false;
    res.once('close', () => {
      closed = true;
    });
    const path = (req.url ?? '').split('?')[0] ?? '';
    const match = CONVERSE_PATH.exec(path);
    if (req.method !== 'POST' || !match?.[1]) {
      req.resume();
      sendError(res, 404, 'UnknownOperationException', 'Only Converse is served here.');
      return;
    }
    const body = await readJson(req);
    if (body === undefined || typeof body !== 'object' || body === null) {
      sendError(res, 400, 'ValidationException', 'The request body is not a JSON object.');
      return;
    }
    const request = toRequest(decodeURIComponent(match[1]), body as Record<string, unknown>, req.headers);
    requests.push(request);
    options.onRequest?.(request);
    const { delayMs = 0, fail } = settings;
    if (delayMs > 0) await waitUnlessClosed(delayMs, res);
    if (closed) return;
    if (fail) {
      const failure = FAILURES[fail === true ? 'internal' : fail];
      sendError(res, failure.status, failure.type, failure.message);
      return;
    }
    if (request.messages.length === 0) {
      sendError(res, 400, 'ValidationException', 'messages must not be empty.');
      return;
    }
    const started = Date.now();
    const text = await (settings.reply ?? ((r: LocalConverseRequest) => defaultReply(r.line)))(request);
    const inputTokens = Math.ceil((request.system.length + request.line.length) / 4);
    const outputTokens = Math.ceil(text.length / 4);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        output: { message: { role: 'assistant', content: [{ text }] } },
        stopReason: 'end_turn',
        usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
        metrics: { latencyMs: Date.now() - started + delayMs },
      }),
    );
  }

  const port = await listen(server, options.host, options.port ?? 0);
  const hostInUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    endpoint: `http://${hostInUrl}:${port}`,
    port,
    requests,
    configure(change) {
      Object.assign(settings, change);
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
        http1.close();
        http2.close();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function toRequest(
  modelId: string,
  body: Record<string, unknown>,
  headers: Request['headers'],
): LocalConverseRequest {
  const messages = Array.isArray(body.messages) ? (body.messages as LocalConverseRequest['messages']) : [];
  const system = Array.isArray(body.system)
    ? (body.system as { text?: string }[])
        .map((block) => block.text ?? '')
        .filter(Boolean)
        .join('\n\n')
    : '';
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const line = (lastUser?.content ?? []).map((block) => block.text ?? '').join('');
  const request: LocalConverseRequest = { modelId, system, messages, line, headers };
  if (body.inferenceConfig && typeof body.inferenceConfig === 'object') {
    request.inferenceConfig = body.inferenceConfig as LocalConverseRequest['inferenceConfig'];
  }
  return request;
}

async function readJson(req: Request): Promise<unknown> {
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body === undefined) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Waits, but stops early when the client hangs up (an aborted request). */
function waitUnlessClosed(ms: number, res: Response): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    res.once('close', done);
    function done() {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    }
  });
}

// REST-JSON errors: the SDK reads the error name from the x-amzn-errortype header.
function sendError(res: Response, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ message }));
}
