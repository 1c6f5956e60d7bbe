import type { LiftEstimate } from '../domain/lift.js';
import type { Decision, SimulationSummary } from '../simulation/run-simulation.js';

const n = (value: number) => value.toLocaleString('en-US');
const pct = (part: number, whole: number) => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`);

/** The simulator's summary as a plain table a store owner can read. */
export function renderSummary(summary: SimulationSummary, title: string): string {
  const closed = summary.closedByStatus;
  const recovered = closed.recovered ?? 0;
  const reminded = summary.remindersSent.first;
  const rows: [string, string][] = [
    ['carts', n(summary.carts)],
    ['events delivered', n(summary.events)],
    ['  rejected (invalid)', n(summary.rejected)],
    ['  duplicates (no-op)', n(summary.duplicates)],
    ['reminders sent', n(summary.remindersSent.first + summary.remindersSent.second)],
    ['  first', n(summary.remindersSent.first)],
    ['  second', n(summary.remindersSent.second)],
    ['deferred by quiet hours', n(summary.deferred)],
    ['skipped (frequency cap)', n(summary.skipped)],
    ['held out (holdout)', n(summary.heldOut)],
    ['recovered', `${n(recovered)} (${pct(recovered, reminded)} of reminded carts)`],
    ...Object.entries(summary.recoveredRevenue).map(([currency, amount]): [string, string] => [
      `  recovered revenue ${currency}`,
      amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    ]),
    ['closed, by status', ''],
    ...['purchased', 'recovered', 'given_up', 'unsubscribed', 'suppressed', 'written_off'].map(
      (status): [string, string] => [`  ${status}`, n(closed[status] ?? 0)],
    ),
    ['still open', n(summary.open)],
    ['wake-ups', n(summary.wakeUps)],
    ...(summary.lift ? liftRows(summary.lift) : []),
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return [title, ...rows.map(([k, v]) => `${k.padEnd(width)}${v}`)].join('\n');
}

const signed = (x: number, digits = 1) => `${x >= 0 ? '+' : '-'}${Math.abs(x).toFixed(digits)}`;

/**
 * The lift of reminding over holding out, per 100 abandoned carts with its 95% range, or why it
 * cannot be told yet.
 */
export function liftRows(lift: LiftEstimate): [string, string][] {
  const group = (name: string, g: { carts: number; purchases: number }): [string, string] => [
    `  ${name}`,
    `${n(g.carts)} abandoned carts, ${n(g.purchases)} bought (${pct(g.purchases, g.carts)})`,
  ];
  if (lift.kind === 'too_few') {
    return [
      ['lift of reminders', `not enough carts yet to say (${lift.needed} needed in each group)`],
      group('reminded', lift.reminded),
      group('held out', lift.heldOut),
    ];
  }
  const p = lift.extraPurchases;
  const r = lift.extraRevenue;
  return [
    [
      'lift of reminders',
      `${signed(p.value)} purchases per 100 abandoned carts (95%: ${signed(p.lower)} to ${signed(p.upper)})`,
    ],
    ['  revenue per 100', `${signed(r.value, 2)} (95%: ${signed(r.lower, 2)} to ${signed(r.upper, 2)})`],
    group('reminded', lift.reminded),
    group('held out', lift.heldOut),
  ];
}

/** A cart's decisions, each with its reasons, for `--explain`. */
export function renderDecisions(cartId: string, decisions: readonly Decision[]): string {
  if (decisions.length === 0) return `No decisions were made about cart ${cartId} (is the id right?).`;
  const out = [`Cart ${cartId}: ${decisions.length} decision(s)`];
  for (const decision of decisions) {
    out.push('', `${decision.at}  ${decision.trigger}`);
    if (decision.note) out.push(`  -> ${decision.note}`);
    for (const move of decision.moves) {
      const head =
        move.kind === 'wait'
          ? `wait until ${move.until} (${move.why.replace(/_/g, ' ')})`
          : move.kind === 'remind'
            ? `send reminder ${move.n}`
            : move.kind === 'skip'
              ? `skip reminder ${move.n} (${move.reason.replace(/_/g, ' ')})`
              : move.kind === 'give_up'
                ? 'give up'
                : `stop (${move.status.replace(/_/g, ' ')})`;
      out.push(`  -> ${head}`);
      for (const reason of move.reasons) out.push(`     - ${reason}`);
    }
  }
  return out.join('\n');
}
