import { describe, expect, it } from 'vitest';
import { ValidationError } from '#engine/domain/errors.js';
import { ownerActionSchema, parseOwnerAction } from '#engine/domain/owner-action.js';

/** The field errors parseOwnerAction gives for `body`; fails the test when it accepts it. */
function errorsOf(body: unknown) {
  const result = parseOwnerAction(body);
  if (result.ok) throw new Error('expected the owner action to be rejected');
  return result.error.errors;
}

describe('parseOwnerAction', () => {
  it('accepts an action on a cart, trimmed, with the default reason and actor', () => {
    // Act
    const result = parseOwnerAction({ action: 'suppress', cartId: '  cart-1001 ' });

    // Assess
    expect(result).toEqual({
      ok: true,
      action: { action: 'suppress', cartId: 'cart-1001', reason: 'no reason given', actor: 'owner' },
    });
  });

  it('accepts an action on a shopper email with its own reason and actor', () => {
    // Act
    const result = parseOwnerAction({
      action: 'unsubscribe',
      email: ' Ann@Example.com ',
      reason: ' asked by phone ',
      actor: 'pat@acme.example',
    });

    // Assess
    expect(result).toEqual({
      ok: true,
      action: {
        action: 'unsubscribe',
        email: 'Ann@Example.com',
        reason: 'asked by phone',
        actor: 'pat@acme.example',
      },
    });
  });

  it('rejects an action without a target, naming cartId, in a ValidationError of the owner action', () => {
    // Act
    const result = parseOwnerAction({ action: 'write_off' });

    // Assess
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(ValidationError);
    expect(result.error.message).toBe('The owner action is invalid: cartId: give a cartId or an email');
    expect(result.error.errors).toEqual([{ path: 'cartId', message: 'give a cartId or an email' }]);
  });

  it('rejects an action with both a cart and an email, naming email', () => {
    // Act
    const errors = errorsOf({ action: 'suppress', cartId: 'cart-1', email: 'ann@example.com' });

    // Assess
    expect(errors).toEqual([{ path: 'email', message: 'give a cartId or an email, not both' }]);
  });

  it('rejects a blank cartId even beside an email', () => {
    // Act
    const errors = errorsOf({ action: 'suppress', cartId: '   ', email: 'ann@example.com' });

    // Assess
    expect(errors).toEqual([{ path: 'cartId', message: 'cartId must not be empty' }]);
  });

  it('names every bad field at once', () => {
    // Act
    const errors = errorsOf({
      action: 'delete',
      cartId: 42,
      email: 'not-an-email',
      reason: 'x'.repeat(501),
      actor: '',
    });

    // Assess
    expect(errors).toEqual([
      { path: 'action', message: 'action must be suppress, unsubscribe or write_off' },
      { path: 'cartId', message: 'cartId must be text' },
      { path: 'email', message: 'email must be an email address' },
      { path: 'reason', message: 'reason must be at most 500 characters' },
      { path: 'actor', message: 'actor must not be empty' },
    ]);
  });

  it('takes a 200-character cartId and refuses one more', () => {
    // Act
    const longest = parseOwnerAction({ action: 'suppress', cartId: 'c'.repeat(200) });
    const errors = errorsOf({ action: 'suppress', cartId: 'c'.repeat(201) });

    // Assess
    expect(longest.ok).toBe(true);
    expect(errors).toEqual([{ path: 'cartId', message: 'cartId must be at most 200 characters' }]);
  });

  it('rejects an email that is not text', () => {
    // Act
    const errors = errorsOf({ action: 'unsubscribe', email: 7 });

    // Assess
    expect(errors).toEqual([{ path: 'email', message: 'email must be an email address' }]);
  });
});

describe('ownerActionSchema', () => {
  it('reports a missing or doubled target as custom issues, for schemas that build on it', () => {
    // Act
    const none = ownerActionSchema.safeParse({ action: 'suppress' });
    const both = ownerActionSchema.safeParse({ action: 'suppress', cartId: 'c', email: 'a@b.example' });

    // Assess
    expect(none.error?.issues).toEqual([
      expect.objectContaining({ code: 'custom', path: ['cartId'], message: 'give a cartId or an email' }),
    ]);
    expect(both.error?.issues).toEqual([
      expect.objectContaining({
        code: 'custom',
        path: ['email'],
        message: 'give a cartId or an email, not both',
      }),
    ]);
  });
});
