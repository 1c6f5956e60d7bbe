import { signatureHeader } from '#engine/domain/request-signature.js';
import updatedFixture from '#test/events/storefront/cart-updated.json' with { type: 'json' };

const MINUTE = 60_000;

/** The local hour (0-23) of `now` in `zone`. */
export function localHour(zone: string, now: Date): number {
  return Number(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: 'numeric', hourCycle: 'h23' }).format(now),
  );
}

/**
 * An IANA zone where it is 10:00-17:59 now, so quiet hours (21:00-08:00) cannot hold a reminder during
 * a test. Some zone always qualifies: the IANA list covers every UTC offset.
 */
export function daytimeZone(now: Date = new Date()): string {
  const preferred = ['America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Asia/Tokyo', 'Pacific/Honolulu'];
  const zone = [...preferred, ...Intl.supportedValuesOf('timeZone')].find((z) => {
    const hour = localHour(z, now);
    return hour >= 10 && hour < 18;
  });
  if (!zone) throw new Error('no time zone has daytime now');
  return zone;
}

export interface CartUpdatedOptions {
  eventId: string;
  cartId: string;
  email: string;
  /** How long ago the shopper last touched the cart. */
  minutesAgo: number;
  timezone: string;
  now?: Date;
}

/**
 * A `cart.updated` event built from the storefront fixture (two items, $178.50, the "big" tier: the
 * first reminder is due one hour after the last activity), with its ids, email, time and zone replaced.
 */
export function cartUpdatedEvent(options: CartUpdatedOptions) {
  const event = structuredClone(updatedFixture);
  const now = options.now ?? new Date();
  event.id = options.eventId;
  event.occurredAt = new Date(now.getTime() - options.minutesAgo * MINUTE).toISOString();
  event.cart.id = options.cartId;
  event.cart.email = options.email;
  event.cart.timezone = options.timezone;
  event.cart.returnUrl = `https://acme.example/cart/${options.cartId}?recover=1`;
  return event;
}

/** Headers of a request signed as the storefront (webhook secret) or the owner's menu (owner secret) sign it. */
export function signedHeaders(secret: string, body: string, at: Date = new Date()): Record<string, string> {
  return {
    'content-type': 'application/json',
    'cart-recovery-signature': signatureHeader(secret, body, Math.floor(at.getTime() / 1000)),
  };
}

/** POSTs a JSON body signed with `secret`; resolves to the status and the parsed JSON answer. */
export async function postSigned(
  url: string,
  secret: string,
  payload: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = JSON.stringify(payload);
  const response = await fetch(url, { method: 'POST', headers: signedHeaders(secret, body), body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  { timeoutMs = 20_000, everyMs = 200 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
