import { describe, expect, it } from 'vitest';
import {
  applyCartEvent,
  applyNewerSnapshot,
  attributePurchase,
  type Cart,
  canApplyNewerSnapshot,
  changeCart,
  changeRecord,
  closeByPurchase,
  closeCart,
  isNewerActivity,
  MAX_RECENT_EVENT_IDS,
  NEWER_SNAPSHOT_CHECKS,
  type NewerSnapshot,
  purchaseStatus,
  type ReminderRecord,
  recordClick,
} from '#engine/domain/cart.js';
import type { CartEvent, CartSnapshot } from '#engine/domain/cart-event.js';
import { sampleCart } from '#test/fakes/sample-cart.js';

// The sample cart: open, last active at 14:00Z June 10 through event evt-1, shopper@example.com.

const RECEIVED = '2026-06-10T18:00:00.000Z';
const z = (iso: string) => new Date(iso).toISOString();

/** The sample snapshot with `changes`. */
function snapshot(changes: Partial<CartSnapshot> = {}): CartSnapshot {
  const base = sampleCart().snapshot;
  if (!base) throw new Error('the sample cart has a snapshot');
  return { ...base, ...changes };
}

function updated(id: string, occurredAt: string, changes: Partial<CartSnapshot> = {}): CartEvent {
  return { id, occurredAt: z(occurredAt), type: 'cart.updated', cart: snapshot(changes) };
}

function checkedOut(id: string, occurredAt: string, email?: string): CartEvent {
  return { id, occurredAt: z(occurredAt), type: 'cart.checked_out', cart: { id: 'cart-1001', email } };
}

function sent(when: string): ReminderRecord {
  return { n: 1, state: 'sent', dueAt: z(when), at: z(when) };
}

/** Ids evt-from … evt-to, zero-padded so that they sort as they count. */
function ids(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => `evt-${String(from + i).padStart(2, '0')}`);
}

describe('applyCartEvent', () => {
  it('creates an open cart from its first update', () => {
    // Act
    const { cart, outcome } = applyCartEvent(
      undefined,
      updated('evt-1', '2026-06-10T14:00Z', { email: '  Shopper@Example.COM ' }),
      RECEIVED,
    );

    // Assess
    expect(outcome).toBe('created');
    expect(cart).toStrictEqual({
      id: 'cart-1001',
      emailKey: 'shopper@example.com',
      snapshot: snapshot({ email: '  Shopper@Example.COM ' }),
      firstSeenAt: RECEIVED,
      lastActivityAt: '2026-06-10T14:00:00.000Z',
      lastEventId: 'evt-1',
      status: 'open',
      reminders: [],
      recentEventIds: ['evt-1'],
      version: 1,
    });
  });

  it('creates a cart without an email key from an update without an email', () => {
    // Act
    const { cart } = applyCartEvent(
      undefined,
      updated('evt-1', '2026-06-10T14:00Z', { email: undefined }),
      RECEIVED,
    );

    // Assess
    expect(Object.keys(cart)).not.toContain('emailKey');
  });

  it('creates a purchased cart from a checkout of a cart it has not seen', () => {
    // Act
    const { cart, outcome } = applyCartEvent(
      undefined,
      checkedOut('evt-9', '2026-06-10T17:00Z', ' Shopper@Example.com'),
      RECEIVED,
    );

    // Assess
    expect(outcome).toBe('checked_out');
    expect(cart).toStrictEqual({
      id: 'cart-1001',
      emailKey: 'shopper@example.com',
      firstSeenAt: RECEIVED,
      checkedOutAt: '2026-06-10T17:00:00.000Z',
      status: 'purchased',
      closedAt: RECEIVED,
      closedWhy: 'checked out',
      reminders: [],
      attribution: 'not_recovered',
      recentEventIds: ['evt-9'],
      version: 1,
    });
  });

  it('creates a checked-out cart without an email key from a checkout without an email', () => {
    // Act
    const { cart } = applyCartEvent(undefined, checkedOut('evt-9', '2026-06-10T17:00Z'), RECEIVED);

    // Assess
    expect(Object.keys(cart)).not.toContain('emailKey');
  });

  it('replaces the snapshot with a newer update and remembers its event', () => {
    // Prepare
    const cart = sampleCart({ lastEventId: 'evt-1', version: 4 });

    // Act
    const applied = applyCartEvent(
      cart,
      updated('evt-2', '2026-06-10T15:00Z', { total: '12.00', email: 'New@Example.com ' }),
      RECEIVED,
    );

    // Assess
    expect(applied).toStrictEqual({
      outcome: 'updated',
      cart: {
        ...cart,
        emailKey: 'new@example.com',
        snapshot: snapshot({ total: '12.00', email: 'New@Example.com ' }),
        lastActivityAt: '2026-06-10T15:00:00.000Z',
        lastEventId: 'evt-2',
        recentEventIds: ['evt-1', 'evt-2'],
        version: 5,
      },
    });
  });

  it('carries each sticky field over from the last snapshot when an update leaves it out', () => {
    // Prepare
    const cart = sampleCart({
      snapshot: {
        email: 'a@example.com',
        timezone: 'Europe/Berlin',
        locale: 'de-DE',
        marketingConsent: false,
      },
      emailKey: 'a@example.com',
    });
    const leftOut = { email: undefined, timezone: undefined, locale: undefined, marketingConsent: undefined };

    // Act
    const { cart: next, outcome } = applyCartEvent(
      cart,
      updated('evt-2', '2026-06-10T15:00Z', { ...leftOut, total: '99.00' }),
      RECEIVED,
    );

    // Assess
    expect(outcome).toBe('updated');
    expect(next.snapshot).toStrictEqual(
      snapshot({
        email: 'a@example.com',
        timezone: 'Europe/Berlin',
        locale: 'de-DE',
        marketingConsent: false,
        total: '99.00',
      }),
    );
    expect(next.emailKey).toBe('a@example.com');
  });

  it('takes the sticky fields an update gives over those of the last snapshot', () => {
    // Prepare
    const given = {
      email: 'b@example.com',
      timezone: 'Asia/Tokyo',
      locale: 'ja-JP',
      marketingConsent: false,
    };

    // Act
    const { cart } = applyCartEvent(sampleCart(), updated('evt-2', '2026-06-10T15:00Z', given), RECEIVED);

    // Assess
    expect(cart.snapshot).toStrictEqual(snapshot(given));
    expect(cart.emailKey).toBe('b@example.com');
  });

  it('leaves out a sticky field that neither snapshot has', () => {
    // Prepare: snapshots as the fast reader builds them, without the keys they do not give.
    const { locale: _l, ...withoutLocale } = snapshot();
    const cart = sampleCart({ snapshot: null });
    cart.snapshot = withoutLocale as CartSnapshot;
    const event: CartEvent = {
      id: 'evt-2',
      occurredAt: z('2026-06-10T15:00Z'),
      type: 'cart.updated',
      cart: withoutLocale as CartSnapshot,
    };

    // Act
    const { cart: next } = applyCartEvent(cart, event, RECEIVED);

    // Assess
    expect(next.snapshot).toStrictEqual(withoutLocale);
    expect(Object.keys(next.snapshot ?? {})).not.toContain('locale');
  });

  it('takes the snapshot of an update as it is for an open cart without one', () => {
    // Prepare
    const cart = sampleCart({ snapshot: null });

    // Act
    const { cart: next, outcome } = applyCartEvent(
      cart,
      updated('evt-2', '2026-06-10T15:00Z', { locale: undefined }),
      RECEIVED,
    );

    // Assess
    expect(outcome).toBe('updated');
    expect(next.snapshot).toStrictEqual(snapshot({ locale: undefined }));
  });

  it('keeps the email key when the snapshot has no email at all', () => {
    // Prepare
    const cart = sampleCart({ snapshot: { email: undefined }, emailKey: 'kept@example.com' });

    // Act
    const { cart: next } = applyCartEvent(
      cart,
      updated('evt-2', '2026-06-10T15:00Z', { email: undefined }),
      RECEIVED,
    );

    // Assess
    expect(next.emailKey).toBe('kept@example.com');
  });

  it('only remembers an update older than the last activity', () => {
    // Prepare
    const cart = sampleCart({ lastEventId: 'evt-1', version: 3 });

    // Act
    const applied = applyCartEvent(cart, updated('evt-0', '2026-06-10T13:59Z', { total: '1.00' }), RECEIVED);

    // Assess
    expect(applied).toStrictEqual({
      outcome: 'stale',
      cart: { ...cart, recentEventIds: ['evt-1', 'evt-0'], version: 4 },
    });
  });

  it('orders two updates of the same instant by event id', () => {
    // Prepare: the cart holds evt-5 of 14:00Z.
    const cart = sampleCart({ lastEventId: 'evt-5', recentEventIds: ['evt-5'] });

    // Act
    const greater = applyCartEvent(cart, updated('evt-6', '2026-06-10T14:00Z', { total: '2.00' }), RECEIVED);
    const smaller = applyCartEvent(cart, updated('evt-4', '2026-06-10T14:00Z', { total: '2.00' }), RECEIVED);

    // Assess
    expect(greater.outcome).toBe('updated');
    expect(greater.cart).toMatchObject({ lastEventId: 'evt-6', snapshot: { total: '2.00' } });
    expect(smaller.outcome).toBe('stale');
    expect(smaller.cart.snapshot).toStrictEqual(cart.snapshot);
    expect(smaller.cart.lastEventId).toBe('evt-5');
  });

  it('ends with the same snapshot whichever of two same-instant updates arrives first', () => {
    // Prepare
    const a = updated('evt-a', '2026-06-10T15:00Z', { total: '1.00' });
    const b = updated('evt-b', '2026-06-10T15:00Z', { total: '2.00' });

    // Act
    const ab = applyCartEvent(applyCartEvent(sampleCart(), a, RECEIVED).cart, b, RECEIVED).cart;
    const ba = applyCartEvent(applyCartEvent(sampleCart(), b, RECEIVED).cart, a, RECEIVED).cart;

    // Assess
    expect(ab.snapshot?.total).toBe('2.00');
    expect(ba.snapshot).toStrictEqual(ab.snapshot);
    expect(ba.lastEventId).toBe('evt-b');
    expect(ab.lastEventId).toBe('evt-b');
  });

  it('applies a same-instant update to a cart stored before event ids were kept', () => {
    // Prepare: no lastEventId; 'A' sorts before most strings.
    const cart = sampleCart();

    // Act
    const { outcome } = applyCartEvent(cart, updated('A', '2026-06-10T14:00Z'), RECEIVED);

    // Assess
    expect(outcome).toBe('updated');
  });

  it('returns the cart unchanged for an event it has seen', () => {
    // Prepare
    const open = sampleCart({ recentEventIds: ['evt-1', 'evt-2'] });
    const closed = sampleCart({ status: 'purchased', recentEventIds: ['evt-1', 'evt-2'] });

    // Act
    const update = applyCartEvent(open, updated('evt-2', '2026-06-10T16:00Z'), RECEIVED);
    const checkout = applyCartEvent(open, checkedOut('evt-1', '2026-06-10T16:00Z'), RECEIVED);
    const afterClose = applyCartEvent(closed, checkedOut('evt-2', '2026-06-10T16:00Z'), RECEIVED);

    // Assess
    expect(update).toEqual({ cart: open, outcome: 'duplicate' });
    expect(update.cart).toBe(open);
    expect(checkout.outcome).toBe('duplicate');
    expect(checkout.cart).toBe(open);
    expect(afterClose.outcome).toBe('duplicate');
    expect(afterClose.cart).toBe(closed);
  });

  it('keeps the newest 16 event ids, so the 17th oldest counts as new again', () => {
    // Prepare: evt-01 … evt-16 seen, the last activity at 14:00Z.
    const cart = sampleCart({ recentEventIds: ids(1, 16) });

    // Act
    const { cart: next } = applyCartEvent(cart, updated('evt-17', '2026-06-10T13:00Z'), RECEIVED);
    const again = applyCartEvent(next, updated('evt-01', '2026-06-10T13:00Z'), RECEIVED);
    const repeat = applyCartEvent(next, updated('evt-02', '2026-06-10T13:00Z'), RECEIVED);

    // Assess
    expect(next.recentEventIds).toEqual(ids(2, 17));
    expect(again.outcome).toBe('stale');
    expect(repeat.outcome).toBe('duplicate');
  });

  it('keeps every id of a short list', () => {
    // Prepare
    const cart = sampleCart({ recentEventIds: ids(1, 3) });

    // Act
    const { cart: next } = applyCartEvent(cart, updated('evt-04', '2026-06-10T13:00Z'), RECEIVED);

    // Assess
    expect(next.recentEventIds).toEqual(ids(1, 4));
  });

  it('trims a list the one-write path grew to 32 ids down to the newest 16', () => {
    // Prepare
    const cart = sampleCart({ recentEventIds: ids(1, MAX_RECENT_EVENT_IDS) });

    // Act
    const update = applyCartEvent(cart, updated('evt-33', '2026-06-10T15:00Z'), RECEIVED).cart;
    const checkout = applyCartEvent(cart, checkedOut('evt-33', '2026-06-10T15:00Z'), RECEIVED).cart;

    // Assess
    expect(update.recentEventIds).toEqual(ids(18, 33));
    expect(checkout.recentEventIds).toEqual(ids(18, 33));
  });

  it('only remembers an update of a closed cart', () => {
    // Prepare
    const cart = sampleCart({ status: 'given_up', closedAt: z('2026-06-12T00:00Z'), version: 6 });

    // Act
    const applied = applyCartEvent(cart, updated('evt-2', '2026-06-12T01:00Z', { total: '3.00' }), RECEIVED);

    // Assess
    expect(applied).toStrictEqual({
      outcome: 'ignored_closed',
      cart: { ...cart, recentEventIds: ['evt-1', 'evt-2'], version: 7 },
    });
  });

  it('closes an open cart at its checkout as purchased, clearing its wake-up', () => {
    // Prepare
    const cart = sampleCart({ wake: { at: z('2026-06-10T15:00Z'), seq: 3 }, version: 2 });

    // Act
    const applied = applyCartEvent(
      cart,
      checkedOut('evt-2', '2026-06-10T17:00Z', 'other@example.com'),
      RECEIVED,
    );

    // Assess: one version more, not two; the cart's own email stays.
    expect(applied).toStrictEqual({
      outcome: 'checked_out',
      cart: {
        ...cart,
        recentEventIds: ['evt-1', 'evt-2'],
        checkedOutAt: '2026-06-10T17:00:00.000Z',
        emailKey: 'shopper@example.com',
        status: 'purchased',
        attribution: 'not_recovered',
        closedAt: RECEIVED,
        closedWhy: 'checked out',
        wake: undefined,
        version: 3,
      },
    });
  });

  it('takes the email of a checkout for an open cart that has none', () => {
    // Prepare
    const cart = sampleCart({ emailKey: undefined });

    // Act
    const withEmail = applyCartEvent(
      cart,
      checkedOut('evt-2', '2026-06-10T17:00Z', ' Late@Example.com'),
      RECEIVED,
    );
    const without = applyCartEvent(cart, checkedOut('evt-2', '2026-06-10T17:00Z'), RECEIVED);

    // Assess
    expect(withEmail.cart.emailKey).toBe('late@example.com');
    expect(without.cart.emailKey).toBeUndefined();
  });

  it('closes as recovered when a reminder was sent before the checkout or at the same instant', () => {
    // Prepare
    const before = sampleCart({ reminders: [sent('2026-06-10T15:00Z')] });
    const same = sampleCart({ reminders: [sent('2026-06-10T17:00Z')] });
    const after = sampleCart({ reminders: [sent('2026-06-10T17:00:00.001Z')] });

    // Act
    const checkout = checkedOut('evt-2', '2026-06-10T17:00Z');
    const statuses = [before, same, after].map(
      (cart) => applyCartEvent(cart, checkout, RECEIVED).cart.status,
    );

    // Assess
    expect(statuses).toEqual(['recovered', 'recovered', 'purchased']);
  });

  it('records a checkout after the cart closed without reopening it', () => {
    // Prepare
    const closed = sampleCart({
      status: 'given_up',
      closedAt: z('2026-06-12T00:00Z'),
      closedWhy: 'gave up',
      version: 5,
    });

    // Act
    const applied = applyCartEvent(closed, checkedOut('evt-2', '2026-06-12T03:00Z'), RECEIVED);

    // Assess
    expect(applied).toStrictEqual({
      outcome: 'checkout_after_close',
      cart: {
        ...closed,
        recentEventIds: ['evt-1', 'evt-2'],
        checkedOutAt: '2026-06-12T03:00:00.000Z',
        attribution: 'not_recovered',
        version: 6,
      },
    });
  });

  it('keeps the first checkout time of a closed cart checked out again', () => {
    // Prepare
    const closed = sampleCart({ status: 'purchased', checkedOutAt: z('2026-06-10T17:00Z') });

    // Act
    const { cart, outcome } = applyCartEvent(closed, checkedOut('evt-2', '2026-06-11T09:00Z'), RECEIVED);

    // Assess
    expect(outcome).toBe('checkout_after_close');
    expect(cart.checkedOutAt).toBe('2026-06-10T17:00:00.000Z');
  });
});

describe('closeCart', () => {
  it('closes an open cart with its status, time and reason, and clears its wake-up', () => {
    // Prepare
    const cart = sampleCart({ wake: { at: z('2026-06-10T15:00Z'), seq: 1 }, version: 2 });

    // Act
    const closed = closeCart(cart, 'unsubscribed', RECEIVED, 'the shopper unsubscribed');

    // Assess
    expect(closed).toStrictEqual({
      ...cart,
      status: 'unsubscribed',
      closedAt: RECEIVED,
      closedWhy: 'the shopper unsubscribed',
      wake: undefined,
      version: 3,
    });
    expect(cart.status).toBe('open');
  });

  it('leaves a closed cart as it is', () => {
    // Prepare
    const cart = sampleCart({
      status: 'purchased',
      closedAt: z('2026-06-10T17:00Z'),
      closedWhy: 'checked out',
    });

    // Act
    const again = closeCart(cart, 'given_up', RECEIVED, 'gave up');

    // Assess
    expect(again).toBe(cart);
    expect(again).toMatchObject({ status: 'purchased', closedWhy: 'checked out', version: 1 });
  });
});

describe('purchaseStatus', () => {
  it('is recovered only when a reminder was sent at or before the purchase', () => {
    // Prepare
    const at = z('2026-06-10T17:00Z');
    const claimed: ReminderRecord = { ...sent('2026-06-10T15:00Z'), state: 'claimed' };
    const skipped: ReminderRecord = {
      ...sent('2026-06-10T15:00Z'),
      state: 'skipped',
      reason: 'frequency_cap',
    };

    // Act / Assess
    expect(purchaseStatus(sampleCart(), at, 5)).toBe('purchased');
    expect(purchaseStatus(sampleCart({ reminders: [claimed, skipped] }), at, 5)).toBe('purchased');
    expect(purchaseStatus(sampleCart({ reminders: [skipped, sent('2026-06-10T17:00Z')] }), at, 5)).toBe(
      'recovered',
    );
    expect(purchaseStatus(sampleCart({ reminders: [sent('2026-06-10T17:01Z')] }), at, 5)).toBe('purchased');
  });

  it('is recovered only within the attribution window after the reminder, its edge included', () => {
    // Prepare: reminder sent 15:00Z June 10
    const cart = sampleCart({ reminders: [sent('2026-06-10T15:00Z')] });

    // Act / Assess
    expect(purchaseStatus(cart, z('2026-06-15T15:00Z'), 5)).toBe('recovered');
    expect(purchaseStatus(cart, z('2026-06-15T15:00:01Z'), 5)).toBe('purchased');
    expect(purchaseStatus(cart, z('2026-06-11T15:00:01Z'), 1)).toBe('purchased');
  });
});

describe('attributePurchase', () => {
  it('credits the link when a click on a reminder within the window came before the purchase', () => {
    // Prepare
    const clicked = { ...sent('2026-06-10T15:00Z'), clickedAt: z('2026-06-10T15:30Z') };
    const late = { ...sent('2026-06-10T15:00Z'), clickedAt: z('2026-06-10T18:00Z') };

    // Act / Assess
    expect(attributePurchase([clicked], z('2026-06-10T16:00Z'), 5)).toBe('recovered_through_link');
    expect(attributePurchase([late], z('2026-06-10T16:00Z'), 5)).toBe('recovered');
    expect(attributePurchase([clicked], z('2026-06-16T16:00Z'), 5)).toBe('not_recovered');
    expect(attributePurchase([], z('2026-06-10T16:00Z'), 5)).toBe('not_recovered');
  });

  it('credits the link when any one of the credited reminders was clicked before the purchase', () => {
    // Prepare: both reminders within the window, only reminder 2 clicked.
    const first = sent('2026-06-10T15:00Z');
    const second: ReminderRecord = { ...sent('2026-06-11T11:00Z'), n: 2, clickedAt: z('2026-06-11T11:30Z') };

    // Act / Assess
    expect(attributePurchase([first, second], z('2026-06-11T12:00Z'), 5)).toBe('recovered_through_link');
  });

  it('credits the link for a click at the very instant of the purchase', () => {
    // Prepare
    const clicked = { ...sent('2026-06-10T15:00Z'), clickedAt: z('2026-06-10T16:00Z') };

    // Act / Assess
    expect(attributePurchase([clicked], z('2026-06-10T16:00Z'), 5)).toBe('recovered_through_link');
  });

  it('credits a reminder 2 within the window when reminder 1 is older than it', () => {
    // Prepare
    const first = sent('2026-06-01T15:00Z');
    const second: ReminderRecord = { ...sent('2026-06-02T11:00Z'), n: 2, clickedAt: z('2026-06-02T12:00Z') };

    // Act / Assess
    expect(attributePurchase([first, second], z('2026-06-06T16:00Z'), 5)).toBe('recovered_through_link');
    expect(attributePurchase([first, second], z('2026-06-07T12:00Z'), 5)).toBe('not_recovered');
  });
});

describe('closeByPurchase', () => {
  it('closes an open cart with its status and keeps the attribution; a closed cart stays as it is', () => {
    // Prepare
    const cart = sampleCart({
      reminders: [{ ...sent('2026-06-10T15:00Z'), clickedAt: z('2026-06-10T15:05Z') }],
    });
    const purchase = {
      boughtAt: z('2026-06-10T16:00Z'),
      closedAt: z('2026-06-10T16:00:02Z'),
      why: 'checked out',
      attributionDays: 5,
    };

    // Act
    const closed = closeByPurchase(cart, purchase);

    // Assess
    expect(closed).toMatchObject({
      status: 'recovered',
      attribution: 'recovered_through_link',
      closedWhy: 'checked out',
    });
    expect(closeByPurchase(closed, { ...purchase, attributionDays: 1 })).toBe(closed);
  });

  it('credits a checkout that comes after the cart gave up, within the window', () => {
    // Prepare
    const cart = sampleCart({
      status: 'given_up',
      reminders: [sent('2026-06-10T15:00Z')],
      recentEventIds: ['evt-1'],
    });
    const checkout: CartEvent = {
      id: 'evt-co',
      type: 'cart.checked_out',
      occurredAt: z('2026-06-14T09:00Z'),
      cart: { id: cart.id },
    } as CartEvent;

    // Act
    const { cart: after, outcome } = applyCartEvent(cart, checkout, z('2026-06-14T09:00:01Z'), 5);

    // Assess
    expect(outcome).toBe('checkout_after_close');
    expect(after).toMatchObject({
      status: 'given_up',
      attribution: 'recovered',
      checkedOutAt: z('2026-06-14T09:00Z'),
    });
  });
});

describe('recordClick', () => {
  const CLICKED = z('2026-06-11T12:00Z');
  const second: ReminderRecord = { ...sent('2026-06-11T11:00Z'), n: 2 };

  it('records the first click on reminder n, and only its time and the version change', () => {
    // Prepare
    const cart = sampleCart({ reminders: [sent('2026-06-10T15:00Z'), second], version: 4 });

    // Act
    const clicked = recordClick(cart, 2, CLICKED);

    // Assess
    expect(clicked).toEqual({
      ...cart,
      reminders: [sent('2026-06-10T15:00Z'), { ...second, clickedAt: CLICKED }],
      version: 5,
    });
  });

  it('records a click on reminder 1 without touching reminder 2', () => {
    // Prepare
    const cart = sampleCart({ reminders: [sent('2026-06-10T15:00Z'), second] });

    // Act
    const clicked = recordClick(cart, 1, CLICKED);

    // Assess
    expect(clicked?.reminders).toEqual([{ ...sent('2026-06-10T15:00Z'), clickedAt: CLICKED }, second]);
  });

  it('records a click on a closed cart all the same, leaving it closed', () => {
    // Prepare
    const cart = sampleCart({ status: 'given_up', reminders: [sent('2026-06-10T15:00Z')] });

    // Act
    const clicked = recordClick(cart, 1, CLICKED);

    // Assess
    expect(clicked?.status).toBe('given_up');
    expect(clicked?.reminders[0]?.clickedAt).toBe(CLICKED);
  });

  it('records nothing for a reminder that was never made', () => {
    expect(recordClick(sampleCart({ reminders: [sent('2026-06-10T15:00Z')] }), 2, CLICKED)).toBeUndefined();
  });

  it('records nothing for a reminder that was skipped', () => {
    // Prepare
    const skipped: ReminderRecord = { ...sent('2026-06-10T15:00Z'), state: 'skipped', reason: 'held_out' };

    // Act / Assess
    expect(recordClick(sampleCart({ reminders: [skipped] }), 1, CLICKED)).toBeUndefined();
  });

  it('records nothing for a second click, keeping the first', () => {
    // Prepare
    const cart = sampleCart({
      reminders: [{ ...sent('2026-06-10T15:00Z'), clickedAt: z('2026-06-10T16:00Z') }],
    });

    // Act / Assess
    expect(recordClick(cart, 1, CLICKED)).toBeUndefined();
  });
});

describe('changeCart', () => {
  it('returns a copy with the changes, clearing a field given as undefined', () => {
    // Prepare
    const cart = sampleCart({ wake: { at: z('2026-06-10T15:00Z'), seq: 1 } });

    // Act
    const changed = changeCart(cart, { wake: undefined, version: 2 });

    // Assess
    expect(changed).toEqual({ ...cart, wake: undefined, version: 2 });
    expect(changed.wake).toBeUndefined();
    expect(cart.wake).toEqual({ at: z('2026-06-10T15:00Z'), seq: 1 });
  });
});

describe('changeRecord', () => {
  it('returns a copy of a reminder record with the changes', () => {
    // Prepare
    const record: ReminderRecord = { ...sent('2026-06-10T15:00Z'), state: 'claimed' };

    // Act
    const changed = changeRecord(record, { state: 'sent', messageId: 'm-1' });

    // Assess
    expect(changed).toStrictEqual({ ...record, state: 'sent', messageId: 'm-1' });
    expect(record.state).toBe('claimed');
  });
});

describe('isNewerActivity', () => {
  it('is newer for a later instant, or the same instant with a greater event id', () => {
    // Prepare
    const cart = sampleCart({ lastEventId: 'evt-5' });

    // Act / Assess
    expect(isNewerActivity(sampleCart({ lastActivityAt: undefined }), z('2000-01-01T00:00Z'), 'a')).toBe(
      true,
    );
    expect(isNewerActivity(cart, z('2026-06-10T14:00:00.001Z'), 'evt-0')).toBe(true);
    expect(isNewerActivity(cart, z('2026-06-10T13:59:59.999Z'), 'evt-9')).toBe(false);
    expect(isNewerActivity(cart, z('2026-06-10T14:00Z'), 'evt-6')).toBe(true);
    expect(isNewerActivity(cart, z('2026-06-10T14:00Z'), 'evt-5')).toBe(false);
    expect(isNewerActivity(cart, z('2026-06-10T14:00Z'), 'evt-4')).toBe(false);
  });
});

describe('NEWER_SNAPSHOT_CHECKS', () => {
  const update: NewerSnapshot = {
    eventId: 'evt-2',
    occurredAt: z('2026-06-10T15:00Z'),
    email: ' SHOPPER@example.com',
  };

  it('names one check per rule of the one-write update', () => {
    // Act / Assess
    expect(Object.keys(NEWER_SNAPSHOT_CHECKS)).toEqual([
      'awaitsWakeUp',
      'isNewer',
      'isUnseen',
      'hasRoomForId',
      'keepsEmail',
    ]);
  });

  it('tells each rule apart', () => {
    // Prepare
    const { awaitsWakeUp, isNewer, isUnseen, hasRoomForId, keepsEmail } = NEWER_SNAPSHOT_CHECKS;
    const cart = sampleCart({ wake: { at: z('2026-06-10T15:00Z'), seq: 1 }, lastEventId: 'evt-1' });

    // Act / Assess
    expect([
      awaitsWakeUp(cart),
      awaitsWakeUp({ ...cart, status: 'recovered' }),
      awaitsWakeUp(sampleCart()),
    ]).toEqual([true, false, false]);
    expect([isNewer(cart, update), isNewer(cart, { ...update, occurredAt: z('2026-06-10T13:00Z') })]).toEqual(
      [true, false],
    );
    expect([isUnseen(cart, update), isUnseen(cart, { ...update, eventId: 'evt-1' })]).toEqual([true, false]);
    expect([
      hasRoomForId(sampleCart({ recentEventIds: ids(1, MAX_RECENT_EVENT_IDS - 1) })),
      hasRoomForId(sampleCart({ recentEventIds: ids(1, MAX_RECENT_EVENT_IDS) })),
    ]).toEqual([true, false]);
    expect([
      keepsEmail(cart, update),
      keepsEmail(cart, { ...update, email: undefined }),
      keepsEmail(cart, { ...update, email: 'other@example.com' }),
    ]).toEqual([true, true, false]);
  });
});

describe('canApplyNewerSnapshot', () => {
  const update: NewerSnapshot = { eventId: 'evt-2', occurredAt: z('2026-06-10T15:00Z'), email: undefined };
  const ready = (changes: Partial<Cart> = {}) =>
    sampleCart({ wake: { at: z('2026-06-10T15:00Z'), seq: 1 }, ...changes });

  it('holds only when every check holds', () => {
    // Act / Assess
    expect(canApplyNewerSnapshot(ready(), update)).toBe(true);
    expect(canApplyNewerSnapshot(ready({ status: 'purchased' }), update)).toBe(false);
    expect(canApplyNewerSnapshot(ready({ wake: undefined }), update)).toBe(false);
    expect(canApplyNewerSnapshot(ready(), { ...update, occurredAt: z('2026-06-10T13:00Z') })).toBe(false);
    expect(canApplyNewerSnapshot(ready({ recentEventIds: ['evt-2'] }), update)).toBe(false);
    expect(canApplyNewerSnapshot(ready({ recentEventIds: ids(1, MAX_RECENT_EVENT_IDS) }), update)).toBe(
      false,
    );
    expect(canApplyNewerSnapshot(ready(), { ...update, email: 'other@example.com' })).toBe(false);
  });
});

describe('applyNewerSnapshot', () => {
  it('replaces the snapshot, carrying sticky fields over, and appends the id without trimming', () => {
    // Prepare
    const cart = sampleCart({ recentEventIds: ids(1, 20), version: 8 });
    const next = snapshot({ total: '5.00', email: undefined, locale: undefined });

    // Act
    const applied = applyNewerSnapshot(cart, 'evt-21', z('2026-06-10T15:00Z'), next);

    // Assess
    expect(applied).toStrictEqual({
      ...cart,
      snapshot: snapshot({ total: '5.00' }),
      lastActivityAt: '2026-06-10T15:00:00.000Z',
      lastEventId: 'evt-21',
      recentEventIds: ids(1, 21),
      version: 9,
    });
  });
});
