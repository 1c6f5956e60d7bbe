import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_KEYS, publishRules, readRulesObject } from '#engine/adapters/s3-rules-publisher.js';
import { parseRulesJson, rulesJson, S3RulesSource } from '#engine/adapters/s3-rules-source.js';
import { RulesValidationError } from '#engine/domain/errors.js';
import { parseRulesYaml } from '#engine/domain/rules-yaml.js';
import { CHANGED_YAML, INVALID_YAML, RULES_YAML } from '#test/fakes/rules-yaml.js';
import { s3BucketPerTest } from '#test/peers/s3rver.js';

describe('publishRules', () => {
  const peer = s3BucketPerTest('publish');

  const text = async (key: string) => {
    const object = await peer.s3.client.send(new GetObjectCommand({ Bucket: peer.bucket, Key: key }));
    return (await object.Body?.transformToString('utf-8')) ?? '';
  };
  const missing = (key: string) =>
    peer.s3.client.send(new GetObjectCommand({ Bucket: peer.bucket, Key: key })).then(
      () => false,
      (error: unknown) => (error as Error).name === 'NoSuchKey',
    );

  /** A client on s3rver that records each PutObject's key, and fails the ones for `failKey`. */
  function recordingClient(failKey?: string): { client: S3Client; puts: string[] } {
    const puts: string[] = [];
    const client = new S3Client({
      endpoint: peer.s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutObjectCommand') {
          const key = String((args.input as { Key?: string }).Key);
          puts.push(key);
          if (key === failKey)
            throw Object.assign(new Error('We encountered an internal error.'), { name: 'InternalError' });
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    return { client, puts };
  }

  it('writes the YAML as given and the validated rules as JSON, YAML first', async () => {
    // Prepare
    const { client, puts } = recordingClient();

    // Act
    const published = await publishRules(client, peer.bucket, RULES_YAML);

    // Assess
    expect(puts).toEqual([DEFAULT_RULES_KEYS.yaml, DEFAULT_RULES_KEYS.json]);
    expect(await text('rules/current.yaml')).toBe(RULES_YAML);
    expect(await text('rules/current.json')).toBe(rulesJson(parseRulesYaml(RULES_YAML)));
    expect(parseRulesJson(await text('rules/current.json'))).toEqual(parseRulesYaml(RULES_YAML));
    expect(published.rules).toEqual(parseRulesYaml(RULES_YAML));
    expect(published.version).not.toBe(published.yamlVersion);
  });

  it('leaves the engine on the previous rules when the JSON write fails after the YAML', async () => {
    // Prepare
    await publishRules(peer.s3.client, peer.bucket, RULES_YAML);
    const { client } = recordingClient(DEFAULT_RULES_KEYS.json);

    // Act
    const error = await publishRules(client, peer.bucket, CHANGED_YAML).catch((e: unknown) => e);
    const engine = await new S3RulesSource({ client: peer.s3.client, bucket: peer.bucket }).current();

    // Assess
    expect(error).toMatchObject({ name: 'InternalError' });
    expect(await text('rules/current.yaml')).toBe(CHANGED_YAML);
    expect(engine.rules.frequencyCapHours).toBe(72);
  });

  it('refuses an invalid doc and writes nothing', async () => {
    // Act
    const error = await publishRules(peer.s3.client, peer.bucket, INVALID_YAML).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(RulesValidationError);
    expect(await missing('rules/current.yaml')).toBe(true);
    expect(await missing('rules/current.json')).toBe(true);
  });
});

describe('readRulesObject', () => {
  const peer = s3BucketPerTest('read');

  it('reads a published object with the version its publish reported, and nothing when there is none', async () => {
    // Prepare
    const before = await readRulesObject(peer.s3.client, peer.bucket, DEFAULT_RULES_KEYS.json);
    const published = await publishRules(peer.s3.client, peer.bucket, RULES_YAML);

    // Act
    const json = await readRulesObject(peer.s3.client, peer.bucket, DEFAULT_RULES_KEYS.json);
    const yaml = await readRulesObject(peer.s3.client, peer.bucket, DEFAULT_RULES_KEYS.yaml);

    // Assess
    expect(before).toBeUndefined();
    expect(json).toEqual({
      text: rulesJson(published.rules),
      version: published.version,
      lastModified: expect.any(Date),
    });
    expect(yaml?.text).toBe(RULES_YAML);
    expect(yaml?.version).toBe(published.yamlVersion);
  });
});
