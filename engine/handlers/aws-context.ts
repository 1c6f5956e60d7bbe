/**
 * Builds each Lambda's ports once per cold start: SDK clients, adapters, configuration and secrets.
 * Every piece is made on first use, so a function only pays for the clients it needs (and esbuild
 * drops the rest from its bundle). Endpoints come from the SDK's own `AWS_ENDPOINT_URL_<SERVICE>`
 * variables, which is how `npm start` points the same code at the local peers.
 */
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { BedrockPolisher } from '../adapters/bedrock-polisher.js';
import { DynamoDbAuditLog } from '../adapters/dynamodb-audit-log.js';
import { DynamoDbCartStore } from '../adapters/dynamodb-cart-store.js';
import { DynamoDbContactStore } from '../adapters/dynamodb-contact-store.js';
import { DynamoDbNonceStore } from '../adapters/dynamodb-nonce-store.js';
import { DynamoDbPolishCache } from '../adapters/dynamodb-polish-cache.js';
import { documentClient, tableNames } from '../adapters/dynamodb-tables.js';
import { createLambdaLogger } from '../adapters/lambda-logger.js';
import { systemClock } from '../adapters/memory/manual-clock.js';
import { S3RulesSource } from '../adapters/s3-rules-source.js';
import { SchedulerWakeScheduler } from '../adapters/scheduler-wake-scheduler.js';
import { loadSecrets, type Secrets } from '../adapters/secrets-manager-config.js';
import { SesMailer } from '../adapters/ses-mailer.js';
import { SqsReminderQueue } from '../adapters/sqs-reminder-queue.js';
import { StripeLineItems } from '../adapters/stripe-line-items.js';
import { createClickTokenSealer } from '../domain/click-token.js';
import { createTokenSealer } from '../domain/unsubscribe-token.js';
import type { CheckoutLineItems, Clock, Logger, NonceStore } from '../ports.js';
import { clickBaseFor, type EngineDeps } from '../use-cases/engine-deps.js';
import type { IngestDeps } from '../use-cases/ingest-cart-event.js';
import type { OwnerActionDeps } from '../use-cases/owner-action.js';
import type { QueueTestDeps } from '../use-cases/queue-test-reminders.js';
import type { UnsubscribeDeps } from '../use-cases/unsubscribe.js';
import { loadConfig } from './config.js';
import type { SignedContext } from './signed-request.js';

/** Each platform's secrets (from the one secret) and, for Stripe, what lists a session's lines. */
export interface StorefrontConnections {
  /** The Shopify app's client secret (or the store's webhook signing key), newest first. */
  shopify?: readonly string[];
  /** The secret set on the store's WooCommerce webhooks; the cart snippet signs with it too. */
  woocommerce?: readonly string[];
  stripe?: { webhookSecrets: readonly string[]; lineItems: CheckoutLineItems };
}

/** What the webhook handler is given: the ingest ports and the storefront's signing secrets. */
export interface WebhookContext extends SignedContext {
  deps: IngestDeps;
  /** Shopify, WooCommerce and Stripe, each with its own secret; a platform without one is refused. */
  storefronts?: StorefrontConnections;
}

/** What the owner-action handler is given: the engine's ports, the owner's secrets and the nonces. */
export interface OwnerActionContext extends SignedContext {
  deps: OwnerActionDeps & QueueTestDeps;
  nonces: NonceStore;
}

/** The unsubscribe function needs only what opens tokens, not the links' base URL. */
export type UnsubscribeContext = UnsubscribeDeps & { links: Pick<EngineDeps['links'], 'tokens' | 'clicks'> };

const once = <T>(make: () => T): (() => T) => {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
};

const log = /* @__PURE__ */ once(
  (): Logger =>
    createLambdaLogger({
      level: loadConfig(['LOG_LEVEL']).LOG_LEVEL,
      name: process.env.AWS_LAMBDA_FUNCTION_NAME,
    }),
);

/**
 * The engine's clock. In Lambda it is the wall clock; `npm start --speed N` sets
 * CART_RECOVERY_CLOCK_SPEED (and _START) to run business time N times faster, locally only.
 */
const clock = /* @__PURE__ */ once((): Clock => {
  const speed = Number(process.env.CART_RECOVERY_CLOCK_SPEED ?? '1');
  if (!Number.isFinite(speed) || speed <= 1) return systemClock;
  const origin = Number(process.env.CART_RECOVERY_CLOCK_START ?? Date.now());
  return { now: () => new Date(origin + (Date.now() - origin) * speed) };
});

const s3 = /* @__PURE__ */ once(
  () =>
    new S3Client({
      forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true',
      requestChecksumCalculation: 'WHEN_REQUIRED',
    }),
);
const dynamo = /* @__PURE__ */ once(() => documentClient(new DynamoDBClient({})));
const tables = /* @__PURE__ */ once(() => tableNames(loadConfig(['TABLE_PREFIX']).TABLE_PREFIX));
const secrets = /* @__PURE__ */ once(() =>
  loadSecrets({ client: new SecretsManagerClient({}), secretId: loadConfig(['SECRET_ID']).SECRET_ID }),
);

const retention = /* @__PURE__ */ once(() =>
  loadConfig(['CLOSED_CART_RETENTION_DAYS', 'AUDIT_RETENTION_MONTHS', 'CONTACT_RETENTION_DAYS']),
);
const carts = /* @__PURE__ */ once(
  () =>
    new DynamoDbCartStore({
      client: dynamo(),
      tableName: tables().carts,
      closedCartDays: retention().CLOSED_CART_RETENTION_DAYS,
    }),
);
const contacts = /* @__PURE__ */ once(
  () =>
    new DynamoDbContactStore({
      client: dynamo(),
      tableName: tables().contacts,
      contactDays: retention().CONTACT_RETENTION_DAYS,
      clock: clock(),
    }),
);
const audit = /* @__PURE__ */ once(
  () =>
    new DynamoDbAuditLog({
      client: dynamo(),
      tableName: tables().audit,
      auditMonths: retention().AUDIT_RETENTION_MONTHS,
    }),
);
const rules = /* @__PURE__ */ once(() => {
  const cfg = loadConfig(['RULES_BUCKET', 'RULES_KEY']);
  return new S3RulesSource({
    client: s3(),
    bucket: cfg.RULES_BUCKET,
    key: cfg.RULES_KEY,
    log: log(),
    clock: () => clock().now(),
  });
});
const scheduler = /* @__PURE__ */ once(() => {
  const cfg = loadConfig(['SCHEDULER_GROUP', 'WAKE_FUNCTION_ARN', 'SCHEDULER_ROLE_ARN', 'SCHEDULER_DLQ_ARN']);
  return new SchedulerWakeScheduler({
    client: new SchedulerClient({}),
    groupName: cfg.SCHEDULER_GROUP,
    targetArn: cfg.WAKE_FUNCTION_ARN,
    roleArn: cfg.SCHEDULER_ROLE_ARN,
    ...(cfg.SCHEDULER_DLQ_ARN ? { deadLetterArn: cfg.SCHEDULER_DLQ_ARN } : {}),
    clock: clock(),
  });
});

type Core = Pick<EngineDeps, 'carts' | 'contacts' | 'scheduler' | 'audit' | 'clock' | 'log'>;
const core = (): Core => ({
  carts: carts(),
  contacts: contacts(),
  scheduler: scheduler(),
  audit: audit(),
  clock: clock(),
  log: log(),
});
type Base = Core & Pick<EngineDeps, 'rules'>;
const base = (): Base => ({ ...core(), rules: rules() });

const links = /* @__PURE__ */ once(async (): Promise<EngineDeps['links']> => {
  const baseUrl = loadConfig(['UNSUBSCRIBE_BASE_URL']).UNSUBSCRIBE_BASE_URL.replace(/\/+$/, '');
  const key = (await secrets()).unsubscribeKey;
  return {
    baseUrl,
    tokens: createTokenSealer(key),
    clickBaseUrl: clickBaseFor(baseUrl),
    clicks: createClickTokenSealer(key),
  };
});

/** Each platform connected in the secret, with Stripe's line items read through a restricted key. */
function storefrontConnections(loaded: Secrets): StorefrontConnections {
  const { shopify, woocommerce, stripe } = loaded;
  return {
    ...(shopify ? { shopify: [shopify.clientSecret] } : {}),
    ...(woocommerce ? { woocommerce: [woocommerce.webhookSecret] } : {}),
    ...(stripe
      ? {
          stripe: {
            webhookSecrets: [stripe.webhookSecret],
            lineItems: new StripeLineItems({
              restrictedKey: stripe.restrictedKey,
              ...optionalApiUrl(loadConfig(['STRIPE_API_URL']).STRIPE_API_URL),
            }),
          },
        }
      : {}),
  };
}

const optionalApiUrl = (apiUrl: string | undefined) => (apiUrl ? { apiUrl } : {});

export const webhookContext = /* @__PURE__ */ once(async (): Promise<WebhookContext> => {
  const loaded = await secrets();
  return {
    deps: base(),
    secrets: [loaded.webhookSecret],
    storefronts: storefrontConnections(loaded),
    wallClock: systemClock,
  };
});

const reminderQueue = /* @__PURE__ */ once(
  () =>
    new SqsReminderQueue({
      client: new SQSClient({}),
      queueUrl: loadConfig(['REMINDER_QUEUE_URL']).REMINDER_QUEUE_URL,
    }),
);

export const wakeContext = /* @__PURE__ */ once(async () => ({ ...base(), queue: reminderQueue() }));

const senderConfig = /* @__PURE__ */ once(() =>
  loadConfig(['SES_CONFIGURATION_SET', 'BEDROCK_MODEL_ID', 'POLISH_TIMEOUT_MS', 'POLISH_DURABLE_CACHE']),
);
const mailer = /* @__PURE__ */ once(() => {
  const cfg = senderConfig();
  return new SesMailer({
    client: new SESv2Client({}),
    ...(cfg.SES_CONFIGURATION_SET ? { configurationSetName: cfg.SES_CONFIGURATION_SET } : {}),
  });
});
const polisher = /* @__PURE__ */ once(() => {
  const cfg = senderConfig();
  return new BedrockPolisher({
    client: new BedrockRuntimeClient({}),
    modelId: cfg.BEDROCK_MODEL_ID,
    timeoutMs: cfg.POLISH_TIMEOUT_MS,
    clock: () => clock().now(),
    // One line per variant and day for all senders: cold starts do not ask Bedrock again.
    ...(cfg.POLISH_DURABLE_CACHE === 'on'
      ? { durableCache: new DynamoDbPolishCache({ client: dynamo(), tableName: tables().nonces }) }
      : {}),
  });
});

export const senderContext = /* @__PURE__ */ once(async () => ({
  // No rules source: each job carries the rules it was decided under (ReminderJob), so the
  // sender reads no rules and bundles no S3 client.
  ...core(),
  mailer: mailer(),
  polisher: polisher(),
  links: await links(),
}));

export const unsubscribeContext = /* @__PURE__ */ once(
  async (): Promise<UnsubscribeContext> => ({
    ...base(),
    links: {
      tokens: createTokenSealer((await secrets()).unsubscribeKey),
      clicks: createClickTokenSealer((await secrets()).unsubscribeKey),
    },
  }),
);

export const ownerActionContext = /* @__PURE__ */ once(
  async (): Promise<OwnerActionContext> => ({
    // The test send queues its reminders for the sender, which sends them as it sends any.
    deps: { ...base(), queue: reminderQueue() },
    nonces: new DynamoDbNonceStore({ client: dynamo(), tableName: tables().nonces }),
    secrets: [(await secrets()).ownerSecret],
    wallClock: systemClock,
  }),
);

export const mailEventsContext = /* @__PURE__ */ once(async () => base());
