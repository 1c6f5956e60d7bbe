import { describe, expect, it } from 'vitest';
import { cartAuditView } from '#engine/domain/audit-view.js';
import { emailHash } from '#engine/domain/email-hash.js';
import { sampleCart } from '#test/fakes/sample-cart.js';

describe('cartAuditView', () => {
  it('keeps the status, totals, times and reminders of a cart, and only a hash of its email', () => {
    // Prepare
    const cart = sampleCart({
      status: 'written_off',
      checkedOutAt: '2026-06-11T09:00:00.000Z',
      closedAt: '2026-06-11T10:00:00.000Z',
      closedWhy: 'owner: fraud',
      reminders: [
        {
          n: 1,
          state: 'sent',
          dueAt: '2026-06-10T15:00:00.000Z',
          at: '2026-06-10T15:00:01.000Z',
          messageId: 'msg-1',
          rulesVersion: 'v3',
        },
        {
          n: 2,
          state: 'skipped',
          dueAt: '2026-06-11T10:00:00.000Z',
          at: '2026-06-11T10:00:02.000Z',
          reason: 'frequency_cap',
        },
      ],
      version: 7,
    });

    // Act
    const view = cartAuditView(cart);

    // Assess
    expect(view).toEqual({
      id: 'cart-1001',
      status: 'written_off',
      emailHash: emailHash('shopper@example.com'),
      total: '178.50',
      currency: 'USD',
      items: 2,
      lastActivityAt: '2026-06-10T14:00:00.000Z',
      checkedOutAt: '2026-06-11T09:00:00.000Z',
      closedWhy: 'owner: fraud',
      reminders: [
        { n: 1, state: 'sent', at: '2026-06-10T15:00:01.000Z' },
        { n: 2, state: 'skipped', at: '2026-06-11T10:00:02.000Z', reason: 'frequency_cap' },
      ],
      version: 7,
    });
    expect(Object.keys(view.reminders[0] ?? {})).toEqual(['n', 'state', 'at']);
  });

  it('keeps how a purchase was credited and when the link of each reminder was first clicked', () => {
    const cart = sampleCart({
      status: 'recovered',
      checkedOutAt: '2026-06-11T09:00:00.000Z',
      attribution: 'recovered_through_link',
      reminders: [
        {
          n: 1,
          state: 'sent',
          dueAt: '2026-06-10T15:00:00.000Z',
          at: '2026-06-10T15:00:01.000Z',
          clickedAt: '2026-06-10T16:20:00.000Z',
        },
      ],
    });

    const view = cartAuditView(cart);

    expect(view.attribution).toBe('recovered_through_link');
    expect(view.reminders).toEqual([
      { n: 1, state: 'sent', at: '2026-06-10T15:00:01.000Z', clickedAt: '2026-06-10T16:20:00.000Z' },
    ]);
  });

  it('leaves out what a cart does not have', () => {
    // Prepare: a cart known only from its id, no email, snapshot or activity.
    const cart = sampleCart({ snapshot: null, emailKey: undefined, lastActivityAt: undefined });

    // Act
    const view = cartAuditView(cart);

    // Assess
    expect(view).toStrictEqual({ id: 'cart-1001', status: 'open', reminders: [], version: 1 });
  });
});
