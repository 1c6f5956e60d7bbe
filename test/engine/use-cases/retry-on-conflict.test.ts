import { describe, expect, it } from 'vitest';
import { CartRecoveryError, VersionConflictError } from '#engine/domain/errors.js';
import {
  CONFLICT_ATTEMPTS,
  conflictBackoffMs,
  retryOnConflict,
} from '#engine/use-cases/retry-on-conflict.js';

describe('retryOnConflict', () => {
  it('tries a step again after a lost race and returns what it then returns', async () => {
    // Arrange
    let calls = 0;
    const step = async () => {
      calls++;
      if (calls < 3) throw new VersionConflictError('cart c1');
      return 'saved';
    };

    // Act
    const result = await retryOnConflict(step);

    // Assess
    expect(result).toBe('saved');
    expect(calls).toBe(3);
  });

  it(`lets the conflict through after ${CONFLICT_ATTEMPTS} lost races`, async () => {
    // Arrange
    let calls = 0;
    const step = async () => {
      calls++;
      throw new VersionConflictError('cart c1');
    };

    // Act
    const outcome = retryOnConflict(step);

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(VersionConflictError);
    expect(calls).toBe(CONFLICT_ATTEMPTS);
  });

  it('lets any other error through at once', async () => {
    // Arrange
    let calls = 0;
    const step = async () => {
      calls++;
      throw new CartRecoveryError('no such cart');
    };

    // Act
    const outcome = retryOnConflict(step);

    // Assess
    await expect(outcome).rejects.toThrow('no such cart');
    expect(calls).toBe(1);
  });
});

describe('conflictBackoffMs', () => {
  it('waits a random share of 10 ms, doubling with each attempt up to 250 ms', () => {
    // Act
    const longest = [1, 2, 3, 4, 5, 6, 7].map((attempt) => conflictBackoffMs(attempt, () => 0.999999));
    const shortest = [1, 2, 3, 4, 5, 6, 7].map((attempt) => conflictBackoffMs(attempt, () => 0));

    // Assess
    expect(longest).toEqual([9, 19, 39, 79, 159, 249, 249]);
    expect(shortest).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });
});
