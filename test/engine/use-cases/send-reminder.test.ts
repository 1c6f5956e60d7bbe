import { describe, expect, it } from 'vitest';
import { type MemoryEngine, memoryEngine } from '#engine/adapters/memory/memory-engine.js';
import type { Mailer, OutgoingEmail, ReminderJob } from '#engine/ports.js';
import { ingestCartEvent } from '#engine/use-cases/ingest-cart-event.js';
import { sendReminder } from '#engine/use-cases/send-reminder.js';
import {
  LOST_CLAIM_SECONDS,
  REMINDER_VISIBILITY_SECONDS,
  SENDER_TIMEOUT_SECONDS,
} from '#engine/use-cases/sender-timing.js';
import { wakeCart } from '#engine/use-cases/wake-cart.js';
import { checkedOut, updated } from '#test/engine/simulation/scenario-builders.js';
import { sampleRules } from '#test/fakes/sample-cart.js';

/** A mailer that fails like a sender killed mid-way: the process stops before the message is handed over. */
class StoppingMailer implements Mailer {
  async send(_email: OutgoingEmail): Promise<{ messageId: string }> {
    throw new Error('the sender stopped');
  }
}

/** A big cart at 14:00Z whose reminder 1 is due at 15:00Z: the engine, woken then, holding the job. */
async function dueReminder(): Promise<{ engine: MemoryEngine; job: ReminderJob }> {
  const engine = memoryEngine({ rules: sampleRules(), start: '2026-06-10T14:00:00Z' });
  const line = updated('2026-06-10T14:00Z');
  if (!('event' in line)) throw new Error('expected an event line');
  await ingestCartEvent(engine.deps, line.event);
  engine.clock.set('2026-06-10T15:00:00Z');
  const wake = engine.scheduler.popDue(engine.clock.now().getTime());
  if (!wake) throw new Error('expected a wake-up due at 15:00Z');
  await wakeCart(engine.deps, wake);
  const job = engine.queue.take();
  if (!job) throw new Error('expected a reminder job');
  return { engine, job };
}

const at = (iso: string, seconds = 0) => new Date(new Date(iso).getTime() + seconds * 1000);

describe('sender timing', () => {
  it('sees a claim as lost only after a live sender must have stopped, and by the first redelivery', () => {
    // Assess: a live sender runs at most its timeout; a redelivered job finds the first delivery's
    // claim at least (visibility - timeout) old.
    expect(LOST_CLAIM_SECONDS).toBeGreaterThan(SENDER_TIMEOUT_SECONDS);
    expect(REMINDER_VISIBILITY_SECONDS - SENDER_TIMEOUT_SECONDS).toBeGreaterThan(LOST_CLAIM_SECONDS);
    expect(REMINDER_VISIBILITY_SECONDS).toBeGreaterThanOrEqual(6 * SENDER_TIMEOUT_SECONDS);
  });
});

describe('sendReminder after a sender stopped', () => {
  it('takes over a claim left before the send at the first redelivery, and sends once', async () => {
    // Prepare: a sender claimed reminder 1 at 15:00:05Z and stopped before making the message.
    const { engine, job } = await dueReminder();
    engine.clock.set(at('2026-06-10T15:00:00Z', 5));
    const claimed = await engine.deps.carts.claimReminder(job.cartId, {
      n: 1,
      state: 'claimed',
      dueAt: '2026-06-10T15:00:00.000Z',
      at: '2026-06-10T15:00:05.000Z',
      rulesVersion: job.rulesVersion,
    });
    expect(claimed?.reminders).toHaveLength(1);
    // The queue redelivers after its visibility timeout; the claim is then that old, less the time taken.
    engine.clock.set(at('2026-06-10T15:00:05Z', REMINDER_VISIBILITY_SECONDS - SENDER_TIMEOUT_SECONDS));

    // Act
    const first = await sendReminder(engine.deps, job);
    const again = await sendReminder(engine.deps, job);

    // Assess
    expect(first.kind).toBe('sent');
    expect(again).toMatchObject({ kind: 'not_sent', why: 'already_done' });
    expect(engine.mailer.sent.map((m) => [m.tags.cartId, m.tags.reminder])).toEqual([['cart-1001', '1']]);
    const cart = await engine.deps.carts.get(job.cartId);
    expect(cart?.reminders.map((r) => r.state)).toEqual(['sent']);
    // Reminder 2, 20 h after the send (11:02:35Z = 07:02 EDT), waits for quiet hours to end at 08:00 EDT.
    expect(cart?.wake?.at).toBe('2026-06-11T12:00:00.000Z');
  });

  it('leaves a young claim alone: its sender may still be working on it', async () => {
    // Prepare
    const { engine, job } = await dueReminder();
    await engine.deps.carts.claimReminder(job.cartId, {
      n: 1,
      state: 'claimed',
      dueAt: '2026-06-10T15:00:00.000Z',
      at: '2026-06-10T15:00:00.000Z',
    });
    engine.clock.set(at('2026-06-10T15:00:00Z', LOST_CLAIM_SECONDS - 1));

    // Act
    const result = await sendReminder(engine.deps, job);

    // Assess
    expect(result).toMatchObject({ kind: 'not_sent', why: 'already_done' });
    expect(engine.mailer.sent).toHaveLength(0);
  });

  it('never sends again a reminder that was being handed over, audits it and keeps the cart moving', async () => {
    // Prepare: the send itself fails as a stopped sender would, after the claim was marked sending.
    const { engine, job } = await dueReminder();
    const stopping = { ...engine.deps, mailer: new StoppingMailer() };
    const failed = await sendReminder(stopping, job);
    expect(failed).toMatchObject({ kind: 'not_sent', why: 'failed' });
    const afterFailure = await engine.deps.carts.get(job.cartId);
    expect(afterFailure?.reminders.map((r) => r.state)).toEqual(['sending']);
    engine.clock.set(at('2026-06-10T15:00:00Z', REMINDER_VISIBILITY_SECONDS));

    // Act
    const redelivered = await sendReminder(engine.deps, job);

    // Assess
    expect(redelivered).toMatchObject({ kind: 'not_sent', why: 'already_done' });
    expect(engine.mailer.sent).toHaveLength(0);
    expect(engine.audit.entries.filter((e) => e.action === 'reminder.failed')).toHaveLength(1);
    const cart = await engine.deps.carts.get(job.cartId);
    expect(cart?.status).toBe('open');
    expect(cart?.wake?.at).toBe('2026-06-11T12:00:00.000Z');
  });

  it('does not send when the shopper checked out between the claim and the send', async () => {
    // Prepare: the polisher answers only after the checkout has arrived.
    const { engine, job } = await dueReminder();
    const checkout = checkedOut('2026-06-10T15:00Z');
    if (!('event' in checkout)) throw new Error('expected an event line');
    const deps = {
      ...engine.deps,
      polisher: {
        polish: async (request: { line: string }) => {
          await ingestCartEvent(engine.deps, checkout.event);
          return request.line;
        },
      },
    };

    // Act
    const result = await sendReminder(deps, job);

    // Assess
    expect(result).toMatchObject({ kind: 'not_sent', why: 'lost_race' });
    expect(engine.mailer.sent).toHaveLength(0);
    expect((await engine.deps.carts.get(job.cartId))?.status).toBe('purchased');
  });
});

describe('sendReminder, the return link', () => {
  it('points the button and the text link at the click redirect for this cart and reminder', async () => {
    // Prepare
    const { engine, job } = await dueReminder();

    // Act
    const result = await sendReminder(engine.deps, job);

    // Assess
    expect(result.kind).toBe('sent');
    const [email] = engine.mailer.sent;
    const link = /href="(http:\/\/localhost:3000\/r\/[A-Za-z0-9_-]+)"/.exec(email?.html ?? '')?.[1];
    expect(link).toBeDefined();
    const token = link?.split('/r/')[1] ?? '';
    expect(engine.deps.links.clicks.open(token)).toEqual({ cartId: job.cartId, n: 1 });
    expect(email?.text).toContain(`Return to your cart: ${link}`);
    expect(email?.html).not.toContain('href="https://acme.example/cart/');
  });
});

describe('wakeCart, a held-out shopper', () => {
  it.each([
    [30, 'waiting', ['held_out']],
    [25, 'enqueued', []],
  ] as const)(
    'with a holdout of %i%%, the shopper in bucket 25 is %s',
    async (holdoutPercent, kind, skips) => {
      // Prepare: the memory contact store's key puts shopper@example.com in bucket 25
      const engine = memoryEngine({ rules: sampleRules({ holdoutPercent }), start: '2026-06-10T14:00:00Z' });
      expect(await engine.contacts.holdoutBucket('shopper@example.com')).toBe(25);
      const line = updated('2026-06-10T14:00Z');
      if (!('event' in line)) throw new Error('expected an event line');
      await ingestCartEvent(engine.deps, line.event);

      // Act
      engine.clock.set('2026-06-10T15:00:00Z');
      const wake = engine.scheduler.popDue(engine.clock.now().getTime());
      if (!wake) throw new Error('expected a wake-up');
      const result = await wakeCart(engine.deps, wake);

      // Assess
      expect(result.kind).toBe(kind);
      expect(engine.queue.size).toBe(kind === 'enqueued' ? 1 : 0);
      const skipped = engine.audit.entries.filter((e) => e.action === 'reminder.skipped');
      expect(skipped.map((e) => e.detail?.reason)).toEqual(skips);
      const reasons = (skipped[0]?.detail?.reasons ?? []) as string[];
      if (skips.length > 0) expect(reasons.at(-1)).toContain('30% holdout');
    },
  );
});
