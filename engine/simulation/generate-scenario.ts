import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { TimeHeap } from '../adapters/memory/time-heap.js';
import type { CartItemInput, CartUpdatedInput } from '../domain/cart-event.js';
import { isoTime } from '../domain/iso-time.js';
import type { ScenarioInput, ScenarioLine } from './scenario-line.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface GenerateOptions {
  carts: number;
  days: number;
  seed: number;
  /** First day of the month; default 2026-03-01, so the month crosses the US and EU DST changes. */
  start?: Date;
  /**
   * Only the lines of shard `index` of `count`: shoppers (and carts without an email) are split so
   * that nothing one shard's lines do can affect another's (the frequency cap and checkouts only ever
   * couple carts of one email). Each cart is drawn from its own generator, seeded by the month's, so
   * the shards of a seed together are exactly the unsharded month.
   */
  shard?: { index: number; count: number };
  /**
   * The chance that a shopper who left a cart comes back and buys it without any reminder, 30 to 90
   * hours after leaving it. Default {@link DEFAULT_RETURN_RATE}.
   */
  returnRate?: number;
  /**
   * The extra chance that they come back because they were reminded: such a checkout is a line with
   * `"if": "reminded"`, delivered only for a cart in the reminded group. With a holdout, this is the
   * true lift the summary measures. Default {@link DEFAULT_UPLIFT}.
   */
  uplift?: number;
}

/** The month's first day unless given: it crosses the US and EU clock changes. */
export const DEFAULT_MONTH_START = new Date('2026-03-01T00:00:00Z');
export const DEFAULT_RETURN_RATE = 0.1;
export const DEFAULT_UPLIFT = 0.05;

const ZONES = [
  undefined,
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'Europe/Berlin',
  'Europe/London',
  'Asia/Kolkata',
  'Australia/Adelaide',
] as const;
const LOCALES = ['en-US', 'en-US', 'en-GB', 'de-DE', 'fr-FR', 'en-IN'] as const;
const CATALOG = [
  { sku: 'TEE-1', title: 'Organic cotton tee', price: 21.25 },
  { sku: 'HOOD-2', title: 'Heavyweight hoodie', price: 64 },
  { sku: 'CAP-3', title: 'Canvas cap', price: 18.5 },
  { sku: 'BOOT-4', title: 'Leather boots', price: 149 },
  { sku: 'SOCK-5', title: 'Wool socks (3 pairs)', price: 12.9 },
  { sku: 'JKT-6', title: 'Waxed jacket', price: 229 },
  { sku: 'BAG-7', title: 'Weekender bag', price: 98 },
  { sku: 'MUG-8', title: 'Enamel mug', price: 9.75 },
].map((p) => ({
  ...p,
  priceText: p.price.toFixed(2),
  url: `https://shop.example.com/products/${p.sku.toLowerCase()}`,
  imageUrl: `https://shop.example.com/images/${p.sku.toLowerCase()}.jpg`,
}));

type Rng = ReturnType<typeof xoroshiro128plus>;
const chance = (rng: Rng, p: number) => uniformFloat64(rng) < p;
const int = (rng: Rng, from: number, to: number) => uniformInt(rng, from, to);
const pick = <T>(rng: Rng, list: readonly T[]): T => list[int(rng, 0, list.length - 1)] as T;

/**
 * A realistic month of a small store, streamed in delivery order: several updates per cart, returning
 * shoppers with more than one cart, checkouts before reminders and shoppers who come back later (some
 * anyway, some only when reminded: `returnRate` and `uplift`), a few unsubscribes and
 * owner actions, late and repeated deliveries, a few broken events, and shoppers in many time zones
 * across DST changes. The same options always give the same lines.
 */
export function* generateScenario(options: GenerateOptions): Generator<ScenarioLine> {
  const rng = xoroshiro128plus(options.seed);
  const start = (options.start ?? DEFAULT_MONTH_START).getTime();
  const span = options.days * DAY;
  const shoppers = Math.max(1, Math.round(options.carts * 0.8));
  const returnRate = options.returnRate ?? DEFAULT_RETURN_RATE;
  const uplift = options.uplift ?? DEFAULT_UPLIFT;
  if (!(returnRate >= 0 && uplift >= 0 && returnRate + uplift <= 1))
    throw new RangeError('returnRate and uplift must be chances from 0 to 1 that add up to at most 1');

  // Cart start times, sorted, so carts can be generated lazily in time order.
  const starts = new Float64Array(options.carts);
  for (let i = 0; i < options.carts; i++) starts[i] = start + Math.floor(uniformFloat64(rng) * span);
  starts.sort();

  // Lines waiting for their delivery time, so a month streams out in order without being held whole.
  const heap = new TimeHeap<ScenarioInput>();
  const push = (line: ScenarioInput) => heap.push(line, line.at);
  let next = 0;
  let lineNo = 0;

  const makeCart = (index: number, begin: number) => {
    // The month's generator draws only who the cart belongs to and a seed for the cart's own
    // generator, which draws everything else: a shard skips another shard's cart after three draws
    // (a shard of six would otherwise draw everything for five carts it drops for each one it keeps),
    // and every shard still sees exactly the carts the whole month has.
    const shopper = int(rng, 0, shoppers - 1);
    const hasEmail = !chance(rng, 0.1);
    const cartSeed = rng.next();
    const key = hasEmail ? shopper : shoppers + index;
    if (options.shard && key % options.shard.count !== options.shard.index) return;
    const own = xoroshiro128plus(cartSeed);
    const id = `cart_${index.toString(36).padStart(5, '0')}`;
    const email = hasEmail ? `shopper${shopper}@example.com` : undefined;
    const returnUrl = `https://shop.example.com/cart/restore/${id}`;
    const timezone = pick(own, ZONES);
    const locale = pick(own, LOCALES);
    const consent = chance(own, 0.7);
    const source = chance(own, 0.85) ? 'storefront' : chance(own, 0.5) ? 'saved_link' : 'import';
    const items: CartItemInput[] = [];
    const updates = int(own, 1, 4);
    let total = 0;
    let at = begin;
    let lastUpdate = begin;
    for (let u = 0; u < updates; u++) {
      if (u > 0) at += int(own, 1, 40) * MINUTE;
      const product = pick(own, CATALOG);
      const shouted = hasEmail && chance(own, 0.05);
      // Most deliveries are near-instant; some arrive late, after newer ones; a few come twice.
      const delay = chance(own, 0.03) ? int(own, 5, 90) * MINUTE : int(own, 0, 5) * 1000;
      const repeatAfter = chance(own, 0.01) ? int(own, 1, 60) * 1000 : undefined;
      lastUpdate = at;
      const existing = items.find((i) => i.sku === product.sku);
      if (existing) existing.quantity++;
      else
        items.push({
          sku: product.sku,
          title: product.title,
          quantity: 1,
          price: product.priceText,
          url: product.url,
          imageUrl: product.imageUrl,
        });
      total += product.price;
      const event: CartUpdatedInput = {
        id: `evt_${id}_${u}`,
        type: 'cart.updated',
        occurredAt: isoTime(at),
        cart: {
          id,
          ...(email ? { email: shouted ? ` ${email.toUpperCase()} ` : email } : {}),
          currency: 'USD',
          total: total.toFixed(2),
          items: items.map((i) => ({ ...i })),
          returnUrl,
          ...(timezone ? { timezone } : {}),
          locale,
          marketingConsent: consent,
          source,
        },
      };
      push({ at: at + delay, event });
      if (repeatAfter !== undefined) push({ at: at + delay + repeatAfter, event });
    }
    const bad = chance(own, 0.004);
    const fate = uniformFloat64(own);
    // A quarter buy within the hour, before any first reminder is due (the shortest default wait is
    // 1 h): so every cart that gets as far as a reminder, or a held-out one, had the same chance to
    // come back, and the measured lift is the uplift.
    const checkoutAfter = fate < 0.25 ? int(own, 5, 55) * MINUTE : undefined;
    const back = uniformFloat64(own);
    const backAfter = int(own, 30, 90) * HOUR;
    const comesBack =
      checkoutAfter !== undefined
        ? undefined
        : back < returnRate
          ? 'anyway'
          : back < returnRate + uplift
            ? 'if_reminded'
            : undefined;
    const unsubscribeAfter =
      checkoutAfter === undefined && fate < 0.27 && hasEmail ? int(own, 6, 48) * HOUR : undefined;
    const actionAfter =
      checkoutAfter === undefined && unsubscribeAfter === undefined && fate < 0.285
        ? int(own, 1, 30) * HOUR
        : undefined;
    if (bad) {
      push({
        at: lastUpdate + 1000,
        event: { id: `evt_${id}_bad`, type: 'cart.updated', occurredAt: 'yesterday', cart: { id } },
      });
    }
    if (comesBack !== undefined) {
      const when = lastUpdate + backAfter;
      push({
        at: when,
        event: { id: `evt_${id}_back`, type: 'cart.checked_out', occurredAt: isoTime(when), cart: { id } },
        ...(comesBack === 'if_reminded' ? { if: 'reminded' as const } : {}),
      });
    }
    if (checkoutAfter !== undefined) {
      const when = lastUpdate + checkoutAfter;
      push({
        at: when,
        event: { id: `evt_${id}_co`, type: 'cart.checked_out', occurredAt: isoTime(when), cart: { id } },
      });
    } else if (unsubscribeAfter !== undefined && email) {
      push({ at: lastUpdate + unsubscribeAfter, action: 'unsubscribe', email });
    } else if (actionAfter !== undefined) {
      push(
        fate < 0.28
          ? { at: lastUpdate + actionAfter, action: 'suppress', cartId: id, reason: 'customer called' }
          : { at: lastUpdate + actionAfter, action: 'write_off', cartId: id, reason: 'out of stock' },
      );
    }
  };

  while (next < options.carts || heap.size > 0) {
    const nextStart = next < options.carts ? (starts[next] ?? Infinity) : Infinity;
    const top = heap.peekTime();
    if (top === undefined || nextStart <= top) {
      makeCart(next, nextStart);
      next++;
      continue;
    }
    const line = heap.pop() as ScenarioLine | undefined;
    if (line) {
      // The heap's own object, numbered in place: nothing else holds it.
      line.line = ++lineNo;
      yield line;
    }
  }
}
