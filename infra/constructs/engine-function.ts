/**
 * One Lambda function of the engine with the defaults every handler shares (Node.js 24 on arm64, an
 * ESM bundle built by the project's own esbuild, a 7-day log group, its own role), plus the `bind*`
 * helpers that grant a function exactly the calls its adapters make, on exactly the resources they use.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  ArnFormat,
  AssetHashType,
  DockerImage,
  Duration,
  type ILocalBundling,
  RemovalPolicy,
  Stack,
} from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Config } from '#engine/handlers/config.js';
import { type HandlerName, PROJECT_ROOT } from '../bundling/lambda-build.js';
import { acknowledgeWildcard } from '../nag.js';
import { NAMES, SIZING } from '../sizing.js';

export {
  type EngineHandlerName,
  ESBUILD_TARGET,
  esbuildOptions,
  HANDLERS,
  type HandlerName,
  handlerEntry,
  PROJECT_ROOT,
  REQUIRE_BANNER,
  SDK_EXTERNALS,
  SHEETS_HANDLERS,
  type SheetsHandlerName,
} from '../bundling/lambda-build.js';

/** The runtime; ESBUILD_TARGET (infra/bundling/lambda-build.ts) matches it. */
export const RUNTIME = Runtime.NODEJS_24_X;

/** The file that builds one handler's bundle (run with tsx, in a child process). */
export const LAMBDA_BUILD_SCRIPT = join(PROJECT_ROOT, 'infra/bundling/lambda-build.ts');

/**
 * Builds a handler's asset with the project's esbuild, through its JavaScript API (lambda-build.ts),
 * so the bundle is exactly what bench/bundle-sizes.ts measures. NodejsFunction runs the esbuild
 * command line instead, which cannot take the plugins that let esbuild drop unused SDK code
 * (sdk-plugins.ts). The API's plugins only run asynchronously and CDK bundles synchronously, hence
 * the child process. Local only: there is no Docker engine here, and the bundle needs nothing built
 * for Linux.
 */
export class LambdaBundling implements ILocalBundling {
  constructor(readonly handler: HandlerName) {}

  tryBundle(outputDir: string): boolean {
    execFileSync(process.execPath, ['--import', 'tsx', LAMBDA_BUILD_SCRIPT, this.handler, outputDir], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    return true;
  }
}

/**
 * A handler's code: its bundle, hashed by content (as NodejsFunction does), so an unchanged bundle
 * is not uploaded again.
 */
export function handlerCode(handler: HandlerName): Code {
  return Code.fromAsset(PROJECT_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: local bundling always succeeds or throws.
      image: DockerImage.fromRegistry('local-esbuild-only'),
      local: new LambdaBundling(handler),
    },
  });
}

/** The Google functions' own settings (sheets-sync/sync-context.ts and the nightly/summary contexts). */
export type SheetsSetting =
  | 'SPREADSHEET_ID'
  | 'RULES_TAB'
  | 'STATUS_CELL'
  | 'SUMMARY_DOCUMENT_ID'
  | 'STORE_TIMEZONE'
  | 'SES_DOMAIN'
  | 'SENDER_EMAIL';

/**
 * The handlers' settings, by the names engine/handlers/config.ts (and the Google functions' contexts)
 * read; values are CloudFormation strings.
 */
export type EngineEnvironment = Partial<Record<keyof Config | SheetsSetting, string>>;

export interface EngineFunctionProps {
  handler: HandlerName;
  description: string;
  environment: EngineEnvironment;
  timeout?: Duration;
  /** Caps concurrent executions (public endpoints); leave out for internal triggers. */
  reservedConcurrency?: number;
  /**
   * For asynchronously invoked functions (Scheduler, EventBridge): where an event goes once Lambda's
   * own retries (2) are spent, instead of being dropped.
   */
  asyncFailureQueue?: IQueue;
}

/**
 * One engine handler as a Lambda function named `cart-recovery-<handler>`, logging to
 * `/aws/lambda/cart-recovery-<handler>` (7 days), with a role that starts with nothing but writing
 * to that log group: every other permission comes from a `bind*` helper.
 */
export class EngineFunction extends Construct {
  readonly fn: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly functionName: string;

  constructor(scope: Construct, id: string, props: EngineFunctionProps) {
    super(scope, id);
    this.functionName = engineFunctionName(props.handler);
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${this.functionName}`,
      retention: SIZING.logRetention,
      // Seven days of logs are not worth keeping a name hostage: a rolled-back first deploy would
      // otherwise leave the group behind and the next deploy would fail on the name.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${this.functionName}; every grant comes from a bind* helper`,
    });
    // Instead of the AWSLambdaBasicExecutionRole managed policy (logs:* on "*"): this log group only.
    this.logGroup.grantWrite(this.role);
    this.fn = new LambdaFunction(this, 'Function', {
      functionName: this.functionName,
      description: props.description,
      code: handlerCode(props.handler),
      handler: 'index.handler',
      runtime: RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: SIZING.memoryMb,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      reservedConcurrentExecutions: props.reservedConcurrency,
      ...(props.asyncFailureQueue
        ? {
            onFailure: new SqsDestination(props.asyncFailureQueue),
            retryAttempts: 2,
            maxEventAge: Duration.hours(6),
          }
        : {}),
      environment: {
        ...definedOnly(props.environment),
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
  }
}

/** The physical name of a handler's function. */
export function engineFunctionName(handler: HandlerName): string {
  return `${NAMES.functionPrefix}${handler}`;
}

/**
 * A handler's function ARN built from its fixed name, without referencing the function: the wake
 * function needs its own ARN (it schedules its next wake-up), and a resource cannot reference itself.
 */
export function engineFunctionArn(scope: Construct, handler: HandlerName): string {
  return Stack.of(scope).formatArn({
    service: 'lambda',
    resource: 'function',
    resourceName: engineFunctionName(handler),
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

function definedOnly(env: EngineEnvironment): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

function allow(
  fn: EngineFunction,
  actions: string[],
  resources: string[],
  conditions?: PolicyStatement['conditions'],
) {
  fn.role.addToPrincipalPolicy(
    new PolicyStatement({ effect: Effect.ALLOW, actions, resources, ...(conditions ? { conditions } : {}) }),
  );
}

/**
 * How a function uses a table, by the requests its adapters make (dynamodb-requests.ts):
 * `read` GetItem/BatchGetItem/Query, `append` PutItem only (audit lines, nonces), `readWrite` both plus
 * UpdateItem.
 */
export type TableAccess = 'read' | 'append' | 'readWrite';

const TABLE_ACTIONS: Record<TableAccess, string[]> = {
  // BatchGetItem: the carts indexes hold keys only; the store reads the listed carts in batches.
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  append: ['dynamodb:PutItem'],
  readWrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
  ],
};

/**
 * Grants one of the engine's tables. Readers also get each of its indexes by name (queries use them);
 * writers get the table only.
 * @example bindTable(webhook, tables.carts, 'readWrite')
 */
export function bindTable(
  fn: EngineFunction,
  table: { table: ITable; indexNames: readonly string[] },
  access: TableAccess,
): void {
  const indexes =
    access === 'append' ? [] : table.indexNames.map((i) => `${table.table.tableArn}/index/${i}`);
  allow(fn, TABLE_ACTIONS[access], [table.table.tableArn, ...indexes]);
}

/** Read access to the rules doc the engine reads (the JSON one), and to nothing else in the bucket. */
export function bindRules(fn: EngineFunction, bucket: IBucket, key: string = NAMES.rulesKey): void {
  allow(fn, ['s3:GetObject'], [bucket.arnForObjects(key)]);
}

/**
 * Read and write access to the rules doc's two objects (JSON and YAML) and to nothing else in the
 * bucket: the rules sync reads both and replaces them when the sheet changed (new versions; the
 * bucket keeps the old ones).
 */
export function bindRulesWrite(
  fn: EngineFunction,
  bucket: IBucket,
  keys: { json: string; yaml: string } = { json: NAMES.rulesKey, yaml: NAMES.rulesYamlKey },
): void {
  allow(
    fn,
    ['s3:GetObject', 's3:PutObject'],
    [bucket.arnForObjects(keys.json), bucket.arnForObjects(keys.yaml)],
  );
}

/** Reads the one engine secret. */
export function bindSecret(fn: EngineFunction, secret: ISecret): void {
  allow(fn, ['secretsmanager:GetSecretValue'], [secret.secretArn]);
}

/** Sends reminder jobs to the queue (the wake handler). */
export function bindQueueSend(fn: EngineFunction, queue: IQueue): void {
  allow(fn, ['sqs:SendMessage'], [queue.queueArn]);
}

/** The ARN pattern of every wake-up schedule in the engine's group. */
export function scheduleArnPattern(scope: Construct, group: string = NAMES.scheduleGroup): string {
  return Stack.of(scope).formatArn({
    service: 'scheduler',
    resource: 'schedule',
    resourceName: `${group}/*`,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

/**
 * Lets a function create and/or delete wake-up schedules in the engine's group. Creating one also
 * means passing the Scheduler role (to Scheduler only): that is the one role a function may pass.
 */
export function bindScheduler(
  fn: EngineFunction,
  options: { role: IRole; create?: boolean; delete?: boolean; group?: string },
): void {
  const actions = [
    ...(options.create ? ['scheduler:CreateSchedule'] : []),
    ...(options.delete ? ['scheduler:DeleteSchedule'] : []),
  ];
  if (actions.length === 0) throw new Error('bindScheduler: grant create, delete or both');
  const schedules = scheduleArnPattern(fn, options.group);
  allow(fn, actions, [schedules]);
  acknowledgeWildcard(
    fn,
    schedules,
    "Wake-up schedules are created at run time, one per cart and wake-up, named after the cart id (scheduler-wake-scheduler.ts); the grant is limited to the engine's own schedule group.",
  );
  if (options.create) {
    allow(fn, ['iam:PassRole'], [options.role.roleArn], {
      StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' },
    });
  }
}

/**
 * Sends email through SES from the verified identity with the configuration set (and nothing else),
 * and only from `fromAddress` when given (the `ses:FromAddress` condition): a bug or a tampered rules
 * doc cannot send as another address of the domain.
 */
export function bindSes(
  fn: EngineFunction,
  options: {
    identityArn: string;
    configurationSetArn: string;
    sandboxRecipientArns?: string[];
    fromAddress?: string;
  },
): void {
  // SES authorises a send against the sending identity and the configuration set; in the sandbox it
  // also checks the (verified) recipient identities.
  allow(
    fn,
    ['ses:SendEmail'],
    [options.identityArn, options.configurationSetArn, ...(options.sandboxRecipientArns ?? [])],
    options.fromAddress ? { StringEquals: { 'ses:FromAddress': options.fromAddress } } : undefined,
  );
}

// Cross-Region (system-defined) inference profile ids start with a geography: global., us., eu., ...
const PROFILE_ID = /^(global|us|us-gov|eu|apac|jp|au|ca)\.(.+)$/;

/**
 * What `bedrock:InvokeModel` (which Converse needs) must be allowed on for one model id. For a
 * cross-Region profile: the profile in this Region and account, plus the foundation model in every
 * Region the profile may route to, which for a global profile includes the Region-less ARN
 * (`arn:aws:bedrock:::foundation-model/...`); `*` covers both, and the condition lets the model be
 * reached only through the profile.
 */
export function bedrockStatements(scope: Construct, modelId: string): PolicyStatement[] {
  const stack = Stack.of(scope);
  const profile = PROFILE_ID.exec(modelId);
  if (!profile) {
    return [
      new PolicyStatement({
        actions: ['bedrock:InvokeModel'],
        resources: [`arn:${stack.partition}:bedrock:${stack.region}::foundation-model/${modelId}`],
      }),
    ];
  }
  const profileArn = stack.formatArn({
    service: 'bedrock',
    resource: 'inference-profile',
    resourceName: modelId,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
  return [
    new PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: [profileArn] }),
    new PolicyStatement({
      actions: ['bedrock:InvokeModel'],
      resources: [`arn:${stack.partition}:bedrock:*::foundation-model/${profile[2]}`],
      conditions: { StringEquals: { 'bedrock:InferenceProfileArn': profileArn } },
    }),
  ];
}

/** Lets a function call the polishing model through Bedrock Converse. */
export function bindBedrock(fn: EngineFunction, modelId: string): void {
  for (const statement of bedrockStatements(fn, modelId)) {
    fn.role.addToPrincipalPolicy(statement);
    for (const resource of statement.resources) {
      acknowledgeWildcard(
        fn,
        resource,
        'A cross-Region inference profile routes each request to the foundation model in whichever Region ' +
          'has capacity (for a global profile, any commercial Region, plus the Region-less model ARN), so the ' +
          'model ARN cannot name one Region; the statement only allows it through this profile ' +
          '(bedrock:InferenceProfileArn condition).',
      );
    }
  }
}
