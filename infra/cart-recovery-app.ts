/**
 * Builds the whole app on a given `App`: the two stacks, the cdk-nag checks and the warnings about
 * example settings. infra/app.ts (the CDK entry point) and the stack tests build it the same way.
 */
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type CartRecoveryConfig, configFromContext, usesExampleValues } from './config.js';
import { EngineStack } from './engine-stack.js';
import { StatefulStack } from './stateful-stack.js';

export const STACK_IDS = { stateful: 'CartRecoveryStateful', engine: 'CartRecoveryEngine' } as const;

export interface CartRecoveryApp {
  config: CartRecoveryConfig;
  stateful: StatefulStack;
  engine: EngineStack;
}

/**
 * Adds both stacks to `app`, in `config.region` and the account the CLI resolved (if any: synth needs
 * none). cdk-nag's AWS Solutions checks run at synth; an unacknowledged finding fails it.
 * @throws InfraConfigError when the cdk.json settings are missing or malformed.
 */
export function buildCartRecoveryApp(
  app: App,
  options: { account?: string | undefined; config?: CartRecoveryConfig } = {},
): CartRecoveryApp {
  const config = options.config ?? configFromContext(app.node);
  const env = { region: config.region, ...(options.account ? { account: options.account } : {}) };
  const stateful = new StatefulStack(app, STACK_IDS.stateful, {
    env,
    config,
    description: 'Cart Recovery: tables, rules bucket, queues, secret, alarms, budget (retained)',
    // Tables are deletion-protected and everything here is retained; this makes `cdk destroy` refuse too.
    terminationProtection: true,
  });
  const engine = new EngineStack(app, STACK_IDS.engine, {
    env,
    config,
    stateful: stateful.resources,
    description: 'Cart Recovery: functions, Function URLs, schedules, SES sending (stateless)',
  });
  engine.addStackDependency(stateful);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  if (usesExampleValues(config)) {
    Validations.of(stateful).addWarning(
      'cart-recovery:example-settings',
      'cdk.json still holds the example settings (example.com): fine for synth, but set cartRecovery.storeDomain, ' +
        'fromEmail and alertEmail before deploying (docs/DEPLOY.md, step 2).',
    );
  }
  return { config, stateful, engine };
}
