import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { VersionConflictError } from '../domain/errors.js';
import type { Logger } from '../ports.js';

/** The raw bytes of a Function URL body: Lambda base64-encodes bodies it does not take for text. */
export function rawBody(event: LambdaFunctionURLEvent): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/** A header by name, whatever its case (Function URLs lower-case them; local callers may not). */
export function header(event: LambdaFunctionURLEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

export function method(event: LambdaFunctionURLEvent): string {
  return event.requestContext?.http?.method?.toUpperCase() ?? 'GET';
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): LambdaFunctionURLResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS, ...headers },
    body: JSON.stringify(body),
  };
}

export function html(
  statusCode: number,
  body: string,
  headers: Record<string, string> = {},
): LambdaFunctionURLResult {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
      ...SECURITY_HEADERS,
      ...headers,
    },
    body,
  };
}

/** One error body shape for every endpoint: a code, a message for people, and field errors when there are any. */
export function problem(
  statusCode: number,
  error: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): LambdaFunctionURLResult {
  return json(statusCode, { error, message, ...extra }, headers);
}

/** What a caller is told when a cart stayed busy through every retry: send the same request again. */
export const BUSY_RETRY_AFTER_SECONDS = 2;

/**
 * Wraps a Function URL handler so that no error escapes it:
 * - a cart that other deliveries kept changing through every retry (VersionConflictError) is a 429
 *   with Retry-After: nothing was stored, and the same request sent again will be;
 * - anything else unexpected is a generic 500 for the caller (who may retry) and one full log line
 *   for us; the error itself is never sent back.
 */
export function withErrorBoundary(
  name: string,
  log: () => Promise<Pick<Logger, 'warn' | 'error'>>,
  run: (event: LambdaFunctionURLEvent) => Promise<LambdaFunctionURLResult>,
): (event: LambdaFunctionURLEvent) => Promise<LambdaFunctionURLResult> {
  return async (event) => {
    try {
      return await run(event);
    } catch (error) {
      const busy = error instanceof VersionConflictError;
      try {
        const logger = await log();
        if (busy) logger.warn('request refused', { handler: name, reason: 'busy', detail: error.message });
        else {
          logger.error('request failed', {
            handler: name,
            error: error instanceof Error ? error.name : 'unknown',
            detail: error instanceof Error ? error.message.slice(0, 300) : undefined,
            stack: error instanceof Error ? error.stack?.split('\n').slice(0, 6).join(' | ') : undefined,
          });
        }
      } catch {
        console.error(JSON.stringify({ level: 'error', msg: 'request failed', handler: name }));
      }
      if (busy) {
        return problem(
          429,
          'busy',
          'Other deliveries were changing the same cart at this moment; nothing was stored. Send the same request again.',
          {},
          { 'retry-after': String(BUSY_RETRY_AFTER_SECONDS) },
        );
      }
      return problem(
        500,
        'internal_error',
        'Something went wrong on our side; nothing was lost. Please retry.',
      );
    }
  };
}
