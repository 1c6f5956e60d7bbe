/**
 * `npm start`'s entry as a child process in a process group of its own, for tests that kill it the
 * way a power cut would (`SIGKILL` to the whole group) and start it again on the same data.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StoredEmail } from '#test/peers/ses-local.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The child did not get ready, or died before it was told to. */
export class LocalStackProcessError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LocalStackProcessError';
  }
}

export interface LocalStackProcessOptions {
  dataDir: string;
  speed: number;
  polishDelayMs?: number;
  /** How long to wait for the banner, in ms. */
  readyTimeoutMs?: number;
}

/** One run of `engine/local/start.ts`, on free ports, with its output kept. */
/** The arguments to node that start `npm start`'s entry on free ports over `dataDir`, from ROOT. */
export function localStackArgs(dataDir: string): string[] {
  return [
    '--import',
    'tsx',
    'engine/local/start.ts',
    '--port',
    '0',
    '--ses-port',
    '0',
    '--stripe-port',
    '0',
    '--data',
    dataDir,
  ];
}

export class LocalStackProcess {
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  #output = '';
  readonly #watchers: { pattern: string; done: () => void }[] = [];
  url = '';
  mailViewer = '';

  private constructor(child: ChildProcess) {
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const read = (chunk: Buffer) => {
      this.#output += chunk.toString('utf8');
      for (const watcher of [...this.#watchers]) {
        if (this.#output.includes(watcher.pattern)) {
          this.#watchers.splice(this.#watchers.indexOf(watcher), 1);
          watcher.done();
        }
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
  }

  /** Starts the stack and resolves once its banner named its URLs. */
  static async start(options: LocalStackProcessOptions): Promise<LocalStackProcess> {
    const args = [
      ...localStackArgs(options.dataDir),
      '--speed',
      String(options.speed),
      '--polish-delay-ms',
      String(options.polishDelayMs ?? 0),
    ];
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    const stack = new LocalStackProcess(child);
    const died = stack.#exited.then(() => {
      throw new LocalStackProcessError(`the local stack exited before it was ready:\n${stack.#output}`);
    });
    await Promise.race([stack.waitForOutput('Stop: Ctrl-C', options.readyTimeoutMs ?? 90_000), died]);
    stack.url = /Webhook\s+POST (\S+)\/webhook/.exec(stack.#output)?.[1] ?? '';
    stack.mailViewer = /Mail viewer\s+(\S+)/.exec(stack.#output)?.[1] ?? '';
    return stack;
  }

  get output(): string {
    return this.#output;
  }

  /** How often `text` appears in the output so far. */
  count(text: string): number {
    return this.#output.split(text).length - 1;
  }

  /** Resolves once `pattern` appears in the output (at once if it already has). */
  waitForOutput(pattern: string, timeoutMs: number): Promise<void> {
    if (this.#output.includes(pattern)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#watchers.splice(this.#watchers.indexOf(watcher), 1);
        reject(
          new LocalStackProcessError(`no "${pattern}" within ${timeoutMs} ms:\n${this.#output.slice(-2000)}`),
        );
      }, timeoutMs);
      const watcher = {
        pattern,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.#watchers.push(watcher);
    });
  }

  /** SIGKILL to the whole process group: nothing gets to flush or clean up. */
  async kill(): Promise<void> {
    if (this.#child.pid !== undefined && this.#child.exitCode === null) {
      try {
        process.kill(-this.#child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await this.#exited;
  }

  /** Ctrl-C: a clean stop. */
  async stop(): Promise<void> {
    if (this.#child.pid !== undefined && this.#child.exitCode === null) {
      process.kill(-this.#child.pid, 'SIGTERM');
    }
    await this.#exited;
  }
}

/** The emails the local SES kept under the data folder (what the mail viewer shows after a restart). */
export async function journaledEmails(dataDir: string): Promise<StoredEmail[]> {
  let text: string;
  try {
    text = await readFile(join(dataDir, 'ses', 'emails.jsonl'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .slice(0, -1)
    .map((line) => JSON.parse(line) as StoredEmail);
}
