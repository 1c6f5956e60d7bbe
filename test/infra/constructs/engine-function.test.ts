import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Runtime, RuntimeFamily } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  bedrockStatements,
  bindScheduler,
  bindTable,
  EngineFunction,
  ESBUILD_TARGET,
  esbuildOptions,
  REQUIRE_BANNER,
  RUNTIME,
  SDK_EXTERNALS,
  scheduleArnPattern,
} from '../../../infra/constructs/engine-function.js';
import { nagResourceText } from '../../../infra/nag.js';
import { cdkJsonContext } from '../infra-app.js';

/** A stack with cdk.json's feature flags (partition literals among them), without bundling. */
function stack(account?: string): Stack {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  return new Stack(app, 'Test', { env: { region: 'us-west-2', ...(account ? { account } : {}) } });
}

function policyStatements(s: Stack): unknown[] {
  return Object.values(Template.fromStack(s).findResources('AWS::IAM::Policy')).flatMap(
    (p) => (p.Properties.PolicyDocument as { Statement: unknown[] }).Statement,
  );
}

describe('the runtime', () => {
  it('is the newest Node.js runtime aws-cdk-lib knows, and esbuild targets the same Node', () => {
    const node = Object.values(Runtime)
      .filter((r): r is Runtime => r instanceof Runtime && r.family === RuntimeFamily.NODEJS)
      .map((r) => /^nodejs(\d+)\.x$/.exec(r.name)?.[1])
      .filter((v): v is string => v !== undefined)
      .map(Number);

    expect(RUNTIME.name).toBe(`nodejs${Math.max(...node)}.x`);
    expect(ESBUILD_TARGET).toBe(RUNTIME.name.replace(/^nodejs(\d+)\.x$/, 'node$1'));
  });
});

describe('esbuildOptions', () => {
  it('bundles each handler as minified ESM with a source map, the SDK included', () => {
    const bundled = esbuildOptions('webhook', '/tmp/out/index.mjs');

    expect(bundled).toMatchObject({
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: ESBUILD_TARGET,
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      mainFields: ['module', 'main'],
      banner: { js: REQUIRE_BANNER },
      external: [],
    });
    expect(bundled.entryPoints).toEqual([expect.stringMatching(/engine\/handlers\/webhook\.handler\.ts$/)]);
  });

  it('swaps the credential chain and drops unused SDK code only when the SDK is bundled', () => {
    const bundled = esbuildOptions('webhook', '/tmp/out/index.mjs');
    const external = esbuildOptions('webhook', '/tmp/out/index.mjs', { sdk: 'external' });

    expect(bundled.alias).toMatchObject({
      '@aws-sdk/credential-provider-node': expect.stringMatching(/infra\/bundling\/lambda-credentials\.ts$/),
    });
    expect(bundled.plugins?.map((p) => p.name)).toEqual([
      'cart-recovery-lazy-packages',
      'cart-recovery-sdk-size',
      'cart-recovery-bedrock-token',
    ]);
    expect(external.external).toEqual(SDK_EXTERNALS);
    expect(external.alias).not.toHaveProperty('@aws-sdk/credential-provider-node');
    expect(external.plugins?.map((p) => p.name)).toEqual(['cart-recovery-lazy-packages']);
  });
});

describe('EngineFunction', () => {
  it('starts with a role that may only write its own log group', () => {
    const s = stack();
    new EngineFunction(s, 'Fn', {
      handler: 'wake',
      description: 'test',
      environment: { LOG_LEVEL: 'debug' },
    });
    const template = Template.fromStack(s);

    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'cart-recovery-wake',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Environment: { Variables: { LOG_LEVEL: 'debug', NODE_OPTIONS: '--enable-source-maps' } },
    });
    expect(
      Object.values(template.findResources('AWS::IAM::Role'))[0]?.Properties.ManagedPolicyArns,
    ).toBeUndefined();
    expect(policyStatements(s)).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^FnLogs/), 'Arn'] },
      },
    ]);
  });
});

describe('bindTable', () => {
  function withTable(access: 'read' | 'append' | 'readWrite') {
    const s = stack('111122223333');
    const fn = new EngineFunction(s, 'Fn', { handler: 'webhook', description: 'test', environment: {} });
    const table = new Table(s, 'T', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
    bindTable(fn, { table, indexNames: ['by-day', 'open-by-email'] }, access);
    return policyStatements(s)[1];
  }

  it('lets readers query each index by name, never index/*', () => {
    expect(withTable('read')).toEqual({
      Effect: 'Allow',
      Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
      Resource: [
        { 'Fn::GetAtt': [expect.any(String), 'Arn'] },
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.any(String), 'Arn'] }, '/index/by-day']] },
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.any(String), 'Arn'] }, '/index/open-by-email']] },
      ],
    });
  });

  it('lets an appender put items on the table only', () => {
    expect(withTable('append')).toEqual({
      Effect: 'Allow',
      Action: 'dynamodb:PutItem',
      Resource: { 'Fn::GetAtt': [expect.any(String), 'Arn'] },
    });
  });
});

describe('bindScheduler', () => {
  it('refuses to grant nothing', () => {
    const s = stack();
    const fn = new EngineFunction(s, 'Fn', { handler: 'wake', description: 'test', environment: {} });
    const role = new EngineFunction(s, 'Other', { handler: 'sender', description: 'test', environment: {} })
      .role;

    expect(() => bindScheduler(fn, { role })).toThrow(/create, delete or both/);
  });
});

describe('bedrockStatements', () => {
  it('allows a plain model id in this Region only', () => {
    const statements = bedrockStatements(stack('111122223333'), 'anthropic.claude-haiku-4-5-20251001-v1:0');

    expect(statements.map((st) => st.toStatementJson())).toEqual([
      {
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: 'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
      },
    ]);
  });

  it('allows a geographic profile and its model in any Region, only through the profile', () => {
    const s = stack('111122223333');
    const profile =
      'arn:aws:bedrock:us-west-2:111122223333:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0';

    expect(
      bedrockStatements(s, 'us.anthropic.claude-haiku-4-5-20251001-v1:0').map((st) =>
        s.resolve(st.toStatementJson()),
      ),
    ).toEqual([
      { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: profile },
      {
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: 'arn:aws:bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
        Condition: { StringEquals: { 'bedrock:InferenceProfileArn': profile } },
      },
    ]);
  });
});

describe('nagResourceText', () => {
  it('writes an ARN the way cdk-nag names its finding, tokens as <...>', () => {
    const s = stack();

    expect(nagResourceText(s, scheduleArnPattern(s))).toBe(
      'arn:aws:scheduler:us-west-2:<AWS::AccountId>:schedule/cart-recovery/*',
    );
    expect(nagResourceText(stack('111122223333'), scheduleArnPattern(stack('111122223333')))).toBe(
      'arn:aws:scheduler:us-west-2:111122223333:schedule/cart-recovery/*',
    );
  });
});
