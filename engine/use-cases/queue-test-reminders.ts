import type { ReminderNumber } from '../domain/cart.js';
import type { EngineDeps } from './engine-deps.js';
import { namedTestCart } from './test-cart.js';

export type QueueTestDeps = Pick<EngineDeps, 'carts' | 'queue' | 'rules' | 'log'>;

export interface TestSendInput {
  /** A cart to word the reminders for; without one, a sample cart at this store. */
  cartId?: string | undefined;
  /** Where the tests go; default: the store's reply-to address, else its sender address. */
  to?: string | undefined;
  actor: string;
}

export interface QueuedTest {
  to: string;
  cartId: string;
  sample: boolean;
  queued: ReminderNumber[];
}

/** The id a sample cart goes by in a test job. */
export const SAMPLE_CART_ID = 'sample-cart';
const BOTH: readonly ReminderNumber[] = [1, 2];

/**
 * The owner's "Send me a test reminder": queues reminders 1 and 2 of a cart (or of a sample cart) for
 * the sender, as test jobs under the rules in force, so they go out through the real sender and SES
 * (`sendTestReminder`). Kept apart from the sending, so the owner function carries no composer.
 * @throws NotFoundError when the named cart is unknown; ValidationError when it has no contents.
 */
export async function queueTestReminders(deps: QueueTestDeps, input: TestSendInput): Promise<QueuedTest> {
  const { rules, version } = await deps.rules.current();
  const cartId = input.cartId ? (await namedTestCart(deps, input.cartId)).id : SAMPLE_CART_ID;
  const to = input.to ?? rules.store.replyTo ?? rules.store.fromEmail;
  const sample = !input.cartId;
  for (const n of BOTH) {
    await deps.queue.enqueue({
      cartId,
      n,
      seq: 0,
      rules,
      rulesVersion: version,
      test: { to, actor: input.actor, sample },
    });
  }
  deps.log.info('test reminders queued', { cartId, sample, actor: input.actor });
  return { to, cartId, sample, queued: [...BOTH] };
}
