import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLERS } from '../../infra/constructs/engine-function.js';
import { NAMES, SIZING } from '../../infra/sizing.js';
import { buildTestApp, resourcesOf, TEST_ACCOUNT, TEST_SETTINGS } from './infra-app.js';

let template: Template;

beforeAll(() => {
  const built = buildTestApp({ bundle: false });
  template = built.template(built.engine);
});

type Fn = { Properties: Record<string, unknown> & { Environment: { Variables: Record<string, unknown> } } };

function functionsByName(t: Template): Record<string, Fn & { id: string }> {
  const out: Record<string, Fn & { id: string }> = {};
  for (const [id, fn] of Object.entries(resourcesOf(t, 'AWS::Lambda::Function'))) {
    out[String(fn.Properties.FunctionName)] = { ...(fn as unknown as Fn), id };
  }
  return out;
}

/** The settings engine/handlers/aws-context.ts loads for every handler (its `base()` ports). */
const BASE_SETTINGS = [
  'TABLE_PREFIX',
  'RULES_BUCKET',
  'RULES_KEY',
  'SCHEDULER_GROUP',
  'WAKE_FUNCTION_ARN',
  'SCHEDULER_ROLE_ARN',
  'SCHEDULER_DLQ_ARN',
  'LOG_LEVEL',
];
const EXTRA_SETTINGS: Record<(typeof HANDLERS)[number], string[]> = {
  webhook: ['SECRET_ID'],
  wake: ['REMINDER_QUEUE_URL'],
  sender: [
    'SECRET_ID',
    'SES_CONFIGURATION_SET',
    'BEDROCK_MODEL_ID',
    'POLISH_TIMEOUT_MS',
    'UNSUBSCRIBE_BASE_URL',
  ],
  unsubscribe: ['SECRET_ID'],
  'owner-action': ['SECRET_ID'],
  'mail-events': [],
};

describe('EngineStack functions', () => {
  it('runs every handler on Node.js 24, arm64, as an ESM bundle', () => {
    const functions = functionsByName(template);

    expect(Object.keys(functions).sort()).toEqual(HANDLERS.map((h) => `${NAMES.functionPrefix}${h}`).sort());
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: SIZING.memoryMb,
      });
    }
  });

  it('logs each function to its own log group, kept 7 days', () => {
    const groups = resourcesOf(template, 'AWS::Logs::LogGroup');

    for (const fn of Object.values(functionsByName(template))) {
      const group = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(groups[group]?.Properties).toEqual({
        LogGroupName: `/aws/lambda/${String(fn.Properties.FunctionName)}`,
        RetentionInDays: 7,
      });
    }
  });

  it('gives each handler every setting its context loads, and only the settings it may use', () => {
    const functions = functionsByName(template);

    for (const handler of HANDLERS) {
      const env = functions[`${NAMES.functionPrefix}${handler}`]?.Properties.Environment.Variables ?? {};
      expect(Object.keys(env).sort()).toEqual(
        [...BASE_SETTINGS, ...EXTRA_SETTINGS[handler], 'NODE_OPTIONS'].sort(),
      );
      expect(env.NODE_OPTIONS).toBe('--enable-source-maps');
    }
  });

  it("gives every handler the wake function's real ARN, built from its name", () => {
    const functions = functionsByName(template);
    const wake = functions[`${NAMES.functionPrefix}wake`];

    expect(wake?.Properties.FunctionName).toBe('cart-recovery-wake');
    for (const fn of Object.values(functions)) {
      expect(fn.Properties.Environment.Variables.WAKE_FUNCTION_ARN).toBe(
        `arn:aws:lambda:${TEST_SETTINGS.region}:${TEST_ACCOUNT}:function:cart-recovery-wake`,
      );
    }
  });

  it("points the sender's unsubscribe links at the unsubscribe Function URL plus 'u'", () => {
    const functions = functionsByName(template);
    const unsubscribe = functions['cart-recovery-unsubscribe'];
    const [urlId] = Object.entries(resourcesOf(template, 'AWS::Lambda::Url')).find(
      ([, url]) =>
        (url.Properties.TargetFunctionArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] === unsubscribe?.id,
    ) ?? [undefined];

    expect(urlId).toBeDefined();
    expect(functions['cart-recovery-sender']?.Properties.Environment.Variables.UNSUBSCRIBE_BASE_URL).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [urlId, 'FunctionUrl'] }, 'u']],
    });
    // Its own URL would be a dependency cycle, and it needs none: it opens tokens from its path.
    expect(unsubscribe?.Properties.Environment.Variables.UNSUBSCRIBE_BASE_URL).toBeUndefined();
  });

  it('hands the configured model and the configuration set to the sender', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'cart-recovery-sender',
      Environment: {
        Variables: Match.objectLike({
          BEDROCK_MODEL_ID: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
          SES_CONFIGURATION_SET: { Ref: Match.stringLikeRegexp('^ConfigurationSet') },
          SCHEDULER_GROUP: NAMES.scheduleGroup,
        }),
      },
    });
  });
});

describe('EngineStack public endpoints', () => {
  const PUBLIC = {
    'cart-recovery-webhook': SIZING.reservedConcurrency.webhook,
    'cart-recovery-unsubscribe': SIZING.reservedConcurrency.unsubscribe,
    'cart-recovery-owner-action': SIZING.reservedConcurrency.ownerAction,
  };

  it('opens a Function URL with auth NONE for exactly the webhook, unsubscribe and owner functions', () => {
    const functions = functionsByName(template);
    const urls = Object.values(resourcesOf(template, 'AWS::Lambda::Url'));
    const targets = urls.map((u) => {
      expect(u.Properties.AuthType).toBe('NONE');
      return (u.Properties.TargetFunctionArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    });

    expect(targets.sort()).toEqual(
      Object.keys(PUBLIC)
        .map((name) => functions[name]?.id)
        .sort(),
    );
  });

  it('caps each public function with a small reserved concurrency, and no other function', () => {
    for (const [name, fn] of Object.entries(functionsByName(template))) {
      const expected = PUBLIC[name as keyof typeof PUBLIC];
      expect(fn.Properties.ReservedConcurrentExecutions).toBe(expected);
      if (expected !== undefined) expect(expected).toBeLessThanOrEqual(10);
    }
  });

  it('lets anyone invoke the public functions only through their URL', () => {
    const functions = functionsByName(template);
    for (const name of Object.keys(PUBLIC)) {
      const arn = { 'Fn::GetAtt': [functions[name]?.id, 'Arn'] };
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunctionUrl',
        FunctionName: arn,
        FunctionUrlAuthType: 'NONE',
        Principal: '*',
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: arn,
        InvokedViaFunctionUrl: true,
        Principal: '*',
      });
    }
  });

  it('reserves nothing when the account cannot yet (reserveConcurrency false)', () => {
    const built = buildTestApp({ bundle: false, settings: { ...TEST_SETTINGS, reserveConcurrency: false } });
    const functions = Object.values(functionsByName(built.template(built.engine)));

    expect(functions.every((fn) => fn.Properties.ReservedConcurrentExecutions === undefined)).toBe(true);
  });
});

describe('EngineStack triggers', () => {
  it('feeds the sender from the reminder queue in small batches with partial batch responses', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionsByName(template)['cart-recovery-sender']?.id },
      BatchSize: SIZING.sender.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: SIZING.sender.maxConcurrency },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'cart-recovery-sender',
      Timeout: SIZING.sender.timeout.toSeconds(),
    });
  });

  it('parks a wake-up whose handler keeps failing in the Scheduler DLQ (Scheduler invokes asynchronously)', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: functionsByName(template)['cart-recovery-wake']?.id },
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: {
          Destination: {
            'Fn::GetStackOutput': Match.objectLike({
              OutputName: Match.stringLikeRegexp('SchedulerDlq.*Arn'),
            }),
          },
        },
      },
    });
    expect(Object.keys(resourcesOf(template, 'AWS::Lambda::EventInvokeConfig'))).toHaveLength(1);
  });

  it('creates the cart-recovery schedule group', () => {
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'cart-recovery' });
  });

  it('publishes SES bounces and complaints to EventBridge and routes them to the mail-events function', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: Match.stringLikeRegexp('^ConfigurationSet') },
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint'],
        EventBridgeDestination: {
          EventBusArn: `arn:aws:events:${TEST_SETTINGS.region}:${TEST_ACCOUNT}:event-bus/default`,
        },
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ses'],
        'detail-type': ['Email Bounced', 'Email Complaint Received'],
        detail: { mail: { tags: { 'ses:configuration-set': [NAMES.configurationSet] } } },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionsByName(template)['cart-recovery-mail-events']?.id, 'Arn'] },
        }),
      ],
    });
  });

  it('verifies the configured store domain in SES with the configuration set as default', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: TEST_SETTINGS.storeDomain,
      ConfigurationSetAttributes: {
        ConfigurationSetName: { Ref: Match.stringLikeRegexp('^ConfigurationSet') },
      },
    });
  });

  it('outputs the three URLs, the bucket, the secret, the DKIM records and the next steps', () => {
    const outputs = Object.keys(template.findOutputs('*'));

    expect(outputs).toEqual(
      expect.arrayContaining([
        'WebhookUrl',
        'UnsubscribeBaseUrl',
        'OwnerActionUrl',
        'RulesBucketName',
        'SecretName',
        'SesDkimRecords',
        'NextSteps',
      ]),
    );
  });
});
