import { writeSync } from 'node:fs';

/**
 * Buffers lines for a file descriptor and writes them in large chunks: a month of output is a
 * million lines, and one write per line would dominate the run.
 */
export class LineWriter {
  #buffer: string[] = [];
  #size = 0;
  constructor(private readonly fd: number) {}

  write(line: string): void {
    this.#buffer.push(line);
    this.#size += line.length + 1;
    if (this.#size > 1 << 16) this.flush();
  }

  flush(): void {
    if (this.#buffer.length === 0) return;
    const chunk = `${this.#buffer.join('\n')}\n`;
    this.#buffer = [];
    this.#size = 0;
    let offset = 0;
    const bytes = Buffer.from(chunk);
    try {
      while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset);
    } catch (error) {
      endOnWriteError(error);
    }
  }
}

/**
 * A failed write ends the command: quietly when the reader stopped early (`| head`), as a broken
 * pipe ends any Unix tool, else with the reason (a full disk). Thrown, it would surface inside the
 * engine as a failed send: a reminder's output line is written while the reminder is sent.
 */
function endOnWriteError(error: unknown): never {
  if ((error as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0);
  console.error(
    `cart-recovery: cannot write the output: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
}

/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal. At 100% it ends its line,
 * once: later calls draw nothing.
 */
export function progressBar(label: string, from: number, to: number): (now: number, lines: number) => void {
  if (!process.stderr.isTTY) return () => {};
  let done = false;
  return (now, lines) => {
    if (done) return;
    const share = Math.min(1, Math.max(0, (now - from) / Math.max(1, to - from)));
    const width = 30;
    const filled = Math.round(share * width);
    const day = new Date(now).toISOString().slice(0, 10);
    process.stderr.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${day} ${lines.toLocaleString('en-US')} lines`,
    );
    done = share >= 1;
    if (done) process.stderr.write('\n');
  };
}
