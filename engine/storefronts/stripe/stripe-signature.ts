/** How old a Stripe signature may be: Stripe's own default, five minutes. */
export const STRIPE_TOLERANCE_SECONDS = 300;

export type StripeSignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Verifies `Stripe-Signature` on the raw body with the official package, against each endpoint
 * secret (`whsec_…`; two while one is rolled), at most five minutes old at `now`. Never throws.
 * The package is loaded on the first Stripe delivery, so other cold starts do not pay for it.
 */
export async function verifyStripeSignature(
  rawBody: Buffer,
  header: string | undefined,
  secrets: readonly string[],
  now: Date,
): Promise<StripeSignatureCheck> {
  if (!header) return { ok: false, reason: 'the Stripe-Signature header is missing' };
  const { default: Stripe } = await import('stripe');
  const signature = Stripe.webhooks.signature;
  // Only a platform build of the package without Node's crypto lacks it; never Node.
  if (!signature) return { ok: false, reason: 'the stripe package cannot verify signatures here' };
  let tooOld = false;
  for (const secret of secrets) {
    try {
      signature.verifyHeader(rawBody, header, secret, STRIPE_TOLERANCE_SECONDS, undefined, now.getTime());
      // The package checks only age. A time ahead of ours by more than the tolerance is no clock
      // skew: as our own signature check does, refuse it (it would stay replayable until then).
      if (signedAt(header) > now.getTime() / 1000 + STRIPE_TOLERANCE_SECONDS) {
        return {
          ok: false,
          reason: `the Stripe-Signature is dated more than ${STRIPE_TOLERANCE_SECONDS} s ahead of our clock`,
        };
      }
      return { ok: true };
    } catch (error) {
      // The package's message may quote the header; only whether it was the age is kept.
      if (error instanceof Error && /tolerance/i.test(error.message)) tooOld = true;
    }
  }
  return {
    ok: false,
    reason: tooOld
      ? `the Stripe-Signature is more than ${STRIPE_TOLERANCE_SECONDS} s old`
      : 'the Stripe-Signature does not match the body',
  };
}

/** The `t=` of a Stripe-Signature header the package has verified (so it has one), in Unix seconds. */
function signedAt(header: string): number {
  const t = header
    .split(',')
    .map((part) => part.trim())
    .find((part) => part.startsWith('t='));
  return Number(t?.slice(2));
}
