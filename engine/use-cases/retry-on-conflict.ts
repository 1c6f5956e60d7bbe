import { VersionConflictError } from '../domain/errors.js';

const ATTEMPTS = 8;

/**
 * Runs a read-decide-write step again when its conditional write loses a race, so concurrent
 * deliveries converge instead of failing. Any other error passes through.
 */
export async function retryOnConflict<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= ATTEMPTS) throw error;
    }
  }
}
