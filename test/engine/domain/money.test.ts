import { describe, expect, it } from 'vitest';
import { checkMoney, formatCount, formatMoney, multiplyAmount } from '#engine/domain/money.js';

const NBSP = '\u00a0';

describe('formatMoney', () => {
  it('formats US dollars the en-US way with cents', () => {
    // Prepare
    const amount = '1234.5';

    // Act
    const text = formatMoney(amount, 'USD', 'en-US');

    // Assess
    expect(text).toBe('$1,234.50');
  });

  it('formats euros the de-DE way', () => {
    // Act
    const text = formatMoney('1234.5', 'EUR', 'de-DE');

    // Assess
    expect(text).toBe(`1.234,50${NBSP}€`);
  });

  it('writes a currency without minor units without decimals', () => {
    // Act
    const text = formatMoney('1500', 'JPY', 'en-US');

    // Assess
    expect(text).toBe('¥1,500');
  });

  it('keeps the cents of an amount a float cannot hold exactly', () => {
    // Prepare: as a number this becomes 999999999999.995 and rounds up to a trillion
    const amount = '999999999999.994999';

    // Act
    const text = formatMoney(amount, 'USD', 'en-US');

    // Assess
    expect(text).toBe('$999,999,999,999.99');
  });

  it('keeps every digit of an amount beyond float precision', () => {
    // Act
    const text = formatMoney('12345678901234567.89', 'USD', 'en-US');

    // Assess
    expect(text).toBe('$12,345,678,901,234,567.89');
  });

  it('falls back to en-US for a locale Intl does not know', () => {
    // Act
    const unknown = formatMoney('42.5', 'USD', 'zz-ZZ');
    const malformed = formatMoney('42.5', 'USD', 'not a locale!');

    // Assess
    expect(unknown).toBe('$42.50');
    expect(malformed).toBe('$42.50');
  });

  it('gives the same text on repeated calls for different locales', () => {
    // Act
    const first = [formatMoney('1', 'EUR', 'de-DE'), formatMoney('1', 'EUR', 'en-US')];
    const again = [formatMoney('1', 'EUR', 'de-DE'), formatMoney('1', 'EUR', 'en-US')];

    // Assess
    expect(first).toEqual([`1,00${NBSP}€`, '€1.00']);
    expect(again).toEqual(first);
  });

  it('rejects an amount that is not a decimal string', () => {
    // Act and Assess
    expect(() => formatMoney('12,50', 'USD', 'en-US')).toThrow(RangeError);
    expect(() => formatMoney('NaN', 'USD', 'en-US')).toThrow(RangeError);
  });
});

describe('formatCount', () => {
  it('writes a count the way the locale groups digits', () => {
    expect(formatCount(1000, 'de-DE')).toBe('1.000');
    expect(formatCount(1000, 'en-US')).toBe('1,000');
    expect(formatCount(2, 'fr-FR')).toBe('2');
  });

  it('falls back to en-US for a locale Intl does not know, as money does', () => {
    expect(formatCount(12345, 'xx-XX')).toBe('12,345');
  });

  it('keeps locales apart when one is asked after another', () => {
    expect([formatCount(1000, 'de-DE'), formatCount(1000, 'en-US'), formatCount(1000, 'de-DE')]).toEqual([
      '1.000',
      '1,000',
      '1.000',
    ]);
  });
});

describe('checkMoney', () => {
  const AMOUNT = 'amount must be a decimal string such as "42.50"';
  const CURRENCY = 'currency must be a three-letter code such as "USD"';

  it.each(['42.50', '0', '-1.5', '12345678901234567.89', '007'])('takes the decimal amount %j', (amount) => {
    // Act / Assess
    expect(() => checkMoney(amount, 'USD', 'en-US')).not.toThrow();
    expect(formatMoney(amount, 'USD', 'en-US')).toMatch(/\$/);
  });

  it.each(['', '1.', '.5', '1e3', ' 1', '1 ', '+1', '1.2.3', '--1', 'x1', '1x'])(
    'refuses the amount %j, as formatMoney does',
    (amount) => {
      // Act / Assess
      expect(() => checkMoney(amount, 'USD', 'en-US')).toThrow(new RangeError(AMOUNT));
      expect(() => formatMoney(amount, 'USD', 'en-US')).toThrow(new RangeError(AMOUNT));
    },
  );

  it.each(['', 'US', 'USDX', 'U$D', 'US ', ' USD', 'ÜSD', '123'])(
    'refuses the currency %j, as formatMoney does',
    (currency) => {
      // Act / Assess
      expect(() => checkMoney('1', currency, 'en-US')).toThrow(new RangeError(CURRENCY));
      expect(() => formatMoney('1', currency, 'en-US')).toThrow(new RangeError(CURRENCY));
    },
  );

  it('takes any three-letter code, as Intl does, and any locale', () => {
    // Act / Assess
    expect(() => checkMoney('1', 'XYZ', 'not a locale!')).not.toThrow();
    expect(formatMoney('1', 'xyz', 'en-US')).toBe(`XYZ${NBSP}1.00`);
  });

  it('writes a negative amount with its sign', () => {
    // Act / Assess
    expect(formatMoney('-1.5', 'USD', 'en-US')).toBe('-$1.50');
  });
});

describe('multiplyAmount', () => {
  it.each([
    ['79.75', 2, '159.50'],
    ['0.10', 3, '0.30'],
    ['12', 4, '48'],
    ['999999999999.999999', 100000, '99999999999999999.900000'],
    ['0.005', 0, '0.000'],
    ['-1.50', 2, '-3.00'],
    ['-0.05', 2, '-0.10'],
    ['-0.005', 0, '0.000'],
  ])('multiplies %s by %i exactly: %s', (amount, quantity, product) => {
    expect(multiplyAmount(amount, quantity)).toBe(product);
  });

  it('refuses an amount that is no decimal and a quantity that is no whole number', () => {
    const amount = new RangeError('amount must be a decimal string such as "42.50"');
    const quantity = new RangeError('quantity must be a whole number of at least 0');
    expect(() => multiplyAmount('1,5', 2)).toThrow(amount);
    expect(() => multiplyAmount('1.5', 1.5)).toThrow(quantity);
    expect(() => multiplyAmount('1.5', -1)).toThrow(quantity);
  });
});
