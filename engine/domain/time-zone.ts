const MINUTE = 60_000;
const DAY = 86_400_000;
/** Every real zone changes its offset only at a whole quarter hour (UTC), so offsets are cached per quarter. */
const QUARTER = 15 * MINUTE;

const validity = new Map<string, boolean>();
const offsets = new Map<string, Map<number, number>>();

/** True for an IANA zone name this runtime knows, such as `Europe/Berlin` or `Asia/Kolkata`. */
export function isTimeZone(name: string): boolean {
  let known = validity.get(name);
  if (known === undefined) {
    known = /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(name) && formatterFor(name) !== undefined;
    if (validity.size < 10_000) validity.set(name, known);
  }
  return known;
}

const formatters = new Map<string, Intl.DateTimeFormat | undefined>();

function formatterFor(zone: string): Intl.DateTimeFormat | undefined {
  if (!formatters.has(zone)) {
    let formatter: Intl.DateTimeFormat | undefined;
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      formatter = undefined;
    }
    formatters.set(zone, formatter);
  }
  return formatters.get(zone);
}

/** The zone's offset at an instant, asked of Intl: the local wall time read as UTC, minus the instant. */
function intlOffset(at: number, zone: string): number {
  const formatter = formatterFor(zone);
  if (!formatter) throw new RangeError(`unknown time zone ${zone}`);
  const part: Record<string, number> = {};
  for (const { type, value } of formatter.formatToParts(at)) part[type] = Number(value);
  const wall = Date.UTC(
    part.year ?? 0,
    (part.month ?? 1) - 1,
    part.day ?? 1,
    part.hour ?? 0,
    part.minute ?? 0,
    part.second ?? 0,
  );
  return wall - (at - (((at % 1000) + 1000) % 1000));
}

/**
 * The zone's UTC offset in ms at an instant. Asking Intl is slow, so each UTC day is asked twice: when
 * its first and last quarter hour agree (no DST change that day) the whole day is cached as one
 * offset; a changing day is cached quarter hour by quarter hour.
 */
export function offsetAt(at: number, zone: string): number {
  const offset = dayOffset(Math.floor(at / DAY), zone);
  if (!Number.isNaN(offset)) return offset;
  const cache = offsets.get(zone) as Map<number, number>;
  const quarterKey = -1 - Math.floor(at / QUARTER);
  let exact = cache.get(quarterKey);
  if (exact === undefined) {
    exact = intlOffset(Math.floor(at / QUARTER) * QUARTER, zone);
    cache.set(quarterKey, exact);
  }
  return exact;
}

/** The zone's offset all through one UTC day (days since the epoch), or NaN if it changes that day. */
function dayOffset(day: number, zone: string): number {
  let cache = offsets.get(zone);
  if (!cache) {
    cache = new Map();
    offsets.set(zone, cache);
  }
  let offset = cache.get(day);
  if (offset === undefined) {
    const first = intlOffset(day * DAY, zone);
    offset = first === intlOffset((day + 1) * DAY - QUARTER, zone) ? first : Number.NaN;
    cache.set(day, offset);
  }
  return offset;
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
  if (!Number.isNaN(steady) && dayOffset(day + 1, zone) === steady) {
    const at = Math.floor((from + steady) / DAY) * DAY + minuteOfDay * MINUTE - steady;
    return at >= from ? at : at + DAY;
  }
  const wallNow = from + offsetAt(from, zone);
  const midnight = Math.floor(wallNow / DAY) * DAY;
  for (const dayStart of [midnight - DAY, midnight, midnight + DAY, midnight + 2 * DAY]) {
    for (const at of instantsOfWallTime(dayStart + minuteOfDay * MINUTE, zone)) {
      if (at >= from) return at;
    }
  }
  throw new Error(`no local ${minuteOfDay} min found after ${new Date(from).toISOString()} in ${zone}`);
}

/**
 * Every instant a local wall time (ms since the epoch, read as if UTC) happens in a zone, earliest
 * first: one as a rule, two when clocks go back over it, and for a wall time skipped when clocks
 * jump forward, the instant of the jump.
 */
function instantsOfWallTime(wall: number, zone: string): number[] {
  const found = new Set<number>();
  // Offsets within a day either side cover every real DST change (at most a few hours).
  for (const probe of [wall - DAY / 2, wall, wall + DAY / 2]) {
    const at = wall - offsetAt(probe, zone);
    if (at + offsetAt(at, zone) === wall) found.add(at);
  }
  if (found.size > 0) return [...found].sort((a, b) => a - b);
  return [
    jumpAfter(
      wall - offsetAt(wall - DAY / 2, zone) - DAY / 2,
      wall - offsetAt(wall + DAY / 2, zone) + DAY / 2,
      zone,
    ),
  ];
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
