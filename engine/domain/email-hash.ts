import { hash as digest } from 'node:crypto';

/**
 * A short, stable hash of an email key for logs and audit entries: enough to correlate, not to read.
 * The first 12 base64url characters (72 bits) of its SHA-256.
 * @example emailHash('ann@example.com') // the same 12 characters on every call and every machine
 */
export function emailHash(emailKey: string): string {
  return digest('sha256', emailKey, 'base64url').slice(0, 12);
}
