import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime, timeOf } from '#engine/domain/iso-time.js';

const FIRST = Date.parse('0000-01-01T00:00:00.000Z');
const LAST = Date.parse('9999-12-31T23:59:59.999Z');
/** Every millisecond Date can hold, with the four-digit years and the edges weighted up. */
const anyTime = fc.oneof(
  fc.integer({ min: -8.64e15, max: 8.64e15 }),
  fc.integer({ min: FIRST, max: LAST }),
  fc.constantFrom(FIRST, FIRST - 1, LAST, LAST + 1, 0, -1, Date.parse('2024-02-29T23:59:59.999Z')),
);

describe('isoTime', () => {
  it('writes what toISOString writes, for every time Date can hold', () => {
    fc.assert(
      fc.property(anyTime, (ms) => {
        expect(isoTime(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it('writes every day of a leap-year February and the turn of a century', () => {
    for (const day of ['2024-02-28', '2024-02-29', '2024-03-01', '2100-02-28', '2100-03-01', '2000-02-29']) {
      const ms = Date.parse(`${day}T12:34:56.789Z`);
      expect(isoTime(ms)).toBe(`${day}T12:34:56.789Z`);
    }
  });

  it('hands a fractional or out-of-range time to Date, which rounds it or throws the same error', () => {
    expect(isoTime(1.5)).toBe(new Date(1.5).toISOString());
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(() => isoTime(8.64e15 + 1)).toThrow(RangeError);
  });
});

describe('timeOf', () => {
  it('reads back every time isoTime writes', () => {
    fc.assert(
      fc.property(anyTime, (ms) => {
        expect(timeOf(isoTime(ms))).toBe(ms);
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees with Date.parse on near-misses of the canonical form', () => {
    const texts = fc.oneof(
      // A canonical time with one character changed: a digit out of range, a wrong separator.
      fc
        .tuple(
          fc.integer({ min: FIRST, max: LAST }),
          fc.nat({ max: 23 }),
          fc.constantFrom(...'0123456789-:.TZ+ x'),
        )
        .map(([ms, at, char]) => {
          const text = new Date(ms).toISOString();
          return text.slice(0, at) + char + text.slice(at + 1);
        }),
      fc.constantFrom(
        '2026-02-30T00:00:00.000Z',
        '2026-04-31T00:00:00.000Z',
        '2026-13-01T00:00:00.000Z',
        '2026-06-10T24:00:00.000Z',
        '2026-06-10T24:01:00.000Z',
        '2026-06-10T23:60:00.000Z',
        '2026-06-10T14:00:00+02:00',
        '2026-06-10T14:00:00Z',
        'yesterday',
        '',
      ),
    );
    fc.assert(
      fc.property(texts, (text) => {
        expect(timeOf(text)).toBe(Date.parse(text));
      }),
      { numRuns: 20_000 },
    );
  });
});
