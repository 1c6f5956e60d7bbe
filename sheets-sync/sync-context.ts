/**
 * The owner-side Lambdas' ports (the rules sync, the nightly export/import, the monthly summary),
 * each built once per cold start from pieces they share: the logger, the engine's secret (the Google
 * key is its `google.serviceAccount`), the DynamoDB client and tables, the rules source.
 * Configuration is read from the environment once and fails fast naming what is missing.
 */
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { DynamoDbAuditLog } from '#engine/adapters/dynamodb-audit-log.js';
import { DynamoDbCartStore } from '#engine/adapters/dynamodb-cart-store.js';
import { DynamoDbContactStore } from '#engine/adapters/dynamodb-contact-store.js';
import { DynamoDbNonceStore } from '#engine/adapters/dynamodb-nonce-store.js';
import { documentClient, tableNames } from '#engine/adapters/dynamodb-tables.js';
import { createLambdaLogger } from '#engine/adapters/lambda-logger.js';
import { systemClock } from '#engine/adapters/memory/manual-clock.js';
import { S3RulesSource } from '#engine/adapters/s3-rules-source.js';
import { SchedulerWakeScheduler } from '#engine/adapters/scheduler-wake-scheduler.js';
import { loadSecrets } from '#engine/adapters/secrets-manager-config.js';
import { isTimeZone } from '#engine/domain/time-zone.js';
import { ConfigError, loadConfig } from '#engine/handlers/config.js';
import type { SignedContext } from '#engine/handlers/signed-request.js';
import type { Clock, Logger, NonceStore } from '#engine/ports.js';
import { googleCredentialsFrom } from './google-auth.js';
import { GoogleCartsTab } from './google-carts-tab.js';
import { DEFAULT_RULES_TAB, DEFAULT_STATUS_CELL, GoogleRulesSheet } from './google-sheets.js';
import type { NightlyDeps } from './nightly-export.js';
import { DynamoDbSummarySource, simulatedCostModel } from './summary/dynamodb-summary-source.js';
import { DEFAULT_SUMMARY_TAB, GoogleSummaryDocument } from './summary/google-summary-doc.js';
import type { MonthlySummaryDeps, Summarizer } from './summary/monthly-summary.js';
import { modelSummary } from './summary/summary-text.js';
import type { SyncRulesDeps } from './sync-rules.js';

/** What the sync handler is given: the rules sync's ports, the owner's secrets and the nonces. */
export interface SyncContext extends SignedContext {
  deps: SyncRulesDeps;
  nonces: NonceStore;
}

/** What the nightly handler is given: the engine's ports and the carts tab. */
export interface NightlyContext {
  deps: NightlyDeps;
}

/** What the summary handler is given: the summary's ports and the clock that picks last month. */
export interface SummaryContext {
  deps: MonthlySummaryDeps;
  clock: Clock;
}

/** The model writes a few sentences once a month; it may take longer than a reminder's polish. */
const SUMMARY_MODEL_TIMEOUT_MS = 10_000;

/**
 * Makes a piece on first use and keeps it for the life of the container. A promise that rejects
 * (a missing secret) is not kept: the next invocation tries again.
 */
const once = <T>(make: () => T): (() => T) => {
  let made: { value: T } | undefined;
  return () => {
    if (!made) {
      const value = make();
      const kept = { value };
      made = kept;
      if (value instanceof Promise) {
        value.catch(() => {
          if (made === kept) made = undefined;
        });
      }
    }
    return made.value;
  };
};

/**
 * Parses the environment with `schema`.
 * @throws ConfigError naming each missing or malformed variable.
 */
function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `${name} ${env[name] === undefined ? 'is not set' : `is invalid: ${issue.message}`}`;
    }),
  );
}

const sheetsConfigSchema = z
  .object({
    SPREADSHEET_ID: z.string().regex(/^[A-Za-z0-9_-]{10,200}$/, { error: 'must be a spreadsheet id' }),
    RULES_TAB: z.string().trim().min(1).max(100).default(DEFAULT_RULES_TAB),
    // A cell ("F1", in the rules tab) or a cell of another tab ("Status!B2").
    STATUS_CELL: z
      .string()
      .regex(/^(?:[^!]+!)?[A-Z]{1,3}[1-9]\d{0,6}$/, { error: 'must be a cell such as F1 or Status!B2' })
      .default(DEFAULT_STATUS_CELL),
    /** Only for the local stack: where a local Google API server listens. */
    GOOGLE_SHEETS_ROOT_URL: z.url().optional(),
    /** Only for the local stack: where a local OAuth token endpoint listens. */
    GOOGLE_TOKEN_URL: z.url().optional(),
    /** The domain verified in SES (cdk.json storeDomain): the Rules tab's sender must be at it. */
    SES_DOMAIN: z.string().trim().min(1).optional(),
    /** The one address the sender may send as (cdk.json fromEmail), when the deployment pins it. */
    SENDER_EMAIL: z.email().optional(),
    /** The zone the nightly and monthly schedules run in (cdk.json storeTimezone), when set. */
    STORE_TIMEZONE: z
      .string()
      .refine(isTimeZone, { error: 'must be an IANA time zone such as America/New_York' })
      .optional(),
  })
  .superRefine((config, ctx) => {
    // The tab is read as columns A:D; a status cell among them would be read back as a rule.
    const inRulesTab =
      !config.STATUS_CELL.includes('!') || config.STATUS_CELL.startsWith(`${config.RULES_TAB}!`);
    const column = /([A-Z]+)\d+$/.exec(config.STATUS_CELL)?.[1] ?? '';
    if (inRulesTab && column.length === 1 && column <= 'D') {
      ctx.addIssue({
        code: 'custom',
        path: ['STATUS_CELL'],
        message: 'must be right of the rules (column E or later), or in another tab',
      });
    }
  });

export type SheetsConfig = z.infer<typeof sheetsConfigSchema>;

/**
 * The spreadsheet's settings, for the rules sync, the nightly run and the summary's chart tab (the
 * shared ones come from the engine's `loadConfig`).
 * @throws ConfigError naming each missing or malformed variable.
 */
export function loadSheetsConfig(env: NodeJS.ProcessEnv = process.env): SheetsConfig {
  return parseEnv(sheetsConfigSchema, env);
}

const summaryConfigSchema = z.object({
  /** The Google Doc the owner made for the summary and shared with the service account. */
  SUMMARY_DOCUMENT_ID: z.string().regex(/^[A-Za-z0-9_-]{10,200}$/, { error: 'must be a document id' }),
  /** The spreadsheet tab that holds the chart. */
  SUMMARY_TAB: z.string().trim().min(1).max(100).default(DEFAULT_SUMMARY_TAB),
});

export type SummaryConfig = z.infer<typeof summaryConfigSchema>;

/**
 * The monthly summary's own settings (with `loadSheetsConfig` for the spreadsheet).
 * @throws ConfigError naming each missing or malformed variable.
 */
export function loadSummaryConfig(env: NodeJS.ProcessEnv = process.env): SummaryConfig {
  return parseEnv(summaryConfigSchema, env);
}

const log = once(
  (): Logger =>
    createLambdaLogger({
      level: loadConfig(['LOG_LEVEL']).LOG_LEVEL,
      name: process.env.AWS_LAMBDA_FUNCTION_NAME,
    }),
);
const secrets = once(() =>
  loadSecrets({ client: new SecretsManagerClient({}), secretId: loadConfig(['SECRET_ID']).SECRET_ID }),
);
/** How the Google adapters log in: the secret's keyless configuration or key (google-auth.ts). */
const googleLogin = once(async () => {
  const { SECRET_ID } = loadConfig(['SECRET_ID']);
  const credentials = googleCredentialsFrom((await secrets()).google, SECRET_ID);
  const { GOOGLE_TOKEN_URL } = loadSheetsConfig();
  // The keyless login signs with the function's own role, from the AWS SDK's credential chain.
  const aws = new SecretsManagerClient({}).config;
  return { credentials, aws, ...(GOOGLE_TOKEN_URL ? { tokenUrl: GOOGLE_TOKEN_URL } : {}) };
});
const s3 = once(
  () =>
    new S3Client({
      forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true',
      requestChecksumCalculation: 'WHEN_REQUIRED',
    }),
);
const dynamo = once(() => documentClient(new DynamoDBClient({})));
const tables = once(() => tableNames(loadConfig(['TABLE_PREFIX']).TABLE_PREFIX));

const retention = once(() =>
  loadConfig(['CLOSED_CART_RETENTION_DAYS', 'AUDIT_RETENTION_MONTHS', 'CONTACT_RETENTION_DAYS']),
);
const carts = once(
  () =>
    new DynamoDbCartStore({
      client: dynamo(),
      tableName: tables().carts,
      closedCartDays: retention().CLOSED_CART_RETENTION_DAYS,
    }),
);
const audit = once(
  () =>
    new DynamoDbAuditLog({
      client: dynamo(),
      tableName: tables().audit,
      auditMonths: retention().AUDIT_RETENTION_MONTHS,
    }),
);
const rules = once(() => {
  const cfg = loadConfig(['RULES_BUCKET', 'RULES_KEY']);
  return new S3RulesSource({ client: s3(), bucket: cfg.RULES_BUCKET, key: cfg.RULES_KEY, log: log() });
});

/**
 * The nightly run's engine ports: the DynamoDB stores, the S3 rules, the Scheduler (an imported cart
 * gets its first wake-up) and the carts' `by-day` read. Everything but the spreadsheet; the local
 * stack adds CSV files instead (its environment points the SDK at the local peers).
 */
export const nightlyPorts = once((): Omit<NightlyDeps, 'tab'> => {
  const cfg = loadConfig(['SCHEDULER_GROUP', 'WAKE_FUNCTION_ARN', 'SCHEDULER_ROLE_ARN', 'SCHEDULER_DLQ_ARN']);
  return {
    carts: carts(),
    days: carts(),
    contacts: new DynamoDbContactStore({
      client: dynamo(),
      tableName: tables().contacts,
      contactDays: retention().CONTACT_RETENTION_DAYS,
    }),
    audit: audit(),
    rules: rules(),
    scheduler: new SchedulerWakeScheduler({
      client: new SchedulerClient({}),
      groupName: cfg.SCHEDULER_GROUP,
      targetArn: cfg.WAKE_FUNCTION_ARN,
      roleArn: cfg.SCHEDULER_ROLE_ARN,
      ...(cfg.SCHEDULER_DLQ_ARN ? { deadLetterArn: cfg.SCHEDULER_DLQ_ARN } : {}),
      clock: systemClock,
    }),
    clock: systemClock,
    log: log(),
  };
});

/**
 * The monthly summary's ports but the document: the month's records from DynamoDB priced by the
 * engine's own cost estimate, the S3 rules, and Bedrock's prose (any failure gives the deterministic
 * text: `modelSummary`). The local stack adds its file document.
 */
export const summaryPorts = once(() => {
  const { BEDROCK_MODEL_ID } = loadConfig(['BEDROCK_MODEL_ID']);
  const bedrock = new BedrockRuntimeClient({});
  const summarize: Summarizer = (figures) =>
    modelSummary(figures, bedrock, BEDROCK_MODEL_ID, SUMMARY_MODEL_TIMEOUT_MS);
  return {
    deps: {
      source: new DynamoDbSummarySource({
        carts: carts(),
        audit: audit(),
        rules: rules(),
        cost: simulatedCostModel(rules()),
      }),
      rules: rules(),
      summarize,
      log: log(),
    } satisfies Omit<MonthlySummaryDeps, 'document'>,
    clock: systemClock,
  };
});

/** The nightly handler's context: the engine's ports and the owner's spreadsheet. */
export const nightlyContext = once(async (): Promise<NightlyContext> => {
  const sheetsConfig = loadSheetsConfig();
  const tab = new GoogleCartsTab({
    spreadsheetId: sheetsConfig.SPREADSHEET_ID,
    ...(await googleLogin()),
    ...(sheetsConfig.GOOGLE_SHEETS_ROOT_URL ? { rootUrl: sheetsConfig.GOOGLE_SHEETS_ROOT_URL } : {}),
    log: log(),
  });
  return { deps: { ...nightlyPorts(), tab } };
});

/** The summary handler's context: DynamoDB records, Bedrock, the owner's Doc and chart tab. */
export const summaryContext = once(async (): Promise<SummaryContext> => {
  const sheetsConfig = loadSheetsConfig();
  const summaryConfig = loadSummaryConfig();
  const document = new GoogleSummaryDocument({
    documentId: summaryConfig.SUMMARY_DOCUMENT_ID,
    spreadsheetId: sheetsConfig.SPREADSHEET_ID,
    tab: summaryConfig.SUMMARY_TAB,
    ...(await googleLogin()),
    ...(sheetsConfig.GOOGLE_SHEETS_ROOT_URL ? { rootUrl: sheetsConfig.GOOGLE_SHEETS_ROOT_URL } : {}),
    log: log(),
  });
  const { deps, clock } = summaryPorts();
  return { deps: { ...deps, document }, clock };
});

/** Everything the sync handler needs, made on first use and kept for the life of the container. */
export const syncContext = once(async (): Promise<SyncContext> => {
  const cfg = loadConfig([
    'RULES_BUCKET',
    'RULES_KEY',
    'RULES_YAML_KEY',
    'SECRET_ID',
    'TABLE_PREFIX',
    'LOG_LEVEL',
  ]);
  const sheetsConfig = loadSheetsConfig();
  const sheet = new GoogleRulesSheet({
    spreadsheetId: sheetsConfig.SPREADSHEET_ID,
    tab: sheetsConfig.RULES_TAB,
    statusCell: sheetsConfig.STATUS_CELL,
    ...(await googleLogin()),
    ...(sheetsConfig.GOOGLE_SHEETS_ROOT_URL ? { rootUrl: sheetsConfig.GOOGLE_SHEETS_ROOT_URL } : {}),
    log: log(),
  });
  return {
    deps: {
      sheet,
      s3: s3(),
      bucket: cfg.RULES_BUCKET,
      key: cfg.RULES_KEY,
      yamlKey: cfg.RULES_YAML_KEY,
      clock: systemClock,
      log: log(),
      ...(sheetsConfig.STORE_TIMEZONE ? { scheduleZone: sheetsConfig.STORE_TIMEZONE } : {}),
      ...(sheetsConfig.SES_DOMAIN
        ? {
            sender: {
              domain: sheetsConfig.SES_DOMAIN,
              ...(sheetsConfig.SENDER_EMAIL ? { address: sheetsConfig.SENDER_EMAIL } : {}),
            },
          }
        : {}),
    },
    nonces: new DynamoDbNonceStore({ client: dynamo(), tableName: tables().nonces }),
    secrets: [(await secrets()).ownerSecret],
    wallClock: systemClock,
  };
});
