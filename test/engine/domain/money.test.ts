import { describe, expect, it } from 'vitest';
import { formatMoney } from '#engine/domain/money.js';

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
