import { createCipheriv, createHmac, hkdfSync } from 'node:crypto';
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

/**
 * A token sealed under KEY as the sealer does it (HKDF-SHA256 keys, AES-256-GCM, the version byte as
 * AAD) but around any `plaintext`, with the synthetic IV unless `iv` is given: what only a holder of
 * the secret could make, to reach the checks behind authentication.
 */
function sealRaw(plaintext: Buffer, iv?: Buffer): string {
  const okm = Buffer.from(hkdfSync('sha256', KEY, Buffer.alloc(0), 'cart-recovery/unsubscribe-token/v1', 64));
  const version = Buffer.from([1]);
  const nonce =
    iv ?? createHmac('sha256', okm.subarray(32)).update(version).update(plaintext).digest().subarray(0, 12);
  const cipher = createCipheriv('aes-256-gcm', okm.subarray(0, 32), nonce, { authTagLength: 16 });
  cipher.setAAD(version);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([version, nonce, body, cipher.getAuthTag()]).toString('base64url');
}

/** The error openUnsubscribeToken throws for `token`; fails the test when it opens. */
function openError(token: string): unknown {
  try {
    openUnsubscribeToken(KEY, token);
  } catch (error) {
    return error;
  }
  throw new Error('expected the token to be rejected');
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

  it('opens a hand-sealed token like its own, so the hand sealing below matches', () => {
    // Prepare
    const email = Buffer.from(PAYLOAD.emailKey);
    const plaintext = Buffer.concat([Buffer.from([0, email.length]), email, Buffer.from(PAYLOAD.cartId)]);

    // Act
    const token = sealRaw(plaintext);

    // Assess
    expect(token).toBe(sealUnsubscribeToken(KEY, PAYLOAD));
    expect(openUnsubscribeToken(KEY, token)).toEqual(PAYLOAD);
  });

  it('rejects an authentic token whose payload is too short for its email length', () => {
    // Prepare: no room for the 2-byte email length; an email length of 5 with 3 bytes after it.
    const tooShort = [Buffer.alloc(0), Buffer.from([0]), Buffer.from([0, 5, 97, 98, 99])].map((p) =>
      sealRaw(p),
    );

    // Act
    const errors = tooShort.map(openError);

    // Assess
    for (const error of errors) expect(error).toBeInstanceOf(InvalidUnsubscribeTokenError);
  });

  it('rejects an authentic token whose IV is not the one its payload gives', () => {
    // Prepare
    const plaintext = Buffer.from([0, 1, 97, 98]);
    const token = sealRaw(plaintext, Buffer.alloc(12, 7));

    // Act
    const error = openError(token);

    // Assess
    expect(error).toBeInstanceOf(InvalidUnsubscribeTokenError);
  });

  it('keeps the decryption failure of a forged token as the cause', () => {
    // Prepare
    const token = sealUnsubscribeToken('another-secret', PAYLOAD);

    // Act
    const error = openError(token);

    // Assess
    expect(error).toBeInstanceOf(InvalidUnsubscribeTokenError);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('rejects a token too short for its header and tag, or of another version, before decrypting it', () => {
    // Prepare: 28 bytes of version 1 (one short of header and tag), and a whole token of version 2.
    const short = Buffer.concat([Buffer.from([1]), Buffer.alloc(27)]).toString('base64url');
    const bytes = Buffer.from(sealUnsubscribeToken(KEY, PAYLOAD), 'base64url');
    bytes[0] = 2;

    // Act
    const errors = [openError(short), openError(bytes.toString('base64url'))];

    // Assess: no decryption was tried, so no decryption error is the cause.
    for (const error of errors) {
      expect(error).toBeInstanceOf(InvalidUnsubscribeTokenError);
      expect((error as Error).cause).toBeUndefined();
    }
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
