import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import {
  SIGNATURE_HEADER,
  SIGNATURE_TOLERANCE_SECONDS,
  verifySignature,
} from '../domain/request-signature.js';
import type { Clock, Logger, NonceStore } from '../ports.js';
import { header, method, problem, rawBody } from './function-url.js';

/** Bodies above this are refused before any parsing (a cart of 200 items is far below it). */
export const MAX_BODY_BYTES = 256 * 1024;

/** How one signed endpoint words its refusals. */
export interface SignedEndpoint {
  /** The fixed log message of a refusal, e.g. 'webhook request refused'. */
  refusal: string;
  /** What to send, for the 405 and 415 messages: 'cart events', 'the event'. */
  things: string;
  thing: string;
}

/** Where a signed endpoint gets its secrets and the time a signature is checked against. */
export interface SignedContext {
  secrets: readonly string[];
  /**
   * The wall clock, for signatures and nonces: transport time, not business time. It differs from
   * the engine's clock only when `npm start --speed N` runs business time faster.
   */
  wallClock?: Clock;
}

export type SignedJson =
  | { ok: true; body: unknown; refuse: Refuse }
  | { ok: false; response: LambdaFunctionURLResult };

export type Refuse = (
  status: number,
  error: string,
  message: string,
  extra?: Record<string, unknown>,
) => LambdaFunctionURLResult;

/** `application/json`, with at most a UTF-8 charset: not `application/json-seq`, not `+json` types. */
const JSON_TYPE = /^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i;

/**
 * The envelope every signed endpoint shares, checked in one order: POST (405), at most 256 KB (413),
 * JSON (415), a valid signature on the raw bytes within five minutes (401), valid UTF-8 and parseable
 * JSON (400).
 * Each refusal is logged with its reason, never the body. Returns the parsed body and the same
 * `refuse` for the endpoint's own checks.
 */
export function readSignedJson(
  event: LambdaFunctionURLEvent,
  endpoint: SignedEndpoint,
  check: { secrets: readonly string[]; now: Date; log: Logger },
): SignedJson {
  const refuse = refuser(check.log, endpoint.refusal);
  const fail = (...args: Parameters<Refuse>): SignedJson => ({ ok: false, response: refuse(...args) });
  if (method(event) !== 'POST') return fail(405, 'method_not_allowed', `Send ${endpoint.things} with POST.`);
  const body = rawBody(event);
  if (body.length > MAX_BODY_BYTES)
    return fail(413, 'payload_too_large', `The body is over ${MAX_BODY_BYTES} bytes.`);
  if (!JSON_TYPE.test(header(event, 'content-type') ?? '')) {
    return fail(
      415,
      'unsupported_media_type',
      `Send ${endpoint.thing} as JSON (Content-Type: application/json).`,
    );
  }
  const signature = verifySignature(header(event, SIGNATURE_HEADER), body, check.secrets, check.now);
  if (!signature.ok) return fail(401, 'bad_signature', signature.reason);
  return parseJsonBody(body, refuse);
}

/**
 * The refusal of a signed endpoint: logged with its reason (never the body) and answered in the one
 * problem shape.
 */
export function refuser(log: Logger, refusal: string): Refuse {
  return (status, error, message, extra = {}) => {
    log.warn(refusal, { status, error, reason: message });
    return problem(status, error, message, extra);
  };
}

/** A verified body as JSON: valid UTF-8 and parseable, else a 400 naming the problem. */
export function parseJsonBody(body: Buffer, refuse: Refuse): SignedJson {
  let text: string;
  try {
    // Strictly: a lenient decode would turn bad bytes into U+FFFD and store what was never sent.
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return {
      ok: false,
      response: refuse(400, 'invalid_utf8', 'The body is not valid UTF-8.', {
        errors: [{ path: '', message: 'is not valid UTF-8' }],
      }),
    };
  }
  try {
    return { ok: true, body: JSON.parse(text), refuse };
  } catch {
    return {
      ok: false,
      response: refuse(400, 'invalid_json', 'The body is not valid JSON.', {
        errors: [{ path: '', message: 'is not valid JSON' }],
      }),
    };
  }
}

/**
 * Takes a signed request's nonce once. It lives a little longer than a signature may be late, so a
 * replay inside the window is caught.
 */
export function claimNonce(nonces: NonceStore, nonce: string, now: Date): Promise<boolean> {
  return nonces.claim(nonce, new Date(now.getTime() + 2 * SIGNATURE_TOLERANCE_SECONDS * 1000));
}
