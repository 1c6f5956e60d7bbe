/** One problem with one field of an input: where it is (a dotted path) and what is wrong with it. */
export interface FieldError {
  path: string;
  message: string;
}

/** Base of every error the engine raises on purpose; anything else is a bug. */
export class CartRecoveryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CartRecoveryError';
  }
}

/** An input (event, rules doc, owner action, scenario line) failed validation; nothing of it was used. */
export class ValidationError extends CartRecoveryError {
  readonly errors: readonly FieldError[];
  constructor(what: string, errors: readonly FieldError[], options?: { cause?: unknown }) {
    super(
      `${what} is invalid: ${errors.map((e) => `${e.path || '(root)'}: ${e.message}`).join('; ')}`,
      options,
    );
    this.name = 'ValidationError';
    this.errors = errors;
  }
}

/** The rules doc failed validation; the engine keeps the rules it had. */
export class RulesValidationError extends ValidationError {
  constructor(errors: readonly FieldError[], options?: { cause?: unknown }) {
    super('The rules doc', errors, options);
    this.name = 'RulesValidationError';
  }
}

/** A conditional write lost a race: someone else changed the record first. Callers re-read and retry. */
export class VersionConflictError extends CartRecoveryError {
  constructor(what: string, options?: { cause?: unknown }) {
    super(`${what} was changed by someone else; re-read and retry`, options);
    this.name = 'VersionConflictError';
  }
}

/** An owner action or unsubscribe named a cart or email the engine does not know. */
export class NotFoundError extends CartRecoveryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NotFoundError';
  }
}

/** An unsubscribe token was forged, changed, cut short or sealed with another key; nothing of it was used. */
export class InvalidUnsubscribeTokenError extends CartRecoveryError {
  constructor(options?: { cause?: unknown }) {
    super('The unsubscribe token is invalid', options);
    this.name = 'InvalidUnsubscribeTokenError';
  }
}

/** A reminder link's click token was forged, changed or cut short; the shopper still gets somewhere useful. */
export class InvalidClickTokenError extends CartRecoveryError {
  constructor(options?: { cause?: unknown }) {
    super('The click token is invalid', options);
    this.name = 'InvalidClickTokenError';
  }
}
