import { describe, expect, it } from 'vitest';
import { emailHash } from '#engine/domain/email-hash.js';
import { type CartView, emailLine, heldBack, webhookLine } from '#engine/local/developer-routes.js';

const NOW = Date.parse('2026-06-10T14:00:00Z');
const open: CartView = { id: 'c-1', status: 'open', reminders: [] };

describe('heldBack', () => {
  it("names the engine's reason for a skipped reminder", () => {
    const cart: CartView = {
      ...open,
      reminders: [{ n: 1, state: 'skipped', reason: 'frequency_cap', dueAt: '', at: '' }],
    };

    expect(heldBack(cart, NOW)).toBe(
      'reminder 1 was skipped by the frequency cap (this address got a reminder for another cart within frequencyCapHours)',
    );
  });

  it('says a closed cart gets no reminder, and when a wake-up is far off', () => {
    expect(heldBack({ ...open, status: 'unsubscribed' }, NOW)).toBe(
      'the cart is closed (unsubscribed), so no reminder goes',
    );
    expect(heldBack({ ...open, wake: { at: '2026-06-11T06:00:00.000Z', seq: 2 } }, NOW)).toBe(
      'no reminder now: the engine next looks at this cart at 2026-06-11T06:00:00.000Z (quiet hours, its wait, or rules that send no more)',
    );
  });

  it('says nothing while the reminder is on its way or being sent', () => {
    expect(heldBack({ ...open, wake: { at: '2026-06-10T14:01:00.000Z', seq: 1 } }, NOW)).toBeUndefined();
    expect(
      heldBack({ ...open, reminders: [{ n: 1, state: 'sending', dueAt: '', at: '' }] }, NOW),
    ).toBeUndefined();
  });
});

describe('terminal lines', () => {
  it('names an accepted, duplicate or rejected event, and nothing else', () => {
    const body = JSON.stringify({ eventId: 'e-1', cartId: 'c-1' });
    expect(webhookLine({ statusCode: 202, body })).toBe('event accepted   e-1 (cart c-1)');
    expect(webhookLine({ statusCode: 400, body: JSON.stringify({ errors: [{}, {}] }) })).toBe(
      'event rejected   2 field error(s): see the answer for each field',
    );
    expect(webhookLine({ statusCode: 401, body: '{}' })).toBeUndefined();
  });

  it('shows a hash of the recipient, the one the logs use, never the address', () => {
    const line = emailLine({ subject: 'Hi', destination: { to: ['Ann <Ann@Example.com>'] } });

    expect(line).toBe(`email sent       to ${emailHash('ann@example.com')}: "Hi"`);
    expect(line).not.toMatch(/ann/i);
  });
});
