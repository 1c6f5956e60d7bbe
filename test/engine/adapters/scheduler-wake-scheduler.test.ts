import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateScheduleCommand, GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '#engine/adapters/memory/manual-clock.js';
import {
  atExpression,
  parseWakeInput,
  type SchedulerRequestEvent,
  SchedulerWakeScheduler,
  scheduleName,
} from '#engine/adapters/scheduler-wake-scheduler.js';
import { ValidationError } from '#engine/domain/errors.js';
import {
  type FiredSchedule,
  type LocalScheduler,
  startLocalScheduler,
} from '#engine/local/scheduler-server.js';

const GROUP = 'cart-recovery';
const TARGET_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:wake';
const ROLE_ARN = 'arn:aws:iam::000000000000:role/scheduler';
const DLQ_ARN = 'arn:aws:sqs:us-east-1:000000000000:wake-dlq';
const START = Date.parse('2030-01-02T03:04:00.000Z');

function clientFor(endpoint: string): SchedulerClient {
  return new SchedulerClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

describe('SchedulerWakeScheduler', () => {
  let clock: ManualClock;
  let fired: FiredSchedule[];
  let server: LocalScheduler;
  let client: SchedulerClient;
  let events: SchedulerRequestEvent[];
  let scheduler: SchedulerWakeScheduler;
  let dir: string;

  async function startServer(file?: string): Promise<LocalScheduler> {
    return startLocalScheduler({
      pollMs: 0,
      now: () => clock.now().getTime(),
      onFire: async (schedule) => {
        fired.push(schedule);
      },
      ...(file ? { file } : {}),
    });
  }

  function adapterFor(endpoint: string): SchedulerWakeScheduler {
    client?.destroy();
    client = clientFor(endpoint);
    return new SchedulerWakeScheduler({
      client,
      groupName: GROUP,
      targetArn: TARGET_ARN,
      roleArn: ROLE_ARN,
      deadLetterArn: DLQ_ARN,
      clock,
      onRequest: (event) => events.push(event),
    });
  }

  async function getSchedule(name: string) {
    return client.send(new GetScheduleCommand({ Name: name, GroupName: GROUP }));
  }

  beforeEach(async () => {
    clock = new ManualClock(START);
    fired = [];
    events = [];
    dir = await mkdtemp(join(tmpdir(), 'scheduler-wake-'));
    server = await startServer();
    scheduler = adapterFor(server.endpoint);
  });

  afterEach(async () => {
    client.destroy();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('names a plain cart id and seq as they are', () => {
    expect(scheduleName('cart-1001', 3)).toBe('cart-1001-3');
    expect(scheduleName('A_b-9', 0)).toBe('A_b-9-0');
  });

  it('keeps names of long and odd cart ids within 64 characters of [0-9a-zA-Z-_.], all distinct', () => {
    // Prepare
    const long = 'x'.repeat(200);
    const cases: [string, number][] = [
      [long, 1],
      [`${long}y`, 1],
      [long, 2],
      ['café/ümlaut #1', 1],
      ['café/ümlaut #2', 1],
      ['a b', 1],
      ['a_b', 1],
      ['a.b', 1],
      ['a/b', 1],
      ['shop.example.com/cart/42?x=1', 7],
      ['🛒', Number.MAX_SAFE_INTEGER],
      ['x'.repeat(62), 1],
      ['x'.repeat(63), 1],
    ];

    // Act
    const names = cases.map(([cartId, seq]) => scheduleName(cartId, seq));

    // Assess
    for (const name of names) {
      expect(name).toMatch(/^[0-9a-zA-Z_.-]{1,64}$/);
    }
    expect(new Set(names).size).toBe(names.length);
    expect(names[11]).toBe(`${'x'.repeat(62)}-1`);
    expect(names[12]).toMatch(/^x+-1\.[0-9a-f]{16}$/);
    expect(names[3]).toMatch(/^caf_+mlaut_1-1\.[0-9a-f]{16}$/);
    expect(scheduleName('a.b', 1)).toBe(names[7]);
  });

  it('refuses a seq that is not a non-negative integer', () => {
    expect(() => scheduleName('cart-1', -1)).toThrow(RangeError);
    expect(() => scheduleName('cart-1', 1.5)).toThrow(RangeError);
  });

  it('creates schedules the Scheduler API accepts for odd cart ids', async () => {
    // Prepare
    const cartIds = ['x'.repeat(200), 'café/ümlaut #1', 'shop.example.com/cart/42?x=1'];

    // Act
    for (const cartId of cartIds) {
      await scheduler.schedule({ cartId, seq: 4, at: new Date(START + 60_000) });
    }

    // Assess
    expect(server.pending()).toBe(3);
    for (const cartId of cartIds) {
      const schedule = await getSchedule(scheduleName(cartId, 4));
      expect(parseWakeInput(schedule.Target?.Input ?? '')).toEqual({ cartId, seq: 4 });
    }
  });

  it('writes at() in UTC rounded up to the whole second, with the target, retries and dead letters', async () => {
    // Act
    await scheduler.schedule({ cartId: 'cart-1', seq: 1, at: new Date('2030-01-02T03:05:06.001Z') });
    await scheduler.schedule({ cartId: 'cart-1', seq: 2, at: new Date('2030-01-02T03:05:06.000Z') });

    // Assess
    const rounded = await getSchedule('cart-1-1');
    expect(rounded).toMatchObject({
      ScheduleExpression: 'at(2030-01-02T03:05:07)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      GroupName: GROUP,
      Target: {
        Arn: TARGET_ARN,
        RoleArn: ROLE_ARN,
        Input: JSON.stringify({ cartId: 'cart-1', seq: 1 }),
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 86_400 },
        DeadLetterConfig: { Arn: DLQ_ARN },
      },
    });
    expect((await getSchedule('cart-1-2')).ScheduleExpression).toBe('at(2030-01-02T03:05:06)');
    expect(atExpression(new Date('2030-12-31T23:59:59.500Z'))).toBe('at(2031-01-01T00:00:00)');
  });

  it('moves a wake-up time already past to one second from now', async () => {
    // Prepare
    clock.set('2030-01-02T03:04:10.250Z');

    // Act
    await scheduler.schedule({ cartId: 'cart-late', seq: 1, at: new Date('2030-01-01T00:00:00Z') });

    // Assess
    expect((await getSchedule('cart-late-1')).ScheduleExpression).toBe('at(2030-01-02T03:04:12)');
  });

  it('leaves one schedule when the same wake-up is scheduled twice', async () => {
    // Prepare
    const wake = { cartId: 'cart-2', seq: 5, at: new Date(START + 30_000) };

    // Act
    await scheduler.schedule(wake);
    await scheduler.schedule({ ...wake, at: new Date(START + 90_000) });

    // Assess
    expect(server.pending()).toBe(1);
    expect(scheduler.requests.CreateSchedule).toBe(2);
    expect(events.map((e) => [e.operation, e.outcome])).toEqual([
      ['CreateSchedule', 'ok'],
      ['CreateSchedule', 'ok'],
    ]);
  });

  it('treats a schedule someone else created under the same name as already scheduled', async () => {
    // Prepare: the same name, but another client token, so Scheduler answers 409.
    await client.send(
      new CreateScheduleCommand({
        Name: 'cart-3-1',
        GroupName: GROUP,
        ScheduleExpression: 'at(2030-06-01T00:00:00)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: `${TARGET_ARN}-first`, RoleArn: ROLE_ARN, Input: '{"cartId":"cart-3","seq":1}' },
      }),
    );

    // Act
    await scheduler.schedule({ cartId: 'cart-3', seq: 1, at: new Date(START + 30_000) });

    // Assess
    expect(events).toEqual([expect.objectContaining({ operation: 'CreateSchedule', outcome: 'conflict' })]);
    expect(server.pending()).toBe(1);
    expect((await getSchedule('cart-3-1')).Target?.Arn).toBe(`${TARGET_ARN}-first`);
  });

  it('cancels a pending wake-up, and a missing one without error', async () => {
    // Prepare
    await scheduler.schedule({ cartId: 'cart-4', seq: 1, at: new Date(START + 30_000) });

    // Act
    await scheduler.cancel({ cartId: 'cart-4', seq: 1 });
    await scheduler.cancel({ cartId: 'cart-4', seq: 1 });
    await scheduler.cancel({ cartId: 'never-scheduled', seq: 9 });

    // Assess
    expect(server.pending()).toBe(0);
    expect(events.filter((e) => e.operation === 'DeleteSchedule').map((e) => e.outcome)).toEqual([
      'ok',
      'not_found',
      'not_found',
    ]);
    clock.advance(60_000);
    expect(await server.fireDue()).toBe(0);
    expect(fired).toEqual([]);
  });

  it('fires at its time, once, with an input parseWakeInput reads back', async () => {
    // Prepare
    const cartId = 'shop.example.com/cart/42?x=1';
    await scheduler.schedule({ cartId, seq: 3, at: new Date(START + 10_000) });

    // Act
    clock.set(START + 9_999);
    const early = await server.fireDue();
    clock.set(START + 10_000);
    const onTime = await server.fireDue();
    clock.advance(60_000);
    const after = await server.fireDue();

    // Assess
    expect([early, onTime, after]).toEqual([0, 1, 0]);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ name: scheduleName(cartId, 3), group: GROUP, targetArn: TARGET_ARN });
    expect(parseWakeInput(fired[0]?.input ?? '')).toEqual({ cartId, seq: 3 });
    expect(server.pending()).toBe(0);
  });

  it('keeps pending schedules across a server restart with a file', async () => {
    // Prepare
    const file = join(dir, 'nested', 'schedules.json');
    await server.stop();
    server = await startServer(file);
    scheduler = adapterFor(server.endpoint);
    await scheduler.schedule({ cartId: 'cart-5', seq: 1, at: new Date(START + 10_000) });
    await scheduler.schedule({ cartId: 'cart-5', seq: 2, at: new Date(START + 20_000) });
    await scheduler.cancel({ cartId: 'cart-5', seq: 2 });

    // Act
    await server.stop();
    server = await startServer(file);
    scheduler = adapterFor(server.endpoint);
    const restored = server.pending();
    clock.set(START + 10_000);
    const firedNow = await server.fireDue();
    await server.stop();
    server = await startServer(file);

    // Assess
    expect(restored).toBe(1);
    expect(firedNow).toBe(1);
    expect(parseWakeInput(fired[0]?.input ?? '')).toEqual({ cartId: 'cart-5', seq: 1 });
    expect(server.pending()).toBe(0);
  });

  it('wraps a failed request in a WakeSchedulerError', async () => {
    // Prepare
    const broken = new SchedulerWakeScheduler({
      client,
      groupName: 'not a valid group',
      targetArn: TARGET_ARN,
      roleArn: ROLE_ARN,
      clock,
    });

    // Act
    const result = broken.schedule({ cartId: 'cart-6', seq: 1, at: new Date(START) });

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'WakeSchedulerError',
      cause: { name: 'ValidationException' },
    });
  });
});

describe('parseWakeInput', () => {
  it('reads the input string and the object Lambda receives', () => {
    expect(parseWakeInput('{"cartId":"c-1","seq":2}')).toEqual({ cartId: 'c-1', seq: 2 });
    expect(parseWakeInput({ cartId: 'c-1', seq: 2 })).toEqual({ cartId: 'c-1', seq: 2 });
  });

  it('rejects input that is not { cartId, seq }', () => {
    expect(() => parseWakeInput('not json')).toThrow(ValidationError);
    expect(() => parseWakeInput('{"cartId":"","seq":1}')).toThrow(/cartId must not be empty/);
    expect(() => parseWakeInput({ cartId: 'c-1', seq: -1 })).toThrow(/seq must not be negative/);
    expect(() => parseWakeInput({ cartId: 'c-1' })).toThrow(/seq/);
  });
});
