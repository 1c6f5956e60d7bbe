import { DateTime, IANAZone } from 'luxon';

const validity = new Map<string, boolean>();

/** True for an IANA zone name this runtime knows, such as `Europe/Berlin` or `Asia/Kolkata`. */
export function isTimeZone(name: string): boolean {
  let known = validity.get(name);
  if (known === undefined) {
    known = IANAZone.isValidZone(name) && !/^(utc|gmt)[+-]/i.test(name);
    validity.set(name, known);
  }
  return known;
}

/** Minutes since local midnight of an instant in a zone (09:30 → 570). */
export function localMinuteOfDay(at: number, zone: string): number {
  const local = DateTime.fromMillis(at, { zone });
  return local.hour * 60 + local.minute;
}

/**
 * The first instant at or after `from` whose local wall-clock time in `zone` is `minuteOfDay`.
 * A wall time skipped by a DST change resolves to the first valid instant after the gap.
 */
export function nextLocalTime(from: number, zone: string, minuteOfDay: number): number {
  const local = DateTime.fromMillis(from, { zone });
  const hour = Math.floor(minuteOfDay / 60);
  const minute = minuteOfDay % 60;
  let candidate = local.set({ hour, minute, second: 0, millisecond: 0 });
  if (candidate.toMillis() < from) {
    candidate = local.plus({ days: 1 }).set({ hour, minute, second: 0, millisecond: 0 });
  }
  return candidate.toMillis();
}

/** Formats an instant as local `YYYY-MM-DD HH:mm` in a zone, for reasons a person reads. */
export function formatLocal(at: number, zone: string): string {
  return DateTime.fromMillis(at, { zone }).toFormat('yyyy-MM-dd HH:mm');
}
