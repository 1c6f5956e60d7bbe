import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type ReceiveMessageCommandOutput,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  parseReminderJob,
  SqsReminderQueue,
  type SqsRequestEvent,
} from '#engine/adapters/sqs-reminder-queue.js';
import { ValidationError } from '#engine/domain/errors.js';
import { pollQueue } from '#engine/local/sqs-poller.js';
import { type LocalSqs, startLocalSqs } from '#engine/local/sqs-server.js';
import type { ReminderJob } from '#engine/ports.js';
import { sampleRules } from '#test/fakes/sample-cart.js';

/** A job as the wake-up enqueues it: with the rules it decided under. */
const job = (cartId: string, n: 1 | 2, seq: number): ReminderJob => ({
  cartId,
  n,
  seq,
  rules: sampleRules(),
  rulesVersion: 'v-test-1',
});

const VISIBILITY_MS = 30_000;

describe('SqsReminderQueue', () => {
  let now: number;
  let sqs: LocalSqs;
  let client: SQSClient;
  let queueUrl: string;
  let events: SqsRequestEvent[];
  let queue: SqsReminderQueue;

  function receive(max = 10): Promise<ReceiveMessageCommandOutput> {
    return client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: max,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
  }

  beforeEach(async () => {
    now = Date.parse('2030-01-02T03:04:00.000Z');
    sqs = await startLocalSqs({ visibilityTimeoutMs: VISIBILITY_MS, maxReceives: 3, now: () => now });
    client = new SQSClient({
      endpoint: sqs.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    queueUrl = await sqs.createQueue('reminders');
    events = [];
    queue = new SqsReminderQueue({ client, queueUrl, onRequest: (event) => events.push(event) });
  });

  afterEach(async () => {
    client.destroy();
    await sqs.stop();
  });

  it("carries an owner's test job whole, and refuses one whose test address is no address", async () => {
    // Prepare
    const sent = {
      ...job('sample-cart', 1, 0),
      test: { to: 'owner@acme.example', actor: 'sheet menu', sample: true },
    };

    // Act
    await queue.enqueue(sent);
    const message = (await receive()).Messages?.[0];

    // Assess
    expect(parseReminderJob(message?.Body ?? '')).toEqual(sent);
    expect(() => parseReminderJob(JSON.stringify({ ...sent, test: { ...sent.test, to: 'nobody' } }))).toThrow(
      /test\.to: test\.to must be an email address/,
    );
  });

  it('sends a job that is received, parsed back and deleted', async () => {
    // Prepare
    const sent = job('cart-1001', 2, 7);

    // Act
    await queue.enqueue(sent);
    const received = await receive();
    const message = received.Messages?.[0];
    await client.send(
      new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message?.ReceiptHandle }),
    );
    now += VISIBILITY_MS;
    const after = await receive();

    // Assess
    expect(received.Messages).toHaveLength(1);
    expect(parseReminderJob(message?.Body ?? '')).toEqual(sent);
    expect(message?.Attributes?.ApproximateReceiveCount).toBe('1');
    expect(after.Messages).toBeUndefined();
    expect(queue.requests.SendMessage).toBe(1);
    expect(events).toEqual([expect.objectContaining({ operation: 'SendMessage', outcome: 'ok' })]);
    expect(sqs.stats('reminders')).toEqual({ visible: 0, inFlight: 0, delayed: 0, dead: 0 });
  });

  it('redelivers a message that was not deleted once its visibility timeout passes', async () => {
    // Prepare
    await queue.enqueue(job('cart-2', 1, 1));
    const first = (await receive()).Messages?.[0];

    // Act
    now += VISIBILITY_MS - 1;
    const hidden = await receive();
    now += 1;
    const again = (await receive()).Messages?.[0];
    await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: first?.ReceiptHandle }));
    const afterStaleDelete = sqs.stats('reminders');

    // Assess
    expect(hidden.Messages).toBeUndefined();
    expect(again?.MessageId).toBe(first?.MessageId);
    expect(again?.ReceiptHandle).not.toBe(first?.ReceiptHandle);
    expect(again?.Attributes?.ApproximateReceiveCount).toBe('2');
    // A stale receipt handle deletes nothing, as in SQS.
    expect(afterStaleDelete.inFlight).toBe(1);
  });

  it('moves a message received maxReceives times without a delete to the dead letters', async () => {
    // Prepare
    await queue.enqueue(job('cart-3', 1, 1));

    // Act
    const counts: (string | undefined)[] = [];
    for (let i = 0; i < 4; i++) {
      counts.push((await receive()).Messages?.[0]?.Attributes?.ApproximateReceiveCount);
      now += VISIBILITY_MS;
    }

    // Assess
    expect(counts).toEqual(['1', '2', '3', undefined]);
    const dead = sqs.deadLetters('reminders');
    expect(dead).toHaveLength(1);
    expect(dead[0]?.receiveCount).toBe(3);
    expect(parseReminderJob(dead[0]?.body ?? '')).toEqual(job('cart-3', 1, 1));
  });

  it('deletes the successes of a partial batch through pollQueue and redelivers the failure', async () => {
    // Prepare
    for (const cartId of ['cart-a', 'cart-b', 'cart-c']) await queue.enqueue(job(cartId, 1, 1));
    const stop = new AbortController();
    const seen: { cartId: string; receiveCount: string }[][] = [];
    const handle = async (event: SQSEvent): Promise<SQSBatchResponse> => {
      seen.push(
        event.Records.map((r) => ({
          cartId: parseReminderJob(r.body).cartId,
          receiveCount: r.attributes.ApproximateReceiveCount,
        })),
      );
      if (seen.length === 2) stop.abort();
      const failing = event.Records.filter(
        (r) => parseReminderJob(r.body).cartId === 'cart-b' && seen.length === 1,
      );
      // Let the failure come back on the next receive.
      now += VISIBILITY_MS;
      return { batchItemFailures: failing.map((r) => ({ itemIdentifier: r.messageId })) };
    };

    // Act
    const totals = await pollQueue({ client, queueUrl, handle, signal: stop.signal, waitTimeSeconds: 0 });

    // Assess
    expect(seen).toEqual([
      [
        { cartId: 'cart-a', receiveCount: '1' },
        { cartId: 'cart-b', receiveCount: '1' },
        { cartId: 'cart-c', receiveCount: '1' },
      ],
      [{ cartId: 'cart-b', receiveCount: '2' }],
    ]);
    expect(totals).toEqual({ batches: 2, received: 4, deleted: 3, failed: 1 });
    now += VISIBILITY_MS;
    expect(sqs.stats('reminders')).toEqual({ visible: 0, inFlight: 0, delayed: 0, dead: 0 });
  });

  it('keeps the whole batch when the handler throws or names an unknown message', async () => {
    // Prepare
    for (const cartId of ['cart-d', 'cart-e']) await queue.enqueue(job(cartId, 1, 1));
    const stop = new AbortController();
    let batches = 0;
    const handle = async (): Promise<SQSBatchResponse> => {
      batches++;
      now += VISIBILITY_MS;
      if (batches === 1) throw new Error('sender down');
      stop.abort();
      return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
    };

    // Act
    const totals = await pollQueue({ client, queueUrl, handle, signal: stop.signal, waitTimeSeconds: 0 });

    // Assess
    expect(totals).toEqual({ batches: 2, received: 4, deleted: 0, failed: 4 });
    expect(sqs.stats('reminders').visible).toBe(2);
  });

  it('stops polling promptly when aborted during a long poll', async () => {
    // Prepare
    const stop = new AbortController();
    const polling = pollQueue({
      client,
      queueUrl,
      handle: async () => ({ batchItemFailures: [] }),
      signal: stop.signal,
      waitTimeSeconds: 20,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Act
    const started = Date.now();
    stop.abort();
    const totals = await polling;

    // Assess
    expect(totals).toEqual({ batches: 0, received: 0, deleted: 0, failed: 0 });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('wraps a failed send in a ReminderQueueError', async () => {
    // Prepare
    const lost = new SqsReminderQueue({ client, queueUrl: sqs.queueUrl('missing') });

    // Act
    const result = lost.enqueue(job('cart-9', 1, 1));

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'ReminderQueueError',
      cause: { name: 'QueueDoesNotExist' },
    });
  });
});

describe('parseReminderJob', () => {
  it('reads a job body, with the rules it was decided under', () => {
    expect(parseReminderJob(JSON.stringify(job('c-1', 1, 0)))).toEqual(job('c-1', 1, 0));
  });

  it('rejects a job without its rules, or with rules the engine would refuse', () => {
    const { rules: _rules, ...withoutRules } = job('c-1', 1, 0);
    const badRules = { ...job('c-1', 1, 0), rules: { ...sampleRules(), maxReminders: 3 } };

    expect(() => parseReminderJob(JSON.stringify(withoutRules))).toThrow(/rules/);
    expect(() => parseReminderJob(JSON.stringify(badRules))).toThrow(/maxReminders/);
    expect(() => parseReminderJob(JSON.stringify({ ...job('c-1', 1, 0), rulesVersion: '' }))).toThrow(
      /rulesVersion must not be empty/,
    );
  });

  it('rejects a body that is not { cartId, n: 1 | 2, seq }', () => {
    expect(() => parseReminderJob('{')).toThrow(ValidationError);
    expect(() => parseReminderJob('{"cartId":"c-1","n":3,"seq":0}')).toThrow(/n must be 1 or 2/);
    expect(() => parseReminderJob('{"cartId":"c-1","n":1,"seq":1.5}')).toThrow(/seq must be a whole number/);
    expect(() => parseReminderJob('{"n":1,"seq":1}')).toThrow(/cartId/);
  });
});
