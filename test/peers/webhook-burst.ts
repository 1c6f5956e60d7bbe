/**
 * A bounded burst of signed storefront deliveries against a running local stack, as a busy storefront
 * with retries and bugs sends them: distinct events (up to three per cart, out of order), exact
 * duplicates of some, and bodies the schema refuses. Shared by the load test and `npm run bench`.
 */
import { performance } from 'node:perf_hooks';
import type { CartStore } from '#engine/ports.js';
import { cartUpdatedEvent, daytimeZone, signedHeaders } from '#test/fakes/storefront-events.js';

export interface BurstOptions {
  url: string;
  webhookSecret: string;
  /** Deliveries in all. */
  requests: number;
  concurrency: number;
  /** Shares of the deliveries that repeat an earlier event and that are invalid. */
  duplicates?: number;
  invalid?: number;
}

type Event = ReturnType<typeof cartUpdatedEvent>;

interface Delivery {
  /** The event it carries, or undefined for an invalid body. */
  event?: Event;
  body: string;
}

export interface BurstResult {
  requests: number;
  seconds: number;
  perSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Answers by status code. */
  statuses: Record<number, number>;
  /** Distinct valid events sent, and how many of them got exactly one 202. */
  distinct: number;
  acceptedOnce: number;
  /** Invalid bodies answered with a 4xx. */
  invalidRefused: number;
  invalidSent: number;
  /** Event ids answered 202, by cart; and each cart's newest event. */
  accepted: Map<string, string[]>;
  newest: Map<string, Event>;
}

/** A seeded generator, so a burst is the same every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Bodies the schema must refuse with a 400, one kind after another. */
const INVALID: ((e: Event) => unknown)[] = [
  (e) => ({ ...e, cart: { ...e.cart, id: '' } }),
  (e) => ({ ...e, cart: { ...e.cart, email: 'not an email' } }),
  (e) => ({ ...e, cart: { ...e.cart, total: '-1.00' } }),
  (e) => ({ ...e, occurredAt: 'yesterday' }),
  (e) => ({ ...e, type: 'cart.exploded' }),
];

/** The deliveries of a burst, in the order they are sent. */
export function burstDeliveries(
  options: Pick<BurstOptions, 'requests' | 'duplicates' | 'invalid'>,
): Delivery[] {
  const draw = random(20261207);
  const now = new Date();
  const zone = daytimeZone(now);
  const invalidCount = Math.round(options.requests * (options.invalid ?? 0.1));
  const duplicateCount = Math.round(options.requests * (options.duplicates ?? 0.2));
  const distinctCount = options.requests - invalidCount - duplicateCount;
  const events: Event[] = [];
  for (let i = 0; i < distinctCount; i++) {
    // Three events a cart: the shopper adds to it over 20 minutes.
    const cart = Math.floor(i / 3);
    const event = cartUpdatedEvent({
      eventId: `evt-burst-${i}`,
      cartId: `cart-burst-${cart}`,
      email: `burst${cart}@example.com`,
      minutesAgo: 30 - (i % 3) * 10,
      timezone: zone,
      now,
    });
    event.cart.items[1] = { ...(event.cart.items[1] as (typeof event.cart.items)[1]), quantity: 1 + (i % 3) };
    event.cart.total = (129 + 24.75 * (1 + (i % 3))).toFixed(2);
    events.push(event);
  }
  const deliveries: Delivery[] = events.map((event) => ({ event, body: JSON.stringify(event) }));
  for (let i = 0; i < duplicateCount; i++) {
    const original = deliveries[Math.floor(draw() * events.length)] as Delivery;
    deliveries.push({ ...original });
  }
  for (let i = 0; i < invalidCount; i++) {
    const base = events[Math.floor(draw() * events.length)] as Event;
    deliveries.push({ body: JSON.stringify((INVALID[i % INVALID.length] as (e: Event) => unknown)(base)) });
  }
  // Shuffled: a cart's events arrive out of order, a duplicate may come before its original.
  for (let i = deliveries.length - 1; i > 0; i--) {
    const j = Math.floor(draw() * (i + 1));
    [deliveries[i], deliveries[j]] = [deliveries[j] as Delivery, deliveries[i] as Delivery];
  }
  return deliveries;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** Sends the burst, `concurrency` requests at a time, and tallies the answers. */
export async function runWebhookBurst(options: BurstOptions): Promise<BurstResult> {
  const deliveries = burstDeliveries(options);
  const statuses: Record<number, number> = {};
  const latencies: number[] = [];
  const accepts = new Map<string, number>();
  const accepted = new Map<string, string[]>();
  const newest = new Map<string, Event>();
  let invalidRefused = 0;
  for (const { event } of deliveries) {
    if (!event) continue;
    accepts.set(event.id, 0);
    const current = newest.get(event.cart.id);
    if (!current || current.occurredAt < event.occurredAt) newest.set(event.cart.id, event);
  }
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < deliveries.length) {
      const delivery = deliveries[next++] as Delivery;
      const t = performance.now();
      const response = await fetch(`${options.url}/webhook`, {
        method: 'POST',
        headers: signedHeaders(options.webhookSecret, delivery.body),
        body: delivery.body,
      });
      await response.arrayBuffer();
      latencies.push(performance.now() - t);
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      const { event } = delivery;
      if (!event) {
        if (response.status >= 400 && response.status < 500) invalidRefused++;
      } else if (response.status === 202) {
        accepts.set(event.id, (accepts.get(event.id) ?? 0) + 1);
        accepted.set(event.cart.id, [...(accepted.get(event.cart.id) ?? []), event.id]);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: deliveries.length,
    seconds,
    perSecond: deliveries.length / seconds,
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? 0,
    },
    statuses,
    distinct: accepts.size,
    acceptedOnce: [...accepts.values()].filter((n) => n === 1).length,
    invalidRefused,
    invalidSent: deliveries.filter((d) => !d.event).length,
    accepted,
    newest,
  };
}

/** Carts that miss an accepted event id or do not hold their newest snapshot, by id. */
export async function cartsOutOfStep(
  carts: Pick<CartStore, 'get'>,
  result: Pick<BurstResult, 'accepted' | 'newest'>,
): Promise<{ missingIds: string[]; notNewest: string[] }> {
  const missingIds: string[] = [];
  const notNewest: string[] = [];
  for (const [cartId, event] of result.newest) {
    const cart = await carts.get(cartId);
    for (const id of result.accepted.get(cartId) ?? []) {
      if (!cart?.recentEventIds.includes(id)) missingIds.push(id);
    }
    if (
      cart?.lastEventId !== event.id ||
      cart.lastActivityAt !== new Date(event.occurredAt).toISOString() ||
      Number(cart.snapshot?.total) !== Number(event.cart.total)
    ) {
      notNewest.push(cartId);
    }
  }
  return { missingIds, notNewest };
}
