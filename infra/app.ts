/**
 * The CDK entry point (cdk.json "app"): `npm run synth`, `npm run deploy`. Settings come from cdk.json
 * context `cartRecovery` (infra/config.ts); the account from the CLI's credentials when there are any.
 */
import { App } from 'aws-cdk-lib';
import { buildCartRecoveryApp } from './cart-recovery-app.js';
import { InfraConfigError } from './config.js';

const app = new App();
try {
  const built = buildCartRecoveryApp(app, { account: process.env.CDK_DEFAULT_ACCOUNT });
  // The CLI does not show info annotations; stderr keeps `cdk synth`'s template output clean.
  for (const note of built.engine.notes) console.error(`Note: ${note}`);
} catch (error) {
  if (!(error instanceof InfraConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
app.synth();
