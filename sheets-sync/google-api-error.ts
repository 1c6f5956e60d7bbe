import { CartRecoveryError } from '#engine/domain/errors.js';

/** What went wrong, in the words the owner (or the developer) can act on. */
export interface GoogleFailure {
  /** The HTTP status, when Google answered. */
  status: number | undefined;
  /**
   * Google's reason: an ErrorInfo reason (SERVICE_DISABLED), an `errors[].reason`
   * (userRateLimitExceeded, notFound), an OAuth error (invalid_grant), the status name
   * (PERMISSION_DENIED), or ours (TAB_NOT_FOUND).
   */
  reason: string | undefined;
  /** Google's own message, cut short. */
  detail: string;
  /** What to do about it, in plain words. */
  hint: string;
  /** Worth trying again later (rate limits, 5xx, the network). */
  temporary: boolean;
}

/** A Google API call failed for good: not retryable, out of tries, or told to wait too long. */
export class GoogleApiError extends CartRecoveryError {
  readonly status: number | undefined;
  readonly reason: string | undefined;
  readonly hint: string;
  readonly temporary: boolean;
  constructor(operation: string, failure: GoogleFailure, options?: { cause?: unknown }) {
    super(
      `Google ${operation} failed${failure.status ? ` (HTTP ${failure.status}${failure.reason ? ` ${failure.reason}` : ''})` : ''}: ${failure.detail}`,
      options,
    );
    this.name = 'GoogleApiError';
    this.status = failure.status;
    this.reason = failure.reason;
    this.hint = failure.hint;
    this.temporary = failure.temporary;
  }
}

/** A Sheets API call for the rules sync or the nightly run failed for good. */
export class GoogleSheetsError extends GoogleApiError {
  constructor(operation: string, failure: GoogleFailure, options?: { cause?: unknown }) {
    super(`Sheets ${operation}`, failure, options);
    this.name = 'GoogleSheetsError';
  }
}
