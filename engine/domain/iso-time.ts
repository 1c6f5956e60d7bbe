/**
 * Times as the engine stores them: UTC ISO-8601 strings with milliseconds
 * ("2026-06-10T14:00:00.000Z"), the form `Date#toISOString` writes. A cart's decision reads and writes
 * several of them, and V8's `toISOString` and `Date.parse` are general C++ routines (about 480 and 160
 * ns here); these do the one canonical form with integer arithmetic (about 90 and 60 ns in a loop,
 * before the string is laid out flat) and hand anything else to `Date`, so they always agree with it
 * (test/engine/domain/iso-time.test.ts holds them to that).
 */

const DAY = 86_400_000;
/** Years 0000-9999: the range `toISOString` writes with four digits and no sign. */
const FIRST = Date.parse('0000-01-01T00:00:00.000Z');
const LAST = Date.parse('9999-12-31T23:59:59.999Z');
const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

// Times come in runs on the same day: the date part is kept for the last day formatted.
let lastDay = Number.NaN;
let dayPrefix = '';

// A use case formats its `now` several times (audit context, records, decisions): the last is kept.
let lastMs = Number.NaN;
let lastText = '';

/** `new Date(ms).toISOString()`. Throws the same RangeError for a time Date cannot hold. */
export function isoTime(ms: number): string {
  if (ms === lastMs) return lastText;
  if (!(ms >= FIRST && ms <= LAST) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY);
  if (days !== lastDay) {
    dayPrefix = `${civilDate(days)}T`;
    lastDay = days;
  }
  let rest = ms - days * DAY;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  const text = `${dayPrefix}${TWO[hour]}:${TWO[minute]}:${TWO[second]}.${THREE[milli]}Z`;
  // Joined strings are kept as a tree of their parts until first read; reading one character makes V8
  // lay it out flat now, so a stored time costs the 24 bytes of one string, not a tree of pieces.
  text.charCodeAt(0);
  lastMs = ms;
  lastText = text;
  return text;
}

/** `Date.parse(text)`: NaN for what it cannot read. */
export function timeOf(text: string): number {
  if (
    text.length !== 24 ||
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 84 || // T
    text.charCodeAt(13) !== 58 || // :
    text.charCodeAt(16) !== 58 ||
    text.charCodeAt(19) !== 46 || // .
    text.charCodeAt(23) !== 90 // Z
  ) {
    return Date.parse(text);
  }
  const century = digits(text, 0);
  const year = digits(text, 2);
  const month = digits(text, 5);
  const day = digits(text, 8);
  const hour = digits(text, 11);
  const minute = digits(text, 14);
  const second = digits(text, 17);
  const centi = digits(text, 20);
  const last = text.charCodeAt(22) - 48;
  // Day 29-31 would need the month's length: rare enough to leave to Date, which knows it.
  if (
    century < 0 ||
    year < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 28 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59 ||
    centi < 0 ||
    last < 0 ||
    last > 9
  ) {
    return Date.parse(text);
  }
  return (
    daysFromCivil(century * 100 + year, month, day) * DAY +
    ((hour * 60 + minute) * 60 + second) * 1000 +
    centi * 10 +
    last
  );
}

/** Two ASCII digits at `at` as a number, or -1. */
function digits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

// Days since 1970-01-01 to and from a proleptic Gregorian date, in 400-year eras (H. Hinnant's method).

function civilDate(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const m = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * m + 2) / 5) + 1;
  const month = m < 10 ? m + 3 : m - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${TWO[Math.floor(year / 100)]}${TWO[year % 100]}-${TWO[month]}-${TWO[day]}`;
}

function daysFromCivil(y: number, month: number, day: number): number {
  const year = month <= 2 ? y - 1 : y;
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
