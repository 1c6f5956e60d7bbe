import { createHmac, hkdfSync } from 'node:crypto';

const HKDF_INFO = 'cart-recovery/holdout/v1';
/** Holdout buckets: a shopper is held out when their bucket is below `rules.holdoutPercent`. */
export const HOLDOUT_BUCKETS = 100;

/** Picks a shopper's holdout bucket from their email, under one secret key; see {@link createHoldoutDraw}. */
export interface HoldoutDraw {
  /** The bucket, 0..99, of a normalized email (`emailKey`): always the same for the same key and email. */
  bucket(emailKey: string): number;
}

/**
 * Holdout buckets under `secret`: HMAC-SHA256 of the normalized email under a key derived from the
 * secret by HKDF (its own `info`, so the key is independent of any other key derived from the same
 * secret). Keyed, so a shopper cannot tell or choose their bucket and the owner cannot pick
 * favourites; deterministic, so a shopper stays in or out for as long as the secret stays the same.
 * The bucket is the hash's first 32 bits scaled to 0..99 (each bucket within 2.4e-8 of 1%).
 * @throws RangeError when `secret` is empty.
 * @example createHoldoutDraw(secret).bucket('ann@example.com') < rules.holdoutPercent // held out
 */
export function createHoldoutDraw(secret: string): HoldoutDraw {
  if (secret.length === 0) throw new RangeError('the holdout key must not be empty');
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), HKDF_INFO, 32));
  return {
    bucket: (emailKey) => {
      const word = createHmac('sha256', key).update(emailKey, 'utf8').digest().readUInt32BE(0);
      return Math.floor((word * HOLDOUT_BUCKETS) / 2 ** 32);
    },
  };
}

/** Whether a shopper in `bucket` is held out under `holdoutPercent` (0 holds nobody out). */
export function isHeldOut(bucket: number | undefined, holdoutPercent: number): boolean {
  return bucket !== undefined && bucket < holdoutPercent;
}
