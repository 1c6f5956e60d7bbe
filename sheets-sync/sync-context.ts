/**
 * The rules sync Lambda's ports, built once per cold start. Configuration is read from the
 * environment once and fails fast naming what is missing; the Google key comes from the engine's
 * secret (`google.serviceAccount`).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { DynamoDbNonceStore } from '#engine/adapters/dynamodb-nonce-store.js';
import { documentClient, tableNames } from '#engine/adapters/dynamodb-tables.js';
import { systemClock } from '#engine/adapters/memory/manual-clock.js';
import { createLogger } from '#engine/adapters/pino-logger.js';
import { loadSecrets } from '#engine/adapters/secrets-manager-config.js';
import { ConfigError, loadConfig } from '#engine/handlers/config.js';
import { DEFAULT_RULES_TAB, DEFAULT_STATUS_CELL, GoogleRulesSheet } from './google-sheets.js';
import type { SyncContext } from './sync.handler.js';

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
 * The sync's own settings (the shared ones come from the engine's `loadConfig`).
 * @throws ConfigError naming each missing or malformed variable.
 */
export function loadSheetsConfig(env: NodeJS.ProcessEnv = process.env): SheetsConfig {
  const result = sheetsConfigSchema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `${name} ${env[name] === undefined ? 'is not set' : `is invalid: ${issue.message}`}`;
    }),
  );
}

let context: Promise<SyncContext> | undefined;

/** Everything the sync handler needs, made on first use and kept for the life of the container. */
export function syncContext(): Promise<SyncContext> {
  context ??= build();
  // A failed start (a missing secret) is not cached: the next invocation tries again.
  context.catch(() => {
    context = undefined;
  });
  return context;
}

async function build(): Promise<SyncContext> {
  const cfg = loadConfig(['RULES_BUCKET', 'RULES_KEY', 'SECRET_ID', 'TABLE_PREFIX', 'LOG_LEVEL']);
  const sheetsConfig = loadSheetsConfig();
  const log = createLogger({ level: cfg.LOG_LEVEL, name: process.env.AWS_LAMBDA_FUNCTION_NAME });
  const secrets = await loadSecrets({ client: new SecretsManagerClient({}), secretId: cfg.SECRET_ID });
  const serviceAccount = secrets.google?.serviceAccount;
  if (!serviceAccount) {
    throw new ConfigError([
      `the secret ${cfg.SECRET_ID} has no google.serviceAccount (the key for the sheet)`,
    ]);
  }
  const s3 = new S3Client({
    forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true',
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  const sheet = new GoogleRulesSheet({
    spreadsheetId: sheetsConfig.SPREADSHEET_ID,
    tab: sheetsConfig.RULES_TAB,
    statusCell: sheetsConfig.STATUS_CELL,
    serviceAccount,
    ...(sheetsConfig.GOOGLE_SHEETS_ROOT_URL ? { rootUrl: sheetsConfig.GOOGLE_SHEETS_ROOT_URL } : {}),
    log,
  });
  return {
    deps: { sheet, s3, bucket: cfg.RULES_BUCKET, key: cfg.RULES_KEY, clock: systemClock, log },
    nonces: new DynamoDbNonceStore({
      client: documentClient(new DynamoDBClient({})),
      tableName: tableNames(cfg.TABLE_PREFIX).nonces,
    }),
    secrets: [secrets.ownerSecret],
    wallClock: systemClock,
  };
}
