import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '#test/peers/chromium.js';

describe('findChromium', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cr-chromium-find-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes the binary CHROMIUM_PATH names when it runs', async () => {
    const fake = join(dir, 'fake-chromium');
    await writeFile(fake, '#!/bin/sh\necho "Chromium 1.0"\n', { mode: 0o755 });

    expect(findChromium({ CHROMIUM_PATH: fake, PATH: '' })).toBe(fake);
  });

  it('finds a browser on PATH by its usual names', async () => {
    const bin = join(dir, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'chromium-browser'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });

    expect(findChromium({ PATH: bin })).toBe(join(bin, 'chromium-browser'));
  });

  it('says in one line how to get one when none runs', async () => {
    const broken = join(dir, 'broken-chromium');
    await writeFile(broken, '#!/bin/sh\nexit 1\n', { mode: 0o755 });

    expect(() => findChromium({ CHROMIUM_PATH: broken, PATH: '' })).toThrow(
      /^No runnable Chromium .*apt-get install chromium.*CHROMIUM_PATH[^\n]*$/,
    );
  });
});
