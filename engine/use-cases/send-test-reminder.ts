import type { Cart, ReminderNumber } from '../domain/cart.js';
import { emailHash } from '../domain/email-hash.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { isoTime } from '../domain/iso-time.js';
import { cartFromEvent, sampleCartEvent } from '../domain/sample-cart.js';
import { composeEmail } from './compose-email.js';
import type { EngineDeps } from './engine-deps.js';

export type TestSendDeps = Pick<
  EngineDeps,
  'carts' | 'mailer' | 'polisher' | 'audit' | 'clock' | 'log' | 'links' | 'rules'
>;

export interface TestSendInput {
  /** A cart to word the reminders for; without one, a sample cart at this store. */
  cartId?: string | undefined;
  /** Where the tests go; default: the store's reply-to address, else its sender address. */
  to?: string | undefined;
  actor: string;
}

export interface TestSendOutcome {
  to: string;
  cartId: string;
  sample: boolean;
  sent: { n: ReminderNumber; subject: string; messageId: string }[];
}

const BOTH: readonly ReminderNumber[] = [1, 2];

/**
 * The owner's "Send me a test reminder": reminders 1 and 2 of a cart (or a sample cart), composed and
 * sent exactly as the sender does (composeEmail, then the Mailer: SES in production), but to the
 * owner, with "[Test]" before the subject. Recorded as a test only (`reminder.test_sent`): no claim,
 * no shopper slot (the frequency cap never sees it), the cart unchanged, not counted in the summary.
 * @throws NotFoundError when the named cart is unknown; ValidationError when it has no contents.
 */
export async function sendTestReminders(deps: TestSendDeps, input: TestSendInput): Promise<TestSendOutcome> {
  const now = deps.clock.now();
  const { rules, version } = await deps.rules.current();
  const cart = input.cartId ? await namedCart(deps, input.cartId) : sampleCart(rules, now);
  const to = input.to ?? rules.store.replyTo ?? rules.store.fromEmail;
  const sample = !input.cartId;
  const sent: TestSendOutcome['sent'] = [];
  for (const n of BOTH) {
    const { email } = await composeEmail(deps, { cart, n, rules, rulesVersion: version, now, test: { to } });
    const { messageId } = await deps.mailer.send(email);
    sent.push({ n, subject: email.subject, messageId });
    await deps.audit.record({
      at: isoTime(deps.clock.now().getTime()),
      action: 'reminder.test_sent',
      actor: input.actor,
      ...(sample ? {} : { cartId: cart.id }),
      emailHash: emailHash(to.trim().toLowerCase()),
      rulesVersion: version,
      detail: { n, messageId, sample },
    });
  }
  deps.log.info('test reminders sent', { cartId: cart.id, sample, actor: input.actor, count: sent.length });
  return { to, cartId: cart.id, sample, sent };
}

async function namedCart(deps: Pick<EngineDeps, 'carts'>, cartId: string): Promise<Cart> {
  const cart = await deps.carts.get(cartId);
  if (!cart) throw new NotFoundError(`no cart with id "${cartId}" is known to Cart Recovery`);
  if (!cart.snapshot)
    throw new ValidationError('The test reminder', [
      { path: 'cartId', message: `cart "${cartId}" has no contents to show (only its checkout is known)` },
    ]);
  return cart;
}

function sampleCart(rules: Parameters<typeof sampleCartEvent>[0], now: Date): Cart {
  const made = cartFromEvent(sampleCartEvent(rules, now), now);
  // The sample is built from the rules' own currency and website, which the rules schema has checked.
  if (!made.ok) throw new ValidationError('The sample cart', made.errors);
  return made.cart;
}
