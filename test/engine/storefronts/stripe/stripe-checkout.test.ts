import { describe, expect, it } from 'vitest';
import { parseCartEvent } from '#engine/domain/cart-event.js';
import type { CheckoutLineItem } from '#engine/ports.js';
import {
  expiredSessionEvent,
  minorToDecimal,
  stripeCartEvent,
} from '#engine/storefronts/stripe/stripe-checkout.js';
import completedFixture from '#test/events/stripe/checkout-session-completed-unpaid.json' with {
  type: 'json',
};
import expiredFixture from '#test/events/stripe/checkout-session-expired.json' with { type: 'json' };
import lineItemsFixture from '#test/events/stripe/line-items.json' with { type: 'json' };

const lines: CheckoutLineItem[] = lineItemsFixture.map((line) => ({
  id: line.id,
  description: line.description,
  quantity: line.quantity,
  unitAmount: line.price.unit_amount,
  amountSubtotal: line.amount_subtotal,
  productId: line.price.product,
}));

describe('stripeCartEvent', () => {
  it('asks for the line items of an expired session with a recovery URL, then makes it a cart update', () => {
    const step = stripeCartEvent(structuredClone(expiredFixture));
    if (step.kind !== 'line_items') throw new Error(`expected line_items, got ${step.kind}`);

    const translation = expiredSessionEvent(step.expired, lines);

    expect(step.expired.sessionId).toBe(expiredFixture.data.object.id);
    expect(translation).toMatchObject({
      kind: 'event',
      event: {
        id: 'stripe:evt_1RfJ2kLkdIwHu7ix0aXxYcSd',
        type: 'cart.updated',
        occurredAt: new Date(expiredFixture.created * 1000).toISOString(),
        cart: {
          id: `stripe:${expiredFixture.data.object.id}`,
          email: 'Linus.Stripe@Example.com',
          currency: 'USD',
          total: '29.50',
          items: [
            { sku: 'prod_SaMug8EnAmEl', title: 'Enamel mug', quantity: 2, price: '9.75' },
            { sku: 'prod_SaBeAnS250g', title: 'Coffee beans, 250 g', quantity: 1, price: '10.00' },
          ],
          returnUrl: 'https://buy.stripe.com/r/test_eVa4gH8mQ2cE1pK7ss',
          marketingConsent: true,
        },
      },
    });
    if (translation.kind === 'event') expect(parseCartEvent(translation.event).ok).toBe(true);
  });

  it('skips an expired session without a recovery URL, saying why', () => {
    const event = structuredClone(expiredFixture);
    Object.assign(event.data.object, { after_expiration: null });

    expect(stripeCartEvent(event)).toEqual({
      kind: 'ignored',
      reason: 'the expired session has no recovery URL (turn on after_expiration.recovery)',
    });
  });

  it('takes a completed but unpaid session (a bank transfer to come) as a checkout of the session it recovered', () => {
    expect(completedFixture.data.object.payment_status).toBe('unpaid');
    expect(stripeCartEvent(structuredClone(completedFixture))).toMatchObject({
      kind: 'event',
      event: {
        id: 'stripe:evt_1RfJ9qLkdIwHu7ixW1bC2dE3',
        type: 'cart.checked_out',
        cart: { id: `stripe:${expiredFixture.data.object.id}`, email: 'Linus.Stripe@Example.com' },
      },
    });
  });

  it('ignores other event types and names malformed fields', () => {
    expect(stripeCartEvent({ ...structuredClone(expiredFixture), type: 'charge.succeeded' })).toEqual({
      kind: 'ignored',
      reason: 'the event type "charge.succeeded" is not one we use',
    });
    const bad = structuredClone(expiredFixture);
    Object.assign(bad.data.object, { amount_total: '29.50' });
    expect(stripeCartEvent(bad)).toEqual({
      kind: 'invalid',
      errors: [{ path: 'data.object.amount_total', message: 'must be a whole amount in minor units' }],
    });
  });

  it.each([
    ['past what a date holds', Number.MAX_SAFE_INTEGER],
    ['before 1970', -1e15],
    ['after 9999', 1e13],
  ])('names a created time %s as the field to fix, and never throws', (_what, created) => {
    for (const fixture of [expiredFixture, completedFixture]) {
      expect(stripeCartEvent({ ...structuredClone(fixture), created })).toEqual({
        kind: 'invalid',
        errors: [{ path: 'created', message: 'must be a Unix time in seconds' }],
      });
    }
  });
});

describe('minorToDecimal', () => {
  it("reads Stripe's minor units by each currency's exponent, Stripe's own where it differs from ISO", () => {
    expect(minorToDecimal(17850, 'usd')).toBe('178.50');
    expect(minorToDecimal(1200, 'JPY')).toBe('1200');
    expect(minorToDecimal(12345, 'KWD')).toBe('12.345');
    // Stripe takes ISK in hundredths though ISO 4217 gives it no decimals.
    expect(minorToDecimal(50000, 'ISK')).toBe('500');
  });
});
