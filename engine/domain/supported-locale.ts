import { BoundedCache } from './bounded-cache.js';

// Every reminder asks whether its cart's locale can be formatted, and asking Intl each time was a
// twentieth of a simulated month (docs/performance.md). Shoppers of one store use a few dozen tags:
// 256 keep them all, and made-up tags in cart events cannot grow it.
const supported = new BoundedCache<string, boolean>(256);

/**
 * True when this runtime's Intl has number and date data for `tag` ("de-CH"), false for a tag it does
 * not know or that is not a language tag at all.
 */
export function isSupportedLocale(tag: string): boolean {
  return supported.getOrMake(tag, asksIntl);
}

function asksIntl(tag: string): boolean {
  try {
    return Intl.NumberFormat.supportedLocalesOf(tag).length > 0;
  } catch {
    return false;
  }
}
