import { describe, expect, it } from 'vitest';
import { samples } from '#engine/local/demo-stores.js';
import type { LocalSecrets } from '#engine/local/start.js';

const secrets: LocalSecrets = {
  webhookSecret: 'whsec_demo',
  ownerSecret: 'owner_demo',
  unsubscribeKey: 'key_demo',
  shopify: { clientSecret: 'shpss_demo' },
  woocommerce: { webhookSecret: 'wc_demo' },
  stripe: { webhookSecret: 'whsec_stripe_demo', restrictedKey: 'rk_test_demo' },
};

/** Every shopper address a run's deliveries carry, carts and orders alike, lower-cased. */
async function addressesOf(run: string, now: Date): Promise<{ watched: string[]; sent: string[] }> {
  const { carts, orders } = await samples(secrets, 'Europe/Berlin', run, now);
  const sent = [...carts, ...orders()].flatMap((sample) =>
    [...sample.body.matchAll(/"(?:contact_)?email":"([^"]+)"/g)].map((match) =>
      (match[1] as string).toLowerCase(),
    ),
  );
  return { watched: carts.map((c) => c.email), sent };
}

describe('npm run demo -- --stores samples', () => {
  it("gives each run its own shopper addresses, so one run's emails never pass for another's", async () => {
    // Prepare
    const now = new Date('2026-06-10T12:00:00Z');

    // Act
    const first = await addressesOf(String(now.getTime()), now);
    const second = await addressesOf(String(now.getTime() + 60_000), new Date(now.getTime() + 60_000));

    // Assess
    expect(first.watched).toHaveLength(3);
    expect(new Set(first.watched).size).toBe(3);
    expect(first.watched.filter((address) => second.watched.includes(address))).toEqual([]);
    // The demo watches the addresses its own carts and orders carry.
    expect(first.sent.filter((address) => !first.watched.includes(address))).toEqual([]);
  });
});
