import fc from 'fast-check';
import mnemonistLruCache from 'mnemonist/lru-cache.js';
import { describe, expect, it } from 'vitest';
import LambdaLruCache from '../../../infra/bundling/lambda-lru-cache.js';

// The file is CommonJS (`module.exports = LRUCache`), but its types declare an ES default export.
const MnemonistLruCache = mnemonistLruCache as unknown as typeof mnemonistLruCache.default;
type MnemonistLruCache<K, V> = InstanceType<typeof MnemonistLruCache<K, V>>;

type Op =
  | { op: 'get' | 'peek' | 'has'; key: string }
  | { op: 'set'; key: string; value: number }
  | { op: 'clear' };

// Few keys against small capacities: hits, misses, updates and evictions all come up often.
const key = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('get', 'peek', 'has'), key }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('set'), key, value: fc.integer() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'clear' } as const) },
);

/** What each operation answers, then which keys the cache holds. */
function replay(cache: MnemonistLruCache<string, number> | LambdaLruCache<string, number>, ops: Op[]) {
  const answers = ops.map((o) =>
    o.op === 'set' ? cache.set(o.key, o.value) : o.op === 'clear' ? cache.clear() : cache[o.op](o.key),
  );
  return { answers, size: cache.size, held: ['a', 'b', 'c', 'd', 'e'].filter((k) => cache.has(k)) };
}

describe('LambdaLruCache', () => {
  it('answers every sequence of calls as mnemonist LRUCache does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 40 }), (capacity, ops) => {
        expect(replay(new LambdaLruCache(capacity), ops)).toEqual(
          replay(new MnemonistLruCache<string, number>(capacity), ops),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('drops the least recently used key: get counts as a use, peek does not', () => {
    // Prepare
    const cache = new LambdaLruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);

    // Act
    cache.get('a');
    cache.peek('b');
    cache.set('c', 3);

    // Assess
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
  });

  it('refuses a capacity that is not a positive number, as mnemonist does', () => {
    expect(() => new LambdaLruCache(0)).toThrow('capacity should be positive number');
    expect(() => new MnemonistLruCache(0)).toThrow('capacity should be positive number');
  });
});
