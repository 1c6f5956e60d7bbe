/**
 * `npm start`: the whole engine on embedded local peers, through the same handler code as Lambda.
 *
 * 1. Start the peers: dynalite, s3rver, aws-ses-v2-local (its page shows every reminder sent), and
 *    local Scheduler, SQS, Bedrock, Secrets Manager and Stripe API servers. Tables, rules, schedules, queued
 *    reminders, sent emails and the business clock live under the data folder, each written before
 *    the call that changed it is answered, so even `kill -9` loses nothing acknowledged.
 * 2. Point the AWS SDK at them with its own AWS_ENDPOINT_URL_<SERVICE> variables; seed tables, the
 *    default rules and local secrets (made on first start).
 * 3. Serve /webhook (and each store platform's /webhook/<platform>), /u/… and /owner over HTTP, translated to Function URL events; fire wake-ups into
 *    the wake handler and drain the queue into the sender handler.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { localOwnerJobsBanner, startLocalOwnerJobs } from '../../sheets-sync/local-owner-jobs.js';
import { summaryPrompt } from '../../sheets-sync/summary/summary-text.js';
import { DynamoDbCartStore } from '../adapters/dynamodb-cart-store.js';
import { createTables, tableNames } from '../adapters/dynamodb-tables.js';
import { createLogger } from '../adapters/pino-logger.js';
import { DEFAULT_RULES_KEYS, publishRules, readRulesObject } from '../adapters/s3-rules-publisher.js';
import { CartRecoveryError } from '../domain/errors.js';
import type { Logger } from '../ports.js';
import { REMINDER_VISIBILITY_SECONDS } from '../use-cases/sender-timing.js';
import { defaultReply, type LocalConverseRequest, startLocalBedrock } from './bedrock-server.js';
import { DataFolderInUseError, lockDataFolder } from './data-folder-lock.js';
import { DEMO_DEFAULTS } from './demo-defaults.js';
import { developerRoutes, emailLine, webhookLine } from './developer-routes.js';
import { sendFunctionUrlResult, toFunctionUrlEvent } from './function-url-bridge.js';
import { listen } from './json-http-server.js';
import { openLocalClock } from './local-clock.js';
import { startDynalite } from './peers/dynalite.js';
import { startS3rver } from './peers/s3rver.js';
import { startSesLocal } from './peers/ses-local.js';
import { startLocalScheduler } from './scheduler-server.js';
import { startLocalSecretsManager } from './secrets-server.js';
import { pollQueue } from './sqs-poller.js';
import { startLocalSqs } from './sqs-server.js';
import { type LocalStripe, startLocalStripe } from './stripe-server.js';

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
  /** The local Stripe API's port; 0 or absent: a free one. */
  stripePort?: number;
  /**
   * The local Bedrock waits this long (real ms) before answering, so a sender sits between its claim
   * and its send for that long (the crash test kills it there).
   */
  polishDelayMs?: number;
  /** Told one short line per event the webhook answered and per email sent (no addresses). */
  onActivity?: (line: string) => void;
}

/** A port `npm start` needs is taken; the message names the flag that picks another. */
export class PortInUseError extends CartRecoveryError {
  constructor(
    readonly port: number,
    readonly flag: string,
    options?: { cause?: unknown },
  ) {
    super(`port ${port} is in use: start with ${flag} ${port + 100} (or stop what is using it)`, options);
    this.name = 'PortInUseError';
  }
}

/** Runs `listen`, turning "address in use" into a {@link PortInUseError} naming `flag`. */
async function onPort<T>(port: number, flag: string, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new PortInUseError(port, flag, { cause: error });
    throw error;
  }
}

export interface LocalStack {
  url: string;
  /** The local stand-in for Stripe's API (line items of Checkout Sessions). */
  stripe: LocalStripe;
  /** Absolute; the owner's CSV export/import and summary files live here too. */
  dataDir: string;
  mailViewer: string;
  secrets: LocalSecrets;
  /** Fires due wake-ups now instead of waiting for the next poll (tests). */
  fireDue(): Promise<number>;
  sesStore(): Promise<unknown[]>;
  stop(): Promise<void>;
}

/** The local secret: ours, and one per store platform (made on first start, kept in the data folder). */
export interface LocalSecrets {
  webhookSecret: string;
  ownerSecret: string;
  unsubscribeKey: string;
  shopify: { clientSecret: string };
  woocommerce: { webhookSecret: string };
  stripe: { webhookSecret: string; restrictedKey: string };
}

async function localSecrets(dataDir: string): Promise<LocalSecrets> {
  const file = join(dataDir, 'secrets.json');
  const kept = existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as Partial<LocalSecrets>) : {};
  const make = () => randomBytes(24).toString('base64url');
  const secrets: LocalSecrets = {
    webhookSecret: kept.webhookSecret ?? `whsec_${make()}`,
    ownerSecret: kept.ownerSecret ?? `owner_${make()}`,
    unsubscribeKey: kept.unsubscribeKey ?? make(),
    // A data folder from before the store platforms gets their secrets added, the rest kept.
    ...storefrontSecrets(kept, make),
  };
  if (JSON.stringify(secrets) !== JSON.stringify(kept))
    await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

/** Each platform's local secret, shaped as that platform issues it. */
function storefrontSecrets(
  kept: Partial<LocalSecrets>,
  make: () => string,
): Pick<LocalSecrets, 'shopify' | 'woocommerce' | 'stripe'> {
  return {
    shopify: kept.shopify ?? { clientSecret: `shpss_${make()}` },
    woocommerce: kept.woocommerce ?? { webhookSecret: make() },
    stripe: kept.stripe ?? { webhookSecret: `whsec_${make()}`, restrictedKey: `rk_test_${make()}` },
  };
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

/**
 * Starts the local stack; resolves once every peer and the HTTP server are listening.
 * @throws DataFolderInUseError, before anything starts, if another running stack uses the data folder.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dataDir = resolve(options.dataDir ?? '.data');
  await mkdir(dataDir, { recursive: true });
  const lock = await lockDataFolder(dataDir);
  try {
    const stack = await startOnFolder(dataDir, options);
    return {
      ...stack,
      async stop() {
        await stack.stop();
        await lock.release();
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/** The stack on a data folder this process has locked. */
async function startOnFolder(dataDir: string, options: LocalStackOptions): Promise<LocalStack> {
  await mkdir(join(dataDir, 's3'), { recursive: true });
  await mkdir(join(dataDir, 'dynamodb'), { recursive: true });
  const log = createLogger({ level: options.quiet ? 'silent' : 'info', name: 'local' });
  const secrets = await localSecrets(dataDir);
  const { speed, origin, now } = await openLocalClock(join(dataDir, 'clock.json'), options.speed ?? 1, log);

  // The two ports a person picks come first, so a clash is said before anything else starts.
  const server = createServer();
  const port = options.port ?? 3000;
  await onPort(port, '--port', () => listen(server, '127.0.0.1', port));
  // Until the routes are in place, a request gets an answer rather than a connection left hanging.
  const starting = (_request: unknown, response: ServerResponse) =>
    response.writeHead(503, { 'retry-after': '2' }).end('Starting; try again in a few seconds.\n');
  server.on('request', starting);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const activity = options.onActivity ?? (() => undefined);
  const sesPort = options.sesPort ?? 0;
  const ses = await onPort(sesPort, '--ses-port', () =>
    startSesLocal({
      file: join(dataDir, 'ses', 'emails.jsonl'),
      port: sesPort,
      onEmail: (email) => activity(emailLine(email)),
    }),
  ).catch((error: unknown) => {
    server.close();
    throw error;
  });
  const dynalite = await startDynalite({ path: join(dataDir, 'dynamodb') });
  const s3 = await startS3rver({ directory: join(dataDir, 's3'), buckets: [RULES_BUCKET] });
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
    // The crash test waits for this line to kill a sender between its claim and its send.
    onRequest: () => log.info('local bedrock asked to polish'),
  });
  const stripe = await onPort(options.stripePort ?? 0, '--stripe-port', () =>
    startLocalStripe({
      apiKey: secrets.stripe.restrictedKey,
      ...(options.stripePort === undefined ? {} : { port: options.stripePort }),
    }),
  );
  const secretsServer = await startLocalSecretsManager({
    host: '127.0.0.1',
    secrets: { [SECRET_ID]: JSON.stringify(secrets) },
  });

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
    STRIPE_API_URL: stripe.endpoint,
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
  const developer = developerRoutes({
    publishRules: (yaml) => publishRules(s3.client, RULES_BUCKET, yaml),
    cart: (cartId) =>
      new DynamoDbCartStore({ client: dynalite.doc, tableName: tableNames('cr-').carts }).get(cartId),
  });

  const routes: [RegExp, (e: Parameters<typeof webhook.handler>[0]) => ReturnType<typeof webhook.handler>][] =
    [
      [/^\/webhook\/?$/, webhook.handler],
      [/^\/webhook\/(shopify|woocommerce|stripe)\/?$/, webhook.handler],
      [/^\/owner\/?$/, owner.handler],
      [/^\/u\//, unsubscribe.handler],
      // The reminder links' click redirect lives on the unsubscribe Function URL.
      [/^\/r\//, unsubscribe.handler],
    ];
  server.off('request', starting);
  server.on('request', (request, response) => {
    void (async () => {
      // A request target no URL can be made of ("//", "http://[") is the client's error.
      if (!URL.canParse(request.url ?? '/', url)) {
        response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('Bad request target: send a path such as /webhook.\n');
        return;
      }
      const requestUrl = new URL(request.url ?? '/', url);
      const path = requestUrl.pathname;
      if (await ownerJobs.handle(request, response, requestUrl)) return;
      if (await developer(request, response, requestUrl)) return;
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
      const result = await route[1](event);
      sendFunctionUrlResult(response, result);
      const line =
        route[1] === webhook.handler && typeof result === 'object' ? webhookLine(result) : undefined;
      if (line) activity(line);
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
    stripe,
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
      await stripe.stop();
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
  POST ${url}/webhook/shopify | /webhook/woocommerce | /webhook/stripe   each platform's own webhooks
  POST ${url}/owner     owner actions (signed with the owner secret)
  GET  ${url}/u/<token> one-click unsubscribe
  Mail viewer:          ${mail}
  POST ${url}/local/nightly  the nightly export/import of today so far, or ?night=YYYY-MM-DD (CSV under the data directory)
  POST ${url}/local/summary  the summary of this month so far, or ?month=YYYY-MM (HTML under the data directory)
  POST ${url}/local/rules    a rules doc (YAML) to put in force: npx cart-recovery rules publish FILE --local
  GET  ${url}/local/carts/<id>  a cart as the engine keeps it (status, wake-up, reminders), no address
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

/** Each store platform's path and local secret, in the form the README's "Connect your store" shows. */
export function storefrontBanner(stack: Pick<LocalStack, 'url' | 'secrets' | 'stripe'>): string {
  const { shopify, woocommerce, stripe } = stack.secrets;
  return `
  Shopify        POST ${stack.url}/webhook/shopify
  WooCommerce    POST ${stack.url}/webhook/woocommerce
  Stripe         POST ${stack.url}/webhook/stripe
  Shopify secret ${shopify.clientSecret}
  WooCommerce secret ${woocommerce.webhookSecret}
  Stripe secret ${stripe.webhookSecret}
  Stripe API     ${stack.stripe.endpoint}   (local stand-in; restricted key ${stripe.restrictedKey})`;
}

/** `npm start -- --help`. */
export const START_USAGE = `Usage: npm start [-- OPTIONS]     (the whole engine on local peers; then: npm run demo)

Options:
  --port N             the HTTP server: webhook, owner actions, unsubscribe, /local/* (default 3000)
  --ses-port N         the local SES and its mail viewer (default 8005)
  --stripe-port N      the local stand-in for Stripe's API (default 8006)
  --data DIR           where everything is kept across restarts (default .data; delete it to start afresh)
  --speed X            the engine's clock runs X times faster, at least 1 (default 1)
  --polish-delay-ms N  the local model waits N ms before answering (default 0; the crash test uses it)
  -h, --help           this text

While it runs:
  npx cart-recovery rules publish FILE.yaml --local   put new rules in force (add --url if not on port 3000)
  curl -X POST http://127.0.0.1:3000/local/nightly    today's carts so far as CSV (?night=YYYY-MM-DD)
  curl -X POST http://127.0.0.1:3000/local/summary    this month's summary so far (?month=YYYY-MM)`;

/** Bad flags for `npm start`; the message names the flag. */
export class StartUsageError extends CartRecoveryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartUsageError';
  }
}

function whole(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max)
    throw new StartUsageError(`${flag} must be a whole number from ${min} to ${max}, got "${text}"`);
  return value;
}

/** The options of `npm start`, checked; undefined for --help. */
export function startOptions(argv: string[]): (LocalStackOptions & { dataDir: string }) | undefined {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '3000' },
        speed: { type: 'string', default: '1' },
        data: { type: 'string', default: '.data' },
        'ses-port': { type: 'string', default: '8005' },
        'stripe-port': { type: 'string', default: '8006' },
        'polish-delay-ms': { type: 'string', default: '0' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new StartUsageError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  if (values.help) return undefined;
  const speed = Number(values.speed);
  if (!Number.isFinite(speed) || speed < 1)
    throw new StartUsageError(`--speed must be a number of at least 1, got "${values.speed}"`);
  return {
    port: whole('--port', String(values.port), 0, 65_535),
    sesPort: whole('--ses-port', String(values['ses-port']), 0, 65_535),
    speed,
    dataDir: String(values.data),
    stripePort: whole('--stripe-port', String(values['stripe-port']), 0, 65_535),
    polishDelayMs: whole('--polish-delay-ms', String(values['polish-delay-ms']), 0, 600_000),
  };
}

/**
 * The flags `npm run demo` (and `npm run demo -- --stores`) needs to find a stack started with other
 * ports or data folder than its defaults: each one whose value differs from the demo's default.
 */
export function demoFlags(stack: Pick<LocalStack, 'url' | 'mailViewer' | 'dataDir' | 'stripe'>): string {
  const flags = [
    ['--url', stack.url, DEMO_DEFAULTS.url],
    ['--mail', stack.mailViewer, DEMO_DEFAULTS.mail],
    ['--data', stack.dataDir, resolve(DEMO_DEFAULTS.data)],
    ['--stripe-api', stack.stripe.endpoint, DEMO_DEFAULTS.stripeApi],
  ]
    .filter(([, value, demoDefault]) => value !== demoDefault)
    .map(([flag, value]) => ` ${flag} ${value}`)
    .join('');
  return flags ? ` --${flags}` : '';
}

/** One line on the terminal, with the wall-clock time, for each event answered and email sent. */
function activityLine(line: string): void {
  console.log(`${new Date().toTimeString().slice(0, 8)}  ${line}`);
}

async function main(): Promise<void> {
  const options = startOptions(process.argv.slice(2));
  if (!options) {
    console.log(START_USAGE);
    return;
  }
  const { speed = 1 } = options;
  const stack = await startLocalStack({ ...options, onActivity: activityLine });
  console.log(`
Cart Recovery is running locally${speed > 1 ? ` (clock ${speed}x faster)` : ''}.

  Webhook        POST ${stack.url}/webhook
  Owner actions  POST ${stack.url}/owner
  Unsubscribe    ${stack.url}/u/<token>
  Mail viewer    ${stack.mailViewer}   (every reminder sent shows up here)

  Webhook secret ${stack.secrets.webhookSecret}
  Owner secret   ${stack.secrets.ownerSecret}
${storefrontBanner(stack)}
  Data           ${stack.dataDir} (delete it to start afresh)
${localOwnerJobsBanner(stack.url, stack.dataDir)}

Change the rules:  npx cart-recovery rules publish examples/rules.yaml --local${stack.url === 'http://127.0.0.1:3000' ? '' : ` --url ${stack.url}`}
Try: npm run demo${demoFlags(stack)}   (posts a few signed sample carts; reminders arrive within a minute)
Stop: Ctrl-C

A line below for each event the webhook answers and each email sent:
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
    if (error instanceof StartUsageError) console.error('Run "npm start -- --help" for the options.');
    // Bad flags, a taken port and a data folder in use are the caller's to fix (2); anything else is ours (1).
    const theirs = [StartUsageError, PortInUseError, DataFolderInUseError].some(
      (type) => error instanceof type,
    );
    process.exit(theirs ? 2 : 1);
  });
}
