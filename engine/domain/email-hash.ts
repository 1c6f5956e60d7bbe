import { createHash } from 'node:crypto';

// One reminder audits the same email three or four times (claim, send, before and after views), and a
// shopper's carts come back over days: a simulated month of 100,000 carts sees about 10,000 shoppers
// within any three days. At most about 2 MB.
const CACHE_LIMIT = 16_384;
const recent = new Map<string, string>();

/** A short, stable hash of an email key for logs and audit entries: enough to correlate, not to read. */
export function emailHash(emailKey: string): string {
  let hash = recent.get(emailKey);
  if (hash === undefined) {
    hash = createHash('sha256').update(emailKey).digest('base64url').slice(0, 12);
    if (recent.size >= CACHE_LIMIT) recent.clear();
    recent.set(emailKey, hash);
  }
  return hash;
}
