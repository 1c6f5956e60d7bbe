import { describe, expect, it } from 'vitest';
import {
  CartRecoveryError,
  InvalidClickTokenError,
  InvalidUnsubscribeTokenError,
  NotFoundError,
  RulesValidationError,
  ValidationError,
  VersionConflictError,
} from '#engine/domain/errors.js';

describe('engine errors', () => {
  it('names a CartRecoveryError and keeps its message and cause', () => {
    // Prepare
    const cause = new Error('disk full');

    // Act
    const error = new CartRecoveryError('could not save', { cause });

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CartRecoveryError');
    expect(error.message).toBe('could not save');
    expect(error.cause).toBe(cause);
  });

  it('lists every field error of a ValidationError in its message, the empty path as (root)', () => {
    // Prepare
    const errors = [
      { path: '', message: 'must be an object' },
      { path: 'cart.items[0].price', message: 'must be a decimal amount' },
    ];

    // Act
    const error = new ValidationError('The cart event', errors);

    // Assess
    expect(error).toBeInstanceOf(CartRecoveryError);
    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe(
      'The cart event is invalid: (root): must be an object; cart.items[0].price: must be a decimal amount',
    );
    expect(error.errors).toBe(errors);
  });

  it('names a RulesValidationError after the rules doc', () => {
    // Prepare
    const cause = new Error('parse failed');

    // Act
    const error = new RulesValidationError([{ path: 'maxReminders', message: 'must be 1 or 2' }], { cause });

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.name).toBe('RulesValidationError');
    expect(error.message).toBe('The rules doc is invalid: maxReminders: must be 1 or 2');
    expect(error.errors).toEqual([{ path: 'maxReminders', message: 'must be 1 or 2' }]);
    expect(error.cause).toBe(cause);
  });

  it('tells the caller of a VersionConflictError to re-read and retry', () => {
    // Prepare
    const cause = new Error('ConditionalCheckFailed');

    // Act
    const error = new VersionConflictError('Cart cart-1001', { cause });

    // Assess
    expect(error).toBeInstanceOf(CartRecoveryError);
    expect(error.name).toBe('VersionConflictError');
    expect(error.message).toBe('Cart cart-1001 was changed by someone else; re-read and retry');
    expect(error.cause).toBe(cause);
  });

  it('keeps the message of a NotFoundError as given', () => {
    // Act
    const error = new NotFoundError('No cart cart-9');

    // Assess
    expect(error).toBeInstanceOf(CartRecoveryError);
    expect(error.name).toBe('NotFoundError');
    expect(error.message).toBe('No cart cart-9');
  });

  it.each([
    [
      'an unsubscribe',
      InvalidUnsubscribeTokenError,
      'InvalidUnsubscribeTokenError',
      'The unsubscribe token is invalid',
    ],
    ['a click', InvalidClickTokenError, 'InvalidClickTokenError', 'The click token is invalid'],
  ])('says no more than that %s token is invalid', (_kind, TokenError, name, message) => {
    // Prepare
    const cause = new Error('bad tag');

    // Act
    const error = new TokenError({ cause });

    // Assess
    expect(error).toBeInstanceOf(CartRecoveryError);
    expect(error.name).toBe(name);
    expect(error.message).toBe(message);
    expect(error.cause).toBe(cause);
  });
});
