import type { Wake, WakeScheduler } from '../../ports.js';

interface Pending {
  wake: Wake;
  /** False once cancelled or fired; the heap drops such entries when they reach the top. */
  live: boolean;
  /** Another pending wake-up of the same cart (rare: one is replaced by an earlier one). */
  next: Pending | undefined;
}

const INITIAL_CAPACITY = 1024;

/**
 * Pending wake-ups in a binary heap ordered by time (then by insertion): the simulator pops the
 * next one to advance its virtual clock. The heap keeps each entry's time and order in typed arrays
 * beside the entries, so sifting compares numbers without visiting the entries (a month holds
 * hundreds of thousands). Wake-ups are found by cart id, then `seq`, so they cost no key strings.
 */
export class MemoryWakeScheduler implements WakeScheduler {
  #times = new Float64Array(INITIAL_CAPACITY);
  #orders = new Float64Array(INITIAL_CAPACITY);
  #entries: Pending[] = [];
  #length = 0;
  #byCart = new Map<string, Pending>();
  #order = 0;
  #size = 0;
  created = 0;
  cancelled = 0;

  async schedule(wake: Wake): Promise<void> {
    const first = this.#byCart.get(wake.cartId);
    for (let p = first; p; p = p.next) if (p.wake.seq === wake.seq) return;
    this.created++;
    const pending: Pending = { wake, live: true, next: first };
    this.#byCart.set(wake.cartId, pending);
    this.#size++;
    this.#push(pending, wake.at.getTime());
  }

  async cancel(wake: Pick<Wake, 'cartId' | 'seq'>): Promise<void> {
    if (this.#forget(wake)) this.cancelled++;
  }

  /** Time of the earliest pending wake-up, if any. */
  peekTime(): number | undefined {
    this.#dropDead();
    return this.#length > 0 ? this.#times[0] : undefined;
  }

  /** Removes and returns the earliest pending wake-up if it is due at or before `now`. */
  popDue(now: number): Wake | undefined {
    this.#dropDead();
    const top = this.#entries[0];
    if (this.#length === 0 || !top || (this.#times[0] as number) > now) return undefined;
    this.#pop();
    this.#forget(top.wake);
    return top.wake;
  }

  get size(): number {
    return this.#size;
  }

  #forget(wake: Pick<Wake, 'cartId' | 'seq'>): boolean {
    let previous: Pending | undefined;
    for (let p = this.#byCart.get(wake.cartId); p; previous = p, p = p.next) {
      if (p.wake.seq !== wake.seq) continue;
      p.live = false;
      if (previous) previous.next = p.next;
      else if (p.next) this.#byCart.set(wake.cartId, p.next);
      else this.#byCart.delete(wake.cartId);
      this.#size--;
      return true;
    }
    return false;
  }

  #dropDead(): void {
    while (this.#length > 0 && !this.#entries[0]?.live) this.#pop();
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
    const entry = entries[a] as Pending;
    entries[a] = entries[b] as Pending;
    entries[b] = entry;
  }

  #push(entry: Pending, at: number): void {
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

  #pop(): void {
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
      if (m === i) return;
      this.#swap(i, m);
      i = m;
    }
  }
}
