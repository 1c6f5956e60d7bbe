import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLERS, type HandlerName } from '../../infra/constructs/engine-function.js';
import { NAMES, SIZING } from '../../infra/sizing.js';
import {
  buildTestApp,
  DEPLOYED_HANDLERS,
  resourcesOf,
  SETTINGS_WITHOUT_GOOGLE,
  TEST_ACCOUNT,
  TEST_SETTINGS,
} from './infra-app.js';

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
  'CLOSED_CART_RETENTION_DAYS',
  'AUDIT_RETENTION_MONTHS',
  'CONTACT_RETENTION_DAYS',
];
const EXTRA_SETTINGS: Record<(typeof HANDLERS)[number], string[]> = {
  webhook: ['SECRET_ID'],
  wake: ['REMINDER_QUEUE_URL'],
  sweep: ['REMINDER_QUEUE_URL'],
  sender: [
    'SECRET_ID',
    'SES_CONFIGURATION_SET',
    'BEDROCK_MODEL_ID',
    'POLISH_TIMEOUT_MS',
    'UNSUBSCRIBE_BASE_URL',
  ],
  unsubscribe: ['SECRET_ID'],
  // The test send queues its reminders for the sender.
  'owner-action': ['SECRET_ID', 'REMINDER_QUEUE_URL'],
  'mail-events': [],
};
/** The Google functions load their own settings (sheets-sync/sync-context.ts), not the engine's base. */
const GOOGLE_BASE = ['SPREADSHEET_ID', 'SECRET_ID', 'TABLE_PREFIX', 'RULES_BUCKET', 'RULES_KEY', 'LOG_LEVEL'];
const SETTINGS: Record<HandlerName, string[]> = {
  ...(Object.fromEntries(HANDLERS.map((h) => [h, [...BASE_SETTINGS, ...EXTRA_SETTINGS[h]]])) as Record<
    (typeof HANDLERS)[number],
    string[]
  >),
  // The sender reads no rules: each reminder job carries the rules it was decided under.
  sender: [...BASE_SETTINGS, ...EXTRA_SETTINGS.sender].filter((k) => !k.startsWith('RULES_')),
  sync: [
    ...GOOGLE_BASE,
    'RULES_YAML_KEY',
    'RULES_TAB',
    'STATUS_CELL',
    'STORE_TIMEZONE',
    'SES_DOMAIN',
    'SENDER_EMAIL',
  ],
  nightly: [...new Set([...BASE_SETTINGS, ...GOOGLE_BASE])],
  summary: [...GOOGLE_BASE, 'SUMMARY_DOCUMENT_ID', 'BEDROCK_MODEL_ID'],
};

describe('EngineStack functions', () => {
  it('runs every handler on Node.js 24, arm64, as an ESM bundle', () => {
    const functions = functionsByName(template);

    expect(Object.keys(functions).sort()).toEqual(
      DEPLOYED_HANDLERS.map((h) => `${NAMES.functionPrefix}${h}`).sort(),
    );
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

    for (const handler of DEPLOYED_HANDLERS) {
      const env = functions[`${NAMES.functionPrefix}${handler}`]?.Properties.Environment.Variables ?? {};
      expect(Object.keys(env).sort(), handler).toEqual([...SETTINGS[handler], 'NODE_OPTIONS'].sort());
      expect(env.NODE_OPTIONS).toBe('--enable-source-maps');
    }
  });

  it('points every function but the sender at the JSON rules doc, and only the rules sync at the YAML one', () => {
    const functions = functionsByName(template);

    for (const handler of DEPLOYED_HANDLERS) {
      const env = functions[`${NAMES.functionPrefix}${handler}`]?.Properties.Environment.Variables ?? {};
      expect({ handler, key: env.RULES_KEY, yamlKey: env.RULES_YAML_KEY }).toEqual({
        handler,
        // The sender reads no rules: each reminder job carries the rules it was decided under.
        key: handler === 'sender' ? undefined : 'rules/current.json',
        yamlKey: handler === 'sync' ? 'rules/current.yaml' : undefined,
      });
    }
  });

  it("gives every handler the wake function's real ARN, built from its name", () => {
    const functions = functionsByName(template);
    const wake = functions[`${NAMES.functionPrefix}wake`];

    expect(wake?.Properties.FunctionName).toBe('cart-recovery-wake');
    for (const handler of HANDLERS) {
      const fn = functions[`${NAMES.functionPrefix}${handler}`];
      expect(fn?.Properties.Environment.Variables.WAKE_FUNCTION_ARN).toBe(
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
    'cart-recovery-sync': SIZING.reservedConcurrency.rulesSync,
  };

  it('opens a Function URL with auth NONE for exactly the webhook, unsubscribe, owner and sync functions', () => {
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

  it('reserves no concurrency by default, so the first deploy works in an account with a quota of 10', () => {
    const functions = Object.values(functionsByName(template));

    expect(functions.every((fn) => fn.Properties.ReservedConcurrentExecutions === undefined)).toBe(true);
  });

  it('caps each public function with a small reserved concurrency once turned on, and no other function', () => {
    const built = buildTestApp({ bundle: false, settings: { ...TEST_SETTINGS, reserveConcurrency: true } });
    for (const [name, fn] of Object.entries(functionsByName(built.template(built.engine)))) {
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

  it('parks a run whose handler keeps failing in the Scheduler DLQ (Scheduler invokes asynchronously)', () => {
    const scheduledByScheduler = ['wake', 'nightly', 'summary'];
    for (const handler of scheduledByScheduler) {
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: functionsByName(template)[`cart-recovery-${handler}`]?.id },
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
    }
    expect(Object.keys(resourcesOf(template, 'AWS::Lambda::EventInvokeConfig'))).toHaveLength(
      scheduledByScheduler.length + 1,
    );
  });

  it('parks bounces and complaints the mail-events function keeps failing on, or EventBridge cannot deliver', () => {
    const mailEvents = functionsByName(template)['cart-recovery-mail-events']?.id;
    const dlq = {
      'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('MailEventsDlq.*Arn') }),
    };
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: mailEvents },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: dlq } },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: NAMES.mailEventsRule,
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [mailEvents, 'Arn'] },
          DeadLetterConfig: { Arn: dlq },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86_400 },
        }),
      ],
    });
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
      MailFromAttributes: Match.absent(),
    });
  });

  it('sets a custom MAIL FROM domain only when cdk.json names one', () => {
    const mailFromDomain = `mail.${TEST_SETTINGS.storeDomain}`;
    const built = buildTestApp({ bundle: false, settings: { ...TEST_SETTINGS, mailFromDomain } });

    built.template(built.engine).hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: TEST_SETTINGS.storeDomain,
      MailFromAttributes: Match.objectLike({ MailFromDomain: mailFromDomain }),
    });
  });

  it('outputs the four URLs, the bucket, the secret, the DKIM records and the next steps', () => {
    const outputs = Object.keys(template.findOutputs('*'));

    expect(outputs).toEqual(
      expect.arrayContaining([
        'WebhookUrl',
        'StoreWebhookUrls',
        'UnsubscribeBaseUrl',
        'OwnerActionUrl',
        'RulesSyncUrl',
        'RulesBucketName',
        'SecretName',
        'SesDkimRecords',
        'NextSteps',
      ]),
    );
  });

  it('tells the developer to connect Google keyless first, a key only if they must', () => {
    const nextSteps = String(template.findOutputs('NextSteps').NextSteps?.Value);

    expect(nextSteps).toContain(
      '6. Connect Google (DEPLOY.md, Connect Google): keyless, its credential configuration in the secret as google.externalAccount (a service account key as google.serviceAccount only if you must); share the sheet and Doc with the service account.',
    );
  });

  it("outputs each store platform's path on the webhook Function URL", () => {
    const value = template.findOutputs('StoreWebhookUrls').StoreWebhookUrls?.Value as {
      'Fn::Join': [string, (string | { 'Fn::GetAtt': [string, string] })[]];
    };
    const parts = value['Fn::Join'][1];
    const shown = parts.map((part) => (typeof part === 'string' ? part : '<url>')).join('');

    expect(shown).toBe(
      'shopify=<url>webhook/shopify woocommerce=<url>webhook/woocommerce stripe=<url>webhook/stripe',
    );
    for (const part of parts.filter((p) => typeof p !== 'string'))
      expect(part).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^WebhookFunctionFunctionUrl/), 'FunctionUrl'],
      });
  });
});

describe('EngineStack Google functions', () => {
  const syncId = () => functionsByName(template)['cart-recovery-sync']?.id ?? '';

  it('gives the rules sync the spreadsheet, tab, status cell, store time zone and sender from cdk.json', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'cart-recovery-sync',
      Handler: 'index.handler',
      Timeout: SIZING.sheets.syncTimeout.toSeconds(),
      Environment: {
        Variables: Match.objectLike({
          SPREADSHEET_ID: TEST_SETTINGS.spreadsheetId,
          RULES_TAB: TEST_SETTINGS.rulesTab,
          STATUS_CELL: TEST_SETTINGS.statusCell,
          STORE_TIMEZONE: TEST_SETTINGS.storeTimezone,
          SES_DOMAIN: TEST_SETTINGS.storeDomain,
          SENDER_EMAIL: TEST_SETTINGS.fromEmail,
          RULES_KEY: 'rules/current.json',
          RULES_YAML_KEY: 'rules/current.yaml',
          SECRET_ID: Match.anyValue(),
        }),
      },
    });
  });

  it('runs the rules sync every 15 minutes from a classic EventBridge rule', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [syncId(), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 600 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [syncId(), 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GoogleRulesSyncSchedule'), 'Arn'] },
    });
  });

  it("outputs the sync's Function URL as RulesSyncUrl (the name the Apps Script set-up quotes)", () => {
    const [urlId] =
      Object.entries(resourcesOf(template, 'AWS::Lambda::Url')).find(
        ([, url]) =>
          (url.Properties.TargetFunctionArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] === syncId(),
      ) ?? [];

    expect(urlId).toBeDefined();
    template.hasOutput('RulesSyncUrl', { Value: { 'Fn::GetAtt': [urlId, 'FunctionUrl'] } });
    template.hasOutput('OwnerActionUrl', {
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OwnerActionFunctionFunctionUrl'), 'FunctionUrl'] },
    });
  });

  it("runs the nightly export at 00:15 and the summary at 00:30 on the 1st, in the store's time zone", () => {
    const functions = functionsByName(template);
    const schedules = resourcesOf(template, 'AWS::Scheduler::Schedule');
    const byName = Object.fromEntries(
      Object.values(schedules).map((r) => [String(r.Properties.Name), r.Properties]),
    );

    expect(Object.keys(byName).sort()).toEqual(['monthly-summary', 'nightly-export']);
    for (const [name, handler, expression] of [
      ['nightly-export', 'nightly', 'cron(15 0 * * ? *)'],
      ['monthly-summary', 'summary', 'cron(30 0 1 * ? *)'],
    ] as const) {
      expect(byName[name]).toMatchObject({
        GroupName: NAMES.sheetsScheduleGroup,
        ScheduleExpression: expression,
        ScheduleExpressionTimezone: TEST_SETTINGS.storeTimezone,
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: { 'Fn::GetAtt': [functions[`cart-recovery-${handler}`]?.id, 'Arn'] },
          RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^GoogleSchedulerRole/), 'Arn'] },
          Input: '{}',
          DeadLetterConfig: {
            Arn: {
              'Fn::GetStackOutput': expect.objectContaining({
                OutputName: expect.stringMatching(/SchedulerDlq.*Arn/),
              }),
            },
          },
        },
      });
    }
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: NAMES.sheetsScheduleGroup });
  });

  it('defaults the store time zone to America/New_York', () => {
    const { storeTimezone: _zone, ...settings } = TEST_SETTINGS;
    const built = buildTestApp({ bundle: false, settings });
    const schedules = Object.values(resourcesOf(built.template(built.engine), 'AWS::Scheduler::Schedule'));

    expect(schedules.map((r) => r.Properties.ScheduleExpressionTimezone)).toEqual([
      'America/New_York',
      'America/New_York',
    ]);
  });

  it('gives the nightly export the engine settings (it ingests carts) and the summary its Doc and model', () => {
    const env = (name: string) => functionsByName(template)[name]?.Properties.Environment.Variables;

    expect(env('cart-recovery-nightly')).toMatchObject({
      SPREADSHEET_ID: TEST_SETTINGS.spreadsheetId,
      SCHEDULER_GROUP: NAMES.scheduleGroup,
    });
    expect(env('cart-recovery-summary')).toMatchObject({
      SPREADSHEET_ID: TEST_SETTINGS.spreadsheetId,
      SUMMARY_DOCUMENT_ID: TEST_SETTINGS.summaryDocumentId,
      BEDROCK_MODEL_ID: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
    });
  });

  it('leaves the summary out, with a note, when cdk.json names no summary document', () => {
    const { summaryDocumentId: _doc, ...settings } = TEST_SETTINGS;
    const built = buildTestApp({ bundle: false, settings });
    const t = built.template(built.engine);

    expect(Object.keys(functionsByName(t))).not.toContain('cart-recovery-summary');
    expect(Object.keys(functionsByName(t))).toContain('cart-recovery-nightly');
    expect(built.engine.notes).toEqual([
      expect.stringMatching(/^cartRecovery\.summaryDocumentId is not set/),
    ]);
  });

  it('leaves the Google functions out, with a note, when cdk.json names no spreadsheet', () => {
    const built = buildTestApp({ bundle: false, settings: SETTINGS_WITHOUT_GOOGLE });
    const t = built.template(built.engine);

    expect(Object.keys(functionsByName(t)).sort()).toEqual(
      HANDLERS.map((h) => `${NAMES.functionPrefix}${h}`).sort(),
    );
    expect(Object.keys(t.findOutputs('*'))).not.toContain('RulesSyncUrl');
    expect(Object.keys(t.findOutputs('*'))).toContain('OwnerActionUrl');
    expect(resourcesOf(t, 'AWS::Scheduler::Schedule')).toEqual({});
    expect(built.engine.notes).toEqual([expect.stringMatching(/^cartRecovery\.spreadsheetId is not set/)]);
    expect(built.engine.google).toBeUndefined();
  });
});
