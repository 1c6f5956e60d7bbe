/**
 * Times as the engine stores them: UTC ISO-8601 strings with milliseconds
 * ("2026-06-10T14:00:00.000Z"), the form `Date#toISOString` writes, so that stored times sort as text.
 */

/**
 * `new Date(ms).toISOString()`: the stored form of an instant.
 * @throws RangeError for a time Date cannot hold (NaN, beyond ±8.64e15 ms).
 */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** `Date.parse(text)`: ms since the epoch of a stored time (or any form Date reads), NaN for what it cannot read. */
export function timeOf(text: string): number {
  return Date.parse(text);
}
