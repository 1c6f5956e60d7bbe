import * as z from 'zod';
import { CartRecoveryError } from '../domain/errors.js';

const schema = z.object({
  TABLE_PREFIX: z.string().min(1).default('cr-'),
  RULES_BUCKET: z.string().min(1),
  /** The rules doc the engine reads: JSON (engine/adapters/s3-rules-source.ts). */
  RULES_KEY: z.string().min(1).default('rules/current.json'),
  /** The same rules as YAML, which only the rules sync writes (and compares). */
  RULES_YAML_KEY: z.string().min(1).default('rules/current.yaml'),
  SECRET_ID: z.string().min(1),
  SCHEDULER_GROUP: z.string().min(1).default('cart-recovery'),
  WAKE_FUNCTION_ARN: z.string().min(1),
  SCHEDULER_ROLE_ARN: z.string().min(1),
  SCHEDULER_DLQ_ARN: z.string().min(1).optional(),
  REMINDER_QUEUE_URL: z.string().url(),
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  BEDROCK_MODEL_ID: z.string().min(1).default('global.anthropic.claude-haiku-4-5-20251001-v1:0'),
  POLISH_TIMEOUT_MS: z.coerce.number().int().min(100).max(10_000).default(1500),
  /** `off` keeps polished lines in the sender's memory only: the local stack's slow-model mode. */
  POLISH_DURABLE_CACHE: z.enum(['on', 'off']).default('on'),
  UNSUBSCRIBE_BASE_URL: z.string().url(),
  /** Where Stripe's API is: only the local stack sets it, to its stand-in. */
  STRIPE_API_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Retention windows (engine/domain/retention.ts): the TTLs the DynamoDB stores write. */
  CLOSED_CART_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  AUDIT_RETENTION_MONTHS: z.coerce.number().int().min(1).max(120).default(13),
  CONTACT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
});

export type Config = z.infer<typeof schema>;
type Key = keyof Config;

/** The Lambda environment is missing or has a bad setting; the function cannot start. */
export class ConfigError extends CartRecoveryError {
  constructor(problems: string[]) {
    super(`Configuration is incomplete: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the settings one function needs from its environment, once, and fails fast naming each
 * missing or malformed variable. Settings a function does not list are not required of it.
 */
export function loadConfig<K extends Key>(
  needs: readonly K[],
  env: NodeJS.ProcessEnv = process.env,
): Pick<Config, K> {
  const wanted = new Set<string>(needs);
  const picked = z.object(Object.fromEntries(Object.entries(schema.shape).filter(([k]) => wanted.has(k))));
  const result = picked.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map(
        (i) =>
          `${String(i.path[0])} ${env[String(i.path[0])] === undefined ? 'is not set' : `is invalid: ${i.message}`}`,
      ),
    );
  }
  return result.data as unknown as Pick<Config, K>;
}
