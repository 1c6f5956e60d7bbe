import { type MemoryEngine, memoryEngine } from '../adapters/memory/memory-engine.js';
import type { Move } from '../domain/decide-move.js';
import { emailHash } from '../domain/email-hash.js';
import { emailKey } from '../domain/email-key.js';
import { CartRecoveryError } from '../domain/errors.js';
import { holdoutGroup, liftGroups } from '../domain/holdout.js';
import { isoTime } from '../domain/iso-time.js';
import { estimateLift, type LiftEstimate } from '../domain/lift.js';
import type { Rules } from '../domain/rules.js';
import type { AuditEntry, Logger, OutgoingEmail } from '../ports.js';
import { ingestCartEvent } from '../use-cases/ingest-cart-event.js';
import { ownerAction } from '../use-cases/owner-action.js';
import { sendReminder } from '../use-cases/send-reminder.js';
import { unsubscribeEmail } from '../use-cases/unsubscribe.js';
import { wakeCart } from '../use-cases/wake-cart.js';
import { countOne, countRequests, type RequestCounts } from './request-counter.js';
import type { ScenarioLine } from './scenario-line.js';

const DAY = 86_400_000;
/** Audit actions that close a cart: the engine's own closings and the owner's. */
const CLOSING_ACTIONS = new Set<AuditEntry['action']>(['cart.closed', 'owner.suppress', 'owner.write_off']);

/** One line of the simulator's output (JSON on stdout), in time order. */
export type SimOutput = { at: string } & (
  | { kind: 'reminder'; cartId: string; n: number; to: string; subject: string }
  | { kind: 'skipped'; cartId: string; n: number; reason: string }
  | { kind: 'deferred'; cartId: string; n: number; from: string; until: string; reason: 'quiet_hours' }
  | { kind: 'closed'; cartId: string; status: string }
  | { kind: 'rejected'; line: number; eventId?: string; errors: { path: string; message: string }[] }
  | { kind: 'duplicate'; cartId: string; eventId: string }
  | { kind: 'ignored'; cartId: string; eventId: string; why: string }
  | { kind: 'action'; line: number; action: string; cartId?: string; changed: boolean }
  | { kind: 'error'; line: number; message: string }
);

/** One decision about one cart, for `--explain`. */
export interface Decision {
  at: string;
  trigger: string;
  moves: Move[];
  /** What the sender did, for sender decisions. */
  note?: string;
}

export interface SimulationOptions {
  rules: Rules;
  rulesVersion?: string;
  /** Run the clock to here; default 30 days after the last line. */
  until?: Date;
  output?: (line: SimOutput) => void;
  /** Called for each reminder sent, e.g. to write it as a .eml file. */
  onEmail?: (email: OutgoingEmail, messageId: string, index: number) => void | Promise<void>;
  explainCartId?: string;
  log?: Logger;
  /** Counts the AWS requests the production adapters would make (and Lambda invocations) into this. */
  counts?: RequestCounts;
  /** Called now and then with the virtual time and lines read, for a progress bar. */
  onProgress?: (virtualTime: number, lines: number) => void;
}

export interface SimulationSummary {
  lines: number;
  events: number;
  rejected: number;
  duplicates: number;
  carts: number;
  remindersSent: { first: number; second: number };
  deferred: number;
  /** Reminders skipped by the frequency cap. */
  skipped: number;
  /** Reminders passed by because the shopper is in the holdout. */
  heldOut: number;
  /** Shoppers' returns that only a reminder brings (`"if": "reminded"`) dropped: the cart was held out or never due. */
  notBack: number;
  /** Reminded vs held-out abandoned carts, bought within the attribution window (see liftGroups). */
  lift?: LiftEstimate;
  closedByStatus: Record<string, number>;
  open: number;
  recoveredRevenue: Record<string, number>;
  wakeUps: number;
  /** Wake-ups still scheduled when the clock stopped: carts that would have moved on had it run longer. */
  pendingWakeUps: number;
  decisions?: Decision[];
  endedAt?: string;
}

/**
 * Replays scenario lines through the production use cases on in-memory adapters and a virtual
 * clock: each line at its `at`, every wake-up at its time, every queued reminder at once, until
 * `until`. It is the same engine, not a model of it.
 */
export async function runSimulation(
  lines: AsyncIterable<ScenarioLine> | Iterable<ScenarioLine>,
  options: SimulationOptions,
): Promise<SimulationSummary> {
  // Without a listener, no output line is built (`output?.(…)` skips its argument too).
  const output = options.output;
  const summary: SimulationSummary = {
    lines: 0,
    events: 0,
    rejected: 0,
    duplicates: 0,
    carts: 0,
    remindersSent: { first: 0, second: 0 },
    deferred: 0,
    skipped: 0,
    heldOut: 0,
    notBack: 0,
    closedByStatus: {},
    open: 0,
    recoveredRevenue: {},
    wakeUps: 0,
    pendingWakeUps: 0,
  };
  const decisions: Decision[] = [];
  // Deferrals already reported, per open cart (a closed cart defers nothing more, so its set goes).
  const deferrals = new Map<string, Set<string>>();
  let engine: MemoryEngine | undefined;
  let sentCount = 0;
  const nowIso = () => (engine ? isoTime(engine.clock.nowMs()) : '');

  const onAudit = (entry: AuditEntry) => {
    if (entry.action === 'reminder.skipped' && entry.cartId) {
      const detail = entry.detail as { n: number; reason: string };
      if (detail.reason === 'held_out') summary.heldOut++;
      else summary.skipped++;
      output?.({ at: entry.at, kind: 'skipped', cartId: entry.cartId, n: detail.n, reason: detail.reason });
    } else if (CLOSING_ACTIONS.has(entry.action) && entry.cartId) {
      deferrals.delete(entry.cartId);
      const status = (entry.after as { status: string }).status;
      summary.closedByStatus[status] = (summary.closedByStatus[status] ?? 0) + 1;
      output?.({ at: entry.at, kind: 'closed', cartId: entry.cartId, status });
    }
  };
  const onSend = async (email: OutgoingEmail, messageId: string) => {
    const n = Number(email.tags.reminder);
    if (n === 1) summary.remindersSent.first++;
    else summary.remindersSent.second++;
    output?.({
      at: nowIso(),
      kind: 'reminder',
      cartId: email.tags.cartId ?? '',
      n,
      to: email.to,
      subject: email.subject,
    });
    await options.onEmail?.(email, messageId, ++sentCount);
  };

  // `trigger` is only read for the explained cart: a month has millions of decisions.
  const explain = (cartId: string, trigger: () => string, moves: Move[] | undefined) => {
    if (!moves || moves.length === 0) return;
    for (const move of moves) {
      if (move.kind === 'wait' && move.deferredFrom && move.n) {
        const key = `${move.n}#${move.until}`;
        let reported = deferrals.get(cartId);
        if (!reported) {
          reported = new Set();
          deferrals.set(cartId, reported);
        }
        if (!reported.has(key)) {
          reported.add(key);
          summary.deferred++;
          output?.({
            at: nowIso(),
            kind: 'deferred',
            cartId,
            n: move.n,
            from: move.deferredFrom,
            until: move.until,
            reason: 'quiet_hours',
          });
        }
      }
    }
    if (cartId === options.explainCartId) decisions.push({ at: nowIso(), trigger: trigger(), moves });
  };

  const drainQueue = async (e: MemoryEngine) => {
    for (let job = e.queue.take(); job; job = e.queue.take()) {
      if (options.counts) countOne(options.counts, 'Lambda', 'sender');
      const result = await sendReminder(e.deps, job);
      explain(job.cartId, () => `sender, reminder ${job.n}`, result.moves);
      if (job.cartId === options.explainCartId) {
        decisions.push({
          at: nowIso(),
          trigger: `sender, reminder ${job.n}`,
          moves: [],
          note: result.kind === 'sent' ? `sent (${result.messageId})` : `not sent: ${result.why}`,
        });
      }
    }
  };

  const runWakes = async (e: MemoryEngine, until: number, inclusive: boolean) => {
    for (;;) {
      const next = e.scheduler.peekTime();
      if (next === undefined || next > until || (!inclusive && next === until)) return;
      const now = Math.max(next, e.clock.nowMs());
      e.clock.set(now);
      const wake = e.scheduler.popDue(now);
      if (!wake) return;
      summary.wakeUps++;
      if (options.counts) countOne(options.counts, 'Lambda', 'wake');
      const result = await wakeCart(e.deps, wake);
      explain(wake.cartId, () => `wake-up #${wake.seq}`, 'moves' in result ? result.moves : undefined);
      if (e.queue.size > 0) await drainQueue(e);
    }
  };

  let lastAt = 0;
  const step = async (line: ScenarioLine) => {
    if (!engine) {
      engine = memoryEngine({
        rules: options.rules,
        rulesVersion: options.rulesVersion ?? 'simulation',
        start: line.at,
        keep: false,
        onAudit,
        onSend,
        ...(options.log ? { log: options.log } : {}),
      });
      if (options.counts) engine = { ...engine, deps: countRequests(engine.deps, options.counts).deps };
    }
    if (line.at < lastAt) {
      throw new CartRecoveryError(
        `Scenario line ${line.line}: "at" goes back in time (lines are in delivery order)`,
      );
    }
    lastAt = line.at;
    summary.lines++;
    await runWakes(engine, line.at, false);
    engine.clock.set(line.at);
    await deliver(engine, line);
    if (engine.queue.size > 0) await drainQueue(engine);
    if (options.onProgress && summary.lines % 5000 === 0) options.onProgress(line.at, summary.lines);
  };
  // A generated month is a plain iterable: read it without wrapping every line in a promise.
  if (Symbol.iterator in lines) for (const line of lines) await step(line);
  else for await (const line of lines) await step(line);
  if (engine) {
    const until = options.until?.getTime() ?? lastAt + 30 * DAY;
    await runWakes(engine, until, true);
    engine.clock.set(Math.max(until, engine.clock.nowMs()));
    summary.carts = engine.carts.size;
    summary.pendingWakeUps = engine.scheduler.size;
    for (const cart of engine.carts.all()) {
      if (cart.status === 'open') summary.open++;
      if (cart.status === 'recovered' && cart.snapshot) {
        const currency = cart.snapshot.currency;
        summary.recoveredRevenue[currency] = roundToCents(
          (summary.recoveredRevenue[currency] ?? 0) + Number(cart.snapshot.total),
        );
      }
    }
    const groups = liftGroups(
      engine.carts.all(),
      options.rules.attributionDays,
      options.rules.store.currency,
    );
    summary.lift = estimateLift(groups.reminded, groups.heldOut);
    summary.endedAt = engine.clock.now().toISOString();
  }
  if (options.explainCartId) summary.decisions = decisions;
  return summary;

  async function deliver(e: MemoryEngine, line: ScenarioLine): Promise<void> {
    // The time is only written into output lines; without a listener there are none.
    const at = output ? isoTime(e.clock.nowMs()) : '';
    if (options.counts) countOne(options.counts, 'Lambda', 'event' in line ? 'webhook' : 'owner');
    if ('event' in line && line.if === 'reminded' && !(await inRemindedGroup(e, line.event))) {
      summary.notBack++;
      return;
    }
    if ('event' in line) {
      summary.events++;
      const result = await ingestCartEvent(e.deps, line.event);
      if (result.kind === 'rejected') {
        summary.rejected++;
        const id = (line.event as { id?: unknown } | null)?.id;
        output?.({
          at,
          kind: 'rejected',
          line: line.line,
          ...(typeof id === 'string' ? { eventId: id } : {}),
          errors: [...result.error.errors],
        });
      } else if (result.kind === 'duplicate') {
        summary.duplicates++;
        output?.({ at, kind: 'duplicate', cartId: result.cartId, eventId: result.eventId });
      } else {
        if (result.outcome === 'ignored_closed' || result.outcome === 'stale') {
          output?.({
            at,
            kind: 'ignored',
            cartId: result.cartId,
            eventId: result.eventId,
            why: result.outcome,
          });
        }
        explain(result.cartId, () => `event ${result.eventId} (${result.outcome})`, result.moves);
      }
      return;
    }
    try {
      if (line.action === 'unsubscribe' && line.email) {
        const outcome = await unsubscribeEmail(e.deps, {
          emailKey: emailKey(line.email),
          reason: line.reason ?? 'simulated unsubscribe',
          actor: 'shopper',
          action: 'shopper.unsubscribe',
        });
        output?.({
          at,
          kind: 'action',
          line: line.line,
          action: line.action,
          changed: !outcome.alreadyUnsubscribed,
        });
        e.deps.log.debug('simulated unsubscribe', { emailHash: emailHash(emailKey(line.email)) });
        return;
      }
      const outcome = await ownerAction(e.deps, {
        action: line.action,
        ...(line.cartId ? { cartId: line.cartId } : {}),
        reason: line.reason ?? `simulated ${line.action}`,
        actor: 'simulator',
      });
      output?.({
        at,
        kind: 'action',
        line: line.line,
        action: line.action,
        ...(line.cartId ? { cartId: line.cartId } : {}),
        changed: outcome.changed,
      });
    } catch (error) {
      if (!(error instanceof CartRecoveryError)) throw error;
      output?.({ at, kind: 'error', line: line.line, message: error.message });
    }
  }
}

/** Whether an event's cart is in the reminded group (its first reminder came due and was not held out). */
async function inRemindedGroup(e: MemoryEngine, event: unknown): Promise<boolean> {
  const id = (event as { cart?: { id?: unknown } } | null)?.cart?.id;
  const cart = typeof id === 'string' ? await e.carts.get(id) : undefined;
  return cart !== undefined && holdoutGroup(cart) === 'reminded';
}

/** An amount rounded to cents, as the summary adds up revenue: after each addition. */
export function roundToCents(value: number): number {
  return Math.round(value * 100) / 100;
}
