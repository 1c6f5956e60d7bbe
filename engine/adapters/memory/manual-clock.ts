import type { Clock } from '../../ports.js';

const MAX_TIME = 8.64e15;

/** A clock that only moves when told: the simulator's virtual time, and the tests'. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start: Date | string | number) {
    this.#now = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#now);
  }
  /** The time as epoch milliseconds, without making a Date. */
  nowMs(): number {
    return this.#now;
  }
  set(at: Date | string | number): void {
    // A whole number of milliseconds in Date's range is what Date would make of it anyway.
    this.#now =
      typeof at === 'number' && Number.isInteger(at) && Math.abs(at) <= MAX_TIME
        ? at
        : new Date(at).getTime();
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => new Date() };
