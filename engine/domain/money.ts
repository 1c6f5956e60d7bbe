const FALLBACK_LOCALE = 'en-US';
const DECIMAL = /^-?\d+(\.\d+)?$/;
// Building an Intl.NumberFormat costs far more than formatting with one, and a reminder formats
// every item: keep one per locale and currency. Bounded, as locales come from shoppers' carts.
const CACHE_LIMIT = 256;
const formatters = new Map<string, Intl.NumberFormat>();

function usableLocale(locale: string): string {
  try {
    return Intl.NumberFormat.supportedLocalesOf(locale).length > 0 ? locale : FALLBACK_LOCALE;
  } catch {
    return FALLBACK_LOCALE;
  }
}

function formatterFor(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}\u0000${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(usableLocale(locale), { style: 'currency', currency });
    if (formatters.size >= CACHE_LIMIT) formatters.clear();
    formatters.set(key, formatter);
  }
  return formatter;
}

/**
 * Formats a decimal amount in `currency` the way `locale` writes money, rounded to the currency's
 * minor unit. The decimal string goes to Intl as it is, never through a float, so no cent is lost
 * however large the amount. A locale Intl does not know falls back to en-US.
 * @throws RangeError when `amount` is not a decimal string or `currency` is not a currency code.
 * @example formatMoney('1234.5', 'EUR', 'de-DE') // '1.234,50 €'
 */
export function formatMoney(amount: string, currency: string, locale: string): string {
  checkMoney(amount, currency, locale);
  return formatterFor(currency, locale).format(amount as Intl.StringNumericLiteral);
}

/**
 * Throws what {@link formatMoney} would throw for these arguments, without formatting: for callers that
 * check everything first and format later, if at all.
 * @throws RangeError when `amount` is not a decimal string or `currency` is not a currency code.
 */
export function checkMoney(amount: string, currency: string, locale: string): void {
  if (!DECIMAL.test(amount)) throw new RangeError('amount must be a decimal string such as "42.50"');
  formatterFor(currency, locale);
}
