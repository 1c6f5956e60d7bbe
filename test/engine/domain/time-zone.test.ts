import { describe, expect, it } from 'vitest';
import {
  formatLocal,
  isTimeZone,
  localMinuteOfDay,
  nextLocalTime,
  offsetAt,
} from '#engine/domain/time-zone.js';

const ms = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;
const hhmm = (h: number, m = 0) => h * 60 + m;

describe('isTimeZone', () => {
  it('knows IANA zone names, including half-hour ones and UTC', () => {
    // Act / Assess
    expect(['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC'].map(isTimeZone)).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });

  it('refuses unknown names and fixed offsets', () => {
    // Act / Assess
    expect(['Mars/Olympus', 'Berlin', 'UTC+2', 'gmt-5', ''].map(isTimeZone)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('offsetAt', () => {
  it('changes at the instant of the Berlin spring change, 01:00Z on 29 March 2026', () => {
    // Act / Assess: CET is UTC+1 until 00:59:59Z, CEST UTC+2 from 01:00Z.
    expect(offsetAt(ms('2026-03-29T00:59:00Z'), 'Europe/Berlin')).toBe(HOUR);
    expect(offsetAt(ms('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe(2 * HOUR);
    expect(offsetAt(ms('2026-03-29T23:59:00Z'), 'Europe/Berlin')).toBe(2 * HOUR);
  });

  it('changes back at 01:00Z on 25 October 2026 in Berlin', () => {
    // Act / Assess
    expect(offsetAt(ms('2026-10-25T00:59:00Z'), 'Europe/Berlin')).toBe(2 * HOUR);
    expect(offsetAt(ms('2026-10-25T01:00:00Z'), 'Europe/Berlin')).toBe(HOUR);
  });

  it('is +05:30 all year in Kolkata and -05:00/-04:00 in New York', () => {
    // Act / Assess
    expect(offsetAt(ms('2026-01-15T12:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * HOUR);
    expect(offsetAt(ms('2026-07-15T12:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * HOUR);
    // New York springs forward at 02:00 EST = 07:00Z on 8 March 2026.
    expect(offsetAt(ms('2026-03-08T06:59:00Z'), 'America/New_York')).toBe(-5 * HOUR);
    expect(offsetAt(ms('2026-03-08T07:00:00Z'), 'America/New_York')).toBe(-4 * HOUR);
  });
});

describe('localMinuteOfDay', () => {
  it('reads the local wall clock, half-hour zones and DST included', () => {
    // Act / Assess
    expect(localMinuteOfDay(ms('2026-06-10T00:00:00Z'), 'Asia/Kolkata')).toBe(hhmm(5, 30));
    expect(localMinuteOfDay(ms('2026-06-10T18:29:00Z'), 'Asia/Kolkata')).toBe(hhmm(23, 59));
    expect(localMinuteOfDay(ms('2026-06-10T18:30:00Z'), 'Asia/Kolkata')).toBe(0);
    // Berlin: 00:59Z is 01:59 CET; 01:00Z is already 03:00 CEST.
    expect(localMinuteOfDay(ms('2026-03-29T00:59:00Z'), 'Europe/Berlin')).toBe(hhmm(1, 59));
    expect(localMinuteOfDay(ms('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe(hhmm(3));
    // New York in June: 03:30Z is 23:30 EDT the day before.
    expect(localMinuteOfDay(ms('2026-06-11T03:30:00Z'), 'America/New_York')).toBe(hhmm(23, 30));
  });
});

describe('nextLocalTime', () => {
  it('finds 08:00 Berlin after the spring change at 06:00Z (CEST, UTC+2)', () => {
    // Act: from 00:00 CET on 29 March (23:00Z on the 28th).
    const next = nextLocalTime(ms('2026-03-28T23:00:00Z'), 'Europe/Berlin', hhmm(8));

    // Assess
    expect(new Date(next).toISOString()).toBe('2026-03-29T06:00:00.000Z');
  });

  it('resolves a Berlin wall time skipped by the spring change to the instant of the jump', () => {
    // Act: 02:00-02:59 do not happen on 29 March: at 02:00 CET (01:00Z) the clocks jump to 03:00 CEST.
    const two = nextLocalTime(ms('2026-03-28T23:00:00Z'), 'Europe/Berlin', hhmm(2));
    const twoThirty = nextLocalTime(ms('2026-03-28T23:00:00Z'), 'Europe/Berlin', hhmm(2, 30));
    const three = nextLocalTime(ms('2026-03-28T23:00:00Z'), 'Europe/Berlin', hhmm(3));

    // Assess: both skipped times give the jump, 03:00 CEST = 01:00Z, not shifted by the gap (02:30 is
    // not 03:30 CEST = 01:30Z); 03:00 itself happens, at the same instant.
    expect(new Date(two).toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(new Date(twoThirty).toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(new Date(three).toISOString()).toBe('2026-03-29T01:00:00.000Z');
  });

  it('takes the wall time skipped by the spring change on the next day when starting after the jump', () => {
    // Act: from 01:00Z = 03:00 CEST on 29 March, just after the jump.
    const next = nextLocalTime(ms('2026-03-29T01:00:00.001Z'), 'Europe/Berlin', hhmm(2, 30));

    // Assess: 02:30 CEST on 30 March = 00:30Z.
    expect(new Date(next).toISOString()).toBe('2026-03-30T00:30:00.000Z');
  });

  it('finds 08:00 Berlin after the autumn change at 07:00Z (CET, UTC+1)', () => {
    // Act: from 00:00 CEST on 25 October (22:00Z on the 24th).
    const next = nextLocalTime(ms('2026-10-24T22:00:00Z'), 'Europe/Berlin', hhmm(8));

    // Assess
    expect(new Date(next).toISOString()).toBe('2026-10-25T07:00:00.000Z');
  });

  it('takes the first of the two 02:30s of the Berlin autumn night', () => {
    // Act
    const next = nextLocalTime(ms('2026-10-24T22:00:00Z'), 'Europe/Berlin', hhmm(2, 30));

    // Assess: 02:30 CEST = 00:30Z (and again 02:30 CET = 01:30Z).
    expect(new Date(next).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('takes the second 02:30 of the Berlin autumn night when starting between the two', () => {
    // Act: from 00:45Z = 02:45 CEST, after the first 02:30 and before the second.
    const next = nextLocalTime(ms('2026-10-25T00:45:00Z'), 'Europe/Berlin', hhmm(2, 30));

    // Assess: the clocks go back at 01:00Z; 02:30 CET = 01:30Z, 45 minutes later, not the next day.
    expect(new Date(next).toISOString()).toBe('2026-10-25T01:30:00.000Z');
  });

  it('finds 08:00 New York after the spring change of 8 March 2026 at 12:00Z (EDT)', () => {
    // Act: from 00:00 EST (05:00Z).
    const eight = nextLocalTime(ms('2026-03-08T05:00:00Z'), 'America/New_York', hhmm(8));
    const skipped = nextLocalTime(ms('2026-03-08T05:00:00Z'), 'America/New_York', hhmm(2, 30));

    // Assess: 08:00 EDT = 12:00Z, not 13:00Z; 02:30 does not happen (at 02:00 EST = 07:00Z the clocks
    // jump to 03:00 EDT), so it is the jump itself: 03:00 EDT = 07:00Z, not 03:30 EDT = 07:30Z.
    expect(new Date(eight).toISOString()).toBe('2026-03-08T12:00:00.000Z');
    expect(new Date(skipped).toISOString()).toBe('2026-03-08T07:00:00.000Z');
  });

  it('finds local times in Kolkata, UTC+05:30', () => {
    // Act: from 00:00Z = 05:30 IST on 10 June.
    const from = ms('2026-06-10T00:00:00Z');
    const eight = nextLocalTime(from, 'Asia/Kolkata', hhmm(8));
    const five = nextLocalTime(from, 'Asia/Kolkata', hhmm(5));
    const now = nextLocalTime(from, 'Asia/Kolkata', hhmm(5, 30));

    // Assess: 08:00 IST = 02:30Z; 05:00 IST has passed, so tomorrow's = 23:30Z today; 05:30 is now.
    expect(new Date(eight).toISOString()).toBe('2026-06-10T02:30:00.000Z');
    expect(new Date(five).toISOString()).toBe('2026-06-10T23:30:00.000Z');
    expect(now).toBe(from);
  });

  it('returns the start itself when it is the wall time, and tomorrow one minute later', () => {
    // Prepare: 12:00Z = 08:00 EDT.
    const start = ms('2026-06-10T12:00:00Z');

    // Act
    const same = nextLocalTime(start, 'America/New_York', hhmm(8));
    const after = nextLocalTime(start + 60_000, 'America/New_York', hhmm(8));

    // Assess
    expect(same).toBe(start);
    expect(new Date(after).toISOString()).toBe('2026-06-11T12:00:00.000Z');
  });
});

describe('formatLocal', () => {
  it('formats an instant as local YYYY-MM-DD HH:mm', () => {
    // Act / Assess
    expect(formatLocal(ms('2026-06-10T15:45:00Z'), 'Asia/Kolkata')).toBe('2026-06-10 21:15');
    expect(formatLocal(ms('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe('2026-03-29 03:00');
    expect(formatLocal(ms('2026-06-11T03:30:00Z'), 'America/New_York')).toBe('2026-06-10 23:30');
  });
});
