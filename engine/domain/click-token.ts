import type { ReminderNumber } from './cart.js';
import { CART_EVENT_LIMITS } from './cart-event-limits.js';
import { InvalidClickTokenError, InvalidUnsubscribeTokenError } from './errors.js';
import { createSealedBox } from './unsubscribe-token.js';

/** What a click token carries: which reminder of which cart the link was in. */
export interface ClickPayload {
  cartId: string;
  n: ReminderNumber;
}

const HKDF_INFO = 'cart-recovery/click-token/v1';
// Version byte, IV (12), the reminder number (1), the cart id, the tag (16), in base64url.
const OVERHEAD_BYTES = 1 + 12 + 1 + 16;

/** Characters of the longest click token a cart event can lead to (the longest cart id in bytes). */
export const MAX_CLICK_TOKEN_LENGTH = Math.ceil(((OVERHEAD_BYTES + CART_EVENT_LIMITS.cartIdLength) * 4) / 3);

/** Seals and opens the tokens of the reminder links' redirect, `/r/<token>`. */
export interface ClickTokenSealer {
  seal(payload: ClickPayload): string;
  /** @throws InvalidClickTokenError when the token was changed, forged, or is not a click token. */
  open(token: string): ClickPayload;
}

/**
 * Click tokens under the unsubscribe secret, with keys of their own (HKDF `info`), so an unsubscribe
 * token is never a click token nor the other way round. Deterministic like the unsubscribe tokens:
 * the same reminder always gets the same link. About 60 characters for a UUID cart id.
 * @example createClickTokenSealer(secret).seal({ cartId: 'c-42', n: 1 })
 */
export function createClickTokenSealer(secret: string): ClickTokenSealer {
  const box = createSealedBox(secret, HKDF_INFO);
  return {
    seal: ({ cartId, n }) => box.seal(Buffer.concat([Buffer.from([n]), Buffer.from(cartId)])),
    open: (token) => {
      let plaintext: Buffer;
      try {
        plaintext = box.open(token);
      } catch (cause) {
        if (cause instanceof InvalidUnsubscribeTokenError) throw new InvalidClickTokenError({ cause });
        throw cause;
      }
      const n = plaintext[0];
      if ((n !== 1 && n !== 2) || plaintext.length < 2) throw new InvalidClickTokenError();
      return { cartId: plaintext.toString('utf8', 1), n };
    },
  };
}
