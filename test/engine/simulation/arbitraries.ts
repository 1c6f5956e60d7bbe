import fc from 'fast-check';
import type { CartCheckedOutInput, CartEventInput, CartUpdatedInput } from '#engine/domain/cart-event.js';
import { parseRules, type Rules } from '#engine/domain/rules.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Cart zones the generator picks from; `undefined` means the cart falls back to the store's zone. */
export const CART_ZONES = [
  undefined,
  'Europe/Berlin',
  'Asia/Kolkata',
  'America/New_York',
  'Australia/Adelaide',
] as const;
const STORE_ZONES = ['Europe/Berlin', 'Asia/Kolkata', 'America/New_York', 'Australia/Adelaide'] as const;

/** Around the EU DST change (2026-03-29 01:00 UTC; Adelaide's ends on 2026-04-05) and a plain June week. */
const STARTS = [Date.parse('2026-03-28T00:00:00Z'), Date.parse('2026-06-09T00:00:00Z')] as const;

const BASE_EMAILS = [
  'ana@example.com',
  'Bo.Chen@Shop.example',
  'chris+carts@example.org',
  'dana@example.net',
] as const;

/** How a storefront may spell the same address: case changes and surrounding whitespace. */
export type EmailVariant = 'as_is' | 'upper' | 'lower' | 'padded' | 'capitalized';

export function spellEmail(email: string, variant: EmailVariant): string {
  switch (variant) {
    case 'as_is':
      return email;
    case 'upper':
      return email.toUpperCase();
    case 'lower':
      return email.toLowerCase();
    case 'padded':
      return `  ${email}\t`;
    case 'capitalized':
      return email.charAt(0).toUpperCase() + email.slice(1).toLowerCase();
  }
}

/** A scenario line as the generator builds it: a `ScenarioLine` whose event is known to be well formed. */
export type GeneratedLine =
  | { at: number; line: number; event: CartEventInput }
  | { at: number; line: number; action: 'suppress' | 'write_off'; cartId: string }
  | { at: number; line: number; action: 'unsubscribe'; email: string };

type Unnumbered<T> = T extends unknown ? Omit<T, 'line'> : never;

export interface Scenario {
  /** The rules doc as written by the owner (kept for readable counterexamples). */
  rulesDoc: Record<string, unknown>;
  rules: Rules;
  /** In delivery order: `at` never decreases. */
  lines: GeneratedLine[];
}

const variantArb = fc.constantFrom<EmailVariant>('as_is', 'upper', 'lower', 'padded', 'capitalized');

// Minutes after the start; often on the hour, so lines, wake-ups and quiet-hour ends can coincide.
const minuteArb = (hours: number) =>
  fc.oneof(
    fc.integer({ min: 0, max: hours * 60 }),
    fc.integer({ min: 0, max: hours }).map((h) => h * 60),
  );

const delayArb = fc.oneof(
  { arbitrary: fc.constant(0), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 10 }), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 48 * 60 }), weight: 2 },
);

// Totals cluster on the default tier boundaries, where an off-by-one in `tierFor` would show.
const totalArb = fc.oneof(
  fc.integer({ min: 0, max: 300 }),
  fc.constantFrom(0, 49.99, 50, 50.01, 149.99, 150, 300),
);

const updateArb = fc.record({
  occurredMin: minuteArb(72),
  delayMin: delayArb,
  total: totalArb,
  zone: fc.constantFrom(...CART_ZONES),
  consent: fc.constantFrom(true, true, true, false, undefined),
  withEmail: fc.constantFrom(true, true, true, false),
  variant: variantArb,
  itemCount: fc.constantFrom(1, 1, 1, 2, 0),
});

const checkoutArb = fc.record({
  occurredMin: minuteArb(96),
  delayMin: delayArb,
  withEmail: fc.boolean(),
  variant: variantArb,
});

const cartArb = fc.record({
  shopper: fc.option(fc.nat({ max: 3 }), { nil: null, freq: 4 }),
  updates: fc.array(updateArb, { minLength: 1, maxLength: 4 }),
  // Mostly abandoned: a checkout also closes the shopper's other carts, which would leave little to remind.
  checkout: fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: checkoutArb, weight: 1 }),
});

const clockArb = fc
  .record({
    // Often 01:00-03:59, the hours DST changes skip or repeat.
    h: fc.oneof(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 1, max: 3 })),
    m: fc.oneof(fc.constantFrom(0, 30), fc.integer({ min: 0, max: 59 })),
  })
  .map(({ h, m }) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

const waitArb = fc.integer({ min: 1, max: 120 }).map((quarters) => quarters / 4);

const tiersArb = fc
  .uniqueArray(
    fc.record({
      minTotal: fc.oneof(fc.constantFrom(50, 150), fc.integer({ min: 1, max: 299 })),
      firstWaitHours: waitArb,
      secondWaitHours: waitArb,
    }),
    { minLength: 1, maxLength: 3, selector: (t) => t.minTotal },
  )
  .map((tiers) => tiers.map((t, i) => ({ name: `tier-${i}`, ...t, minTotal: i === 0 ? 0 : t.minTotal })));

/** A rules doc with random limits, consent policy, cap, quiet hours (across midnight too) and tiers. */
export const rulesDocArb: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    storeZone: fc.constantFrom(...STORE_ZONES),
    maxReminders: fc.constantFrom(0, 1, 2, 2),
    consent: fc.constantFrom('any', 'first_only', 'required'),
    frequencyCapHours: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 96 })),
    quietStart: clockArb,
    quietEnd: clockArb,
    tiers: tiersArb,
    // Mostly the defaults: a cart that gave up early ignores the shopper's later updates.
    giveUpAfterHours: fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 96 }), weight: 1 },
      { arbitrary: fc.constant(72), weight: 2 },
    ),
    maxCartAgeHours: fc.oneof(
      { arbitrary: fc.integer({ min: 24, max: 240 }), weight: 1 },
      { arbitrary: fc.constant(168), weight: 2 },
    ),
  })
  .map((r) => ({
    store: {
      name: 'Property Store',
      timezone: r.storeZone,
      currency: 'EUR',
      fromEmail: 'hello@store.example',
      address: '1 Test Street',
    },
    tiers: r.tiers,
    quietHours: { start: r.quietStart, end: r.quietEnd },
    frequencyCapHours: r.frequencyCapHours,
    maxReminders: r.maxReminders,
    giveUpAfterHours: r.giveUpAfterHours,
    maxCartAgeHours: r.maxCartAgeHours,
    consent: r.consent,
  }));

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A random stream of cart events and actions in delivery order: 2-4 shoppers (spelled in several
 * ways), 1-6 carts (some without email) with 1-4 updates each and maybe a checkout, delivered late and
 * out of order, some delivered twice; owner suppressions and write-offs; shopper unsubscribes.
 */
export const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    rulesDoc: rulesDocArb,
    start: fc.constantFrom(...STARTS),
    startShiftHours: fc.integer({ min: 0, max: 47 }),
    shopperCount: fc.integer({ min: 2, max: 4 }),
    carts: fc.array(cartArb, { minLength: 1, maxLength: 6 }),
    ownerActions: fc.array(
      fc.record({
        action: fc.constantFrom('suppress' as const, 'write_off' as const),
        cart: fc.nat({ max: 5 }),
        atMin: minuteArb(96),
      }),
      { maxLength: 3 },
    ),
    unsubscribes: fc.array(
      fc.record({
        shopper: fc.nat({ max: 3 }),
        variant: variantArb,
        atMin: minuteArb(96),
      }),
      { maxLength: 2 },
    ),
    duplicates: fc.array(
      fc.record({ of: fc.nat(), extraMin: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 24 * 60 })) }),
      { maxLength: 3 },
    ),
  })
  .map((spec): Scenario => {
    const start = spec.start + spec.startShiftHours * HOUR;
    const emails = BASE_EMAILS.slice(0, spec.shopperCount);
    const pending: Unnumbered<GeneratedLine>[] = [];
    const events: { at: number; event: CartEventInput }[] = [];

    spec.carts.forEach((cart, i) => {
      const cartId = `cart-${i + 1}`;
      const email = cart.shopper === null ? undefined : emails[cart.shopper % emails.length];
      cart.updates.forEach((u, k) => {
        const total = u.total.toFixed(2);
        const event: CartUpdatedInput = {
          id: `evt-${i + 1}-${k + 1}`,
          type: 'cart.updated',
          occurredAt: iso(start + u.occurredMin * MINUTE),
          cart: {
            id: cartId,
            ...(email && u.withEmail ? { email: spellEmail(email, u.variant) } : {}),
            currency: 'EUR',
            total,
            items: Array.from({ length: u.itemCount }, (_, j) => ({
              sku: `SKU-${j + 1}`,
              title: `Item ${j + 1}`,
              quantity: 1,
              price: total,
            })),
            returnUrl: `https://store.example/cart/${cartId}`,
            ...(u.zone ? { timezone: u.zone } : {}),
            locale: 'en-US',
            ...(u.consent === undefined ? {} : { marketingConsent: u.consent }),
          },
        };
        events.push({ at: start + (u.occurredMin + u.delayMin) * MINUTE, event });
      });
      if (cart.checkout) {
        const c = cart.checkout;
        const event: CartCheckedOutInput = {
          id: `chk-${i + 1}`,
          type: 'cart.checked_out',
          occurredAt: iso(start + c.occurredMin * MINUTE),
          cart: { id: cartId, ...(email && c.withEmail ? { email: spellEmail(email, c.variant) } : {}) },
        };
        events.push({ at: start + (c.occurredMin + c.delayMin) * MINUTE, event });
      }
    });
    pending.push(...events);
    for (const d of spec.duplicates) {
      const original = events[d.of % events.length];
      // The very same object, as a webhook retry would deliver it.
      if (original) pending.push({ at: original.at + d.extraMin * MINUTE, event: original.event });
    }
    for (const a of spec.ownerActions) {
      pending.push({
        at: start + a.atMin * MINUTE,
        action: a.action,
        cartId: `cart-${(a.cart % spec.carts.length) + 1}`,
      });
    }
    for (const u of spec.unsubscribes) {
      const email = emails[u.shopper % emails.length] ?? BASE_EMAILS[0];
      pending.push({
        at: start + u.atMin * MINUTE,
        action: 'unsubscribe',
        email: spellEmail(email, u.variant),
      });
    }
    // A stable sort: lines at the same instant keep the order they were built in.
    const lines = pending
      .map((line, order) => ({ line, order }))
      .sort((a, b) => a.line.at - b.line.at || a.order - b.order)
      .map(({ line }, index) => ({ ...line, line: index + 1 }) as GeneratedLine);
    return { rulesDoc: spec.rulesDoc, rules: parseRules(spec.rulesDoc), lines };
  });
