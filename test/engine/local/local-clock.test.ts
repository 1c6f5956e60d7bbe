import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openLocalClock } from '#engine/local/local-clock.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const WALL = Date.parse('2030-01-02T03:04:00.000Z');

describe('openLocalClock', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    vi.useFakeTimers({ now: WALL, toFake: ['Date'] });
    dir = await mkdtemp(join(tmpdir(), 'cr-clock-'));
    file = join(dir, 'clock.json');
  });

  afterEach(async () => {
    vi.useRealTimers();
    await rm(dir, { recursive: true, force: true });
  });

  it('continues a faster clock across a restart, counting the time stopped at its speed', async () => {
    // Prepare
    const first = await openLocalClock(file, 60, silent);
    vi.setSystemTime(WALL + 10_000);
    const beforeCrash = first.now();
    vi.setSystemTime(WALL + 12_000);

    // Act
    const second = await openLocalClock(file, 60, silent);

    // Assess
    expect(beforeCrash).toBe(WALL + 600_000);
    expect(second.now()).toBe(WALL + 720_000);
  });

  it('continues from the same time when restarted at another speed, then runs at the new one', async () => {
    await openLocalClock(file, 60, silent);
    vi.setSystemTime(WALL + 10_000);

    const faster = await openLocalClock(file, 120, silent);
    const atRestart = faster.now();
    vi.setSystemTime(WALL + 11_000);

    expect(atRestart).toBeCloseTo(WALL + 600_000, 0);
    expect(faster.now()).toBeCloseTo(WALL + 720_000, 0);
  });

  it('is the wall clock at speed 1', async () => {
    await openLocalClock(file, 60, silent);
    vi.setSystemTime(WALL + 10_000);

    const clock = await openLocalClock(file, 1, silent);

    expect(clock.now()).toBe(WALL + 10_000);
  });

  it('refuses a file that is not a clock file', async () => {
    await writeFile(file, '{"speed":"fast"}');

    await expect(openLocalClock(file, 60, silent)).rejects.toMatchObject({ name: 'LocalStateFileError' });
  });
});
