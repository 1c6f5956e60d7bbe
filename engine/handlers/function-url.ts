import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';

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

/**
 * Wraps a Function URL handler so an unexpected error becomes a generic 500 for the caller (who may
 * retry) and one full log line for us; the error itself is never sent back.
 */
export function withErrorBoundary(
  name: string,
  log: () => Promise<{ error(message: string, data?: Record<string, unknown>): void }>,
  run: (event: LambdaFunctionURLEvent) => Promise<LambdaFunctionURLResult>,
): (event: LambdaFunctionURLEvent) => Promise<LambdaFunctionURLResult> {
  return async (event) => {
    try {
      return await run(event);
    } catch (error) {
      try {
        (await log()).error('request failed', {
          handler: name,
          error: error instanceof Error ? error.name : 'unknown',
          detail: error instanceof Error ? error.message.slice(0, 300) : undefined,
          stack: error instanceof Error ? error.stack?.split('\n').slice(0, 6).join(' | ') : undefined,
        });
      } catch {
        console.error(JSON.stringify({ level: 'error', msg: 'request failed', handler: name }));
      }
      return problem(
        500,
        'internal_error',
        'Something went wrong on our side; nothing was lost. Please retry.',
      );
    }
  };
}
