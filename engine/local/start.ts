/**
 * `npm start`: the whole engine on embedded local peers, through the same handler code as Lambda.
 *
 * 1. Start the peers: dynalite, s3rver, aws-ses-v2-local (its page shows every reminder sent), and
 *    local Scheduler, SQS, Bedrock and Secrets Manager servers. Tables, rules, schedules, queued
 *    reminders, sent emails and the business clock live under the data folder, each written before
 *    the call that changed it is answered, so even `kill -9` loses nothing acknowledged.
 * 2. Point the AWS SDK at them with its own AWS_ENDPOINT_URL_<SERVICE> variables; seed tables, the
 *    default rules and local secrets (made on first start).
 * 3. Serve /webhook, /u/… and /owner over HTTP, translated to Function URL events; fire wake-ups into
 *    the wake handler and drain the queue into the sender handler.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { localOwnerJobsBanner, startLocalOwnerJobs } from '../../sheets-sync/local-owner-jobs.js';
import { summaryPrompt } from '../../sheets-sync/summary/summary-text.js';
import { createTables, tableNames } from '../adapters/dynamodb-tables.js';
import { createLogger } from '../adapters/pino-logger.js';
import { DEFAULT_RULES_KEYS, publishRules, readRulesObject } from '../adapters/s3-rules-publisher.js';
import type { Logger } from '../ports.js';
import { REMINDER_VISIBILITY_SECONDS } from '../use-cases/sender-timing.js';
import { defaultReply, type LocalConverseRequest, startLocalBedrock } from './bedrock-server.js';
import { sendFunctionUrlResult, toFunctionUrlEvent } from './function-url-bridge.js';
import { openLocalClock } from './local-clock.js';
import { startDynalite } from './peers/dynalite.js';
import { startS3rver } from './peers/s3rver.js';
import { startSesLocal } from './peers/ses-local.js';
import { startLocalScheduler } from './scheduler-server.js';
import { startLocalSecretsManager } from './secrets-server.js';
import { pollQueue } from './sqs-poller.js';
import { startLocalSqs } from './sqs-server.js';

const RULES_BUCKET = 'cart-recovery-rules';
const SECRET_ID = 'cart-recovery/local';
const QUEUE = 'cr-reminders';
const ACCOUNT = '000000000000';

export interface LocalStackOptions {
  port?: number;
  dataDir?: string;
  speed?: number;
  quiet?: boolean;
  sesPort?: number;
  /**
   * The local Bedrock waits this long (real ms) before answering, so a sender sits between its claim
   * and its send for that long (the crash test kills it there).
   */
  polishDelayMs?: number;
}

export interface LocalStack {
  url: string;
  /** Absolute; the owner's CSV export/import and summary files live here too. */
  dataDir: string;
  mailViewer: string;
  secrets: { webhookSecret: string; ownerSecret: string; unsubscribeKey: string };
  /** Fires due wake-ups now instead of waiting for the next poll (tests). */
  fireDue(): Promise<number>;
  sesStore(): Promise<unknown[]>;
  stop(): Promise<void>;
}

async function localSecrets(dataDir: string): Promise<LocalStack['secrets']> {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as LocalStack['secrets'];
  const make = () => randomBytes(24).toString('base64url');
  const secrets = {
    webhookSecret: `whsec_${make()}`,
    ownerSecret: `owner_${make()}`,
    unsubscribeKey: make(),
  };
  await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

/**
 * Publishes the rules (YAML and the JSON the handlers read) unless the data directory has them:
 * examples/rules.yaml on a first start, or the YAML an older version of `npm start` seeded alone,
 * so rules edited there are kept.
 */
async function seedRules(client: S3Client): Promise<void> {
  if (await readRulesObject(client, RULES_BUCKET, DEFAULT_RULES_KEYS.json)) return;
  const yaml =
    (await readRulesObject(client, RULES_BUCKET, DEFAULT_RULES_KEYS.yaml))?.text ??
    (await readFile(new URL('../../examples/rules.yaml', import.meta.url), 'utf8'));
  await publishRules(client, RULES_BUCKET, yaml);
}

/** Starts the local stack; resolves once every peer and the HTTP server are listening. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dataDir = resolve(options.dataDir ?? '.data');
  await mkdir(join(dataDir, 's3'), { recursive: true });
  await mkdir(join(dataDir, 'dynamodb'), { recursive: true });
  const log = createLogger({ level: options.quiet ? 'silent' : 'info', name: 'local' });
  const secrets = await localSecrets(dataDir);
  const { speed, origin, now } = await openLocalClock(join(dataDir, 'clock.json'), options.speed ?? 1, log);

  const dynalite = await startDynalite({ path: join(dataDir, 'dynamodb') });
  const s3 = await startS3rver({ directory: join(dataDir, 's3'), buckets: [RULES_BUCKET] });
  const ses = await startSesLocal({
    file: join(dataDir, 'ses', 'emails.jsonl'),
    ...(options.sesPort === undefined ? {} : { port: options.sesPort }),
  });
  // On the business clock, with the production visibility timeout: a job whose sender died comes back
  // when its claim counts as lost (sender-timing.ts), not before.
  const sqs = await startLocalSqs({
    queues: [QUEUE],
    accountId: ACCOUNT,
    now,
    visibilityTimeoutMs: REMINDER_VISIBILITY_SECONDS * 1000,
    file: join(dataDir, 'sqs.json'),
  });
  const bedrock = await startLocalBedrock({
    host: '127.0.0.1',
    reply: localModelReply,
    ...(options.polishDelayMs ? { delayMs: options.polishDelayMs } : {}),
    onRequest: () => log.info('local bedrock asked to polish'),
  });
  const secretsServer = await startLocalSecretsManager({
    host: '127.0.0.1',
    secrets: { [SECRET_ID]: JSON.stringify(secrets) },
  });

  const server = createServer();
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 3000, '127.0.0.1', () => done());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    // s3rver checks signatures made with this pair; the other local peers accept any.
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    AWS_ENDPOINT_URL_SESV2: ses.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsServer.endpoint,
    TABLE_PREFIX: 'cr-',
    RULES_BUCKET,
    SECRET_ID,
    WAKE_FUNCTION_ARN: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:cr-wake`,
    SCHEDULER_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/cr-scheduler`,
    REMINDER_QUEUE_URL: sqs.queueUrl(QUEUE),
    SES_CONFIGURATION_SET: 'cart-recovery',
    UNSUBSCRIBE_BASE_URL: `${url}/u`,
    LOG_LEVEL: options.quiet ? 'silent' : 'warn',
    ...(speed > 1
      ? { CART_RECOVERY_CLOCK_SPEED: String(speed), CART_RECOVERY_CLOCK_START: String(origin) }
      : {}),
  });

  // Handlers read their configuration on first use, so they are loaded after the environment is set.
  const [webhook, wake, sender, unsubscribe, owner, sweep] = await Promise.all([
    import('../handlers/webhook.handler.js'),
    import('../handlers/wake.handler.js'),
    import('../handlers/sender.handler.js'),
    import('../handlers/unsubscribe.handler.js'),
    import('../handlers/owner-action.handler.js'),
    import('../handlers/sweep.handler.js'),
  ]);

  const scheduler = await startLocalScheduler({
    file: join(dataDir, 'schedules.json'),
    now,
    onFire: async (schedule) => {
      await wake.handler(JSON.parse(schedule.input));
    },
  });
  process.env.AWS_ENDPOINT_URL_SCHEDULER = scheduler.endpoint;
  // --polish-delay-ms stands for a slow model on every start: each process asks it afresh, which is
  // what lets a crash test stop a sender between its claim and its send.
  if (options.polishDelayMs) process.env.POLISH_DURABLE_CACHE = 'off';

  await createTables(dynalite.client, tableNames('cr-'));
  await seedRules(s3.client);

  // The owner's nightly export and monthly summary, as files under dataDir (no Google credentials locally).
  const ownerJobs = startLocalOwnerJobs({ dataDir }, log);

  const routes: [RegExp, (e: Parameters<typeof webhook.handler>[0]) => ReturnType<typeof webhook.handler>][] =
    [
      [/^\/webhook\/?$/, webhook.handler],
      [/^\/owner\/?$/, owner.handler],
      [/^\/u\//, unsubscribe.handler],
      // The reminder links' click redirect lives on the unsubscribe Function URL.
      [/^\/r\//, unsubscribe.handler],
    ];
  server.on('request', (request, response) => {
    void (async () => {
      const requestUrl = new URL(request.url ?? '/', url);
      const path = requestUrl.pathname;
      if (await ownerJobs.handle(request, response, requestUrl)) return;
      const route = routes.find(([pattern]) => pattern.test(path));
      if (!route) {
        response.writeHead(path === '/' ? 200 : 404, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(
          path === '/'
            ? index(url, ses.endpoint)
            : 'Not found. Try POST /webhook, POST /owner or GET /u/<token>.\n',
        );
        return;
      }
      const event = await toFunctionUrlEvent(request);
      sendFunctionUrlResult(response, await route[1](event));
    })().catch((error: unknown) => {
      log.error('local request failed', { error: error instanceof Error ? error.message : 'unknown' });
      if (!response.headersSent) response.writeHead(500).end();
    });
  });

  const sweeping = startLocalSweep(sweep.handler, speed, log);

  const abort = new AbortController();
  const sqsClient = new SQSClient({ endpoint: sqs.endpoint });
  const polling = pollQueue({
    client: sqsClient,
    queueUrl: sqs.queueUrl(QUEUE),
    handle: sender.handler,
    signal: abort.signal,
    waitTimeSeconds: 1,
    log,
  });

  return {
    url,
    dataDir,
    mailViewer: ses.endpoint,
    secrets,
    fireDue: () => scheduler.fireDue(),
    sesStore: () => ses.store(),
    async stop() {
      abort.abort();
      await sweeping.stop();
      ownerJobs.stop();
      await polling.catch(() => undefined);
      await new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections?.();
      await scheduler.stop();
      await sqs.stop();
      sqsClient.destroy();
      await bedrock.stop();
      await secretsServer.stop();
      await ses.stop();
      await s3.stop();
      await dynalite.stop();
    },
  };
}

/** Production runs the sweep every 15 minutes (a Scheduler cron); locally, 15 minutes of business time. */
const SWEEP_EVERY_MS = 15 * 60_000;

/**
 * The sweep's local twin: the same handler, once at start (a crash may have left carts stuck for
 * longer than the grace period) and then every 15 minutes of business time, one run at a time.
 */
function startLocalSweep(run: () => Promise<unknown>, speed: number, log: Logger): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const once = () => {
    running = running.then(() =>
      run().then(
        () => undefined,
        (error: unknown) =>
          log.error('local sweep failed', { error: error instanceof Error ? error.name : 'unknown' }),
      ),
    );
  };
  once();
  const timer = setInterval(once, SWEEP_EVERY_MS / speed);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

function index(url: string, mail: string): string {
  return `Cart Recovery, running locally.

  POST ${url}/webhook   cart events (signed with the webhook secret)
  POST ${url}/owner     owner actions (signed with the owner secret)
  GET  ${url}/u/<token> one-click unsubscribe
  Mail viewer:          ${mail}
  POST ${url}/local/nightly  the nightly export/import now (CSV files under the data directory)
  POST ${url}/local/summary  last month's summary now (HTML under the data directory)
`;
}

/**
 * What the local Bedrock answers, standing in for the model: a reworded line for a reminder, and for
 * the monthly summary sentences written as the summary prompt asks (figures only as placeholders), so
 * the local summary shows the model's part as it would read, not the fallback.
 */
function localModelReply(request: LocalConverseRequest): string {
  if (request.system !== summaryPrompt()) return defaultReply(request.line);
  return [
    'In {month}, {store} sent {reminders} reminders about {abandoned} abandoned carts.',
    '{recovered} shoppers came back and bought, for {revenue} in recovered sales.',
    'Quiet hours held back {deferred} reminders until morning, and {unsubscribes} shoppers unsubscribed.',
    'Compared with the shoppers held out, {liftSummary}.',
  ].join(' ');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '3000' },
      speed: { type: 'string', default: '1' },
      data: { type: 'string', default: '.data' },
      'ses-port': { type: 'string', default: '8005' },
      'polish-delay-ms': { type: 'string', default: '0' },
    },
  });
  const speed = Number(values.speed);
  if (!Number.isFinite(speed) || speed < 1)
    throw new Error(`--speed must be a number of at least 1, got "${values.speed}"`);
  const polishDelayMs = Number(values['polish-delay-ms']);
  if (!Number.isInteger(polishDelayMs) || polishDelayMs < 0)
    throw new Error(
      `--polish-delay-ms must be a whole number of at least 0, got "${values['polish-delay-ms']}"`,
    );
  const stack = await startLocalStack({
    port: Number(values.port),
    speed,
    dataDir: values.data,
    sesPort: Number(values['ses-port']),
    polishDelayMs,
  });
  console.log(`
Cart Recovery is running locally${speed > 1 ? ` (clock ${speed}x faster)` : ''}.

  Webhook        POST ${stack.url}/webhook
  Owner actions  POST ${stack.url}/owner
  Unsubscribe    ${stack.url}/u/<token>
  Mail viewer    ${stack.mailViewer}   (every reminder sent shows up here)

  Webhook secret ${stack.secrets.webhookSecret}
  Owner secret   ${stack.secrets.ownerSecret}
  Data           ${resolve(values.data)} (delete it to start afresh)
${localOwnerJobsBanner(stack.url, stack.dataDir)}

Try: npm run demo   (posts a few signed sample carts; reminders arrive within a minute)
Stop: Ctrl-C
`);
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    stack.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(`cart-recovery local stack: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
