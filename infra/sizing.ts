/**
 * Every number that sizes the deployment, in one place: the queue and its consumer must agree
 * (visibility timeout vs. function timeout), and the tests read the same values they assert.
 */
import { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { REMINDER_VISIBILITY_SECONDS, SENDER_TIMEOUT_SECONDS } from '../engine/use-cases/sender-timing.js';

/** Physical names shared by the stacks and the handlers' environment. */
export const NAMES = {
  /** EventBridge Scheduler group of the wake-ups (the engine's SCHEDULER_GROUP). */
  scheduleGroup: 'cart-recovery',
  /** The one Secrets Manager secret (JSON: webhookSecret, ownerSecret, unsubscribeKey, google?). */
  secret: 'cart-recovery',
  /** Function names are `<functionPrefix><name>`, their log groups `/aws/lambda/<functionPrefix><name>`. */
  functionPrefix: 'cart-recovery-',
  /** The rules doc every function reads, as JSON (the engine's RULES_KEY default). */
  rulesKey: 'rules/current.json',
  /**
   * The same rules as YAML, for people: `cart-recovery rules publish` and the rules sync write both
   * (the engine's RULES_YAML_KEY default); no function but the sync touches it.
   */
  rulesYamlKey: 'rules/current.yaml',
  configurationSet: 'cart-recovery',
  /**
   * The EventBridge rule of SES bounces and complaints, by name: the stateful stack lets exactly this
   * rule park undeliverable events in its DLQ without referencing the engine stack.
   */
  mailEventsRule: 'cart-recovery-mail-events',
  /** EventBridge Scheduler group of the Google functions' two fixed schedules (nightly, summary). */
  sheetsScheduleGroup: 'cart-recovery-sheets',
} as const;

export const SIZING = {
  logRetention: RetentionDays.ONE_WEEK,
  memoryMb: 256,
  /** The SQS consumer: a batch is at most 5 reminders, each one Bedrock call (1.5 s cap) and one SES send. */
  sender: { timeout: Duration.seconds(SENDER_TIMEOUT_SECONDS), batchSize: 5, maxConcurrency: 2 },
  reminderQueue: {
    // Derived with the sender's timeout and the lost-claim age in one place (sender-timing.ts).
    visibilityTimeout: Duration.seconds(REMINDER_VISIBILITY_SECONDS),
    maxReceiveCount: 5,
    retention: Duration.days(4),
    dlqRetention: Duration.days(14),
  },
  schedulerDlq: { retention: Duration.days(14) },
  /** How often the sweep looks for carts whose wake-up is long overdue (engine/use-cases/sweep-stuck-carts.ts). */
  sweepEvery: Duration.minutes(15),
  mailEventsDlq: { retention: Duration.days(14) },
  /** The bounce and complaint rule: EventBridge retries a failed delivery this often, within a day. */
  mailEvents: { retryAttempts: 8, maxEventAge: Duration.hours(24) },
  /**
   * The public Function URLs, when `reserveConcurrency` is on: at most this many concurrent executions
   * each, so a flood of requests is throttled (HTTP 429) instead of running up the bill. A small store
   * sees a handful per minute.
   */
  reservedConcurrency: { webhook: 10, unsubscribe: 5, ownerAction: 5, rulesSync: 2 },
  /** The Google functions: Sheets/Docs calls are slow; the nightly export writes a whole day of carts. */
  sheets: {
    syncTimeout: Duration.seconds(60),
    syncEvery: Duration.minutes(15),
    nightlyTimeout: Duration.minutes(5),
    summaryTimeout: Duration.minutes(2),
    /** Store-local times: the nightly export just after midnight, the summary on the 1st of each month. */
    nightlyCron: 'cron(15 0 * * ? *)',
    summaryCron: 'cron(30 0 1 * ? *)',
  },
} as const;
