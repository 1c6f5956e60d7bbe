/**
 * What one cart event may hold. The schema (cart-event.ts) enforces each limit and its message names
 * it, so a storefront developer reads the limit in the error rather than guessing it. Apart from the
 * schema so that what needs only a limit (the link tokens, the Stripe line items) does not load it:
 * a Lambda that never reads a cart event then neither bundles nor builds the schema.
 */
export const CART_EVENT_LIMITS = {
  /** Characters of the event id (after trimming). */
  idLength: 200,
  /**
   * Characters of the cart id (after trimming), and its bytes in UTF-8: the id rides in every
   * unsubscribe link, which must fit one header line (RFC 5322: 998 characters).
   */
  cartIdLength: 200,
  /** Characters of an email address (RFC 5321's longest forward path, less its brackets). */
  emailLength: 254,
  /** Characters of the shopper's first name (after trimming). */
  firstNameLength: 100,
  /** Characters of a language tag or a time zone name. */
  localeLength: 64,
  /** Characters of an item's SKU (after trimming). */
  skuLength: 200,
  /** Characters of an item's title (after trimming). */
  titleLength: 500,
  /** Items in one cart. */
  items: 200,
  /** Units of one item. */
  quantity: 100_000,
  /** Characters of a return, item or image link. */
  urlLength: 2048,
  /** Digits of an amount before its decimal point. */
  amountWholeDigits: 12,
  /** Digits of an amount after its decimal point; the currency's own minor unit may allow fewer. */
  amountFractionDigits: 6,
  /** How old an event may be: the nightly import brings carts up to a month old. */
  pastDays: 35,
  /** How far ahead of our clock an event may be: a storefront's clock may run a little fast. */
  futureMinutes: 5,
} as const;
