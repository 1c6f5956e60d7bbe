import { setTimeout as sleep } from 'node:timers/promises';
import { VersionConflictError } from '../domain/errors.js';

/** How many times a step is tried before its VersionConflictError reaches the caller. */
export const CONFLICT_ATTEMPTS = 8;

/**
 * How long to wait before attempt `attempt + 1`: a random time up to 10, 20, 40 … ms, never more
 * than 250 ms. Writers that collided pick different times, so they do not collide again in step;
 * without the wait, each round of N writers of one cart has one winner and N − 1 losers.
 */
export function conflictBackoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(250, 10 * 2 ** (attempt - 1)));
}

/**
 * Runs a read-decide-write step again when its conditional write loses a race, so concurrent
 * deliveries converge instead of failing. Any other error passes through; after
 * {@link CONFLICT_ATTEMPTS} lost races the conflict does (a handler answers it 429, send again).
 */
export async function retryOnConflict<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= CONFLICT_ATTEMPTS) throw error;
      await sleep(conflictBackoffMs(attempt));
    }
  }
}
