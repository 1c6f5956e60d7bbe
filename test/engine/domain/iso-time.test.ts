import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime, timeOf } from '#engine/domain/iso-time.js';

describe('isoTime', () => {
  it('writes UTC with milliseconds, a leap day and the edges of four-digit years included', () => {
    // Prepare
    const texts = [
      '2026-06-10T14:00:00.000Z',
      '2024-02-29T23:59:59.999Z',
      '1970-01-01T00:00:00.000Z',
      '0000-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
    ];

    // Act / Assess
    for (const text of texts) expect(isoTime(Date.parse(text))).toBe(text);
  });

  it('writes years beyond four digits with a sign, as Date does', () => {
    // Act / Assess
    expect(isoTime(Date.parse('9999-12-31T23:59:59.999Z') + 1)).toBe('+010000-01-01T00:00:00.000Z');
    expect(isoTime(-62_167_219_200_001)).toBe('-000001-12-31T23:59:59.999Z');
  });

  it('throws a RangeError for a time Date cannot hold', () => {
    // Act / Assess
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(() => isoTime(8.64e15 + 1)).toThrow(RangeError);
  });
});

describe('timeOf', () => {
  it('reads back every time isoTime writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        expect(timeOf(isoTime(ms))).toBe(ms);
      }),
    );
  });

  it('reads a time with an offset and gives NaN for what is no time', () => {
    // Act / Assess
    expect(timeOf('2026-06-10T14:00:00+02:00')).toBe(Date.parse('2026-06-10T12:00:00.000Z'));
    expect(timeOf('2026-06-10T24:01:00.000Z')).toBeNaN();
    expect(timeOf('yesterday')).toBeNaN();
    expect(timeOf('')).toBeNaN();
  });
});
