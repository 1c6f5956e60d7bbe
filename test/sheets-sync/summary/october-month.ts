/**
 * A small hand-built month for the summary tests: October 2026 at Acme Outfitters (America/New_York,
 * EDT all month, so local midnight is 04:00Z). Every figure it should give is worked out by hand in
 * `OCTOBER_EXPECTED` below; the comment on each cart says where it counts.
 */
import type { Cart, ReminderRecord } from '#engine/domain/cart.js';
import type { AuditAction, AuditEntry } from '#engine/ports.js';
import { sampleCart } from '#test/fakes/sample-cart.js';

function sent(n: 1 | 2, at: string, extra: Partial<ReminderRecord> = {}): ReminderRecord {
  return { n, state: 'sent', dueAt: at, at, ...extra };
}

function cart(id: string, total: string, fields: Partial<Cart>, currency = 'USD'): Cart {
  return sampleCart({ id, snapshot: { id, total, currency }, ...fields });
}

export function octoberCarts(): Cart[] {
  return [
    // Seen 23:59 on Sep 30 local: not a cart of October; its first reminder (Oct 1 06:00 local) is.
    cart('a', '20.00', {
      firstSeenAt: '2026-10-01T03:59:00.000Z',
      reminders: [sent(1, '2026-10-01T10:00:00.000Z')],
    }),
    // Seen at local midnight Oct 1 (big); first reminder, its link clicked; recovered through the
    // link Oct 2: $178.50.
    cart('b', '178.50', {
      firstSeenAt: '2026-10-01T04:00:00.000Z',
      status: 'recovered',
      attribution: 'recovered_through_link',
      checkedOutAt: '2026-10-02T14:59:00.000Z',
      closedAt: '2026-10-02T15:00:00.000Z',
      reminders: [sent(1, '2026-10-01T20:00:00.000Z', { clickedAt: '2026-10-01T21:00:00.000Z' })],
      version: 5,
    }),
    // An older copy of b (from a second index day): the newer version wins.
    cart('b', '178.50', { firstSeenAt: '2026-10-01T04:00:00.000Z', status: 'open', version: 2 }),
    // Bought 20 minutes after its last activity, before its first reminder was due: seen, not abandoned.
    cart('c', '30.00', {
      firstSeenAt: '2026-10-05T11:50:00.000Z',
      lastActivityAt: '2026-10-05T11:50:00.000Z',
      status: 'purchased',
      attribution: 'not_recovered',
      checkedOutAt: '2026-10-05T12:10:00.000Z',
      closedAt: '2026-10-05T12:10:00.000Z',
    }),
    // Still being shopped at the end of the month (last activity 23:00 on Oct 31 local, small: due
    // at 03:00 Nov 1 local): seen, not abandoned.
    cart('k', '15.00', {
      firstSeenAt: '2026-11-01T02:30:00.000Z',
      lastActivityAt: '2026-11-01T03:00:00.000Z',
    }),
    // Oct 5 local (medium): first reminder deferred by quiet hours, second skipped by the cap.
    cart('d', '60.00', {
      firstSeenAt: '2026-10-05T23:30:00.000Z',
      reminders: [
        sent(1, '2026-10-06T12:00:00.000Z', { deferredFrom: '2026-10-06T03:00:00.000Z' }),
        {
          n: 2,
          state: 'skipped',
          reason: 'frequency_cap',
          dueAt: '2026-10-07T12:00:00.000Z',
          at: '2026-10-07T12:00:00.000Z',
        },
      ],
    }),
    // 22:30 on Oct 5 local, Oct 6 in UTC (small); written off.
    cart('e', '10.00', { firstSeenAt: '2026-10-06T02:30:00.000Z', status: 'written_off' }),
    // Seen in September (small): its second reminder and its recovery (Oct 3, $49.99) are October's.
    cart('f', '49.99', {
      firstSeenAt: '2026-09-28T12:00:00.000Z',
      status: 'recovered',
      closedAt: '2026-10-03T12:00:00.000Z',
      reminders: [sent(1, '2026-09-28T20:00:00.000Z'), sent(2, '2026-10-01T12:00:00.000Z')],
    }),
    // Oct 31 local (small), reminded and recovered before local midnight: $12.50.
    cart('g', '12.5', {
      firstSeenAt: '2026-10-31T23:30:00.000Z',
      status: 'recovered',
      closedAt: '2026-11-01T03:30:00.000Z',
      reminders: [sent(1, '2026-11-01T02:00:00.000Z')],
    }),
    // Oct 20 (medium), reminded in October, recovered on Nov 1 local: not October's recovery, but
    // it counts in October's recovery rate (the month's abandoned carts, followed to now).
    cart('h', '80.00', {
      firstSeenAt: '2026-10-20T12:00:00.000Z',
      status: 'recovered',
      closedAt: '2026-11-01T05:00:00.000Z',
      reminders: [sent(1, '2026-10-20T18:00:00.000Z')],
    }),
    // Known only from its checkout: not counted at all.
    sampleCart({
      id: 'i',
      snapshot: null,
      firstSeenAt: '2026-10-10T12:00:00.000Z',
      status: 'purchased',
      closedAt: '2026-10-10T12:00:00.000Z',
    }),
    // Oct 12 (small, in euros), recovered Oct 13: €40.00.
    cart(
      'j',
      '40.00',
      {
        firstSeenAt: '2026-10-12T12:00:00.000Z',
        status: 'recovered',
        closedAt: '2026-10-13T12:00:00.000Z',
        reminders: [sent(1, '2026-10-12T16:00:00.000Z')],
      },
      'EUR',
    ),
  ];
}

function entry(action: AuditAction, at: string): AuditEntry {
  return { action, at, actor: 'test' };
}

export function octoberAudit(): AuditEntry[] {
  return [
    entry('shopper.unsubscribe', '2026-10-01T03:00:00.000Z'), // Sep 30 local: not counted
    entry('shopper.unsubscribe', '2026-10-10T12:00:00.000Z'),
    entry('owner.unsubscribe', '2026-10-31T12:00:00.000Z'),
    entry('mail.bounce', '2026-10-15T12:00:00.000Z'),
    entry('mail.bounce', '2026-11-01T04:00:00.000Z'), // Nov 1 local midnight: not counted
    entry('mail.complaint', '2026-10-16T12:00:00.000Z'),
    entry('owner.suppress', '2026-10-17T12:00:00.000Z'),
    entry('owner.suppress', '2026-10-17T13:00:00.000Z'),
    entry('owner.write_off', '2026-10-18T12:00:00.000Z'),
    // Reminders are counted from the carts; this entry must not count twice.
    entry('reminder.sent', '2026-10-20T18:00:00.000Z'),
  ];
}

export const OCTOBER_COST_USD = 1.42;

/** Every figure, by hand. */
export const OCTOBER_EXPECTED = {
  carts: 8, // b c d e g h j k
  abandoned: 6, // b d e g h j
  remindersSent: { first: 6, second: 1 }, // a b d g h j; f
  deferredByQuietHours: 1, // d
  skippedByCap: 1, // d
  recovered: 4, // b f g j
  recoveredThroughLink: 1, // b
  attributionDays: 5,
  clicked: 1, // b's first reminder
  clickRate: 1 / 7,
  holdoutPercent: 0,
  recoveredRevenue: [
    { currency: 'USD', amount: '240.99' }, // 178.50 + 49.99 + 12.50
    { currency: 'EUR', amount: '40.00' },
  ],
  // Of the 6 abandoned, recovered by now, whenever: b g h j (h on Nov 1 counts here, not above).
  recoveryRate: 4 / 6,
  byTier: [
    { tier: 'small', abandoned: 3, recovered: 2, rate: 2 / 3 }, // e g j
    { tier: 'medium', abandoned: 2, recovered: 1, rate: 0.5 }, // d h; h
    { tier: 'big', abandoned: 1, recovered: 1, rate: 1 }, // b
  ],
  unsubscribes: 2,
  bounces: 1,
  complaints: 1,
  suppressions: 2,
  writeOffs: 1,
  estimatedCostUsd: 1.42,
};

/** The days with anything on them; every other day of October is 0 / 0. */
export const OCTOBER_BUSY_DAYS: Record<string, { abandoned: number; recovered: number }> = {
  '2026-10-01': { abandoned: 1, recovered: 0 }, // b
  '2026-10-02': { abandoned: 0, recovered: 1 }, // b
  '2026-10-03': { abandoned: 0, recovered: 1 }, // f
  '2026-10-05': { abandoned: 2, recovered: 0 }, // d e
  '2026-10-12': { abandoned: 1, recovered: 0 }, // j
  '2026-10-13': { abandoned: 0, recovered: 1 }, // j
  '2026-10-20': { abandoned: 1, recovered: 0 }, // h
  '2026-10-31': { abandoned: 1, recovered: 1 }, // g
};
