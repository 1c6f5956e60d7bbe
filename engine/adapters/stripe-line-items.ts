import type Stripe from 'stripe';
import { CART_EVENT_LIMITS } from '../domain/cart-event-limits.js';
import { CartRecoveryError } from '../domain/errors.js';
import type { CheckoutLineItem, CheckoutLineItems } from '../ports.js';

/**
 * Stripe did not list a session's line items. `refused`: it will not (a bad or revoked key, a key
 * without the Checkout Sessions read permission, a session of another account or mode), until the
 * owner fixes the key; `unavailable`: it could not just now (rate limited, down, unreachable).
 */
export class StripeApiError extends CartRecoveryError {
  readonly reason: 'refused' | 'unavailable';
  /** Stripe's error type, e.g. StripeAuthenticationError; never the key. */
  readonly type: string;
  readonly status: number | undefined;
  constructor(
    reason: 'refused' | 'unavailable',
    type: string,
    status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      `Stripe ${reason === 'refused' ? 'refused' : 'could not answer'} the line items request (${type}${status ? `, ${status}` : ''})`,
      options,
    );
    this.name = 'StripeApiError';
    this.reason = reason;
    this.type = type;
    this.status = status;
  }
}

export interface StripeLineItemsOptions {
  /** A restricted key (`rk_…`) with read access to Checkout Sessions, and nothing else. */
  restrictedKey: string;
  /** Where Stripe's API is; only set for a local stand-in (`http://127.0.0.1:8006`). */
  apiUrl?: string;
  /** Per request, in ms (default 3000): with one retry, well inside the webhook function's 10 s. */
  timeoutMs?: number;
  /** Retries the package makes on its own (default 1: connection errors, 409, 5xx, `Stripe-Should-Retry: true`). */
  maxNetworkRetries?: number;
}

const REFUSED = new Set(['StripeAuthenticationError', 'StripePermissionError', 'StripeInvalidRequestError']);

/**
 * Lists a Checkout Session's line items with the official `stripe` package and a restricted key.
 * At most as many lines as a cart may hold are read.
 */
export class StripeLineItems implements CheckoutLineItems {
  readonly #options: StripeLineItemsOptions;
  #client: Promise<{ client: Stripe; StripeError: typeof Stripe.errors.StripeError }> | undefined;

  constructor(options: StripeLineItemsOptions) {
    this.#options = options;
  }

  /** The client, made on first use: the package is loaded only where a Stripe delivery needs it. */
  #stripe() {
    this.#client ??= import('stripe').then(({ default: StripePackage }) => ({
      client: StripeLineItems.#make(StripePackage, this.#options),
      StripeError: StripePackage.errors.StripeError,
    }));
    return this.#client;
  }

  static #make(StripePackage: typeof Stripe, options: StripeLineItemsOptions): Stripe {
    const api = options.apiUrl ? new URL(options.apiUrl) : undefined;
    return new StripePackage(options.restrictedKey, {
      maxNetworkRetries: options.maxNetworkRetries ?? 1,
      timeout: options.timeoutMs ?? 3000,
      telemetry: false,
      ...(api
        ? {
            host: api.hostname,
            port: api.port || (api.protocol === 'http:' ? 80 : 443),
            protocol: api.protocol === 'http:' ? 'http' : 'https',
          }
        : {}),
    });
  }

  async list(sessionId: string): Promise<CheckoutLineItem[]> {
    const { client, StripeError } = await this.#stripe();
    let lines: Stripe.LineItem[];
    try {
      lines = await client.checkout.sessions
        .listLineItems(sessionId, { limit: 100 })
        .autoPagingToArray({ limit: CART_EVENT_LIMITS.items });
    } catch (error) {
      const type = error instanceof StripeError ? error.type : 'unknown';
      const status = error instanceof StripeError ? error.statusCode : undefined;
      throw new StripeApiError(REFUSED.has(type) ? 'refused' : 'unavailable', type, status, { cause: error });
    }
    return lines.map((line) => ({
      id: line.id,
      description: line.description ?? '',
      quantity: line.quantity ?? 0,
      unitAmount: line.price?.unit_amount ?? null,
      amountSubtotal: line.amount_subtotal,
      productId:
        typeof line.price?.product === 'string' ? line.price.product : (line.price?.product?.id ?? null),
    }));
  }
}
