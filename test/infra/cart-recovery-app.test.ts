import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, DEPLOYED_HANDLERS, resourcesOf, type TestApp } from './infra-app.js';

const run = promisify(execFile);

/**
 * A ceiling against gross regressions only (a dependency bundled by mistake); the goal, 500 KB per
 * engine handler, is measured by bench/bundle-sizes.ts. At the last measurement the engine bundles
 * were 590 to 700 KB and the Google functions' 1.1 to 1.2 MB.
 */
const MAX_BUNDLE_BYTES = 1_600_000;
/** Generous for a shared 2-CPU machine; bench/bundle-sizes.ts measures properly. */
const MAX_LOAD_MS = 2_000;

interface Report {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations: { ruleName: string; violatingConstructs?: { constructPath: string }[] }[];
    suppressedViolations?: {
      ruleName: string;
      reason: string;
      violatingConstructs: { constructPath: string }[];
    }[];
  }[];
}

function report(outdir: string): Report {
  return JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as Report;
}

let built: TestApp;

beforeAll(() => {
  built = buildTestApp();
  built.app.synth();
}, 120_000);

describe('cdk-nag AWS Solutions checks', () => {
  it('report no unacknowledged finding', () => {
    const nag = report(built.outdir).pluginReports.find((p) => p.pluginName === 'AwsSolutions');

    expect(
      nag?.violations.map((v) => `${v.ruleName} at ${v.violatingConstructs?.[0]?.constructPath}`),
    ).toEqual([]);
    expect(nag?.conclusion).toBe('success');
  });

  it('acknowledge exactly the documented findings, each with a reason', () => {
    const suppressed =
      report(built.outdir).pluginReports.find((p) => p.pluginName === 'AwsSolutions')?.suppressedViolations ??
      [];
    const found = suppressed.map(
      (s) =>
        `${s.ruleName.replace(/\[Resource::arn:aws:([a-z]+):.*$/, '[$1]')} ${s.violatingConstructs[0]?.constructPath}`,
    );

    expect(found.sort()).toEqual(
      [
        'AwsSolutions-S1 CartRecoveryStateful/RulesBucket/Resource',
        'AwsSolutions-SQS3 CartRecoveryStateful/SchedulerDlq/Resource',
        'AwsSolutions-SQS3 CartRecoveryStateful/MailEventsDlq/Resource',
        'AwsSolutions-SMG4 CartRecoveryStateful/EngineSecret/Resource',
        'AwsSolutions-IAM5[bedrock] CartRecoveryEngine/Sender/Role/DefaultPolicy/Resource',
        'AwsSolutions-IAM5[bedrock] CartRecoveryEngine/Google/Summary/Role/DefaultPolicy/Resource',
        'AwsSolutions-IAM5[scheduler] CartRecoveryEngine/Google/Nightly/Role/DefaultPolicy/Resource',
        ...['Webhook', 'Wake', 'Sender', 'Unsubscribe', 'OwnerAction', 'MailEvents', 'Sweep'].map(
          (fn) => `AwsSolutions-IAM5[scheduler] CartRecoveryEngine/${fn}/Role/DefaultPolicy/Resource`,
        ),
      ].sort(),
    );
    for (const s of suppressed) expect(s.reason.length).toBeGreaterThan(60);
  });

  it('fail the synth on a finding nobody acknowledged', () => {
    const app = buildTestApp({ bundle: false });
    new Queue(app.engine, 'CarelessQueue');

    expect(() => app.app.synth()).toThrow(/A copy of this report can be found/);
    const nag = report(app.outdir).pluginReports.find((p) => p.pluginName === 'AwsSolutions');
    expect(nag?.violations.map((v) => v.ruleName)).toEqual(
      expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']),
    );
  });
});

describe('handler bundles', () => {
  function bundles(): { name: string; dir: string; env: Record<string, string> }[] {
    const template = built.template(built.engine);
    return Object.values(resourcesOf(template, 'AWS::Lambda::Function')).map((fn) => {
      const key = String((fn.Properties.Code as { S3Key: string }).S3Key);
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      // References resolve only at deploy time; any well-formed value does for loading the module.
      const env = Object.fromEntries(
        Object.entries(variables).map(([k, v]) => [
          k,
          typeof v === 'string' ? v : `https://${k.toLowerCase()}.test/x`,
        ]),
      );
      return {
        name: String(fn.Properties.FunctionName),
        dir: join(built.outdir, `asset.${key.replace(/\.zip$/, '')}`),
        env,
      };
    });
  }

  it('builds one ESM bundle with a source map per handler, under the size ceiling', () => {
    const all = bundles();

    expect(all.map((b) => b.name).sort()).toEqual(DEPLOYED_HANDLERS.map((h) => `cart-recovery-${h}`).sort());
    for (const { name, dir } of all) {
      const size = statSync(join(dir, 'index.mjs')).size;
      expect(existsSync(join(dir, 'index.mjs.map')), `${name} source map`).toBe(true);
      expect(size, `${name} bundle bytes`).toBeLessThan(MAX_BUNDLE_BYTES);
      // The require banner, first thing in the file (see REQUIRE_BANNER).
      expect(readFileSync(join(dir, 'index.mjs'), 'utf8').slice(0, 160)).toMatch(
        /^import \{ createRequire as __engineCreateRequire \} from 'node:module'; const require =/,
      );
    }
  });

  it('loads every bundle cleanly in a fresh Node process and exports a handler function', async () => {
    const script = [
      'const started = performance.now();',
      'const m = await import(process.argv[1]);',
      'const ms = performance.now() - started;',
      'console.log(JSON.stringify({ handler: typeof m.handler, ms }));',
    ].join('\n');
    const lines: string[] = [];
    for (const { name, dir, env } of bundles()) {
      const { stdout, stderr } = await run(
        process.execPath,
        ['--input-type=module', '--eval', script, join(dir, 'index.mjs')],
        {
          env: {
            PATH: process.env.PATH,
            ...env,
            AWS_REGION: 'eu-west-1',
            AWS_LAMBDA_FUNCTION_NAME: name,
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          },
          timeout: 20_000,
        },
      );
      const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { handler: string; ms: number };
      expect(stderr, `${name} stderr`).toBe('');
      expect(result.handler, name).toBe('function');
      expect(result.ms, `${name} load ms`).toBeLessThan(MAX_LOAD_MS);
      lines.push(
        `${name.padEnd(28)} ${(statSync(join(dir, 'index.mjs')).size / 1024).toFixed(0).padStart(6)} KB ${result.ms.toFixed(0).padStart(5)} ms`,
      );
    }
    console.log(`bundles (size, load with --enable-source-maps):\n${lines.join('\n')}`);
  }, 120_000);
});
