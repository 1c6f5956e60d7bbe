import { describe, expect, it } from 'vitest';
import { MemoryWakeScheduler } from '#engine/adapters/memory/memory-wake-scheduler.js';

const at = (iso: string) => new Date(iso);
const ms = (iso: string) => Date.parse(iso);
const DAY = 86_400_000;

describe('MemoryWakeScheduler', () => {
  it('gives wake-ups in time order (then in the order scheduled), skipping cancelled ones', async () => {
    // Prepare
    const scheduler = new MemoryWakeScheduler();
    await scheduler.schedule({ cartId: 'a', seq: 1, at: at('2026-06-10T12:00:00Z') });
    await scheduler.schedule({ cartId: 'b', seq: 1, at: at('2026-06-10T11:00:00Z') });
    await scheduler.schedule({ cartId: 'a', seq: 2, at: at('2026-06-10T11:00:00Z') });
    await scheduler.schedule({ cartId: 'c', seq: 1, at: at('2026-06-10T10:00:00Z') });
    await scheduler.cancel({ cartId: 'c', seq: 1 });
    await scheduler.cancel({ cartId: 'a', seq: 1 });

    // Act
    const first = scheduler.peekTime();
    const popped = [
      scheduler.popDue(ms('2026-06-10T13:00:00Z')),
      scheduler.popDue(ms('2026-06-10T13:00:00Z')),
      scheduler.popDue(ms('2026-06-10T13:00:00Z')),
    ];

    // Assess
    expect(first).toBe(ms('2026-06-10T11:00:00Z'));
    expect(popped.map((w) => w && `${w.cartId}#${w.seq}`)).toEqual(['b#1', 'a#2', undefined]);
    expect(scheduler.size).toBe(0);
    expect([scheduler.created, scheduler.cancelled]).toEqual([4, 2]);
  });

  it('schedules one (cart, seq) once, keeps a wake-up not yet due, and ignores unknown cancels', async () => {
    // Prepare
    const scheduler = new MemoryWakeScheduler();
    await scheduler.schedule({ cartId: 'a', seq: 1, at: at('2026-06-10T12:00:00Z') });
    await scheduler.schedule({ cartId: 'a', seq: 1, at: at('2026-06-10T09:00:00Z') });
    await scheduler.cancel({ cartId: 'a', seq: 7 });

    // Act
    const early = scheduler.popDue(ms('2026-06-10T11:59:59Z'));
    const due = scheduler.popDue(ms('2026-06-10T12:00:00Z'));

    // Assess
    expect(early).toBeUndefined();
    expect(due).toEqual({ cartId: 'a', seq: 1, at: at('2026-06-10T12:00:00Z') });
    expect([scheduler.created, scheduler.cancelled, scheduler.size]).toEqual([1, 0, 0]);
  });

  it('pops thousands of wake-ups in time order, then scheduling order, past its first capacity', async () => {
    // Prepare: 5,000 wake-ups over 50 distinct times (many ties), every third cancelled, a few carts
    // with two pending at once.
    const scheduler = new MemoryWakeScheduler();
    const base = ms('2026-06-10T00:00:00Z');
    const expected: { key: string; at: number; order: number }[] = [];
    for (let i = 0; i < 5000; i++) {
      const wake = {
        cartId: `cart-${i % 4000}`,
        seq: 1 + Math.floor(i / 4000),
        at: new Date(base + ((i * 7919) % 50) * 60_000),
      };
      await scheduler.schedule(wake);
      if (i % 3 === 0) await scheduler.cancel(wake);
      else expected.push({ key: `${wake.cartId}#${wake.seq}`, at: wake.at.getTime(), order: i });
    }
    expected.sort((a, b) => a.at - b.at || a.order - b.order);

    // Act
    const popped: string[] = [];
    for (let wake = scheduler.popDue(base + DAY); wake; wake = scheduler.popDue(base + DAY)) {
      popped.push(`${wake.cartId}#${wake.seq}`);
    }

    // Assess
    expect(popped).toEqual(expected.map((e) => e.key));
    expect([scheduler.size, scheduler.peekTime()]).toEqual([0, undefined]);
  });
});
