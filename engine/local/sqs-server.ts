import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CartRecoveryError } from '../domain/errors.js';
import type { Logger } from '../ports.js';
import { readBody, sendJson } from './http-body.js';

export interface LocalSqsOptions {
  /** 0 or absent: a free port. */
  port?: number;
  host?: string;
  /** Default visibility timeout of a queue, in the server's ms. */
  visibilityTimeoutMs?: number;
  /** Receives without a delete before a message moves to the queue's dead letters. */
  maxReceives?: number;
  /** The server's clock in epoch ms; defaults to `Date.now`. Long polls still wait in real time. */
  now?: () => number;
  /** Queues that exist from the start. */
  queues?: string[];
  region?: string;
  accountId?: string;
  log?: Logger;
}

/** A message as the local queue keeps it. */
export interface LocalSqsMessage {
  messageId: string;
  body: string;
  receiveCount: number;
  sentAt: number;
}

export interface LocalSqsQueueStats {
  /** Receivable now. */
  visible: number;
  /** Received and not yet deleted or visible again. */
  inFlight: number;
  /** Sent with a delay that has not passed. */
  delayed: number;
  dead: number;
}

export interface LocalSqs {
  /** `http://host:port`, for the SDK client's `endpoint`. */
  endpoint: string;
  /** Requests answered with success, by operation (errors are not counted). */
  requests: Record<string, number>;
  /** Creates a queue (if missing) and returns its URL. */
  createQueue(name: string): string;
  /** The URL a queue has (or would have). */
  queueUrl(name: string): string;
  /** @throws LocalSqsError for an unknown queue. */
  stats(name: string): LocalSqsQueueStats;
  /** Messages received `maxReceives` times without a delete, oldest first. @throws LocalSqsError for an unknown queue. */
  deadLetters(name: string): LocalSqsMessage[];
  /** Answers pending long polls, then stops serving. */
  stop(): Promise<void>;
}

export class LocalSqsError extends CartRecoveryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LocalSqsError';
  }
}

interface Message extends LocalSqsMessage {
  md5: string;
  visibleAt: number;
  firstReceiveAt?: number;
  /** The receipt handle of the latest receive; only it can delete the message. */
  handle?: string;
}

interface Queue {
  name: string;
  url: string;
  arn: string;
  visibilityTimeoutMs: number;
  /** Insertion-ordered, so receives come roughly in send order. */
  messages: Map<string, Message>;
  dead: Message[];
}

/** An error in SQS's JSON protocol: `__type`, the query-compatible code and the status. */
class ApiError extends Error {
  constructor(
    readonly type: string,
    readonly queryCode: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const invalidParameter = (message: string) =>
  new ApiError('InvalidParameterValue', 'InvalidParameterValue', 400, message);
const nonExistentQueue = () =>
  new ApiError(
    'QueueDoesNotExist',
    'AWS.SimpleQueueService.NonExistentQueue',
    400,
    'The specified queue does not exist.',
  );
const invalidHandle = (handle: string) =>
  new ApiError(
    'ReceiptHandleIsInvalid',
    'ReceiptHandleIsInvalid',
    404,
    `The receipt handle "${handle}" is not valid.`,
  );

const QUEUE_NAME = /^[a-zA-Z0-9_-]{1,80}$/;
const MAX_BODY_BYTES = 262_144;
const MAX_REQUEST = 2 * 1024 * 1024;
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** SQS speaks the AWS JSON 1.0 protocol. */
function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, body, { 'content-type': 'application/x-amz-json-1.0', ...headers });
}

type Input = Record<string, unknown>;

function text(input: Input, key: string, required: true): string;
function text(input: Input, key: string, required?: false): string | undefined;
function text(input: Input, key: string, required = false): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) {
    if (required) throw new ApiError('MissingParameter', 'MissingParameter', 400, `${key} is required.`);
    return undefined;
  }
  if (typeof value !== 'string') throw invalidParameter(`${key} must be a string.`);
  return value;
}

function integer(input: Input, key: string, min: number, max: number): number | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidParameter(`${key} must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

function strings(input: Input, key: string): string[] {
  const value = input[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw invalidParameter(`${key} must be a list of strings.`);
  }
  return value;
}

function encodeHandle(messageId: string, receiveCount: number): string {
  return Buffer.from(`${messageId}:${receiveCount}:${randomUUID()}`).toString('base64url');
}

function messageIdOf(handle: string): string {
  const [id, count, nonce] = Buffer.from(handle, 'base64url').toString('utf8').split(':');
  if (!id || !count || !nonce || !/^\d+$/.test(count)) throw invalidHandle(handle);
  return id;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts a local SQS that speaks the AWS JSON 1.0 protocol (`X-Amz-Target: AmazonSQS.<Operation>`)
 * for CreateQueue, GetQueueUrl, SendMessage, ReceiveMessage (with long polls), DeleteMessage,
 * DeleteMessageBatch and ChangeMessageVisibility on standard queues. A message received
 * `maxReceives` times without a delete moves to the queue's dead letters, as with a redrive policy.
 * Message attributes are accepted and dropped. Quiet unless given a logger.
 * @example
 * const sqs = await startLocalSqs({ queues: ['reminders'] });
 * const client = new SQSClient({ endpoint: sqs.endpoint, region: 'us-east-1', credentials });
 */
export async function startLocalSqs(options: LocalSqsOptions = {}): Promise<LocalSqs> {
  const now = options.now ?? Date.now;
  const log = options.log ?? silent;
  const defaultVisibilityMs = options.visibilityTimeoutMs ?? 30_000;
  const maxReceives = options.maxReceives ?? 5;
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  if (!Number.isInteger(maxReceives) || maxReceives < 1) {
    throw new LocalSqsError('maxReceives must be a whole number of at least 1');
  }
  if (!(defaultVisibilityMs >= 0)) throw new LocalSqsError('visibilityTimeoutMs must not be negative');

  const queues = new Map<string, Queue>();
  const requests: Record<string, number> = {};
  let endpoint = '';
  let closed = false;

  function urlOf(name: string): string {
    return `${endpoint}/${accountId}/${name}`;
  }

  function create(name: string, visibilityTimeoutMs = defaultVisibilityMs): Queue {
    if (!QUEUE_NAME.test(name)) {
      throw invalidParameter(
        'Queue names are 1 to 80 of [a-zA-Z0-9_-]; FIFO queues are not supported locally.',
      );
    }
    const existing = queues.get(name);
    if (existing) return existing;
    const queue: Queue = {
      name,
      url: urlOf(name),
      arn: `arn:aws:sqs:${region}:${accountId}:${name}`,
      visibilityTimeoutMs,
      messages: new Map(),
      dead: [],
    };
    queues.set(name, queue);
    return queue;
  }

  function queueFrom(input: Input): Queue {
    const url = text(input, 'QueueUrl', true);
    let name: string | undefined;
    try {
      name = new URL(url).pathname.split('/').filter(Boolean).pop();
    } catch {
      name = url.split('/').filter(Boolean).pop();
    }
    const queue = name ? queues.get(name) : undefined;
    if (!queue) throw nonExistentQueue();
    return queue;
  }

  /** Moves messages that were received `maxReceives` times and are visible again to the dead letters. */
  function sweep(queue: Queue, t: number): void {
    for (const message of queue.messages.values()) {
      if (message.visibleAt <= t && message.receiveCount >= maxReceives) {
        queue.messages.delete(message.messageId);
        message.handle = undefined;
        queue.dead.push(message);
        log.debug('message dead-lettered', { queue: queue.name, messageId: message.messageId });
      }
    }
  }

  function take(queue: Queue, max: number, visibilityMs: number): Message[] {
    const t = now();
    sweep(queue, t);
    const taken: Message[] = [];
    for (const message of queue.messages.values()) {
      if (taken.length >= max) break;
      if (message.visibleAt > t) continue;
      message.receiveCount++;
      message.firstReceiveAt ??= t;
      message.visibleAt = t + visibilityMs;
      message.handle = encodeHandle(message.messageId, message.receiveCount);
      taken.push(message);
    }
    return taken;
  }

  function stats(queue: Queue): LocalSqsQueueStats {
    const t = now();
    sweep(queue, t);
    const out = { visible: 0, inFlight: 0, delayed: 0, dead: queue.dead.length };
    for (const m of queue.messages.values()) {
      if (m.visibleAt <= t) out.visible++;
      else if (m.handle) out.inFlight++;
      else out.delayed++;
    }
    return out;
  }

  function deleteByHandle(queue: Queue, handle: string): void {
    const id = messageIdOf(handle);
    const message = queue.messages.get(id);
    // A stale handle or a message already gone: SQS answers success and changes nothing.
    if (message && message.handle === handle) queue.messages.delete(id);
  }

  async function receiveMessage(input: Input, isClosed: () => boolean): Promise<unknown> {
    const queue = queueFrom(input);
    const max = integer(input, 'MaxNumberOfMessages', 1, 10) ?? 1;
    const visibility = integer(input, 'VisibilityTimeout', 0, 43_200);
    const waitSeconds = integer(input, 'WaitTimeSeconds', 0, 20) ?? 0;
    const wanted = new Set([
      ...strings(input, 'AttributeNames'),
      ...strings(input, 'MessageSystemAttributeNames'),
    ]);
    const visibilityMs = visibility === undefined ? queue.visibilityTimeoutMs : visibility * 1000;
    const deadline = Date.now() + waitSeconds * 1000;
    let taken = take(queue, max, visibilityMs);
    while (taken.length === 0 && Date.now() < deadline && !closed && !isClosed()) {
      await sleep(Math.min(50, deadline - Date.now()));
      if (closed || isClosed()) break;
      taken = take(queue, max, visibilityMs);
    }
    if (taken.length === 0) return {};
    return {
      Messages: taken.map((m) => ({
        MessageId: m.messageId,
        ReceiptHandle: m.handle,
        MD5OfBody: m.md5,
        Body: m.body,
        ...(wanted.size > 0 ? { Attributes: attributesOf(m, wanted) } : {}),
      })),
    };
  }

  function attributesOf(m: Message, wanted: Set<string>): Record<string, string> {
    const all = wanted.has('All');
    const out: Record<string, string> = {};
    if (all || wanted.has('ApproximateReceiveCount')) out.ApproximateReceiveCount = String(m.receiveCount);
    if (all || wanted.has('SentTimestamp')) out.SentTimestamp = String(m.sentAt);
    if (all || wanted.has('ApproximateFirstReceiveTimestamp')) {
      out.ApproximateFirstReceiveTimestamp = String(m.firstReceiveAt ?? m.sentAt);
    }
    if (all || wanted.has('SenderId')) out.SenderId = accountId;
    return out;
  }

  async function dispatch(operation: string, input: Input, isClosed: () => boolean): Promise<unknown> {
    switch (operation) {
      case 'CreateQueue': {
        const name = text(input, 'QueueName', true);
        const attributes = (input.Attributes ?? {}) as Record<string, unknown>;
        const seconds = attributes.VisibilityTimeout;
        let visibilityMs: number | undefined;
        if (seconds !== undefined) {
          const n = Number(seconds);
          if (!Number.isInteger(n) || n < 0 || n > 43_200) {
            throw invalidParameter('VisibilityTimeout must be a whole number of seconds from 0 to 43200.');
          }
          visibilityMs = n * 1000;
        }
        const queue = create(name, visibilityMs);
        return { QueueUrl: queue.url };
      }
      case 'GetQueueUrl': {
        const queue = queues.get(text(input, 'QueueName', true));
        if (!queue) throw nonExistentQueue();
        return { QueueUrl: queue.url };
      }
      case 'SendMessage': {
        const queue = queueFrom(input);
        const body = text(input, 'MessageBody', true);
        if (body.length === 0 || Buffer.byteLength(body) > MAX_BODY_BYTES) {
          throw invalidParameter(`MessageBody must be 1 to ${MAX_BODY_BYTES} bytes.`);
        }
        const delay = integer(input, 'DelaySeconds', 0, 900) ?? 0;
        const t = now();
        const message: Message = {
          messageId: randomUUID(),
          body,
          md5: createHash('md5').update(body, 'utf8').digest('hex'),
          sentAt: t,
          visibleAt: t + delay * 1000,
          receiveCount: 0,
        };
        queue.messages.set(message.messageId, message);
        return { MessageId: message.messageId, MD5OfMessageBody: message.md5 };
      }
      case 'ReceiveMessage':
        return receiveMessage(input, isClosed);
      case 'DeleteMessage': {
        const queue = queueFrom(input);
        deleteByHandle(queue, text(input, 'ReceiptHandle', true));
        return {};
      }
      case 'DeleteMessageBatch': {
        const queue = queueFrom(input);
        const entries = input.Entries;
        if (!Array.isArray(entries) || entries.length === 0) {
          throw new ApiError(
            'EmptyBatchRequest',
            'AWS.SimpleQueueService.EmptyBatchRequest',
            400,
            'There should be at least one DeleteMessageBatchRequestEntry in the request.',
          );
        }
        if (entries.length > 10) {
          throw new ApiError(
            'TooManyEntriesInBatchRequest',
            'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
            400,
            'Maximum number of entries per request are 10.',
          );
        }
        const ids = entries.map((e: Input) => e?.Id);
        if (new Set(ids).size !== ids.length) {
          throw new ApiError(
            'BatchEntryIdsNotDistinct',
            'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
            400,
            'Two or more batch entries in the request have the same Id.',
          );
        }
        const Successful: { Id: string }[] = [];
        const Failed: { Id: string; SenderFault: boolean; Code: string; Message: string }[] = [];
        for (const entry of entries as Input[]) {
          const id = text(entry, 'Id', true);
          try {
            deleteByHandle(queue, text(entry, 'ReceiptHandle', true));
            Successful.push({ Id: id });
          } catch (error) {
            if (!(error instanceof ApiError)) throw error;
            Failed.push({ Id: id, SenderFault: true, Code: error.queryCode, Message: error.message });
          }
        }
        return { Successful, Failed };
      }
      case 'ChangeMessageVisibility': {
        const queue = queueFrom(input);
        const handle = text(input, 'ReceiptHandle', true);
        const seconds = integer(input, 'VisibilityTimeout', 0, 43_200);
        if (seconds === undefined)
          throw new ApiError('MissingParameter', 'MissingParameter', 400, 'VisibilityTimeout is required.');
        const message = queue.messages.get(messageIdOf(handle));
        const t = now();
        if (!message || message.handle !== handle) {
          throw invalidParameter(
            'The message does not exist or is not available for a visibility timeout change.',
          );
        }
        if (message.visibleAt <= t) {
          throw new ApiError(
            'MessageNotInflight',
            'AWS.SimpleQueueService.MessageNotInflight',
            400,
            'The message is not in flight.',
          );
        }
        message.visibleAt = t + seconds * 1000;
        return {};
      }
      default:
        throw new ApiError(
          'UnsupportedOperation',
          'AWS.SimpleQueueService.UnsupportedOperation',
          400,
          `The local SQS does not support ${operation}.`,
        );
    }
  }

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<{ operation: string; body: unknown }> {
    const target = req.headers['x-amz-target'];
    const operation = typeof target === 'string' && target.startsWith('AmazonSQS.') ? target.slice(10) : '';
    if (req.method !== 'POST' || !operation) {
      throw new ApiError(
        'UnknownOperationException',
        'UnknownOperation',
        400,
        'Expected POST with X-Amz-Target AmazonSQS.*',
      );
    }
    const body = await readBody(req, MAX_REQUEST);
    if (body === undefined) throw invalidParameter('The request is too large');
    const raw = body.toString('utf8');
    let input: unknown;
    try {
      input = raw.trim() === '' ? {} : JSON.parse(raw);
    } catch {
      throw new ApiError(
        'SerializationException',
        'SerializationException',
        400,
        'The request body is not valid JSON.',
      );
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new ApiError(
        'SerializationException',
        'SerializationException',
        400,
        'The request body must be an object.',
      );
    }
    let clientGone = false;
    res.on('close', () => {
      clientGone = true;
    });
    return { operation, body: await dispatch(operation, input as Input, () => clientGone) };
  }

  const server = createServer((req, res) => {
    handle(req, res)
      .then(({ operation, body }) => {
        requests[operation] = (requests[operation] ?? 0) + 1;
        send(res, 200, body);
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError) {
          send(
            res,
            error.status,
            { __type: `com.amazonaws.sqs#${error.type}`, message: error.message },
            { 'x-amzn-query-error': `${error.queryCode};Sender` },
          );
          return;
        }
        log.error('local sqs request failed', { error: String(error) });
        send(
          res,
          500,
          { __type: 'com.amazonaws.sqs#InternalError', message: 'Internal error' },
          { 'x-amzn-query-error': 'InternalError;Receiver' },
        );
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  endpoint = `http://${host}:${address.port}`;
  for (const name of options.queues ?? []) create(name);

  function known(name: string): Queue {
    const queue = queues.get(name);
    if (!queue) throw new LocalSqsError(`There is no local queue ${name}`);
    return queue;
  }

  return {
    endpoint,
    requests,
    createQueue(name) {
      if (!QUEUE_NAME.test(name)) throw new LocalSqsError(`${name} is not a queue name SQS takes`);
      return create(name).url;
    },
    queueUrl: urlOf,
    stats: (name) => stats(known(name)),
    deadLetters(name) {
      const queue = known(name);
      sweep(queue, now());
      return queue.dead.map((m) => ({
        messageId: m.messageId,
        body: m.body,
        receiveCount: m.receiveCount,
        sentAt: m.sentAt,
      }));
    },
    async stop() {
      if (closed) return;
      closed = true;
      // Long polls notice `closed` within 50 ms and answer empty; then every connection is cut.
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), 200);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}
