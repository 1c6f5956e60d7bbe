import { describe, expect, it } from 'vitest';
import type { ContactStore } from '#engine/ports.js';

const EMAIL = 'shopper@example.com';
const CAP_HOURS = 24;
const unsubscribeChange = { at: '2026-06-12T09:00:00.000Z', reason: 'link in email', actor: 'shopper' };

/**
 * The behaviour every ContactStore shares, run against each implementation so the in-memory twin
 * and the DynamoDB adapter provably agree. `makeStore` gives an empty store each time.
 */
export function describeContactStoreContract(name: string, makeStore: () => Promise<ContactStore>): void {
  describe(`${name} (ContactStore contract)`, () => {
    it('returns undefined for an email it never saw', async () => {
      const store = await makeStore();

      expect(await store.get(EMAIL)).toBeUndefined();
    });

    it('gives each email one holdout bucket in 0..99, the same on every call, and stores nothing', async () => {
      const store = await makeStore();

      const buckets = await Promise.all(
        Array.from({ length: 40 }, (_, i) => store.holdoutBucket(`shopper${i}@example.com`)),
      );

      expect(new Set(buckets).size).toBeGreaterThan(10);
      for (const bucket of buckets)
        expect(bucket >= 0 && bucket < 100 && Number.isInteger(bucket)).toBe(true);
      expect(await store.holdoutBucket('shopper7@example.com')).toBe(buckets[7]);
      expect(await store.get('shopper7@example.com')).toBeUndefined();
    });

    it('gives the first slot to a new email and remembers it', async () => {
      const store = await makeStore();

      const result = await store.claimReminderSlot(
        EMAIL,
        { cartId: 'a', at: '2026-06-10T18:00:00.000Z' },
        CAP_HOURS,
      );

      expect(result).toBe('claimed');
      expect(await store.get(EMAIL)).toEqual({
        emailKey: EMAIL,
        lastReminder: { cartId: 'a', at: '2026-06-10T18:00:00.000Z' },
      });
    });

    it('caps another cart less than capHours after the last reminder and keeps the last one', async () => {
      const store = await makeStore();
      await store.claimReminderSlot(EMAIL, { cartId: 'a', at: '2026-06-10T18:00:00.000Z' }, CAP_HOURS);

      const result = await store.claimReminderSlot(
        EMAIL,
        { cartId: 'b', at: '2026-06-11T17:59:59.999Z' },
        CAP_HOURS,
      );

      expect(result).toBe('capped');
      expect((await store.get(EMAIL))?.lastReminder).toEqual({ cartId: 'a', at: '2026-06-10T18:00:00.000Z' });
    });

    it('lets another cart in exactly capHours after the last reminder', async () => {
      const store = await makeStore();
      await store.claimReminderSlot(EMAIL, { cartId: 'a', at: '2026-06-10T18:00:00.000Z' }, CAP_HOURS);

      const result = await store.claimReminderSlot(
        EMAIL,
        { cartId: 'b', at: '2026-06-11T18:00:00.000Z' },
        CAP_HOURS,
      );

      expect(result).toBe('claimed');
      expect((await store.get(EMAIL))?.lastReminder).toEqual({ cartId: 'b', at: '2026-06-11T18:00:00.000Z' });
    });

    it('lets the same cart take the slot again within the cap', async () => {
      const store = await makeStore();
      await store.claimReminderSlot(EMAIL, { cartId: 'a', at: '2026-06-10T18:00:00.000Z' }, CAP_HOURS);

      const result = await store.claimReminderSlot(
        EMAIL,
        { cartId: 'a', at: '2026-06-10T19:00:00.000Z' },
        CAP_HOURS,
      );

      expect(result).toBe('claimed');
      expect((await store.get(EMAIL))?.lastReminder).toEqual({ cartId: 'a', at: '2026-06-10T19:00:00.000Z' });
    });

    it('compares times, not strings, and honours a fractional cap', async () => {
      const store = await makeStore();
      // Without milliseconds this sorts after "…18:00:00.000Z" as a string, though it is the same instant.
      await store.claimReminderSlot(EMAIL, { cartId: 'a', at: '2026-06-10T18:00:00Z' }, 1.5);

      const early = await store.claimReminderSlot(
        EMAIL,
        { cartId: 'b', at: '2026-06-10T19:29:59.999Z' },
        1.5,
      );
      const onTime = await store.claimReminderSlot(
        EMAIL,
        { cartId: 'b', at: '2026-06-10T19:30:00.000Z' },
        1.5,
      );

      expect([early, onTime]).toEqual(['capped', 'claimed']);
    });

    it('caps another cart whose slot is earlier than the last reminder', async () => {
      const store = await makeStore();
      await store.claimReminderSlot(EMAIL, { cartId: 'a', at: '2026-06-10T18:00:00.000Z' }, 0);

      const result = await store.claimReminderSlot(EMAIL, { cartId: 'b', at: '2026-06-10T17:00:00.000Z' }, 0);

      expect(result).toBe('capped');
    });

    it('refuses every slot of an unsubscribed email, even for the same cart', async () => {
      const store = await makeStore();
      await store.claimReminderSlot(EMAIL, { cartId: 'a', at: '2026-06-10T18:00:00.000Z' }, CAP_HOURS);
      await store.unsubscribe(EMAIL, unsubscribeChange);

      const sameCart = await store.claimReminderSlot(
        EMAIL,
        { cartId: 'a', at: '2026-06-20T18:00:00.000Z' },
        CAP_HOURS,
      );
      const otherCart = await store.claimReminderSlot(
        EMAIL,
        { cartId: 'b', at: '2026-06-20T18:00:00.000Z' },
        CAP_HOURS,
      );
      const newEmail = await store.claimReminderSlot(
        'new@example.com',
        { cartId: 'c', at: '2026-06-20T18:00:00.000Z' },
        CAP_HOURS,
      );

      expect([sameCart, otherCart, newEmail]).toEqual(['unsubscribed', 'unsubscribed', 'claimed']);
      expect((await store.get(EMAIL))?.lastReminder).toEqual({ cartId: 'a', at: '2026-06-10T18:00:00.000Z' });
    });

    it('unsubscribes an email it never saw, with nothing before', async () => {
      const store = await makeStore();

      const { before, after } = await store.unsubscribe(EMAIL, unsubscribeChange);

      expect(before).toBeUndefined();
      expect(after).toEqual({
        emailKey: EMAIL,
        unsubscribedAt: unsubscribeChange.at,
        unsubscribeReason: unsubscribeChange.reason,
        unsubscribedBy: unsubscribeChange.actor,
      });
      expect(await store.get(EMAIL)).toEqual(after);
    });

    it('keeps the history of a known email when unsubscribing it', async () => {
      const store = await makeStore();
      await store.claimReminderSlot(EMAIL, { cartId: 'a', at: '2026-06-10T18:00:00.000Z' }, CAP_HOURS);
      await store.recordCheckout(EMAIL, '2026-06-09T10:00:00.000Z');
      const known = await store.get(EMAIL);

      const { before, after } = await store.unsubscribe(EMAIL, unsubscribeChange);

      expect(before).toEqual(known);
      expect(after).toEqual({
        ...known,
        unsubscribedAt: unsubscribeChange.at,
        unsubscribeReason: unsubscribeChange.reason,
        unsubscribedBy: unsubscribeChange.actor,
      });
    });

    it('keeps the first unsubscribe and reports the second as no change', async () => {
      const store = await makeStore();
      const first = await store.unsubscribe(EMAIL, unsubscribeChange);

      const second = await store.unsubscribe(EMAIL, {
        at: '2026-06-13T09:00:00.000Z',
        reason: 'owner',
        actor: 'owner',
      });

      expect(second).toEqual({ before: first.after, after: first.after });
      expect(await store.get(EMAIL)).toEqual(first.after);
    });

    it('lets exactly one of concurrent unsubscribes change the contact', async () => {
      const store = await makeStore();

      const results = await Promise.all(
        ['a', 'b', 'c', 'd', 'e'].map((actor) => store.unsubscribe(EMAIL, { ...unsubscribeChange, actor })),
      );

      const changed = results.filter((r) => r.before === undefined);
      expect(changed).toHaveLength(1);
      const stored = await store.get(EMAIL);
      expect(stored).toEqual(changed[0]?.after);
      for (const r of results) expect(r.after).toEqual(stored);
    });

    it('records a checkout for a new email', async () => {
      const store = await makeStore();

      await store.recordCheckout(EMAIL, '2026-06-10T12:00:00.000Z');

      expect(await store.get(EMAIL)).toEqual({ emailKey: EMAIL, lastCheckoutAt: '2026-06-10T12:00:00.000Z' });
    });

    it('keeps the newest checkout whatever order they arrive in', async () => {
      const store = await makeStore();

      await store.recordCheckout(EMAIL, '2026-06-10T12:00:00.000Z');
      await store.recordCheckout(EMAIL, '2026-06-09T12:00:00.000Z');
      expect((await store.get(EMAIL))?.lastCheckoutAt).toBe('2026-06-10T12:00:00.000Z');

      await store.recordCheckout(EMAIL, '2026-06-11T12:00:00.000Z');
      expect((await store.get(EMAIL))?.lastCheckoutAt).toBe('2026-06-11T12:00:00.000Z');
    });
  });
}
