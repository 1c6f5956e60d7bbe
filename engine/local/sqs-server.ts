import { CartRecoveryError } from '../domain/errors.js';
import type { Logger } from '../ports.js';
import { type JsonHttpRequest, startJsonHttpServer } from './json-http-server.js';
import {
  invalidParameter,
  type LocalSqsMessage,
  type LocalSqsQueueStats,
  nonExistentQueue,
  QUEUE_NAME,
  type QueuedMessage,
  SqsApiError,
  SqsQueues,
} from './sqs-queues.js';

export type { LocalSqsMessage, LocalSqsQueueStats };

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
  accountId?: string;
  log?: Logger;
  /**
   * Keeps the queues and their messages in this JSON file, written before each change is answered,
   * so an acknowledged SendMessage or DeleteMessage survives `kill -9`.
   */
  file?: string;
}

export interface LocalSqs {
  /** `http://host:port`, for the SDK client's `endpoint`. */
  endpoint: string;
  /** Requests answered with success, by operation (errors are not counted). */
  requests: Record<string, number>;
  /** Creates a queue (if missing) and resolves to its URL once it is kept. */
  createQueue(name: string): Promise<string>;
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

const MAX_BODY_BYTES = 262_144;
const MAX_REQUEST = 2 * 1024 * 1024;
const TARGET_PREFIX = 'AmazonSQS.';
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const serialization = (message: string) =>
  new SqsApiError('SerializationException', 'SerializationException', 400, message);
const missingParameter = (key: string) =>
  new SqsApiError('MissingParameter', 'MissingParameter', 400, `${key} is required.`);

type Input = Record<string, unknown>;

function text(input: Input, key: string, required: true): string;
function text(input: Input, key: string, required?: false): string | undefined;
function text(input: Input, key: string, required = false): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) {
    if (required) throw missingParameter(key);
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

/** The AWS JSON 1.0 operations of SQS, translated to calls on the queues. */
class SqsApi {
  readonly #queues: SqsQueues;
  readonly #accountId: string;

  constructor(queues: SqsQueues, accountId: string) {
    this.#queues = queues;
    this.#accountId = accountId;
  }

  async handle(request: JsonHttpRequest): Promise<{ operation: string; body: unknown }> {
    const target = request.headers['x-amz-target'];
    const operation =
      typeof target === 'string' && target.startsWith(TARGET_PREFIX)
        ? target.slice(TARGET_PREFIX.length)
        : '';
    if (request.method !== 'POST' || !operation) {
      throw new SqsApiError(
        'UnknownOperationException',
        'UnknownOperation',
        400,
        'Expected POST with X-Amz-Target AmazonSQS.*',
      );
    }
    const input = await request.json();
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw serialization('The request body must be an object.');
    }
    return { operation, body: await this.#dispatch(operation, input as Input, request) };
  }

  urlOf(endpoint: string, name: string): string {
    return `${endpoint}/${this.#accountId}/${name}`;
  }

  async #dispatch(operation: string, input: Input, request: JsonHttpRequest): Promise<unknown> {
    switch (operation) {
      case 'CreateQueue':
        return this.#createQueue(input, request.endpoint);
      case 'GetQueueUrl': {
        const name = text(input, 'QueueName', true);
        if (!this.#queues.has(name)) throw nonExistentQueue();
        return { QueueUrl: this.urlOf(request.endpoint, name) };
      }
      case 'SendMessage':
        return this.#sendMessage(input);
      case 'ReceiveMessage':
        return this.#receiveMessage(input, request.clientGone);
      case 'DeleteMessage': {
        const queue = this.#queueFrom(input);
        await this.#queues.delete(queue, text(input, 'ReceiptHandle', true));
        return {};
      }
      case 'DeleteMessageBatch':
        return this.#deleteMessageBatch(input);
      case 'ChangeMessageVisibility': {
        const queue = this.#queueFrom(input);
        const handle = text(input, 'ReceiptHandle', true);
        const seconds = integer(input, 'VisibilityTimeout', 0, 43_200);
        if (seconds === undefined) throw missingParameter('VisibilityTimeout');
        await this.#queues.changeVisibility(queue, handle, seconds * 1000);
        return {};
      }
      default:
        throw new SqsApiError(
          'UnsupportedOperation',
          'AWS.SimpleQueueService.UnsupportedOperation',
          400,
          `The local SQS does not support ${operation}.`,
        );
    }
  }

  /** The name of the existing queue a `QueueUrl` names. */
  #queueFrom(input: Input): string {
    const url = text(input, 'QueueUrl', true);
    let name: string | undefined;
    try {
      name = new URL(url).pathname.split('/').filter(Boolean).pop();
    } catch {
      name = url.split('/').filter(Boolean).pop();
    }
    if (!name || !this.#queues.has(name)) throw nonExistentQueue();
    return name;
  }

  async #createQueue(input: Input, endpoint: string): Promise<unknown> {
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
    await this.#queues.create(name, visibilityMs);
    return { QueueUrl: this.urlOf(endpoint, name) };
  }

  async #sendMessage(input: Input): Promise<unknown> {
    const queue = this.#queueFrom(input);
    const body = text(input, 'MessageBody', true);
    if (body.length === 0 || Buffer.byteLength(body) > MAX_BODY_BYTES) {
      throw invalidParameter(`MessageBody must be 1 to ${MAX_BODY_BYTES} bytes.`);
    }
    const delay = integer(input, 'DelaySeconds', 0, 900) ?? 0;
    const message = await this.#queues.send(queue, body, delay * 1000);
    return { MessageId: message.messageId, MD5OfMessageBody: message.md5 };
  }

  async #receiveMessage(input: Input, clientGone: () => boolean): Promise<unknown> {
    const queue = this.#queueFrom(input);
    const max = integer(input, 'MaxNumberOfMessages', 1, 10) ?? 1;
    const visibility = integer(input, 'VisibilityTimeout', 0, 43_200);
    const waitSeconds = integer(input, 'WaitTimeSeconds', 0, 20) ?? 0;
    const wanted = new Set([
      ...strings(input, 'AttributeNames'),
      ...strings(input, 'MessageSystemAttributeNames'),
    ]);
    const taken = await this.#queues.receive(queue, {
      max,
      ...(visibility === undefined ? {} : { visibilityMs: visibility * 1000 }),
      waitMs: waitSeconds * 1000,
      clientGone,
    });
    if (taken.length === 0) return {};
    return {
      Messages: taken.map((m) => ({
        MessageId: m.messageId,
        ReceiptHandle: m.handle,
        MD5OfBody: m.md5,
        Body: m.body,
        ...(wanted.size > 0 ? { Attributes: this.#attributesOf(m, wanted) } : {}),
      })),
    };
  }

  #attributesOf(m: QueuedMessage, wanted: Set<string>): Record<string, string> {
    const all = wanted.has('All');
    const out: Record<string, string> = {};
    if (all || wanted.has('ApproximateReceiveCount')) out.ApproximateReceiveCount = String(m.receiveCount);
    if (all || wanted.has('SentTimestamp')) out.SentTimestamp = String(m.sentAt);
    if (all || wanted.has('ApproximateFirstReceiveTimestamp')) {
      out.ApproximateFirstReceiveTimestamp = String(m.firstReceiveAt ?? m.sentAt);
    }
    if (all || wanted.has('SenderId')) out.SenderId = this.#accountId;
    return out;
  }

  async #deleteMessageBatch(input: Input): Promise<unknown> {
    const queue = this.#queueFrom(input);
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length === 0) {
      throw new SqsApiError(
        'EmptyBatchRequest',
        'AWS.SimpleQueueService.EmptyBatchRequest',
        400,
        'There should be at least one DeleteMessageBatchRequestEntry in the request.',
      );
    }
    if (entries.length > 10) {
      throw new SqsApiError(
        'TooManyEntriesInBatchRequest',
        'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
        400,
        'Maximum number of entries per request are 10.',
      );
    }
    const ids = entries.map((e: Input) => e?.Id);
    if (new Set(ids).size !== ids.length) {
      throw new SqsApiError(
        'BatchEntryIdsNotDistinct',
        'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
        400,
        'Two or more batch entries in the request have the same Id.',
      );
    }
    const Successful: { Id: string }[] = [];
    const Failed: { Id: string; SenderFault: boolean; Code: string; Message: string }[] = [];
    // The entries are deleted together, so their writes coalesce into about one.
    await Promise.all(
      (entries as Input[]).map(async (entry) => {
        const id = text(entry, 'Id', true);
        try {
          await this.#queues.delete(queue, text(entry, 'ReceiptHandle', true));
          Successful.push({ Id: id });
        } catch (error) {
          if (!(error instanceof SqsApiError)) throw error;
          Failed.push({ Id: id, SenderFault: true, Code: error.queryCode, Message: error.message });
        }
      }),
    );
    return { Successful, Failed };
  }
}

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
  const log = options.log ?? silent;
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 30_000;
  const maxReceives = options.maxReceives ?? 5;
  if (!Number.isInteger(maxReceives) || maxReceives < 1) {
    throw new LocalSqsError('maxReceives must be a whole number of at least 1');
  }
  if (!(visibilityTimeoutMs >= 0)) throw new LocalSqsError('visibilityTimeoutMs must not be negative');

  const queues = await SqsQueues.open({
    now: options.now ?? Date.now,
    visibilityTimeoutMs,
    maxReceives,
    log,
    ...(options.file === undefined ? {} : { file: options.file }),
  });
  for (const name of options.queues ?? []) await queues.create(name);
  const api = new SqsApi(queues, options.accountId ?? '000000000000');
  const http = await startJsonHttpServer({
    name: 'local sqs',
    port: options.port,
    host: options.host,
    contentType: 'application/x-amz-json-1.0',
    maxBodyBytes: MAX_REQUEST,
    badBody: (problem) =>
      problem === 'too-large'
        ? invalidParameter('The request is too large')
        : serialization('The request body is not valid JSON.'),
    route: (request) => api.handle(request),
    errorReply: (error) =>
      error instanceof SqsApiError
        ? {
            status: error.status,
            body: { __type: `com.amazonaws.sqs#${error.type}`, message: error.message },
            headers: { 'x-amzn-query-error': `${error.queryCode};Sender` },
          }
        : undefined,
    internalError: {
      status: 500,
      body: { __type: 'com.amazonaws.sqs#InternalError', message: 'Internal error' },
      headers: { 'x-amzn-query-error': 'InternalError;Receiver' },
    },
    log,
  });

  const known = (name: string): string => {
    if (!queues.has(name)) throw new LocalSqsError(`There is no local queue ${name}`);
    return name;
  };
  return {
    endpoint: http.endpoint,
    requests: http.requests,
    async createQueue(name) {
      if (!QUEUE_NAME.test(name)) throw new LocalSqsError(`${name} is not a queue name SQS takes`);
      await queues.create(name);
      return api.urlOf(http.endpoint, name);
    },
    queueUrl: (name) => api.urlOf(http.endpoint, name),
    stats: (name) => queues.stats(known(name)),
    deadLetters: (name) => queues.deadLetters(known(name)),
    stop() {
      queues.close();
      return http.close();
    },
  };
}
