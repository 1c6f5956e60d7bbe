import { describe, expect, it } from 'vitest';
import { BoundedCache } from '#engine/domain/bounded-cache.js';

describe('BoundedCache', () => {
  it('makes a value once and gives the kept one after, undefined included', () => {
    // Prepare
    const cache = new BoundedCache<string, number | undefined>(2);
    const made: string[] = [];
    const make = (key: string) => {
      made.push(key);
      return key === 'none' ? undefined : key.length;
    };

    // Act
    const values = ['abc', 'abc', 'none', 'none'].map((key) => cache.getOrMake(key, make));

    // Assess
    expect(values).toEqual([3, 3, undefined, undefined]);
    expect(made).toEqual(['abc', 'none']);
  });

  it('holds at most its capacity, dropping the value made longest ago', () => {
    // Prepare
    const cache = new BoundedCache<string, string>(3);
    const make = (key: string) => key.toUpperCase();
    for (const key of ['a', 'b', 'c']) cache.getOrMake(key, make);

    // Act: reading 'a' again does not keep it longer; making 'd' drops it.
    cache.getOrMake('a', make);
    cache.getOrMake('d', make);

    // Assess
    expect(cache.keys()).toEqual(['b', 'c', 'd']);
  });

  it('makes a dropped value again when asked for it', () => {
    // Prepare
    const cache = new BoundedCache<number, number>(1);
    let calls = 0;
    const make = (key: number) => {
      calls++;
      return key * 2;
    };

    // Act
    const values = [1, 2, 1].map((key) => cache.getOrMake(key, make));

    // Assess
    expect(values).toEqual([2, 4, 2]);
    expect(calls).toBe(3);
    expect(cache.keys()).toEqual([1]);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a capacity of %s', (capacity) => {
    // Act / Assess
    expect(() => new BoundedCache(capacity)).toThrow(
      new RangeError('a bounded cache holds a whole number of at least 1 entries'),
    );
  });
});
