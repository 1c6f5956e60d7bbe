import { describe, expect, it } from 'vitest';
import {
  base64Hmac,
  firstNameText,
  inPlatformTerms,
  isBase64HmacValid,
} from '#engine/storefronts/translation.js';

describe('isBase64HmacValid', () => {
  const body = Buffer.from('{"id":1}');

  it('accepts the base64 HMAC-SHA256 of the raw body under any of the secrets', () => {
    const header = base64Hmac('second-secret-0123456789', body);

    expect(isBase64HmacValid(header, body, ['first-secret-0123456789', 'second-secret-0123456789'])).toBe(
      true,
    );
  });

  it('refuses another body, another secret, a hex digest and a missing header', () => {
    const header = base64Hmac('secret-0123456789abcdef', body);

    expect(isBase64HmacValid(header, Buffer.from('{"id":2}'), ['secret-0123456789abcdef'])).toBe(false);
    expect(isBase64HmacValid(header, body, ['other-0123456789abcdef'])).toBe(false);
    expect(
      isBase64HmacValid(Buffer.from(header, 'base64').toString('hex'), body, ['secret-0123456789abcdef']),
    ).toBe(false);
    expect(isBase64HmacValid(undefined, body, ['secret-0123456789abcdef'])).toBe(false);
  });
});

describe('inPlatformTerms', () => {
  it("renames our paths to the platform's fields by the longest prefix", () => {
    const fields = { cart: 'checkout', 'cart.items': 'line_items', 'cart.total': 'total_price' };

    expect(
      inPlatformTerms(
        [
          { path: 'cart.items[1].price', message: 'bad' },
          { path: 'cart.total', message: 'bad' },
          { path: 'cart.totally', message: 'kept' },
          { path: 'occurredAt', message: 'kept' },
        ],
        fields,
      ),
    ).toEqual([
      { path: 'line_items[1].price', message: 'bad' },
      { path: 'total_price', message: 'bad' },
      { path: 'checkout.totally', message: 'kept' },
      { path: 'occurredAt', message: 'kept' },
    ]);
  });
});

describe('firstNameText', () => {
  it('keeps a first name within the cart event limit rather than lose the cart', () => {
    expect(firstNameText('  Ada ')).toBe('Ada');
    expect(firstNameText('x'.repeat(150))).toHaveLength(100);
  });
});
