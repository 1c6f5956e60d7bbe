import type { FetchParams, HttpResponse, UrlFetch, Utilities } from './services.js';
import { signatureHeader } from './signing.js';

/** The header the engine's signed endpoints read. */
export const SIGNATURE_HEADER = 'Cart-Recovery-Signature';

export interface SignedRequest {
  url: string;
  params: FetchParams;
}

/** What an endpoint said, in one shape: its JSON body, or a message a store owner can act on. */
export type EndpointAnswer =
  | { ok: true; status: number; body: Record<string, unknown> }
  | { ok: false; status: number; error: string; message: string; errors: FieldProblem[] };

export interface FieldProblem {
  path?: string;
  cell?: string;
  message: string;
}

/**
 * A POST of `fields` plus a fresh nonce, signed with the owner secret at `now`. Nothing is sent:
 * `send` does that, so the request can be checked (or handed to the engine) in tests.
 */
export function signedRequest(
  utilities: Utilities,
  endpoint: { url: string; secret: string },
  fields: Record<string, unknown>,
  now: Date,
): SignedRequest {
  const payload = JSON.stringify({ ...fields, nonce: utilities.getUuid() });
  const unixSeconds = Math.floor(now.getTime() / 1000);
  return {
    url: endpoint.url,
    params: {
      method: 'post',
      contentType: 'application/json; charset=utf-8',
      payload,
      headers: { [SIGNATURE_HEADER]: signatureHeader(utilities, endpoint.secret, payload, unixSeconds) },
      // Read 4xx/5xx answers instead of throwing, so their message can be shown.
      muteHttpExceptions: true,
      followRedirects: false,
    },
  };
}

/** Sends a signed request; a network failure becomes an answer too (status 0). */
export function send(urlFetch: UrlFetch, request: SignedRequest): EndpointAnswer {
  let response: HttpResponse;
  try {
    response = urlFetch.fetch(request.url, request.params);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      status: 0,
      error: 'unreachable',
      message: `Cart Recovery could not be reached (${detail}). Check the URLs in Set up, then try again.`,
      errors: [],
    };
  }
  return readAnswer(response);
}

/** Answers whose own words are for a developer, by status: what the owner reads instead. */
const EXPLAIN: Record<number, string> = {
  401: 'Cart Recovery refused the signature: the owner secret in Set up does not match the one in AWS (or this computer clock is off by more than 5 minutes).',
  409: 'Cart Recovery had already received this exact request; nothing was done twice.',
  413: 'The request is too large.',
  // The engine's "busy" (a cart changed by other deliveries meanwhile) and Lambda's own throttling.
  429: 'Cart Recovery was busy and did nothing this time. Wait a few seconds, then choose the menu item again.',
};

/** The same, by the engine's error code, where one status means several things. */
const EXPLAIN_ERROR: Record<string, string> = {
  google_unavailable:
    'Cart Recovery could not reach Google; nothing was changed. Try again in a few minutes.',
};

/** Statuses that, without an answer of the engine's, mean the address leads somewhere else. */
const ELSEWHERE = new Set([301, 302, 303, 307, 308, 403, 404]);

/** Reads an endpoint's answer: 2xx JSON is success; anything else becomes a clear message. */
export function readAnswer(response: HttpResponse): EndpointAnswer {
  const status = response.getResponseCode();
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(response.getContentText());
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      body = parsed as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  if (status >= 200 && status < 300 && body) return { ok: true, status, body };
  const serverMessage = typeof body?.message === 'string' ? body.message : undefined;
  const error = typeof body?.error === 'string' ? body.error : `http_${status}`;
  const errors = problemsOf(body?.errors);
  const message =
    EXPLAIN[status] ??
    EXPLAIN_ERROR[error] ??
    serverMessage ??
    (status >= 500
      ? `Cart Recovery had a problem (HTTP ${status}); nothing was lost. Try again in a minute.`
      : ELSEWHERE.has(status)
        ? `The address in Set up does not lead to Cart Recovery (HTTP ${status}). Check the URLs in Set up.`
        : `Cart Recovery answered HTTP ${status} without an explanation.`);
  return { ok: false, status, error, message, errors };
}

/** The well-formed problems of a list in an answer (errors, warnings); none when it is not a list. */
export function problemsOf(list: unknown): FieldProblem[] {
  return Array.isArray(list) ? (list as unknown[]).filter(isProblem) : [];
}

function isProblem(value: unknown): value is FieldProblem {
  return typeof value === 'object' && value !== null && typeof (value as FieldProblem).message === 'string';
}

/** "C3: must be …", "cartId: …" or the bare message. */
export function describeProblem(problem: FieldProblem): string {
  const where = problem.cell ?? problem.path;
  return where ? `${where}: ${problem.message}` : problem.message;
}
