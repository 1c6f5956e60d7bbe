/**
 * The file behind a local server's state (the scheduler's schedules, the SQS queues, the clock): read
 * once at start, replaced whole on every change before the change is acknowledged, so `kill -9` at
 * any moment leaves either the state before a call or the state after it, never half of either.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type * as z from 'zod';
import { CartRecoveryError } from '../domain/errors.js';

/** A state file that cannot be read, is not JSON, or does not hold what its schema says. */
export class LocalStateFileError extends CartRecoveryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LocalStateFileError';
  }
}

/**
 * The parsed contents of `file`, or undefined when it does not exist yet.
 * @throws LocalStateFileError for a file that cannot be read or does not match `schema`.
 */
export async function readJsonFile<T extends z.ZodType>(
  file: string,
  schema: T,
  what: string,
): Promise<z.output<T> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LocalStateFileError(`Cannot read the ${what} file ${file}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new LocalStateFileError(`The ${what} file ${file} is not valid JSON`, { cause: error });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new LocalStateFileError(`The ${what} file ${file} is not a ${what} file`, { cause: parsed.error });
  }
  return parsed.data;
}

/** Replaces `file` with `text`: a rename replaces it whole, so a crash mid-write leaves the old file. */
export async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, file);
}

/**
 * Writes a state's snapshot after each change, coalescing changes made while a write is under way:
 * `save()` resolves once a write that began after the call has finished, so an answer sent after it
 * names only state that is on disk.
 * @example
 * const saver = new SnapshotWriter(file, () => JSON.stringify(state));
 * state.change(); await saver.save(); reply();
 */
export class SnapshotWriter {
  readonly #file: string;
  readonly #snapshot: () => string;
  #changes = 0;
  #written = 0;
  #writing: Promise<void> | undefined;

  constructor(file: string, snapshot: () => string) {
    this.#file = file;
    this.#snapshot = snapshot;
  }

  async save(): Promise<void> {
    const wanted = ++this.#changes;
    while (this.#written < wanted) {
      if (!this.#writing) {
        const upTo = this.#changes;
        this.#writing = writeAtomically(this.#file, this.#snapshot())
          .then(() => {
            this.#written = upTo;
          })
          .finally(() => {
            this.#writing = undefined;
          });
      }
      await this.#writing;
    }
  }
}
