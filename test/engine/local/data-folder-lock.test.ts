import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataFolderInUseError, LOCK_FILE, lockDataFolder } from '#engine/local/data-folder-lock.js';

describe('lockDataFolder', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cr-lock-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a folder locked by a live process, naming the folder and its pid', async () => {
    // Prepare
    await lockDataFolder(dir);

    // Act
    const second = lockDataFolder(dir);

    // Assess
    await expect(second).rejects.toThrow(new DataFolderInUseError(dir, process.pid));
    await expect(second).rejects.toThrow(
      `data folder ${dir} is in use by pid ${process.pid}: stop that "npm start" first, or start with another --data`,
    );
  });

  it('gives the folder back on release', async () => {
    // Prepare
    const first = await lockDataFolder(dir);

    // Act
    await first.release();
    const second = await lockDataFolder(dir);

    // Assess
    expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    await second.release();
  });

  it('takes over a lock left by a process that is gone, or one that names no pid', async () => {
    // Prepare: the pid of a process that has exited.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const emptyDir = await mkdtemp(join(tmpdir(), 'cr-lock-empty-'));
    await writeFile(join(dir, LOCK_FILE), `${gone}\n`);
    await writeFile(join(emptyDir, LOCK_FILE), '');

    // Act
    await lockDataFolder(dir);
    await lockDataFolder(emptyDir);

    // Assess
    expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    expect(await readFile(join(emptyDir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    await rm(emptyDir, { recursive: true, force: true });
  });
});
