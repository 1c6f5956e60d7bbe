import { BoundedCache } from './bounded-cache.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Every real zone changes its offset only at a whole quarter hour (UTC): the step a change is searched in. */
const QUARTER = 15 * MINUTE;

/** True for an IANA zone name this runtime knows, such as `Europe/Berlin` or `Asia/Kolkata`, or `UTC`. */
export function isTimeZone(name: string): boolean {
  // Rules and carts name a place: an area and a location, or UTC. Intl also takes fixed offsets
  // ("+02:00", from Node 22) and one-word legacy names: "EST", "MST" and "HST" are zones without
  // summer time, so an owner in New York who typed "EST" would have quiet hours an hour off all summer.
  return name === 'UTC' || (name.includes('/') && wallClockIn(name) !== undefined);
}

// Building an Intl.DateTimeFormat costs about ten times a format with it, and a decision reads the
// clock of its store's zone and a shopper's several times (docs/performance.md). A store has one zone
// and its shoppers a few dozen between them; 64 keeps them all, and names that are no zone at all
// (sent in cart events) cannot grow it.
const wallClocks = new BoundedCache<string, Intl.DateTimeFormat | undefined>(64);

/** A formatter of the wall clock in `zone`, or undefined when the runtime does not know the zone. */
function wallClockIn(zone: string): Intl.DateTimeFormat | undefined {
  return wallClocks.getOrMake(zone, makeWallClock);
}

function makeWallClock(zone: string): Intl.DateTimeFormat | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    // Stryker reads a directive only before a statement, so this one stands on the catch itself.
  } catch /* Stryker disable next-line BlockStatement: an empty catch block returns undefined all the same. */ {
    return undefined;
  }
}

/** The zone's offset at an instant, asked of Intl: the local wall time read as UTC, minus the instant (to the second). */
function intlOffset(at: number, zone: string): number {
  const formatter = wallClockIn(zone);
  if (!formatter) throw new RangeError(`unknown time zone ${zone}`);
  const part: Record<string, number> = {};
  for (const { type, value } of formatter.formatToParts(at)) part[type] = Number(value);
  const wall = Date.UTC(
    part.year as number,
    (part.month as number) - 1,
    part.day as number,
    part.hour as number,
    part.minute as number,
    part.second as number,
  );
  return wall - (at - (((at % 1000) + 1000) % 1000));
}

// Every decision reads the offset of its store's zone and its shopper's, several times, and a
// simulated month makes a decision per wake-up: asking Intl each time took a third of a simulation
// (docs/performance.md). Offsets are kept per zone and UTC day; 4,096 days hold a simulated year of
// a store and ten shoppers' zones, or a month of a hundred and thirty.
const steadyOffsets = new BoundedCache<string, number>(4096);

/** The zone's offset all through one UTC day (days since the epoch), or NaN if it changes that day. */
function dayOffset(day: number, zone: string): number {
  return steadyOffsets.getOrMake(`${day} ${zone}`, () => {
    const first = intlOffset(day * DAY, zone);
    // Zones change at most twice a year, months apart: equal ends mean no change in between.
    // Stryker disable next-line ConditionalExpression,ArithmeticOperator: always NaN, or reading a quarter hour into the next day, only sends more reads to Intl (slower, same offsets).
    return first === intlOffset((day + 1) * DAY - QUARTER, zone) ? first : Number.NaN;
  });
}

/**
 * The zone's UTC offset in ms at an instant.
 * @throws RangeError for a zone the runtime does not know.
 * @example offsetAt(Date.parse('2026-07-01T12:00:00Z'), 'Europe/Berlin') // 7_200_000
 */
export function offsetAt(at: number, zone: string): number {
  const steady = dayOffset(Math.floor(at / DAY), zone);
  return Number.isNaN(steady) ? intlOffset(at, zone) : steady;
}

/** Minutes since local midnight of an instant in a zone (09:30 → 570). */
export function localMinuteOfDay(at: number, zone: string): number {
  const wall = at + offsetAt(at, zone);
  return Math.floor((((wall % DAY) + DAY) % DAY) / MINUTE);
}

/**
 * The first instant at or after `from` whose local wall-clock time in `zone` is `minuteOfDay`. When
 * clocks go back and the wall time happens twice, either may be the answer, whichever comes first
 * at or after `from`; when clocks jump forward over it, the answer is the instant of the jump (the
 * first local time after the gap).
 */
export function nextLocalTime(from: number, zone: string, minuteOfDay: number): number {
  // The answer lies within a day of `from`: when the offset holds all through the UTC days that day
  // spans (as on all but a few days a year), it is today's or tomorrow's wall time at that offset.
  const day = Math.floor(from / DAY);
  const steady = dayOffset(day, zone);
  // Stryker disable next-line ConditionalExpression,BooleanLiteral,BlockStatement: skipping the shortcut only costs Intl reads; the search below finds the same instant
  if (!Number.isNaN(steady) && dayOffset(day + 1, zone) === steady) {
    const at = Math.floor((from + steady) / DAY) * DAY + minuteOfDay * MINUTE - steady;
    return at >= from ? at : at + DAY;
  }
  // `from` falls on the local day starting at `midnight`; the wall time on the next day, or the jump
  // over it, always comes after `from`, so one of these three days holds the answer.
  const midnight = Math.floor((from + offsetAt(from, zone)) / DAY) * DAY;
  for (const dayStart of [midnight - DAY, midnight, midnight + DAY]) {
    for (const at of instantsOfWallTime(dayStart + minuteOfDay * MINUTE, zone)) {
      if (at >= from) return at;
    }
  }
  // Stryker disable next-line StringLiteral: unreachable, one of the three days always holds the answer
  throw new Error(`no local ${minuteOfDay} min found after ${new Date(from).toISOString()} in ${zone}`);
}

/**
 * Every instant a local wall time (ms since the epoch, read as if UTC) happens in a zone, earliest
 * first: one as a rule, two when clocks go back over it, and for a wall time skipped when clocks
 * jump forward, the instant of the jump.
 */
function instantsOfWallTime(wall: number, zone: string): number[] {
  // The instant of a wall time lies within 14 h of it (offsets run from -12 h to +14 h), so the offsets
  // in force a day either side are the two it may be read with, around the one change there can be.
  const before = offsetAt(wall - DAY, zone);
  const after = offsetAt(wall + DAY, zone);
  const found = new Set<number>();
  for (const offset of [after, before]) {
    const at = wall - offset;
    if (at + offsetAt(at, zone) === wall) found.add(at);
  }
  if (found.size > 0) return [...found].sort((a, b) => a - b);
  // Skipped: clocks went forward (after > before) between the two readings.
  return [jumpAfter(wall - after, wall - before, zone)];
}

/** The instant a zone's offset changes between `low` and `high` (ms), found by halving quarter hours. */
function jumpAfter(low: number, high: number, zone: string): number {
  let lo = Math.floor(low / QUARTER);
  let hi = Math.ceil(high / QUARTER);
  const before = offsetAt(lo * QUARTER, zone);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(mid * QUARTER, zone) === before) lo = mid;
    else hi = mid;
  }
  return hi * QUARTER;
}

/** Formats an instant as local `YYYY-MM-DD HH:mm` in a zone, for reasons a person reads. */
export function formatLocal(at: number, zone: string): string {
  return new Date(at + offsetAt(at, zone)).toISOString().slice(0, 16).replace('T', ' ');
}
