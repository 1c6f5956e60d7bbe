import type { Cart, ReminderNumber } from '../domain/cart.js';
import {
  composeReminder,
  fillLine,
  lineTemplate,
  ownOpening,
  reminderLanguage,
  toneFor,
} from '../domain/reminder-message.js';
import type { Rules } from '../domain/rules.js';
import type { OutgoingEmail } from '../ports.js';
import type { EngineDeps } from './engine-deps.js';
import { polishLine } from './polish-line.js';

export type ComposeDeps = Pick<EngineDeps, 'polisher' | 'log' | 'links'>;

export interface ComposeRequest {
  cart: Cart;
  n: ReminderNumber;
  rules: Rules;
  rulesVersion: string;
  now: Date;
  /**
   * A test for the owner: the subject is marked "[Test]", it goes to `to` instead of the shopper and
   * carries a `test` tag.
   */
  test?: { to: string };
}

/** The mark a test reminder's subject starts with. */
export const TEST_SUBJECT_MARK = '[Test]';

/**
 * Reminder `n` of a cart exactly as it is handed to the Mailer: the one composition path, shared by
 * the sender, the owner's test send and the preview command.
 *
 * 1. The line: the owner's opening line for the cart's language as written, else the catalogue's
 *    line polished by the Polisher (falling back to it as it is).
 * 2. The message (`composeReminder`), with an unsubscribe link sealed for this cart and email, and
 *    the return link through the click redirect (a test links straight to the cart).
 * 3. The envelope: from the store, to the shopper (or the owner, for a test), Reply-To when set.
 */
export async function composeEmail(
  deps: ComposeDeps,
  request: ComposeRequest,
): Promise<{ email: OutgoingEmail; polished: boolean }> {
  const { cart, n, rules } = request;
  const language = reminderLanguage(cart, rules);
  const own = ownOpening(n, rules, language);
  const line = own
    ? { line: own, polished: false }
    : await polishLine(
        deps.polisher,
        {
          line: lineTemplate(n, rules, language),
          tone: toneFor(n),
          language,
          voice: rules.store.voice,
          storeName: rules.store.name,
          rulesVersion: request.rulesVersion,
        },
        deps.log,
      );
  const token = deps.links.tokens.seal({ emailKey: cart.emailKey ?? '', cartId: cart.id });
  const message = composeReminder({
    cart,
    n,
    rules,
    unsubscribeUrl: `${deps.links.baseUrl}/${token}`,
    // A test goes to the owner: their clicks must not count as the shopper's.
    ...(request.test ? {} : { returnUrl: returnLink(deps.links, cart.id, n) }),
    line: fillLine(line.line, cart, language),
    now: request.now,
  });
  const { language: _language, replyTo, subject, ...content } = message;
  const email: OutgoingEmail = {
    to: request.test?.to ?? cart.snapshot?.email ?? '',
    from: rules.store.fromEmail,
    fromName: rules.store.name,
    ...(replyTo ? { replyTo } : {}),
    subject: request.test ? `${TEST_SUBJECT_MARK} ${subject}` : subject,
    ...content,
    tags: { cartId: cart.id, reminder: String(n), ...(request.test ? { test: 'true' } : {}) },
  };
  return { email, polished: line.polished };
}

/** The reminder's return link: the click redirect, which counts the click and goes on to the cart. */
function returnLink(links: ComposeDeps['links'], cartId: string, n: ReminderNumber): string {
  return `${links.clickBaseUrl}/${links.clicks.seal({ cartId, n })}`;
}
