/**
 * Everything that holds data or money: the tables, the rules bucket, the queues, the secret, the alarm
 * topic and the budget. All of it is retained when the stack goes away; the engine stack (functions,
 * schedules) can be torn down and rebuilt against it at any time.
 */

import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { CfnBudget } from 'aws-cdk-lib/aws-budgets';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type Attribute, AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  type TableNames,
  TTL_ATTRIBUTES,
  tableDefinitions,
  tableNames,
} from '#engine/adapters/dynamodb-tables.js';
import type { CartRecoveryConfig } from './config.js';
import { acknowledgeRule } from './nag.js';
import { NAMES, SIZING } from './sizing.js';

export type TableName = keyof TableNames;

/** A table and the names of its global secondary indexes (grants name each index, not `index/*`). */
export interface EngineTable {
  table: Table;
  indexNames: string[];
}

/** What the engine stack needs from this one. */
export interface StatefulResources {
  tables: Record<TableName, EngineTable>;
  tablePrefix: string;
  rulesBucket: Bucket;
  reminderQueue: Queue;
  reminderDlq: Queue;
  schedulerDlq: Queue;
  /** Bounce and complaint events the mail-events function could not handle (EventBridge and Lambda park them here). */
  mailEventsDlq: Queue;
  secret: Secret;
  alarmTopic: Topic;
}

/**
 * What happens to a resource without data of its own when the stack goes: kept on an update or a
 * delete, but removed when the stack's first create rolls back, so a retry does not collide with
 * what a failed create left behind (CloudFormation's RetainExceptOnCreate). The tables keep plain
 * Retain: they are deletion-protected, which a rollback cannot undo (docs/DEPLOY.md says how to
 * retry then).
 */
const RETAIN_EXCEPT_ON_CREATE = RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;

export interface StatefulStackProps extends StackProps {
  config: CartRecoveryConfig;
}

/** The placeholder the engine refuses (secrets must be 16+ characters) until a person sets the real value. */
export const SECRET_PLACEHOLDER = 'set-me';

export class StatefulStack extends Stack {
  readonly resources: StatefulResources;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;

    const tables = engineTables(this, config.tablePrefix);

    const rulesBucket = new Bucket(this, 'RulesBucket', {
      versioned: true,
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      removalPolicy: RETAIN_EXCEPT_ON_CREATE,
    });
    acknowledgeRule(
      rulesBucket,
      'AwsSolutions-S1',
      'The bucket holds one small rules doc, read by the engine and written by the owner. Access logs ' +
        'would need a second bucket and cost more than the doc; versioning already keeps every version of ' +
        'it, and the audit log names the version each decision used. Who wrote an object is recorded only ' +
        'by CloudTrail data events (management events cover bucket settings, not object writes); an owner ' +
        'who needs that can add a trail with S3 data events for this bucket.',
    );

    const queueDefaults = {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: RETAIN_EXCEPT_ON_CREATE,
    } as const;
    const reminderDlq = new Queue(this, 'ReminderDlq', {
      ...queueDefaults,
      retentionPeriod: SIZING.reminderQueue.dlqRetention,
    });
    const reminderQueue = new Queue(this, 'ReminderQueue', {
      ...queueDefaults,
      visibilityTimeout: SIZING.reminderQueue.visibilityTimeout,
      retentionPeriod: SIZING.reminderQueue.retention,
      deadLetterQueue: { queue: reminderDlq, maxReceiveCount: SIZING.reminderQueue.maxReceiveCount },
    });
    const schedulerDlq = new Queue(this, 'SchedulerDlq', {
      ...queueDefaults,
      retentionPeriod: SIZING.schedulerDlq.retention,
    });
    acknowledgeRule(
      schedulerDlq,
      'AwsSolutions-SQS3',
      'This queue is itself a dead-letter queue, which cdk-nag cannot see: Scheduler parks wake-ups it ' +
        'could not deliver here (the DeadLetterConfig of schedules the engine creates at run time), and ' +
        'Lambda parks wake-ups the wake handler kept failing (its on-failure destination). A DLQ of a ' +
        'DLQ would only hide them; the alarm below reports them instead.',
    );
    const mailEventsDlq = new Queue(this, 'MailEventsDlq', {
      ...queueDefaults,
      retentionPeriod: SIZING.mailEventsDlq.retention,
    });
    acknowledgeRule(
      mailEventsDlq,
      'AwsSolutions-SQS3',
      'This queue is itself a dead-letter queue: the EventBridge rule parks bounce and complaint events ' +
        'it could not deliver here, and Lambda parks those the mail-events handler kept failing on. The ' +
        'alarm below reports them.',
    );
    // EventBridge writes undeliverable events with its own principal, so the queue must allow it; the
    // rule is named, not referenced, so this stack does not depend on the engine stack.
    mailEventsDlq.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowMailEventsRuleDeadLetters',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [mailEventsDlq.queueArn],
        conditions: {
          ArnEquals: {
            'aws:SourceArn': this.formatArn({
              service: 'events',
              resource: 'rule',
              resourceName: NAMES.mailEventsRule,
            }),
          },
        },
      }),
    );

    const secret = new Secret(this, 'EngineSecret', {
      secretName: NAMES.secret,
      description:
        'Cart Recovery: JSON {webhookSecret, ownerSecret, unsubscribeKey, google?}. Replace every ' +
        `"${SECRET_PLACEHOLDER}" (docs/DEPLOY.md); the engine refuses values under 16 characters.`,
      // Only one key can be generated: the unsubscribe key, which nobody outside needs to know. The two
      // signing secrets are shared with the storefront and the owner's sheet, so a person sets them.
      generateSecretString: {
        secretStringTemplate: JSON.stringify({
          webhookSecret: SECRET_PLACEHOLDER,
          ownerSecret: SECRET_PLACEHOLDER,
        }),
        generateStringKey: 'unsubscribeKey',
        passwordLength: 48,
        excludePunctuation: true,
      },
      removalPolicy: RETAIN_EXCEPT_ON_CREATE,
    });
    acknowledgeRule(
      secret,
      'AwsSolutions-SMG4',
      'The values are HMAC keys shared with systems outside AWS (the storefront, the owner sheet); a ' +
        'rotation Lambda cannot change them there. They are rotated by hand (docs/DEPLOY.md); the ' +
        'unsubscribe key must not rotate, or links in emails already sent would stop working.',
    );

    const alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'Cart Recovery alarms',
      enforceSSL: true,
    });
    alarmTopic.addSubscription(new EmailSubscription(config.alertEmail));

    const alarms = [
      dlqAlarm(this, 'ReminderDlqAlarm', reminderDlq, alarmTopic, 'Reminder jobs failed five times'),
      dlqAlarm(this, 'SchedulerDlqAlarm', schedulerDlq, alarmTopic, 'Wake-ups Scheduler could not deliver'),
      dlqAlarm(this, 'MailEventsDlqAlarm', mailEventsDlq, alarmTopic, 'Bounces or complaints not handled'),
    ];
    // A topic policy replaces SNS's default one, and enforceSSL's policy holds only a Deny: without
    // this Allow, CloudWatch could not publish and no alarm email would ever arrive. Confused-deputy
    // guard: only these alarms, of this account.
    alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: { 'aws:SourceArn': alarms.map((alarm) => alarm.alarmArn) },
        },
      }),
    );

    new CfnBudget(this, 'MonthlyBudget', {
      budget: {
        budgetName: 'cart-recovery-monthly',
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: config.monthlyBudgetUsd, unit: 'USD' },
      },
      notificationsWithSubscribers: [
        budgetAlert('ACTUAL', 80, config.alertEmail),
        budgetAlert('FORECASTED', 100, config.alertEmail),
      ],
    });

    this.resources = {
      tables,
      tablePrefix: config.tablePrefix,
      rulesBucket,
      reminderQueue,
      reminderDlq,
      schedulerDlq,
      mailEventsDlq,
      secret,
      alarmTopic,
    };
  }
}

/**
 * The engine's tables as CDK tables, built from the same `tableDefinitions()` the adapters, the local
 * stack and the tests use: on demand, point-in-time recovery, deletion protection, retained, TTL where
 * `TTL_ATTRIBUTES` names one.
 */
export function engineTables(scope: Construct, prefix: string): Record<TableName, EngineTable> {
  const definitions = tableDefinitions(tableNames(prefix));
  const ttl: Partial<Record<TableName, string>> = TTL_ATTRIBUTES;
  const entries = (Object.keys(definitions) as TableName[]).map((name): [TableName, EngineTable] => {
    const definition = definitions[name];
    const key = (attribute: string | undefined) => toAttribute(definition, attribute);
    const keyOf = (schema: CreateTableCommandInput['KeySchema'], type: 'HASH' | 'RANGE') =>
      schema?.find((k) => k.KeyType === type)?.AttributeName;
    if (definition.BillingMode !== 'PAY_PER_REQUEST') {
      throw new Error(`table ${name}: only on-demand tables are supported, got ${definition.BillingMode}`);
    }
    const partitionKey = key(keyOf(definition.KeySchema, 'HASH'));
    if (!partitionKey) throw new Error(`table ${name} has no partition key`);
    const sortKey = key(keyOf(definition.KeySchema, 'RANGE'));
    const table = new Table(scope, `${pascal(name)}Table`, {
      tableName: String(definition.TableName),
      partitionKey,
      ...(sortKey ? { sortKey } : {}),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(ttl[name] ? { timeToLiveAttribute: ttl[name] } : {}),
    });
    const indexNames: string[] = [];
    for (const index of definition.GlobalSecondaryIndexes ?? []) {
      const indexPartition = key(keyOf(index.KeySchema, 'HASH'));
      if (!index.IndexName || !indexPartition) throw new Error(`table ${name} has an index without a key`);
      const indexSort = key(keyOf(index.KeySchema, 'RANGE'));
      table.addGlobalSecondaryIndex({
        indexName: index.IndexName,
        partitionKey: indexPartition,
        ...(indexSort ? { sortKey: indexSort } : {}),
        ...toProjection(index.Projection),
      });
      indexNames.push(index.IndexName);
    }
    return [name, { table, indexNames }];
  });
  return Object.fromEntries(entries) as Record<TableName, EngineTable>;
}

function toAttribute(definition: CreateTableCommandInput, name: string | undefined): Attribute | undefined {
  if (!name) return undefined;
  const type = definition.AttributeDefinitions?.find((a) => a.AttributeName === name)?.AttributeType;
  switch (type) {
    case 'S':
      return { name, type: AttributeType.STRING };
    case 'N':
      return { name, type: AttributeType.NUMBER };
    case 'B':
      return { name, type: AttributeType.BINARY };
    default:
      throw new Error(`table ${definition.TableName}: key attribute ${name} has no type`);
  }
}

function toProjection(projection: { ProjectionType?: string; NonKeyAttributes?: string[] } | undefined): {
  projectionType: ProjectionType;
  nonKeyAttributes?: string[];
} {
  switch (projection?.ProjectionType ?? 'ALL') {
    case 'ALL':
      return { projectionType: ProjectionType.ALL };
    case 'KEYS_ONLY':
      return { projectionType: ProjectionType.KEYS_ONLY };
    case 'INCLUDE':
      return { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: projection?.NonKeyAttributes ?? [] };
    default:
      throw new Error(`projection ${projection?.ProjectionType} is not supported`);
  }
}

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function dlqAlarm(scope: Construct, id: string, queue: Queue, topic: Topic, what: string): Alarm {
  const alarm = new Alarm(scope, id, {
    alarmDescription: `${what}: at least one message is waiting in the dead-letter queue. See docs/DEPLOY.md, "When an alarm fires".`,
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: 'Maximum',
    }),
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new SnsAction(topic));
  return alarm;
}

function budgetAlert(
  notificationType: 'ACTUAL' | 'FORECASTED',
  percent: number,
  email: string,
): CfnBudget.NotificationWithSubscribersProperty {
  return {
    notification: {
      notificationType,
      comparisonOperator: 'GREATER_THAN',
      threshold: percent,
      thresholdType: 'PERCENTAGE',
    },
    subscribers: [{ subscriptionType: 'EMAIL', address: email }],
  };
}
