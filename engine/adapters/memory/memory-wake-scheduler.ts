import type { Wake, WakeScheduler } from '../../ports.js';

/**
 * Pending wake-ups in a binary heap ordered by time (then by insertion): the simulator pops the
 * next one to advance its virtual clock; the local stack polls `due(now)`.
 */
export class MemoryWakeScheduler implements WakeScheduler {
  #heap: { at: number; order: number; wake: Wake }[] = [];
  #pending = new Map<string, number>();
  #order = 0;
  created = 0;
  cancelled = 0;

  async schedule(wake: Wake): Promise<void> {
    const key = `${wake.cartId}#${wake.seq}`;
    if (this.#pending.has(key)) return;
    this.created++;
    this.#pending.set(key, wake.at.getTime());
    this.#push({ at: wake.at.getTime(), order: this.#order++, wake });
  }

  async cancel(wake: Pick<Wake, 'cartId' | 'seq'>): Promise<void> {
    if (this.#pending.delete(`${wake.cartId}#${wake.seq}`)) this.cancelled++;
  }

  /** Time of the earliest pending wake-up, if any. */
  peekTime(): number | undefined {
    this.#dropCancelled();
    return this.#heap[0]?.at;
  }

  /** Removes and returns the earliest pending wake-up if it is due at or before `now`. */
  popDue(now: number): Wake | undefined {
    this.#dropCancelled();
    const top = this.#heap[0];
    if (!top || top.at > now) return undefined;
    this.#pop();
    this.#pending.delete(`${top.wake.cartId}#${top.wake.seq}`);
    return top.wake;
  }

  get size(): number {
    return this.#pending.size;
  }

  #dropCancelled(): void {
    while (this.#heap[0] && !this.#pending.has(`${this.#heap[0].wake.cartId}#${this.#heap[0].wake.seq}`))
      this.#pop();
  }

  #less(a: number, b: number): boolean {
    const x = this.#heap[a];
    const y = this.#heap[b];
    if (!x || !y) return false;
    return x.at < y.at || (x.at === y.at && x.order < y.order);
  }

  #swap(a: number, b: number): void {
    const h = this.#heap;
    const t = h[a];
    const u = h[b];
    if (!t || !u) return;
    h[a] = u;
    h[b] = t;
  }

  #push(item: { at: number; order: number; wake: Wake }): void {
    this.#heap.push(item);
    let i = this.#heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #pop(): void {
    const last = this.#heap.pop();
    if (!last || this.#heap.length === 0) return;
    this.#heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.#heap.length && this.#less(l, m)) m = l;
      if (r < this.#heap.length && this.#less(r, m)) m = r;
      if (m === i) return;
      this.#swap(i, m);
      i = m;
    }
  }
}
