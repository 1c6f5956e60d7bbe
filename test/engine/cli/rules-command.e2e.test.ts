import { type ExecFileException, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'cart-recovery.js');
const EXAMPLE = join(ROOT, 'examples', 'rules.yaml');

describe('cart-recovery rules publish, as a command', () => {
  let home: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'rules-command-e2e-'));
  });

  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('prints no AWS SDK Node-version warning before its own lines', async () => {
    // Prepare: a shell without the variable npm start and the test runner set, and without a Region
    // (HOME without ~/.aws), so the command stops at its own message.
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home };

    // Act
    const stderr = await run(process.execPath, [BIN, 'rules', 'publish', EXAMPLE, '--bucket', 'b'], {
      cwd: ROOT,
      env,
      timeout: 60_000,
    }).then(
      ({ stderr }) => stderr,
      (error: ExecFileException & { stderr?: string }) => error.stderr ?? '',
    );

    // Assess
    expect(stderr).toMatch(/^cart-recovery: /);
    expect(stderr).not.toContain('NodeVersionSupportWarning');
  });
});
