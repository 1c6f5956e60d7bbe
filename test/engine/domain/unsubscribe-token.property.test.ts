import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidUnsubscribeTokenError } from '#engine/domain/errors.js';
import { openUnsubscribeToken, sealUnsubscribeToken } from '#engine/domain/unsubscribe-token.js';

const KEY = 'property-test-secret';
const BASE64URL_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('');

const payload = fc.record({
  emailKey: fc.emailAddress().map((e) => e.toLowerCase()),
  cartId: fc.string({ minLength: 1, maxLength: 200, unit: 'grapheme' }),
});

// Any character anywhere, or (often, as it is the subtle case) the last character changed in its
// lowest bit, which base64 decoding may ignore.
const edit = fc.oneof(
  {
    arbitrary: fc.record({
      at: fc.nat(),
      char: fc.constantFrom(...BASE64URL_CHARS, '+', '/', '=', '.', ' '),
    }),
    weight: 3,
  },
  { arbitrary: fc.constant('last-low-bit' as const), weight: 1 },
);

function applyEdit(token: string, change: { at: number; char: string } | 'last-low-bit'): string {
  if (change === 'last-low-bit') {
    const last = BASE64URL_CHARS.indexOf(token.charAt(token.length - 1));
    return token.slice(0, -1) + BASE64URL_CHARS[last ^ 1];
  }
  const index = change.at % token.length;
  return token.slice(0, index) + change.char + token.slice(index + 1);
}

describe('unsubscribe tokens (properties)', () => {
  it('opens every sealed token to its payload', () => {
    fc.assert(
      fc.property(payload, (p) => {
        // Act
        const opened = openUnsubscribeToken(KEY, sealUnsubscribeToken(KEY, p));

        // Assess
        expect(opened).toEqual(p);
      }),
    );
  });

  it('rejects a token with any single character changed', () => {
    fc.assert(
      fc.property(payload, edit, (p, change) => {
        // Prepare
        const token = sealUnsubscribeToken(KEY, p);
        const changed = applyEdit(token, change);
        fc.pre(changed !== token);

        // Act and Assess
        expect(() => openUnsubscribeToken(KEY, changed)).toThrow(InvalidUnsubscribeTokenError);
      }),
    );
  });
});
