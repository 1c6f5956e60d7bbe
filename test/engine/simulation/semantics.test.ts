import { describe, expect, it } from 'vitest';
import { memoryEngine } from '#engine/adapters/memory/memory-engine.js';
import type { SimOutput } from '#engine/simulation/run-simulation.js';
import { ingestCartEvent } from '#engine/use-cases/ingest-cart-event.js';
import { sendReminder } from '#engine/use-cases/send-reminder.js';
import { wakeCart } from '#engine/use-cases/wake-cart.js';
import { sampleRules } from '#test/fakes/sample-cart.js';
import { action, checkedOut, rawEvent, scenario, simulate, updated } from './scenario-builders.js';

// Every scenario runs with the sample rules (store in America/New_York, default tiers: small from 0
// waits 4 h then 24 h, medium from 50 waits 2 h then 22 h, big from 150 waits 1 h then 20 h; quiet
// hours 21:00-08:00; frequency cap 72 h; give up 72 h after the last reminder; maximum age 168 h),
// changed where a test says so. In June New York is on EDT, UTC-4: quiet hours are 01:00Z-12:00Z.
// The fixture cart (cart-1001 of Shopper@Example.com) totals 178.50 USD: tier big.

const SHOPPER = 'Shopper@Example.com';
const SUBJECT = {
  1: 'Your cart at Acme Outfitters is saved',
  2: 'Still deciding? Your cart at Acme Outfitters is waiting',
} as const;

const iso = (at: string) => new Date(at).toISOString();

function reminder(at: string, cartId: string, n: 1 | 2, to = SHOPPER): SimOutput {
  return { at: iso(at), kind: 'reminder', cartId, n, to, subject: SUBJECT[n] };
}
function closed(at: string, cartId: string, status: string): SimOutput {
  return { at: iso(at), kind: 'closed', cartId, status };
}
function deferred(at: string, cartId: string, n: number, from: string, until: string): SimOutput {
  return {
    at: iso(at),
    kind: 'deferred',
    cartId,
    n,
    from: iso(from),
    until: iso(until),
    reason: 'quiet_hours',
  };
}
function skipped(at: string, cartId: string, n: number): SimOutput {
  return { at: iso(at), kind: 'skipped', cartId, n, reason: 'frequency_cap' };
}
function ignored(at: string, cartId: string, eventId: string, why: 'stale' | 'ignored_closed'): SimOutput {
  return { at: iso(at), kind: 'ignored', cartId, eventId, why };
}
const reminders = (out: SimOutput[]) => out.filter((line) => line.kind === 'reminder');

describe('1. last activity, tier and total', () => {
  it('keeps the newest occurredAt as last activity when an older update arrives late', async () => {
    // Prepare: a big cart at 14:00Z, then an update that happened at 13:30Z (small total) arrives at 14:10Z.
    const lines = scenario(
      updated('2026-06-10T14:00Z'),
      updated('2026-06-10T14:10Z', { total: '20.00' }, { id: 'late', occurredAt: '2026-06-10T13:30Z' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-10T19:00Z' });

    // Assess: 14:00Z + 1 h (big) = 15:00Z (11:00 EDT); the late update changes neither time nor tier.
    // Still big, reminder 2 is due 15:00Z + 20 h = 11:00Z June 11 = 07:00 EDT, inside quiet hours:
    // deferred to 08:00 EDT = 12:00Z as reminder 1 goes.
    expect(out).toEqual([
      ignored('2026-06-10T14:10Z', 'cart-1001', 'late', 'stale'),
      reminder('2026-06-10T15:00Z', 'cart-1001', 1),
      deferred('2026-06-10T15:00Z', 'cart-1001', 2, '2026-06-11T11:00Z', '2026-06-11T12:00Z'),
    ]);
  });

  it('takes the tier from the newest snapshot', async () => {
    // Prepare: big at 14:00Z, then the shopper empties it down to 20.00 (small) at 14:30Z.
    const lines = scenario(updated('2026-06-10T14:00Z'), updated('2026-06-10T14:30Z', { total: '20.00' }));

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-10T19:00Z' });

    // Assess: small waits 4 h: 14:30Z + 4 h = 18:30Z (14:30 EDT), not 15:00Z or 15:30Z.
    expect(out).toEqual([reminder('2026-06-10T18:30Z', 'cart-1001', 1)]);
  });

  it('keeps the known email when a newer snapshot omits it', async () => {
    // Prepare: the storefront leaves the email out of the second update (14:30Z, medium).
    const lines = scenario(
      updated('2026-06-10T14:00Z'),
      updated('2026-06-10T14:30Z', { email: undefined, total: '80.00' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-10T17:00Z' });

    // Assess: medium, 14:30Z + 2 h = 16:30Z, to the email of the first snapshot.
    expect(out).toEqual([reminder('2026-06-10T16:30Z', 'cart-1001', 1)]);
  });

  it('brings reminder 1 forward when a newer, bigger snapshot arrives', async () => {
    // Prepare: small (20.00) at 14:00Z, due 18:00Z; then big at 14:15Z, delivered at 14:20Z.
    const lines = scenario(
      updated('2026-06-10T14:00Z', { total: '20.00' }),
      updated('2026-06-10T14:20Z', { total: '178.50' }, { occurredAt: '2026-06-10T14:15Z' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-10T19:00Z' });

    // Assess: 14:15Z + 1 h (big) = 15:15Z; reminder 2 due 15:15Z + 20 h = 11:15Z June 11 = 07:15 EDT,
    // inside quiet hours, deferred to 08:00 EDT = 12:00Z.
    expect(out).toEqual([
      reminder('2026-06-10T15:15Z', 'cart-1001', 1),
      deferred('2026-06-10T15:15Z', 'cart-1001', 2, '2026-06-11T11:15Z', '2026-06-11T12:00Z'),
    ]);
  });

  it('puts a total of exactly 50.00 in medium, 49.99 in small and 150 in big', async () => {
    // Prepare: three carts of three shoppers, all last active at 14:00Z.
    const lines = scenario(
      updated('2026-06-10T14:00Z', { id: 'cart-50', email: 'fifty@example.com', total: '50.00' }),
      updated('2026-06-10T14:00Z', { id: 'cart-4999', email: 'almost@example.com', total: '49.99' }),
      updated('2026-06-10T14:00Z', { id: 'cart-150', email: 'big@example.com', total: '150' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-10T19:00Z' });

    // Assess: big 14:00Z + 1 h, medium + 2 h, small + 4 h. Only big's reminder 2 lands in quiet hours:
    // 15:00Z + 20 h = 11:00Z June 11 = 07:00 EDT, deferred to 12:00Z; medium's 16:00Z + 22 h = 14:00Z
    // (10:00 EDT) and small's 18:00Z + 24 h = 18:00Z (14:00 EDT) are not.
    expect(out).toEqual([
      reminder('2026-06-10T15:00Z', 'cart-150', 1, 'big@example.com'),
      deferred('2026-06-10T15:00Z', 'cart-150', 2, '2026-06-11T11:00Z', '2026-06-11T12:00Z'),
      reminder('2026-06-10T16:00Z', 'cart-50', 1, 'fifty@example.com'),
      reminder('2026-06-10T18:00Z', 'cart-4999', 1, 'almost@example.com'),
    ]);
  });
});

describe('2. reminder 1 after firstWaitHours, moved by new activity', () => {
  it('sends reminder 1 firstWaitHours after the last activity', async () => {
    // Prepare: a medium cart (80.00) last active at 14:00Z.
    const lines = scenario(updated('2026-06-10T14:00Z', { total: '80.00' }));

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-10T17:00Z' });

    // Assess: 14:00Z + 2 h = 16:00Z (12:00 EDT).
    expect(out).toEqual([reminder('2026-06-10T16:00Z', 'cart-1001', 1)]);
  });

  it('moves reminder 1 when the shopper is still shopping', async () => {
    // Prepare: big at 14:00Z (due 15:00Z); the shopper adds a sock at 14:50Z.
    const lines = scenario(
      updated('2026-06-10T14:00Z'),
      updated('2026-06-10T14:50Z', { total: '203.25' }),
      updated('2026-06-10T15:40Z', { total: '228.00' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-10T17:00Z' });

    // Assess: still shopping at 14:50Z and 15:40Z; 15:40Z + 1 h = 16:40Z is the only reminder 1.
    expect(out).toEqual([reminder('2026-06-10T16:40Z', 'cart-1001', 1)]);
  });
});

describe('3. reminder 2 after secondWaitHours', () => {
  it('sends reminder 2 secondWaitHours after reminder 1 was sent', async () => {
    // Prepare: a medium cart at 14:00Z.
    const lines = scenario(updated('2026-06-10T14:00Z', { total: '80.00' }));

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-11T15:00Z' });

    // Assess: reminder 1 at 16:00Z; reminder 2 at 16:00Z + 22 h = 14:00Z next day (10:00 EDT).
    expect(out).toEqual([
      reminder('2026-06-10T16:00Z', 'cart-1001', 1),
      reminder('2026-06-11T14:00Z', 'cart-1001', 2),
    ]);
  });

  it('counts reminder 2 from the last activity when the shopper came back after reminder 1', async () => {
    // Prepare: medium at 14:00Z, reminder 1 at 16:00Z, the shopper returns at 18:00Z.
    const lines = scenario(
      updated('2026-06-10T14:00Z', { total: '80.00' }),
      updated('2026-06-10T18:00Z', { total: '80.00' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-11T17:00Z' });

    // Assess: max(16:00Z, 18:00Z) + 22 h = 16:00Z next day (12:00 EDT), not 14:00Z.
    expect(out).toEqual([
      reminder('2026-06-10T16:00Z', 'cart-1001', 1),
      reminder('2026-06-11T16:00Z', 'cart-1001', 2),
    ]);
  });

  it('counts reminder 2 from when a skipped reminder 1 was due', async () => {
    // Prepare: cap 12 h. Cart A (medium, 13:00Z) gets reminder 1 at 15:00Z and is then suppressed;
    // cart B of the same shopper (medium, 14:00Z) has reminder 1 due at 16:00Z, 1 h after A's: skipped.
    const rules = sampleRules({ frequencyCapHours: 12 });
    const lines = scenario(
      updated('2026-06-10T13:00Z', { id: 'cart-A', total: '80.00' }),
      updated('2026-06-10T14:00Z', { id: 'cart-B', total: '80.00' }),
      action('2026-06-10T15:30Z', 'suppress', { cartId: 'cart-A' }),
    );

    // Act
    const out = await simulate(lines, { rules, until: '2026-06-11T15:00Z' });

    // Assess: B's reminder 2 = max(16:00Z due of the skipped one, 14:00Z) + 22 h = 14:00Z next day,
    // 23 h after A's reminder: outside the 12 h cap.
    expect(reminders(out)).toEqual([
      reminder('2026-06-10T15:00Z', 'cart-A', 1),
      reminder('2026-06-11T14:00Z', 'cart-B', 2),
    ]);
    expect(out.filter((line) => line.kind === 'skipped')).toEqual([
      skipped('2026-06-10T16:00Z', 'cart-B', 1),
    ]);
  });
});

describe('4. quiet hours', () => {
  it('defers a reminder due at 21:30 local to 08:00 local the next morning', async () => {
    // Prepare: big at 00:30Z June 11 = 20:30 EDT June 10; due 01:30Z = 21:30 EDT, inside 21:00-08:00.
    const lines = scenario(updated('2026-06-11T00:30Z'));

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-11T13:00Z' });

    // Assess: 08:00 EDT June 11 = 12:00Z. Reminder 2 is due 12:00Z + 20 h = 08:00Z June 12 = 04:00 EDT,
    // inside quiet hours too: deferred to 08:00 EDT June 12 = 12:00Z.
    expect(out).toEqual([
      deferred('2026-06-11T00:30Z', 'cart-1001', 1, '2026-06-11T01:30Z', '2026-06-11T12:00Z'),
      reminder('2026-06-11T12:00Z', 'cart-1001', 1),
      deferred('2026-06-11T12:00Z', 'cart-1001', 2, '2026-06-12T08:00Z', '2026-06-12T12:00Z'),
    ]);
  });

  it('defers a reminder due after midnight inside quiet hours that cross midnight', async () => {
    // Prepare: big at 06:00Z = 02:00 EDT; due 07:00Z = 03:00 EDT.
    const lines = scenario(updated('2026-06-11T06:00Z'));

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-11T13:00Z' });

    // Assess: the same morning's 08:00 EDT = 12:00Z; reminder 2 due 12:00Z + 20 h = 08:00Z June 12 =
    // 04:00 EDT, deferred to 08:00 EDT June 12 = 12:00Z.
    expect(out).toEqual([
      deferred('2026-06-11T06:00Z', 'cart-1001', 1, '2026-06-11T07:00Z', '2026-06-11T12:00Z'),
      reminder('2026-06-11T12:00Z', 'cart-1001', 1),
      deferred('2026-06-11T12:00Z', 'cart-1001', 2, '2026-06-12T08:00Z', '2026-06-12T12:00Z'),
    ]);
  });

  it('defers within quiet hours that do not cross midnight and leaves the night alone', async () => {
    // Prepare: quiet hours 12:00-14:00. Cart L (big) at 15:30Z = 11:30 EDT, due 12:30 EDT;
    // cart N (big) at 02:30Z June 11 = 22:30 EDT, due 23:30 EDT.
    const rules = sampleRules({ quietHours: { start: '12:00', end: '14:00' } });
    const lines = scenario(
      updated('2026-06-10T15:30Z', { id: 'cart-L', email: 'lunch@example.com' }),
      updated('2026-06-11T02:30Z', { id: 'cart-N', email: 'night@example.com' }),
    );

    // Act
    const out = await simulate(lines, { rules, until: '2026-06-11T04:00Z' });

    // Assess: L waits to 14:00 EDT = 18:00Z; N goes at 23:30 EDT = 03:30Z, no deferral.
    expect(out).toEqual([
      deferred('2026-06-10T15:30Z', 'cart-L', 1, '2026-06-10T16:30Z', '2026-06-10T18:00Z'),
      reminder('2026-06-10T18:00Z', 'cart-L', 1, 'lunch@example.com'),
      reminder('2026-06-11T03:30Z', 'cart-N', 1, 'night@example.com'),
    ]);
  });

  it('treats the start minute as quiet and the minute before it as not', async () => {
    // Prepare: big carts due at 20:59 EDT (00:59Z) and at 21:00 EDT (01:00Z) exactly.
    const lines = scenario(
      updated('2026-06-10T23:59Z', { id: 'cart-2059', email: 'a@example.com' }),
      updated('2026-06-11T00:00Z', { id: 'cart-2100', email: 'b@example.com' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-11T12:30Z' });

    // Assess: 20:59 goes at once; 21:00 waits until 08:00 EDT = 12:00Z. Reminder 2 of cart-2059 is
    // due 00:59Z + 20 h = 20:59Z June 11 = 16:59 EDT, not quiet; that of cart-2100 12:00Z + 20 h =
    // 08:00Z June 12 = 04:00 EDT, deferred to 08:00 EDT = 12:00Z June 12.
    expect(out).toEqual([
      deferred('2026-06-11T00:00Z', 'cart-2100', 1, '2026-06-11T01:00Z', '2026-06-11T12:00Z'),
      reminder('2026-06-11T00:59Z', 'cart-2059', 1, 'a@example.com'),
      reminder('2026-06-11T12:00Z', 'cart-2100', 1, 'b@example.com'),
      deferred('2026-06-11T12:00Z', 'cart-2100', 2, '2026-06-12T08:00Z', '2026-06-12T12:00Z'),
    ]);
  });

  it('treats the end minute as not quiet and the minute before it as quiet', async () => {
    // Prepare: big carts due at 07:59 EDT (11:59Z) and at 08:00 EDT (12:00Z) exactly.
    const lines = scenario(
      updated('2026-06-11T10:59Z', { id: 'cart-0759', email: 'a@example.com' }),
      updated('2026-06-11T11:00Z', { id: 'cart-0800', email: 'b@example.com' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-11T12:30Z' });

    // Assess: 07:59 is deferred to 08:00; 08:00 is sent as due, without a deferral. Both reminders 1
    // go at 12:00Z, so both reminders 2 are due 12:00Z + 20 h = 08:00Z June 12 = 04:00 EDT, deferred
    // to 08:00 EDT = 12:00Z June 12.
    expect(out).toEqual([
      deferred('2026-06-11T10:59Z', 'cart-0759', 1, '2026-06-11T11:59Z', '2026-06-11T12:00Z'),
      reminder('2026-06-11T12:00Z', 'cart-0759', 1, 'a@example.com'),
      deferred('2026-06-11T12:00Z', 'cart-0759', 2, '2026-06-12T08:00Z', '2026-06-12T12:00Z'),
      reminder('2026-06-11T12:00Z', 'cart-0800', 1, 'b@example.com'),
      deferred('2026-06-11T12:00Z', 'cart-0800', 2, '2026-06-12T08:00Z', '2026-06-12T12:00Z'),
    ]);
  });

  it("uses the cart's time zone: 08:00 after the Berlin spring DST change is 06:00Z", async () => {
    // Prepare: a Berlin cart, big, at 19:30Z March 28 = 20:30 CET (UTC+1); due 20:30Z = 21:30 CET.
    const lines = scenario(updated('2026-03-28T19:30Z', { timezone: 'Europe/Berlin' }));

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-03-29T07:30Z' });

    // Assess: at 01:00Z on March 29 Berlin jumps 02:00 -> 03:00 (CEST, UTC+2), so 08:00 local is
    // 06:00Z, not 07:00Z. Reminder 2 is due 06:00Z + 20 h = 02:00Z March 30 = 04:00 CEST, deferred to
    // 08:00 CEST = 06:00Z March 30.
    expect(out).toEqual([
      deferred('2026-03-28T19:30Z', 'cart-1001', 1, '2026-03-28T20:30Z', '2026-03-29T06:00Z'),
      reminder('2026-03-29T06:00Z', 'cart-1001', 1),
      deferred('2026-03-29T06:00Z', 'cart-1001', 2, '2026-03-30T02:00Z', '2026-03-30T06:00Z'),
    ]);
  });

  it("falls back to the store's zone across the Berlin autumn DST change", async () => {
    // Prepare: store in Berlin, cart without a zone; big at 19:00Z October 24 = 21:00 CEST (UTC+2),
    // due 20:00Z = 22:00 CEST.
    const rules = sampleRules({ store: { timezone: 'Europe/Berlin' } });
    const lines = scenario(updated('2026-10-24T19:00Z', { timezone: undefined }));

    // Act
    const out = await simulate(lines, { rules, until: '2026-10-25T08:00Z' });

    // Assess: at 01:00Z on October 25 Berlin goes back 03:00 -> 02:00 (CET, UTC+1): 08:00 local = 07:00Z.
    // Reminder 2 is due 07:00Z + 20 h = 03:00Z October 26 = 04:00 CET, deferred to 08:00 CET = 07:00Z.
    expect(out).toEqual([
      deferred('2026-10-24T19:00Z', 'cart-1001', 1, '2026-10-24T20:00Z', '2026-10-25T07:00Z'),
      reminder('2026-10-25T07:00Z', 'cart-1001', 1),
      deferred('2026-10-25T07:00Z', 'cart-1001', 2, '2026-10-26T03:00Z', '2026-10-26T07:00Z'),
    ]);
  });

  it('ends quiet hours at the second 02:30 of the Berlin autumn night, not a day later', async () => {
    // Prepare: quiet hours 22:00-02:30; a Berlin cart, big, at 00:00Z October 25 = 02:00 CEST.
    // Due 01:00Z: the clocks have just gone back, so that is 02:00 CET, inside quiet hours again.
    const rules = sampleRules({ quietHours: { start: '22:00', end: '02:30' } });
    const lines = scenario(updated('2026-10-25T00:00Z', { timezone: 'Europe/Berlin' }));

    // Act
    const out = await simulate(lines, { rules, until: '2026-10-26T03:00Z' });

    // Assess: quiet hours end at 02:30 CET = 01:30Z, half an hour later. Reminder 2 is due 01:30Z +
    // 20 h = 21:30Z = 22:30 CET, inside quiet hours again: it waits to 02:30 CET October 26 (no DST
    // change that night) = 01:30Z, and goes then.
    expect(out).toEqual([
      deferred('2026-10-25T00:00Z', 'cart-1001', 1, '2026-10-25T01:00Z', '2026-10-25T01:30Z'),
      reminder('2026-10-25T01:30Z', 'cart-1001', 1),
      deferred('2026-10-25T01:30Z', 'cart-1001', 2, '2026-10-25T21:30Z', '2026-10-26T01:30Z'),
      reminder('2026-10-26T01:30Z', 'cart-1001', 2),
    ]);
  });

  it('defers in a half-hour zone (Asia/Kolkata, UTC+05:30)', async () => {
    // Prepare: two Kolkata carts, big. K1 at 14:00Z = 19:30 IST, due 20:30 IST; K2 at 14:45Z =
    // 20:15 IST, due 15:45Z = 21:15 IST. (In New York both are around noon: no quiet hours there.)
    const lines = scenario(
      updated('2026-06-10T14:00Z', { id: 'cart-K1', email: 'k1@example.in', timezone: 'Asia/Kolkata' }),
      updated('2026-06-10T14:45Z', { id: 'cart-K2', email: 'k2@example.in', timezone: 'Asia/Kolkata' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-11T03:00Z' });

    // Assess: K1 at 15:00Z; K2 waits to 08:00 IST June 11 = 02:30Z. K1's reminder 2 is due 15:00Z +
    // 20 h = 11:00Z June 11 = 16:30 IST, not quiet; K2's 02:30Z + 20 h = 22:30Z June 11 = 04:00 IST
    // June 12, deferred to 08:00 IST June 12 = 02:30Z.
    expect(out).toEqual([
      deferred('2026-06-10T14:45Z', 'cart-K2', 1, '2026-06-10T15:45Z', '2026-06-11T02:30Z'),
      reminder('2026-06-10T15:00Z', 'cart-K1', 1, 'k1@example.in'),
      reminder('2026-06-11T02:30Z', 'cart-K2', 1, 'k2@example.in'),
      deferred('2026-06-11T02:30Z', 'cart-K2', 2, '2026-06-11T22:30Z', '2026-06-12T02:30Z'),
    ]);
  });

  it('defers reminder 2 and reports the deferral like that of reminder 1', async () => {
    // Prepare: big at 14:00Z: reminder 1 at 15:00Z; reminder 2 due 15:00Z + 20 h = 11:00Z June 11 =
    // 07:00 EDT, inside quiet hours.
    const lines = scenario(updated('2026-06-10T14:00Z'));

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-11T13:00Z' });

    // Assess: sent at 08:00 EDT = 12:00Z, and the output says it was deferred from 11:00Z, when the
    // sender decided it: right after reminder 1 went, at 15:00Z.
    expect(out).toEqual([
      reminder('2026-06-10T15:00Z', 'cart-1001', 1),
      deferred('2026-06-10T15:00Z', 'cart-1001', 2, '2026-06-11T11:00Z', '2026-06-11T12:00Z'),
      reminder('2026-06-11T12:00Z', 'cart-1001', 2),
    ]);
  });
});

describe('5. overdue reminders', () => {
  it('sends an overdue reminder at once, and reminder 2 a full wait after it', async () => {
    // Prepare: an update that happened at 14:00Z (medium, due 16:00Z) is delivered at 18:00Z.
    const lines = scenario(
      updated('2026-06-10T18:00Z', { total: '80.00' }, { occurredAt: '2026-06-10T14:00Z' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-11T17:00Z' });

    // Assess: reminder 1 at 18:00Z; reminder 2 at 18:00Z + 22 h = 16:00Z (12:00 EDT), not 14:00Z.
    expect(out).toEqual([
      reminder('2026-06-10T18:00Z', 'cart-1001', 1),
      reminder('2026-06-11T16:00Z', 'cart-1001', 2),
    ]);
  });

  it('holds an overdue reminder found in quiet hours until they end', async () => {
    // Prepare: an update of 14:00Z (big, due 15:00Z) is delivered at 03:00Z June 11 = 23:00 EDT.
    const lines = scenario(updated('2026-06-11T03:00Z', {}, { occurredAt: '2026-06-10T14:00Z' }));

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-11T13:00Z' });

    // Assess: 08:00 EDT = 12:00Z. Reminder 2 is due 12:00Z + 20 h = 08:00Z June 12 = 04:00 EDT,
    // deferred to 08:00 EDT = 12:00Z June 12.
    expect(out).toEqual([
      deferred('2026-06-11T03:00Z', 'cart-1001', 1, '2026-06-10T15:00Z', '2026-06-11T12:00Z'),
      reminder('2026-06-11T12:00Z', 'cart-1001', 1),
      deferred('2026-06-11T12:00Z', 'cart-1001', 2, '2026-06-12T08:00Z', '2026-06-12T12:00Z'),
    ]);
  });

  it('never sends two reminders back to back after a two-day outage', async () => {
    // Prepare: an update of 14:00Z June 10 (medium) is delivered at 14:00Z June 12: both reminder 1
    // (16:00Z June 10) and reminder 2 (around 14:00Z June 11) would be overdue.
    const lines = scenario(
      updated('2026-06-12T14:00Z', { total: '80.00' }, { occurredAt: '2026-06-10T14:00Z' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-13T13:00Z' });

    // Assess: reminder 1 now; reminder 2 at 14:00Z + 22 h = 12:00Z June 13 (08:00 EDT, end exclusive).
    expect(out).toEqual([
      reminder('2026-06-12T14:00Z', 'cart-1001', 1),
      reminder('2026-06-13T12:00Z', 'cart-1001', 2),
    ]);
  });
});

describe('6. frequency cap', () => {
  it("skips, not defers, a reminder when the same email got one for another cart, however it's spelled", async () => {
    // Prepare: cart A (big, 14:00Z) gets reminder 1 at 15:00Z; cart B (big, 14:30Z) of
    // " shopper@example.COM " is due at 15:30Z, 30 min later, within 72 h.
    const lines = scenario(
      updated('2026-06-10T14:00Z', { id: 'cart-A' }),
      updated('2026-06-10T14:30Z', { id: 'cart-B', email: ' shopper@example.COM ' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-11T09:00Z' });

    // Assess: B's reminder 1 is skipped at 15:30Z, and B moves on to reminder 2 at once: due
    // 15:30Z + 20 h = 11:30Z June 11 = 07:30 EDT, inside quiet hours, so planned for 08:00 EDT = 12:00Z.
    // A's own reminder 2 (15:00Z + 20 h = 11:00Z June 11 = 07:00 EDT) is deferred to 12:00Z too.
    expect(out).toEqual([
      reminder('2026-06-10T15:00Z', 'cart-A', 1),
      deferred('2026-06-10T15:00Z', 'cart-A', 2, '2026-06-11T11:00Z', '2026-06-11T12:00Z'),
      skipped('2026-06-10T15:30Z', 'cart-B', 1),
      deferred('2026-06-10T15:30Z', 'cart-B', 2, '2026-06-11T11:30Z', '2026-06-11T12:00Z'),
    ]);
  });

  it('caps only within frequencyCapHours: exactly the cap later is allowed', async () => {
    // Prepare: cap 2 h, one reminder per cart. A (big, 14:00Z) reminded at 15:00Z; B (big, 15:30Z)
    // due 16:30Z, 1.5 h later; C (big, 16:00Z) due 17:00Z, exactly 2 h later.
    const rules = sampleRules({ frequencyCapHours: 2, maxReminders: 1 });
    const lines = scenario(
      updated('2026-06-10T14:00Z', { id: 'cart-A' }),
      updated('2026-06-10T15:30Z', { id: 'cart-B' }),
      updated('2026-06-10T16:00Z', { id: 'cart-C' }),
    );

    // Act
    const out = await simulate(lines, { rules, until: '2026-06-10T18:00Z' });

    // Assess
    expect(out).toEqual([
      reminder('2026-06-10T15:00Z', 'cart-A', 1),
      skipped('2026-06-10T16:30Z', 'cart-B', 1),
      reminder('2026-06-10T17:00Z', 'cart-C', 1),
    ]);
  });

  it('does not cap a cart by its own earlier reminder', async () => {
    // Prepare: cap 720 h; a medium cart at 14:00Z.
    const rules = sampleRules({ frequencyCapHours: 720 });
    const lines = scenario(updated('2026-06-10T14:00Z', { total: '80.00' }));

    // Act
    const out = await simulate(lines, { rules, until: '2026-06-11T15:00Z' });

    // Assess: reminder 2 at 16:00Z + 22 h = 14:00Z June 11, 22 h after reminder 1.
    expect(out).toEqual([
      reminder('2026-06-10T16:00Z', 'cart-1001', 1),
      reminder('2026-06-11T14:00Z', 'cart-1001', 2),
    ]);
  });
});

describe('7. checkout', () => {
  it('closes a cart for good and ignores any later update', async () => {
    // Prepare: big at 14:00Z, checked out at 14:30Z, updated again at 15:00Z.
    const lines = scenario(
      updated('2026-06-10T14:00Z'),
      checkedOut('2026-06-10T14:30Z'),
      updated('2026-06-10T15:00Z', { total: '300.00' }, { id: 'after' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-13T00:00Z' });

    // Assess
    expect(out).toEqual([
      closed('2026-06-10T14:30Z', 'cart-1001', 'purchased'),
      ignored('2026-06-10T15:00Z', 'cart-1001', 'after', 'ignored_closed'),
    ]);
  });

  it('ignores an update older than a checkout that arrived first', async () => {
    // Prepare: the checkout (14:00Z) is delivered before the update it follows (13:00Z).
    const lines = scenario(
      checkedOut('2026-06-10T14:00Z'),
      updated('2026-06-10T14:05Z', {}, { id: 'before', occurredAt: '2026-06-10T13:00Z' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-13T00:00Z' });

    // Assess
    expect(out).toEqual([
      closed('2026-06-10T14:00Z', 'cart-1001', 'purchased'),
      ignored('2026-06-10T14:05Z', 'cart-1001', 'before', 'ignored_closed'),
    ]);
  });

  it("ends the shopper's other open carts whose last activity precedes the checkout", async () => {
    // Prepare: A at 14:00Z and B at 14:10Z (email in capitals) of one shopper; A checks out at 14:20Z;
    // C of the same shopper is first active at 14:30Z, after it.
    const lines = scenario(
      updated('2026-06-10T14:00Z', { id: 'cart-A' }),
      updated('2026-06-10T14:10Z', { id: 'cart-B', email: 'SHOPPER@EXAMPLE.COM' }),
      checkedOut('2026-06-10T14:20Z', { id: 'cart-A' }),
      updated('2026-06-10T14:30Z', { id: 'cart-C' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-10T16:00Z' });

    // Assess: C is reminded at 14:30Z + 1 h; its reminder 2, due 15:30Z + 20 h = 11:30Z June 11 =
    // 07:30 EDT, is deferred to 08:00 EDT = 12:00Z.
    expect(out).toEqual([
      closed('2026-06-10T14:20Z', 'cart-A', 'purchased'),
      closed('2026-06-10T14:20Z', 'cart-B', 'purchased'),
      reminder('2026-06-10T15:30Z', 'cart-C', 1),
      deferred('2026-06-10T15:30Z', 'cart-C', 2, '2026-06-11T11:30Z', '2026-06-11T12:00Z'),
    ]);
  });

  it('ends the open carts of the email named by a checkout of a cart it never saw', async () => {
    // Prepare: B at 14:00Z; the shopper buys cart-Z (unknown until now) at 14:30Z, email in other case.
    const lines = scenario(
      updated('2026-06-10T14:00Z', { id: 'cart-B' }),
      checkedOut('2026-06-10T14:30Z', { id: 'cart-Z', email: 'shopper@EXAMPLE.com' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-13T00:00Z' });

    // Assess
    expect(out).toEqual([
      closed('2026-06-10T14:30Z', 'cart-Z', 'purchased'),
      closed('2026-06-10T14:30Z', 'cart-B', 'purchased'),
    ]);
  });

  it('closes a cart delivered after a checkout of the same shopper when its activity precedes it', async () => {
    // Prepare: A at 14:00Z checks out at 14:20Z; B's update of 14:10Z arrives only at 14:30Z.
    const lines = scenario(
      updated('2026-06-10T14:00Z', { id: 'cart-A' }),
      checkedOut('2026-06-10T14:20Z', { id: 'cart-A' }),
      updated('2026-06-10T14:30Z', { id: 'cart-B' }, { occurredAt: '2026-06-10T14:10Z' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-13T00:00Z' });

    // Assess
    expect(out).toEqual([
      closed('2026-06-10T14:20Z', 'cart-A', 'purchased'),
      closed('2026-06-10T14:30Z', 'cart-B', 'purchased'),
    ]);
  });

  it('keeps open another cart last active at the very instant of the checkout', async () => {
    // Prepare: B's last activity is 14:20Z, the same instant A checks out: it does not precede it.
    const lines = scenario(
      updated('2026-06-10T14:00Z', { id: 'cart-A' }),
      updated('2026-06-10T14:20Z', { id: 'cart-B' }),
      checkedOut('2026-06-10T14:20Z', { id: 'cart-A' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-10T16:00Z' });

    // Assess: B (big) is reminded at 14:20Z + 1 h; its reminder 2, due 15:20Z + 20 h = 11:20Z June 11
    // = 07:20 EDT, is deferred to 08:00 EDT = 12:00Z.
    expect(out).toEqual([
      closed('2026-06-10T14:20Z', 'cart-A', 'purchased'),
      reminder('2026-06-10T15:20Z', 'cart-B', 1),
      deferred('2026-06-10T15:20Z', 'cart-B', 2, '2026-06-11T11:20Z', '2026-06-11T12:00Z'),
    ]);
  });
});

describe('8. carts that are never reminded', () => {
  it('never reminds an unsubscribed email, for any cart, at any time after', async () => {
    // Prepare: A at 14:00Z; the shopper unsubscribes at 14:30Z (spelled differently); B comes at 15:00Z.
    const lines = scenario(
      updated('2026-06-10T14:00Z', { id: 'cart-A' }),
      action('2026-06-10T14:30Z', 'unsubscribe', { email: ' SHOPPER@example.com ' }),
      updated('2026-06-10T15:00Z', { id: 'cart-B' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-20T00:00Z' });

    // Assess
    expect(out).toEqual([
      closed('2026-06-10T14:30Z', 'cart-A', 'unsubscribed'),
      { at: iso('2026-06-10T14:30Z'), kind: 'action', line: 2, action: 'unsubscribe', changed: true },
      closed('2026-06-10T15:00Z', 'cart-B', 'unsubscribed'),
    ]);
  });

  it('never reminds a cart that arrives after its email unsubscribed', async () => {
    // Prepare: the unsubscribe comes first, before the engine knows any cart of that email.
    const lines = scenario(
      action('2026-06-09T10:00Z', 'unsubscribe', { email: 'shopper@example.com' }),
      updated('2026-06-10T14:00Z'),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-20T00:00Z' });

    // Assess
    expect(out).toEqual([
      { at: iso('2026-06-09T10:00Z'), kind: 'action', line: 1, action: 'unsubscribe', changed: true },
      closed('2026-06-10T14:00Z', 'cart-1001', 'unsubscribed'),
    ]);
  });

  it("unsubscribes through one cart every cart of that cart's email", async () => {
    // Prepare: two carts of one shopper; the owner unsubscribes naming cart A.
    const lines = scenario(
      updated('2026-06-10T14:00Z', { id: 'cart-A' }),
      updated('2026-06-10T14:05Z', { id: 'cart-B', email: 'SHOPPER@example.com' }),
      action('2026-06-10T14:30Z', 'unsubscribe', { cartId: 'cart-A' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-20T00:00Z' });

    // Assess
    expect(out).toEqual([
      closed('2026-06-10T14:30Z', 'cart-A', 'unsubscribed'),
      closed('2026-06-10T14:30Z', 'cart-B', 'unsubscribed'),
      {
        at: iso('2026-06-10T14:30Z'),
        kind: 'action',
        line: 3,
        action: 'unsubscribe',
        cartId: 'cart-A',
        changed: true,
      },
    ]);
  });

  it('never reminds a cart without an email, and reminds it once an email arrives', async () => {
    // Prepare: N has no email ever; E has none at 14:00Z and gets one at 14:30Z.
    const lines = scenario(
      updated('2026-06-10T14:00Z', { id: 'cart-N', email: undefined }),
      updated('2026-06-10T14:00Z', { id: 'cart-E', email: undefined }),
      updated('2026-06-10T14:30Z', { id: 'cart-E', email: 'late@example.com' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-10T16:00Z' });

    // Assess: E at 14:30Z + 1 h, and its reminder 2 (15:30Z + 20 h = 11:30Z June 11 = 07:30 EDT)
    // deferred to 08:00 EDT = 12:00Z; nothing for N.
    expect(out).toEqual([
      reminder('2026-06-10T15:30Z', 'cart-E', 1, 'late@example.com'),
      deferred('2026-06-10T15:30Z', 'cart-E', 2, '2026-06-11T11:30Z', '2026-06-11T12:00Z'),
    ]);
  });

  it('never reminds a suppressed or a written-off cart', async () => {
    // Prepare: two shoppers' carts at 14:00Z, closed by the owner at 14:30Z.
    const lines = scenario(
      updated('2026-06-10T14:00Z', { id: 'cart-S', email: 's@example.com' }),
      updated('2026-06-10T14:00Z', { id: 'cart-W', email: 'w@example.com' }),
      action('2026-06-10T14:30Z', 'suppress', { cartId: 'cart-S' }),
      action('2026-06-10T14:30Z', 'write_off', { cartId: 'cart-W' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-20T00:00Z' });

    // Assess
    expect(reminders(out)).toEqual([]);
    expect(out.filter((line) => line.kind === 'action')).toEqual([
      {
        at: iso('2026-06-10T14:30Z'),
        kind: 'action',
        line: 3,
        action: 'suppress',
        cartId: 'cart-S',
        changed: true,
      },
      {
        at: iso('2026-06-10T14:30Z'),
        kind: 'action',
        line: 4,
        action: 'write_off',
        cartId: 'cart-W',
        changed: true,
      },
    ]);
  });

  it('never reminds a cart older than maxCartAgeHours', async () => {
    // Prepare: maximum age 10 h; a medium cart at 14:00Z: reminder 1 at 16:00Z, reminder 2 would be
    // due 14:00Z next day, 24 h after the last activity.
    const rules = sampleRules({ maxCartAgeHours: 10 });
    const lines = scenario(updated('2026-06-10T14:00Z', { total: '80.00' }));

    // Act
    const out = await simulate(lines, { rules, until: '2026-06-12T00:00Z' });

    // Assess: at 14:00Z + 10 h = 00:00Z June 11 the cart is exactly at the limit, not older; it gives
    // up 1 ms later.
    expect(out).toEqual([
      reminder('2026-06-10T16:00Z', 'cart-1001', 1),
      closed('2026-06-11T00:00:00.001Z', 'cart-1001', 'given_up'),
    ]);
  });

  it('still reminds when the last activity is exactly maxCartAgeHours old', async () => {
    // Prepare: maximum age 2 h; a medium cart at 14:00Z, due 16:00Z: now - last activity = 2 h, not more.
    const rules = sampleRules({ maxCartAgeHours: 2 });
    const lines = scenario(updated('2026-06-10T14:00Z', { total: '80.00' }));

    // Act
    const out = await simulate(lines, { rules, until: '2026-06-10T16:30Z' });

    // Assess
    expect(reminders(out)).toEqual([reminder('2026-06-10T16:00Z', 'cart-1001', 1)]);
  });
});

describe('9. at most maxReminders, each number once', () => {
  it('treats a repeated event id as a no-op, even with other contents', async () => {
    // Prepare: the same event id delivered again at 14:30Z, claiming activity at 14:30Z.
    const lines = scenario(
      updated('2026-06-10T14:00Z', {}, { id: 'evt-1' }),
      updated('2026-06-10T14:30Z', { total: '20.00' }, { id: 'evt-1' }),
      updated('2026-06-10T14:40Z', {}, { id: 'evt-1', occurredAt: '2026-06-10T14:00Z' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-10T16:00Z' });

    // Assess: the reminder stays at 14:00Z + 1 h (big); reminder 2, due 15:00Z + 20 h = 11:00Z June 11
    // = 07:00 EDT, is deferred to 08:00 EDT = 12:00Z.
    expect(out).toEqual([
      { at: iso('2026-06-10T14:30Z'), kind: 'duplicate', cartId: 'cart-1001', eventId: 'evt-1' },
      { at: iso('2026-06-10T14:40Z'), kind: 'duplicate', cartId: 'cart-1001', eventId: 'evt-1' },
      reminder('2026-06-10T15:00Z', 'cart-1001', 1),
      deferred('2026-06-10T15:00Z', 'cart-1001', 2, '2026-06-11T11:00Z', '2026-06-11T12:00Z'),
    ]);
  });

  it('closes once when a checkout is delivered twice', async () => {
    // Prepare
    const lines = scenario(
      updated('2026-06-10T14:00Z'),
      checkedOut('2026-06-10T14:30Z', {}, { id: 'chk-1' }),
      checkedOut('2026-06-10T14:35Z', {}, { id: 'chk-1', occurredAt: '2026-06-10T14:30Z' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-12T00:00Z' });

    // Assess
    expect(out).toEqual([
      closed('2026-06-10T14:30Z', 'cart-1001', 'purchased'),
      { at: iso('2026-06-10T14:35Z'), kind: 'duplicate', cartId: 'cart-1001', eventId: 'chk-1' },
    ]);
  });

  it('sends exactly maxReminders reminders in ten days, then gives up', async () => {
    // Prepare: a medium cart at 14:00Z, no further activity.
    const lines = scenario(updated('2026-06-10T14:00Z', { total: '80.00' }));

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-20T14:00Z' });

    // Assess: 16:00Z, 16:00Z + 22 h = 14:00Z June 11, given up 72 h later at 14:00Z June 14.
    expect(out).toEqual([
      reminder('2026-06-10T16:00Z', 'cart-1001', 1),
      reminder('2026-06-11T14:00Z', 'cart-1001', 2),
      closed('2026-06-14T14:00Z', 'cart-1001', 'given_up'),
    ]);
  });

  it('sends one email when a wake-up and its reminder job are each delivered twice', async () => {
    // Prepare: a big cart at 14:00Z; at 15:00Z its wake-up fires, and is then delivered again.
    const engine = memoryEngine({ rules: sampleRules(), start: '2026-06-10T14:00:00Z' });
    const event = updated('2026-06-10T14:00Z');
    if (!('event' in event)) throw new Error('expected an event line');
    await ingestCartEvent(engine.deps, event.event);
    engine.clock.set('2026-06-10T15:00:00Z');
    const wake = engine.scheduler.popDue(engine.clock.now().getTime());
    if (!wake) throw new Error('expected a wake-up due at 15:00Z');

    // Act
    const wakes = [await wakeCart(engine.deps, wake), await wakeCart(engine.deps, wake)];
    const sends = [];
    for (let job = engine.queue.take(); job; job = engine.queue.take()) {
      sends.push(await sendReminder(engine.deps, job));
      sends.push(await sendReminder(engine.deps, job));
    }
    const late = await wakeCart(engine.deps, wake);

    // Assess
    expect(wakes.map((w) => w.kind)).toEqual(['enqueued', 'enqueued']);
    expect(sends.map((s) => (s.kind === 'sent' ? 'sent' : s.why))).toEqual([
      'sent',
      'already_done',
      'already_done',
      'already_done',
    ]);
    expect(engine.mailer.sent.map((m) => [m.tags.cartId, m.tags.reminder])).toEqual([['cart-1001', '1']]);
    expect(late).toEqual({ kind: 'ignored', cartId: 'cart-1001', why: 'stale' });
  });
});

describe('10. one closing status', () => {
  it('closes as purchased when checked out before any reminder', async () => {
    // Prepare: big at 14:00Z (due 15:00Z), checked out at 14:59Z.
    const lines = scenario(updated('2026-06-10T14:00Z'), checkedOut('2026-06-10T14:59Z'));

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-12T00:00Z' });

    // Assess
    expect(out).toEqual([closed('2026-06-10T14:59Z', 'cart-1001', 'purchased')]);
  });

  it('closes as recovered when checked out after a reminder', async () => {
    // Prepare: big at 14:00Z, reminded at 15:00Z, checked out at 15:30Z.
    const lines = scenario(updated('2026-06-10T14:00Z'), checkedOut('2026-06-10T15:30Z'));

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-12T00:00Z' });

    // Assess: at 15:00Z reminder 2 (15:00Z + 20 h = 11:00Z June 11 = 07:00 EDT) is deferred to 08:00
    // EDT = 12:00Z; the checkout ends the cart before then.
    expect(out).toEqual([
      reminder('2026-06-10T15:00Z', 'cart-1001', 1),
      deferred('2026-06-10T15:00Z', 'cart-1001', 2, '2026-06-11T11:00Z', '2026-06-11T12:00Z'),
      closed('2026-06-10T15:30Z', 'cart-1001', 'recovered'),
    ]);
  });

  it('closes as purchased when a checkout that happened before the reminder arrives after it', async () => {
    // Prepare: big at 14:00Z, reminded at 15:00Z; the checkout of 14:50Z arrives at 15:10Z.
    const lines = scenario(
      updated('2026-06-10T14:00Z'),
      checkedOut('2026-06-10T15:10Z', {}, { occurredAt: '2026-06-10T14:50Z' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-12T00:00Z' });

    // Assess: reminder 2 is deferred at 15:00Z as above (11:00Z June 11 = 07:00 EDT -> 12:00Z).
    expect(out).toEqual([
      reminder('2026-06-10T15:00Z', 'cart-1001', 1),
      deferred('2026-06-10T15:00Z', 'cart-1001', 2, '2026-06-11T11:00Z', '2026-06-11T12:00Z'),
      closed('2026-06-10T15:10Z', 'cart-1001', 'purchased'),
    ]);
  });

  it('closes as suppressed when the owner suppresses the cart', async () => {
    // Prepare
    const lines = scenario(
      updated('2026-06-10T14:00Z'),
      action('2026-06-10T14:30Z', 'suppress', { cartId: 'cart-1001' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-12T00:00Z' });

    // Assess
    expect(out.filter((line) => line.kind !== 'action')).toEqual([
      closed('2026-06-10T14:30Z', 'cart-1001', 'suppressed'),
    ]);
  });

  it('closes as written_off when the owner writes the cart off', async () => {
    // Prepare
    const lines = scenario(
      updated('2026-06-10T14:00Z'),
      action('2026-06-10T14:30Z', 'write_off', { cartId: 'cart-1001' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-12T00:00Z' });

    // Assess
    expect(out.filter((line) => line.kind !== 'action')).toEqual([
      closed('2026-06-10T14:30Z', 'cart-1001', 'written_off'),
    ]);
  });

  it('closes as given_up giveUpAfterHours after the last reminder', async () => {
    // Prepare: give up after 5 h, one reminder; big at 14:00Z, reminded at 15:00Z.
    const rules = sampleRules({ giveUpAfterHours: 5, maxReminders: 1 });
    const lines = scenario(updated('2026-06-10T14:00Z'));

    // Act
    const out = await simulate(lines, { rules, until: '2026-06-12T00:00Z' });

    // Assess: 15:00Z + 5 h = 20:00Z.
    expect(out).toEqual([
      reminder('2026-06-10T15:00Z', 'cart-1001', 1),
      closed('2026-06-10T20:00Z', 'cart-1001', 'given_up'),
    ]);
  });

  it('closes as given_up at once when the cart is already too old', async () => {
    // Prepare: an update of 14:00Z June 10 delivered at 14:00Z June 18, 192 h later (> 168 h).
    const lines = scenario(updated('2026-06-18T14:00Z', {}, { occurredAt: '2026-06-10T14:00Z' }));

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-20T00:00Z' });

    // Assess
    expect(out).toEqual([closed('2026-06-18T14:00Z', 'cart-1001', 'given_up')]);
  });

  it('keeps the first status when a checkout comes after the cart gave up', async () => {
    // Prepare: one reminder, give up after 5 h (at 20:00Z); the shopper buys at 21:00Z.
    const rules = sampleRules({ giveUpAfterHours: 5, maxReminders: 1 });
    const lines = scenario(updated('2026-06-10T14:00Z'), checkedOut('2026-06-10T21:00Z'));

    // Act
    const out = await simulate(lines, { rules, until: '2026-06-12T00:00Z' });

    // Assess: one closing only.
    expect(out).toEqual([
      reminder('2026-06-10T15:00Z', 'cart-1001', 1),
      closed('2026-06-10T20:00Z', 'cart-1001', 'given_up'),
    ]);
  });
});

describe('consent and maxReminders', () => {
  it('sends both reminders without consent when consent is any', async () => {
    // Prepare
    const lines = scenario(updated('2026-06-10T14:00Z', { total: '80.00', marketingConsent: false }));

    // Act
    const out = await simulate(lines, { rules: sampleRules({ consent: 'any' }), until: '2026-06-11T15:00Z' });

    // Assess
    expect(reminders(out)).toEqual([
      reminder('2026-06-10T16:00Z', 'cart-1001', 1),
      reminder('2026-06-11T14:00Z', 'cart-1001', 2),
    ]);
  });

  it('sends only the first reminder without consent when consent is first_only', async () => {
    // Prepare: C has no consent, D has consent.
    const lines = scenario(
      updated('2026-06-10T14:00Z', {
        id: 'cart-C',
        email: 'c@example.com',
        total: '80.00',
        marketingConsent: false,
      }),
      updated('2026-06-10T14:00Z', {
        id: 'cart-D',
        email: 'd@example.com',
        total: '80.00',
        marketingConsent: true,
      }),
    );

    // Act
    const out = await simulate(lines, {
      rules: sampleRules({ consent: 'first_only' }),
      until: '2026-06-14T15:00Z',
    });

    // Assess: C gives up 72 h after its one reminder; D gets both and gives up 72 h after the second.
    expect(out).toEqual([
      reminder('2026-06-10T16:00Z', 'cart-C', 1, 'c@example.com'),
      reminder('2026-06-10T16:00Z', 'cart-D', 1, 'd@example.com'),
      reminder('2026-06-11T14:00Z', 'cart-D', 2, 'd@example.com'),
      closed('2026-06-13T16:00Z', 'cart-C', 'given_up'),
      closed('2026-06-14T14:00Z', 'cart-D', 'given_up'),
    ]);
  });

  it('sends nothing without consent when consent is required', async () => {
    // Prepare: C has no consent (field missing), D has consent.
    const lines = scenario(
      updated('2026-06-10T14:00Z', { id: 'cart-C', email: 'c@example.com', marketingConsent: undefined }),
      updated('2026-06-10T14:00Z', { id: 'cart-D', email: 'd@example.com', marketingConsent: true }),
    );

    // Act
    const out = await simulate(lines, {
      rules: sampleRules({ consent: 'required', maxReminders: 1 }),
      until: '2026-06-10T16:00Z',
    });

    // Assess
    expect(out).toEqual([reminder('2026-06-10T15:00Z', 'cart-D', 1, 'd@example.com')]);
  });

  it('sends no reminder with maxReminders 0 and one with maxReminders 1', async () => {
    // Prepare
    const lines = scenario(updated('2026-06-10T14:00Z', { total: '80.00' }));

    // Act
    const none = await simulate(lines, {
      rules: sampleRules({ maxReminders: 0 }),
      until: '2026-06-20T00:00Z',
    });
    const one = await simulate(lines, {
      rules: sampleRules({ maxReminders: 1 }),
      until: '2026-06-20T00:00Z',
    });

    // Assess: with none the cart gives up 72 h after its last activity; with one, 72 h after it.
    expect(none).toEqual([closed('2026-06-13T14:00Z', 'cart-1001', 'given_up')]);
    expect(one).toEqual([
      reminder('2026-06-10T16:00Z', 'cart-1001', 1),
      closed('2026-06-13T16:00Z', 'cart-1001', 'given_up'),
    ]);
  });
});

describe('invalid events', () => {
  it('rejects an invalid update with field errors and keeps the cart as it was', async () => {
    // Prepare: a valid big cart at 14:00Z, then an update at 14:30Z with a bad total and currency.
    const bad = updated('2026-06-10T14:30Z', { total: 'ten dollars', currency: 'dollars' }, { id: 'bad' });
    const lines = scenario(updated('2026-06-10T14:00Z'), bad);

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-10T16:00Z' });

    // Assess: the reminder keeps its time (14:00Z + 1 h), so no part of the bad update counted; still
    // big, reminder 2 (15:00Z + 20 h = 11:00Z June 11 = 07:00 EDT) is deferred to 08:00 EDT = 12:00Z.
    expect(out).toEqual([
      {
        at: iso('2026-06-10T14:30Z'),
        kind: 'rejected',
        line: 2,
        eventId: 'bad',
        errors: [
          { path: 'cart.currency', message: 'currency must be a three-letter code such as "USD"' },
          { path: 'cart.total', message: 'total must be a decimal amount of at least 0, such as "42.50"' },
        ],
      },
      reminder('2026-06-10T15:00Z', 'cart-1001', 1),
      deferred('2026-06-10T15:00Z', 'cart-1001', 2, '2026-06-11T11:00Z', '2026-06-11T12:00Z'),
    ]);
  });

  it("judges occurredAt against the line's own time: a late import is taken, older or future events are not", async () => {
    // Prepare: delivered at 14:00Z June 10, happened 35 days before (the import lane's edge), one
    // millisecond older than that, and six minutes ahead of the simulator's clock.
    const lines = scenario(
      updated('2026-06-10T14:00Z', { id: 'cart-old', source: 'import' }, { occurredAt: '2026-05-06T14:00Z' }),
      updated(
        '2026-06-10T14:00Z',
        { id: 'cart-older' },
        { id: 'older', occurredAt: '2026-05-06T13:59:59.999Z' },
      ),
      updated('2026-06-10T14:00Z', { id: 'cart-ahead' }, { id: 'ahead', occurredAt: '2026-06-10T14:06Z' }),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-10T14:30Z' });

    // Assess: the import is taken (and, 35 days old, given up at once); the other two are refused,
    // naming the window.
    const window = '(between 2026-05-06T14:00:00.000Z and 2026-06-10T14:05:00.000Z)';
    const refused = (line: number, eventId: string) => ({
      at: iso('2026-06-10T14:00Z'),
      kind: 'rejected',
      line,
      eventId,
      errors: [
        {
          path: 'occurredAt',
          message: `occurredAt must be at most 35 days before and 5 minutes after the time we receive it ${window}`,
        },
      ],
    });
    expect(out).toEqual([
      closed('2026-06-10T14:00Z', 'cart-old', 'given_up'),
      refused(2, 'older'),
      refused(3, 'ahead'),
    ]);
  });

  it('stores nothing of an invalid first event of a cart', async () => {
    // Prepare: cart-X's first event lacks items; then a body that is not even an object.
    const lines = scenario(
      updated('2026-06-10T14:00Z', { id: 'cart-X', items: undefined }, { id: 'bad' }),
      rawEvent('2026-06-10T14:10Z', 'not an object'),
    );

    // Act
    const out = await simulate(lines, { rules: sampleRules(), until: '2026-06-12T00:00Z' });

    // Assess: only the two rejections; no cart, so no reminder and no closing.
    expect(out).toEqual([
      {
        at: iso('2026-06-10T14:00Z'),
        kind: 'rejected',
        line: 1,
        eventId: 'bad',
        errors: [{ path: 'cart.items', message: 'items must be a list' }],
      },
      {
        at: iso('2026-06-10T14:10Z'),
        kind: 'rejected',
        line: 2,
        errors: [{ path: '', message: 'the event must be a JSON object' }],
      },
    ]);
  });
});
