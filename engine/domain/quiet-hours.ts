import { quietWindow, type Rules } from './rules.js';
import { localMinuteOfDay, nextLocalTime } from './time-zone.js';

/**
 * Whether an instant falls in quiet hours in a zone (the shopper's, or else the store's): start
 * inclusive, end exclusive, across midnight too; a start equal to the end holds no minute at all.
 */
export function isQuiet(rules: Rules, at: number, zone: string): boolean {
  const { start, end } = quietWindow(rules);
  const minute = localMinuteOfDay(at, zone);
  return start <= end ? minute >= start && minute < end : minute >= start || minute < end;
}

/**
 * When a reminder due at `at` may go: `at` itself outside quiet hours, else the next local end of
 * quiet hours in `zone` (the next morning, not a gap the clocks open at night). Correct across DST
 * changes and half-hour zones; when clocks jump over the end, the jump is the end.
 */
export function outsideQuietHours(rules: Rules, at: number, zone: string): number {
  if (!isQuiet(rules, at, zone)) return at;
  const { end } = quietWindow(rules);
  const first = nextLocalTime(at, zone, end);
  // A quiet day so long that its only open minutes fall inside a spring gap has its jump land in
  // quiet hours again: the next day's end is the first open minute.
  return isQuiet(rules, first, zone) ? nextLocalTime(first + 60_000, zone, end) : first;
}
