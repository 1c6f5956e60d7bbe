import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbAuditLog } from '#engine/adapters/dynamodb-audit-log.js';
import { DynamoDbCartStore } from '#engine/adapters/dynamodb-cart-store.js';
import { documentClient, tableNames } from '#engine/adapters/dynamodb-tables.js';
import type { Cart, ReminderRecord } from '#engine/domain/cart.js';
import { parseCartEvent } from '#engine/domain/cart-event.js';
import { parseRulesYaml } from '#engine/domain/rules-yaml.js';
import { handler as senderHandler } from '#engine/handlers/sender.handler.js';
import { handler as wakeHandler } from '#engine/handlers/wake.handler.js';
import { type LocalStack, startLocalStack } from '#engine/local/start.js';
import type { ReminderJob } from '#engine/ports.js';
import { cartUpdatedEvent, daytimeZone, signedHeaders, waitFor } from '#test/fakes/storefront-events.js';
import type { StoredEmail } from '#test/peers/ses-local.js';

const HOUR = 3_600_000;

/** The rules a wake-up of the local stack decides under (it seeds examples/rules.yaml). */
async function decidedUnder(): Promise<Pick<ReminderJob, 'rules' | 'rulesVersion'>> {
  const text = await readFile(new URL('../../../examples/rules.yaml', import.meta.url), 'utf8');
  return { rules: parseRulesYaml(text), rulesVersion: 'local-seed' };
}

/** An SQS delivery of one reminder job, as the event source mapping hands it to the sender. */
function sqsEvent(job: ReminderJob, messageId: string): SQSEvent {
  return {
    Records: [
      {
        messageId,
        receiptHandle: `rh-${messageId}`,
        body: JSON.stringify(job),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          SenderId: 'local',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:cr-reminders',
        awsRegion: 'us-east-1',
      },
    ],
  };
}

describe('races on the local stack', () => {
  let stack: LocalStack;
  let dataDir: string;
  let zone: string;
  let carts: DynamoDbCartStore;
  let audit: DynamoDbAuditLog;

  const emailsTo = async (address: string) =>
    ((await stack.sesStore()) as StoredEmail[]).filter((e) => e.destination.to.includes(address));
  const sentEntries = async (cartId: string) =>
    (await audit.byCart(cartId)).filter((e) => e.action === 'reminder.sent');

  /**
   * Stores an open cart whose reminder `reminders.length + 1` is due now, with a pending wake-up
   * `seq` 1 that no scheduler holds: only the test invokes it.
   */
  async function dueCart(cartId: string, email: string, reminders: ReminderRecord[] = []): Promise<Cart> {
    const now = Date.now();
    const parsed = parseCartEvent(
      cartUpdatedEvent({
        eventId: `evt-${cartId}`,
        cartId,
        email,
        minutesAgo: reminders.length > 0 ? 22 * 60 : 180,
        timezone: zone,
      }),
    );
    if (!parsed.ok || parsed.event.type !== 'cart.updated') throw new Error('the sample event is invalid');
    const event = parsed.event;
    return carts.put(
      {
        id: cartId,
        emailKey: email,
        snapshot: event.cart,
        firstSeenAt: event.occurredAt,
        lastActivityAt: event.occurredAt,
        status: 'open',
        reminders,
        wake: { at: new Date(now).toISOString(), seq: 1 },
        recentEventIds: [event.id],
        version: 0,
      },
      0,
    );
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cr-races-'));
    stack = await startLocalStack({ port: 0, sesPort: 0, dataDir, quiet: true });
    zone = daytimeZone();
    const doc = documentClient(new DynamoDBClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB }));
    const names = tableNames('cr-');
    carts = new DynamoDbCartStore({ client: doc, tableName: names.carts });
    audit = new DynamoDbAuditLog({ client: doc, tableName: names.audit });
  });

  afterAll(async () => {
    await stack?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('accepts one of ten concurrent deliveries of an event and answers the other nine as duplicates', async () => {
    // Last touched 5 minutes ago: the cart waits for its wake-up, so nothing else writes it meanwhile.
    const event = cartUpdatedEvent({
      eventId: 'evt-race-dup',
      cartId: 'cart-race-dup',
      email: 'dup@example.com',
      minutesAgo: 5,
      timezone: zone,
    });
    const body = JSON.stringify(event);
    const headers = signedHeaders(stack.secrets.webhookSecret, body);

    const answers = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const response = await fetch(`${stack.url}/webhook`, { method: 'POST', headers, body });
        return { status: response.status, body: (await response.json()) as { status: string } };
      }),
    );

    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 202]);
    expect(answers.filter((a) => a.status === 200).every((a) => a.body.status === 'duplicate')).toBe(true);
    const cart = await carts.get('cart-race-dup');
    expect(cart).toMatchObject({ status: 'open', version: 1, recentEventIds: ['evt-race-dup'] });
    expect(await carts.openCartsByEmail('dup@example.com')).toHaveLength(1);
    expect(await audit.byCart('cart-race-dup')).toEqual([]);
  });

  it('answers forty concurrent updates of one cart 202 or 429 (busy), never 5xx, and keeps the newest', async () => {
    // Forty deliveries of different events for one cart at once: each round of conflicting writes has
    // one winner, so some may run out of retries. Those are answered 429 and sent again, as a platform
    // retries; in the end every event is stored and the cart holds the newest.
    const events = Array.from({ length: 40 }, (_, i) =>
      cartUpdatedEvent({
        eventId: `evt-race-busy-${i}`,
        cartId: 'cart-race-busy',
        email: 'busy@example.com',
        minutesAgo: 50 - i,
        timezone: zone,
      }),
    );
    const deliver = async (event: (typeof events)[number]) => {
      const body = JSON.stringify(event);
      const response = await fetch(`${stack.url}/webhook`, {
        method: 'POST',
        headers: signedHeaders(stack.secrets.webhookSecret, body),
        body,
      });
      return {
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        body: (await response.json()) as { status?: string; error?: string },
      };
    };

    const answers = await Promise.all(events.map(deliver));
    const busy = events.filter((_, i) => answers[i]?.status === 429);
    const again = [];
    for (const event of busy) again.push(await deliver(event));

    expect(answers.every((a) => a.status === 202 || a.status === 429)).toBe(true);
    expect(
      answers.filter((a) => a.status === 429).every((a) => a.body.error === 'busy' && a.retryAfter),
    ).toBe(true);
    expect(again.map((a) => a.status)).toEqual(busy.map(() => 202));
    const cart = await carts.get('cart-race-busy');
    expect(cart).toMatchObject({ status: 'open', lastEventId: 'evt-race-busy-39' });
    expect(await carts.openCartsByEmail('busy@example.com')).toHaveLength(1);
  });

  it('sends one email when the same wake-up is invoked twice at once', async () => {
    await dueCart('cart-race-wake', 'wake@example.com');

    const results = await Promise.all([
      wakeHandler({ cartId: 'cart-race-wake', seq: 1 }),
      wakeHandler({ cartId: 'cart-race-wake', seq: 1 }),
    ]);
    await waitFor('the reminder.sent audit entry', async () => (await sentEntries('cart-race-wake'))[0]);
    // The local SQS poller long-polls for 1 s: leave time for a second job to be sent, wrongly.
    await new Promise((resolve) => setTimeout(resolve, 2500));

    expect(results.map((r) => r.kind)).toContain('enqueued');
    expect(await emailsTo('wake@example.com')).toHaveLength(1);
    expect(await sentEntries('cart-race-wake')).toEqual([
      expect.objectContaining({ action: 'reminder.sent', detail: expect.objectContaining({ n: 1 }) }),
    ]);
    const cart = await carts.get('cart-race-wake');
    expect(cart?.reminders.map((r) => [r.n, r.state])).toEqual([[1, 'sent']]);
  });

  it('sends reminder 1 once when two senders get the same job at once', async () => {
    await dueCart('cart-race-send-1', 'send1@example.com');
    const job: ReminderJob = { cartId: 'cart-race-send-1', n: 1, seq: 1, ...(await decidedUnder()) };

    const batches = await Promise.all([
      senderHandler(sqsEvent(job, 'm-1a')),
      senderHandler(sqsEvent(job, 'm-1b')),
    ]);

    expect(batches).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    expect(await emailsTo('send1@example.com')).toHaveLength(1);
    const entries = await audit.byCart('cart-race-send-1');
    expect(entries.filter((e) => e.action === 'reminder.claimed')).toHaveLength(1);
    expect(entries.filter((e) => e.action === 'reminder.sent')).toHaveLength(1);
    const cart = await carts.get('cart-race-send-1');
    expect(cart?.reminders.map((r) => [r.n, r.state])).toEqual([[1, 'sent']]);
  });

  it('composes and audits a reminder under the rules it was decided under, carried in the job', async () => {
    await dueCart('cart-job-rules', 'jobrules@example.com');
    const { rules } = await decidedUnder();
    const job: ReminderJob = {
      cartId: 'cart-job-rules',
      n: 1,
      seq: 1,
      rules: { ...rules, store: { ...rules.store, name: 'Rules Of The Decision' } },
      rulesVersion: 'v-decided',
    };

    const batch = await senderHandler(sqsEvent(job, 'm-rules'));

    expect(batch).toEqual({ batchItemFailures: [] });
    const [email] = await emailsTo('jobrules@example.com');
    expect(email?.subject).toBe('Your cart at Rules Of The Decision is saved');
    expect(await sentEntries('cart-job-rules')).toEqual([
      expect.objectContaining({ rulesVersion: 'v-decided' }),
    ]);
  });

  it('sends reminder 2 once when two senders get the same job at once', async () => {
    const firstAt = new Date(Date.now() - 21 * HOUR).toISOString();
    await dueCart('cart-race-send-2', 'send2@example.com', [
      { n: 1, state: 'sent', dueAt: firstAt, at: firstAt, messageId: 'ses-earlier' },
    ]);
    const job: ReminderJob = { cartId: 'cart-race-send-2', n: 2, seq: 1, ...(await decidedUnder()) };

    const batches = await Promise.all([
      senderHandler(sqsEvent(job, 'm-2a')),
      senderHandler(sqsEvent(job, 'm-2b')),
    ]);

    expect(batches).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    const emails = await emailsTo('send2@example.com');
    expect(emails.map((e) => e.subject)).toEqual(['Still deciding? Your cart at Acme Outfitters is waiting']);
    const sent = await sentEntries('cart-race-send-2');
    expect(sent.map((e) => e.detail?.n)).toEqual([2]);
    const cart = await carts.get('cart-race-send-2');
    expect(cart?.reminders.map((r) => [r.n, r.state])).toEqual([
      [1, 'sent'],
      [2, 'sent'],
    ]);
  });
});
