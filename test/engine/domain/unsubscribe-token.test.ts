import { describe, expect, it } from 'vitest';
import { CartRecoveryError, InvalidUnsubscribeTokenError } from '#engine/domain/errors.js';
import {
  createTokenSealer,
  openUnsubscribeToken,
  sealUnsubscribeToken,
} from '#engine/domain/unsubscribe-token.js';

const KEY = 'test-unsubscribe-secret-0123456789';
const PAYLOAD = { emailKey: 'shopper@example.com', cartId: '3f2b8c1e-9d4a-4b7e-8f10-2a6c5d9e7b41' };

const BASE64URL_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The token with its character at `index` replaced by the one differing in the lowest of its 6 bits. */
function withCharChanged(token: string, index: number): string {
  const replacement = BASE64URL_CHARS[BASE64URL_CHARS.indexOf(token.charAt(index)) ^ 1];
  return token.slice(0, index) + replacement + token.slice(index + 1);
}

describe('sealUnsubscribeToken / openUnsubscribeToken', () => {
  it('opens a sealed token to the same email key and cart id', () => {
    // Prepare
    const token = sealUnsubscribeToken(KEY, PAYLOAD);

    // Act
    const opened = openUnsubscribeToken(KEY, token);

    // Assess
    expect(opened).toEqual(PAYLOAD);
  });

  it('round-trips non-ASCII text and separators inside the cart id', () => {
    // Prepare
    const payload = { emailKey: 'jürgen@bücher.example', cartId: 'cart\u0000with\nodd:chars/€' };

    // Act
    const opened = openUnsubscribeToken(KEY, sealUnsubscribeToken(KEY, payload));

    // Assess
    expect(opened).toEqual(payload);
  });

  it('gives the same token for the same payload and different tokens for different payloads', () => {
    // Act
    const first = sealUnsubscribeToken(KEY, PAYLOAD);
    const again = sealUnsubscribeToken(KEY, { ...PAYLOAD });
    const otherCart = sealUnsubscribeToken(KEY, { ...PAYLOAD, cartId: 'cart-2' });
    const otherKey = sealUnsubscribeToken(`${KEY}x`, PAYLOAD);

    // Assess
    expect(again).toBe(first);
    expect(otherCart).not.toBe(first);
    expect(otherKey).not.toBe(first);
  });

  it('makes a short URL-safe token that reveals neither the email nor the cart id', () => {
    // Act
    const token = sealUnsubscribeToken(KEY, PAYLOAD);

    // Assess
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(token.length).toBeLessThan(150);
    const decoded = Buffer.from(token, 'base64url').toString('latin1');
    expect(decoded).not.toContain('shopper');
    expect(decoded).not.toContain('example.com');
    expect(decoded).not.toContain('3f2b8c1e');
  });

  it('rejects a token sealed with another key', () => {
    // Prepare
    const token = sealUnsubscribeToken('another-secret-key', PAYLOAD);

    // Act and Assess
    expect(() => openUnsubscribeToken(KEY, token)).toThrow(InvalidUnsubscribeTokenError);
  });

  it('rejects a token with a changed character anywhere, even in the spare bits of the last one', () => {
    // Prepare: a length that is no multiple of 4 leaves unused low bits in the last character
    const token = sealUnsubscribeToken(KEY, PAYLOAD);
    expect(token.length % 4).not.toBe(0);
    const changed = [0, 1, 10, Math.floor(token.length / 2), token.length - 2, token.length - 1].map((i) =>
      withCharChanged(token, i),
    );

    // Act
    const outcomes = changed.map((t) => {
      try {
        openUnsubscribeToken(KEY, t);
        return 'opened';
      } catch (error) {
        return error instanceof InvalidUnsubscribeTokenError ? 'rejected' : 'other error';
      }
    });

    // Assess
    expect(outcomes).toEqual(changed.map(() => 'rejected'));
  });

  it('rejects a token cut short or extended', () => {
    // Prepare
    const token = sealUnsubscribeToken(KEY, PAYLOAD);

    // Act and Assess
    expect(() => openUnsubscribeToken(KEY, token.slice(0, -1))).toThrow(InvalidUnsubscribeTokenError);
    expect(() => openUnsubscribeToken(KEY, token.slice(0, 20))).toThrow(InvalidUnsubscribeTokenError);
    expect(() => openUnsubscribeToken(KEY, `${token}A`)).toThrow(InvalidUnsubscribeTokenError);
  });

  it('rejects garbage, an empty token and the standard base64 alphabet', () => {
    // Prepare
    const token = sealUnsubscribeToken(KEY, PAYLOAD);
    const standardAlphabet = Buffer.from(token, 'base64url').toString('base64');

    // Act and Assess
    for (const bad of [
      '',
      'hello',
      'not a token!',
      '%00%00',
      'A'.repeat(120),
      `${token}==`,
      standardAlphabet,
    ]) {
      if (bad === token) continue;
      expect(() => openUnsubscribeToken(KEY, bad)).toThrow(InvalidUnsubscribeTokenError);
    }
  });

  it('rejects a token of another version', () => {
    // Prepare
    const bytes = Buffer.from(sealUnsubscribeToken(KEY, PAYLOAD), 'base64url');
    bytes[0] = 2;

    // Act and Assess
    expect(() => openUnsubscribeToken(KEY, bytes.toString('base64url'))).toThrow(
      InvalidUnsubscribeTokenError,
    );
  });

  it('raises a named CartRecoveryError that names no payload', () => {
    // Act
    let caught: unknown;
    try {
      openUnsubscribeToken(KEY, 'garbage');
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(CartRecoveryError);
    expect(caught).toMatchObject({
      name: 'InvalidUnsubscribeTokenError',
      message: 'The unsubscribe token is invalid',
    });
  });

  it('refuses to seal with an empty key', () => {
    // Act and Assess
    expect(() => sealUnsubscribeToken('', PAYLOAD)).toThrow(RangeError);
  });
});

describe('createTokenSealer', () => {
  it('seals and opens the very tokens the one-off functions do', () => {
    // Prepare
    const tokens = createTokenSealer(KEY);

    // Act
    const token = tokens.seal(PAYLOAD);

    // Assess
    expect(token).toBe(sealUnsubscribeToken(KEY, PAYLOAD));
    expect(tokens.open(token)).toEqual(PAYLOAD);
    expect(tokens.open(sealUnsubscribeToken(KEY, { ...PAYLOAD, cartId: 'c-2' }))).toEqual({
      ...PAYLOAD,
      cartId: 'c-2',
    });
  });

  it('opens only tokens sealed under its own secret', () => {
    // Prepare
    const ours = createTokenSealer(KEY);
    const theirs = createTokenSealer(`${KEY}-other`);

    // Act and Assess
    expect(() => ours.open(theirs.seal(PAYLOAD))).toThrow(InvalidUnsubscribeTokenError);
  });

  it('refuses an empty secret when made, before any token', () => {
    // Act and Assess
    expect(() => createTokenSealer('')).toThrow(
      new RangeError('the unsubscribe token key must not be empty'),
    );
    expect(() => openUnsubscribeToken('', 'garbage')).toThrow(RangeError);
  });

  it('refuses an email key over 65,535 UTF-8 bytes', () => {
    // Prepare
    const tokens = createTokenSealer(KEY);
    const tooLong = new RangeError('the email key is too long for an unsubscribe token');

    // Act / Assess
    expect(() => tokens.seal({ ...PAYLOAD, emailKey: 'x'.repeat(65_536) })).toThrow(tooLong);
    // The limit is in UTF-8 bytes: 32,768 two-byte characters are one byte too many, 32,767 fit.
    expect(() => tokens.seal({ ...PAYLOAD, emailKey: 'é'.repeat(32_768) })).toThrow(tooLong);
    const longest = tokens.seal({ ...PAYLOAD, emailKey: 'é'.repeat(32_767) });
    expect(tokens.open(longest).emailKey).toHaveLength(32_767);
    expect(tokens.open(tokens.seal({ ...PAYLOAD, emailKey: 'x'.repeat(65_535) })).emailKey).toHaveLength(
      65_535,
    );
  });

  it('seals an empty email key and cart id', () => {
    // Prepare
    const tokens = createTokenSealer(KEY);

    // Act / Assess
    expect(tokens.open(tokens.seal({ emailKey: '', cartId: '' }))).toEqual({ emailKey: '', cartId: '' });
  });
});
