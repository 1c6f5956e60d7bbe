/**
 * Publishing a rules doc to the rules bucket: the YAML people wrote and the JSON the engine reads
 * (`S3RulesSource`). Used by the rules sync, `cart-recovery rules publish` and the local stack; no
 * Lambda of the engine imports it, so none of them bundles a YAML parser.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Rules } from '../domain/rules.js';
import { parseRulesYaml } from '../domain/rules-yaml.js';
import { DEFAULT_RULES_KEY, DEFAULT_RULES_YAML_KEY, rulesJson, versionOf } from './s3-rules-source.js';

/** The two objects one rules doc is published as. */
export interface RulesKeys {
  /** What the engine reads (DEFAULT_RULES_KEY). */
  json: string;
  /** What people read (DEFAULT_RULES_YAML_KEY). */
  yaml: string;
}

export const DEFAULT_RULES_KEYS: RulesKeys = { json: DEFAULT_RULES_KEY, yaml: DEFAULT_RULES_YAML_KEY };

/** A published rules doc: the rules, and the version `S3RulesSource` reports for them. */
export interface PublishedRules {
  rules: Rules;
  /** The JSON object's version: what the engine and its audit log will name. */
  version: string;
  /** The YAML object's version. */
  yamlVersion: string;
}

/**
 * Validates a YAML rules doc with the engine's schema and writes it to S3 twice: the YAML text as
 * given (for people) and the validated rules as JSON (`rulesJson`, what `S3RulesSource` reads).
 *
 * The YAML is written first and the JSON only once that succeeded, so the engine never runs on
 * rules the YAML does not show. If the JSON write fails, the YAML is ahead of the engine (the old
 * rules stay in force) until the next publish, which writes both again; the reverse order could
 * leave the engine on rules nobody can read in the YAML.
 * @throws RulesValidationError when the doc is invalid; nothing is written then.
 * @example await publishRules(s3, 'cart-recovery-rules', await readFile('examples/rules.yaml', 'utf8'))
 */
export async function publishRules(
  client: S3Client,
  bucket: string,
  yamlText: string,
  keys: RulesKeys = DEFAULT_RULES_KEYS,
): Promise<PublishedRules> {
  const rules = parseRulesYaml(yamlText);
  const yaml = await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: keys.yaml,
      Body: yamlText,
      ContentType: 'application/yaml; charset=utf-8',
    }),
  );
  const json = await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: keys.json,
      Body: rulesJson(rules),
      ContentType: 'application/json; charset=utf-8',
    }),
  );
  return {
    rules,
    version: versionOf(json.VersionId, json.ETag),
    yamlVersion: versionOf(yaml.VersionId, yaml.ETag),
  };
}

/** One published rules object as stored: its text, version and when it was written. */
export interface StoredRulesObject {
  text: string;
  version: string;
  lastModified: Date | undefined;
}

/**
 * Reads one of the published objects (the JSON or the YAML), or undefined when there is none yet.
 * @example const json = await readRulesObject(s3, bucket, DEFAULT_RULES_KEYS.json)
 */
export async function readRulesObject(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<StoredRulesObject | undefined> {
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return {
      text: (await object.Body?.transformToString('utf-8')) ?? '',
      version: versionOf(object.VersionId, object.ETag),
      lastModified: object.LastModified,
    };
  } catch (error) {
    if ((error as { name?: unknown })?.name === 'NoSuchKey') return undefined;
    throw error;
  }
}
