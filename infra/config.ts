/**
 * The deployment's settings: read once from the `cartRecovery` object in cdk.json's `context`,
 * validated, defaults filled in. A missing or malformed setting stops synth with its full key name.
 */
import { z } from 'zod';
import { DEFAULT_RETENTION, RETENTION_LIMITS } from '#engine/domain/retention.js';
import { isAtDomain } from '#engine/domain/sender-address.js';

/** The context key that holds every setting. */
export const CONTEXT_KEY = 'cartRecovery';

/** The default Bedrock model: Claude Haiku 4.5 through the global cross-Region inference profile. */
export const DEFAULT_MODEL_ID = 'global.anthropic.claude-haiku-4-5-20251001-v1:0';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
// A DNS name: labels of letters, digits and inner hyphens, at least one dot.
const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Google spreadsheet and document ids: letters, digits, "-" and "_". */
const GOOGLE_ID = /^[A-Za-z0-9_-]{10,200}$/;

/** The store's time zone when cdk.json names none. */
export const DEFAULT_STORE_TIMEZONE = 'America/New_York';

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}

/** A retention window: a whole number within RETENTION_LIMITS, DEFAULT_RETENTION when absent. */
const retentionWindow = (name: keyof typeof RETENTION_LIMITS, unit: string) => {
  const { min, max } = RETENTION_LIMITS[name];
  const error = `must be a whole number of ${unit} between ${min} and ${max}`;
  return z.coerce
    .number({ error })
    .int({ error })
    .min(min, { error })
    .max(max, { error })
    .default(DEFAULT_RETENTION[name]);
};

/** A string setting whose absence is reported as "is missing: <what it is>". */
const required = (what: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? `is missing: ${what}` : 'must be text') });

const configSchema = z
  .strictObject({
    region: z
      .string({ error: 'must be an AWS Region code such as us-east-1' })
      .regex(REGION, { error: 'must be an AWS Region code such as us-east-1' })
      .default('us-east-1'),
    storeDomain: required('the domain reminders are sent from (verified in SES)')
      .transform((s) => s.trim().toLowerCase())
      .pipe(z.string().regex(DOMAIN, { error: 'must be a domain name such as shop.example.com' })),
    fromEmail: required('the address reminders are sent from (the rules doc store.fromEmail)').pipe(
      z.email({ error: 'must be an email address' }),
    ),
    alertEmail: required('where alarms and budget alerts are emailed').pipe(
      z.email({ error: 'must be an email address' }),
    ),
    monthlyBudgetUsd: z.coerce
      .number({ error: 'must be a number of US dollars' })
      .positive({ error: 'must be more than 0' })
      .max(10_000, { error: 'must be at most 10000' })
      .default(5),
    bedrockModelId: z
      .string({ error: 'must be a Bedrock model or inference profile id' })
      .regex(/^[a-z0-9.:-]+$/, { error: 'must be a Bedrock model or inference profile id' })
      .default(DEFAULT_MODEL_ID),
    tablePrefix: z
      .string({ error: 'must be text' })
      .regex(/^[A-Za-z0-9_.-]{0,200}$/, { error: 'may hold only letters, digits, "_", "-" and "."' })
      .default('cr-'),
    logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    /**
     * Reserve concurrency for the public Function URLs (20 in all, 22 with the rules sync). Off by
     * default: Lambda keeps 100 of the account's quota unreserved, so reserving needs a quota of at
     * least 120 (122), and new accounts often start at 10, where the deploy would fail. Without it a
     * flood on a public URL runs up to the account's quota (and throttles every function of the
     * account beyond it); each request still fails its signature check within milliseconds. Worth
     * turning on once the quota is 1,000: then a flood is capped at 10 webhook executions and cannot
     * starve the wake and sender functions.
     */
    reserveConcurrency: z.boolean({ error: 'must be true or false' }).default(false),
    /** Days a closed cart (with the address it holds) is kept after it closed. */
    closedCartRetentionDays: retentionWindow('closedCartDays', 'days'),
    /** Calendar months an audit row is kept. */
    auditRetentionMonths: retentionWindow('auditMonths', 'months'),
    /** Days a contact (frequency cap, last checkout) is kept after its last write; unsubscribes are kept for good. */
    contactRetentionDays: retentionWindow('contactDays', 'days'),
    /**
     * Optional custom MAIL FROM domain: a subdomain of storeDomain (e.g. mail.shop.example.com) that
     * SES uses as the envelope sender, so SPF aligns with the From domain for DMARC. Needs an MX and a
     * TXT record (docs/DEPLOY.md, step 5).
     */
    mailFromDomain: z
      .string({ error: 'must be a domain name' })
      .transform((s) => s.trim().toLowerCase())
      .pipe(z.string().regex(DOMAIN, { error: 'must be a domain name such as mail.shop.example.com' }))
      .optional(),
    /**
     * While SES is in the sandbox it also checks the sender's permission on each (verified) recipient
     * identity; list those test recipients here, and empty the list after leaving the sandbox.
     */
    sesSandboxRecipients: z.array(z.email({ error: 'must be email addresses' })).default([]),
    /**
     * The owner's Google spreadsheet (the id in its URL, between /d/ and /edit). Optional: without
     * it the Google functions (rules sync, nightly export, monthly summary) and their schedules are
     * not created.
     */
    spreadsheetId: z
      .string({ error: 'must be a spreadsheet id' })
      .regex(GOOGLE_ID, { error: 'must be a spreadsheet id (the part of its URL between /d/ and /edit)' })
      .optional(),
    /** The Google Doc the monthly summary is written to (the id in its URL). */
    summaryDocumentId: z
      .string({ error: 'must be a Google Docs document id' })
      .regex(GOOGLE_ID, { error: 'must be a document id (the part of its URL between /d/ and /edit)' })
      .optional(),
    /** The tab the rules are read from; the sync's own default (Rules) when absent. */
    rulesTab: z.string({ error: 'must be text' }).trim().min(1).max(100).optional(),
    /** Where the sync writes its status ("F1" or "Status!B2"); the sync's own default (F1) when absent. */
    statusCell: z
      .string({ error: 'must be text' })
      .regex(/^(?:[^!]+!)?[A-Z]{1,3}[1-9]\d{0,6}$/, { error: 'must be a cell such as F1 or Status!B2' })
      .optional(),
    /** The store's IANA time zone: the nightly export and monthly summary run at its midnight. */
    storeTimezone: z
      .string({ error: 'must be an IANA time zone such as America/New_York' })
      .refine(isTimeZone, { error: 'must be an IANA time zone such as America/New_York' })
      .default(DEFAULT_STORE_TIMEZONE),
  })
  .superRefine((config, ctx) => {
    if (!isAtDomain(config.fromEmail, config.storeDomain)) {
      ctx.addIssue({
        code: 'custom',
        path: ['fromEmail'],
        message: `must be an address at storeDomain (${config.storeDomain}) or one of its subdomains, the SES identity`,
      });
    }
    const mailFrom = config.mailFromDomain;
    if (mailFrom !== undefined && !mailFrom.endsWith(`.${config.storeDomain}`)) {
      ctx.addIssue({
        code: 'custom',
        path: ['mailFromDomain'],
        message: `must be a subdomain of storeDomain (${config.storeDomain}), such as mail.${config.storeDomain}`,
      });
    }
  });

export type CartRecoveryConfig = z.infer<typeof configSchema>;

/** The settings in cdk.json are missing or malformed; the message names each key. */
export class InfraConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      `cdk.json context "${CONTEXT_KEY}" is incomplete:\n  ${problems.join('\n  ')}\n` +
        'Set these in cdk.json under "context" (docs/DEPLOY.md, step 2).',
    );
    this.name = 'InfraConfigError';
    this.problems = problems;
  }
}

/**
 * Validates the raw `cartRecovery` context value and fills in the defaults.
 * @throws InfraConfigError naming each missing or malformed key, e.g. `cartRecovery.alertEmail is missing: ...`.
 * @example parseConfig({ storeDomain: 'shop.example.com', fromEmail: 'hi@shop.example.com', alertEmail: 'me@example.com' })
 */
export function parseConfig(raw: unknown): CartRecoveryConfig {
  if (raw === undefined || raw === null) {
    throw new InfraConfigError([
      `${CONTEXT_KEY} is missing: add an object with storeDomain, fromEmail and alertEmail`,
    ]);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new InfraConfigError(
      result.error.issues.map((issue) => {
        const key = [CONTEXT_KEY, ...issue.path.map(String)].join('.');
        return issue.code === 'unrecognized_keys'
          ? `${CONTEXT_KEY} has unknown keys: ${issue.keys.join(', ')}`
          : `${key} ${issue.message}`;
      }),
    );
  }
  return result.data;
}

/** Reads and validates the settings from a construct's context (the App's, in practice). */
export function configFromContext(node: { tryGetContext(key: string): unknown }): CartRecoveryConfig {
  return parseConfig(node.tryGetContext(CONTEXT_KEY));
}

/** Whether the settings still hold the example values cdk.json ships with (fine for synth, not for deploy). */
export function usesExampleValues(config: CartRecoveryConfig): boolean {
  const example = /(^|\.)example\.(com|org|net)$|\.example$/;
  return [config.storeDomain, config.alertEmail.split('@')[1] ?? ''].some((d) => example.test(d));
}
