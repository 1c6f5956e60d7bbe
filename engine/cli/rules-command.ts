import { readFile } from 'node:fs/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_RULES_KEYS, publishRules } from '../adapters/s3-rules-publisher.js';
import { parseRulesYaml } from '../domain/rules-yaml.js';
import { parseCommandArgs, UsageError } from './arguments.js';

export const RULES_USAGE = `Usage:
  cart-recovery rules publish FILE.yaml --bucket BUCKET [--dry-run]

Checks a rules doc with the engine's own schema (every bad field is named) and publishes it to the
rules bucket as two objects: ${DEFAULT_RULES_KEYS.yaml} (the file as given, for people) and
${DEFAULT_RULES_KEYS.json} (the validated rules, which every function reads). --dry-run only checks.
AWS credentials and Region come from the usual places (AWS_PROFILE, environment, SSO).`;

export interface RulesCommandDeps {
  /** The S3 client to publish with (default: one from the environment). */
  s3?: S3Client;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/**
 * `cart-recovery rules publish`: the developer's way to put a rules doc in force (docs/DEPLOY.md
 * step 7); the rules sync does the same from the owner's sheet. Returns the exit code.
 */
export async function rulesCommand(argv: string[], deps: RulesCommandDeps = {}): Promise<number> {
  const out = deps.out ?? ((line: string) => console.log(line));
  const err = deps.err ?? ((line: string) => console.error(line));
  const [action, ...rest] = argv;
  if (
    action === '--help' ||
    action === '-h' ||
    action === 'help' ||
    rest.includes('--help') ||
    rest.includes('-h')
  ) {
    out(RULES_USAGE);
    return 0;
  }
  if (action !== 'publish') {
    throw new UsageError(
      action === undefined ? 'rules: say what to do (publish)' : `unknown rules action "${action}"`,
    );
  }
  const { values, positionals } = parseCommandArgs(
    'rules publish',
    rest,
    { bucket: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
    true,
  );
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('rules publish: give exactly one rules file');
  const dryRun = values['dry-run'] ?? false;
  if (!values.bucket && !dryRun) throw new UsageError('rules publish: give the rules bucket (--bucket)');

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  // A RulesValidationError reaches main(), which prints each bad field and exits with 2.
  const rules = parseRulesYaml(text);
  if (dryRun || !values.bucket) {
    out(`${file}: rules ok (store "${rules.store.name}", ${rules.tiers.length} tiers); nothing written.`);
    return 0;
  }

  const bucket = values.bucket;
  const s3 =
    deps.s3 ??
    new S3Client({
      forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true',
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
  try {
    const published = await publishRules(s3, bucket, text);
    out(`Rules published to s3://${bucket}:`);
    out(`  ${DEFAULT_RULES_KEYS.yaml}  version ${published.yamlVersion}`);
    out(`  ${DEFAULT_RULES_KEYS.json}  version ${published.version}  (the version the audit log will name)`);
    out('Running functions pick them up within a minute.');
    return 0;
  } catch (error) {
    err(
      `cart-recovery: could not publish the rules to s3://${bucket}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    // The YAML is written first: if only it was, the functions still run the previous rules.
    err(`The functions keep the rules of ${DEFAULT_RULES_KEYS.json} as it was; publish again once fixed.`);
    return 1;
  } finally {
    if (!deps.s3) s3.destroy();
  }
}
