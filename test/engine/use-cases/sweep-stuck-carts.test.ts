import { describe, expect, it } from 'vitest';
import { type MemoryEngine, memoryEngine } from '#engine/adapters/memory/memory-engine.js';
import { ingestCartEvent } from '#engine/use-cases/ingest-cart-event.js';
import { sendReminder } from '#engine/use-cases/send-reminder.js';
import { SWEEP_GRACE_SECONDS, sweepStuckCarts } from '#engine/use-cases/sweep-stuck-carts.js';
import { wakeCart } from '#engine/use-cases/wake-cart.js';
import { updated } from '#test/engine/simulation/scenario-builders.js';
import { sampleRules } from '#test/fakes/sample-cart.js';

/** A big cart at 14:00Z: its wake-up is due at 15:00Z. */
async function cartAt14(): Promise<MemoryEngine> {
  const engine = memoryEngine({ rules: sampleRules(), start: '2026-06-10T14:00:00Z' });
  const line = updated('2026-06-10T14:00Z');
  if (!('event' in line)) throw new Error('expected an event line');
  await ingestCartEvent(engine.deps, line.event);
  return engine;
}

/** Sends every queued reminder job, as the queue's consumer would. */
async function drain(engine: MemoryEngine): Promise<void> {
  for (let job = engine.queue.take(); job; job = engine.queue.take()) await sendReminder(engine.deps, job);
}

const secondsAfter = (iso: string, seconds: number) => new Date(new Date(iso).getTime() + seconds * 1000);

describe('sweepStuckCarts', () => {
  it('wakes a cart whose wake-up was lost, once past the grace period, and audits it', async () => {
    // Prepare: the 15:00Z wake-up is lost (taken from the scheduler, never handled).
    const engine = await cartAt14();
    engine.scheduler.popDue(new Date('2026-06-10T15:00:00Z').getTime());
    engine.clock.set(secondsAfter('2026-06-10T15:00:00Z', SWEEP_GRACE_SECONDS + 1));

    // Act
    const swept = await sweepStuckCarts(engine.deps);
    await drain(engine);

    // Assess
    expect(swept).toEqual({ found: 1, woken: 1, requeued: 0 });
    expect(engine.mailer.sent.map((m) => [m.tags.cartId, m.tags.reminder])).toEqual([['cart-1001', '1']]);
    const audit = engine.audit.entries.find((e) => e.action === 'cart.swept');
    expect(audit).toMatchObject({
      actor: 'sweep',
      cartId: 'cart-1001',
      detail: { overdueSince: '2026-06-10T15:00:00.000Z', done: 'woken', result: 'enqueued' },
    });
    const cart = await engine.deps.carts.get('cart-1001');
    expect(cart?.reminders.map((r) => r.state)).toEqual(['sent']);
    expect(new Date(cart?.wake?.at ?? 0).getTime()).toBeGreaterThan(engine.clock.now().getTime());
  });

  it('leaves a cart alone while its wake-up is within the grace period', async () => {
    // Prepare
    const engine = await cartAt14();
    engine.clock.set(secondsAfter('2026-06-10T15:00:00Z', SWEEP_GRACE_SECONDS - 1));

    // Act
    const swept = await sweepStuckCarts(engine.deps);

    // Assess
    expect(swept).toEqual({ found: 0, woken: 0, requeued: 0 });
    expect(engine.queue.size).toBe(0);
    expect(engine.audit.entries.filter((e) => e.action === 'cart.swept')).toEqual([]);
  });

  it('queues again the job of a claim its sender left, and the reminder goes out once', async () => {
    // Prepare: woken at 15:00Z, its job claimed by a sender that stopped; the job itself is gone.
    const engine = await cartAt14();
    engine.clock.set('2026-06-10T15:00:00Z');
    const wake = engine.scheduler.popDue(engine.clock.now().getTime());
    if (!wake) throw new Error('expected a wake-up');
    await wakeCart(engine.deps, wake);
    engine.queue.take();
    await engine.deps.carts.claimReminder('cart-1001', {
      n: 1,
      state: 'claimed',
      dueAt: '2026-06-10T15:00:00.000Z',
      at: '2026-06-10T15:00:01.000Z',
    });
    engine.clock.set(secondsAfter('2026-06-10T15:00:00Z', SWEEP_GRACE_SECONDS + 1));

    // Act
    const swept = await sweepStuckCarts(engine.deps);
    await drain(engine);
    const again = await sweepStuckCarts(engine.deps);

    // Assess
    expect(swept).toEqual({ found: 1, woken: 0, requeued: 1 });
    expect(engine.mailer.sent).toHaveLength(1);
    expect(again.found).toBe(0);
  });

  it('sends one email however often it runs while the job is on its way', async () => {
    // Prepare
    const engine = await cartAt14();
    engine.scheduler.popDue(new Date('2026-06-10T15:00:00Z').getTime());
    engine.clock.set(secondsAfter('2026-06-10T15:00:00Z', SWEEP_GRACE_SECONDS + 1));

    // Act: two runs before the queue is drained.
    await sweepStuckCarts(engine.deps);
    await sweepStuckCarts(engine.deps);
    await drain(engine);

    // Assess
    expect(engine.mailer.sent).toHaveLength(1);
  });
});

describe('sweepStuckCarts and a send cut short', () => {
  it('audits a reminder left sending as failed, never sends it again, and moves the cart on', async () => {
    // Prepare: woken at 15:00Z; its sender marked reminder 1 sending and stopped; the job is gone.
    const engine = await cartAt14();
    engine.clock.set('2026-06-10T15:00:00Z');
    const wake = engine.scheduler.popDue(engine.clock.now().getTime());
    if (!wake) throw new Error('expected a wake-up');
    await wakeCart(engine.deps, wake);
    engine.queue.take();
    const claimed = await engine.deps.carts.claimReminder('cart-1001', {
      n: 1,
      state: 'claimed',
      dueAt: '2026-06-10T15:00:00.000Z',
      at: '2026-06-10T15:00:01.000Z',
    });
    if (!claimed) throw new Error('expected the claim');
    const [record] = claimed.reminders;
    if (!record) throw new Error('expected the record');
    await engine.deps.carts.put(
      { ...claimed, reminders: [{ ...record, state: 'sending' }] },
      claimed.version,
    );
    engine.clock.set(secondsAfter('2026-06-10T15:00:00Z', SWEEP_GRACE_SECONDS + 1));

    // Act
    const swept = await sweepStuckCarts(engine.deps);
    await drain(engine);

    // Assess
    expect(swept).toEqual({ found: 1, woken: 1, requeued: 0 });
    expect(engine.mailer.sent).toHaveLength(0);
    expect(engine.audit.entries.filter((e) => e.action === 'reminder.failed')).toHaveLength(1);
    const cart = await engine.deps.carts.get('cart-1001');
    expect(new Date(cart?.wake?.at ?? 0).getTime()).toBeGreaterThan(engine.clock.now().getTime());
  });
});
