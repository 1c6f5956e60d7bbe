import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalSqs, startLocalSqs } from '#engine/local/sqs-server.js';

async function failure(promise: Promise<unknown>): Promise<{ name: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the request to fail');
}

describe('startLocalSqs', () => {
  let now: number;
  let sqs: LocalSqs;
  let client: SQSClient;
  let queueUrl: string;

  async function sendAndReceive(body: string) {
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    const output = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    const message = output.Messages?.[0];
    if (!message?.ReceiptHandle) throw new Error('no message received');
    return message;
  }

  beforeEach(async () => {
    now = Date.parse('2030-01-02T03:04:00.000Z');
    sqs = await startLocalSqs({ now: () => now, visibilityTimeoutMs: 10_000 });
    client = new SQSClient({
      endpoint: sqs.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    queueUrl = (await client.send(new CreateQueueCommand({ QueueName: 'jobs' }))).QueueUrl ?? '';
  });

  afterEach(async () => {
    client.destroy();
    await sqs.stop();
  });

  it('creates a queue once and finds its URL by name', async () => {
    const again = await client.send(new CreateQueueCommand({ QueueName: 'jobs' }));
    const found = await client.send(new GetQueueUrlCommand({ QueueName: 'jobs' }));

    expect(queueUrl).toBe(`${sqs.endpoint}/000000000000/jobs`);
    expect(again.QueueUrl).toBe(queueUrl);
    expect(found.QueueUrl).toBe(queueUrl);
  });

  it('answers QueueDoesNotExist for an unknown queue', async () => {
    const byName = await failure(client.send(new GetQueueUrlCommand({ QueueName: 'nope' })));
    const byUrl = await failure(
      client.send(new SendMessageCommand({ QueueUrl: sqs.queueUrl('nope'), MessageBody: 'x' })),
    );

    expect(byName).toEqual({ name: 'QueueDoesNotExist', status: 400 });
    expect(byUrl).toEqual({ name: 'QueueDoesNotExist', status: 400 });
  });

  it('answers ReceiptHandleIsInvalid for a handle it never gave out', async () => {
    const error = await failure(
      client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: 'garbage' })),
    );

    expect(error).toEqual({ name: 'ReceiptHandleIsInvalid', status: 404 });
  });

  it('reports each entry of a delete batch, and refuses an empty or duplicated one', async () => {
    // Prepare
    const message = await sendAndReceive('one');

    // Act
    const result = await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'good', ReceiptHandle: message.ReceiptHandle },
          { Id: 'bad', ReceiptHandle: 'garbage' },
        ],
      }),
    );
    const empty = await failure(
      client.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: [] })),
    );
    const duplicated = await failure(
      client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: [
            { Id: 'same', ReceiptHandle: 'a' },
            { Id: 'same', ReceiptHandle: 'b' },
          ],
        }),
      ),
    );

    // Assess
    expect(result.Successful).toEqual([{ Id: 'good' }]);
    expect(result.Failed).toEqual([
      expect.objectContaining({ Id: 'bad', SenderFault: true, Code: 'ReceiptHandleIsInvalid' }),
    ]);
    expect(empty.name).toBe('EmptyBatchRequest');
    expect(duplicated.name).toBe('BatchEntryIdsNotDistinct');
    expect(sqs.stats('jobs')).toEqual({ visible: 0, inFlight: 0, delayed: 0, dead: 0 });
  });

  it('makes a message visible again at once with a visibility timeout of 0', async () => {
    // Prepare
    const message = await sendAndReceive('again');

    // Act
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: message.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const notInFlight = await failure(
      client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 5,
        }),
      ),
    );
    const received = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));

    // Assess
    expect(notInFlight.name).toBe('MessageNotInflight');
    expect(received.Messages?.[0]?.MessageId).toBe(message.MessageId);
  });

  it('holds a delayed message back until its delay passed', async () => {
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'later', DelaySeconds: 60 }));

    const early = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    const delayed = sqs.stats('jobs').delayed;
    now += 60_000;
    const onTime = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));

    expect(early.Messages).toBeUndefined();
    expect(delayed).toBe(1);
    expect(onTime.Messages?.[0]?.Body).toBe('later');
  });

  it('answers a long poll as soon as a message arrives', async () => {
    // Act
    const started = Date.now();
    const polling = client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5 }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'arrived' }));
    const output = await polling;

    // Assess
    expect(output.Messages?.[0]?.Body).toBe('arrived');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers a pending long poll empty when it stops', async () => {
    // Prepare
    const polling = client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 20 }));
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Act
    const started = Date.now();
    await sqs.stop();
    const output = await polling;

    // Assess
    expect(output.Messages).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses out-of-range parameters and operations it does not speak', async () => {
    const tooMany = await failure(
      client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 11 })),
    );
    const tooBig = await failure(
      client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x'.repeat(262_145) })),
    );
    const unsupported = await failure(client.send(new PurgeQueueCommand({ QueueUrl: queueUrl })));

    expect(tooMany).toEqual({ name: 'InvalidParameterValue', status: 400 });
    expect(tooBig).toEqual({ name: 'InvalidParameterValue', status: 400 });
    expect(unsupported).toEqual({ name: 'UnsupportedOperation', status: 400 });
  });

  it('counts requests by operation', async () => {
    await sendAndReceive('counted');

    expect(sqs.requests).toEqual({ CreateQueue: 1, SendMessage: 1, ReceiveMessage: 1 });
  });
});

describe('startLocalSqs with a file', () => {
  let now: number;
  let dir: string;
  let file: string;
  const servers: LocalSqs[] = [];
  const clients: SQSClient[] = [];

  // A second server opened on the file while the first still runs sees exactly what `kill -9` of
  // the first would leave behind: what was written before each answer.
  async function open() {
    const sqs = await startLocalSqs({ now: () => now, visibilityTimeoutMs: 10_000, queues: ['jobs'], file });
    const client = new SQSClient({
      endpoint: sqs.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    servers.push(sqs);
    clients.push(client);
    return { sqs, client, queueUrl: sqs.queueUrl('jobs') };
  }

  beforeEach(async () => {
    now = Date.parse('2030-01-02T03:04:00.000Z');
    dir = await mkdtemp(join(tmpdir(), 'cr-sqs-'));
    file = join(dir, 'sqs.json');
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    for (const sqs of servers.splice(0)) await sqs.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged send, and forgets every acknowledged delete, across a crash', async () => {
    // Prepare
    const first = await open();
    for (const body of ['one', 'two', 'three']) {
      await first.client.send(new SendMessageCommand({ QueueUrl: first.queueUrl, MessageBody: body }));
    }
    const received = await first.client.send(
      new ReceiveMessageCommand({ QueueUrl: first.queueUrl, MaxNumberOfMessages: 1 }),
    );
    await first.client.send(
      new DeleteMessageCommand({
        QueueUrl: first.queueUrl,
        ReceiptHandle: received.Messages?.[0]?.ReceiptHandle,
      }),
    );

    // Act
    const second = await open();
    const after = await second.client.send(
      new ReceiveMessageCommand({ QueueUrl: second.queueUrl, MaxNumberOfMessages: 10 }),
    );

    // Assess
    expect(received.Messages?.[0]?.Body).toBe('one');
    expect(after.Messages?.map((m) => m.Body)).toEqual(['two', 'three']);
  });

  it('brings a message received but not deleted back once its visibility timeout ran out after a restart', async () => {
    // Prepare
    const first = await open();
    await first.client.send(new SendMessageCommand({ QueueUrl: first.queueUrl, MessageBody: 'in flight' }));
    const taken = await first.client.send(new ReceiveMessageCommand({ QueueUrl: first.queueUrl }));

    // Act
    const second = await open();
    const hidden = await second.client.send(new ReceiveMessageCommand({ QueueUrl: second.queueUrl }));
    const stats = second.sqs.stats('jobs');
    now += 10_000;
    const back = await second.client.send(
      new ReceiveMessageCommand({ QueueUrl: second.queueUrl, MessageSystemAttributeNames: ['All'] }),
    );

    // Assess
    expect(hidden.Messages).toBeUndefined();
    expect(stats).toEqual({ visible: 0, inFlight: 1, delayed: 0, dead: 0 });
    expect(back.Messages?.[0]).toMatchObject({
      MessageId: taken.Messages?.[0]?.MessageId,
      Body: 'in flight',
      Attributes: expect.objectContaining({ ApproximateReceiveCount: '2' }),
    });
  });

  it('refuses to start on a file that is not a queues file', async () => {
    await writeFile(file, '{"version":1,"queues":"nope"}');

    await expect(startLocalSqs({ file })).rejects.toMatchObject({ name: 'LocalStateFileError' });
  });
});
