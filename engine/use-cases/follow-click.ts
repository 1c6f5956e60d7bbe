import { InvalidClickTokenError } from '../domain/errors.js';
import { isoTime } from '../domain/iso-time.js';
import type { EngineDeps } from './engine-deps.js';

export type ClickDeps = Pick<EngineDeps, 'carts' | 'rules' | 'clock' | 'log'> & {
  links: Pick<EngineDeps['links'], 'clicks'>;
};

/** Where a click goes: the cart's return link, or, when that cannot be known, the store. */
export type ClickResult =
  | { kind: 'cart'; url: string; cartId: string; n: 1 | 2; first: boolean }
  | {
      kind: 'store';
      /** The store's website (`store.url`), when the rules have one. */
      url?: string;
      /** For a short page naming the store when there is no website; absent if the rules could not be read. */
      storeName?: string;
      why: 'bad_token' | 'unknown_cart' | 'unavailable';
    };

/**
 * A click on a reminder's return link (`/r/<token>`).
 *
 * 1. Open the token (cart, reminder number); a changed or forged one goes to the store.
 * 2. Read the cart; an unknown cart (expired, say) goes to the store.
 * 3. Record the first click of that reminder (one conditional write; a later click, a scanner's
 *    included, changes nothing). The click changes nothing else: no close, no new course.
 * 4. Go to the cart's return link. Never throws: storage or rules trouble still sends the shopper on.
 */
export async function followClick(deps: ClickDeps, token: string): Promise<ClickResult> {
  let payload: { cartId: string; n: 1 | 2 };
  try {
    payload = deps.links.clicks.open(token);
  } catch (error) {
    if (!(error instanceof InvalidClickTokenError)) throw error;
    deps.log.warn('click refused', { reason: 'invalid token' });
    return toStore(deps, 'bad_token');
  }
  try {
    const cart = await deps.carts.get(payload.cartId);
    const url = cart?.snapshot?.returnUrl;
    if (!cart || !url) return toStore(deps, 'unknown_cart');
    const at = isoTime(deps.clock.now().getTime());
    const first =
      cart.reminders[payload.n - 1]?.clickedAt === undefined &&
      (await deps.carts.recordClick(cart.id, payload.n, at)) !== undefined;
    deps.log.info('reminder link clicked', { cartId: cart.id, n: payload.n, first });
    return { kind: 'cart', url, cartId: cart.id, n: payload.n, first };
  } catch (error) {
    deps.log.error('click not recorded', { cartId: payload.cartId, error: errorName(error) });
    return toStore(deps, 'unavailable');
  }
}

async function toStore(
  deps: Pick<ClickDeps, 'rules' | 'log'>,
  why: Extract<ClickResult, { kind: 'store' }>['why'],
): Promise<ClickResult> {
  try {
    const { store } = (await deps.rules.current()).rules;
    return { kind: 'store', why, storeName: store.name, ...(store.url ? { url: store.url } : {}) };
  } catch (error) {
    deps.log.error('rules unreadable for a click', { error: errorName(error) });
    return { kind: 'store', why };
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
}
