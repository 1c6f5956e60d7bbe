import type { Wake, WakeScheduler } from '../../ports.js';

interface Pending {
  at: number;
  order: number;
  wake: Wake;
  /** False once cancelled or fired; the heap drops such entries when they reach the top. */
  live: boolean;
}

/**
 * Pending wake-ups in a binary heap ordered by time (then by insertion): the simulator pops the
 * next one to advance its virtual clock. Wake-ups are found by cart id, then `seq`, so a month of
 * them costs no key strings.
 */
export class MemoryWakeScheduler implements WakeScheduler {
  #heap: Pending[] = [];
  #byCart = new Map<string, Map<number, Pending>>();
  #order = 0;
  #size = 0;
  created = 0;
  cancelled = 0;

  async schedule(wake: Wake): Promise<void> {
    let bySeq = this.#byCart.get(wake.cartId);
    if (bySeq?.has(wake.seq)) return;
    if (!bySeq) {
      bySeq = new Map();
      this.#byCart.set(wake.cartId, bySeq);
    }
    this.created++;
    const pending: Pending = { at: wake.at.getTime(), order: this.#order++, wake, live: true };
    bySeq.set(wake.seq, pending);
    this.#size++;
    this.#push(pending);
  }

  async cancel(wake: Pick<Wake, 'cartId' | 'seq'>): Promise<void> {
    if (this.#forget(wake)) this.cancelled++;
  }

  /** Time of the earliest pending wake-up, if any. */
  peekTime(): number | undefined {
    this.#dropDead();
    return this.#heap[0]?.at;
  }

  /** Removes and returns the earliest pending wake-up if it is due at or before `now`. */
  popDue(now: number): Wake | undefined {
    this.#dropDead();
    const top = this.#heap[0];
    if (!top || top.at > now) return undefined;
    this.#pop();
    this.#forget(top.wake);
    return top.wake;
  }

  get size(): number {
    return this.#size;
  }

  #forget(wake: Pick<Wake, 'cartId' | 'seq'>): boolean {
    const bySeq = this.#byCart.get(wake.cartId);
    const pending = bySeq?.get(wake.seq);
    if (!bySeq || !pending) return false;
    pending.live = false;
    bySeq.delete(wake.seq);
    if (bySeq.size === 0) this.#byCart.delete(wake.cartId);
    this.#size--;
    return true;
  }

  #dropDead(): void {
    while (this.#heap[0] && !this.#heap[0].live) this.#pop();
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

  #push(item: Pending): void {
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
