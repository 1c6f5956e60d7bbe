import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3RulesSource } from '#engine/adapters/s3-rules-source.js';
import { main } from '#engine/cli/main.js';
import { rulesCommand } from '#engine/cli/rules-command.js';
import { type S3rverPeer, startS3rver } from '#test/peers/s3rver.js';

const EXAMPLE = new URL('../../../examples/rules.yaml', import.meta.url);

describe('cart-recovery rules publish', () => {
  let s3: S3rverPeer;
  let dir: string;
  let buckets = 0;

  beforeAll(async () => {
    s3 = await startS3rver({ buckets: ['rules-1', 'rules-2', 'rules-3', 'rules-4'] });
    dir = await mkdtemp(join(tmpdir(), 'rules-command-'));
  });

  afterAll(async () => {
    await s3.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function run(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const done = rulesCommand(args, { s3: s3.client, out: (l) => out.push(l), err: (l) => err.push(l) });
    return { done, out, err };
  }

  const text = async (bucket: string, key: string) =>
    (await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToString(
      'utf-8',
    );

  it('publishes the YAML as given and the JSON the functions read, and names the version in force', async () => {
    // Prepare
    const bucket = `rules-${++buckets}`;
    const yaml = await readFile(EXAMPLE, 'utf8');

    // Act
    const { done, out } = run(['publish', EXAMPLE.pathname, '--bucket', bucket]);
    const code = await done;

    // Assess
    expect(code).toBe(0);
    expect(await text(bucket, 'rules/current.yaml')).toBe(yaml);
    const engine = await new S3RulesSource({ client: s3.client, bucket }).current();
    expect(engine.rules.tiers.map((t) => t.name)).toEqual(['small', 'medium', 'big']);
    expect(out.join('\n')).toContain(`rules/current.json  version ${engine.version}`);
  });

  it('refuses an invalid doc with every bad field, exit code 2, and writes nothing', async () => {
    // Prepare
    const bucket = `rules-${++buckets}`;
    const file = join(dir, 'bad.yaml');
    const yaml = await readFile(EXAMPLE, 'utf8');
    await writeFile(
      file,
      yaml.replace(/maxReminders: \d+/, 'maxReminders: 9').replace(/fromEmail: .*/, 'fromEmail: nope'),
    );
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: string) => errors.push(line);

    // Act
    let code: number;
    try {
      code = await main(['rules', 'publish', file, '--bucket', bucket]);
    } finally {
      console.error = original;
    }

    // Assess
    expect(code).toBe(2);
    expect(errors[0]).toBe('cart-recovery: The rules doc is invalid:');
    expect(errors.slice(1)).toEqual([
      expect.stringMatching(/^ {2}store\.fromEmail: /),
      expect.stringMatching(/^ {2}maxReminders: /),
    ]);
    await expect(text(bucket, 'rules/current.yaml')).rejects.toMatchObject({ name: 'NoSuchKey' });
    await expect(text(bucket, 'rules/current.json')).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('only checks with --dry-run', async () => {
    // Prepare
    const bucket = `rules-${++buckets}`;

    // Act
    const { done, out } = run(['publish', EXAMPLE.pathname, '--bucket', bucket, '--dry-run']);
    const code = await done;

    // Assess
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/rules ok .*nothing written/);
    await expect(text(bucket, 'rules/current.json')).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('exits with 1 and says the functions keep their rules when S3 refuses the write', async () => {
    // Act
    const { done, err } = run(['publish', EXAMPLE.pathname, '--bucket', 'no-such-bucket']);
    const code = await done;

    // Assess
    expect(code).toBe(1);
    expect(err[0]).toMatch(/could not publish the rules to s3:\/\/no-such-bucket: NoSuchBucket/);
  });

  it('asks for the bucket', async () => {
    await expect(run(['publish', EXAMPLE.pathname]).done).rejects.toThrow(/--bucket/);
  });
});
