import type { Clock } from '../../ports.js';

/** A clock that only moves when told: the simulator's virtual time, and the tests'. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start: Date | string | number) {
    this.#now = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#now);
  }
  set(at: Date | string | number): void {
    this.#now = new Date(at).getTime();
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => new Date() };
