import { readFile } from 'node:fs/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_RULES_KEYS, publishRules } from '../adapters/s3-rules-publisher.js';
import { CartRecoveryError, type FieldError, RulesValidationError } from '../domain/errors.js';
import { parseRulesYaml } from '../domain/rules-yaml.js';
import { tierOrderWarnings } from '../domain/tiers.js';
import { parseCommandArgs, UsageError } from './arguments.js';

export const RULES_USAGE = `Usage:
  cart-recovery rules publish FILE.yaml --bucket BUCKET [--dry-run]
  cart-recovery rules publish FILE.yaml --local [--url http://127.0.0.1:3000]

Checks a rules doc with the engine's own schema (every bad field is named) and publishes it to the
rules bucket as two objects: ${DEFAULT_RULES_KEYS.yaml} (the file as given, for people) and
${DEFAULT_RULES_KEYS.json} (the validated rules, which every function reads). --dry-run only checks.
AWS credentials and Region come from the usual places (AWS_PROFILE, environment, SSO).
--local publishes to the stack "npm start" runs (at --url), which checks the doc the same way.
Tiers whose names and totals disagree in order (a "medium" tier starting above "big") are valid
but get a warning: sizes are read small < medium < big, with tiny/xs below and huge/xl above.`;

const DEFAULT_LOCAL_URL = 'http://127.0.0.1:3000';

/** No AWS Region is configured: the SDK's own "Region is missing" says nothing of how to set one. */
export class RegionMissingError extends CartRecoveryError {
  constructor(options?: { cause?: unknown }) {
    super(
      'rules publish: no AWS Region is set: set AWS_REGION to the region the stack is deployed in (such as AWS_REGION=eu-west-1), or use an AWS_PROFILE that has one',
      options,
    );
    this.name = 'RegionMissingError';
  }
}

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
    {
      bucket: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      local: { type: 'boolean', default: false },
      url: { type: 'string' },
    },
    true,
  );
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('rules publish: give exactly one rules file');
  const dryRun = values['dry-run'] ?? false;
  const local = values.local ?? false;
  if (local && values.bucket) throw new UsageError('rules publish: give --bucket or --local, not both');
  if (values.url && !local) throw new UsageError('rules publish: --url goes with --local');
  if (!values.bucket && !dryRun && !local)
    throw new UsageError('rules publish: give the rules bucket (--bucket), or --local for "npm start"');

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (local && !dryRun) return publishLocally(values.url ?? DEFAULT_LOCAL_URL, file, text, { out, err });
  // A RulesValidationError reaches main(), which prints each bad field and exits with 2.
  const rules = parseRulesYaml(text);
  for (const warning of tierOrderWarnings(rules.tiers))
    err(`warning: ${file}: tier "${warning.tier}" ${warning.message}`);
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
    await s3.config.region().catch((cause: unknown) => {
      throw new RegionMissingError({ cause });
    });
    const published = await publishRules(s3, bucket, text);
    out(`Rules published to s3://${bucket}:`);
    out(`  ${DEFAULT_RULES_KEYS.yaml}  version ${published.yamlVersion}`);
    out(`  ${DEFAULT_RULES_KEYS.json}  version ${published.version}  (the version the audit log will name)`);
    out('Running functions pick them up within a minute.');
    return 0;
  } catch (error) {
    // Nothing was written: main() prints the one line, exit 2.
    if (error instanceof RegionMissingError) throw error;
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

/**
 * Sends the YAML to the local stack's `POST /local/rules`, which validates and publishes it as the
 * rules sync would; its field errors come back as a RulesValidationError (exit 2).
 */
async function publishLocally(
  url: string,
  file: string,
  text: string,
  io: { out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  let response: Response;
  try {
    response = await fetch(`${url.replace(/\/+$/, '')}/local/rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: text,
    });
  } catch {
    io.err(`cart-recovery: cannot reach the local stack at ${url}: is "npm start" running (see --url)?`);
    return 1;
  }
  const answer = (await response.json().catch(() => ({}))) as {
    version?: string;
    errors?: FieldError[];
    warnings?: { tier: string; message: string }[];
    error?: string;
  };
  if (response.status === 400 && answer.errors) throw new RulesValidationError(answer.errors);
  if (!response.ok) {
    io.err(
      `cart-recovery: the local stack at ${url} answered ${response.status}: ${answer.error ?? 'no reason given'}`,
    );
    return 1;
  }
  for (const warning of answer.warnings ?? [])
    io.err(`warning: ${file}: tier "${warning.tier}" ${warning.message}`);
  io.out(`Rules published to the local stack at ${url}: version ${answer.version}.`);
  io.out('The engine picks them up within a minute.');
  return 0;
}
