import { cartAuditView } from '../domain/audit-view.js';
import {
  type Cart,
  changeCart,
  changeRecord,
  type ReminderNumber,
  type ReminderRecord,
} from '../domain/cart.js';
import { type Move, settleCart } from '../domain/decide-move.js';
import { emailHash } from '../domain/email-hash.js';
import { isoTime, timeOf } from '../domain/iso-time.js';
import type { ReminderJob } from '../ports.js';
import {
  type AuditContext,
  auditEntry,
  auditSettlement,
  changeAndSettle,
  planWake,
  shopperHistory,
} from './cart-progress.js';
import { composeEmail } from './compose-email.js';
import type { EngineDeps } from './engine-deps.js';
import { retryOnConflict } from './retry-on-conflict.js';
import { LOST_CLAIM_SECONDS } from './sender-timing.js';

export type SendDeps = Pick<
  EngineDeps,
  'carts' | 'contacts' | 'scheduler' | 'mailer' | 'polisher' | 'audit' | 'clock' | 'log' | 'links'
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

const LOST_CLAIM_MS = LOST_CLAIM_SECONDS * 1000;

/**
 * Sends reminder `n` of a cart at most once (the SQS consumer).
 *
 * 1. Re-check every guardrail with fresh data; if the cart closed, changed, or is now inside quiet
 *    hours, store that outcome and schedule the next wake-up instead of sending. A claim of `n` left by
 *    a sender that stopped before sending (older than LOST_CLAIM_SECONDS) is taken over.
 * 2. Claim (cart, n) with a conditional write, then the shopper's reminder slot (frequency cap,
 *    unsubscribe) with another. Losing either means no send.
 * 3. Compose and polish one line (falling back to the deterministic line); mark the claim `sending`
 *    (a cart closed meanwhile, a checkout say, is not reminded); send.
 * 4. Record the message id, schedule the next wake-up, audit.
 * A crash after 2 and before 3's mark leaves a `claimed` record, taken over by the job's redelivery; a
 * crash after the mark leaves `sending`: never a second copy, audited as failed.
 */
export async function sendReminder(deps: SendDeps, job: ReminderJob): Promise<SendResult> {
  const now = deps.clock.now();
  const at = isoTime(now.getTime());
  // The rules the wake-up decided under travel with the job: never a newer doc half-way.
  const { rules, rulesVersion: version } = job;
  const context = { at, actor: 'engine', rulesVersion: version };

  // 1. Fresh guardrails.
  const ready = await retryOnConflict(async (): Promise<Claim | SendResult> => {
    const cart = await deps.carts.get(job.cartId);
    if (!cart) return notSentResult(job, 'unknown_cart');
    if (cart.status !== 'open') return notSentResult(job, 'closed');
    if (cart.reminders.length >= job.n) {
      const takenOver = await takeOverLostClaim(deps, cart, job, now, at);
      if (takenOver) return takenOver;
      await recoverLostSend(deps, cart, job, now, context);
      return notSentResult(job, 'already_done');
    }
    const history = await shopperHistory(deps, cart.emailKey);
    const settled = settleCart(cart, history, rules, now, version);
    const next = settled.next;
    if (next.kind === 'remind' && next.n === job.n) {
      const claim: ReminderRecord = {
        n: job.n,
        state: 'claimed',
        dueAt: next.dueAt,
        at,
        ...(next.deferredFrom ? { deferredFrom: next.deferredFrom } : {}),
        rulesVersion: version,
      };
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

  // 2. Claims: the reminder number (unless taken over above), then the shopper's slot.
  const claimed = ready.cart ?? (await deps.carts.claimReminder(job.cartId, ready.claim));
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
          replaceReminder(cart, changeRecord(ready.claim, { state: 'skipped', reason: 'frequency_cap' })),
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

  // 3. Compose, polish, mark, send.
  let messageId: string;
  let polished = false;
  try {
    const composed = await composeEmail(deps, {
      cart: claimed,
      n: job.n,
      rules,
      rulesVersion: version,
      now,
    });
    polished = composed.polished;
    const marked = await markSending(deps, job, ready.claim.at);
    if (!marked) {
      await scheduleAfterClaim(deps, job, now, context);
      return notSentResult(job, 'lost_race', 'the cart changed before the send');
    }
    ({ messageId } = await deps.mailer.send(composed.email));
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
    await scheduleAfterClaim(deps, job, now, context);
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
        changeRecord(cart.reminders[job.n - 1] ?? ready.claim, { state: 'sent', at: sentAt, messageId }),
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

function replaceReminder(cart: Cart, record: ReminderRecord): Cart {
  const reminders = cart.reminders.filter((r) => r.n !== record.n);
  reminders.push(record);
  reminders.sort((a, b) => a.n - b.n);
  return changeCart(cart, { reminders });
}

/** After a claim that was not followed by a send, the cart still needs its next wake-up. */
async function scheduleAfterClaim(
  deps: SendDeps,
  job: ReminderJob,
  now: Date,
  context: AuditContext,
): Promise<void> {
  const settle = { rules: job.rules, version: job.rulesVersion, now, fired: true, context };
  await changeAndSettle(deps, job.cartId, (cart) => cart, settle);
}

/** A claim to send under: made now, or taken over from a stopped sender (`cart` as stored then). */
type Claim = { claim: ReminderRecord; cart?: Cart };

/**
 * A redelivered job whose claim is still `claimed` long after it was made: its sender stopped before
 * handing the message over, so nothing went out. The claim is taken over (its time renewed, in one
 * conditional write: of two redeliveries, one wins) and the send goes ahead.
 */
async function takeOverLostClaim(
  deps: SendDeps,
  cart: Cart,
  job: ReminderJob,
  now: Date,
  at: string,
): Promise<Claim | undefined> {
  const record = cart.reminders[job.n - 1];
  if (record?.state !== 'claimed' || now.getTime() - timeOf(record.at) < LOST_CLAIM_MS) return undefined;
  if (cart.reminders.length !== job.n) return undefined;
  const claim = changeRecord(record, { at });
  const stored = await deps.carts.put(replaceReminder(cart, claim), cart.version);
  deps.log.warn('lost claim taken over', { cartId: cart.id, n: job.n, claimedAt: record.at });
  return { claim, cart: stored };
}

/** Marks the claim `sending` if it is still ours on an open cart; the cart as stored, else undefined. */
async function markSending(
  deps: Pick<SendDeps, 'carts'>,
  job: ReminderJob,
  claimedAt: string,
): Promise<Cart | undefined> {
  return retryOnConflict(async () => {
    const cart = await deps.carts.get(job.cartId);
    const record = cart?.reminders[job.n - 1];
    if (!cart || cart.status !== 'open' || record?.state !== 'claimed' || record.at !== claimedAt)
      return undefined;
    return deps.carts.put(replaceReminder(cart, changeRecord(record, { state: 'sending' })), cart.version);
  });
}

/**
 * A redelivered job for a send that may or may not have gone out (its sender stopped after marking
 * it `sending`): make it visible and keep the cart moving, never send it again.
 */
async function recoverLostSend(
  deps: SendDeps,
  cart: Cart,
  job: ReminderJob,
  now: Date,
  context: AuditContext,
): Promise<void> {
  const { n } = job;
  const record = cart.reminders[n - 1];
  if (record?.state !== 'sending' || now.getTime() - timeOf(record.at) < LOST_CLAIM_MS) return;
  if (cart.wake && timeOf(cart.wake.at) > timeOf(record.at)) return;
  await deps.audit.record(
    auditEntry(context, {
      action: 'reminder.failed',
      cartId: cart.id,
      ...(cart.emailKey ? { emailHash: emailHash(cart.emailKey) } : {}),
      detail: {
        n,
        error: 'handed to the mail service but never recorded as sent (the sender stopped); not retried',
      },
    }),
  );
  await scheduleAfterClaim(deps, job, now, context);
}

/** An error as one line for logs and audit; provider messages may quote addresses, so those go. */
function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
  return text.replace(/[^\s<>()"',;:]+@[^\s<>()"',;:]+/g, '[email]').slice(0, 300);
}
