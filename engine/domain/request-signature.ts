import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header both signed endpoints read: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. */
export const SIGNATURE_HEADER = 'cart-recovery-signature';
/** How far a signature's time may be from ours before it is refused (replays, skewed clocks). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

/**
 * Signs a raw body the way the storefront (webhook secret) and the Apps Script menu (owner secret) do.
 * @example signatureHeader(secret, '{"id":"evt_1"}', 1760000000) // 't=1760000000,v1=3f2a…'
 */
export function signatureHeader(secret: string, rawBody: Buffer | string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmacHex(secret, rawBody, unixSeconds)}`;
}

function hmacHex(secret: string, rawBody: Buffer | string, unixSeconds: number): string {
  return createHmac('sha256', secret).update(`${unixSeconds}.`).update(rawBody).digest('hex');
}

/**
 * Verifies a signature header against the raw body bytes, in constant time, and refuses one whose
 * time is more than five minutes from `now`. Several `v1=` values (a secret being rotated) are allowed.
 * Never throws: whatever the header holds, the answer is a check.
 */
export function verifySignature(
  header: string | undefined,
  rawBody: Buffer | string,
  secrets: string | readonly string[],
  now: Date,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): SignatureCheck {
  if (typeof header !== 'string' || header === '') {
    return { ok: false, reason: 'the Cart-Recovery-Signature header is missing' };
  }
  const parts = readHeader(header);
  if (!parts) return { ok: false, reason: 'the signature header must look like t=<unix seconds>,v1=<hex>' };
  const { timestamp, candidates } = parts;
  // Written as "not within" so that a `now` that is no time at all (NaN) is refused too.
  if (!(Math.abs(now.getTime() / 1000 - timestamp) <= toleranceSeconds)) {
    return { ok: false, reason: `the signature time is more than ${toleranceSeconds} s away from ours` };
  }
  for (const secret of typeof secrets === 'string' ? [secrets] : secrets) {
    const expected = Buffer.from(hmacHex(secret, rawBody, timestamp), 'hex');
    for (const candidate of candidates) {
      if (timingSafeEqual(expected, candidate)) return { ok: true, timestamp };
    }
  }
  return { ok: false, reason: 'the signature does not match the body' };
}

/**
 * The time and the `v1` MACs of a header `t=<1-12 digits>,v1=<64 hex>[,v1=…]`, parts in any order and
 * any other part (`v0=…`) ignored; undefined when `t` is missing or given twice, when there is no `v1`,
 * or when a `t` or `v1` part is not exactly that form (a prefix, a space, a digit too many).
 */
function readHeader(header: string): { timestamp: number; candidates: Buffer[] } | undefined {
  let timestamp: number | undefined;
  const candidates: Buffer[] = [];
  for (const part of header.split(',')) {
    if (part.startsWith('t=')) {
      if (timestamp !== undefined || !/^\d{1,12}$/.test(part.slice(2))) return undefined;
      timestamp = Number(part.slice(2));
    } else if (part.startsWith('v1=')) {
      if (!/^[0-9a-f]{64}$/i.test(part.slice(3))) return undefined;
      candidates.push(Buffer.from(part.slice(3), 'hex'));
    }
  }
  if (timestamp === undefined || candidates.length === 0) return undefined;
  return { timestamp, candidates };
}
