import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cli } from '#test/fakes/cli-run.js';

describe('cart-recovery main', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cart-recovery-main-'));
  });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the package version with --version', async () => {
    // Prepare
    const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8'));

    // Act
    const result = await cli(['--version']);

    // Assess
    expect(result).toMatchObject({ code: 0, out: `cart-recovery ${pkg.version}` });
  });

  it('exits 2 naming a scenario file that cannot be read, without a stack', async () => {
    // Act
    const result = await cli(['simulate', '--scenario', join(dir, 'scenaro.jsonl')]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.err).toContain(`cannot read the scenario file ${join(dir, 'scenaro.jsonl')}`);
    expect(result.err).toContain('cart-recovery simulate --help');
    expect(result.err).not.toMatch(/\n\s+at /);
  });

  it('exits 2 when --outbox names a file, before simulating anything', async () => {
    // Prepare
    const file = join(dir, 'not-a-folder');
    await writeFile(file, 'x');

    // Act
    const result = await cli(['simulate', '--scenario', 'examples/scenario.jsonl', '--outbox', file]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.err).toContain(`--outbox ${file} is not a folder that can be written`);
    expect(result.out).toBe('');
  });

  it('exits 2 naming a simulate flag given to the mode that would ignore it', async () => {
    // Prepare
    const scenario = ['simulate', '--scenario', 'examples/scenario.jsonl'];
    const generate = ['simulate', '--generate', '100'];

    const misplaced = [
      [...generate, '--explain', 'x'],
      [...generate, '--outbox', dir],
      ...[
        ['--out', join(dir, 'out.jsonl')],
        ['--holdout', '10'],
        ['--days', '3'],
        ['--seed', '2'],
        ['--return-rate', '0.1'],
        ['--uplift', '0.05'],
        ['--shards', '1'],
        ['--save-scenario', join(dir, 'saved.jsonl')],
      ].map((flag) => [...scenario, ...flag]),
    ];

    // Act: one at a time, as cli() captures the console.
    const refused = [];
    for (const args of misplaced) refused.push(await cli(args));

    // Assess
    expect(refused.map((r) => r.code)).toEqual(refused.map(() => 2));
    expect(refused.map((r) => r.err.split('\n')[0])).toEqual([
      'cart-recovery: --explain goes with --scenario FILE, not with --generate',
      'cart-recovery: --outbox goes with --scenario FILE, not with --generate',
      ...['out', 'holdout', 'days', 'seed', 'return-rate', 'uplift', 'shards', 'save-scenario'].map(
        (flag) => `cart-recovery: --${flag} goes with --generate N, not with --scenario`,
      ),
    ]);
    expect(refused.map((r) => r.out).join('')).toBe('');
  });

  it('exits 2 naming --carts when it is missing, negative or not a number', async () => {
    // Act
    const missing = await cli(['cost']);
    const negative = await cli(['cost', '--carts', '-5']);
    const text = await cli(['cost', '--carts', 'many']);

    // Assess
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.err).toContain('--carts is required: a whole number of at least 1');
    expect(negative.err).toContain('--carts must be a whole number of at least 1, got "-5"');
    expect(text.err).toContain('--carts must be a whole number of at least 1, got "many"');
    expect(text.code).toBe(2);
  });

  it('shows the usage of rules and rules publish with --help, exit 0', async () => {
    // Act
    const rules = await cli(['rules', '--help']);
    const publish = await cli(['rules', 'publish', '--help']);

    // Assess
    for (const result of [rules, publish]) {
      expect(result.code).toBe(0);
      expect(result.out).toContain('cart-recovery rules publish FILE.yaml --bucket BUCKET');
    }
  });

  it('exits 2 asking for AWS_REGION in one line when no Region is set, before writing anything', async () => {
    // Prepare: no Region in the environment, nor a config file to take one from.
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'no-aws-config'));

    // Act
    const result = await cli(['rules', 'publish', 'examples/rules.yaml', '--bucket', 'rules-bucket']);

    // Assess
    expect(result).toEqual({
      code: 2,
      out: '',
      err: 'cart-recovery: rules publish: no AWS Region is set: set AWS_REGION to the region the stack is deployed in (such as AWS_REGION=eu-west-1), or use an AWS_PROFILE that has one',
    });
  });

  it('exits 2 naming an unknown option of a command', async () => {
    // Act
    const result = await cli(['simulate', '--scenaro', 'x.jsonl']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.err).toContain("simulate: Unknown option '--scenaro'");
  });
});
