const INITIAL_CAPACITY = 1024;

/**
 * A binary min-heap of entries by time, first in first out among equal times. Each entry's time and
 * insertion order sit in typed arrays beside the entries, so sifting compares numbers without visiting
 * the entries: the heaps of a simulated month (pending wake-ups, generated lines waiting for their
 * delivery time) hold hundreds of thousands.
 */
export class TimeHeap<T> {
  #times = new Float64Array(INITIAL_CAPACITY);
  #orders = new Float64Array(INITIAL_CAPACITY);
  #entries: T[] = [];
  #length = 0;
  #order = 0;

  get size(): number {
    return this.#length;
  }

  /** The earliest time, if any. */
  peekTime(): number | undefined {
    return this.#length > 0 ? this.#times[0] : undefined;
  }

  /** The entry with the earliest time, if any. */
  peek(): T | undefined {
    return this.#length > 0 ? this.#entries[0] : undefined;
  }

  push(entry: T, at: number): void {
    if (this.#length === this.#times.length) {
      const times = new Float64Array(this.#length * 2);
      times.set(this.#times);
      this.#times = times;
      const orders = new Float64Array(this.#length * 2);
      orders.set(this.#orders);
      this.#orders = orders;
    }
    let i = this.#length++;
    this.#times[i] = at;
    this.#orders[i] = this.#order++;
    this.#entries[i] = entry;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  /** Removes and returns the entry with the earliest time. */
  pop(): T | undefined {
    if (this.#length === 0) return undefined;
    const top = this.#entries[0];
    const last = --this.#length;
    if (last > 0) this.#swap(0, last);
    this.#entries.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < last && this.#less(l, m)) m = l;
      if (r < last && this.#less(r, m)) m = r;
      if (m === i) return top;
      this.#swap(i, m);
      i = m;
    }
  }

  #less(a: number, b: number): boolean {
    const times = this.#times;
    const x = times[a] as number;
    const y = times[b] as number;
    return x < y || (x === y && (this.#orders[a] as number) < (this.#orders[b] as number));
  }

  #swap(a: number, b: number): void {
    const times = this.#times;
    const orders = this.#orders;
    const entries = this.#entries;
    const time = times[a] as number;
    times[a] = times[b] as number;
    times[b] = time;
    const order = orders[a] as number;
    orders[a] = orders[b] as number;
    orders[b] = order;
    const entry = entries[a] as T;
    entries[a] = entries[b] as T;
    entries[b] = entry;
  }
}
