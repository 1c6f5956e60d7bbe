/**
 * The stateless half: the seven functions, their Function URLs and triggers, the Scheduler group and
 * role, and the SES identity and configuration set. It only references the stateful stack's resources
 * (passed in as props), so it can be destroyed and deployed again without losing data.
 */
import { Annotations, CfnOutput, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import { EventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { FunctionUrlAuthType, InvokeMode } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import {
  ConfigurationSet,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { CartRecoveryConfig } from './config.js';
import {
  bindBedrock,
  bindQueueSend,
  bindRules,
  bindScheduler,
  bindSecret,
  bindSes,
  bindTable,
  type EngineEnvironment,
  EngineFunction,
  engineFunctionArn,
} from './constructs/engine-function.js';
import {
  GoogleFunctions,
  SCHEDULED_SHEETS_HANDLERS,
  type ScheduledSheetsHandler,
} from './constructs/google-functions.js';
import { NAMES, SIZING } from './sizing.js';
import type { StatefulResources } from './stateful-stack.js';

export interface EngineStackProps extends StackProps {
  config: CartRecoveryConfig;
  stateful: StatefulResources;
  /** The scheduled Google functions to create (with a spreadsheet); SCHEDULED_SHEETS_HANDLERS by default. */
  sheetsScheduled?: readonly ScheduledSheetsHandler[];
}

export class EngineStack extends Stack {
  readonly functions: Record<
    'webhook' | 'wake' | 'sender' | 'unsubscribe' | 'ownerAction' | 'mailEvents' | 'sweep',
    EngineFunction
  >;
  readonly schedulerRole: Role;
  /** The Google functions; absent when cdk.json names no spreadsheet. */
  readonly google?: GoogleFunctions;
  /** What was left out and why, for synth to print (also recorded as info annotations). */
  readonly notes: string[] = [];

  constructor(scope: Construct, id: string, props: EngineStackProps) {
    super(scope, id, props);
    const { config, stateful } = props;
    const { tables } = stateful;

    // 1. Scheduler: the group the engine's wake-up schedules live in, and the role they run as.
    const scheduleGroup = new CfnScheduleGroup(this, 'ScheduleGroup', { name: NAMES.scheduleGroup });
    const schedulerRole = new Role(this, 'SchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to fire wake-ups at the wake function',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        // Confused-deputy guard: only schedules of this account's engine group may use the role.
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnEquals: { 'aws:SourceArn': scheduleGroup.attrArn },
        },
      }),
    });
    this.schedulerRole = schedulerRole;

    // 2. Settings every handler loads (engine/handlers/aws-context.ts builds the scheduler for all).
    const common: EngineEnvironment = {
      TABLE_PREFIX: stateful.tablePrefix,
      RULES_BUCKET: stateful.rulesBucket.bucketName,
      RULES_KEY: NAMES.rulesKey,
      SCHEDULER_GROUP: NAMES.scheduleGroup,
      // By name, not by reference: the wake function needs its own ARN, which it cannot reference.
      WAKE_FUNCTION_ARN: engineFunctionArn(this, 'wake'),
      SCHEDULER_ROLE_ARN: schedulerRole.roleArn,
      SCHEDULER_DLQ_ARN: stateful.schedulerDlq.queueArn,
      LOG_LEVEL: config.logLevel,
      CLOSED_CART_RETENTION_DAYS: String(config.closedCartRetentionDays),
      AUDIT_RETENTION_MONTHS: String(config.auditRetentionMonths),
      CONTACT_RETENTION_DAYS: String(config.contactRetentionDays),
    };
    const secretEnv: EngineEnvironment = { SECRET_ID: stateful.secret.secretArn };
    const withoutRules = ({ RULES_BUCKET: _bucket, RULES_KEY: _key, ...rest }: EngineEnvironment) => rest;
    const reserve = (n: number) => (config.reserveConcurrency ? n : undefined);

    // 3. The functions.
    const webhook = new EngineFunction(this, 'Webhook', {
      handler: 'webhook',
      description: 'Storefront cart events (signed POST, public Function URL)',
      environment: { ...common, ...secretEnv },
      reservedConcurrency: reserve(SIZING.reservedConcurrency.webhook),
    });
    const wake = new EngineFunction(this, 'Wake', {
      handler: 'wake',
      description: 'Fired by EventBridge Scheduler: one wake-up of one cart',
      environment: { ...common, REMINDER_QUEUE_URL: stateful.reminderQueue.queueUrl },
      timeout: Duration.seconds(15),
      // Scheduler invokes asynchronously: it counts a wake-up delivered once Lambda accepts it, so a
      // wake-up whose handler keeps failing must be parked by Lambda, in the same DLQ as Scheduler's.
      asyncFailureQueue: stateful.schedulerDlq,
    });
    const sweep = new EngineFunction(this, 'Sweep', {
      handler: 'sweep',
      description:
        'Every 15 minutes: wakes open carts whose wake-up is long overdue (lost schedule, crashed job)',
      environment: { ...common, REMINDER_QUEUE_URL: stateful.reminderQueue.queueUrl },
      timeout: Duration.minutes(2),
    });
    new Rule(this, 'SweepSchedule', {
      description: 'Heals carts nothing will move: runs the sweep every 15 minutes',
      schedule: Schedule.rate(SIZING.sweepEvery),
      // A missed run is made up by the next one.
      targets: [new LambdaFunction(sweep.fn, { retryAttempts: 2, maxEventAge: Duration.minutes(10) })],
    });
    const unsubscribe = new EngineFunction(this, 'Unsubscribe', {
      handler: 'unsubscribe',
      description: 'One-click unsubscribe pages, GET/POST /u/<token> (public Function URL)',
      // It reads the token from its own path and needs only the key: no base URL (its own would be a cycle).
      environment: { ...common, ...secretEnv },
      reservedConcurrency: reserve(SIZING.reservedConcurrency.unsubscribe),
    });
    const ownerAction = new EngineFunction(this, 'OwnerAction', {
      handler: 'owner-action',
      description: "The owner's signed actions from the sheet (public Function URL)",
      environment: { ...common, ...secretEnv },
      reservedConcurrency: reserve(SIZING.reservedConcurrency.ownerAction),
    });
    const mailEvents = new EngineFunction(this, 'MailEvents', {
      handler: 'mail-events',
      description: 'SES bounces and complaints (EventBridge): unsubscribes the address',
      environment: common,
      timeout: Duration.seconds(30),
      // EventBridge invokes asynchronously: a bounce the handler keeps failing on is parked, not
      // dropped (a lost bounce would leave the address subscribed and its carts open).
      asyncFailureQueue: stateful.mailEventsDlq,
    });

    // 4. Public endpoints. Auth NONE: each request is checked by the handler (HMAC signature or a
    //    sealed token); reserved concurrency caps what a flood can cost.
    const urlOf = (fn: EngineFunction) =>
      fn.fn.addFunctionUrl({ authType: FunctionUrlAuthType.NONE, invokeMode: InvokeMode.BUFFERED });
    const webhookUrl = urlOf(webhook);
    const unsubscribeUrl = urlOf(unsubscribe);
    const ownerActionUrl = urlOf(ownerAction);
    // Function URLs end in "/": the handler matches /u/<token>, the sender appends "/<token>".
    const unsubscribeBaseUrl = Fn.join('', [unsubscribeUrl.url, 'u']);

    // 5. SES: the sending identity, and a configuration set that publishes bounces and complaints
    //    to the default event bus (the only bus SES can publish to).
    const configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: NAMES.configurationSet,
      reputationMetrics: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    configurationSet.addEventDestination('ToEventBridge', {
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });
    const identity = new EmailIdentity(this, 'SenderIdentity', {
      identity: Identity.domain(config.storeDomain),
      configurationSet,
      // Optional: SPF then aligns with the From domain (DMARC) instead of passing for amazonses.com.
      ...(config.mailFromDomain ? { mailFromDomain: config.mailFromDomain } : {}),
    });

    const sender = new EngineFunction(this, 'Sender', {
      handler: 'sender',
      description: 'SQS consumer: writes and sends one reminder per job',
      // No RULES_*: each reminder job carries the rules it was decided under.
      environment: {
        ...withoutRules(common),
        ...secretEnv,
        SES_CONFIGURATION_SET: configurationSet.configurationSetName,
        BEDROCK_MODEL_ID: config.bedrockModelId,
        POLISH_TIMEOUT_MS: '1500',
        UNSUBSCRIBE_BASE_URL: unsubscribeBaseUrl,
      },
      timeout: SIZING.sender.timeout,
    });
    sender.fn.addEventSource(
      new SqsEventSource(stateful.reminderQueue, {
        batchSize: SIZING.sender.batchSize,
        maxConcurrency: SIZING.sender.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    new Rule(this, 'MailEventsRule', {
      ruleName: NAMES.mailEventsRule,
      description: 'SES bounces and complaints of the cart-recovery configuration set',
      eventPattern: {
        source: ['aws.ses'],
        detailType: ['Email Bounced', 'Email Complaint Received'],
        detail: { mail: { tags: { 'ses:configuration-set': [NAMES.configurationSet] } } },
      },
      targets: [
        new LambdaFunction(mailEvents.fn, {
          ...SIZING.mailEvents,
          // Events EventBridge could not deliver (throttling, a missing permission) are parked too.
          // Imported by ARN: the queue's own policy (stateful stack) already lets this rule, by
          // name, send to it; CDK adding it here would make the stacks depend on each other.
          deadLetterQueue: Queue.fromQueueArn(this, 'MailEventsDlqRef', stateful.mailEventsDlq.queueArn),
        }),
      ],
    });

    // 6. Scheduler role: invoke the wake function, nothing else; park failed wake-ups in the DLQ.
    schedulerRole.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['lambda:InvokeFunction'],
        resources: [wake.fn.functionArn],
      }),
    );
    schedulerRole.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['sqs:SendMessage'],
        resources: [stateful.schedulerDlq.queueArn],
      }),
    );

    // 7. Grants: what each use case reads and writes (engine/use-cases, engine/handlers/aws-context.ts).
    const ses = {
      identityArn: identity.emailIdentityArn,
      configurationSetArn: this.formatArn({
        service: 'ses',
        resource: 'configuration-set',
        resourceName: configurationSet.configurationSetName,
      }),
      sandboxRecipientArns: config.sesSandboxRecipients.map((address) =>
        this.formatArn({ service: 'ses', resource: 'identity', resourceName: address }),
      ),
      fromAddress: config.fromEmail,
    };

    bindTable(webhook, tables.carts, 'readWrite');
    bindTable(webhook, tables.contacts, 'readWrite');
    bindTable(webhook, tables.audit, 'append');
    bindScheduler(webhook, { role: schedulerRole, create: true, delete: true });
    bindRules(webhook, stateful.rulesBucket);
    bindSecret(webhook, stateful.secret);

    bindTable(wake, tables.carts, 'readWrite');
    bindTable(wake, tables.contacts, 'read');
    bindTable(wake, tables.audit, 'append');
    bindScheduler(wake, { role: schedulerRole, create: true, delete: true });
    bindQueueSend(wake, stateful.reminderQueue);
    bindRules(wake, stateful.rulesBucket);

    // The sweep wakes carts exactly as the wake function does, and queues a stopped sender's job again.
    bindTable(sweep, tables.carts, 'readWrite');
    bindTable(sweep, tables.contacts, 'read');
    bindTable(sweep, tables.audit, 'append');
    bindScheduler(sweep, { role: schedulerRole, create: true, delete: true });
    bindQueueSend(sweep, stateful.reminderQueue);
    bindRules(sweep, stateful.rulesBucket);

    bindTable(sender, tables.carts, 'readWrite');
    bindTable(sender, tables.contacts, 'readWrite');
    bindTable(sender, tables.audit, 'append');
    bindScheduler(sender, { role: schedulerRole, create: true });
    bindSecret(sender, stateful.secret);
    bindSes(sender, ses);
    bindBedrock(sender, config.bedrockModelId);
    // The polished lines' durable cache: one item per variant and day in the nonces table.
    bindTable(sender, tables.nonces, 'read');
    bindTable(sender, tables.nonces, 'append');

    bindTable(unsubscribe, tables.carts, 'readWrite');
    bindTable(unsubscribe, tables.contacts, 'readWrite');
    bindTable(unsubscribe, tables.audit, 'append');
    bindScheduler(unsubscribe, { role: schedulerRole, delete: true });
    bindRules(unsubscribe, stateful.rulesBucket);
    bindSecret(unsubscribe, stateful.secret);

    bindTable(ownerAction, tables.carts, 'readWrite');
    bindTable(ownerAction, tables.contacts, 'readWrite');
    bindTable(ownerAction, tables.audit, 'append');
    bindTable(ownerAction, tables.nonces, 'append');
    bindScheduler(ownerAction, { role: schedulerRole, delete: true });
    bindRules(ownerAction, stateful.rulesBucket);
    bindSecret(ownerAction, stateful.secret);
    // "Send me a test reminder" queues its two reminders for the sender, which sends them as any.
    ownerAction.fn.addEnvironment('REMINDER_QUEUE_URL', stateful.reminderQueue.queueUrl);
    bindQueueSend(ownerAction, stateful.reminderQueue);

    bindTable(mailEvents, tables.carts, 'readWrite');
    bindTable(mailEvents, tables.contacts, 'readWrite');
    bindTable(mailEvents, tables.audit, 'append');
    bindScheduler(mailEvents, { role: schedulerRole, delete: true });
    bindRules(mailEvents, stateful.rulesBucket);

    this.functions = { webhook, wake, sender, unsubscribe, ownerAction, mailEvents, sweep };

    // 8. The Google functions, once the owner's spreadsheet is known.
    const { spreadsheetId } = config;
    if (spreadsheetId) {
      const wanted = props.sheetsScheduled ?? SCHEDULED_SHEETS_HANDLERS;
      const scheduled = wanted.filter((h) => h !== 'summary' || config.summaryDocumentId !== undefined);
      if (wanted.includes('summary') && !scheduled.includes('summary')) {
        this.note(
          'cartRecovery.summaryDocumentId is not set, so the monthly summary is not deployed ' +
            '(docs/DEPLOY.md, "Connect Google").',
        );
      }
      this.google = new GoogleFunctions(this, 'Google', {
        config: { ...config, spreadsheetId },
        stateful,
        common,
        engineSchedulerRole: schedulerRole,
        scheduled,
      });
    } else {
      this.note(
        'cartRecovery.spreadsheetId is not set, so the Google functions (rules sync, nightly export, monthly ' +
          'summary) and their schedules are not deployed (docs/DEPLOY.md, "Connect Google").',
      );
    }

    // 9. What the developer needs next.
    new CfnOutput(this, 'WebhookUrl', {
      value: webhookUrl.url,
      description: 'Storefront webhook: POST signed cart events here',
    });
    new CfnOutput(this, 'StoreWebhookUrls', {
      value: Fn.join('', [
        ...['shopify', 'woocommerce', 'stripe'].flatMap((platform, i) => [
          i === 0 ? '' : ' ',
          `${platform}=`,
          webhookUrl.url,
          `webhook/${platform}`,
        ]),
      ]),
      description:
        "Each store platform's own webhooks, verified with its secret (README: Connect your store)",
    });
    new CfnOutput(this, 'UnsubscribeBaseUrl', {
      value: unsubscribeBaseUrl,
      description: 'One-click unsubscribe links: <this>/<token>',
    });
    new CfnOutput(this, 'OwnerActionUrl', {
      value: ownerActionUrl.url,
      description: "The owner sheet's signed actions",
    });
    if (this.google) {
      new CfnOutput(this, 'RulesSyncUrl', {
        value: this.google.syncUrl.url,
        description: 'The owner sheet\'s "Sync rules now" (signed with ownerSecret)',
      });
    }
    new CfnOutput(this, 'RulesBucketName', {
      value: stateful.rulesBucket.bucketName,
      description: `Publish the rules doc here: npx cart-recovery rules publish <rules.yaml> --bucket <bucket> (writes ${NAMES.rulesYamlKey} and ${NAMES.rulesKey})`,
    });
    new CfnOutput(this, 'SecretName', {
      value: stateful.secret.secretName,
      description: 'Set webhookSecret and ownerSecret (JSON) before the first event',
    });
    new CfnOutput(this, 'SesDkimRecords', {
      value: Fn.join(' ', [
        'CNAME',
        identity.dkimDnsTokenName1,
        identity.dkimDnsTokenValue1,
        '; CNAME',
        identity.dkimDnsTokenName2,
        identity.dkimDnsTokenValue2,
        '; CNAME',
        identity.dkimDnsTokenName3,
        identity.dkimDnsTokenValue3,
      ]),
      description: `Publish these three CNAME records in the DNS of ${config.storeDomain} to verify it in SES`,
    });
    new CfnOutput(this, 'NextSteps', {
      value: [
        `1. Publish the SesDkimRecords in DNS (${config.storeDomain}); request SES production access.`,
        `2. Set webhookSecret and ownerSecret in secret "${NAMES.secret}".`,
        '3. Publish the rules doc to the RulesBucketName bucket: npx cart-recovery rules publish <rules.yaml> --bucket <RulesBucketName>.',
        '4. Invoke the Bedrock model once from the console (Anthropic first-use form).',
        '5. Point the storefront webhook at WebhookUrl; confirm the SNS alarm email.',
        this.google
          ? '6. Connect Google (DEPLOY.md, Connect Google): keyless, its credential configuration in the secret as google.externalAccount (a service account key as google.serviceAccount only if you must); share the sheet and Doc with the service account.'
          : "6. Optional: connect the owner's Google sheet (spreadsheetId in cdk.json).",
        'Details: docs/DEPLOY.md',
      ].join(' '),
    });
  }

  /** Records a note: an info annotation (not a warning: `deploy --strict` must not stop on it). */
  private note(message: string): void {
    this.notes.push(message);
    Annotations.of(this).addInfo(`cart-recovery: ${message}`);
  }
}
