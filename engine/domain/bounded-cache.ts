/**
 * A map that keeps at most `capacity` entries, dropping the one made longest ago to make room: the
 * domain's one cache helper. Whoever keeps one documents its capacity and the measurement that asked
 * for it.
 * @example
 * const formats = new BoundedCache<string, Intl.NumberFormat>(32);
 * formats.getOrMake('de-DE', (locale) => new Intl.NumberFormat(locale));
 */
export class BoundedCache<K, V> {
  readonly #entries = new Map<K, V>();
  readonly #capacity: number;

  /** @throws RangeError unless `capacity` is a whole number of at least 1. */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError('a bounded cache holds a whole number of at least 1 entries');
    }
    this.#capacity = capacity;
  }

  /** The value kept for `key`, else `make(key)`, kept from now on (undefined included). */
  getOrMake(key: K, make: (key: K) => V): V {
    if (this.#entries.has(key)) return this.#entries.get(key) as V;
    const made = make(key);
    // A Map iterates in insertion order: its first key is the one made longest ago.
    if (this.#entries.size === this.#capacity) this.#entries.delete(this.#entries.keys().next().value as K);
    this.#entries.set(key, made);
    return made;
  }

  /** The keys held, the one made longest ago first. */
  keys(): K[] {
    return [...this.#entries.keys()];
  }
}
