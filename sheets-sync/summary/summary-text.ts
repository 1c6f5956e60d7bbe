/**
 * The words of the monthly summary. Every number in them is written by code from the figures: the
 * deterministic summary formats them itself; the model's prose may only name them by placeholder
 * (`{recovered}`), and an answer holding a digit is thrown away for the deterministic one.
 */
import {
  type BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { formatMoney } from '#engine/domain/money.js';
import type { MonthlyFigures } from './monthly-figures.js';

/** One line of the figures table. */
export interface FigureRow {
  label: string;
  value: string;
}

/** Why the model's summary was not used. */
export type SummaryFallbackReason =
  | 'timeout'
  | 'unavailable'
  | 'refused'
  | 'no_text'
  | 'digits'
  | 'bad_placeholder'
  | 'too_long';

/** A summary ready for the document: a title, a few paragraphs, the figures table. */
export interface SummaryText {
  title: string;
  paragraphs: string[];
  table: FigureRow[];
  /** Who wrote the paragraphs. The table is always code's. */
  source: 'model' | 'deterministic';
  /** Set when the model was asked and its answer was not used. */
  fallbackReason?: SummaryFallbackReason;
}

const LOCALE = 'en-US';
const MAX_MODEL_CHARS = 1_200;
const MAX_SENTENCES = 5;
const MAX_TOKENS = 400;
const TEMPERATURE = 0.3;
const GOOD_STOPS = new Set(['end_turn', 'stop_sequence']);
const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

/** The names a model answer may use as `{name}`; code writes each value. */
export const PLACEHOLDER_NAMES = [
  'month',
  'store',
  'carts',
  'abandoned',
  'firstReminders',
  'secondReminders',
  'reminders',
  'deferred',
  'skipped',
  'recovered',
  'revenue',
  'rate',
  'unsubscribes',
  'bounces',
  'complaints',
  'suppressions',
  'writeOffs',
  'cost',
  'clickRate',
  'throughLink',
  'attributionDays',
  'holdout',
  'lift',
  'liftRange',
  'liftRevenue',
  'liftSummary',
] as const;
export type PlaceholderName = (typeof PLACEHOLDER_NAMES)[number];

/** "October 2026" for "2026-10". */
export function monthName(month: string): string {
  return new Intl.DateTimeFormat(LOCALE, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${month}-01T00:00:00Z`),
  );
}

function percent(rate: number | null): string {
  return rate === null ? 'n/a' : `${Math.round(rate * 100)}%`;
}

const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}`;

/** The lift in words a reader can check against the table, or why it cannot be told yet. */
function liftTexts(figures: MonthlyFigures): {
  lift: string;
  liftRange: string;
  liftRevenue: string;
  liftSummary: string;
} {
  const { lift } = figures;
  if (lift.kind === 'too_few')
    return {
      lift: 'not enough carts yet to say',
      liftRange: 'n/a',
      liftRevenue: 'n/a',
      liftSummary: `what reminders add cannot be told yet: ${lift.needed} abandoned carts are needed in each group and ${lift.heldOut.carts} were held out`,
    };
  const p = lift.extraPurchases;
  const r = lift.extraRevenue;
  const money = (x: number) =>
    `${x < 0 ? '−' : '+'}${formatMoney(Math.abs(x).toFixed(2), figures.currency, LOCALE)}`;
  return {
    lift: `${signed(p.value)} purchases per 100 abandoned carts`,
    liftRange: `${signed(p.lower)} to ${signed(p.upper)}`,
    liftRevenue: `${money(r.value)} per 100 abandoned carts (${money(r.lower)} to ${money(r.upper)})`,
    liftSummary: `reminders added ${signed(p.value)} purchases per 100 abandoned carts (95% range ${signed(p.lower)} to ${signed(p.upper)})`,
  };
}

function revenueText(figures: MonthlyFigures): string {
  if (figures.recoveredRevenue.length === 0) return formatMoney('0', figures.currency, LOCALE);
  return figures.recoveredRevenue.map((m) => formatMoney(m.amount, m.currency, LOCALE)).join(' and ');
}

function costText(costUsd: number): string {
  return formatMoney(costUsd.toFixed(2), 'USD', LOCALE);
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The values placeholders stand for, each written by code. The model may use only these names.
 * @example placeholderValues(figures).revenue // '$1,234.50'
 */
export function placeholderValues(figures: MonthlyFigures): Record<PlaceholderName, string> {
  return {
    month: monthName(figures.month),
    store: figures.storeName,
    carts: String(figures.carts),
    abandoned: String(figures.abandoned),
    firstReminders: String(figures.remindersSent.first),
    secondReminders: String(figures.remindersSent.second),
    reminders: String(figures.remindersSent.first + figures.remindersSent.second),
    deferred: String(figures.deferredByQuietHours),
    skipped: String(figures.skippedByCap),
    recovered: String(figures.recovered),
    revenue: revenueText(figures),
    rate: percent(figures.recoveryRate),
    unsubscribes: String(figures.unsubscribes),
    bounces: String(figures.bounces),
    complaints: String(figures.complaints),
    suppressions: String(figures.suppressions),
    writeOffs: String(figures.writeOffs),
    cost: costText(figures.estimatedCostUsd),
    clickRate: percent(figures.clickRate),
    throughLink: String(figures.recoveredThroughLink),
    attributionDays: count(figures.attributionDays, 'day', 'days'),
    holdout: `${figures.holdoutPercent}%`,
    ...liftTexts(figures),
  };
}

/** The few figures a reader looks at first: abandoned, recovered, revenue, the lift. */
export function highlights(figures: MonthlyFigures): FigureRow[] {
  const v = placeholderValues(figures);
  return [
    { label: 'Carts abandoned', value: v.abandoned },
    { label: 'Carts recovered', value: v.recovered },
    { label: 'Recovered revenue', value: v.revenue },
    figures.lift.kind === 'too_few'
      ? { label: 'What reminders add', value: 'not enough carts yet to say' }
      : {
          label: 'Extra purchases per 100 abandoned carts',
          value: `${signed(figures.lift.extraPurchases.value)} (${v.liftRange})`,
        },
  ];
}

/** The figures table, in reading order; one row per tier for the recovery rate. */
export function figuresTable(figures: MonthlyFigures): FigureRow[] {
  return [
    { label: 'Carts seen', value: String(figures.carts) },
    { label: 'Carts abandoned', value: String(figures.abandoned) },
    { label: 'First reminders sent', value: String(figures.remindersSent.first) },
    { label: 'Second reminders sent', value: String(figures.remindersSent.second) },
    { label: 'Reminders deferred by quiet hours', value: String(figures.deferredByQuietHours) },
    { label: 'Reminders skipped by the frequency cap', value: String(figures.skippedByCap) },
    // Two different sets of carts, labelled so they are not read as one: the carts bought this month
    // (whenever they were left), and what became of the carts left this month (the rates below).
    {
      label: `Carts recovered this month (bought within ${count(figures.attributionDays, 'day', 'days')} of a reminder)`,
      value: String(figures.recovered),
    },
    { label: 'Recovered through the reminder link', value: String(figures.recoveredThroughLink) },
    { label: 'Recovered revenue', value: revenueText(figures) },
    { label: 'Attribution window', value: count(figures.attributionDays, 'day', 'days') },
    { label: 'Reminder link click rate', value: percent(figures.clickRate) },
    { label: "Recovery rate of this month's abandoned carts, so far", value: percent(figures.recoveryRate) },
    ...figures.byTier.map((t) => ({
      label: `Recovery rate, ${t.tier} carts`,
      value:
        t.rate === null ? 'n/a' : `${percent(t.rate)} (${t.recovered} of ${t.abandoned} left this month)`,
    })),
    { label: 'Unsubscribes', value: String(figures.unsubscribes) },
    { label: 'Bounces', value: String(figures.bounces) },
    { label: 'Complaints', value: String(figures.complaints) },
    { label: 'Carts you suppressed', value: String(figures.suppressions) },
    { label: 'Carts you wrote off', value: String(figures.writeOffs) },
    { label: 'Estimated AWS cost', value: costText(figures.estimatedCostUsd) },
    ...liftRowsOf(figures),
  ];
}

function liftRowsOf(figures: MonthlyFigures): FigureRow[] {
  const { lift } = figures;
  const v = placeholderValues(figures);
  const group = (g: { carts: number; purchases: number }) =>
    `${g.purchases} of ${g.carts} bought (${percent(g.carts === 0 ? null : g.purchases / g.carts)})`;
  return [
    { label: 'Holdout (shoppers sent no reminders)', value: v.holdout },
    { label: 'Abandoned carts reminded', value: group(lift.reminded) },
    { label: 'Abandoned carts held out', value: group(lift.heldOut) },
    {
      label: 'Lift of reminders (95% range)',
      value:
        lift.kind === 'too_few'
          ? `not enough carts yet to say (${lift.needed} needed in each group)`
          : `${v.lift} (${v.liftRange})`,
    },
    ...(lift.kind === 'too_few' ? [] : [{ label: 'Extra revenue (95% range)', value: v.liftRevenue }]),
  ];
}

/** The lift paragraph: what the holdout shows, in plain words, or that it cannot tell yet. */
function liftParagraph(figures: MonthlyFigures): string {
  const v = placeholderValues(figures);
  const { lift } = figures;
  if (figures.holdoutPercent === 0 && lift.heldOut.carts === 0)
    return 'No shoppers were held out, so what the reminders add beyond purchases that would have happened anyway cannot be told. A holdout of 10% for a season would measure it.';
  if (lift.kind === 'too_few')
    return `Comparing shoppers reminded with the ${v.holdout} held out: not enough carts yet to say what reminders add (${lift.needed} abandoned carts are needed in each group; ${lift.heldOut.carts} were held out).`;
  return `Against the ${v.holdout} of shoppers held out, reminders added ${v.lift} (95% range ${v.liftRange}), worth ${v.liftRevenue}.`;
}

export function summaryTitle(figures: MonthlyFigures): string {
  return `${figures.storeName}: abandoned carts in ${monthName(figures.month)}`;
}

/**
 * A plain summary written without a model: three short paragraphs and the figures table.
 * @example deterministicSummary(figures).paragraphs[0] // 'In October 2026, 6 of the 8 carts seen were left without a purchase. ...'
 */
export function deterministicSummary(figures: MonthlyFigures): SummaryText {
  const v = placeholderValues(figures);
  const { first, second } = figures.remindersSent;
  const reminders =
    `We sent ${count(first, 'first reminder', 'first reminders')} and ` +
    `${count(second, 'second reminder', 'second reminders')}; ` +
    `${count(figures.deferredByQuietHours, 'reminder waited', 'reminders waited')} for quiet hours to end and ` +
    `${count(figures.skippedByCap, 'reminder was', 'reminders were')} skipped because the shopper had one recently.`;
  const recovery =
    figures.recoveryRate === null
      ? `${count(figures.recovered, 'cart was', 'carts were')} bought within ${v.attributionDays} of a reminder, worth ${v.revenue}. No carts were abandoned this month, so there is no recovery rate yet.`
      : `${count(figures.recovered, 'cart was', 'carts were')} bought within ${v.attributionDays} of a reminder (${v.throughLink} through its link), worth ${v.revenue}. Of this month's abandoned carts, ${v.rate} have been recovered so far; ${v.clickRate} of reminders had their link clicked.`;
  const care =
    `${count(figures.unsubscribes, 'shopper unsubscribed', 'shoppers unsubscribed')}, ` +
    `${count(figures.bounces, 'email bounced', 'emails bounced')} and ` +
    `${count(figures.complaints, 'complaint', 'complaints')} came in. ` +
    `You suppressed ${count(figures.suppressions, 'cart', 'carts')} and wrote off ${figures.writeOffs}. ` +
    `Running the reminders cost about ${v.cost} on AWS.`;
  return {
    title: summaryTitle(figures),
    paragraphs: [
      `In ${v.month}, ${figures.abandoned} of the ${count(figures.carts, 'cart', 'carts')} seen ${figures.abandoned === 1 ? 'was' : 'were'} left without a purchase. ${reminders}`,
      recovery,
      liftParagraph(figures),
      care,
    ],
    table: figuresTable(figures),
    source: 'deterministic',
  };
}

/** A summary as plain text: the title, the paragraphs, then the table with aligned values. */
export function summaryAsText(summary: SummaryText): string {
  const width = Math.max(...summary.table.map((r) => r.label.length));
  return [
    summary.title,
    '',
    ...summary.paragraphs.flatMap((p) => [p, '']),
    ...summary.table.map((r) => `${r.label.padEnd(width)}  ${r.value}`),
  ].join('\n');
}

/** What the model is told. It sees the figures (as JSON) and nothing else. */
export function summaryPrompt(): string {
  const names = PLACEHOLDER_NAMES.map((n) => `{${n}}`);
  return [
    'You write the opening of a monthly report for the owner of a small online store about its abandoned-cart reminder emails.',
    'The user message holds the month’s figures as JSON. Use only facts found there.',
    'Write 2 to 4 short, plain sentences for a busy owner: what happened, and what stands out.',
    'One sentence must say what the reminders add compared with the shoppers held out, by writing {liftSummary} in it (it says the lift and its 95% range, or that it cannot be told yet).',
    `Never write a number, digit, percentage, amount or year yourself. Where a figure belongs, write its placeholder exactly as listed: ${names.join(' ')}.`,
    'No greeting, no heading, no list, no advice the figures do not support. Answer with the sentences only.',
  ].join('\n');
}

/** The figures the model sees: everything but the time window and the per-day series. */
function modelFacts(figures: MonthlyFigures): Record<string, unknown> {
  const { days: _days, from: _from, to: _to, ...facts } = figures;
  return facts;
}

class SummaryRejectedError extends Error {
  readonly reason: SummaryFallbackReason;
  constructor(reason: SummaryFallbackReason) {
    super(`the model's summary was not used (${reason})`);
    this.name = 'SummaryRejectedError';
    this.reason = reason;
  }
}

/**
 * Fills a model answer's placeholders with code's values.
 * @throws SummaryRejectedError when the answer holds a digit, an unknown placeholder, a stray brace,
 * or is too long; the caller then uses the deterministic summary.
 */
export function fillPlaceholders(answer: string, values: Readonly<Record<string, string>>): string {
  const text = answer.trim();
  if (text === '') throw new SummaryRejectedError('no_text');
  if (/\p{Nd}/u.test(text)) throw new SummaryRejectedError('digits');
  if (text.length > MAX_MODEL_CHARS) throw new SummaryRejectedError('too_long');
  const sentences = text.split(/[.!?]+(?:\s|$)/).filter((s) => s.trim() !== '').length;
  if (sentences > MAX_SENTENCES) throw new SummaryRejectedError('too_long');
  // A replacer function: values such as "$1,234.50" must not be read as replacement patterns.
  let unknown = false;
  const filled = text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (value === undefined) unknown = true;
    return value ?? whole;
  });
  if (unknown || /[{}]/.test(text.replace(PLACEHOLDER, '')))
    throw new SummaryRejectedError('bad_placeholder');
  return filled;
}

/**
 * The summary with the model's prose: Bedrock Converse gets the figures as JSON and writes 2-4
 * sentences with placeholders; code fills them and adds the figures table. Never throws: a failure,
 * a timeout or an answer with a digit gives the deterministic summary, with `fallbackReason` set.
 * @example await modelSummary(figures, bedrockClient, 'global.anthropic.claude-haiku-4-5-20251001-v1:0', 5000)
 */
export async function modelSummary(
  figures: MonthlyFigures,
  client: BedrockRuntimeClient,
  modelId: string,
  timeoutMs: number,
): Promise<SummaryText> {
  try {
    const output: ConverseCommandOutput = await client.send(
      new ConverseCommand({
        modelId,
        system: [{ text: summaryPrompt() }],
        messages: [{ role: 'user', content: [{ text: JSON.stringify(modelFacts(figures)) }] }],
        inferenceConfig: { maxTokens: MAX_TOKENS, temperature: TEMPERATURE },
      }),
      { abortSignal: AbortSignal.timeout(timeoutMs) },
    );
    if (!output.stopReason || !GOOD_STOPS.has(output.stopReason)) throw new SummaryRejectedError('refused');
    const answer = (output.output?.message?.content ?? []).map((block) => block.text ?? '').join('');
    const prose = fillPlaceholders(answer, placeholderValues(figures));
    return {
      title: summaryTitle(figures),
      paragraphs: [prose],
      table: figuresTable(figures),
      source: 'model',
    };
  } catch (error) {
    return { ...deterministicSummary(figures), fallbackReason: reasonOf(error) };
  }
}

function reasonOf(error: unknown): SummaryFallbackReason {
  if (error instanceof SummaryRejectedError) return error.reason;
  const name = error instanceof Error ? error.name : '';
  if (name === 'AbortError' || name === 'TimeoutError') return 'timeout';
  if (name === 'ValidationException') return 'refused';
  return 'unavailable';
}
