/**
 * What `npm start` offers a developer beyond the Function URLs, on the same local HTTP server:
 *
 * - `POST /local/rules` (body: a rules doc in YAML): checks it as the engine does and publishes it
 *   to the local rules bucket (`cart-recovery rules publish FILE --local` sends it);
 * - `GET /local/carts/<id>`: the cart as the engine keeps it, without the shopper's address: its
 *   status, pending wake-up and reminders with the reason a reminder was skipped (`npm run demo`
 *   reads it to say which guardrail held a reminder back);
 * - one short terminal line per event the webhook answered and per email sent, with a hash of the
 *   address, never the address.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Cart } from '../domain/cart.js';
import { emailHash } from '../domain/email-hash.js';
import { RulesValidationError } from '../domain/errors.js';
import type { Rules } from '../domain/rules.js';
import { type TierOrderWarning, tierOrderWarnings } from '../domain/tiers.js';
import { readBody } from './json-http-server.js';

/** A rules doc is a few KB; the webhook's limit is plenty. */
const MAX_RULES_BYTES = 256 * 1024;

export interface DeveloperRoutesDeps {
  /** Validates and publishes a YAML rules doc; throws RulesValidationError naming each bad field. */
  publishRules(yaml: string): Promise<{ version: string; rules: Pick<Rules, 'tiers'> }>;
  cart(cartId: string): Promise<Cart | undefined>;
}

/** What `GET /local/carts/<id>` answers: the engine's own record, less the shopper's details. */
export interface CartView {
  id: string;
  status: Cart['status'];
  wake?: Cart['wake'];
  reminders: Cart['reminders'];
}

const SKIP_REASONS: Record<string, string> = {
  frequency_cap: 'the frequency cap (this address got a reminder for another cart within frequencyCapHours)',
};

/**
 * Why the engine holds a cart's first reminder back, in its own terms, or undefined while it is on
 * its way: a skip with its reason, a closed cart, or a wake-up later than a few minutes from `now`
 * (quiet hours, the cart's wait, or rules that send no more reminders: the cart does not say which).
 * @example heldBack({ id, status: 'open', reminders: [{ n: 1, state: 'skipped', reason: 'frequency_cap', ... }] }, now)
 * // 'reminder 1 was skipped by the frequency cap (...)'
 */
export function heldBack(cart: CartView, now: number): string | undefined {
  const first = cart.reminders.find((r) => r.n === 1);
  if (first?.state === 'skipped')
    return `reminder 1 was skipped by ${SKIP_REASONS[first.reason ?? ''] ?? first.reason ?? 'a guardrail'}`;
  if (first) return undefined;
  if (cart.status !== 'open') return `the cart is closed (${cart.status}), so no reminder goes`;
  if (cart.wake && Date.parse(cart.wake.at) > now + 5 * 60_000)
    return `no reminder now: the engine next looks at this cart at ${cart.wake.at} (quiet hours, its wait, or rules that send no more)`;
  return undefined;
}

/** The routes above, as one hook for the local server: true when it answered the request. */
export function developerRoutes(
  deps: DeveloperRoutesDeps,
): (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<boolean> {
  return async (request, response, url) => {
    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/local/rules') {
      if (request.method !== 'POST') return answer(response, 405, { error: 'Use POST with a YAML body.' });
      // A YAML type, which a web page can only send after a CORS preflight this server never allows:
      // a page the developer visits cannot publish rules to their running stack with a plain form post.
      if (!YAML_TYPE.test(request.headers['content-type'] ?? '')) {
        return answer(response, 415, {
          error: 'Send the rules doc as YAML (Content-Type: application/yaml).',
        });
      }
      const body = await readBody(request, MAX_RULES_BYTES);
      if (body === undefined) return answer(response, 413, { error: 'A rules doc is at most 256 KB.' });
      try {
        const published = await deps.publishRules(body.toString('utf8'));
        const warnings: TierOrderWarning[] = tierOrderWarnings(published.rules.tiers);
        return answer(response, 200, { status: 'published', version: published.version, warnings });
      } catch (error) {
        if (!(error instanceof RulesValidationError)) throw error;
        return answer(response, 400, { error: 'The rules doc is not valid.', errors: error.errors });
      }
    }
    const cartId = /^\/local\/carts\/([^/]+)$/.exec(path)?.[1];
    if (cartId === undefined) return false;
    if (request.method !== 'GET') return answer(response, 405, { error: 'Use GET.' });
    const id = decodedSegment(cartId);
    if (id === undefined)
      return answer(response, 400, { error: 'The cart id is not valid percent-encoding.' });
    const cart = await deps.cart(id);
    if (!cart) return answer(response, 404, { error: `No cart "${id}".` });
    const view: CartView = {
      id: cart.id,
      status: cart.status,
      ...(cart.wake ? { wake: cart.wake } : {}),
      reminders: cart.reminders,
    };
    return answer(response, 200, view);
  };
}

/** application/yaml, application/x-yaml or text/yaml, with or without parameters. */
const YAML_TYPE = /^(application\/(x-)?yaml|text\/yaml)\s*(;|$)/i;

/** A percent-encoded path segment decoded, or undefined for a broken escape ("%", "%E0%A4%A"). */
function decodedSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * The terminal's line for a webhook answer: accepted, duplicate or rejected, with the ids the
 * answer names; nothing for other answers (bad signature and the like are in the answer itself).
 * @example webhookLine(result) // 'event accepted   evt_1 (cart cart_1)'
 */
export function webhookLine(result: { statusCode?: number; body?: string }): string | undefined {
  const body = parse(result.body);
  const ids = `${String(body.eventId ?? '?')} (cart ${String(body.cartId ?? '?')})`;
  if (result.statusCode === 202) return `event accepted   ${ids}`;
  if (result.statusCode === 200) return `event duplicate  ${ids}: already stored, nothing changed`;
  if (result.statusCode === 400) {
    const errors = Array.isArray(body.errors) ? body.errors.length : 0;
    return `event rejected   ${errors} field error(s): see the answer for each field`;
  }
  return undefined;
}

/**
 * The terminal's line for an email the local SES received: its subject and a hash of each
 * recipient (the logs' `emailHash`), never the address.
 */
export function emailLine(email: { subject?: string; destination?: { to?: string[] } }): string {
  // A recipient may be written "Name <address>": the hash is of the address, as the logs'.
  const to = (email.destination?.to ?? []).map((recipient) =>
    emailHash((/<([^>]+)>/.exec(recipient)?.[1] ?? recipient).trim().toLowerCase()),
  );
  return `email sent       to ${to.join(', ') || '?'}: "${email.subject ?? ''}"`;
}

function parse(body: string | undefined): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body ?? '');
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function answer(response: ServerResponse, status: number, body: unknown): true {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(`${JSON.stringify(body, null, 2)}\n`);
  return true;
}
