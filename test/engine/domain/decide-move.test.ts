import { describe, expect, it } from 'vitest';
import type { ReminderRecord } from '#engine/domain/cart.js';
import {
  abandonedAt,
  decideMove,
  isAbandoned,
  type Move,
  reminderLimit,
  reminderTime,
  settleCart,
} from '#engine/domain/decide-move.js';
import { sampleCart, sampleRules } from '#test/fakes/sample-cart.js';

// The sample cart: New York (EDT, UTC-4 in June), total 178.50 USD (tier big: 1 h, then 20 h), last
// active at 14:00Z on June 10, consent given. Sample rules: quiet hours 21:00-08:00 = 01:00Z-12:00Z.

const at = (iso: string) => new Date(iso);
const z = (iso: string) => new Date(iso).toISOString();

function sent(n: 1 | 2, when: string): ReminderRecord {
  return { n, state: 'sent', dueAt: z(when), at: z(when) };
}

/** Narrows a move to one kind, failing the test when it is another. */
function expectKind<K extends Move['kind']>(move: Move, kind: K): Extract<Move, { kind: K }> {
  expect(move.kind).toBe(kind);
  if (move.kind !== kind) throw new Error(`expected ${kind}, got ${move.kind}`);
  return move as Extract<Move, { kind: K }>;
}

describe('decideMove', () => {
  it('stops a cart that is already closed', () => {
    // Act
    const move = decideMove(sampleCart({ status: 'purchased' }), {}, sampleRules(), at('2026-06-10T15:00Z'));

    // Assess
    expect(move).toEqual({
      kind: 'stop',
      status: 'already_closed',
      reasons: ['the cart is already closed (purchased)'],
    });
  });

  it("stops as unsubscribed when the shopper's email unsubscribed", () => {
    // Act
    const move = decideMove(
      sampleCart(),
      { unsubscribedAt: '2026-06-10T14:30:00.000Z' },
      sampleRules(),
      at('2026-06-10T15:00Z'),
    );

    // Assess
    const stop = expectKind(move, 'stop');
    expect(stop.status).toBe('unsubscribed');
    expect(stop.reasons).toEqual(["the shopper's email unsubscribed at 2026-06-10T14:30:00.000Z"]);
  });

  it('stops as purchased when the shopper checked out after the last activity, not at it', () => {
    // Act: the cart was last active at 14:00Z.
    const same = decideMove(
      sampleCart(),
      { lastCheckoutAt: z('2026-06-10T14:00Z') },
      sampleRules(),
      at('2026-06-10T14:30Z'),
    );
    const later = decideMove(
      sampleCart(),
      { lastCheckoutAt: z('2026-06-10T14:20Z') },
      sampleRules(),
      at('2026-06-10T14:30Z'),
    );
    const justAfter = decideMove(
      sampleCart(),
      { lastCheckoutAt: z('2026-06-10T14:00:00.001Z') },
      sampleRules(),
      at('2026-06-10T14:30Z'),
    );
    const earlier = decideMove(
      sampleCart(),
      { lastCheckoutAt: z('2026-06-10T13:59Z') },
      sampleRules(),
      at('2026-06-10T14:30Z'),
    );

    // Assess: a checkout 1 ms after the last activity closes the cart; one at the same instant or
    // before does not, and the cart waits for reminder 1 at 14:00Z + 1 h (big) = 15:00Z.
    expect(expectKind(later, 'stop')).toEqual({
      kind: 'stop',
      status: 'purchased',
      boughtAt: '2026-06-10T14:20:00.000Z',
      reasons: [
        "the shopper checked out at 2026-06-10T14:20:00.000Z, after this cart's last activity at 2026-06-10T14:00:00.000Z",
      ],
    });
    expect(expectKind(justAfter, 'stop').status).toBe('purchased');
    expect(expectKind(same, 'wait')).toMatchObject({
      until: '2026-06-10T15:00:00.000Z',
      why: 'not_due',
      n: 1,
    });
    expect(expectKind(earlier, 'wait')).toMatchObject({
      until: '2026-06-10T15:00:00.000Z',
      why: 'not_due',
      n: 1,
    });
  });

  it('stops as recovered when a reminder was sent before the checkout', () => {
    // Prepare
    const cart = sampleCart({
      reminders: [sent(1, '2026-06-10T15:00Z')],
      lastActivityAt: z('2026-06-10T14:00Z'),
    });

    // Act
    const move = decideMove(
      cart,
      { lastCheckoutAt: z('2026-06-10T16:00Z') },
      sampleRules(),
      at('2026-06-10T16:05Z'),
    );

    // Assess
    expect(expectKind(move, 'stop').status).toBe('recovered');
  });

  it('gives up on a cart with no contents on record', () => {
    // Act
    const move = decideMove(sampleCart({ snapshot: null }), {}, sampleRules(), at('2026-06-10T15:00Z'));

    // Assess
    expect(move).toEqual({ kind: 'give_up', reasons: ['the cart has no contents on record'] });
  });

  it('gives up on a cart with no last activity on record, even after a checkout of its email', () => {
    // Prepare: a snapshot but no last activity.
    const cart = sampleCart({ lastActivityAt: undefined });

    // Act
    const plain = decideMove(cart, {}, sampleRules(), at('2026-06-10T15:00Z'));
    const afterCheckout = decideMove(
      cart,
      { lastCheckoutAt: z('2026-06-10T14:30Z') },
      sampleRules(),
      at('2026-06-10T15:00Z'),
    );

    // Assess
    expect(plain).toStrictEqual({ kind: 'give_up', reasons: ['the cart has no contents on record'] });
    expect(afterCheckout).toStrictEqual(plain);
  });

  it('gives up once the cart is more than maxCartAgeHours old, not at the limit itself', () => {
    // Act: 14:00Z + 168 h = 14:00Z June 17 = 10:00 EDT, outside quiet hours.
    const atAge = decideMove(sampleCart(), {}, sampleRules(), at('2026-06-17T14:00Z'));
    const past = decideMove(sampleCart(), {}, sampleRules(), at('2026-06-17T14:00:00.001Z'));

    // Assess: at exactly 168 h the overdue reminder 1 (due 15:00Z June 10) still goes; 1 ms later
    // the cart is too old.
    expect(expectKind(atAge, 'remind')).toMatchObject({ n: 1, dueAt: '2026-06-10T15:00:00.000Z' });
    const giveUp = expectKind(past, 'give_up');
    expect(giveUp.reasons.at(-1)).toBe('the cart is older than 168 h (maximum cart age)');
  });

  it('waits until reminder 1 is due, firstWaitHours after the last activity', () => {
    // Act
    const move = decideMove(sampleCart(), {}, sampleRules(), at('2026-06-10T14:30Z'));

    // Assess: big waits 1 h: 15:00Z.
    expect(move).toStrictEqual({
      kind: 'wait',
      until: '2026-06-10T15:00:00.000Z',
      why: 'not_due',
      n: 1,
      reasons: [
        'tier big: total 178.50 USD is at least 150',
        'last activity at 2026-06-10T14:00:00.000Z',
        'reminder 1 is due 1 h after the last activity, at 2026-06-10T15:00:00.000Z',
      ],
    });
  });

  it('waits until the end of quiet hours when reminder 1 falls due inside them', () => {
    // Prepare: last active 00:30Z June 11 = 20:30 EDT; due 01:30Z = 21:30 EDT.
    const cart = sampleCart({ lastActivityAt: z('2026-06-11T00:30Z') });

    // Act
    const move = decideMove(cart, {}, sampleRules(), at('2026-06-11T00:30Z'));

    // Assess: 08:00 EDT = 12:00Z.
    const wait = expectKind(move, 'wait');
    expect(wait).toMatchObject({
      until: '2026-06-11T12:00:00.000Z',
      why: 'not_due',
      n: 1,
      deferredFrom: '2026-06-11T01:30:00.000Z',
    });
    expect(wait.reasons.at(-1)).toBe(
      '2026-06-10 21:30 in America/New_York is inside quiet hours (21:00-08:00); it waits until 2026-06-11 08:00 local',
    );
  });

  it('waits with why quiet_hours when an overdue reminder is found inside quiet hours', () => {
    // Act: due 15:00Z June 10; it is 03:00Z June 11 = 23:00 EDT.
    const move = decideMove(sampleCart(), {}, sampleRules(), at('2026-06-11T03:00Z'));

    // Assess
    const wait = expectKind(move, 'wait');
    expect(wait).toMatchObject({
      until: '2026-06-11T12:00:00.000Z',
      why: 'quiet_hours',
      n: 1,
      deferredFrom: '2026-06-10T15:00:00.000Z',
    });
    expect(wait.reasons.at(-1)).toBe(
      'now, 2026-06-10 23:00 in America/New_York is inside quiet hours (21:00-08:00); deferred to 2026-06-11 08:00 local',
    );
  });

  it('reminds with reminder 1 when it is due', () => {
    // Act
    const move = decideMove(sampleCart(), {}, sampleRules(), at('2026-06-10T15:00Z'));

    // Assess
    expect(move).toEqual({
      kind: 'remind',
      n: 1,
      dueAt: '2026-06-10T15:00:00.000Z',
      reasons: [
        'tier big: total 178.50 USD is at least 150',
        'last activity at 2026-06-10T14:00:00.000Z',
        'reminder 1 is due 1 h after the last activity, at 2026-06-10T15:00:00.000Z',
        'reminder 1 goes now',
      ],
    });
  });

  it('reminds at the end of quiet hours with the due time it was deferred from', () => {
    // Prepare: due 01:30Z June 11 (21:30 EDT).
    const cart = sampleCart({ lastActivityAt: z('2026-06-11T00:30Z') });

    // Act
    const move = decideMove(cart, {}, sampleRules(), at('2026-06-11T12:00Z'));

    // Assess
    expect(expectKind(move, 'remind')).toMatchObject({
      n: 1,
      dueAt: '2026-06-11T12:00:00.000Z',
      deferredFrom: '2026-06-11T01:30:00.000Z',
    });
  });

  it('reminds with reminder 2 secondWaitHours after reminder 1 was sent', () => {
    // Prepare: reminder 1 sent at 16:00Z; big waits 20 h: due 12:00Z June 11 = 08:00 EDT.
    const cart = sampleCart({ reminders: [sent(1, '2026-06-10T16:00Z')] });

    // Act
    const early = decideMove(cart, {}, sampleRules(), at('2026-06-11T11:59Z'));
    const due = decideMove(cart, {}, sampleRules(), at('2026-06-11T12:00Z'));

    // Assess
    expect(expectKind(early, 'wait')).toMatchObject({ until: '2026-06-11T12:00:00.000Z', n: 2 });
    const remind = expectKind(due, 'remind');
    expect(remind).toMatchObject({ n: 2, dueAt: '2026-06-11T12:00:00.000Z' });
    expect(remind.reasons).toContain('reminder 2 is due 20 h after reminder 1, at 2026-06-11T12:00:00.000Z');
  });

  it('counts reminder 2 from the last activity when it is later than reminder 1', () => {
    // Prepare: reminder 1 at 15:00Z, activity at 18:00Z: due 18:00Z + 20 h = 14:00Z June 11.
    const cart = sampleCart({
      reminders: [sent(1, '2026-06-10T15:00Z')],
      lastActivityAt: z('2026-06-10T18:00Z'),
    });

    // Act
    const move = decideMove(cart, {}, sampleRules(), at('2026-06-11T13:00Z'));

    // Assess
    const wait = expectKind(move, 'wait');
    expect(wait).toMatchObject({ until: '2026-06-11T14:00:00.000Z', n: 2, why: 'not_due' });
    expect(wait.reasons.at(-1)).toBe(
      'reminder 2 is due 20 h after the last activity, at 2026-06-11T14:00:00.000Z',
    );
  });

  it('counts reminder 2 from when a skipped reminder 1 was due, not when it was skipped', () => {
    // Prepare: reminder 1 due 15:00Z, skipped at 17:00Z.
    const skippedRecord: ReminderRecord = {
      n: 1,
      state: 'skipped',
      dueAt: z('2026-06-10T15:00Z'),
      at: z('2026-06-10T17:00Z'),
      reason: 'frequency_cap',
    };

    // Act
    const move = decideMove(
      sampleCart({ reminders: [skippedRecord] }),
      {},
      sampleRules(),
      at('2026-06-10T18:00Z'),
    );

    // Assess: 15:00Z + 20 h = 11:00Z June 11 = 07:00 EDT, quiet: waits to 12:00Z.
    expect(expectKind(move, 'wait')).toMatchObject({
      until: '2026-06-11T12:00:00.000Z',
      n: 2,
      deferredFrom: '2026-06-11T11:00:00.000Z',
    });
  });

  it('skips a reminder when another cart of the email got one within the frequency cap', () => {
    // Act
    const move = decideMove(
      sampleCart(),
      { lastReminder: { cartId: 'cart-other', at: z('2026-06-10T14:30Z') } },
      sampleRules(),
      at('2026-06-10T15:00Z'),
    );

    // Assess
    const skip = expectKind(move, 'skip');
    expect(skip).toMatchObject({ n: 1, dueAt: '2026-06-10T15:00:00.000Z', reason: 'frequency_cap' });
    expect(skip.reasons.at(-1)).toBe(
      'this email got a reminder for another cart at 2026-06-10T14:30:00.000Z, within the 72 h frequency cap',
    );
  });

  it('holds out a shopper whose holdout bucket is below the holdout percentage, saying why', () => {
    // Act
    const move = decideMove(
      sampleCart(),
      { holdoutBucket: 9 },
      sampleRules({ holdoutPercent: 10 }),
      at('2026-06-10T15:00Z'),
    );

    // Assess
    const skip = expectKind(move, 'skip');
    expect(skip).toMatchObject({ n: 1, dueAt: '2026-06-10T15:00:00.000Z', reason: 'held_out' });
    expect(skip.reasons.at(-1)).toBe(
      'held out: this shopper is in the 10% holdout (the keyed hash of their email falls in bucket 9 of 100), so no reminder goes and the summary can measure what reminders earn',
    );
  });

  it('reminds a shopper at or above the holdout percentage, without a bucket, or with no holdout', () => {
    // Act
    const now = at('2026-06-10T15:00Z');
    const moves = [
      decideMove(sampleCart(), { holdoutBucket: 10 }, sampleRules({ holdoutPercent: 10 }), now),
      decideMove(sampleCart(), {}, sampleRules({ holdoutPercent: 50 }), now),
      decideMove(sampleCart(), { holdoutBucket: 0 }, sampleRules(), now),
    ];

    // Assess
    expect(moves.map((m) => m.kind)).toEqual(['remind', 'remind', 'remind']);
  });

  it('settles a held-out cart on the reminded course: both reminders passed by, then it gives up', () => {
    // Prepare
    const rules = sampleRules({ holdoutPercent: 10 });
    const history = { holdoutBucket: 3 };

    // Act: reminder 1 due 15:00Z; reminder 2 20 h after it (07:00 EDT, quiet until 12:00Z); give up 72 h after that
    const first = settleCart(sampleCart(), history, rules, at('2026-06-10T15:00Z'));
    const quiet = settleCart(first.cart, history, rules, at('2026-06-11T11:00Z'));
    const second = settleCart(first.cart, history, rules, at('2026-06-11T12:00Z'));
    const waiting = settleCart(second.cart, history, rules, at('2026-06-14T11:59Z'));
    const closed = settleCart(second.cart, history, rules, at('2026-06-14T12:00Z'));

    // Assess
    expect(first.cart.reminders).toMatchObject([{ n: 1, state: 'skipped', reason: 'held_out' }]);
    expect(first.next).toMatchObject({ kind: 'wait', n: 2, until: '2026-06-11T12:00:00.000Z' });
    expect(quiet.next).toMatchObject({ kind: 'wait', why: 'quiet_hours' });
    expect(second.cart.reminders.map((r) => r.reason)).toEqual(['held_out', 'held_out']);
    expect(waiting.cart.status).toBe('open');
    expect(closed.cart.status).toBe('given_up');
    expect(closed.moves.at(-1)?.reasons).toContain(
      'no more reminders: reminder 1 was skipped (held out), reminder 2 was skipped (held out)',
    );
  });

  it("does not skip for the cart's own last reminder, nor once the cap has passed, nor with a cap of 0", () => {
    // Prepare
    const own = { lastReminder: { cartId: 'cart-1001', at: z('2026-06-10T14:30Z') } };
    const old = { lastReminder: { cartId: 'cart-other', at: z('2026-06-07T15:00Z') } };
    const recent = { lastReminder: { cartId: 'cart-other', at: z('2026-06-10T14:59Z') } };

    // Act
    const now = at('2026-06-10T15:00Z');
    const moves = [
      decideMove(sampleCart(), own, sampleRules(), now),
      decideMove(sampleCart(), old, sampleRules(), now),
      decideMove(sampleCart(), recent, sampleRules({ frequencyCapHours: 0 }), now),
    ];

    // Assess: 72 h before 15:00Z June 10 is 15:00Z June 7, exactly the cap.
    expect(moves.map((m) => m.kind)).toEqual(['remind', 'remind', 'remind']);
  });

  it('does not skip with a cap of 0 even for a reminder stamped after now', () => {
    // Prepare: another cart's reminder recorded 1 min ahead of this clock.
    const history = { lastReminder: { cartId: 'cart-other', at: z('2026-06-10T15:01Z') } };

    // Act
    const move = decideMove(
      sampleCart(),
      history,
      sampleRules({ frequencyCapHours: 0 }),
      at('2026-06-10T15:00Z'),
    );

    // Assess
    expect(move.kind).toBe('remind');
  });

  it('waits to give up giveUpAfterHours after the last reminder once all are done', () => {
    // Prepare: one reminder allowed, sent at 15:00Z.
    const cart = sampleCart({ reminders: [sent(1, '2026-06-10T15:00Z')] });
    const rules = sampleRules({ maxReminders: 1 });

    // Act
    const waiting = decideMove(cart, {}, rules, at('2026-06-10T16:00Z'));
    const done = decideMove(cart, {}, rules, at('2026-06-13T15:00Z'));

    // Assess: 15:00Z + 72 h.
    const wait = expectKind(waiting, 'wait');
    expect(wait).toMatchObject({ until: '2026-06-13T15:00:00.000Z', why: 'give_up_later' });
    expect(wait).not.toHaveProperty('n');
    expect(wait.reasons).toContain('all 1 reminder(s) are done (the rules allow 1)');
    expect(expectKind(done, 'give_up').reasons.at(-1)).toBe('72 h have passed since the last reminder');
  });

  it('waits to give up giveUpAfterHours after the last activity when no reminder is allowed', () => {
    // Prepare: no email.
    const cart = sampleCart({ emailKey: undefined, snapshot: { email: undefined } });

    // Act
    const move = decideMove(cart, {}, sampleRules(), at('2026-06-10T15:00Z'));

    // Assess: 14:00Z + 72 h.
    const wait = expectKind(move, 'wait');
    expect(wait).toMatchObject({ until: '2026-06-13T14:00:00.000Z', why: 'give_up_later' });
    expect(wait.reasons).toContain('no reminder will be sent: the cart has no email address to remind');
  });

  it('gives up at the maximum cart age when a reminder would be due after it', () => {
    // Prepare: maximum age 10 h; reminder 1 sent 15:00Z, reminder 2 due 11:00Z June 11, after 00:00Z.
    const cart = sampleCart({ reminders: [sent(1, '2026-06-10T15:00Z')] });

    // Act
    const move = decideMove(cart, {}, sampleRules({ maxCartAgeHours: 10 }), at('2026-06-10T16:00Z'));

    // Assess: the limit is 14:00Z + 10 h = 00:00Z June 11, still allowed; the give-up wake is 1 ms later.
    const wait = expectKind(move, 'wait');
    expect(wait).toMatchObject({ until: '2026-06-11T00:00:00.001Z', why: 'give_up_later' });
    expect(wait.reasons.at(-1)).toBe(
      'that is past the maximum cart age (2026-06-11T00:00:00.000Z); the cart will give up then',
    );
  });

  it('gives every move at least one reason', () => {
    // Prepare: one situation per kind of move.
    const now = at('2026-06-10T15:00Z');
    const moves = [
      decideMove(sampleCart({ status: 'recovered' }), {}, sampleRules(), now),
      decideMove(sampleCart(), { unsubscribedAt: z('2026-06-10T14:00Z') }, sampleRules(), now),
      decideMove(sampleCart(), {}, sampleRules(), at('2026-06-10T14:10Z')),
      decideMove(sampleCart(), {}, sampleRules(), now),
      decideMove(
        sampleCart(),
        { lastReminder: { cartId: 'x', at: z('2026-06-10T14:00Z') } },
        sampleRules(),
        now,
      ),
      decideMove(sampleCart(), {}, sampleRules(), at('2026-06-30T00:00Z')),
    ];

    // Assess
    expect(moves.map((m) => m.kind)).toEqual(['stop', 'stop', 'wait', 'remind', 'skip', 'give_up']);
    for (const move of moves) {
      expect(move.reasons.length).toBeGreaterThan(0);
      for (const reason of move.reasons) expect(reason.trim()).not.toBe('');
    }
  });

  it('decides the same move with the same reasons for the same inputs', () => {
    // Prepare
    const cart = sampleCart({ lastActivityAt: z('2026-06-11T00:30Z') });

    // Act
    const first = decideMove(cart, {}, sampleRules(), at('2026-06-11T00:31Z'));
    const second = decideMove(structuredClone(cart), {}, sampleRules(), at('2026-06-11T00:31Z'));

    // Assess: the same move, reasons included.
    expect(second).toStrictEqual(first);
  });

  it('tells apart two waits that differ only in their time', () => {
    // Prepare: the same cart, active half an hour apart.
    const early = sampleCart({ lastActivityAt: z('2026-06-10T14:00Z') });
    const late = sampleCart({ lastActivityAt: z('2026-06-10T14:30Z') });

    // Act
    const first = decideMove(early, {}, sampleRules(), at('2026-06-10T14:40Z'));
    const second = decideMove(late, {}, sampleRules(), at('2026-06-10T14:40Z'));

    // Assess
    expect(first).toMatchObject({ kind: 'wait', until: '2026-06-10T15:00:00.000Z' });
    expect(second).toMatchObject({ kind: 'wait', until: '2026-06-10T15:30:00.000Z' });
    expect(second).not.toEqual(first);
  });
  it('waits until a due time with seconds, to the millisecond', () => {
    // Prepare: last active 14:00:27.250Z; due 15:00:27.250Z = 11:00:27 EDT, outside quiet hours.
    const cart = sampleCart({ lastActivityAt: z('2026-06-10T14:00:27.250Z') });

    // Act
    const move = decideMove(cart, {}, sampleRules(), at('2026-06-10T14:31Z'));

    // Assess
    expect(move).toStrictEqual({
      kind: 'wait',
      until: '2026-06-10T15:00:27.250Z',
      why: 'not_due',
      n: 1,
      reasons: [
        'tier big: total 178.50 USD is at least 150',
        'last activity at 2026-06-10T14:00:27.250Z',
        'reminder 1 is due 1 h after the last activity, at 2026-06-10T15:00:27.250Z',
      ],
    });
  });

  it('defers a due time with seconds to the whole minute quiet hours end at', () => {
    // Prepare: due 01:30:27.250Z June 11 = 21:30:27 EDT, quiet until 08:00 EDT = 12:00Z.
    const cart = sampleCart({ lastActivityAt: z('2026-06-11T00:30:27.250Z') });

    // Act
    const waiting = decideMove(cart, {}, sampleRules(), at('2026-06-11T00:31Z'));
    const sending = decideMove(cart, {}, sampleRules(), at('2026-06-11T12:00Z'));

    // Assess
    expect(waiting).toStrictEqual({
      kind: 'wait',
      until: '2026-06-11T12:00:00.000Z',
      why: 'not_due',
      n: 1,
      deferredFrom: '2026-06-11T01:30:27.250Z',
      reasons: [
        'tier big: total 178.50 USD is at least 150',
        'last activity at 2026-06-11T00:30:27.250Z',
        'reminder 1 is due 1 h after the last activity, at 2026-06-11T01:30:27.250Z',
        '2026-06-10 21:30 in America/New_York is inside quiet hours (21:00-08:00); it waits until 2026-06-11 08:00 local',
      ],
    });
    expect(sending).toStrictEqual({
      kind: 'remind',
      n: 1,
      dueAt: '2026-06-11T12:00:00.000Z',
      deferredFrom: '2026-06-11T01:30:27.250Z',
      reasons: [
        'tier big: total 178.50 USD is at least 150',
        'last activity at 2026-06-11T00:30:27.250Z',
        'reminder 1 is due 1 h after the last activity, at 2026-06-11T01:30:27.250Z',
        'reminder 1 goes now',
      ],
    });
  });

  it('does not defer a due time 1 ms before quiet hours begin', () => {
    // Prepare: due 00:59:59.999Z June 11 = 20:59:59.999 EDT.
    const cart = sampleCart({ lastActivityAt: z('2026-06-10T23:59:59.999Z') });

    // Act
    const move = decideMove(cart, {}, sampleRules(), at('2026-06-11T00:00Z'));

    // Assess
    expect(move).toStrictEqual({
      kind: 'wait',
      until: '2026-06-11T00:59:59.999Z',
      why: 'not_due',
      n: 1,
      reasons: [
        'tier big: total 178.50 USD is at least 150',
        'last activity at 2026-06-10T23:59:59.999Z',
        'reminder 1 is due 1 h after the last activity, at 2026-06-11T00:59:59.999Z',
      ],
    });
  });

  it("keeps quiet hours in the shopper's zone when it differs from the store's", () => {
    // Prepare: due 19:30Z = 21:30 in Berlin (quiet) but 15:30 in New York (the store's zone).
    const berlin = sampleCart({
      lastActivityAt: z('2026-06-10T18:30Z'),
      snapshot: { timezone: 'Europe/Berlin' },
    });

    // Act
    const move = decideMove(berlin, {}, sampleRules(), at('2026-06-10T18:31Z'));

    // Assess: 08:00 in Berlin (CEST) is 06:00Z.
    expect(move).toStrictEqual({
      kind: 'wait',
      until: '2026-06-11T06:00:00.000Z',
      why: 'not_due',
      n: 1,
      deferredFrom: '2026-06-10T19:30:00.000Z',
      reasons: [
        'tier big: total 178.50 USD is at least 150',
        'last activity at 2026-06-10T18:30:00.000Z',
        'reminder 1 is due 1 h after the last activity, at 2026-06-10T19:30:00.000Z',
        '2026-06-10 21:30 in Europe/Berlin is inside quiet hours (21:00-08:00); it waits until 2026-06-11 08:00 local',
      ],
    });
  });

  it("keeps quiet hours in the store's zone for a shopper without one", () => {
    // Prepare: the same cart without a zone; the store is in New York, where 19:30Z is 15:30.
    const cart = sampleCart({ lastActivityAt: z('2026-06-10T18:30Z'), snapshot: { timezone: undefined } });

    // Act
    const newYork = decideMove(cart, {}, sampleRules(), at('2026-06-10T18:31Z'));
    const berlinStore = decideMove(
      cart,
      {},
      sampleRules({ store: { timezone: 'Europe/Berlin' } }),
      at('2026-06-10T18:31Z'),
    );

    // Assess
    expect(newYork).toMatchObject({ kind: 'wait', until: '2026-06-10T19:30:00.000Z', why: 'not_due' });
    expect(newYork).not.toHaveProperty('deferredFrom');
    expect(berlinStore).toMatchObject({
      until: '2026-06-11T06:00:00.000Z',
      deferredFrom: '2026-06-10T19:30:00.000Z',
    });
  });

  it('gives up at the maximum cart age when quiet hours would defer reminder 1 past it', () => {
    // Prepare: maximum age 2 h: 00:30Z + 2 h = 02:30Z June 11. Reminder 1 is due 01:30Z (21:30 EDT),
    // before the limit, but quiet hours defer it to 12:00Z, after.
    const cart = sampleCart({ lastActivityAt: z('2026-06-11T00:30Z') });

    // Act
    const move = decideMove(cart, {}, sampleRules({ maxCartAgeHours: 2 }), at('2026-06-11T00:31Z'));

    // Assess
    expect(move).toStrictEqual({
      kind: 'wait',
      until: '2026-06-11T02:30:00.001Z',
      why: 'give_up_later',
      reasons: [
        'tier big: total 178.50 USD is at least 150',
        'last activity at 2026-06-11T00:30:00.000Z',
        'reminder 1 is due 1 h after the last activity, at 2026-06-11T01:30:00.000Z',
        '2026-06-10 21:30 in America/New_York is inside quiet hours (21:00-08:00), and by its end the cart is too old; it will give up then',
      ],
    });
  });

  it('waits no later than the maximum cart age when an overdue reminder meets quiet hours', () => {
    // Prepare: as above, now 02:00Z (22:00 EDT): reminder 1 is overdue and it is quiet.
    const cart = sampleCart({ lastActivityAt: z('2026-06-11T00:30Z') });

    // Act
    const move = decideMove(cart, {}, sampleRules({ maxCartAgeHours: 2 }), at('2026-06-11T02:00Z'));

    // Assess: the wake-up 1 ms after the limit finds the cart too old.
    expect(move).toStrictEqual({
      kind: 'wait',
      until: '2026-06-11T02:30:00.001Z',
      why: 'quiet_hours',
      n: 1,
      deferredFrom: '2026-06-11T01:30:00.000Z',
      reasons: [
        'tier big: total 178.50 USD is at least 150',
        'last activity at 2026-06-11T00:30:00.000Z',
        'reminder 1 is due 1 h after the last activity, at 2026-06-11T01:30:00.000Z',
        'now, 2026-06-10 22:00 in America/New_York is inside quiet hours (21:00-08:00), and by its end the cart is too old; it will give up then',
      ],
    });
  });

  it('waits until quiet hours end when they end exactly at the maximum cart age', () => {
    // Prepare: last active 01:00Z, maximum age 11 h: the limit is 12:00Z, 08:00 EDT, the end of quiet
    // hours. Reminder 1 was due 02:00Z; now 03:00Z (23:00 EDT) it is overdue and quiet.
    const cart = sampleCart({ lastActivityAt: z('2026-06-11T01:00Z') });

    // Act
    const move = decideMove(cart, {}, sampleRules({ maxCartAgeHours: 11 }), at('2026-06-11T03:00Z'));

    // Assess: at the limit itself it may still be reminded.
    expect(move).toStrictEqual({
      kind: 'wait',
      until: '2026-06-11T12:00:00.000Z',
      why: 'quiet_hours',
      n: 1,
      deferredFrom: '2026-06-11T02:00:00.000Z',
      reasons: [
        'tier big: total 178.50 USD is at least 150',
        'last activity at 2026-06-11T01:00:00.000Z',
        'reminder 1 is due 1 h after the last activity, at 2026-06-11T02:00:00.000Z',
        'now, 2026-06-10 23:00 in America/New_York is inside quiet hours (21:00-08:00); deferred to 2026-06-11 08:00 local',
      ],
    });
  });

  it('sends a reminder due exactly at the maximum cart age, and gives up 1 ms later', () => {
    // Prepare: maximum age 1 h, the big tier's first wait: due 15:00Z, the limit itself.
    const rules = sampleRules({ maxCartAgeHours: 1 });

    // Act
    const before = decideMove(sampleCart(), {}, rules, at('2026-06-10T14:30Z'));
    const due = decideMove(sampleCart(), {}, rules, at('2026-06-10T15:00Z'));
    const after = decideMove(sampleCart(), {}, rules, at('2026-06-10T15:00:00.001Z'));

    // Assess
    expect(before).toMatchObject({ kind: 'wait', until: '2026-06-10T15:00:00.000Z', why: 'not_due', n: 1 });
    expect(expectKind(due, 'remind')).toMatchObject({ n: 1, dueAt: '2026-06-10T15:00:00.000Z' });
    expect(after).toStrictEqual({
      kind: 'give_up',
      reasons: [
        'tier big: total 178.50 USD is at least 150',
        'last activity at 2026-06-10T14:00:00.000Z',
        'the cart is older than 1 h (maximum cart age)',
      ],
    });
  });

  it('writes hours that are not whole with two decimals', () => {
    // Prepare: maximum age 1.5 h.
    const rules = sampleRules({ maxCartAgeHours: 1.5 });

    // Act
    const move = decideMove(sampleCart(), {}, rules, at('2026-06-10T15:30:00.001Z'));

    // Assess
    expect(expectKind(move, 'give_up').reasons.at(-1)).toBe(
      'the cart is older than 1.50 h (maximum cart age)',
    );
  });

  it('waits to give up after reminder 1 under first_only without consent', () => {
    // Prepare
    const cart = sampleCart({
      snapshot: { marketingConsent: undefined },
      reminders: [sent(1, '2026-06-10T15:00Z')],
    });

    // Act
    const move = decideMove(cart, {}, sampleRules({ consent: 'first_only' }), at('2026-06-10T16:00Z'));

    // Assess: 15:00Z + 72 h.
    expect(move).toStrictEqual({
      kind: 'wait',
      until: '2026-06-13T15:00:00.000Z',
      why: 'give_up_later',
      reasons: [
        'tier big: total 178.50 USD is at least 150',
        'last activity at 2026-06-10T14:00:00.000Z',
        'all 1 reminder(s) are done (without marketing consent the rules allow only the first reminder)',
        'the cart gives up at 2026-06-13T15:00:00.000Z unless it changes',
      ],
    });
  });

  it('sends no reminder under maxReminders 0 and gives up giveUpAfterHours after the last activity', () => {
    // Prepare
    const rules = sampleRules({ maxReminders: 0 });

    // Act
    const waiting = decideMove(sampleCart(), {}, rules, at('2026-06-10T16:00Z'));
    const done = decideMove(sampleCart(), {}, rules, at('2026-06-13T14:00Z'));

    // Assess: 14:00Z + 72 h.
    expect(waiting).toStrictEqual({
      kind: 'wait',
      until: '2026-06-13T14:00:00.000Z',
      why: 'give_up_later',
      reasons: [
        'tier big: total 178.50 USD is at least 150',
        'last activity at 2026-06-10T14:00:00.000Z',
        'no reminder will be sent: the rules allow 0',
        'the cart gives up at 2026-06-13T14:00:00.000Z unless it changes',
      ],
    });
    expect(done).toStrictEqual({
      kind: 'give_up',
      reasons: [
        'tier big: total 178.50 USD is at least 150',
        'last activity at 2026-06-10T14:00:00.000Z',
        'no reminder will be sent: the rules allow 0',
        '72 h have passed since the last activity',
      ],
    });
  });

  it('waits to give up giveUpAfterHours after reminder 2, then gives up', () => {
    // Prepare: both reminders sent, the second at 12:00Z June 11.
    const cart = sampleCart({ reminders: [sent(1, '2026-06-10T15:00Z'), sent(2, '2026-06-11T12:00Z')] });

    // Act
    const waiting = decideMove(cart, {}, sampleRules(), at('2026-06-14T11:59:59.999Z'));
    const done = decideMove(cart, {}, sampleRules(), at('2026-06-14T12:00Z'));

    // Assess: 12:00Z June 11 + 72 h.
    expect(waiting).toStrictEqual({
      kind: 'wait',
      until: '2026-06-14T12:00:00.000Z',
      why: 'give_up_later',
      reasons: [
        'tier big: total 178.50 USD is at least 150',
        'last activity at 2026-06-10T14:00:00.000Z',
        'all 2 reminder(s) are done',
        'the cart gives up at 2026-06-14T12:00:00.000Z unless it changes',
      ],
    });
    expect(done).toStrictEqual({
      kind: 'give_up',
      reasons: [
        'tier big: total 178.50 USD is at least 150',
        'last activity at 2026-06-10T14:00:00.000Z',
        'all 2 reminder(s) are done',
        '72 h have passed since the last reminder',
      ],
    });
  });

  it('gives up at the maximum cart age when it comes before giveUpAfterHours after the last reminder', () => {
    // Prepare: the limit is 14:00Z June 10 + 30 h = 20:00Z June 11; reminder 2 at 12:00Z June 11.
    const cart = sampleCart({ reminders: [sent(1, '2026-06-10T15:00Z'), sent(2, '2026-06-11T12:00Z')] });
    const rules = sampleRules({ maxCartAgeHours: 30 });

    // Act
    const move = decideMove(cart, {}, rules, at('2026-06-11T13:00Z'));

    // Assess
    expect(move).toMatchObject({ kind: 'wait', until: '2026-06-11T20:00:00.001Z', why: 'give_up_later' });
    expect(move.reasons.at(-1)).toBe('the cart gives up at 2026-06-11T20:00:00.001Z unless it changes');
  });

  it('counts reminder 2 from reminder 1 when reminder 1 came after the last activity', () => {
    // Prepare: the last activity at 14:00Z, reminder 1 sent late at 16:30Z.
    const cart = sampleCart({ reminders: [sent(1, '2026-06-10T16:30Z')] });

    // Act
    const move = decideMove(cart, {}, sampleRules(), at('2026-06-10T17:00Z'));

    // Assess: 16:30Z + 20 h = 12:30Z June 11 = 08:30 EDT.
    expect(move).toStrictEqual({
      kind: 'wait',
      until: '2026-06-11T12:30:00.000Z',
      why: 'not_due',
      n: 2,
      reasons: [
        'tier big: total 178.50 USD is at least 150',
        'last activity at 2026-06-10T14:00:00.000Z',
        'reminder 2 is due 20 h after reminder 1, at 2026-06-11T12:30:00.000Z',
      ],
    });
  });

  it('skips with the due time moved past quiet hours', () => {
    // Prepare: due 01:30Z June 11 (21:30 EDT); now 12:00Z, within the cap of another cart's reminder.
    const cart = sampleCart({ lastActivityAt: z('2026-06-11T00:30Z') });
    const history = { lastReminder: { cartId: 'cart-other', at: z('2026-06-10T13:00Z') } };

    // Act
    const move = decideMove(cart, history, sampleRules(), at('2026-06-11T12:00Z'));

    // Assess
    expect(move).toStrictEqual({
      kind: 'skip',
      n: 1,
      dueAt: '2026-06-11T12:00:00.000Z',
      reason: 'frequency_cap',
      reasons: [
        'tier big: total 178.50 USD is at least 150',
        'last activity at 2026-06-11T00:30:00.000Z',
        'reminder 1 is due 1 h after the last activity, at 2026-06-11T01:30:00.000Z',
        'this email got a reminder for another cart at 2026-06-10T13:00:00.000Z, within the 72 h frequency cap',
      ],
    });
  });
});

describe('decideMove, the move object', () => {
  it('is plain data: a spread or a structured clone equals it, and JSON keeps every field', () => {
    // Prepare: reminder 1 of the sample cart is due at 15:00Z: at 14:30Z it waits, at 15:00Z it goes.
    const cart = sampleCart();

    // Act
    const wait = decideMove(cart, {}, sampleRules(), at('2026-06-10T14:30Z'));
    const remind = decideMove(cart, {}, sampleRules(), at('2026-06-10T15:00Z'));

    // Assess
    for (const move of [wait, remind]) {
      expect({ ...move }).toStrictEqual(move);
      expect(structuredClone(move)).toStrictEqual(move);
      expect(JSON.parse(JSON.stringify(move))).toStrictEqual(move);
    }
    expect(remind.reasons.at(-1)).toBe('reminder 1 goes now');
    expect(Object.keys(wait)).toEqual(['kind', 'until', 'why', 'n', 'reasons']);
    expect(Object.keys(remind)).toEqual(['kind', 'n', 'dueAt', 'reasons']);
  });
});

describe('reminderLimit', () => {
  it('allows the rules maximum with consent, or under consent any', () => {
    // Act / Assess
    expect(reminderLimit(sampleCart(), sampleRules())).toEqual({ limit: 2 });
    expect(reminderLimit(sampleCart({ snapshot: { marketingConsent: false } }), sampleRules())).toEqual({
      limit: 2,
    });
  });

  it('allows one reminder without consent under first_only, and none under required', () => {
    // Prepare
    const noConsent = sampleCart({ snapshot: { marketingConsent: undefined } });

    // Act / Assess
    expect(reminderLimit(noConsent, sampleRules({ consent: 'first_only' })).limit).toBe(1);
    expect(reminderLimit(noConsent, sampleRules({ consent: 'required' })).limit).toBe(0);
    expect(reminderLimit(sampleCart(), sampleRules({ consent: 'required' })).limit).toBe(2);
  });

  it('follows maxReminders 0 and 1', () => {
    // Act / Assess
    expect(reminderLimit(sampleCart(), sampleRules({ maxReminders: 0 }))).toEqual({
      limit: 0,
      why: 'the rules allow 0',
    });
    expect(reminderLimit(sampleCart(), sampleRules({ maxReminders: 1 }))).toEqual({
      limit: 1,
      why: 'the rules allow 1',
    });
  });

  it('allows none to a cart without an email or without items', () => {
    // Act / Assess
    expect(reminderLimit(sampleCart({ emailKey: undefined }), sampleRules()).limit).toBe(0);
    expect(reminderLimit(sampleCart({ snapshot: { items: [] } }), sampleRules())).toEqual({
      limit: 0,
      why: 'the cart is empty',
    });
  });

  it('says why in words for each limit below the maximum', () => {
    // Prepare
    const noConsent = sampleCart({ snapshot: { marketingConsent: false } });

    // Act / Assess
    expect(reminderLimit(sampleCart({ emailKey: undefined }), sampleRules())).toEqual({
      limit: 0,
      why: 'the cart has no email address to remind',
    });
    expect(reminderLimit(sampleCart({ snapshot: null }), sampleRules())).toEqual({
      limit: 0,
      why: 'the cart is empty',
    });
    expect(reminderLimit(noConsent, sampleRules({ consent: 'required' }))).toEqual({
      limit: 0,
      why: 'the rules require marketing consent and the shopper has not given it',
    });
    expect(reminderLimit(noConsent, sampleRules({ consent: 'first_only' }))).toEqual({
      limit: 1,
      why: 'without marketing consent the rules allow only the first reminder',
    });
  });

  it('allows both reminders under first_only with consent', () => {
    // Act / Assess
    expect(reminderLimit(sampleCart(), sampleRules({ consent: 'first_only' }))).toStrictEqual({ limit: 2 });
  });

  it('follows maxReminders below 2 under first_only without consent', () => {
    // Prepare
    const noConsent = sampleCart({ snapshot: { marketingConsent: undefined } });

    // Act / Assess
    expect(reminderLimit(noConsent, sampleRules({ consent: 'first_only', maxReminders: 1 }))).toEqual({
      limit: 1,
      why: 'the rules allow 1',
    });
    expect(reminderLimit(noConsent, sampleRules({ consent: 'first_only', maxReminders: 0 }))).toEqual({
      limit: 0,
      why: 'the rules allow 0',
    });
  });
});

describe('abandonedAt', () => {
  it('is firstWaitHours of the tier after the last activity while no reminder has come due', () => {
    // Act / Assess: tier big waits 1 h after 14:00Z.
    expect(abandonedAt(sampleCart(), sampleRules())).toBe(Date.parse('2026-06-10T15:00Z'));
  });

  it("is the first reminder's due time once it has one, whatever the rules say now", () => {
    // Prepare: the rules' first wait is now 4 h; the record says 15:30Z.
    const rules = sampleRules({
      tiers: [{ name: 'all', minTotal: 0, firstWaitHours: 4, secondWaitHours: 24 }],
    });
    const cart = sampleCart({ reminders: [sent(1, '2026-06-10T15:30Z')] });

    // Act / Assess
    expect(abandonedAt(cart, rules)).toBe(Date.parse('2026-06-10T15:30Z'));
  });

  it('is when the first reminder was due before quiet hours moved it', () => {
    // Prepare
    const cart = sampleCart({
      reminders: [{ ...sent(1, '2026-06-11T12:00Z'), deferredFrom: z('2026-06-11T02:00Z') }],
    });

    // Act / Assess
    expect(abandonedAt(cart, sampleRules())).toBe(Date.parse('2026-06-11T02:00Z'));
  });

  it('is undefined for a cart without contents or without a last activity', () => {
    expect(abandonedAt(sampleCart({ snapshot: null }), sampleRules())).toBeUndefined();
    expect(abandonedAt(sampleCart({ lastActivityAt: undefined }), sampleRules())).toBeUndefined();
  });
});

describe('isAbandoned', () => {
  // The sample cart's first reminder comes due at 15:00Z (14:00Z + 1 h).
  const due = Date.parse('2026-06-10T15:00Z');

  it('counts an open cart from the instant its first reminder comes due, not before', () => {
    expect(isAbandoned(sampleCart(), sampleRules(), due - 1)).toBe(false);
    expect(isAbandoned(sampleCart(), sampleRules(), due)).toBe(true);
  });

  it('counts a cart with a reminder record, whatever its state', () => {
    // Prepare: closed before the record's due time, and asked about before it.
    const cart = sampleCart({
      reminders: [sent(1, '2026-06-10T15:00Z')],
      status: 'purchased',
      closedAt: z('2026-06-10T14:30Z'),
    });

    // Act / Assess
    expect(isAbandoned(cart, sampleRules(), due - 1)).toBe(true);
  });

  it('counts a cart closed at or after its first reminder came due, not one closed before', () => {
    const closed = (closedAt: string) => sampleCart({ status: 'purchased', closedAt: z(closedAt) });
    expect(isAbandoned(closed('2026-06-10T15:00Z'), sampleRules(), due + 1)).toBe(true);
    expect(isAbandoned(closed('2026-06-10T16:00Z'), sampleRules(), due + 1)).toBe(true);
    expect(isAbandoned(closed('2026-06-10T14:59:59.999Z'), sampleRules(), due + 1)).toBe(false);
  });

  it('never counts a cart without contents', () => {
    expect(isAbandoned(sampleCart({ snapshot: null }), sampleRules(), due + 1)).toBe(false);
  });
});

describe('reminderTime', () => {
  it('is when a reminder was sent, or when it was due if it was skipped', () => {
    // Prepare
    const sentRecord = {
      n: 1,
      state: 'sent',
      dueAt: z('2026-06-10T15:00Z'),
      at: z('2026-06-10T15:05Z'),
    } as const;
    const skippedRecord = { ...sentRecord, state: 'skipped', reason: 'frequency_cap' } as const;

    // Act / Assess
    expect(reminderTime(sentRecord)).toBe(Date.parse('2026-06-10T15:05Z'));
    expect(reminderTime(skippedRecord)).toBe(Date.parse('2026-06-10T15:00Z'));
  });
});

describe('settleCart', () => {
  it('records a skipped reminder and moves on to wait for the next', () => {
    // Prepare
    const history = { lastReminder: { cartId: 'cart-other', at: z('2026-06-10T14:30Z') } };

    // Act
    const settled = settleCart(sampleCart(), history, sampleRules(), at('2026-06-10T15:00Z'), 'v7');

    // Assess: reminder 2 due 15:00Z + 20 h = 11:00Z June 11 (07:00 EDT), deferred to 12:00Z.
    expect(settled.moves.map((m) => m.kind)).toEqual(['skip', 'wait']);
    expect(settled.cart.reminders).toEqual([
      {
        n: 1,
        state: 'skipped',
        dueAt: '2026-06-10T15:00:00.000Z',
        at: '2026-06-10T15:00:00.000Z',
        reason: 'frequency_cap',
        rulesVersion: 'v7',
      },
    ]);
    expect(settled.cart.version).toBe(2);
    expect(settled.next).toMatchObject({ kind: 'wait', n: 2, until: '2026-06-11T12:00:00.000Z' });
  });

  it('closes the cart as given_up when it gives up', () => {
    // Act: 1 ms past the maximum age (14:00Z June 10 + 168 h = 14:00Z June 17).
    const settled = settleCart(sampleCart(), {}, sampleRules(), at('2026-06-17T14:00:00.001Z'));

    // Assess
    expect(settled.cart).toMatchObject({ status: 'given_up', closedAt: '2026-06-17T14:00:00.001Z' });
    expect(settled.next.kind).toBe('closed');
  });

  it('closes the cart with the status of a stop', () => {
    // Act
    const settled = settleCart(
      sampleCart(),
      { unsubscribedAt: z('2026-06-10T14:10Z') },
      sampleRules(),
      at('2026-06-10T14:20Z'),
    );

    // Assess
    expect(settled.cart.status).toBe('unsubscribed');
    expect(settled.next.kind).toBe('closed');
  });

  it('closes the cart by the purchase of another of its carts, crediting a reminder sent before it', () => {
    // Prepare: reminder 1 went at 15:00Z; the shopper bought through another cart at 16:00Z.
    const cart = sampleCart({ reminders: [sent(1, '2026-06-10T15:00Z')] });
    const history = { lastCheckoutAt: z('2026-06-10T16:00Z') };

    // Act
    const settled = settleCart(cart, history, sampleRules(), at('2026-06-10T16:05Z'));

    // Assess
    expect(settled.cart).toEqual({
      ...cart,
      status: 'recovered',
      attribution: 'recovered',
      closedAt: '2026-06-10T16:05:00.000Z',
      closedWhy:
        "the shopper checked out at 2026-06-10T16:00:00.000Z, after this cart's last activity at 2026-06-10T14:00:00.000Z",
      version: cart.version + 1,
    });
    expect(settled.next.kind).toBe('closed');
  });

  it('returns the cart unchanged when a reminder is to be sent', () => {
    // Prepare
    const cart = sampleCart();

    // Act
    const settled = settleCart(cart, {}, sampleRules(), at('2026-06-10T15:00Z'));

    // Assess
    expect(settled.cart).toBe(cart);
    expect(settled.next).toMatchObject({ kind: 'remind', n: 1 });
  });

  it('records a skipped reminder without a rules version when none is given', () => {
    // Prepare
    const history = { lastReminder: { cartId: 'cart-other', at: z('2026-06-10T14:30Z') } };

    // Act
    const settled = settleCart(sampleCart(), history, sampleRules(), at('2026-06-10T15:00Z'));

    // Assess
    expect(settled.cart.reminders).toStrictEqual([
      {
        n: 1,
        state: 'skipped',
        dueAt: '2026-06-10T15:00:00.000Z',
        at: '2026-06-10T15:00:00.000Z',
        reason: 'frequency_cap',
      },
    ]);
  });

  it('gives up with the reason of the move as closedWhy', () => {
    // Prepare: both reminders sent, the second at 12:00Z June 11.
    const cart = sampleCart({ reminders: [sent(1, '2026-06-10T15:00Z'), sent(2, '2026-06-11T12:00Z')] });

    // Act
    const settled = settleCart(cart, {}, sampleRules(), at('2026-06-14T12:00Z'));

    // Assess
    expect(settled.cart).toStrictEqual({
      ...cart,
      status: 'given_up',
      closedAt: '2026-06-14T12:00:00.000Z',
      closedWhy: '72 h have passed since the last reminder',
      wake: undefined,
      version: 2,
    });
    expect(settled.moves).toHaveLength(1);
    expect(settled.next).toStrictEqual({ kind: 'closed', reasons: settled.moves[0]?.reasons });
  });

  it('closes with the reason of a stop as closedWhy', () => {
    // Act
    const settled = settleCart(
      sampleCart(),
      { unsubscribedAt: z('2026-06-10T14:10Z') },
      sampleRules(),
      at('2026-06-10T14:20Z'),
    );

    // Assess
    expect(settled.cart).toMatchObject({
      status: 'unsubscribed',
      closedAt: '2026-06-10T14:20:00.000Z',
      closedWhy: "the shopper's email unsubscribed at 2026-06-10T14:10:00.000Z",
      version: 2,
    });
    expect(settled.next).toStrictEqual({
      kind: 'closed',
      reasons: ["the shopper's email unsubscribed at 2026-06-10T14:10:00.000Z"],
    });
  });

  it('leaves a closed cart as it is', () => {
    // Prepare
    const cart = sampleCart({
      status: 'purchased',
      closedAt: z('2026-06-10T16:00Z'),
      closedWhy: 'checked out',
    });

    // Act
    const settled = settleCart(cart, {}, sampleRules(), at('2026-06-14T12:00Z'));

    // Assess
    expect(settled.cart).toBe(cart);
    expect(settled.moves).toStrictEqual([
      { kind: 'stop', status: 'already_closed', reasons: ['the cart is already closed (purchased)'] },
    ]);
    expect(settled.next).toStrictEqual({
      kind: 'closed',
      reasons: ['the cart is already closed (purchased)'],
    });
  });

  it('skips both reminders within the frequency cap and waits to give up', () => {
    // Prepare: another cart of the email got a reminder at 14:30Z; the cap is 72 h.
    const history = { lastReminder: { cartId: 'cart-other', at: z('2026-06-10T14:30Z') } };

    // Act: 12:00Z June 11, when reminder 2 (due 11:00Z, deferred to 12:00Z) has come too.
    const settled = settleCart(sampleCart(), history, sampleRules(), at('2026-06-11T12:00Z'));

    // Assess: given up 72 h after the skipped reminder 2 was due (12:00Z June 11).
    expect(settled.moves.map((m) => m.kind)).toEqual(['skip', 'skip', 'wait']);
    expect(settled.cart.reminders.map((r) => [r.n, r.state, r.dueAt])).toEqual([
      [1, 'skipped', '2026-06-10T15:00:00.000Z'],
      [2, 'skipped', '2026-06-11T12:00:00.000Z'],
    ]);
    expect(settled.cart.version).toBe(3);
    expect(settled.next).toMatchObject({
      kind: 'wait',
      why: 'give_up_later',
      until: '2026-06-14T12:00:00.000Z',
    });
    // The words say what happened: nothing went out.
    expect(settled.next.reasons).toContain(
      'no more reminders: reminder 1 was skipped (frequency cap), reminder 2 was skipped (frequency cap)',
    );
  });

  it('says which reminder went out and which was skipped', () => {
    // Prepare: reminder 1 went out at 15:00Z; another cart's reminder at 16:00Z caps reminder 2.
    const cart = sampleCart({
      reminders: [{ n: 1, state: 'sent', dueAt: z('2026-06-10T15:00Z'), at: z('2026-06-10T15:00Z') }],
    });
    const history = { lastReminder: { cartId: 'cart-other', at: z('2026-06-11T10:00Z') } };

    // Act
    const settled = settleCart(cart, history, sampleRules(), at('2026-06-11T12:00Z'));

    // Assess
    expect(settled.next.reasons).toContain(
      'no more reminders: reminder 1 went out, reminder 2 was skipped (frequency cap)',
    );
  });
});
