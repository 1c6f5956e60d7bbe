import { cartAuditView } from '../domain/audit-view.js';
import { type Cart, copyCart, copyRecord, type ReminderNumber, type ReminderRecord } from '../domain/cart.js';
import { type Move, settleCart } from '../domain/decide-move.js';
import { emailHash } from '../domain/email-hash.js';
import { isoTime, timeOf } from '../domain/iso-time.js';
import {
  composeReminder,
  fillLine,
  lineTemplate,
  type ReminderMessage,
  toneFor,
} from '../domain/reminder-message.js';
import type { Rules } from '../domain/rules.js';
import type { OutgoingEmail, ReminderJob } from '../ports.js';
import {
  type AuditContext,
  auditEntry,
  auditSettlement,
  changeAndSettle,
  planWake,
} from './cart-progress.js';
import type { EngineDeps } from './engine-deps.js';
import { polishLine } from './polish-line.js';
import { retryOnConflict } from './retry-on-conflict.js';

export type SendDeps = Pick<
  EngineDeps,
  'carts' | 'contacts' | 'scheduler' | 'mailer' | 'polisher' | 'rules' | 'audit' | 'clock' | 'log' | 'links'
>;

export type SendResult =
  | {
      kind: 'sent';
      cartId: string;
      n: ReminderNumber;
      messageId: string;
      to: string;
      polished: boolean;
      /** What the engine decided next (the wait for reminder 2, or giving up later). */
      moves: Move[];
    }
  | {
      kind: 'not_sent';
      cartId: string;
      n: ReminderNumber;
      why: 'unknown_cart' | 'closed' | 'already_done' | 'lost_race' | 'not_due' | 'skipped' | 'failed';
      detail?: string;
      moves?: Move[];
    };

type NotSentWhy = Extract<SendResult, { kind: 'not_sent' }>['why'];

function notSentResult(job: ReminderJob, why: NotSentWhy, detail?: string, moves?: Move[]): SendResult {
  return {
    kind: 'not_sent',
    cartId: job.cartId,
    n: job.n,
    why,
    ...(detail ? { detail } : {}),
    ...(moves ? { moves } : {}),
  };
}

/** A claim older than this with nothing after it is a send that crashed: never retried, made visible. */
const LOST_CLAIM_MS = 5 * 60_000;

/**
 * Sends reminder `n` of a cart at most once (the SQS consumer).
 *
 * 1. Re-check every guardrail with fresh data; if the cart closed, changed, or is now inside quiet
 *    hours, store that outcome and schedule the next wake-up instead of sending.
 * 2. Claim (cart, n) with a conditional write, then the shopper's reminder slot (frequency cap,
 *    unsubscribe) with another. Losing either means no send.
 * 3. Compose, polish one line (falling back to the deterministic line), send.
 * 4. Record the message id, schedule the next wake-up, audit.
 * A crash between 2 and 4 leaves a `claimed` record: never a second copy, and visible in the audit.
 */
export async function sendReminder(deps: SendDeps, job: ReminderJob): Promise<SendResult> {
  const now = deps.clock.now();
  const at = isoTime(now.getTime());
  const { rules, version } = await deps.rules.current();
  const context = { at, actor: 'engine', rulesVersion: version };

  // 1. Fresh guardrails.
  const ready = await retryOnConflict(async (): Promise<{ claim: ReminderRecord } | SendResult> => {
    const cart = await deps.carts.get(job.cartId);
    if (!cart) return notSentResult(job, 'unknown_cart');
    if (cart.status !== 'open') return notSentResult(job, 'closed');
    if (cart.reminders.length >= job.n) {
      await recoverLostClaim(deps, cart, job.n, now, context);
      return notSentResult(job, 'already_done');
    }
    const history = cart.emailKey ? await deps.contacts.get(cart.emailKey) : undefined;
    const settled = settleCart(cart, history ?? {}, rules, now, version);
    const next = settled.next;
    if (next.kind === 'remind' && next.n === job.n) {
      // Made by copyRecord, as every record: records share one hidden class.
      const claim = copyRecord({
        n: job.n,
        state: 'claimed',
        dueAt: next.dueAt,
        at,
        deferredFrom: next.deferredFrom || undefined,
        rulesVersion: version,
      });
      return { claim };
    }
    const planned = planWake(settled.cart, next, now, true);
    if (planned.schedule) await deps.scheduler.schedule(planned.schedule);
    const saved = await deps.carts.put(planned.cart, cart.version);
    await auditSettlement(deps, cart, saved, settled.moves, context);
    if (saved.status !== 'open') return notSentResult(job, 'closed', undefined, settled.moves);
    return notSentResult(
      job,
      settled.moves.some((m) => m.kind === 'skip') ? 'skipped' : 'not_due',
      next.reasons.at(-1),
      settled.moves,
    );
  });
  if ('kind' in ready) return ready;

  // 2. Claims: the reminder number, then the shopper's slot.
  const claimed = await deps.carts.claimReminder(job.cartId, ready.claim);
  if (!claimed?.emailKey || !claimed.snapshot?.email) return notSentResult(job, 'lost_race');
  const slot = await deps.contacts.claimReminderSlot(
    claimed.emailKey,
    { cartId: claimed.id, at },
    rules.frequencyCapHours,
  );
  const settle = { rules, version, now, fired: true, context };
  if (slot !== 'claimed') {
    if (slot === 'unsubscribed') {
      // Settling reads the contact, finds it unsubscribed and closes the cart, audited.
      await changeAndSettle(deps, job.cartId, (cart) => cart, settle);
    } else {
      const skipped = await changeAndSettle(
        deps,
        job.cartId,
        (cart) =>
          replaceReminder(cart, copyRecord(ready.claim, { state: 'skipped', reason: 'frequency_cap' })),
        settle,
      );
      if (skipped) {
        await deps.audit.record(
          auditEntry(context, {
            action: 'reminder.skipped',
            cartId: job.cartId,
            emailHash: emailHash(claimed.emailKey),
            detail: {
              n: job.n,
              reason: 'frequency_cap',
              reasons: ['another cart of this email got a reminder first'],
            },
          }),
        );
      }
    }
    return notSentResult(job, slot === 'unsubscribed' ? 'closed' : 'skipped', slot);
  }
  const hash = emailHash(claimed.emailKey);
  await deps.audit.record(
    auditEntry(context, {
      action: 'reminder.claimed',
      cartId: claimed.id,
      emailHash: hash,
      detail: { n: job.n },
    }),
  );

  // 3. Compose, polish, send.
  let messageId: string;
  let polished = false;
  try {
    const composed = await compose(deps, claimed, job.n, rules, version);
    const message = composed.message;
    polished = composed.polished;
    ({ messageId } = await deps.mailer.send(
      new ReminderEmail(
        {
          to: claimed.snapshot.email,
          from: rules.store.fromEmail,
          fromName: rules.store.name,
          tags: { cartId: claimed.id, reminder: String(job.n) },
        },
        message,
      ),
    ));
  } catch (error) {
    deps.log.error('reminder send failed', { cartId: claimed.id, n: job.n, error: describe(error) });
    await deps.audit.record(
      auditEntry(context, {
        action: 'reminder.failed',
        cartId: claimed.id,
        emailHash: hash,
        detail: { n: job.n, error: describe(error) },
      }),
    );
    await scheduleAfterClaim(deps, job.cartId, now, context);
    return notSentResult(job, 'failed', describe(error));
  }

  // 4. Record and move on.
  const sentAt = isoTime(deps.clock.now().getTime());
  const recorded = await changeAndSettle(
    deps,
    job.cartId,
    (cart) =>
      replaceReminder(
        cart,
        copyRecord(cart.reminders[job.n - 1] ?? ready.claim, { state: 'sent', at: sentAt, messageId }),
      ),
    settle,
  );
  // A cart closed between the claim and now (a checkout) keeps its claim; the send is audited all the same.
  const { before, after, moves } = recorded ?? { before: claimed, after: claimed, moves: [] };
  await deps.audit.record(
    auditEntry(context, {
      at: sentAt,
      action: 'reminder.sent',
      cartId: after.id,
      emailHash: hash,
      before: cartAuditView(before),
      after: cartAuditView(after),
      detail: { n: job.n, messageId, polished },
    }),
  );
  deps.log.info('reminder sent', { cartId: after.id, n: job.n, emailHash: hash, messageId });
  return { kind: 'sent', cartId: after.id, n: job.n, messageId, to: claimed.snapshot.email, polished, moves };
}

/**
 * A reminder as the mailer takes it. The bodies and headers are the composed message's, written when
 * the mailer reads them and only then; getters on a class prototype, not an object literal's, which
 * would cost V8 a hidden class per reminder.
 */
class ReminderEmail implements OutgoingEmail {
  readonly to: string;
  readonly from: string;
  readonly fromName: string;
  readonly subject: string;
  readonly tags: Record<string, string>;
  readonly #message: ReminderMessage;

  constructor(envelope: Pick<OutgoingEmail, 'to' | 'from' | 'fromName' | 'tags'>, message: ReminderMessage) {
    this.to = envelope.to;
    this.from = envelope.from;
    this.fromName = envelope.fromName;
    this.subject = message.subject;
    this.tags = envelope.tags;
    this.#message = message;
  }

  get text(): string {
    return this.#message.text;
  }

  get html(): string {
    return this.#message.html;
  }

  get headers(): Record<string, string> {
    return this.#message.headers;
  }
}

async function compose(
  deps: Pick<SendDeps, 'polisher' | 'log' | 'links'>,
  cart: Cart,
  n: ReminderNumber,
  rules: Rules,
  version: string,
) {
  const line = await polishLine(
    deps.polisher,
    {
      line: lineTemplate(n, rules),
      tone: toneFor(n),
      locale: cart.snapshot?.locale ?? 'en-US',
      voice: rules.store.voice,
      storeName: rules.store.name,
      rulesVersion: version,
    },
    deps.log,
  );
  const token = deps.links.tokens.deferred({ emailKey: cart.emailKey ?? '', cartId: cart.id });
  const message = composeReminder({
    cart,
    n,
    rules,
    unsubscribeUrl: { base: deps.links.baseUrl, token },
    line: fillLine(line.line, cart),
  });
  return { message, polished: line.polished };
}

function replaceReminder(cart: Cart, record: ReminderRecord): Cart {
  const reminders = cart.reminders.filter((r) => r.n !== record.n);
  reminders.push(record);
  reminders.sort((a, b) => a.n - b.n);
  return copyCart(cart, { reminders });
}

/** After a claim that was not followed by a send, the cart still needs its next wake-up. */
async function scheduleAfterClaim(
  deps: SendDeps,
  cartId: string,
  now: Date,
  context: AuditContext,
): Promise<void> {
  const { rules, version } = await deps.rules.current();
  await changeAndSettle(deps, cartId, (cart) => cart, { rules, version, now, fired: true, context });
}

/** A redelivered job for a claim that never became a send: make it visible and keep the cart moving. */
async function recoverLostClaim(
  deps: SendDeps,
  cart: Cart,
  n: ReminderNumber,
  now: Date,
  context: AuditContext,
): Promise<void> {
  const record = cart.reminders[n - 1];
  if (record?.state !== 'claimed' || now.getTime() - timeOf(record.at) < LOST_CLAIM_MS) return;
  if (cart.wake && timeOf(cart.wake.at) > timeOf(record.at)) return;
  await deps.audit.record(
    auditEntry(context, {
      action: 'reminder.failed',
      cartId: cart.id,
      ...(cart.emailKey ? { emailHash: emailHash(cart.emailKey) } : {}),
      detail: { n, error: 'claimed but never recorded as sent (the sender stopped mid-way); not retried' },
    }),
  );
  await scheduleAfterClaim(deps, cart.id, now, context);
}

/** An error as one line for logs and audit; provider messages may quote addresses, so those go. */
function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
  return text.replace(/[^\s<>()"',;:]+@[^\s<>()"',;:]+/g, '[email]').slice(0, 300);
}
