import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DynamoDbAuditLog } from '#engine/adapters/dynamodb-audit-log.js';
import { DynamoDbCartStore } from '#engine/adapters/dynamodb-cart-store.js';
import { tableNames } from '#engine/adapters/dynamodb-tables.js';
import type { Cart } from '#engine/domain/cart.js';
import { timeOf } from '#engine/domain/iso-time.js';
import { openUnsubscribeToken } from '#engine/domain/unsubscribe-token.js';
import { startDynalite } from '#engine/local/peers/dynalite.js';
import { SWEEP_GRACE_SECONDS } from '#engine/use-cases/sweep-stuck-carts.js';
import { cartUpdatedEvent, localHour, postSigned } from '#test/fakes/storefront-events.js';
import { journaledEmails, LocalStackProcess } from '#test/peers/local-stack-process.js';
import type { StoredEmail } from '#test/peers/ses-local.js';

// 2 minutes of business time a second: a first reminder an hour after the last activity is due at
// once, the sender's lost-claim age (60 s) is half a second, the sweep's grace (30 min) 15 s.
const SPEED = 120;
// Long enough that a kill lands reliably while a sender holds a claim and waits for its line.
const POLISH_DELAY_MS = 1000;
const CARTS = 60;
const CONCURRENCY = 8;
/** The local sweep runs every 15 minutes of business time (engine/local/start.ts). */
const SWEEP_PERIOD_MS = 15 * 60_000;
const REMINDER_1_SUBJECT = 'Your cart at Acme Outfitters is saved';

/** A zone where it is 09:00-11:59 now: quiet hours (from 21:00) stay 9 business hours away. */
function morningZone(now = new Date()): string {
  const zone = Intl.supportedValuesOf('timeZone').find((z) => {
    const hour = localHour(z, now);
    return hour >= 9 && hour < 12;
  });
  if (!zone) throw new Error('no time zone has a morning now');
  return zone;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

interface Posted {
  eventId: string;
  status: number | 'cut';
}

/** Posts events `CONCURRENCY` at a time; a request cut by a kill counts as 'cut', as a storefront sees it. */
async function postAll(
  url: string,
  secret: string,
  events: { id: string }[],
  onAnswer: (answer: Posted) => void = () => {},
): Promise<Posted[]> {
  const results: Posted[] = [];
  let next = 0;
  const worker = async () => {
    while (next < events.length) {
      const event = events[next++] as { id: string };
      try {
        const { status } = await postSigned(`${url}/webhook`, secret, event);
        results.push({ eventId: event.id, status });
      } catch {
        results.push({ eventId: event.id, status: 'cut' });
      }
      onAnswer(results.at(-1) as Posted);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return results;
}

/** Cart id and reminder number of a journaled email, from its sealed unsubscribe link and its subject. */
function reminderOf(email: StoredEmail, unsubscribeKey: string): { cartId: string; n: number } {
  const link = email.headers?.find((h) => h.name === 'List-Unsubscribe')?.value ?? '';
  const token = /\/u\/([A-Za-z0-9_-]+)>/.exec(link)?.[1] ?? '';
  return {
    cartId: openUnsubscribeToken(unsubscribeKey, token).cartId,
    n: email.subject === REMINDER_1_SUBJECT ? 1 : 2,
  };
}

describe('the local stack across kill -9', () => {
  let dataDir: string;
  let running: LocalStackProcess | undefined;

  afterAll(async () => {
    await running?.kill();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every accepted event, sends every due reminder once and leaves no cart stuck', async () => {
    // Prepare
    const started = Date.now();
    dataDir = await mkdtemp(join(tmpdir(), 'cr-crash-'));
    const zone = morningZone();
    const events = Array.from({ length: CARTS }, (_, i) =>
      cartUpdatedEvent({
        eventId: `evt-crash-${i}`,
        cartId: `cart-crash-${i}`,
        email: `shopper${i}@example.com`,
        minutesAgo: 90,
        timezone: zone,
      }),
    );
    const start = async () => {
      running = await LocalStackProcess.start({ dataDir, speed: SPEED, polishDelayMs: POLISH_DELAY_MS });
      return running;
    };
    const kills: string[] = [];
    let takeovers = 0;
    const kill = async (stack: LocalStackProcess, when: string) => {
      await stack.kill();
      takeovers += stack.count('lost claim taken over');
      kills.push(when);
    };

    // Act
    // 1. Killed during ingestion, once a third of the events were accepted.
    const first = await start();
    const { webhookSecret, unsubscribeKey } = JSON.parse(
      await readFile(join(dataDir, 'secrets.json'), 'utf8'),
    ) as { webhookSecret: string; unsubscribeKey: string };
    const clock = JSON.parse(await readFile(join(dataDir, 'clock.json'), 'utf8')) as { origin: number };
    const businessNow = () => clock.origin + (Date.now() - clock.origin) * SPEED;
    let acceptedSoFar = 0;
    const posting = postAll(first.url, webhookSecret, events, (answer) => {
      if (answer.status === 202) acceptedSoFar++;
    });
    await waitUntil('a third of the events accepted', async () => acceptedSoFar >= CARTS / 3, 150_000);
    await kill(first, 'ingestion');
    const ingestionCrashAt = businessNow();
    const firstAnswers = await posting;

    // The storefront retries every event it has no answer for (and, harmlessly, the rest too).
    const second = await start();
    const secondAnswers = await postAll(second.url, webhookSecret, events);
    // 2. Killed in the burst of due reminders, once a third of them went out.
    await waitUntil(
      'a third of the reminders sent',
      async () => (await journaledEmails(dataDir)).length >= CARTS / 3,
      150_000,
    );
    await kill(second, 'reminder burst');

    // 3. Killed while a sender holds a claim and waits for the model's line (the first send of a run).
    const third = await start();
    await third.waitForOutput('local bedrock asked to polish', 120_000);
    await kill(third, 'between claim and send');

    // 4. A last run: every reminder goes, and the sweep's grace passes over whatever was left stuck.
    const last = await start();
    await waitUntil(
      'every cart reminded once',
      async () =>
        new Set((await journaledEmails(dataDir)).map((e) => reminderOf(e, unsubscribeKey).cartId)).size >=
        CARTS,
      150_000,
    ).catch(() => undefined);
    await waitUntil(
      'the sweep grace and one sweep period past the ingestion crash',
      async () => businessNow() > ingestionCrashAt + SWEEP_GRACE_SECONDS * 1000 + SWEEP_PERIOD_MS,
      150_000,
    );
    await last.stop();
    takeovers += last.count('lost claim taken over');
    const endedAt = businessNow();

    // Assess, from the data folder as a person would find it.
    const emails = await journaledEmails(dataDir);
    const db = await startDynalite({ path: join(dataDir, 'dynamodb') });
    let carts: Cart[];
    let failedAudits: string[];
    try {
      const names = tableNames('cr-');
      const store = new DynamoDbCartStore({ client: db.doc, tableName: names.carts });
      carts = (await Promise.all(events.map((e) => store.get(e.cart.id)))).filter((c): c is Cart => !!c);
      const audit = new DynamoDbAuditLog({ client: db.doc, tableName: names.audit });
      failedAudits = [];
      for (const cart of carts) {
        // A cut send is audited as `reminder.failed`, by the job's redelivery or by the sweep that
        // woke the cart first.
        const actions = new Set((await audit.byCart(cart.id)).map((entry) => entry.action));
        if (actions.has('reminder.failed')) {
          failedAudits.push(cart.id);
        }
      }
    } finally {
      await db.stop();
    }
    const acceptedIds = [...firstAnswers, ...secondAnswers]
      .filter((a) => a.status === 202)
      .map((a) => a.eventId);
    const storedIds = new Set(carts.flatMap((c) => c.recentEventIds));
    const sends = new Map<string, number>();
    for (const email of emails) {
      const { cartId, n } = reminderOf(email, unsubscribeKey);
      sends.set(`${cartId}#${n}`, (sends.get(`${cartId}#${n}`) ?? 0) + 1);
    }
    // A kill inside the SES call itself leaves the reminder `sending`: it may or may not have gone,
    // so it is never retried (at most once). Any other due reminder must have gone exactly once.
    const cutInsideSend = carts.filter((c) => c.reminders[0]?.state === 'sending').map((c) => c.id);
    const stuck = carts.filter(
      (c) =>
        c.status === 'open' &&
        c.wake !== undefined &&
        timeOf(c.wake.at) < endedAt - SWEEP_GRACE_SECONDS * 1000 - SWEEP_PERIOD_MS,
    );
    console.info(
      `crash test: ${kills.length} kills (${kills.join(', ')}), ${acceptedIds.length} events accepted, ` +
        `${emails.length} reminders sent, ${takeovers} lost claims taken over, ` +
        `${cutInsideSend.length} left 'sending' by a kill (${cutInsideSend.filter((id) => sends.has(`${id}#1`)).length} of them sent), ` +
        `${Math.round((Date.now() - started) / 1000)} s`,
    );

    expect(
      [...firstAnswers, ...secondAnswers].filter((a) => typeof a.status === 'number' && a.status >= 500),
    ).toEqual([]);
    expect(secondAnswers.every((a) => a.status === 202 || a.status === 200)).toBe(true);
    expect(acceptedIds.filter((id) => !storedIds.has(id))).toEqual([]);
    expect(carts).toHaveLength(CARTS);
    expect([...sends.entries()].filter(([, count]) => count > 1)).toEqual([]);
    expect(
      events.map((e) => e.cart.id).filter((id) => !sends.has(`${id}#1`) && !cutInsideSend.includes(id)),
    ).toEqual([]);
    // One poller sends one reminder at a time: a kill cuts at most one send short.
    expect(cutInsideSend.filter((id) => !sends.has(`${id}#1`)).length).toBeLessThanOrEqual(kills.length);
    expect(cutInsideSend.filter((id) => !failedAudits.includes(id))).toEqual([]);
    expect(takeovers).toBeGreaterThanOrEqual(1);
    expect(stuck.map((c) => c.id)).toEqual([]);
  }, 600_000);
});
