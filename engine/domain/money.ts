import { BoundedCache } from './bounded-cache.js';
import { isSupportedLocale } from './supported-locale.js';

const FALLBACK_LOCALE = 'en-US';
const DECIMAL = /^-?\d+(\.\d+)?$/;
/** What Intl takes as a currency code (ECMA-402 IsWellFormedCurrencyCode): three ASCII letters. */
const CURRENCY_CODE = /^[A-Za-z]{3}$/;

function usableLocale(locale: string): string {
  return isSupportedLocale(locale) ? locale : FALLBACK_LOCALE;
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
  return moneyFormatOf(locale, currency).format(amount as Intl.StringNumericLiteral);
}

// Every reminder formats each line and its total, and building a formatter per amount was a third of
// a simulated month (docs/performance.md). A store sells in one currency to shoppers of a few dozen
// locales: 256 locale-currency pairs keep them all, and made-up locales in cart events cannot grow it.
const moneyFormats = new BoundedCache<string, Intl.NumberFormat>(256);

function moneyFormatOf(locale: string, currency: string): Intl.NumberFormat {
  return moneyFormats.getOrMake(
    `${locale} ${currency}`,
    () => new Intl.NumberFormat(usableLocale(locale), { style: 'currency', currency }),
  );
}

/**
 * A whole count the way `locale` writes numbers ("1.000" in de-DE); a locale Intl does not know falls
 * back to en-US, as for money.
 * @example formatCount(1000, 'de-DE') // '1.000'
 */
export function formatCount(count: number, locale: string): string {
  return countFormats.getOrMake(locale, () => new Intl.NumberFormat(usableLocale(locale))).format(count);
}

// Each reminder writes every item's quantity, and a formatter made per quantity cost a twelfth of a
// simulated month (docs/performance.md). One per locale; 256 as for money.
const countFormats = new BoundedCache<string, Intl.NumberFormat>(256);

/**
 * Throws what {@link formatMoney} would throw for these arguments, without formatting: for callers that
 * check everything first and format later, if at all. Any locale will do (it falls back to en-US).
 * @throws RangeError when `amount` is not a decimal string or `currency` is not a currency code.
 */
export function checkMoney(amount: string, currency: string, _locale: string): void {
  if (!DECIMAL.test(amount)) throw new RangeError('amount must be a decimal string such as "42.50"');
  if (!CURRENCY_CODE.test(currency))
    throw new RangeError('currency must be a three-letter code such as "USD"');
}

/**
 * `amount` times a whole `quantity`, exactly, as a decimal string with the amount's decimals: a line
 * total is never a float product.
 * @throws RangeError when `amount` is not a decimal string or `quantity` not a whole number of at least 0.
 * @example multiplyAmount('79.75', 2) // '159.50'
 */
export function multiplyAmount(amount: string, quantity: number): string {
  if (!DECIMAL.test(amount)) throw new RangeError('amount must be a decimal string such as "42.50"');
  if (!Number.isSafeInteger(quantity) || quantity < 0)
    throw new RangeError('quantity must be a whole number of at least 0');
  const negative = amount.startsWith('-');
  // DECIMAL has checked there are digits before any point.
  const [whole, fraction = ''] = (negative ? amount.slice(1) : amount).split('.') as [string, string?];
  const product = (BigInt(whole + fraction) * BigInt(quantity)).toString().padStart(fraction.length + 1, '0');
  const cut = product.length - fraction.length;
  const digits = fraction.length > 0 ? `${product.slice(0, cut)}.${product.slice(cut)}` : product;
  return negative && /[1-9]/.test(digits) ? `-${digits}` : digits;
}
