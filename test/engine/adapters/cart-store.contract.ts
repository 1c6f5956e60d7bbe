import { describe, expect, it } from 'vitest';
import type { Cart, ReminderRecord } from '#engine/domain/cart.js';
import { VersionConflictError } from '#engine/domain/errors.js';
import type { CartStore, SnapshotUpdate } from '#engine/ports.js';
import { sampleCart } from '#test/fakes/sample-cart.js';

/** A cart using every field: reminders of each state, a pending wake, undefined optional fields. */
export function fullCart(overrides: Partial<Cart> = {}): Cart {
  return sampleCart({
    id: 'cart-full',
    lastActivityAt: '2026-06-10T15:30:00.000Z',
    reminders: [
      {
        n: 1,
        state: 'sent',
        dueAt: '2026-06-10T18:30:00.000Z',
        at: '2026-06-10T18:30:02.123Z',
        deferredFrom: '2026-06-10T17:30:00.000Z',
        messageId: 'msg-1',
        rulesVersion: 'v7',
      },
      {
        n: 2,
        state: 'skipped',
        dueAt: '2026-06-11T15:30:00.000Z',
        at: '2026-06-11T15:30:00.000Z',
        reason: 'frequency_cap',
      },
    ],
    wake: { at: '2026-06-12T15:30:00.000Z', seq: 3 },
    recentEventIds: ['evt-1', 'evt-2', 'evt-3'],
    ...overrides,
  });
}

const claim = (n: 1 | 2, at = '2026-06-10T18:30:00.000Z'): ReminderRecord => ({
  n,
  state: 'claimed',
  dueAt: at,
  at,
  rulesVersion: 'v1',
  deferredFrom: undefined,
});

const ids = (carts: Cart[]) => carts.map((c) => c.id).sort();

/**
 * The behaviour every CartStore shares, run against each implementation so the in-memory twin and
 * the DynamoDB adapter provably agree. `makeStore` gives an empty store each time.
 */
export function describeCartStoreContract(name: string, makeStore: () => Promise<CartStore>): void {
  describe(`${name} (CartStore contract)`, () => {
    it('returns undefined for a cart it never stored', async () => {
      const store = await makeStore();

      expect(await store.get('cart-unknown')).toBeUndefined();
    });

    it('stores a new cart at version 1 and reads every field back', async () => {
      const store = await makeStore();
      const cart = fullCart({ version: 0 });

      const stored = await store.put(cart, 0);

      expect(stored).toEqual({ ...cart, version: 1 });
      expect(await store.get(cart.id)).toEqual({ ...cart, version: 1 });
    });

    it('reads back a closed, checked-out cart without snapshot or email', async () => {
      const store = await makeStore();
      const { emailKey: _e, ...cart } = sampleCart({
        id: 'cart-checkout',
        snapshot: null,
        lastActivityAt: undefined,
        status: 'purchased',
        checkedOutAt: '2026-06-10T14:05:00.000Z',
        closedAt: '2026-06-10T14:05:01.000Z',
        closedWhy: 'checked out',
      });

      await store.put(cart, 0);

      expect(await store.get(cart.id)).toEqual({ ...cart, version: 1 });
    });

    it('hands out frozen carts', async () => {
      const store = await makeStore();

      const stored = await store.put(sampleCart(), 0);

      expect(Object.isFrozen(stored)).toBe(true);
      expect(Object.isFrozen(await store.get(stored.id))).toBe(true);
    });

    it('writes the next version when the expected one is current', async () => {
      const store = await makeStore();
      const v1 = await store.put(sampleCart(), 0);

      const v2 = await store.put({ ...v1, lastActivityAt: '2026-06-10T16:00:00.000Z' }, v1.version);

      expect(v2.version).toBe(2);
      expect(await store.get(v1.id)).toEqual(v2);
    });

    it('lists open carts with a wake-up before a time, oldest first, at most the limit', async () => {
      const store = await makeStore();
      const wake = (id: string, at: string) => sampleCart({ id, wake: { at, seq: 1 } });
      await store.put(wake('cart-late', '2026-06-10T15:00:00.000Z'), 0);
      await store.put(wake('cart-early', '2026-06-10T13:00:00.000Z'), 0);
      await store.put(wake('cart-future', '2026-06-10T17:00:00.000Z'), 0);
      await store.put(sampleCart({ id: 'cart-unscheduled', wake: undefined }), 0);
      await store.put(sampleCart({ id: 'cart-closed', status: 'purchased', wake: undefined }), 0);

      const due = await store.openCartsWokenBefore('2026-06-10T16:00:00.000Z', 10);
      const one = await store.openCartsWokenBefore('2026-06-10T16:00:00.000Z', 1);

      expect(due).toEqual(['cart-early', 'cart-late']);
      expect(one).toEqual(['cart-early']);
    });

    it('drops a cart from the overdue list once it closes', async () => {
      const store = await makeStore();
      const open = await store.put(sampleCart({ wake: { at: '2026-06-10T15:00:00.000Z', seq: 1 } }), 0);
      await store.put({ ...open, status: 'purchased', wake: undefined }, 1);

      expect(await store.openCartsWokenBefore('2026-06-11T00:00:00.000Z', 10)).toEqual([]);
    });

    it('refuses to create a cart that already exists', async () => {
      const store = await makeStore();
      await store.put(sampleCart(), 0);

      await expect(store.put(sampleCart({ status: 'suppressed' }), 0)).rejects.toBeInstanceOf(
        VersionConflictError,
      );
      expect((await store.get('cart-1001'))?.status).toBe('open');
    });

    it('refuses a write at a stale version and keeps the newer cart', async () => {
      const store = await makeStore();
      const v1 = await store.put(sampleCart(), 0);
      const v2 = await store.put({ ...v1, closedWhy: 'first writer' }, 1);

      await expect(store.put({ ...v1, closedWhy: 'second writer' }, 1)).rejects.toBeInstanceOf(
        VersionConflictError,
      );
      expect(await store.get(v1.id)).toEqual(v2);
    });

    it('refuses a write expecting a version of a cart it never stored', async () => {
      const store = await makeStore();

      await expect(store.put(sampleCart(), 3)).rejects.toBeInstanceOf(VersionConflictError);
      expect(await store.get('cart-1001')).toBeUndefined();
    });

    it('claims reminder 1, then 2, each once, bumping the version', async () => {
      const store = await makeStore();
      await store.put(sampleCart(), 0);

      const first = await store.claimReminder('cart-1001', claim(1));
      const again = await store.claimReminder('cart-1001', claim(1));
      const second = await store.claimReminder('cart-1001', claim(2, '2026-06-11T18:30:00.000Z'));

      expect(first?.reminders).toEqual([claim(1)]);
      expect(first?.version).toBe(2);
      expect(again).toBeUndefined();
      expect(second?.reminders).toEqual([claim(1), claim(2, '2026-06-11T18:30:00.000Z')]);
      expect(second?.version).toBe(3);
      expect(await store.get('cart-1001')).toEqual(second);
    });

    it('records the first click of a reminder once, on an open or a closed cart, and nothing else', async () => {
      const store = await makeStore();
      const sentRecord = { ...claim(1), state: 'sent' as const, messageId: 'm-1' };
      await store.put(sampleCart({ reminders: [sentRecord] }), 0);

      const first = await store.recordClick('cart-1001', 1, '2026-06-10T16:00:00.000Z');
      const again = await store.recordClick('cart-1001', 1, '2026-06-10T16:05:00.000Z');

      expect(first?.reminders).toEqual([{ ...sentRecord, clickedAt: '2026-06-10T16:00:00.000Z' }]);
      expect(first?.version).toBe(2);
      expect(first?.status).toBe('open');
      expect(again).toBeUndefined();
      expect(await store.get('cart-1001')).toEqual(first);

      const closed = await store.put(
        {
          ...(first as Cart),
          status: 'given_up',
          closedAt: '2026-06-14T15:00:00.000Z',
          reminders: [sentRecord],
        },
        2,
      );
      const late = await store.recordClick('cart-1001', 1, '2026-06-15T09:00:00.000Z');
      expect(late).toEqual({
        ...closed,
        reminders: [{ ...sentRecord, clickedAt: '2026-06-15T09:00:00.000Z' }],
        version: 4,
      });
    });

    it('refuses a click on a reminder never made, a skipped one, or an unknown cart', async () => {
      const store = await makeStore();
      const skipped = { ...claim(1), state: 'skipped' as const, reason: 'held_out' as const };
      await store.put(sampleCart({ reminders: [skipped] }), 0);

      expect(await store.recordClick('cart-1001', 1, '2026-06-10T16:00:00.000Z')).toBeUndefined();
      expect(await store.recordClick('cart-1001', 2, '2026-06-10T16:00:00.000Z')).toBeUndefined();
      expect(await store.recordClick('cart-unknown', 1, '2026-06-10T16:00:00.000Z')).toBeUndefined();
      expect((await store.get('cart-1001'))?.version).toBe(1);
    });

    it('refuses reminder 2 before reminder 1 has a record', async () => {
      const store = await makeStore();
      await store.put(sampleCart(), 0);

      expect(await store.claimReminder('cart-1001', claim(2))).toBeUndefined();
      expect((await store.get('cart-1001'))?.version).toBe(1);
    });

    it('refuses a claim on a closed cart and on an unknown cart', async () => {
      const store = await makeStore();
      await store.put(sampleCart({ status: 'purchased', closedAt: '2026-06-10T15:00:00.000Z' }), 0);

      expect(await store.claimReminder('cart-1001', claim(1))).toBeUndefined();
      expect(await store.claimReminder('cart-unknown', claim(1))).toBeUndefined();
      expect((await store.get('cart-1001'))?.reminders).toEqual([]);
      expect(await store.get('cart-unknown')).toBeUndefined();
    });

    it('lets exactly one of 10 concurrent claims of the same reminder win', async () => {
      const store = await makeStore();
      await store.put(sampleCart(), 0);

      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.claimReminder('cart-1001', claim(1, `2026-06-10T18:30:0${i}.000Z`)),
        ),
      );

      const winners = results.filter((r) => r !== undefined);
      expect(winners).toHaveLength(1);
      const stored = await store.get('cart-1001');
      expect(stored?.reminders).toHaveLength(1);
      expect(stored?.version).toBe(2);
      expect(stored).toEqual(winners[0]);
    });

    it('lists only the open carts of one email', async () => {
      const store = await makeStore();
      await store.put(sampleCart({ id: 'a' }), 0);
      await store.put(sampleCart({ id: 'b', firstSeenAt: '2026-06-09T10:00:00.000Z' }), 0);
      await store.put(
        sampleCart({ id: 'closed', status: 'given_up', closedAt: '2026-06-12T00:00:00.000Z' }),
        0,
      );
      await store.put(sampleCart({ id: 'other', emailKey: 'other@example.com' }), 0);
      const { emailKey: _e, ...anonymous } = sampleCart({ id: 'anonymous' });
      await store.put(anonymous, 0);

      const open = await store.openCartsByEmail('shopper@example.com');

      expect(ids(open)).toEqual(['a', 'b']);
      expect(open.find((c) => c.id === 'a')).toEqual(await store.get('a'));
      expect(await store.openCartsByEmail('nobody@example.com')).toEqual([]);
    });

    it('follows a cart to its new email and drops it once closed', async () => {
      const store = await makeStore();
      const v1 = await store.put(sampleCart({ id: 'a' }), 0);
      await store.put(sampleCart({ id: 'b' }), 0);

      const v2 = await store.put({ ...v1, emailKey: 'new@example.com' }, v1.version);
      expect(ids(await store.openCartsByEmail('shopper@example.com'))).toEqual(['b']);
      expect(ids(await store.openCartsByEmail('new@example.com'))).toEqual(['a']);

      await store.put({ ...v2, status: 'suppressed', closedAt: '2026-06-11T00:00:00.000Z' }, v2.version);
      expect(await store.openCartsByEmail('new@example.com')).toEqual([]);
    });

    it('keeps a cart listed by email after a reminder claim', async () => {
      const store = await makeStore();
      await store.put(sampleCart(), 0);

      const claimed = await store.claimReminder('cart-1001', claim(1));

      expect(await store.openCartsByEmail('shopper@example.com')).toEqual([claimed]);
    });

    describe('applyNewerSnapshot (the one-write update)', () => {
      const newer = (cart: Cart, overrides: Record<string, unknown> = {}): SnapshotUpdate => ({
        cartId: cart.id,
        eventId: 'evt-new',
        occurredAt: '2026-06-10T16:00:00.000Z',
        snapshot: {
          ...(cart.snapshot as NonNullable<Cart['snapshot']>),
          total: '250.00',
          items: [{ sku: 'BOOT-4', title: 'Leather boots', quantity: 1, price: '250.00' }],
          ...overrides,
        } as SnapshotUpdate['snapshot'],
      });

      it('applies a newer snapshot in place, keeping the fields the event leaves out', async () => {
        // Prepare: an open cart with a pending wake-up, its snapshot with email, zone, locale and consent.
        const store = await makeStore();
        const cart = fullCart({ reminders: [] });
        await store.put(cart, 0);

        // Act: the update has no email, zone, locale or consent.
        const saved = await store.applyNewerSnapshot(
          newer(cart, {
            email: undefined,
            timezone: undefined,
            locale: undefined,
            marketingConsent: undefined,
          }),
        );

        // Assess
        expect(saved).toBeDefined();
        expect(saved?.version).toBe(2);
        expect(saved?.lastActivityAt).toBe('2026-06-10T16:00:00.000Z');
        expect(saved?.snapshot?.total).toBe('250.00');
        expect(saved?.snapshot?.items).toEqual([
          { sku: 'BOOT-4', title: 'Leather boots', quantity: 1, price: '250.00' },
        ]);
        expect(saved?.snapshot?.email).toBe(cart.snapshot?.email);
        expect(saved?.snapshot?.timezone).toBe(cart.snapshot?.timezone);
        expect(saved?.snapshot?.marketingConsent).toBe(cart.snapshot?.marketingConsent);
        expect(saved?.recentEventIds).toEqual([...cart.recentEventIds, 'evt-new']);
        expect(await store.get(cart.id)).toEqual(saved);
      });

      it('takes the email the cart has, however it is written', async () => {
        const store = await makeStore();
        const cart = fullCart({ reminders: [] });
        await store.put(cart, 0);
        const written = ` ${cart.snapshot?.email?.toUpperCase()} `.trim();

        const saved = await store.applyNewerSnapshot(newer(cart, { email: written }));

        expect(saved?.snapshot?.email).toBe(written);
        expect(saved?.emailKey).toBe(cart.emailKey);
        expect(ids(await store.openCartsByEmail(cart.emailKey as string))).toEqual([cart.id]);
      });

      it('leaves a new email to the read-and-fold path, which moves the cart between shoppers', async () => {
        const store = await makeStore();
        const cart = fullCart({ reminders: [] });
        await store.put(cart, 0);

        const saved = await store.applyNewerSnapshot(newer(cart, { email: 'New.Address@Example.com' }));

        expect(saved).toBeUndefined();
        expect((await store.get(cart.id))?.version).toBe(1);
        expect(await store.openCartsByEmail('new.address@example.com')).toEqual([]);
      });

      it('refuses an unknown cart, a closed one, one without a wake-up, a seen event and older activity', async () => {
        const store = await makeStore();
        const open = fullCart({ id: 'cart-open', reminders: [], lastEventId: 'evt-zzz' });
        const closed = fullCart({ id: 'cart-closed', status: 'purchased', reminders: [] });
        const { wake: _wake, ...unscheduled } = fullCart({ id: 'cart-unscheduled', reminders: [] });
        for (const cart of [open, closed, unscheduled as Cart]) await store.put(cart, 0);

        expect(await store.applyNewerSnapshot(newer(fullCart({ id: 'cart-none' })))).toBeUndefined();
        expect(await store.applyNewerSnapshot(newer(closed))).toBeUndefined();
        expect(await store.applyNewerSnapshot(newer(unscheduled as Cart))).toBeUndefined();
        expect(await store.applyNewerSnapshot({ ...newer(open), eventId: 'evt-2' })).toBeUndefined();
        expect(
          await store.applyNewerSnapshot({ ...newer(open), occurredAt: '2026-06-10T15:29:59.999Z' }),
        ).toBeUndefined();
        // The same instant as the last activity: older by event id ('evt-new' < 'evt-zzz').
        expect(
          await store.applyNewerSnapshot({ ...newer(open), occurredAt: open.lastActivityAt as string }),
        ).toBeUndefined();
        expect(await store.get('cart-none')).toBeUndefined();
        expect((await store.get('cart-open'))?.version).toBe(1);
      });

      it('orders two updates of the same instant by event id', async () => {
        const store = await makeStore();
        const cart = fullCart({ reminders: [], lastEventId: 'evt-a' });
        await store.put(cart, 0);

        const saved = await store.applyNewerSnapshot({
          ...newer(cart),
          eventId: 'evt-b',
          occurredAt: cart.lastActivityAt as string,
        });

        expect(saved?.lastEventId).toBe('evt-b');
        expect(saved?.version).toBe(2);
      });

      it('orders event ids of the same instant by UTF-16 code units, whatever their characters', async () => {
        // U+1F600 is D83D DE00 in UTF-16, before U+FFFF; in UTF-8 (F0 9F 98 80 against EF BF BF),
        // which DynamoDB compares, it comes after: the store must not let that order through.
        const store = await makeStore();
        const cart = fullCart({ reminders: [], lastEventId: 'evt-\uFFFF' });
        await store.put(cart, 0);
        const at = cart.lastActivityAt as string;

        const earlier = await store.applyNewerSnapshot({
          ...newer(cart),
          eventId: 'evt-\u{1F600}',
          occurredAt: at,
        });
        const later = await store.applyNewerSnapshot({
          ...newer(cart),
          eventId: 'evt-\uFFFFa',
          occurredAt: at,
        });

        expect(earlier).toBeUndefined();
        expect(later?.lastEventId).toBe('evt-\uFFFFa');
      });

      it('applies an update of the same instant to a cart that has no last event id yet', async () => {
        const store = await makeStore();
        const { lastEventId: _none, ...cart } = fullCart({ reminders: [] });
        await store.put(cart as Cart, 0);

        const saved = await store.applyNewerSnapshot({
          ...newer(cart as Cart),
          eventId: 'evt-a',
          occurredAt: cart.lastActivityAt as string,
        });

        expect(saved?.lastEventId).toBe('evt-a');
        expect(saved?.version).toBe(2);
      });

      it('stops once the cart holds 32 event ids, so a read-and-fold trims them', async () => {
        const store = await makeStore();
        const cart = fullCart({
          reminders: [],
          recentEventIds: Array.from({ length: 32 }, (_, i) => `evt-${i}`),
        });
        await store.put(cart, 0);

        expect(await store.applyNewerSnapshot(newer(cart))).toBeUndefined();
      });
    });
  });
}
