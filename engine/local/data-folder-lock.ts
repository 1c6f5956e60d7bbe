/**
 * One `npm start` per data folder. Two stacks on one folder would share dynalite's files, which
 * dynalite cannot do: the second dies with "Database is closed" and a stack trace. The lock is a
 * file in the folder holding the pid of the stack that uses it, created with `wx` (fails if it
 * exists, atomically) and removed on stop; one left by a stack that was killed names a dead pid and
 * is taken over.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CartRecoveryError } from '../domain/errors.js';

/** The lock's file name, in the data folder. */
export const LOCK_FILE = 'npm-start.lock';

/** Another running process uses the data folder; the message names the folder and its pid. */
export class DataFolderInUseError extends CartRecoveryError {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    options?: { cause?: unknown },
  ) {
    super(
      `data folder ${dataDir} is in use by pid ${pid}: stop that "npm start" first, or start with another --data`,
      options,
    );
    this.name = 'DataFolderInUseError';
  }
}

export interface DataFolderLock {
  /** Removes the lock file; a stop after a failed start may call it again. */
  release(): Promise<void>;
}

/**
 * Takes the data folder for this process, or throws a {@link DataFolderInUseError} naming the pid
 * of the live process that has it. The folder must exist.
 */
export async function lockDataFolder(dataDir: string): Promise<DataFolderLock> {
  const file = join(dataDir, LOCK_FILE);
  // A lock whose process is gone is removed and taken once; failing again, another start won the race.
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return { release: () => rm(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await lockHolder(file);
      if (holder !== undefined && isAlive(holder)) throw new DataFolderInUseError(dataDir, holder);
      if (attempt > 0) throw error;
    }
    await rm(file, { force: true });
  }
}

/** The pid a lock file names; undefined if it is gone or names none (a write cut short). */
async function lockHolder(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
