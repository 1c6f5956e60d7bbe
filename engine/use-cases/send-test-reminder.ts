import type { Cart, ReminderNumber } from '../domain/cart.js';
import { emailHash } from '../domain/email-hash.js';
import { ValidationError } from '../domain/errors.js';
import { isoTime } from '../domain/iso-time.js';
import type { Rules } from '../domain/rules.js';
import { cartFromEvent, sampleCartEvent } from '../domain/sample-cart.js';
import type { ReminderJob } from '../ports.js';
import { composeEmail } from './compose-email.js';
import type { EngineDeps } from './engine-deps.js';
import { namedTestCart } from './test-cart.js';

export type TestSendDeps = Pick<
  EngineDeps,
  'mailer' | 'polisher' | 'audit' | 'clock' | 'log' | 'links' | 'carts'
>;

/**
 * Sends one queued test reminder (the sender, for a job with `test`): composed exactly as a shopper's
 * (composeEmail), to the owner, "[Test]" before the subject. Recorded as `reminder.test_sent` only:
 * no claim, no shopper slot (the frequency cap never sees it), the cart unchanged, not counted in
 * the summary.
 * @throws NotFoundError when the cart is gone; ValidationError when it has no contents.
 */
export async function sendTestReminder(
  deps: TestSendDeps,
  job: ReminderJob & { test: NonNullable<ReminderJob['test']> },
): Promise<{ kind: 'test_sent'; cartId: string; n: ReminderNumber; messageId: string; subject: string }> {
  const now = deps.clock.now();
  const { rules, rulesVersion, n, test } = job;
  const cart = test.sample ? sampleCart(rules, now) : await namedTestCart(deps, job.cartId);
  const { email } = await composeEmail(deps, { cart, n, rules, rulesVersion, now, test: { to: test.to } });
  const { messageId } = await deps.mailer.send(email);
  await deps.audit.record({
    at: isoTime(deps.clock.now().getTime()),
    action: 'reminder.test_sent',
    actor: test.actor,
    ...(test.sample ? {} : { cartId: cart.id }),
    emailHash: emailHash(test.to.trim().toLowerCase()),
    rulesVersion,
    detail: { n, messageId, sample: test.sample },
  });
  deps.log.info('test reminder sent', { cartId: cart.id, n, sample: test.sample, messageId });
  return { kind: 'test_sent', cartId: cart.id, n, messageId, subject: email.subject };
}

function sampleCart(rules: Rules, now: Date): Cart {
  const made = cartFromEvent(sampleCartEvent(rules, now), now);
  // The sample is built from the rules' own currency and website, which the rules schema has checked.
  if (!made.ok) throw new ValidationError('The sample cart', made.errors);
  return made.cart;
}
