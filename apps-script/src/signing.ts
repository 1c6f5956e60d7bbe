import type { Utilities } from './services.js';

/**
 * Hex of the bytes Apps Script returns, which are Java's signed bytes (-128..127): -1 is "ff",
 * not "-1". `(b & 0xff)` maps each to 0..255 first.
 * @example signedBytesToHex([0, 15, -1, -128, 127]) === '000fff807f'
 */
export function signedBytesToHex(bytes: readonly number[]): string {
  let hex = '';
  for (const byte of bytes) hex += (byte & 0xff).toString(16).padStart(2, '0');
  return hex;
}

/**
 * The Cart-Recovery-Signature header for a body, exactly as the engine's `signatureHeader` makes it:
 * `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, the text taken as UTF-8.
 */
export function signatureHeader(
  utilities: Utilities,
  secret: string,
  body: string,
  unixSeconds: number,
): string {
  const mac = utilities.computeHmacSha256Signature(`${unixSeconds}.${body}`, secret, utilities.Charset.UTF_8);
  return `t=${unixSeconds},v1=${signedBytesToHex(mac)}`;
}
