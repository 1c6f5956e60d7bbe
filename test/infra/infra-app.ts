/**
 * Builds the CDK app the way infra/app.ts does (same cdk.json feature flags, same wiring, cdk-nag
 * included) with test settings, for the stack tests.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll } from 'vitest';
import { buildCartRecoveryApp, type CartRecoveryApp } from '../../infra/cart-recovery-app.js';
import { type CartRecoveryConfig, CONTEXT_KEY, parseConfig } from '../../infra/config.js';
import { HANDLERS, type HandlerName, PROJECT_ROOT } from '../../infra/constructs/engine-function.js';
import { SCHEDULED_SHEETS_HANDLERS } from '../../infra/constructs/google-functions.js';

export const TEST_ACCOUNT = '123456789012';

// Each app synthesizes into its own temporary directory (bundles included); the file's run removes them.
const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Settings that differ from every default, so a test can tell a setting was used. */
export const TEST_SETTINGS = {
  region: 'eu-west-1',
  storeDomain: 'shop.acme-outfitters.test',
  fromEmail: 'hello@shop.acme-outfitters.test',
  alertEmail: 'owner@acme-outfitters.test',
  monthlyBudgetUsd: 12,
  spreadsheetId: '1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-test',
  summaryDocumentId: '1DoCuMeNtIdOfThEsUmMaRy0123456789_-test',
  rulesTab: 'Reminder rules',
  statusCell: 'Status!B2',
  storeTimezone: 'America/Chicago',
} as const;

/** The same settings without a spreadsheet: no Google functions. */
export const SETTINGS_WITHOUT_GOOGLE = Object.fromEntries(
  Object.entries(TEST_SETTINGS).filter(
    ([k]) => !['spreadsheetId', 'summaryDocumentId', 'rulesTab', 'statusCell'].includes(k),
  ),
);

/** Every function the test app deploys, by handler name: the engine's and the Google ones. */
export const DEPLOYED_HANDLERS: readonly HandlerName[] = [...HANDLERS, 'sync', ...SCHEDULED_SHEETS_HANDLERS];

/** The context cdk.json gives the CLI: feature flags and the example settings. */
export function cdkJsonContext(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context;
}

export interface TestApp extends CartRecoveryApp {
  app: App;
  outdir: string;
  template(stack: Stack): Template;
}

/**
 * The whole app with `settings` (TEST_SETTINGS by default). `bundle: false` skips esbuild for tests
 * that read templates only (the code asset is then a placeholder).
 */
export function buildTestApp(
  options: { settings?: Record<string, unknown>; bundle?: boolean } = {},
): TestApp {
  const config: CartRecoveryConfig = parseConfig(options.settings ?? TEST_SETTINGS);
  const outdir = mkdtempSync(join(tmpdir(), 'cart-recovery-cdk-'));
  outdirs.push(outdir);
  const context: Record<string, unknown> = {
    ...cdkJsonContext(),
    [CONTEXT_KEY]: options.settings ?? TEST_SETTINGS,
  };
  if (options.bundle === false) context['aws:cdk:bundling-stacks'] = [];
  const app = new App({ outdir, context });
  const built = buildCartRecoveryApp(app, { account: TEST_ACCOUNT, config });
  const templates = new Map<Stack, Template>();
  return {
    ...built,
    app,
    outdir,
    template(stack) {
      let template = templates.get(stack);
      if (!template) {
        template = Template.fromStack(stack);
        templates.set(stack, template);
      }
      return template;
    },
  };
}

/** One resource of a synthesized template (the parts the tests read). */
export interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

type Resources = Record<string, CfnResource>;

/** The resources of one type, by logical id. */
export function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}
