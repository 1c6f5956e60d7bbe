/**
 * A local stand-in for the one Stripe API call the engine makes (list a Checkout Session's line
 * items), speaking Stripe's wire format to the official `stripe` package: bearer-key auth (401 for
 * any other key), `{ object: 'list', data, has_more, url }` lists, errors as `{ error: { type,
 * message } }`, 404 for an unknown session, and failures queued per session (429 rate limits, with or
 * without `Stripe-Should-Retry`, or 500) to show how the engine copes. `PUT /local/sessions/<id>`
 * (`{ lineItems, failures }`, no key) is its own addition, for a sample from another process.
 */
import { startJsonHttpServer } from './json-http-server.js';

/** A line item in Stripe's shape (the fields the engine reads, and a few more as Stripe sends them). */
export interface StripeLineItemObject {
  id: string;
  object: 'item';
  amount_discount: number;
  amount_subtotal: number;
  amount_tax: number;
  amount_total: number;
  currency: string;
  description: string;
  price: { id: string; object: 'price'; currency: string; product: string; unit_amount: number | null };
  quantity: number;
}

/** One failure to answer before the session's items: a status and whether Stripe says to retry. */
export interface StripeFailure {
  status: 429 | 500 | 503;
  shouldRetry?: boolean;
}

export interface LocalStripe {
  /** e.g. http://127.0.0.1:41237, for `new Stripe(key, { host, port, protocol })`. */
  endpoint: string;
  /** Makes a session's line items known, with failures answered first (in order). */
  setSession(sessionId: string, lineItems: StripeLineItemObject[], failures?: StripeFailure[]): void;
  /** Line items requests answered with their items, by session id. */
  readonly listed: Record<string, number>;
  stop(): Promise<void>;
}

class StripeApiFault extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'StripeApiFault';
  }
}

const LOCAL_SESSION = /^\/local\/sessions\/([^/]+)$/;
const LINE_ITEMS = /^\/v1\/checkout\/sessions\/([^/]+)\/line_items$/;
/** The shape of a key as Stripe prints it in an error: its prefix and last four characters only. */
const masked = (key: string) => `${key.slice(0, key.indexOf('_', 3) + 1)}****${key.slice(-4)}`;

/**
 * Starts the local Stripe API on a free port (or `port`); `apiKey` is the only key it accepts.
 * @example const stripe = await startLocalStripe({ apiKey: 'rk_test_…' }); stripe.setSession('cs_1', items)
 */
export async function startLocalStripe(options: {
  apiKey: string;
  port?: number;
  host?: string;
}): Promise<LocalStripe> {
  const sessions = new Map<string, { items: StripeLineItemObject[]; failures: StripeFailure[] }>();
  const listed: Record<string, number> = {};
  const server = await startJsonHttpServer({
    name: 'local stripe',
    host: options.host ?? '127.0.0.1',
    ...(options.port === undefined ? {} : { port: options.port }),
    contentType: 'application/json',
    maxBodyBytes: 64 * 1024,
    badBody: () => new StripeApiFault(400, 'invalid_request_error', 'Invalid request body.'),
    async route(request) {
      const local = LOCAL_SESSION.exec(request.url.pathname);
      if (local && request.method === 'PUT') {
        // Not Stripe's: how `npm run demo` (another process) gives a sample session its items.
        const body = (await request.json()) as {
          lineItems?: StripeLineItemObject[];
          failures?: StripeFailure[];
        };
        sessions.set(decodeURIComponent(local[1] ?? ''), {
          items: body.lineItems ?? [],
          failures: body.failures ?? [],
        });
        return { operation: 'LocalSetSession', body: { ok: true } };
      }
      const auth = request.headers.authorization ?? '';
      const key = auth.startsWith('Bearer ') ? auth.slice(7) : '';
      if (key !== options.apiKey)
        throw new StripeApiFault(
          401,
          'invalid_request_error',
          key ? `Invalid API Key provided: ${masked(key)}` : 'You did not provide an API key.',
        );
      const match = LINE_ITEMS.exec(request.url.pathname);
      if (request.method !== 'GET' || !match)
        throw new StripeApiFault(
          404,
          'invalid_request_error',
          `Unrecognized request URL (${request.method}: ${request.url.pathname}).`,
        );
      const sessionId = decodeURIComponent(match[1] ?? '');
      const session = sessions.get(sessionId);
      if (!session)
        throw new StripeApiFault(404, 'invalid_request_error', `No such checkout.session: '${sessionId}'`);
      const failure = session.failures.shift();
      if (failure)
        throw new StripeApiFault(
          failure.status,
          failure.status === 429 ? 'rate_limit_error' : 'api_error',
          failure.status === 429 ? 'Request rate limit exceeded.' : 'An unknown error occurred.',
          failure.shouldRetry === undefined ? {} : { 'stripe-should-retry': String(failure.shouldRetry) },
        );
      listed[sessionId] = (listed[sessionId] ?? 0) + 1;
      const limit = Math.min(Number(request.url.searchParams.get('limit') ?? '10') || 10, 100);
      const after = request.url.searchParams.get('starting_after');
      const start = after ? session.items.findIndex((item) => item.id === after) + 1 : 0;
      const page = session.items.slice(start, start + limit);
      return {
        operation: 'ListLineItems',
        body: {
          object: 'list',
          data: page,
          has_more: start + limit < session.items.length,
          url: `/v1/checkout/sessions/${sessionId}/line_items`,
        },
      };
    },
    errorReply: (error) =>
      error instanceof StripeApiFault
        ? {
            status: error.status,
            body: { error: { type: error.type, message: error.message } },
            headers: { 'request-id': `req_local${Date.now().toString(36)}`, ...error.headers },
          }
        : undefined,
    internalError: {
      status: 500,
      body: { error: { type: 'api_error', message: 'An unknown error occurred.' } },
    },
  });
  return {
    endpoint: server.endpoint,
    setSession(sessionId, lineItems, failures = []) {
      sessions.set(sessionId, { items: structuredClone(lineItems), failures: [...failures] });
    },
    listed,
    stop: () => server.close(),
  };
}
