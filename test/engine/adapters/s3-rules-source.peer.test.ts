import { readFile } from 'node:fs/promises';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '#engine/adapters/memory/manual-clock.js';
import { publishRules } from '#engine/adapters/s3-rules-publisher.js';
import {
  parseRulesJson,
  RulesUnavailableError,
  rulesJson,
  S3RulesSource,
} from '#engine/adapters/s3-rules-source.js';
import { RulesValidationError } from '#engine/domain/errors.js';
import { parseRulesYaml } from '#engine/domain/rules-yaml.js';
import type { Logger } from '#engine/ports.js';
import { CHANGED_YAML, RULES_YAML } from '#test/fakes/rules-yaml.js';
import { s3BucketPerTest } from '#test/peers/s3rver.js';

/** A JSON rules doc that fails the schema, as a broken writer could leave it. */
const INVALID_JSON = JSON.stringify({ ...parseRulesYaml(RULES_YAML), frequencyCapHours: -5 });

interface LogLine {
  level: string;
  message: string;
  data?: Record<string, unknown>;
}

function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (message: string, data?: Record<string, unknown>) => {
    lines.push({ level, message, ...(data ? { data } : {}) });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('S3RulesSource', () => {
  const peer = s3BucketPerTest('rules');

  function source(options: { ttlMs?: number; key?: string } = {}) {
    const clock = new ManualClock('2026-06-10T14:00:00Z');
    const log = recordingLogger();
    const operations: string[] = [];
    const rules = new S3RulesSource({
      client: peer.s3.client,
      bucket: peer.bucket,
      log,
      clock: () => clock.now(),
      onRequest: (operation) => operations.push(operation),
      ...options,
    });
    return { rules, clock, log, operations };
  }

  it("reads the rules that publishRules wrote, versioned by the JSON object's ETag without quotes", async () => {
    // Prepare
    const seeded = await publishRules(peer.s3.client, peer.bucket, RULES_YAML);
    const { rules } = source();

    // Act
    const current = await rules.current();

    // Assess
    expect(current.rules.store.name).toBe('Acme Outfitters');
    expect(current.rules.frequencyCapHours).toBe(72);
    expect(current.rules.maxReminders).toBe(2);
    expect(current.version).toMatch(/^[0-9a-f]{32}$/);
    expect(current.version).toBe(seeded.version);
  });

  it('seeds and reads the example rules doc under another key', async () => {
    // Prepare
    const yaml = await readFile(new URL('../../../examples/rules.yaml', import.meta.url), 'utf8');
    await publishRules(peer.s3.client, peer.bucket, yaml, {
      json: 'rules/example.json',
      yaml: 'rules/example.yaml',
    });
    const { rules } = source({ key: 'rules/example.json' });

    // Act
    const current = await rules.current();

    // Assess
    expect(current.rules.tiers.map((t) => t.name)).toEqual(['small', 'medium', 'big']);
  });

  it('makes no request within the TTL', async () => {
    // Prepare
    await publishRules(peer.s3.client, peer.bucket, RULES_YAML);
    const { rules, clock, operations } = source({ ttlMs: 60_000 });
    const first = await rules.current();

    // Act
    clock.advance(59_999);
    const second = await rules.current();

    // Assess
    expect(second).toEqual(first);
    expect(operations).toEqual(['GetObject']);
    expect(rules.requests).toEqual({ GetObject: 1 });
  });

  it('shares one request between concurrent callers', async () => {
    // Prepare
    await publishRules(peer.s3.client, peer.bucket, RULES_YAML);
    const { rules, operations } = source();

    // Act
    const answers = await Promise.all([rules.current(), rules.current(), rules.current()]);

    // Assess
    expect(new Set(answers.map((a) => a.version)).size).toBe(1);
    expect(operations).toHaveLength(1);
  });

  it('re-checks after the TTL with a conditional GET and keeps the rules when nothing changed', async () => {
    // Prepare
    await publishRules(peer.s3.client, peer.bucket, RULES_YAML);
    const { rules, clock, operations } = source({ ttlMs: 60_000 });
    const first = await rules.current();

    // Act
    clock.advance(60_000);
    const second = await rules.current();
    clock.advance(30_000);
    const third = await rules.current();

    // Assess
    expect(operations).toEqual(['GetObject', 'GetObject']);
    expect(second.version).toBe(first.version);
    expect(second.rules).toBe(first.rules); // a 304: nothing parsed again
    expect(third.rules).toBe(first.rules);
  });

  it('gives the new rules and a new version after the doc changed', async () => {
    // Prepare
    await publishRules(peer.s3.client, peer.bucket, RULES_YAML);
    const { rules, clock, log } = source();
    const before = await rules.current();
    await publishRules(peer.s3.client, peer.bucket, CHANGED_YAML);

    // Act
    const stillCached = await rules.current();
    clock.advance(60_000);
    const after = await rules.current();

    // Assess
    expect(stillCached.version).toBe(before.version);
    expect(after.version).not.toBe(before.version);
    expect(after.rules.frequencyCapHours).toBe(48);
    expect(log.lines.filter((l) => l.message === 'rules loaded')).toHaveLength(2);
  });

  it('keeps serving the last good rules when an invalid doc replaces them, logging it once', async () => {
    // Prepare
    await publishRules(peer.s3.client, peer.bucket, RULES_YAML);
    const { rules, clock, log, operations } = source();
    const good = await rules.current();
    await peer.s3.client.send(
      new PutObjectCommand({ Bucket: peer.bucket, Key: 'rules/current.json', Body: INVALID_JSON }),
    );

    // Act
    clock.advance(60_000);
    const afterInvalid = await rules.current();
    clock.advance(60_000);
    const later = await rules.current();

    // Assess
    expect(afterInvalid).toEqual(good);
    expect(later).toEqual(good);
    expect(operations).toHaveLength(3);
    const errors = log.lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      message: 'rules doc is invalid; keeping the last good rules',
      data: { version: good.version, errors: [{ path: 'frequencyCapHours' }] },
    });
  });

  it('takes a valid doc again after an invalid one', async () => {
    // Prepare
    await publishRules(peer.s3.client, peer.bucket, RULES_YAML);
    const { rules, clock } = source();
    await rules.current();
    await peer.s3.client.send(
      new PutObjectCommand({ Bucket: peer.bucket, Key: 'rules/current.json', Body: INVALID_JSON }),
    );
    clock.advance(60_000);
    await rules.current();
    await publishRules(peer.s3.client, peer.bucket, CHANGED_YAML);

    // Act
    clock.advance(60_000);
    const current = await rules.current();

    // Assess
    expect(current.rules.frequencyCapHours).toBe(48);
  });

  it('throws the RulesValidationError when the first doc read is invalid', async () => {
    // Prepare
    await peer.s3.client.send(
      new PutObjectCommand({ Bucket: peer.bucket, Key: 'rules/current.json', Body: INVALID_JSON }),
    );
    const { rules } = source();

    // Act
    const error = await rules.current().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(RulesValidationError);
    expect((error as RulesValidationError).errors).toEqual([
      expect.objectContaining({ path: 'frequencyCapHours' }),
    ]);
  });

  it('throws RulesUnavailableError when there is no doc and no rules yet', async () => {
    // Prepare
    const { rules: empty } = source({ key: 'rules/missing.json' });

    // Act
    const error = await empty.current().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(RulesUnavailableError);
    expect(((error as Error).cause as Error).name).toBe('NoSuchKey');
  });

  it('keeps the last good rules when S3 cannot be read', async () => {
    // Prepare
    await publishRules(peer.s3.client, peer.bucket, RULES_YAML, {
      json: 'rules/gone.json',
      yaml: 'rules/gone.yaml',
    });
    const { rules, clock, log } = source({ key: 'rules/gone.json' });
    const good = await rules.current();
    await peer.s3.client.send(new DeleteObjectCommand({ Bucket: peer.bucket, Key: 'rules/gone.json' }));

    // Act
    clock.advance(60_000);
    const current = await rules.current();

    // Assess
    expect(current).toEqual(good);
    expect(log.lines.filter((l) => l.level === 'error')).toMatchObject([{ data: { error: 'NoSuchKey' } }]);
  });

  it('throws a RulesValidationError naming the root when the first doc read is not JSON', async () => {
    // Prepare
    await peer.s3.client.send(
      new PutObjectCommand({ Bucket: peer.bucket, Key: 'rules/current.json', Body: RULES_YAML }),
    );
    const { rules } = source();

    // Act
    const error = await rules.current().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(RulesValidationError);
    expect((error as RulesValidationError).errors).toEqual([
      { path: '(root)', message: expect.stringMatching(/^is not valid JSON: /) },
    ]);
  });

  it('reads the JSON object only: a YAML doc alone is no rules', async () => {
    // Prepare
    await peer.s3.client.send(
      new PutObjectCommand({ Bucket: peer.bucket, Key: 'rules/current.yaml', Body: RULES_YAML }),
    );
    const { rules } = source();

    // Act
    const error = await rules.current().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(RulesUnavailableError);
    expect(((error as Error).cause as Error).name).toBe('NoSuchKey');
  });
});

describe('rulesJson', () => {
  it('gives back the same rules through parseRulesJson, for the example doc', async () => {
    // Prepare
    const rules = parseRulesYaml(
      await readFile(new URL('../../../examples/rules.yaml', import.meta.url), 'utf8'),
    );

    // Act
    const json = rulesJson(rules);

    // Assess
    expect(parseRulesJson(json)).toEqual(rules);
  });

  it('writes the same bytes whatever the order of the keys', () => {
    // Prepare
    const rules = parseRulesYaml(RULES_YAML);
    const { store, ...rest } = rules;
    const reordered = { ...rest, store: Object.fromEntries(Object.entries(store).reverse()) } as typeof rules;

    // Act
    const first = rulesJson(rules);
    const second = rulesJson(reordered);

    // Assess
    expect(second).toBe(first);
    expect(Object.keys(JSON.parse(first))).toEqual(Object.keys(rules).sort());
  });
});
