/**
 * The functions that talk to Google (sheets-sync/): the rules sync ("Sync rules now" Function URL plus
 * an EventBridge rule every 15 minutes) and, when their handlers are part of the build, the nightly
 * export and the monthly summary on EventBridge Scheduler schedules in the store's time zone. The
 * engine stack creates this only when cdk.json names the owner's spreadsheet.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type FunctionUrl, FunctionUrlAuthType, InvokeMode } from 'aws-cdk-lib/aws-lambda';
import { CfnSchedule, CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import type { CartRecoveryConfig } from '../config.js';
import { NAMES, SIZING } from '../sizing.js';
import type { StatefulResources } from '../stateful-stack.js';
import {
  bindBedrock,
  bindRules,
  bindRulesWrite,
  bindScheduler,
  bindSecret,
  bindTable,
  type EngineEnvironment,
  EngineFunction,
  type SheetsHandlerName,
} from './engine-function.js';

/** The Google functions that run on a schedule of their own (the rules sync is always created). */
export type ScheduledSheetsHandler = Exclude<SheetsHandlerName, 'sync'>;

/**
 * The scheduled Google functions the app builds: only those whose handler is part of the code base
 * (sheets-sync/<name>.handler.ts).
 */
export const SCHEDULED_SHEETS_HANDLERS: readonly ScheduledSheetsHandler[] = ['nightly', 'summary'];

export interface GoogleFunctionsProps {
  config: CartRecoveryConfig & { spreadsheetId: string };
  stateful: StatefulResources;
  /** The settings every engine handler loads (the nightly export ingests carts through the engine). */
  common: EngineEnvironment;
  /** The engine's Scheduler role: the nightly export may create wake-ups that run as it. */
  engineSchedulerRole: Role;
  /** Which of the scheduled Google functions to create besides the rules sync. */
  scheduled: readonly ScheduledSheetsHandler[];
}

export class GoogleFunctions extends Construct {
  readonly sync: EngineFunction;
  readonly syncUrl: FunctionUrl;
  readonly nightly?: EngineFunction;
  readonly summary?: EngineFunction;
  /** The role the nightly and summary schedules run as (only when one of them exists). */
  readonly schedulerRole?: Role;

  constructor(scope: Construct, id: string, props: GoogleFunctionsProps) {
    super(scope, id);
    const { config, stateful, common } = props;
    const { tables } = stateful;
    const google: EngineEnvironment = {
      SPREADSHEET_ID: config.spreadsheetId,
      SECRET_ID: stateful.secret.secretArn,
      TABLE_PREFIX: stateful.tablePrefix,
      RULES_BUCKET: stateful.rulesBucket.bucketName,
      RULES_KEY: NAMES.rulesKey,
      LOG_LEVEL: config.logLevel,
    };

    // 1. The rules sync: the owner's "Sync rules now" (signed, like the owner actions) and every 15 minutes.
    this.sync = new EngineFunction(this, 'RulesSync', {
      handler: 'sync',
      description: 'Rules tab of the owner sheet -> rules doc (signed Function URL, and every 15 minutes)',
      environment: {
        ...google,
        RULES_YAML_KEY: NAMES.rulesYamlKey,
        RULES_TAB: config.rulesTab,
        STATUS_CELL: config.statusCell,
        // To note in the status cell a rules time zone that is not the one the schedules run in.
        STORE_TIMEZONE: config.storeTimezone,
        // To refuse a sender address the engine cannot send from: the SES domain, the pinned address.
        SES_DOMAIN: config.storeDomain,
        SENDER_EMAIL: config.fromEmail,
      },
      timeout: SIZING.sheets.syncTimeout,
      reservedConcurrency: config.reserveConcurrency ? SIZING.reservedConcurrency.rulesSync : undefined,
    });
    // Auth NONE: the handler checks the HMAC signature (ownerSecret) and claims the nonce.
    this.syncUrl = this.sync.fn.addFunctionUrl({
      authType: FunctionUrlAuthType.NONE,
      invokeMode: InvokeMode.BUFFERED,
    });
    new Rule(this, 'RulesSyncSchedule', {
      description: 'Syncs the rules tab of the owner sheet every 15 minutes',
      schedule: Schedule.rate(SIZING.sheets.syncEvery),
      // A missed run is made up by the next one; older events are not worth delivering.
      targets: [new LambdaFunction(this.sync.fn, { retryAttempts: 2, maxEventAge: Duration.minutes(10) })],
    });
    bindSecret(this.sync, stateful.secret);
    bindRulesWrite(this.sync, stateful.rulesBucket);
    bindTable(this.sync, tables.nonces, 'append');

    // 2. The nightly export and the monthly summary, at the store's midnight.
    const scheduled: { fn: EngineFunction; name: string; cron: string }[] = [];
    if (props.scheduled.includes('nightly')) {
      const nightly = new EngineFunction(this, 'Nightly', {
        handler: 'nightly',
        description: "Nightly export of the day's carts to the owner sheet (store-local midnight)",
        environment: { ...common, ...google },
        timeout: SIZING.sheets.nightlyTimeout,
        // Scheduler invokes asynchronously: a night whose handler keeps failing is parked in the
        // Scheduler DLQ (and raises its alarm), not only logged.
        asyncFailureQueue: stateful.schedulerDlq,
      });
      bindSecret(nightly, stateful.secret);
      bindRules(nightly, stateful.rulesBucket);
      bindTable(nightly, tables.carts, 'readWrite');
      bindTable(nightly, tables.contacts, 'readWrite');
      bindTable(nightly, tables.audit, 'append');
      bindScheduler(nightly, { role: props.engineSchedulerRole, create: true, delete: true });
      this.nightly = nightly;
      scheduled.push({ fn: nightly, name: 'nightly-export', cron: SIZING.sheets.nightlyCron });
    }
    if (props.scheduled.includes('summary')) {
      const summary = new EngineFunction(this, 'Summary', {
        handler: 'summary',
        description: "Monthly summary of last month's carts and reminders to the owner's Doc (the 1st)",
        environment: {
          ...google,
          SUMMARY_DOCUMENT_ID: config.summaryDocumentId,
          BEDROCK_MODEL_ID: config.bedrockModelId,
        },
        timeout: SIZING.sheets.summaryTimeout,
        asyncFailureQueue: stateful.schedulerDlq,
      });
      bindSecret(summary, stateful.secret);
      bindRules(summary, stateful.rulesBucket);
      bindTable(summary, tables.carts, 'read');
      bindTable(summary, tables.audit, 'read');
      bindBedrock(summary, config.bedrockModelId);
      this.summary = summary;
      scheduled.push({ fn: summary, name: 'monthly-summary', cron: SIZING.sheets.summaryCron });
    }
    if (scheduled.length === 0) return;

    // 3. Their schedules: a group of their own (the engine's group holds one schedule per cart), and
    //    a role that may invoke these functions and nothing else.
    const group = new CfnScheduleGroup(this, 'ScheduleGroup', { name: NAMES.sheetsScheduleGroup });
    const role = new Role(this, 'SchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to run the nightly export and the monthly summary',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnEquals: { 'aws:SourceArn': group.attrArn },
        },
      }),
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['lambda:InvokeFunction'],
        resources: scheduled.map((s) => s.fn.fn.functionArn),
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['sqs:SendMessage'],
        resources: [stateful.schedulerDlq.queueArn],
      }),
    );
    this.schedulerRole = role;
    for (const { fn, name, cron } of scheduled) {
      const schedule = new CfnSchedule(this, `${fn.node.id}Schedule`, {
        name,
        groupName: group.name,
        description: `${fn.functionName} at ${cron} in ${config.storeTimezone}`,
        scheduleExpression: cron,
        scheduleExpressionTimezone: config.storeTimezone,
        flexibleTimeWindow: { mode: 'OFF' },
        state: 'ENABLED',
        target: {
          arn: fn.fn.functionArn,
          roleArn: role.roleArn,
          // `{}`: the night that just ended / last month, in the store's zone (the handlers work it out).
          input: '{}',
          // Lambda's own retries cover a failing handler; these cover a failed delivery only.
          retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
          deadLetterConfig: { arn: stateful.schedulerDlq.queueArn },
        },
      });
      schedule.node.addDependency(group);
    }
  }
}
