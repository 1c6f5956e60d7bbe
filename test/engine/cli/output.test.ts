import { afterEach, describe, expect, it, vi } from 'vitest';
import { progressBar } from '#engine/cli/output.js';

const DAY = 86_400_000;
const from = Date.parse('2026-03-01T00:00:00Z');

/** What the bar writes to stderr while stderr is (or is not) a terminal. */
function drawn(isTTY: boolean, calls: [number, number][]): string {
  const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true });
  const written: string[] = [];
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  try {
    const bar = progressBar('simulating', from, from + 10 * DAY);
    for (const [now, lines] of calls) bar(now, lines);
  } finally {
    write.mockRestore();
    if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
  }
  return written.join('');
}

describe('progressBar', () => {
  afterEach(() => vi.restoreAllMocks());

  it('draws the share of the span done, the virtual day and the lines read, on one line', () => {
    // Act
    const text = drawn(true, [[from + 4 * DAY, 5000]]);

    // Assess
    expect(text).toBe(`\rsimulating [${'#'.repeat(12)}${'.'.repeat(18)}]  40% 2026-03-05 5,000 lines`);
  });

  it('ends its line once at 100%, past the end as well, and draws nothing after', () => {
    // Act
    const text = drawn(true, [
      [from + 5 * DAY, 10],
      [from + 40 * DAY, 20],
      [from + 41 * DAY, 30],
    ]);

    // Assess
    expect(text.match(/100%/g)).toHaveLength(1);
    expect(text.endsWith('20 lines\n')).toBe(true);
  });

  it('draws nothing when stderr is not a terminal', () => {
    // Act
    const text = drawn(false, [[from + 10 * DAY, 10]]);

    // Assess
    expect(text).toBe('');
  });
});
