import { hash as digest } from 'node:crypto';

// One reminder audits the same email three or four times (claim, send, before and after views), and a
// shopper's carts come back over days: a simulated month of 100,000 carts sees about 10,000 shoppers
// within any three days. Two generations of up to 16,384 each (at most about 4 MB): when the newer
// fills, it becomes the older and the oldest goes, so a busy shopper is never dropped all at once.
const GENERATION_LIMIT = 16_384;
let newer = new Map<string, string>();
let older = new Map<string, string>();

/** A short, stable hash of an email key for logs and audit entries: enough to correlate, not to read. */
export function emailHash(emailKey: string): string {
  let hash = newer.get(emailKey);
  if (hash !== undefined) return hash;
  // The one-shot digest: a third of the cost of a Hash object per call.
  hash = older.get(emailKey) ?? digest('sha256', emailKey, 'base64url').slice(0, 12);
  if (newer.size >= GENERATION_LIMIT) {
    older = newer;
    newer = new Map();
  }
  newer.set(emailKey, hash);
  return hash;
}
