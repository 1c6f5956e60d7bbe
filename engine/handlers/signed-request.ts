import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { formatPath } from '../domain/field-errors.js';
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
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {
      ok: false,
      response: refuse(400, 'invalid_json', 'The body is not valid JSON.', {
        errors: [{ path: '', message: 'is not valid JSON' }],
      }),
    };
  }
  // Valid UTF-8 holds no surrogates, but a JSON escape can write half a pair ("\ud800"), which no
  // text means. Stored, it turns into U+FFFD, and ids that differ only there would name one cart.
  const broken = SURROGATE_ESCAPE.test(text) ? halfSurrogatePath(value) : undefined;
  if (broken !== undefined) {
    return {
      ok: false,
      response: refuse(400, 'invalid_text', 'The body holds text that is not valid Unicode.', {
        errors: [
          { path: broken, message: 'holds half of a UTF-16 surrogate pair (\\ud800 to \\udfff alone)' },
        ],
      }),
    };
  }
  return { ok: true, body: value, refuse };
}

/** A JSON escape of a UTF-16 surrogate, paired or not: only a body with one needs the walk below. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
/** A surrogate that is not part of a pair. */
const HALF_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** One value met in the walk below, with the way back to the root. */
interface Visit {
  value: unknown;
  key?: PropertyKey;
  parent?: Visit;
}

/** The path from the root to a visited value (or to its key `also`). */
function pathTo(visit: Visit, also?: string): string {
  const keys: PropertyKey[] = also === undefined ? [] : [also];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) keys.unshift(at.key);
  return formatPath(keys);
}

/**
 * The path of the first key or text in a parsed JSON value that holds half a surrogate pair, or
 * undefined. Walked with a list, not by recursion: JSON.parse takes nesting deeper than the stack.
 */
function halfSurrogatePath(root: unknown): string | undefined {
  const pending: Visit[] = [{ value: root }];
  for (let visit = pending.pop(); visit; visit = pending.pop()) {
    const { value } = visit;
    if (typeof value === 'string') {
      if (HALF_SURROGATE.test(value)) return pathTo(visit);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) pending.push({ value: value[i], key: i, parent: visit });
    } else if (typeof value === 'object' && value !== null) {
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i] as [string, unknown];
        if (HALF_SURROGATE.test(key)) return pathTo(visit, key);
        pending.push({ value: item, key, parent: visit });
      }
    }
  }
  return undefined;
}

/**
 * Takes a signed request's nonce once. It lives a little longer than a signature may be late, so a
 * replay inside the window is caught.
 */
export function claimNonce(nonces: NonceStore, nonce: string, now: Date): Promise<boolean> {
  return nonces.claim(nonce, new Date(now.getTime() + 2 * SIGNATURE_TOLERANCE_SECONDS * 1000));
}
