import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StripeApiError, StripeLineItems } from '#engine/adapters/stripe-line-items.js';
import {
  type LocalStripe,
  type StripeLineItemObject,
  startLocalStripe,
} from '#engine/local/stripe-server.js';
import lineItemsFixture from '#test/events/stripe/line-items.json' with { type: 'json' };

const KEY = 'rk_test_lineitems_0123456789abcdef';
const LINES = lineItemsFixture as StripeLineItemObject[];

/** `n` lines like the fixture's first, with their own ids. */
const manyLines = (n: number): StripeLineItemObject[] =>
  Array.from({ length: n }, (_, i) => ({
    ...structuredClone(LINES[0] as StripeLineItemObject),
    id: `li_${i}`,
  }));

describe('StripeLineItems (the stripe package against the local Stripe API)', () => {
  let stripe: LocalStripe;
  const reader = (key = KEY) => new StripeLineItems({ restrictedKey: key, apiUrl: stripe.endpoint });

  beforeAll(async () => {
    stripe = await startLocalStripe({ apiKey: KEY });
  });
  afterAll(async () => {
    await stripe?.stop();
  });

  it("lists a session's lines as plain values, the product as the SKU", async () => {
    stripe.setSession('cs_a', LINES);

    expect(await reader().list('cs_a')).toEqual([
      {
        id: 'li_1RfJ2kLkdIwHu7ixAbCdEfGh',
        description: 'Enamel mug',
        quantity: 2,
        unitAmount: 975,
        amountSubtotal: 1950,
        productId: 'prod_SaMug8EnAmEl',
      },
      {
        id: 'li_1RfJ2kLkdIwHu7ixIjKlMnOp',
        description: 'Coffee beans, 250 g',
        quantity: 1,
        unitAmount: 1000,
        amountSubtotal: 1000,
        productId: 'prod_SaBeAnS250g',
      },
    ]);
  });

  it('follows pages, and reads at most the 200 lines a cart may hold', async () => {
    stripe.setSession('cs_many', manyLines(250));

    const lines = await reader().list('cs_many');

    expect(lines).toHaveLength(200);
    expect(lines.at(-1)?.id).toBe('li_199');
  });

  it('says a bad key and an unknown session are refused, a lasting rate limit or outage unavailable', async () => {
    stripe.setSession('cs_busy', LINES, [{ status: 429 }]);
    stripe.setSession('cs_down', LINES, [{ status: 500 }, { status: 500 }, { status: 500 }]);

    const badKey = await reader('rk_test_wrong_0123456789abcdef')
      .list('cs_a')
      .catch((e: unknown) => e);
    const unknown = await reader()
      .list('cs_nope')
      .catch((e: unknown) => e);
    const busy = await reader()
      .list('cs_busy')
      .catch((e: unknown) => e);
    const down = await reader()
      .list('cs_down')
      .catch((e: unknown) => e);

    expect(badKey).toMatchObject({
      name: 'StripeApiError',
      reason: 'refused',
      type: 'StripeAuthenticationError',
      status: 401,
    });
    expect(unknown).toMatchObject({ reason: 'refused', type: 'StripeInvalidRequestError', status: 404 });
    expect(busy).toMatchObject({ reason: 'unavailable', type: 'StripeRateLimitError', status: 429 });
    expect(down).toBeInstanceOf(StripeApiError);
    expect(down).toMatchObject({ reason: 'unavailable', status: 500 });
    expect((badKey as Error).message).not.toContain('rk_test_wrong');
  });

  it('retries once what Stripe says to retry (and a 5xx), and no more', async () => {
    stripe.setSession('cs_retry', LINES, [{ status: 429, shouldRetry: true }]);
    stripe.setSession('cs_5xx', LINES, [{ status: 500 }]);
    stripe.setSession('cs_twice', LINES, [{ status: 500 }, { status: 503 }]);

    expect(await reader().list('cs_retry')).toHaveLength(2);
    expect(await reader().list('cs_5xx')).toHaveLength(2);
    expect(
      await reader()
        .list('cs_twice')
        .catch((e: unknown) => e),
    ).toMatchObject({ reason: 'unavailable', status: 503 });
  });
});
