/**
 * The local stack's business clock. At `--speed N` it runs N times faster than the wall clock, and it
 * is kept under the data folder so a restart continues it: the carts, schedules and queued messages
 * stored by an earlier run name times on that clock, and a clock that jumped back on restart would
 * leave them in its future (a wake-up late by the whole earlier run, a claim too young to take over).
 */
import * as z from 'zod';
import type { Logger } from '../ports.js';
import { readJsonFile, writeAtomically } from './atomic-json-file.js';

const clockSchema = z.object({ version: z.literal(1), speed: z.number().min(1), origin: z.number() });

export interface LocalClock {
  speed: number;
  /** The wall-clock instant (epoch ms) at which business time equals wall time. */
  origin: number;
  now(): number;
}

/** Business time at wall time `wall` on a clock of `speed` from `origin`. */
const timeOn = (speed: number, origin: number, wall: number) => origin + (wall - origin) * speed;

/**
 * The clock of a run at `speed`, continuing the one in `file` (which it then holds): the time stopped
 * counts at the earlier run's speed, so business time never goes back. At speed 1 the clock is the
 * wall clock, and a faster earlier clock is left behind (its times may lie ahead).
 * @throws LocalStateFileError for a file that is not a clock file.
 */
export async function openLocalClock(file: string, speed: number, log: Logger): Promise<LocalClock> {
  const wall = Date.now();
  const saved = await readJsonFile(file, clockSchema, 'local clock');
  if (speed <= 1) {
    if (saved && timeOn(saved.speed, saved.origin, wall) > wall) {
      log.warn('the faster clock of an earlier run is not continued at speed 1', {
        earlierSpeed: saved.speed,
      });
    }
    return { speed: 1, origin: wall, now: Date.now };
  }
  let origin = wall;
  if (saved && saved.speed === speed) origin = saved.origin;
  else if (saved && saved.speed > 1) {
    // The origin from which this speed reaches, now, the time the earlier clock shows now.
    origin = (wall * speed - timeOn(saved.speed, saved.origin, wall)) / (speed - 1);
  }
  await writeAtomically(file, `${JSON.stringify({ version: 1, speed, origin })}\n`);
  return { speed, origin, now: () => timeOn(speed, origin, Date.now()) };
}
