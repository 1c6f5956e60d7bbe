import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type FiredSchedule,
  type LocalScheduler,
  startLocalScheduler,
} from '#engine/local/scheduler-server.js';

const START = Date.parse('2030-01-02T03:04:00.000Z');
const TARGET = {
  Arn: 'arn:aws:lambda:us-east-1:000000000000:function:wake',
  RoleArn: 'arn:aws:iam::0:role/r',
};

function request(name: string, change: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput {
  return {
    Name: name,
    GroupName: 'g',
    ScheduleExpression: 'at(2030-01-02T03:05:00)',
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: { ...TARGET, Input: JSON.stringify({ name }) },
    ...change,
  };
}

async function failure(
  promise: Promise<unknown>,
): Promise<{ name: string; status?: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the request to fail');
}

describe('startLocalScheduler', () => {
  let now: number;
  let fired: FiredSchedule[];
  let failNext: number;
  let server: LocalScheduler;
  let client: SchedulerClient;
  let dir: string;

  async function start(extra: Partial<Parameters<typeof startLocalScheduler>[0]> = {}): Promise<void> {
    server = await startLocalScheduler({
      pollMs: 0,
      now: () => now,
      retryDelayMs: 1000,
      onFire: async (schedule) => {
        if (failNext > 0) {
          failNext--;
          throw new Error('target unavailable');
        }
        fired.push(schedule);
      },
      ...extra,
    });
    client = new SchedulerClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  }

  beforeEach(async () => {
    now = START;
    fired = [];
    failNext = 0;
    dir = await mkdtemp(join(tmpdir(), 'scheduler-server-'));
    await start();
  });

  afterEach(async () => {
    client.destroy();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 409 ConflictException for an existing name with another client token', async () => {
    // Prepare
    await client.send(new CreateScheduleCommand(request('s1', { ClientToken: 'token-a' })));

    // Act
    const conflict = await failure(
      client.send(new CreateScheduleCommand(request('s1', { ClientToken: 'token-b' }))),
    );
    const retry = await client.send(new CreateScheduleCommand(request('s1', { ClientToken: 'token-a' })));

    // Assess
    expect(conflict).toMatchObject({
      name: 'ConflictException',
      status: 409,
      message: 'Schedule s1 already exists.',
    });
    expect(retry.ScheduleArn).toBe('arn:aws:scheduler:us-east-1:000000000000:schedule/g/s1');
    expect(server.pending()).toBe(1);
  });

  it('answers 404 ResourceNotFoundException for a missing schedule', async () => {
    // Prepare
    await client.send(new CreateScheduleCommand(request('s1')));

    // Act
    const get = await failure(client.send(new GetScheduleCommand({ Name: 'missing', GroupName: 'g' })));
    const del = await failure(client.send(new DeleteScheduleCommand({ Name: 'missing', GroupName: 'g' })));
    const otherGroup = await failure(client.send(new GetScheduleCommand({ Name: 's1', GroupName: 'h' })));

    // Assess
    for (const error of [get, del, otherGroup]) {
      expect(error).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    }
  });

  it.each([
    ['a rate expression', { ScheduleExpression: 'rate(5 minutes)' }],
    ['a malformed at()', { ScheduleExpression: 'at(2030-01-02 03:05:00)' }],
    ['a date that does not exist', { ScheduleExpression: 'at(2030-02-30T00:00:00)' }],
    ['an unknown time zone', { ScheduleExpressionTimezone: 'Mars/Olympus' }],
    ['a retry policy out of range', { Target: { ...TARGET, RetryPolicy: { MaximumRetryAttempts: 186 } } }],
    ['a bad client token', { ClientToken: 'has spaces' }],
    ['a flexible window without its size', { FlexibleTimeWindow: { Mode: 'FLEXIBLE' as const } }],
  ])('answers 400 ValidationException for %s', async (_label, change) => {
    // Act
    const error = await failure(client.send(new CreateScheduleCommand(request('s1', change))));

    // Assess
    expect(error).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(server.pending()).toBe(0);
  });

  it('answers 400 ValidationException for a name too long or with a character outside the charset', async () => {
    const long = await failure(client.send(new CreateScheduleCommand(request('x'.repeat(65)))));
    const odd = await failure(client.send(new CreateScheduleCommand(request('cart/1'))));

    expect(long).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(odd).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(server.requests.CreateSchedule ?? 0).toBe(0);
  });

  it('reads at() in the given time zone', async () => {
    // Prepare: 04:04:30 in Paris (UTC+1 in January) is 03:04:30 UTC.
    await client.send(
      new CreateScheduleCommand(
        request('paris', {
          ScheduleExpression: 'at(2030-01-02T04:04:30)',
          ScheduleExpressionTimezone: 'Europe/Paris',
        }),
      ),
    );

    // Act
    now = Date.parse('2030-01-02T03:04:29.999Z');
    const early = await server.fireDue();
    now = Date.parse('2030-01-02T03:04:30.000Z');
    const onTime = await server.fireDue();

    // Assess
    expect([early, onTime]).toEqual([0, 1]);
  });

  it('lists schedules by group and name prefix, a page at a time', async () => {
    // Prepare
    for (const name of ['a-1', 'a-2', 'a-3', 'b-1'])
      await client.send(new CreateScheduleCommand(request(name)));
    await client.send(new CreateScheduleCommand(request('a-9', { GroupName: 'other' })));

    // Act
    const first = await client.send(
      new ListSchedulesCommand({ GroupName: 'g', NamePrefix: 'a-', MaxResults: 2 }),
    );
    const second = await client.send(
      new ListSchedulesCommand({
        GroupName: 'g',
        NamePrefix: 'a-',
        MaxResults: 2,
        NextToken: first.NextToken,
      }),
    );

    // Assess
    expect(first.Schedules?.map((s) => s.Name)).toEqual(['a-1', 'a-2']);
    expect(second.Schedules?.map((s) => s.Name)).toEqual(['a-3']);
    expect(second.NextToken).toBeUndefined();
    expect(first.Schedules?.[0]).toMatchObject({
      GroupName: 'g',
      State: 'ENABLED',
      Target: { Arn: TARGET.Arn },
    });
    expect(first.Schedules?.[0]?.CreationDate).toEqual(new Date(START));
  });

  it('keeps a schedule with ActionAfterCompletion NONE after it fired, and never fires it again', async () => {
    // Prepare
    await client.send(new CreateScheduleCommand(request('keep', { ActionAfterCompletion: 'NONE' })));
    now = START + 60_000;

    // Act
    const first = await server.fireDue();
    const second = await server.fireDue();
    const kept = await client.send(new GetScheduleCommand({ Name: 'keep', GroupName: 'g' }));

    // Assess
    expect([first, second]).toEqual([1, 0]);
    expect(kept.Name).toBe('keep');
    expect(server.pending()).toBe(0);
  });

  it('does not fire a DISABLED schedule', async () => {
    await client.send(new CreateScheduleCommand(request('off', { State: 'DISABLED' })));
    now = START + 3_600_000;

    expect(await server.fireDue()).toBe(0);
    expect(fired).toEqual([]);
  });

  it('retries a failing target with backoff, then keeps the schedule as dead', async () => {
    // Prepare
    await client.send(
      new CreateScheduleCommand(
        request('flaky', {
          Target: { ...TARGET, Input: '{}', DeadLetterConfig: { Arn: 'arn:aws:sqs:::dlq' } },
        }),
      ),
    );
    failNext = 3;
    now = START + 60_000;

    // Act: attempt 1 fails; attempt 2 waits 1 s; attempt 3 waits 2 s more.
    const attempts = [await server.fireDue()];
    attempts.push(await server.fireDue());
    now += 1000;
    attempts.push(await server.fireDue());
    now += 1999;
    attempts.push(await server.fireDue());
    now += 1;
    attempts.push(await server.fireDue());

    // Assess
    expect(attempts).toEqual([0, 0, 0, 0, 0]);
    expect(failNext).toBe(0);
    expect(server.pending()).toBe(0);
    expect(server.dead()).toEqual([
      {
        name: 'flaky',
        group: 'g',
        input: '{}',
        targetArn: TARGET.Arn,
        attempts: 3,
        error: 'target unavailable',
        deadLetterArn: 'arn:aws:sqs:::dlq',
      },
    ]);
  });

  it('fires a schedule whose target recovers on a retry', async () => {
    await client.send(new CreateScheduleCommand(request('recovers')));
    failNext = 1;
    now = START + 60_000;

    const first = await server.fireDue();
    now += 1000;
    const second = await server.fireDue();

    expect([first, second]).toEqual([0, 1]);
    expect(fired.map((f) => f.name)).toEqual(['recovers']);
    expect(server.dead()).toEqual([]);
  });

  it('fires due schedules by itself when polling', async () => {
    // Prepare
    await server.stop();
    client.destroy();
    await start({ pollMs: 10 });
    await client.send(new CreateScheduleCommand(request('auto')));

    // Act
    now = START + 60_000;
    await expect.poll(() => fired.length, { timeout: 2000, interval: 10 }).toBe(1);

    // Assess
    expect(fired[0]?.name).toBe('auto');
    expect(server.pending()).toBe(0);
  });

  it('keeps dead schedules in the file too', async () => {
    // Prepare
    const file = join(dir, 'schedules.json');
    await server.stop();
    client.destroy();
    await start({ file, maxAttempts: 1 });
    await client.send(new CreateScheduleCommand(request('doomed')));
    failNext = 1;
    now = START + 60_000;
    await server.fireDue();

    // Act
    await server.stop();
    client.destroy();
    await start({ file });

    // Assess
    expect(server.dead().map((d) => d.name)).toEqual(['doomed']);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ version: 1, schedules: [] });
  });

  it('refuses to start on a file that is not a schedules file', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"version":1,"schedules":"nope"}');

    await expect(startLocalScheduler({ file, onFire: async () => {} })).rejects.toMatchObject({
      name: 'LocalSchedulerError',
    });
  });

  it('answers an unknown path with an error, not a crash', async () => {
    const response = await fetch(`${server.endpoint}/schedule-groups/x`, { method: 'POST', body: '{}' });

    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
  });
});
