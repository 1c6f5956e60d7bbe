import { beforeEach, describe, expect, it } from 'vitest';
import { CART_EVENT_LIMITS } from '#engine/domain/cart-event-limits.js';
import {
  type ClickTokenSealer,
  createClickTokenSealer,
  MAX_CLICK_TOKEN_LENGTH,
} from '#engine/domain/click-token.js';
import { InvalidClickTokenError } from '#engine/domain/errors.js';
import { createTokenSealer } from '#engine/domain/unsubscribe-token.js';

describe('createClickTokenSealer', () => {
  // Built in each test, not once for the file, so the sealer is made under the code each test runs.
  let clicks: ClickTokenSealer;
  beforeEach(() => {
    clicks = createClickTokenSealer('the-unsubscribe-key');
  });

  it('opens what it sealed, the same token for the same reminder every time', () => {
    // Act
    const token = clicks.seal({ cartId: 'cart-1001', n: 2 });

    // Assess
    expect(clicks.open(token)).toEqual({ cartId: 'cart-1001', n: 2 });
    expect(clicks.seal({ cartId: 'cart-1001', n: 2 })).toBe(token);
    expect(clicks.seal({ cartId: 'cart-1001', n: 1 })).not.toBe(token);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('opens a token of the first reminder', () => {
    // Act
    const token = clicks.seal({ cartId: 'cart-1001', n: 1 });

    // Assess
    expect(clicks.open(token)).toEqual({ cartId: 'cart-1001', n: 1 });
  });

  it('opens a token whose cart id is one character long', () => {
    // Act
    const token = clicks.seal({ cartId: 'c', n: 2 });

    // Assess
    expect(clicks.open(token)).toEqual({ cartId: 'c', n: 2 });
  });

  it('refuses a changed token, one sealed under another key, and an unsubscribe token of the same key', () => {
    // Prepare
    const token = clicks.seal({ cartId: 'cart-1001', n: 1 });
    const changed = `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`;
    const unsubscribe = createTokenSealer('the-unsubscribe-key').seal({
      emailKey: 'a@b.example',
      cartId: 'cart-1001',
    });

    // Act / Assess
    expect(() => clicks.open(changed)).toThrow(InvalidClickTokenError);
    expect(() => createClickTokenSealer('another-key').open(token)).toThrow(InvalidClickTokenError);
    expect(() => clicks.open(unsubscribe)).toThrow(InvalidClickTokenError);
    expect(() => clicks.open('')).toThrow(InvalidClickTokenError);
  });

  it('keeps why a token would not open', () => {
    // Prepare
    const token = clicks.seal({ cartId: 'cart-1001', n: 1 });

    // Act
    const error = (() => {
      try {
        createClickTokenSealer('another-key').open(token);
      } catch (caught) {
        return caught;
      }
    })();

    // Assess
    expect(error).toBeInstanceOf(InvalidClickTokenError);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('lets an error that is not about the token pass as it is, not as an invalid token', () => {
    // Prepare: a caller that breaks the type and passes no string at all.
    const notAToken = 42 as unknown as string;

    // Act
    const error = (() => {
      try {
        clicks.open(notAToken);
      } catch (caught) {
        return caught;
      }
    })();

    // Assess
    expect(error).toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(InvalidClickTokenError);
  });

  it.each([
    ['a reminder number 3', { cartId: 'cart-1001', n: 3 }],
    ['a reminder number 0', { cartId: 'cart-1001', n: 0 }],
    ['no cart id', { cartId: '', n: 1 }],
    ['no cart id, reminder 2', { cartId: '', n: 2 }],
  ])('refuses a well-sealed token that carries %s', (_what, payload) => {
    // Prepare: sealed with the right key, so only the payload check can refuse it.
    const token = clicks.seal(payload as { cartId: string; n: 1 | 2 });

    // Act / Assess
    expect(() => clicks.open(token)).toThrow(InvalidClickTokenError);
  });

  it('never makes a token longer than MAX_CLICK_TOKEN_LENGTH for the longest cart id', () => {
    // Act
    const token = clicks.seal({ cartId: 'é'.repeat(CART_EVENT_LIMITS.cartIdLength / 2), n: 2 });

    // Assess
    expect(token.length).toBeLessThanOrEqual(MAX_CLICK_TOKEN_LENGTH);
  });
});
