import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyCartEvent, applyNewerSnapshot, type Cart, canApplyNewerSnapshot } from '#engine/domain/cart.js';
import type { CartEvent, CartSnapshot, CartUpdatedEvent } from '#engine/domain/cart-event.js';
import { sampleCart } from '#test/fakes/sample-cart.js';

const RECEIVED = '2026-06-10T18:00:00.000Z';
/** Few instants, so that many drawn updates share one and go by event id. */
const instants = [
  '2026-06-10T14:00:00.000Z',
  '2026-06-10T15:00:00.000Z',
  '2026-06-10T15:00:00.001Z',
  '2026-06-11T09:30:00.000Z',
];
const instant = fc.constantFrom(...instants);
/** Few ids, so that repeated deliveries happen. */
const eventId = fc.integer({ min: 0, max: 40 }).map((i) => `evt-${String(i).padStart(2, '0')}`);

const base = sampleCart().snapshot as CartSnapshot;

/** Ids of a long history of events, where repeats are rarer. */
const historyId = fc.integer({ min: 0, max: 199 }).map((i) => `evt-${String(i).padStart(3, '0')}`);

/** A snapshot; `given` draws every sticky field, else each may be left out. */
const snapshot = (given: boolean) => {
  const sticky = <T>(...values: T[]) =>
    given ? fc.constantFrom(...values) : fc.constantFrom(undefined, ...values);
  return fc
    .record({
      total: fc.constantFrom('1.00', '20.00', '178.50'),
      email: fc.oneof(
        { weight: 8, arbitrary: sticky('Shopper@Example.com', ' shopper@example.com') },
        { weight: 1, arbitrary: fc.constant('other@example.com') },
      ),
      timezone: sticky('Europe/Berlin', 'America/New_York'),
      locale: sticky('de-DE', 'en-US'),
      marketingConsent: sticky(true, false),
    })
    .map((changes): CartSnapshot => ({ ...base, ...changes }));
};

const update = (given: boolean, id = eventId) =>
  fc
    .record({ id, occurredAt: instant, cart: snapshot(given) })
    .map((e): CartUpdatedEvent => ({ ...e, type: 'cart.updated' }));

/** An update that is often newer than anything folded before it, and often by an unseen id. */
const laterUpdate = fc
  .record({
    id: fc.oneof(
      eventId,
      fc.integer({ min: 41, max: 99 }).map((i) => `evt-${i}`),
    ),
    occurredAt: fc.oneof(instant, fc.constant('2026-06-20T08:00:00.000Z')),
    cart: snapshot(false),
  })
  .map((e): CartUpdatedEvent => ({ ...e, type: 'cart.updated' }));

const checkout = fc
  .record({ id: eventId, occurredAt: instant })
  .map((e): CartEvent => ({ ...e, type: 'cart.checked_out', cart: { id: 'cart-1001', email: undefined } }));

function fold(events: readonly CartEvent[]): Cart | undefined {
  let cart: Cart | undefined;
  for (const event of events) cart = applyCartEvent(cart, event, RECEIVED).cart;
  return cart;
}

/** A cart as stores hold it: folded events, some applied by the one-write path, maybe with a wake-up. */
const storedCart = fc
  .record({
    first: update(false),
    later: fc.array(
      fc.record({
        event: fc.oneof(
          { weight: 40, arbitrary: update(false, historyId) },
          { weight: 1, arbitrary: checkout },
        ),
        /** Minutes after the update before; mostly later, now and then earlier or the same. */
        step: fc.integer({ min: -5, max: 60 }),
        oneWrite: fc.boolean(),
      }),
      { maxLength: 40, size: 'max' },
    ),
    wake: fc.boolean(),
    /** Mostly one-write: the id list grows past 16 only while no read-and-fold trims it. */
    mostlyOneWrite: fc.boolean(),
  })
  .map(({ first, later, wake, mostlyOneWrite }) => {
    // The wake-up is there from the start, so the one-write path may apply (and grow the id list).
    let cart = applyCartEvent(undefined, first, RECEIVED).cart;
    if (wake) cart = { ...cart, wake: { at: '2026-06-12T00:00:00.000Z', seq: 1 } };
    let time = Date.parse(first.occurredAt);
    for (const { event: drawn, step, oneWrite } of later) {
      time += step * 60_000;
      const event = { ...drawn, occurredAt: new Date(time).toISOString() };
      if (
        event.type === 'cart.updated' &&
        (oneWrite || mostlyOneWrite) &&
        canApplyNewerSnapshot(cart, newer(event))
      ) {
        cart = applyNewerSnapshot(cart, event.id, event.occurredAt, event.cart);
      } else {
        cart = applyCartEvent(cart, event, RECEIVED).cart;
      }
    }
    return cart;
  });

function newer(event: CartEvent) {
  return { eventId: event.id, occurredAt: event.occurredAt, email: event.cart.email };
}

describe('applyCartEvent, folding updates', () => {
  it('ends with the same snapshot and last activity in any order of updates with distinct ids', () => {
    // Prepare: same-instant pairs are common among four instants.
    const events = fc.uniqueArray(update(true), { selector: (e) => e.id, minLength: 1, maxLength: 8 });
    const orders = events.chain((list) =>
      fc.tuple(
        fc.constant(list),
        fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }),
      ),
    );

    fc.assert(
      fc.property(orders, ([inOrder, shuffled]) => {
        // Act
        const one = fold(inOrder);
        const other = fold(shuffled);

        // Assess
        expect(other?.snapshot).toStrictEqual(one?.snapshot);
        expect(other?.lastActivityAt).toBe(one?.lastActivityAt);
        expect(other?.lastEventId).toBe(one?.lastEventId);
        expect(other?.emailKey).toBe(one?.emailKey);
        expect(other?.version).toBe(one?.version);
      }),
      { numRuns: 300 },
    );
  });

  it('ends with the same last activity and contents in any order when updates leave sticky fields out', () => {
    // Prepare: a sticky field carries over from the snapshot held when an update arrives, so which
    // email (say) an update that leaves it out ends with depends on arrival order; the rest does not.
    const events = fc.uniqueArray(update(false), { selector: (e) => e.id, minLength: 1, maxLength: 8 });
    const orders = events.chain((list) =>
      fc.tuple(
        fc.constant(list),
        fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }),
      ),
    );

    fc.assert(
      fc.property(orders, ([inOrder, shuffled]) => {
        // Act
        const one = fold(inOrder);
        const other = fold(shuffled);

        // Assess
        expect(other?.lastActivityAt).toBe(one?.lastActivityAt);
        expect(other?.lastEventId).toBe(one?.lastEventId);
        expect(other?.snapshot?.total).toBe(one?.snapshot?.total);
      }),
      { numRuns: 200 },
    );
  });

  it('holds the update with the newest instant, then the greatest id', () => {
    // Prepare
    const events = fc.uniqueArray(update(true), { selector: (e) => e.id, minLength: 1, maxLength: 8 });

    fc.assert(
      fc.property(events, (list) => {
        // Act
        const cart = fold(list);

        // Assess
        const newest = [...list].sort((a, b) =>
          a.occurredAt === b.occurredAt ? (a.id < b.id ? -1 : 1) : a.occurredAt < b.occurredAt ? -1 : 1,
        );
        expect(cart?.lastEventId).toBe(newest.at(-1)?.id);
        expect(cart?.snapshot).toStrictEqual(newest.at(-1)?.cart);
      }),
    );
  });
});

describe('canApplyNewerSnapshot with applyNewerSnapshot', () => {
  it('does what applyCartEvent does whenever the checks pass, keeping every id where it keeps 16', () => {
    let passed = 0;
    let long = 0;
    fc.assert(
      fc.property(storedCart, laterUpdate, (cart, event) => {
        // Act
        const fold = applyCartEvent(cart, event, RECEIVED);
        const can = canApplyNewerSnapshot(cart, newer(event));

        // Assess
        if (!can) return;
        passed++;
        if (cart.recentEventIds.length >= 16) long++;
        const oneWrite = applyNewerSnapshot(cart, event.id, event.occurredAt, event.cart);
        expect(fold.outcome).toBe('updated');
        expect(oneWrite.recentEventIds.slice(-16)).toEqual(fold.cart.recentEventIds);
        expect({ ...oneWrite, recentEventIds: fold.cart.recentEventIds }).toStrictEqual(fold.cart);
        if (cart.recentEventIds.length < 16) expect(oneWrite).toStrictEqual(fold.cart);
      }),
      { numRuns: 500 },
    );
    // A property that never met its condition would prove nothing; some carts hold more than 16 ids.
    expect(passed).toBeGreaterThan(40);
    expect(long).toBeGreaterThan(10);
  });
});
