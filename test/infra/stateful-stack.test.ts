import type { Template } from 'aws-cdk-lib/assertions';
import { Capture, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TTL_ATTRIBUTES, tableDefinitions, tableNames } from '#engine/adapters/dynamodb-tables.js';
import { NAMES, SIZING } from '../../infra/sizing.js';
import { SECRET_PLACEHOLDER } from '../../infra/stateful-stack.js';
import { buildTestApp, resourcesOf, TEST_ACCOUNT, TEST_SETTINGS } from './infra-app.js';

let template: Template;

beforeAll(() => {
  const built = buildTestApp({ bundle: false });
  template = built.template(built.stateful);
});

const definitions = Object.values(tableDefinitions(tableNames('cr-')));

describe('StatefulStack tables', () => {
  it('creates exactly the tables of tableDefinitions(), with their keys and indexes', () => {
    const tables = resourcesOf(template, 'AWS::DynamoDB::Table');

    expect(Object.keys(tables)).toHaveLength(definitions.length);
    for (const definition of definitions) {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: definition.TableName,
        KeySchema: definition.KeySchema,
        AttributeDefinitions: Match.arrayWith(
          (definition.AttributeDefinitions ?? []).map((a) => Match.objectEquals(a)),
        ),
        ...(definition.GlobalSecondaryIndexes
          ? {
              GlobalSecondaryIndexes: definition.GlobalSecondaryIndexes.map((index) =>
                Match.objectLike({
                  IndexName: index.IndexName,
                  KeySchema: index.KeySchema,
                  Projection: index.Projection,
                }),
              ),
            }
          : { GlobalSecondaryIndexes: Match.absent() }),
      });
    }
  });

  it('makes every table on demand, point-in-time recoverable, deletion protected and retained', () => {
    const tables = resourcesOf(template, 'AWS::DynamoDB::Table');

    for (const table of Object.values(tables)) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      });
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
    }
  });

  it('turns on TTL on every table, by the attribute its adapter writes', () => {
    for (const [name, attribute] of Object.entries(TTL_ATTRIBUTES)) {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: `cr-${name}`,
        TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
      });
    }
    expect(Object.keys(TTL_ATTRIBUTES).sort()).toEqual(['audit', 'carts', 'contacts', 'nonces']);
  });

  it('projects only what each index query reads: keys for the carts, no snapshots for the audit', () => {
    const indexes = Object.values(resourcesOf(template, 'AWS::DynamoDB::Table')).flatMap(
      (t) => (t.Properties.GlobalSecondaryIndexes ?? []) as { IndexName: string; Projection: unknown }[],
    );
    const projection = (name: string) => indexes.find((i) => i.IndexName === name)?.Projection;

    expect(projection('open-by-email')).toEqual({ ProjectionType: 'KEYS_ONLY' });
    expect(projection('by-day')).toEqual({ ProjectionType: 'KEYS_ONLY' });
    expect(projection('by-month')).toEqual({
      ProjectionType: 'INCLUDE',
      NonKeyAttributes: ['at', 'action', 'actor', 'cartId', 'emailHash', 'rulesVersion', 'detail'],
    });
    expect(indexes.every((i) => (i.Projection as { ProjectionType: string }).ProjectionType !== 'ALL')).toBe(
      true,
    );
  });
});

describe('StatefulStack rules bucket', () => {
  it('is versioned, encrypted, private and retained (but removed if the first create rolls back)', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }),
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      },
      DeletionPolicy: 'RetainExceptOnCreate',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('refuses requests without TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });
});

describe('StatefulStack queues', () => {
  it('moves a reminder job to the DLQ after five receives', () => {
    const dlq = new Capture();
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { maxReceiveCount: 5, deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
      VisibilityTimeout: SIZING.reminderQueue.visibilityTimeout.toSeconds(),
    });
    expect(resourcesOf(template, 'AWS::SQS::Queue')[dlq.asString()]).toBeDefined();
  });

  it('gives the sender six times its timeout before a job is visible again', () => {
    expect(SIZING.reminderQueue.visibilityTimeout.toSeconds()).toBeGreaterThanOrEqual(
      6 * SIZING.sender.timeout.toSeconds(),
    );
  });

  it('encrypts every queue, refuses plain HTTP to each, and retains them (except after a failed create)', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(4);
    for (const [id, queue] of Object.entries(queues)) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      expect(queue.DeletionPolicy).toBe('RetainExceptOnCreate');
      expect(queue.UpdateReplacePolicy).toBe('Retain');
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });
});

describe('StatefulStack alarms and budget', () => {
  it('lets only the named mail-events rule of this account send to its DLQ', () => {
    const dlq = Object.keys(resourcesOf(template, 'AWS::SQS::Queue')).find((id) =>
      id.startsWith('MailEventsDlq'),
    );
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: dlq }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Condition: {
              ArnEquals: {
                'aws:SourceArn': `arn:aws:events:${TEST_SETTINGS.region}:${TEST_ACCOUNT}:rule/${NAMES.mailEventsRule}`,
              },
            },
          }),
        ]),
      },
    });
  });

  it('lets CloudWatch publish to the alarm topic for these alarms of this account only, over TLS only', () => {
    const alarmIds = Object.keys(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
    const statements = new Capture();
    template.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: statements } });
    const [allow, ...others] = (statements.asArray() as Record<string, unknown>[]).filter(
      (s) => s.Effect === 'Allow',
    );

    expect(others).toEqual([]);
    expect(allow).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Condition: {
        StringEquals: { 'aws:SourceAccount': TEST_ACCOUNT },
        ArnLike: { 'aws:SourceArn': alarmIds.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })) },
      },
    });
    expect(statements.asArray()).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('alarms on a message in any dead-letter queue, to a topic that emails the alert address', () => {
    const topic = new Capture();
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: TEST_SETTINGS.alertEmail,
      TopicArn: { Ref: topic },
    });
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
    const watched = alarms.map((alarm) => {
      expect(alarm.Properties).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: topic.asString() }],
      });
      const dimensions = alarm.Properties.Dimensions as { Value: { 'Fn::GetAtt': string[] } }[];
      return dimensions[0]?.Value['Fn::GetAtt'][0];
    });
    const dlqs = Object.keys(resourcesOf(template, 'AWS::SQS::Queue')).filter((id) => /Dlq/.test(id));
    expect(watched.sort()).toEqual(dlqs.sort());
  });

  it('sets the monthly budget to the configured amount, emailing the alert address', () => {
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: {
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Amount: TEST_SETTINGS.monthlyBudgetUsd, Unit: 'USD' },
      },
      NotificationsWithSubscribers: Match.arrayWith([
        {
          Notification: Match.objectLike({ NotificationType: 'ACTUAL', Threshold: 80 }),
          Subscribers: [{ SubscriptionType: 'EMAIL', Address: TEST_SETTINGS.alertEmail }],
        },
        {
          Notification: Match.objectLike({ NotificationType: 'FORECASTED', Threshold: 100 }),
          Subscribers: [{ SubscriptionType: 'EMAIL', Address: TEST_SETTINGS.alertEmail }],
        },
      ]),
    });
  });
});

describe('StatefulStack secret', () => {
  it('is the one retained JSON secret, with a generated unsubscribe key and placeholders for the rest', () => {
    const secrets = resourcesOf(template, 'AWS::SecretsManager::Secret');
    expect(Object.keys(secrets)).toHaveLength(1);
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: {
        Name: NAMES.secret,
        GenerateSecretString: {
          GenerateStringKey: 'unsubscribeKey',
          SecretStringTemplate: JSON.stringify({
            webhookSecret: SECRET_PLACEHOLDER,
            ownerSecret: SECRET_PLACEHOLDER,
          }),
          PasswordLength: 48,
        },
      },
      DeletionPolicy: 'RetainExceptOnCreate',
    });
    // The engine refuses secrets under 16 characters: a placeholder can never be mistaken for a value.
    expect(SECRET_PLACEHOLDER.length).toBeLessThan(16);
  });
});
