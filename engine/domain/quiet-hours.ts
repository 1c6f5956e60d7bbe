import { quietWindow, type Rules } from './rules.js';
import { localMinuteOfDay, nextLocalTime } from './time-zone.js';

/** Whether an instant falls in quiet hours in a zone: start inclusive, end exclusive, across midnight too. */
export function isQuiet(rules: Rules, at: number, zone: string): boolean {
  const { start, end } = quietWindow(rules);
  if (start === end) return false;
  const minute = localMinuteOfDay(at, zone);
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/**
 * The earliest instant at or after `at` outside quiet hours in `zone`: `at` itself when it is not
 * quiet, else the next local end of quiet hours (correct across DST changes and half-hour zones).
 */
export function outsideQuietHours(rules: Rules, at: number, zone: string): number {
  if (!isQuiet(rules, at, zone)) return at;
  return nextLocalTime(at, zone, quietWindow(rules).end);
}
