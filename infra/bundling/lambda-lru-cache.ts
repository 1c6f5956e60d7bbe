/**
 * What `mnemonist/lru-cache` becomes in the Lambda bundles, and only there (an esbuild alias in
 * lambda-build.ts, when the SDK is bundled).
 *
 * Why: its one importer is `@aws-sdk/endpoint-cache`, which every DynamoDB client builds for endpoint
 * discovery, a feature these functions leave off (DynamoDB's default). The package brings its
 * typed-array and iterator helpers along: about 7 KB of each bundle. This is the part of its
 * LRUCache that EndpointCache calls (the constructor with a capacity, get, set, has, peek, clear),
 * with the same least-recently-used order, on a Map, which keeps its keys in the order they were set.
 * test/infra/bundling/lambda-lru-cache.test.ts runs the two side by side.
 */
export default class LambdaLruCache<K, V> {
  readonly capacity: number;
  readonly #entries = new Map<K, V>();

  /** @throws Error unless `capacity` is a positive number, as mnemonist does. */
  constructor(capacity: number) {
    if (typeof capacity !== 'number' || capacity <= 0) {
      throw new Error('lru-cache: capacity should be positive number.');
    }
    this.capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value for `key`, which becomes the most recently used. */
  get(key: K): V | undefined {
    if (!this.#entries.has(key)) return undefined;
    const value = this.#entries.get(key) as V;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** The value for `key`, leaving the order as it is. */
  peek(key: K): V | undefined {
    return this.#entries.get(key);
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** Sets `key` as the most recently used, dropping the least recently used one when full. */
  set(key: K, value: V): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.capacity) {
      this.#entries.delete(this.#entries.keys().next().value as K);
    }
    this.#entries.set(key, value);
  }

  clear(): void {
    this.#entries.clear();
  }
}
