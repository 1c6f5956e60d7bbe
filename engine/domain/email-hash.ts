import { createHash } from 'node:crypto';

/** A short, stable hash of an email key for logs and audit entries: enough to correlate, not to read. */
export function emailHash(emailKey: string): string {
  return createHash('sha256').update(emailKey).digest('base64url').slice(0, 12);
}
