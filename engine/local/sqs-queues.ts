/**
 * The local SQS's queues: standard-queue semantics (visibility timeouts, receipt handles, a redrive
 * to dead letters after `maxReceives`) without the wire protocol, which `sqs-server.ts` speaks.
 * Optionally kept in a JSON file, written before each change is answered, so a message SQS
 * acknowledged survives `kill -9` and one received but not deleted comes back when its visibility
 * timeout runs out, after a restart as before it.
 */
import { createHash, randomUUID } from 'node:crypto';
import * as z from 'zod';
import type { Logger } from '../ports.js';
import { readJsonFile, SnapshotWriter } from './atomic-json-file.js';

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

/** A message with what a receive reports of it. */
export interface QueuedMessage extends LocalSqsMessage {
  md5: string;
  visibleAt: number;
  firstReceiveAt?: number;
  /** The receipt handle of the latest receive; only it can delete the message. */
  handle?: string;
}

interface Queue {
  name: string;
  visibilityTimeoutMs: number;
  /** Insertion-ordered, so receives come roughly in send order. */
  messages: Map<string, QueuedMessage>;
  dead: QueuedMessage[];
}

const messageSchema = z.object({
  messageId: z.string(),
  body: z.string(),
  receiveCount: z.number(),
  sentAt: z.number(),
  md5: z.string(),
  visibleAt: z.number(),
  firstReceiveAt: z.number().optional(),
  handle: z.string().optional(),
});

const fileSchema = z.object({
  version: z.literal(1),
  queues: z.array(
    z.object({
      name: z.string(),
      visibilityTimeoutMs: z.number(),
      messages: z.array(messageSchema),
      dead: z.array(messageSchema),
    }),
  ),
});

/** An error in SQS's JSON protocol: `__type`, the query-compatible code and the status. */
export class SqsApiError extends Error {
  constructor(
    readonly type: string,
    readonly queryCode: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SqsApiError';
  }
}

export const invalidParameter = (message: string) =>
  new SqsApiError('InvalidParameterValue', 'InvalidParameterValue', 400, message);

export const nonExistentQueue = () =>
  new SqsApiError(
    'QueueDoesNotExist',
    'AWS.SimpleQueueService.NonExistentQueue',
    400,
    'The specified queue does not exist.',
  );

/** The names SQS takes for a standard queue. */
export const QUEUE_NAME = /^[a-zA-Z0-9_-]{1,80}$/;
/** How often a long poll looks again for a message. */
const POLL_MS = 50;

export interface SqsQueuesSettings {
  /** The queues' clock in epoch ms. Long polls still wait in real time. */
  now: () => number;
  /** A new queue's visibility timeout, in the clock's ms. */
  visibilityTimeoutMs: number;
  /** Receives without a delete before a message moves to the queue's dead letters. */
  maxReceives: number;
  log: Logger;
  /** Keeps the queues and their messages in this JSON file, so a restart loses nothing. */
  file?: string;
}

export interface ReceiveOptions {
  max: number;
  /** The queue's own timeout when absent. */
  visibilityMs?: number;
  /** How long to wait for a message, in real ms (a long poll). */
  waitMs: number;
  /** Ends a long poll early: the client hung up. */
  clientGone: () => boolean;
}

function encodeHandle(messageId: string, receiveCount: number): string {
  return Buffer.from(`${messageId}:${receiveCount}:${randomUUID()}`).toString('base64url');
}

function messageIdOf(handle: string): string {
  const [id, count, nonce] = Buffer.from(handle, 'base64url').toString('utf8').split(':');
  if (!id || !count || !nonce || !/^\d+$/.test(count)) {
    throw new SqsApiError(
      'ReceiptHandleIsInvalid',
      'ReceiptHandleIsInvalid',
      404,
      `The receipt handle "${handle}" is not valid.`,
    );
  }
  return id;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Standard queues by name. Every method naming a queue that does not exist throws the
 * `QueueDoesNotExist` SqsApiError, as SQS answers. Every change resolves once it is in the file
 * (when there is one).
 * @example
 * const queues = await SqsQueues.open({ ...settings, file: '.data/sqs.json' });
 */
export class SqsQueues {
  readonly #queues = new Map<string, Queue>();
  readonly #settings: SqsQueuesSettings;
  readonly #file: SnapshotWriter | undefined;
  #closed = false;

  private constructor(settings: SqsQueuesSettings) {
    this.#settings = settings;
    this.#file =
      settings.file === undefined ? undefined : new SnapshotWriter(settings.file, () => this.#snapshot());
  }

  /**
   * The queues in `settings.file` (none without one, or when it does not exist yet). Messages in
   * flight when the file was written stay hidden until their visibility timeout runs out.
   * @throws LocalStateFileError for a file that cannot be read or is not a queues file.
   */
  static async open(settings: SqsQueuesSettings): Promise<SqsQueues> {
    const queues = new SqsQueues(settings);
    const saved = settings.file
      ? await readJsonFile(settings.file, fileSchema, 'local SQS queues')
      : undefined;
    for (const q of saved?.queues ?? []) {
      queues.#queues.set(q.name, {
        name: q.name,
        visibilityTimeoutMs: q.visibilityTimeoutMs,
        messages: new Map(q.messages.map((m) => [m.messageId, m])),
        dead: q.dead,
      });
    }
    return queues;
  }

  /**
   * Creates a queue unless one of that name exists (whose timeout then stays as it was).
   * @throws SqsApiError for a name SQS refuses.
   */
  async create(name: string, visibilityTimeoutMs = this.#settings.visibilityTimeoutMs): Promise<void> {
    if (!QUEUE_NAME.test(name)) {
      throw invalidParameter(
        'Queue names are 1 to 80 of [a-zA-Z0-9_-]; FIFO queues are not supported locally.',
      );
    }
    if (this.#queues.has(name)) return;
    this.#queues.set(name, { name, visibilityTimeoutMs, messages: new Map(), dead: [] });
    await this.#persist();
  }

  has(name: string): boolean {
    return this.#queues.has(name);
  }

  /** Adds a message, receivable once `delayMs` has passed; resolves once it is kept. */
  async send(name: string, body: string, delayMs: number): Promise<QueuedMessage> {
    const queue = this.#queue(name);
    const t = this.#settings.now();
    const message: QueuedMessage = {
      messageId: randomUUID(),
      body,
      md5: createHash('md5').update(body, 'utf8').digest('hex'),
      sentAt: t,
      visibleAt: t + delayMs,
      receiveCount: 0,
    };
    queue.messages.set(message.messageId, message);
    await this.#persist();
    return message;
  }

  /**
   * Up to `max` visible messages, each hidden for the visibility timeout with a new receipt handle.
   * With `waitMs`, waits for one to become visible; resolves empty when the time is up, the client
   * left or the queues closed.
   */
  async receive(name: string, options: ReceiveOptions): Promise<QueuedMessage[]> {
    const queue = this.#queue(name);
    const visibilityMs = options.visibilityMs ?? queue.visibilityTimeoutMs;
    const deadline = Date.now() + options.waitMs;
    const waiting = () => Date.now() < deadline && !this.#closed && !options.clientGone();
    let taken = this.#take(queue, options.max, visibilityMs);
    while (taken.length === 0 && waiting()) {
      await sleep(Math.min(POLL_MS, deadline - Date.now()));
      if (this.#closed || options.clientGone()) break;
      taken = this.#take(queue, options.max, visibilityMs);
    }
    // A receive hides its messages for the visibility timeout: kept, so a restart does not hand
    // them to a second consumer at once.
    if (taken.length > 0) await this.#persist();
    return taken;
  }

  /**
   * Deletes the message `handle` came from, if that is its latest receive.
   * @throws SqsApiError for a handle that was never issued.
   */
  async delete(name: string, handle: string): Promise<void> {
    const queue = this.#queue(name);
    const id = messageIdOf(handle);
    const message = queue.messages.get(id);
    // A stale handle or a message already gone: SQS answers success and changes nothing.
    if (message && message.handle === handle) {
      queue.messages.delete(id);
      await this.#persist();
    }
  }

  /**
   * Makes a received message visible again `visibilityMs` from now.
   * @throws SqsApiError for a stale handle or a message that is not in flight.
   */
  async changeVisibility(name: string, handle: string, visibilityMs: number): Promise<void> {
    const queue = this.#queue(name);
    const message = queue.messages.get(messageIdOf(handle));
    const t = this.#settings.now();
    if (!message || message.handle !== handle) {
      throw invalidParameter(
        'The message does not exist or is not available for a visibility timeout change.',
      );
    }
    if (message.visibleAt <= t) {
      throw new SqsApiError(
        'MessageNotInflight',
        'AWS.SimpleQueueService.MessageNotInflight',
        400,
        'The message is not in flight.',
      );
    }
    message.visibleAt = t + visibilityMs;
    await this.#persist();
  }

  stats(name: string): LocalSqsQueueStats {
    const queue = this.#queue(name);
    const t = this.#settings.now();
    this.#sweep(queue, t);
    const out = { visible: 0, inFlight: 0, delayed: 0, dead: queue.dead.length };
    for (const m of queue.messages.values()) {
      if (m.visibleAt <= t) out.visible++;
      else if (m.handle) out.inFlight++;
      else out.delayed++;
    }
    return out;
  }

  /** Messages received `maxReceives` times without a delete, oldest first. */
  deadLetters(name: string): LocalSqsMessage[] {
    const queue = this.#queue(name);
    this.#sweep(queue, this.#settings.now());
    return queue.dead.map((m) => ({
      messageId: m.messageId,
      body: m.body,
      receiveCount: m.receiveCount,
      sentAt: m.sentAt,
    }));
  }

  /** Long polls answer empty within one poll interval, so a shutdown does not wait 20 s for them. */
  close(): void {
    this.#closed = true;
  }

  /** Resolves once the change just made is in the file: only then may the API answer. */
  async #persist(): Promise<void> {
    await this.#file?.save();
  }

  #snapshot(): string {
    return JSON.stringify({
      version: 1,
      queues: [...this.#queues.values()].map((q) => ({
        name: q.name,
        visibilityTimeoutMs: q.visibilityTimeoutMs,
        messages: [...q.messages.values()],
        dead: q.dead,
      })),
    });
  }

  #queue(name: string): Queue {
    const queue = this.#queues.get(name);
    if (!queue) throw nonExistentQueue();
    return queue;
  }

  /** Moves messages that were received `maxReceives` times and are visible again to the dead letters. */
  #sweep(queue: Queue, t: number): void {
    for (const message of queue.messages.values()) {
      if (message.visibleAt <= t && message.receiveCount >= this.#settings.maxReceives) {
        queue.messages.delete(message.messageId);
        message.handle = undefined;
        queue.dead.push(message);
        this.#settings.log.debug('message dead-lettered', {
          queue: queue.name,
          messageId: message.messageId,
        });
      }
    }
  }

  #take(queue: Queue, max: number, visibilityMs: number): QueuedMessage[] {
    const t = this.#settings.now();
    this.#sweep(queue, t);
    const taken: QueuedMessage[] = [];
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
}
