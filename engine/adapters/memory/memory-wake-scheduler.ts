import type { Wake, WakeScheduler } from '../../ports.js';
import { TimeHeap } from './time-heap.js';

interface Pending {
  wake: Wake;
  /** False once cancelled or fired; the heap drops such entries when they reach the top. */
  live: boolean;
  /** Another pending wake-up of the same cart (rare: one is replaced by an earlier one). */
  next: Pending | undefined;
}

/**
 * Pending wake-ups in a heap ordered by time (then by insertion): the simulator pops the next one to
 * advance its virtual clock. Wake-ups are found by cart id, then `seq`, so they cost no key strings; a
 * cancelled one stays in the heap, marked dead, until it reaches the top.
 */
export class MemoryWakeScheduler implements WakeScheduler {
  readonly #heap = new TimeHeap<Pending>();
  #byCart = new Map<string, Pending>();
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
    this.#heap.push(pending, wake.at.getTime());
  }

  async cancel(wake: Pick<Wake, 'cartId' | 'seq'>): Promise<void> {
    if (this.#forget(wake)) this.cancelled++;
  }

  /** Time of the earliest pending wake-up, if any. */
  peekTime(): number | undefined {
    this.#dropDead();
    return this.#heap.peekTime();
  }

  /** Removes and returns the earliest pending wake-up if it is due at or before `now`. */
  popDue(now: number): Wake | undefined {
    this.#dropDead();
    const at = this.#heap.peekTime();
    if (at === undefined || at > now) return undefined;
    const top = this.#heap.pop() as Pending;
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
    while (this.#heap.size > 0 && !this.#heap.peek()?.live) this.#heap.pop();
  }
}
