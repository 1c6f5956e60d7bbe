import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { signatureHeader } from '#engine/domain/request-signature.js';

export interface FunctionUrlChange {
  method?: string;
  /** Replaces rawPath (and requestContext.http.path). */
  path?: string;
  /** Headers to set; `undefined` removes one. */
  headers?: Record<string, string | undefined>;
  /** The raw body; sent base64-encoded when `base64` is set, as Lambda does for binary types. */
  body?: string | Buffer;
  base64?: boolean;
}

/**
 * A Function URL event from a fixture under test/events/function-url/, copied (never changed in
 * place) and adjusted.
 */
export function functionUrlEvent(fixture: object, change: FunctionUrlChange = {}): LambdaFunctionURLEvent {
  const event = structuredClone(fixture) as LambdaFunctionURLEvent;
  if (change.method) event.requestContext.http.method = change.method;
  if (change.path !== undefined) {
    event.rawPath = change.path;
    event.requestContext.http.path = change.path;
  }
  for (const [name, value] of Object.entries(change.headers ?? {})) {
    if (value === undefined) delete event.headers[name];
    else event.headers[name] = value;
  }
  if (change.body !== undefined) {
    const raw = Buffer.isBuffer(change.body) ? change.body : Buffer.from(change.body, 'utf8');
    event.body = change.base64 ? raw.toString('base64') : raw.toString('utf8');
    event.isBase64Encoded = change.base64 === true;
  }
  return event;
}

/**
 * A signed POST: `payload` (an object is JSON-encoded) as the body, signed with `secret` at `at`.
 * @example signedEvent(webhookPost, { id: 'evt-1', ... }, 'whsec_1', now)
 */
export function signedEvent(
  fixture: object,
  payload: unknown,
  secret: string,
  at: Date,
  change: FunctionUrlChange = {},
): LambdaFunctionURLEvent {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return functionUrlEvent(fixture, {
    body,
    ...change,
    headers: {
      'cart-recovery-signature': signatureHeader(secret, body, Math.floor(at.getTime() / 1000)),
      ...change.headers,
    },
  });
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json: Record<string, unknown> | undefined;
}

/** A Function URL result in one shape (Lambda also allows a bare string, which these handlers never return). */
export function answer(result: LambdaFunctionURLResult): Answer {
  if (typeof result === 'string') throw new Error('expected a structured Function URL result');
  const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
  const body = result.body ?? '';
  const json = /json/.test(headers['content-type'] ?? '')
    ? (JSON.parse(body) as Record<string, unknown>)
    : undefined;
  return { status: result.statusCode ?? 200, headers, body, json };
}
