import * as z from 'zod';
import { LANGUAGES } from './copy/catalogue.js';
import { RulesValidationError } from './errors.js';
import { toFieldErrors } from './field-errors.js';
import { isTimeZone } from './time-zone.js';

const HOURS_MIN = 0.25;
/** Days after a sent reminder within which a purchase is credited to it, unless the rules say otherwise. */
export const DEFAULT_ATTRIBUTION_DAYS = 5;
const HOURS_MAX = 168;

const hours = (what: string, min: number, max: number, fallback: number) =>
  z
    .number({ error: `${what} must be a number of hours between ${min} and ${max}` })
    .min(min, { error: `${what} must be a number of hours between ${min} and ${max}` })
    .max(max, { error: `${what} must be a number of hours between ${min} and ${max}` })
    .default(fallback);

const clockTime = (what: string) =>
  z.string({ error: `${what} must be a time like "21:00"` }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, {
    error: `${what} must be a 24-hour time like "21:00" (HH:MM)`,
  });

const timeZone = z
  .string({ error: 'must be a time zone name such as "America/New_York"' })
  .refine(isTimeZone, { error: 'must be a time zone name such as "America/New_York" (IANA)' });

const requiredText = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, { error: `${what} is required` });

export const tierSchema = z.strictObject({
  name: requiredText('the tier name'),
  minTotal: z
    .number({ error: 'the cart total from must be a number of at least 0' })
    .min(0, { error: 'the cart total from must be a number of at least 0' }),
  firstWaitHours: hours('first reminder after', HOURS_MIN, HOURS_MAX, 4),
  secondWaitHours: hours('second reminder after', HOURS_MIN, HOURS_MAX, 24),
});

/** Limits of the owner's own words, by field. */
export const OWN_WORDS_LIMITS = { subject: 120, opening: 300, discount: 120, code: 40 } as const;

// The owner's words are plain text on one line; only the placeholders the email fills are allowed.
const ownText = (
  what: string,
  max: number,
  placeholders: readonly string[],
  missing = `${what} must be text`,
) =>
  z
    .string({ error: missing })
    .trim()
    .min(1, { error: `${what} must not be empty` })
    .max(max, { error: `${what} must be at most ${max} characters`, abort: true })
    .refine((text) => !/[\r\n\u2028\u2029]/.test(text), { error: `${what} must be one line` })
    .refine(
      (text) => [...text.matchAll(/\{([^}]*)\}/g)].every((m) => placeholders.includes(m[1] as string)),
      {
        error:
          placeholders.length > 0
            ? `${what} may use only ${placeholders.map((p) => `{${p}}`).join(' and ')} in braces`
            : `${what} may not use braces`,
      },
    );

function ownWordsSchema() {
  return z.strictObject(
    {
      firstSubject: ownText('the first subject', OWN_WORDS_LIMITS.subject, ['store']).optional(),
      firstOpening: ownText('the first opening line', OWN_WORDS_LIMITS.opening, [
        'store',
        'items',
      ]).optional(),
      secondSubject: ownText('the second subject', OWN_WORDS_LIMITS.subject, ['store']).optional(),
      secondOpening: ownText('the second opening line', OWN_WORDS_LIMITS.opening, [
        'store',
        'items',
      ]).optional(),
      discount: ownText('the discount in words', OWN_WORDS_LIMITS.discount, []).optional(),
    },
    {
      error:
        'each language needs its own words as firstSubject, firstOpening, secondSubject, secondOpening, discount',
    },
  );
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** True for a real calendar day written YYYY-MM-DD. */
function isCalendarDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === text;
}

function discountSchema() {
  return z.strictObject(
    {
      code: z
        .string({ error: 'a discount needs its code, such as "THANKS10"' })
        .trim()
        .regex(new RegExp(`^[\\p{L}\\p{N}_-]{1,${OWN_WORDS_LIMITS.code}}$`, 'u'), {
          error: `the discount code must be 1 to ${OWN_WORDS_LIMITS.code} letters, digits, "-" or "_"`,
        }),
      description: ownText(
        'what the discount gives',
        OWN_WORDS_LIMITS.discount,
        [],
        'a discount needs what it gives, in words, such as "10% off your order"',
      ),
      reminders: z
        .enum(['first', 'second', 'both'], { error: 'the discount goes in reminder first, second or both' })
        .default('second'),
      minTotal: z
        .number({ error: 'the discount minimum cart total must be a number of at least 0' })
        .min(0, { error: 'the discount minimum cart total must be a number of at least 0' })
        .optional(),
      expires: z
        .string({ error: 'the discount expiry must be a date like "2026-12-31"' })
        .trim()
        .refine(isCalendarDate, {
          error: 'the discount expiry must be a date like "2026-12-31" (YYYY-MM-DD)',
        })
        .optional(),
    },
    { error: 'discount must have a code and a description (what it gives, in words)' },
  );
}

export const DEFAULT_TIERS = [
  { name: 'small', minTotal: 0, firstWaitHours: 4, secondWaitHours: 24 },
  { name: 'medium', minTotal: 50, firstWaitHours: 2, secondWaitHours: 22 },
  { name: 'big', minTotal: 150, firstWaitHours: 1, secondWaitHours: 20 },
] as const;

export const rulesSchema = z.strictObject({
  store: z.strictObject(
    {
      name: requiredText('the store name'),
      timezone: timeZone,
      currency: z
        .string({ error: 'must be a three-letter currency code such as "USD"' })
        .trim()
        .toUpperCase()
        .regex(/^[A-Z]{3}$/, { error: 'must be a three-letter currency code such as "USD"' })
        .default('USD'),
      fromEmail: z.email({ error: 'must be the email address reminders are sent from' }),
      address: requiredText('the postal address (required by anti-spam law)'),
      voice: z
        .string({ error: 'must be a few words describing the store voice' })
        .trim()
        .default('warm, plain'),
      url: z
        .url({
          protocol: /^https$/,
          error: 'must be an https address such as "https://acme.example"',
        })
        .max(2048, { error: 'the store website address must be at most 2048 characters' })
        .optional(),
      // How reminders look and answer (issue 17): all optional.
      language: z
        .enum(LANGUAGES, { error: `must be one of ${LANGUAGES.join(', ')} (the language code)` })
        .optional(),
      logoUrl: z
        .url({ protocol: /^https$/, error: 'the logo must be an https address of an image' })
        .max(2048, { error: 'the logo address must be at most 2048 characters' })
        .optional(),
      accentColor: z
        .string({ error: 'the accent colour must be a colour like "#0f766e"' })
        .trim()
        .regex(/^#[0-9a-fA-F]{6}$/, {
          error: 'the accent colour must be a colour like "#0f766e" (# and 6 hex digits)',
        })
        .transform((colour) => colour.toLowerCase())
        .optional(),
      replyTo: z
        .email({ error: 'the reply-to address must be an email address' })
        .max(254, { error: 'the reply-to address must be at most 254 characters' })
        .optional(),
    },
    { error: 'store is required: name, timezone, fromEmail and address' },
  ),
  tiers: z
    .array(tierSchema, { error: 'tiers must be a list of tiers' })
    .min(1, { error: 'at least one tier is needed' })
    .default(DEFAULT_TIERS.map((t) => ({ ...t })))
    .superRefine((tiers, ctx) => {
      const names = new Set<string>();
      const starts = new Set<number>();
      tiers.forEach((tier, i) => {
        if (names.has(tier.name))
          ctx.addIssue({
            code: 'custom',
            path: [i, 'name'],
            message: `the tier name "${tier.name}" is used twice`,
          });
        if (starts.has(tier.minTotal))
          ctx.addIssue({
            code: 'custom',
            path: [i, 'minTotal'],
            message: `two tiers start at ${tier.minTotal}`,
          });
        names.add(tier.name);
        starts.add(tier.minTotal);
      });
      if (tiers.length > 0 && !starts.has(0)) {
        ctx.addIssue({
          code: 'custom',
          message: 'one tier must start at a cart total of 0, so every cart has a tier',
        });
      }
    }),
  quietHours: z
    .strictObject(
      { start: clockTime('quiet hours start'), end: clockTime('quiet hours end') },
      { error: 'quiet hours need a start and an end, like { start: "21:00", end: "08:00" }' },
    )
    .default({ start: '21:00', end: '08:00' }),
  frequencyCapHours: z
    .number({ error: 'frequency cap must be a number of hours between 0 and 720' })
    .min(0, { error: 'frequency cap must be a number of hours between 0 and 720' })
    .max(720, { error: 'frequency cap must be a number of hours between 0 and 720' })
    .default(72),
  maxReminders: z
    .number({ error: 'maximum reminders must be 0, 1 or 2' })
    .int({ error: 'maximum reminders must be 0, 1 or 2' })
    .min(0, { error: 'maximum reminders must be 0, 1 or 2' })
    .max(2, { error: 'maximum reminders must be 0, 1 or 2 (never more than 2)' })
    .default(2),
  giveUpAfterHours: hours('give up after', 1, 720, 72),
  maxCartAgeHours: hours('maximum cart age', 1, 2160, 168),
  consent: z
    .enum(['any', 'first_only', 'required'], { error: 'consent must be one of: any, first_only, required' })
    .default('any'),
  // What the reminders earn (issue 18): the attribution window and the holdout that measures the lift.
  attributionDays: z
    .number({ error: 'attribution window must be a whole number of days between 1 and 30' })
    .int({ error: 'attribution window must be a whole number of days between 1 and 30' })
    .min(1, { error: 'attribution window must be a whole number of days between 1 and 30' })
    .max(30, { error: 'attribution window must be a whole number of days between 1 and 30' })
    .default(DEFAULT_ATTRIBUTION_DAYS),
  holdoutPercent: z
    .number({ error: 'holdout must be a whole percentage between 0 and 50' })
    .int({ error: 'holdout must be a whole percentage between 0 and 50' })
    .min(0, { error: 'holdout must be a whole percentage between 0 and 50' })
    .max(50, { error: 'holdout must be a whole percentage between 0 and 50' })
    .default(0),
  // The owner's own words and offer (issue 17): both optional.
  messages: z
    .partialRecord(
      z.enum(LANGUAGES, { error: `the language must be one of ${LANGUAGES.join(', ')}` }),
      ownWordsSchema(),
      { error: 'messages must be a map from a language code (en, de, ...) to your own words' },
    )
    .optional(),
  discount: discountSchema().optional(),
});

/** The owner's rules, every default filled in. */
export type Rules = z.infer<typeof rulesSchema>;
export type Tier = Rules['tiers'][number];
export type ConsentPolicy = Rules['consent'];
export type Discount = NonNullable<Rules['discount']>;
export type OwnWords = NonNullable<Rules['messages']>[keyof NonNullable<Rules['messages']>];

/**
 * Validates a rules doc already parsed from YAML or JSON and fills in every default.
 * @throws RulesValidationError naming each bad path and what is wrong; nothing of the doc is used then.
 */
export function parseRules(doc: unknown): Rules {
  const result = rulesSchema.safeParse(doc ?? {});
  if (!result.success) throw new RulesValidationError(toFieldErrors(result.error));
  return {
    ...result.data,
    tiers: [...result.data.tiers].sort((a, b) => a.minTotal - b.minTotal),
  };
}

/** Quiet hours as minutes of the local day; `start === end` means there are none. */
export function quietWindow(rules: Rules): { start: number; end: number } {
  return { start: minutesOf(rules.quietHours.start), end: minutesOf(rules.quietHours.end) };
}

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}
