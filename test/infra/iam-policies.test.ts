import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, DEPLOYED_HANDLERS, resourcesOf, TEST_ACCOUNT, TEST_SETTINGS } from './infra-app.js';

interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  Principal?: unknown;
}

/** A CloudFormation value as text: references become `<Logical.Attr>`, cross-stack outputs `<Output>`. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  const o = value as Record<string, unknown>;
  if (Array.isArray(o['Fn::Join'])) {
    const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
    return items.map(text).join(delimiter);
  }
  if (typeof o.Ref === 'string') return `<${o.Ref}>`;
  if (Array.isArray(o['Fn::GetAtt'])) return `<${(o['Fn::GetAtt'] as string[]).join('.')}>`;
  if (o['Fn::GetStackOutput']) return `<${(o['Fn::GetStackOutput'] as { OutputName: string }).OutputName}>`;
  return JSON.stringify(value);
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every policy document in a template: identity policies, inline role policies and resource policies. */
function policyDocuments(template: Template): { where: string; statements: Statement[] }[] {
  const docs: { where: string; statements: Statement[] }[] = [];
  const add = (where: string, doc: unknown) =>
    docs.push({ where, statements: list((doc as { Statement?: Statement[] } | undefined)?.Statement) });
  for (const type of [
    'AWS::IAM::Policy',
    'AWS::IAM::ManagedPolicy',
    'AWS::S3::BucketPolicy',
    'AWS::SQS::QueuePolicy',
    'AWS::SNS::TopicPolicy',
  ]) {
    for (const [id, r] of Object.entries(resourcesOf(template, type)))
      add(`${type} ${id}`, r.Properties.PolicyDocument);
  }
  for (const [id, role] of Object.entries(resourcesOf(template, 'AWS::IAM::Role'))) {
    for (const p of list(role.Properties.Policies as { PolicyDocument: unknown }[]))
      add(`Role ${id}`, p.PolicyDocument);
  }
  return docs;
}

let stateful: Template;
let engine: Template;
/** Per function name: its role's Allow statements. */
let grants: Record<string, Statement[]>;

beforeAll(() => {
  const built = buildTestApp({ bundle: false });
  stateful = built.template(built.stateful);
  engine = built.template(built.engine);
  grants = {};
  const policies = resourcesOf(engine, 'AWS::IAM::Policy');
  for (const fn of Object.values(resourcesOf(engine, 'AWS::Lambda::Function'))) {
    const role = (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    const statements = Object.values(policies)
      .filter((p) => list(p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
      .flatMap((p) => list((p.Properties.PolicyDocument as { Statement: Statement[] }).Statement));
    grants[String(fn.Properties.FunctionName).replace('cart-recovery-', '')] = statements;
  }
});

/** "action resource" pairs a function is allowed. */
function allowed(fn: string): string[] {
  return (grants[fn] ?? [])
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => list(s.Action).flatMap((a) => list(s.Resource).map((r) => `${a} ${text(r)}`)));
}

const SCHEDULES = `arn:aws:scheduler:${TEST_SETTINGS.region}:${TEST_ACCOUNT}:schedule/cart-recovery/*`;
const FOUNDATION_MODEL = 'arn:aws:bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0';

describe('IAM policies of both stacks', () => {
  it('allow no action "*" or "service:*" and no resource "*" anywhere', () => {
    const offenders: string[] = [];
    for (const template of [stateful, engine]) {
      for (const { where, statements } of policyDocuments(template)) {
        for (const s of statements.filter((st) => st.Effect === 'Allow')) {
          for (const a of list(s.Action))
            if (a === '*' || a.endsWith(':*')) offenders.push(`${where}: action ${a}`);
          for (const r of list(s.Resource)) if (text(r) === '*') offenders.push(`${where}: resource *`);
        }
      }
    }

    expect(offenders).toEqual([]);
  });

  it('contain no wildcard resource but the two documented ones (acknowledged for cdk-nag)', () => {
    const wildcards = new Set<string>();
    for (const template of [stateful, engine]) {
      for (const { statements } of policyDocuments(template)) {
        for (const s of statements.filter((st) => st.Effect === 'Allow')) {
          for (const r of list(s.Resource).map(text)) if (r.includes('*')) wildcards.add(r);
        }
      }
    }

    expect([...wildcards].sort()).toEqual([FOUNDATION_MODEL, SCHEDULES].sort());
  });

  it('attach no managed policies to any role', () => {
    for (const template of [stateful, engine]) {
      for (const role of Object.values(resourcesOf(template, 'AWS::IAM::Role'))) {
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      }
    }
  });
});

describe('the Scheduler role', () => {
  it('may invoke the wake function and nothing else, and park failures in its DLQ', () => {
    const roles = Object.entries(resourcesOf(engine, 'AWS::IAM::Role')).filter(([, r]) => {
      const trust = JSON.stringify(r.Properties.AssumeRolePolicyDocument);
      return trust.includes('scheduler.amazonaws.com') && trust.includes('["ScheduleGroup","Arn"]');
    });
    expect(roles).toHaveLength(1);
    const [roleId] = roles[0] ?? [''];
    const wakeId = Object.entries(resourcesOf(engine, 'AWS::Lambda::Function')).find(
      ([, f]) => f.Properties.FunctionName === 'cart-recovery-wake',
    )?.[0];
    const statements = Object.values(resourcesOf(engine, 'AWS::IAM::Policy'))
      .filter((p) => list(p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
      .flatMap((p) => list((p.Properties.PolicyDocument as { Statement: Statement[] }).Statement));

    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [wakeId, 'Arn'] } },
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: expect.objectContaining({
          'Fn::GetStackOutput': expect.objectContaining({
            OutputName: expect.stringContaining('SchedulerDlq'),
          }),
        }),
      },
    ]);
  });

  it('can be assumed only by Scheduler, for this account and the engine schedule group', () => {
    engine.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': TEST_ACCOUNT },
              ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['ScheduleGroup', 'Arn'] } },
            },
          },
        ],
      },
    });
  });
});

describe("the Google functions' Scheduler role", () => {
  const roleId = () =>
    Object.entries(resourcesOf(engine, 'AWS::IAM::Role')).find(([id]) =>
      id.startsWith('GoogleSchedulerRole'),
    )?.[0];
  const functionId = (name: string) =>
    Object.entries(resourcesOf(engine, 'AWS::Lambda::Function')).find(
      ([, f]) => f.Properties.FunctionName === name,
    )?.[0];

  it('may only invoke the nightly export and the monthly summary', () => {
    const statements = Object.values(resourcesOf(engine, 'AWS::IAM::Policy'))
      .filter((p) => list(p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId()))
      .flatMap((p) => list((p.Properties.PolicyDocument as { Statement: Statement[] }).Statement));

    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: [
          { 'Fn::GetAtt': [functionId('cart-recovery-nightly'), 'Arn'] },
          { 'Fn::GetAtt': [functionId('cart-recovery-summary'), 'Arn'] },
        ],
      },
      // Scheduler's dead-letter queue for a run it could not deliver.
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: {
          'Fn::GetStackOutput': expect.objectContaining({
            OutputName: expect.stringMatching(/SchedulerDlq.*Arn/),
          }),
        },
      },
    ]);
  });

  it('can be assumed only by Scheduler, for this account and the Google schedule group', () => {
    const role = resourcesOf(engine, 'AWS::IAM::Role')[roleId() ?? ''];

    expect(role?.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': TEST_ACCOUNT },
            ArnEquals: {
              'aws:SourceArn': { 'Fn::GetAtt': [expect.stringMatching(/^GoogleScheduleGroup/), 'Arn'] },
            },
          },
        },
      ],
    });
  });
});

describe('function grants', () => {
  const FUNCTIONS: string[] = [...DEPLOYED_HANDLERS];
  const has = (fn: string) => FUNCTIONS.includes(fn);
  /** The construct path prefix of each function's log group (the Google ones live under `Google`). */
  const logsId = (fn: string) =>
    ({ sync: 'GoogleRulesSync', nightly: 'GoogleNightly', summary: 'GoogleSummary' })[fn] ?? pascal(fn);
  const who = (predicate: (pair: string) => boolean) => FUNCTIONS.filter((f) => allowed(f).some(predicate));

  it('let every function write only its own log group', () => {
    for (const fn of FUNCTIONS) {
      const logs = allowed(fn).filter((p) => p.startsWith('logs:'));
      expect(logs.sort()).toEqual(
        ['logs:CreateLogStream', 'logs:PutLogEvents'].map((a) =>
          expect.stringMatching(new RegExp(`^${a} <${logsId(fn)}Logs[0-9A-F]{8}\\.Arn>$`)),
        ),
      );
    }
  });

  it('send email from the sender only, and call Bedrock from the sender and the monthly summary', () => {
    expect(who((p) => p.startsWith('ses:'))).toEqual(['sender']);
    expect(who((p) => p.startsWith('bedrock:'))).toEqual(['sender', ...(has('summary') ? ['summary'] : [])]);
    expect(allowed('sender').filter((p) => p.startsWith('ses:'))).toEqual([
      `ses:SendEmail arn:aws:ses:${TEST_SETTINGS.region}:${TEST_ACCOUNT}:configuration-set/<${configurationSetId()}>`,
      `ses:SendEmail arn:aws:ses:${TEST_SETTINGS.region}:${TEST_ACCOUNT}:identity/<${identityId()}>`,
    ]);
  });

  it('call the model only through the inference profile', () => {
    const profile = `arn:aws:bedrock:${TEST_SETTINGS.region}:${TEST_ACCOUNT}:inference-profile/global.anthropic.claude-haiku-4-5-20251001-v1:0`;
    const bedrock = (grants.sender ?? []).filter((s) => list(s.Action).includes('bedrock:InvokeModel'));

    expect(bedrock).toEqual([
      { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: profile },
      {
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: FOUNDATION_MODEL,
        Condition: { StringEquals: { 'bedrock:InferenceProfileArn': profile } },
      },
    ]);
  });

  it('create schedules (and pass the Scheduler role) only where a use case schedules a wake-up', () => {
    const nightly = has('nightly') ? ['nightly'] : [];
    expect(who((p) => p.startsWith('scheduler:CreateSchedule'))).toEqual([
      'webhook',
      'wake',
      'sender',
      'sweep',
      ...nightly,
    ]);
    expect(who((p) => p.startsWith('iam:PassRole'))).toEqual([
      'webhook',
      'wake',
      'sender',
      'sweep',
      ...nightly,
    ]);
    expect(who((p) => p.startsWith('scheduler:DeleteSchedule'))).toEqual([
      'webhook',
      'wake',
      'unsubscribe',
      'owner-action',
      'mail-events',
      'sweep',
      ...nightly,
    ]);
    for (const fn of FUNCTIONS) {
      for (const s of (grants[fn] ?? []).filter((st) => list(st.Action).includes('iam:PassRole'))) {
        expect(s).toEqual({
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: { 'Fn::GetAtt': [expect.stringMatching(/^SchedulerRole/), 'Arn'] },
          Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
        });
      }
      for (const p of allowed(fn).filter((x) => x.startsWith('scheduler:')))
        expect(p).toMatch(` ${SCHEDULES}`);
    }
  });

  it('read the secret where a handler verifies or seals something, and nowhere else', () => {
    expect(who((p) => p.startsWith('secretsmanager:GetSecretValue'))).toEqual([
      'webhook',
      'sender',
      'unsubscribe',
      'owner-action',
      // The Google functions read the service account key (google.serviceAccount); the sync also the ownerSecret.
      ...FUNCTIONS.filter((f) => ['sync', 'nightly', 'summary'].includes(f)),
    ]);
    expect(
      FUNCTIONS.flatMap(allowed).filter(
        (p) => p.startsWith('secretsmanager:') && !p.startsWith('secretsmanager:GetSecretValue'),
      ),
    ).toEqual([]);
  });

  it('read the JSON rules doc and nothing else in its bucket; only the rules sync writes it and the YAML', () => {
    // The sender gets its rules in each job and may not read the bucket at all.
    expect(allowed('sender').filter((p) => p.startsWith('s3:'))).toEqual([]);
    for (const fn of FUNCTIONS.filter((f) => f !== 'sync' && f !== 'sender')) {
      expect(allowed(fn).filter((p) => p.startsWith('s3:'))).toEqual([
        expect.stringMatching(/^s3:GetObject <.*RulesBucket.*>\/rules\/current\.json$/),
      ]);
    }
    expect(
      allowed('sync')
        .filter((p) => p.startsWith('s3:'))
        .sort(),
    ).toEqual([
      expect.stringMatching(/^s3:GetObject <.*RulesBucket.*>\/rules\/current\.json$/),
      expect.stringMatching(/^s3:GetObject <.*RulesBucket.*>\/rules\/current\.yaml$/),
      expect.stringMatching(/^s3:PutObject <.*RulesBucket.*>\/rules\/current\.json$/),
      expect.stringMatching(/^s3:PutObject <.*RulesBucket.*>\/rules\/current\.yaml$/),
    ]);
  });

  it("queue reminder jobs from the wake function, the sweep and the owner's test send only, and consume them in the sender only", () => {
    expect(who((p) => p.startsWith('sqs:SendMessage') && p.includes('ReminderQueue'))).toEqual([
      'wake',
      'owner-action',
      'sweep',
    ]);
    // Failed asynchronous invocations of the scheduled functions are parked in the Scheduler DLQ.
    expect(
      who(
        (p) => p.startsWith('sqs:SendMessage') && !p.includes('SchedulerDlq') && !p.includes('MailEventsDlq'),
      ),
    ).toEqual(['wake', 'owner-action', 'sweep']);
    // And failed bounce and complaint events in their own DLQ.
    expect(who((p) => p.startsWith('sqs:SendMessage') && p.includes('MailEventsDlq'))).toEqual([
      'mail-events',
    ]);
    expect(who((p) => p.startsWith('sqs:SendMessage') && p.includes('SchedulerDlq'))).toEqual([
      'wake',
      ...FUNCTIONS.filter((f) => ['nightly', 'summary'].includes(f)),
    ]);
    expect(who((p) => p.startsWith('sqs:ReceiveMessage'))).toEqual(['sender']);
  });

  it('touch the nonces table from the signed owner requests (PutItem only) and the sender (the polish cache)', () => {
    // And the sender, whose polished lines are cached there (a GetItem and a PutItem per variant-day).
    expect(who((p) => p.includes('NoncesTable'))).toEqual(['sender', 'owner-action', 'sync']);
    for (const fn of ['owner-action', 'sync']) {
      expect(allowed(fn).filter((p) => p.includes('NoncesTable'))).toEqual([
        expect.stringMatching(/^dynamodb:PutItem </),
      ]);
    }
  });

  it('give the rules sync exactly the secret, the rules doc, the nonces and its logs', () => {
    expect(
      allowed('sync')
        .map((p) => p.split(' ')[0])
        .sort(),
    ).toEqual(
      [
        'dynamodb:PutItem',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        // rules/current.json and rules/current.yaml
        's3:GetObject',
        's3:GetObject',
        's3:PutObject',
        's3:PutObject',
        'secretsmanager:GetSecretValue',
      ].sort(),
    );
    expect(allowed('sync').filter((p) => p.includes('*'))).toEqual([]);
  });

  it('only read contacts in the wake function, and only append audit lines everywhere', () => {
    expect(
      allowed('wake')
        .filter((p) => p.includes('ContactsTable'))
        .map((p) => p.split(' ')[0]),
    ).toEqual(expect.arrayContaining(['dynamodb:GetItem']));
    expect(allowed('wake').filter((p) => p.includes('ContactsTable') && /Put|Update/.test(p))).toEqual([]);
    for (const fn of FUNCTIONS.filter((f) => !['sync', 'summary'].includes(f))) {
      expect(
        allowed(fn)
          .filter((p) => p.includes('AuditTable'))
          .map((p) => p.split(' ')[0]),
      ).toEqual(['dynamodb:PutItem']);
    }
    expect(allowed('sync').filter((p) => p.includes('AuditTable'))).toEqual([]);
  });

  it('let the monthly summary only read carts (by-day) and audit lines (by-month)', () => {
    const tables = allowed('summary').filter((p) => p.startsWith('dynamodb:'));

    expect(tables.map((p) => p.split(' ')[0]).sort()).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']),
    );
    expect(tables.filter((p) => /Put|Update/.test(p))).toEqual([]);
    expect(tables.filter((p) => p.includes('ContactsTable') || p.includes('NoncesTable'))).toEqual([]);
    expect(tables).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^dynamodb:Query <.*CartsTable.*>\/index\/by-day$/),
        expect.stringMatching(/^dynamodb:Query <.*AuditTable.*>\/index\/by-month$/),
      ]),
    );
  });

  it('never scan, delete or batch-write a table (TTL deletes; BatchGetItem only reads)', () => {
    const risky = FUNCTIONS.flatMap(allowed).filter((p) => /dynamodb:(Scan|DeleteItem|BatchWrite)/.test(p));
    expect(risky).toEqual([]);
  });

  it('send email only from the configured sender address', () => {
    const sender = (grants.sender ?? []).filter((s) => s.Action === 'ses:SendEmail');

    expect(sender).toHaveLength(1);
    expect(sender[0]?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': TEST_SETTINGS.fromEmail } });
  });
});

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
}

function configurationSetId(): string {
  return Object.keys(resourcesOf(engine, 'AWS::SES::ConfigurationSet'))[0] ?? '';
}

function identityId(): string {
  return Object.keys(resourcesOf(engine, 'AWS::SES::EmailIdentity'))[0] ?? '';
}
