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

describe('isTimeZone (names)', () => {
  it('knows names of three parts and names with signs, dashes and digits', () => {
    // Act / Assess
    expect(
      ['America/Argentina/Buenos_Aires', 'Etc/GMT+5', 'Etc/GMT-14', 'America/Port-au-Prince', 'Etc/GMT0'].map(
        isTimeZone,
      ),
    ).toEqual([true, true, true, true, true]);
  });

  it('refuses what Intl might read but is no place: offsets, stray slashes and spaces', () => {
    // Act / Assess
    expect(
      [
        '+02:00',
        'Europe/Berlin/',
        '/Europe',
        'Europe//Berlin',
        'Europe/Berlin ',
        ' UTC',
        'EST5EDT',
        'Etc/GMT+99',
      ].map(isTimeZone),
    ).toEqual([false, false, false, false, false, false, false, false]);
  });

  it('refuses a zone of one word, an abbreviation without summer time, but knows UTC', () => {
    // Act / Assess
    expect(['EST', 'MST', 'HST', 'CET', 'GMT', 'Japan', 'UTC', 'Etc/UTC'].map(isTimeZone)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      true,
      true,
    ]);
  });

  it('gives the same answer when asked again', () => {
    // Act / Assess
    expect([isTimeZone('Pacific/Chatham'), isTimeZone('Pacific/Chatham')]).toEqual([true, true]);
    expect([isTimeZone('Mars/Olympus'), isTimeZone('Mars/Olympus')]).toEqual([false, false]);
  });
});

describe('offsetAt', () => {
  it('throws a RangeError for a zone the runtime does not know', () => {
    // Act / Assess
    expect(() => offsetAt(0, 'Mars/Olympus')).toThrow(new RangeError('unknown time zone Mars/Olympus'));
  });

  it('is whole milliseconds for instants with milliseconds, before 1970 too', () => {
    // Act / Assess
    expect(offsetAt(ms('2026-06-10T12:00:00.999Z'), 'Europe/Berlin')).toBe(2 * HOUR);
    expect(offsetAt(-1, 'Europe/Berlin')).toBe(HOUR);
    expect(offsetAt(-1500, 'America/New_York')).toBe(-5 * HOUR);
    expect(offsetAt(1500, 'UTC')).toBe(0);
  });

  it('reads a change day to the millisecond, before 1970 too', () => {
    // Act / Assess: Berlin springs forward at 01:00Z on 29 March 2026, New York did at 07:00Z on
    // 27 April 1969.
    expect(offsetAt(ms('2026-03-29T00:59:59.999Z'), 'Europe/Berlin')).toBe(HOUR);
    expect(offsetAt(ms('2026-03-29T01:00:00.500Z'), 'Europe/Berlin')).toBe(2 * HOUR);
    expect(offsetAt(ms('1969-04-27T06:59:59.500Z'), 'America/New_York')).toBe(-5 * HOUR);
    expect(offsetAt(ms('1969-04-27T07:00:00.500Z'), 'America/New_York')).toBe(-4 * HOUR);
  });

  it('changes in Auckland (+13/+12), Chatham (+13:45/+12:45) and Lord Howe (half an hour) in 2026', () => {
    // Act / Assess: New Zealand goes back on 5 April (14:00Z on the 4th) and forward on 27 September
    // (14:00Z on the 26th); Chatham changes at the same instants, 45 minutes ahead of Auckland.
    expect(offsetAt(ms('2026-04-04T13:59:00Z'), 'Pacific/Auckland')).toBe(13 * HOUR);
    expect(offsetAt(ms('2026-04-04T14:00:00Z'), 'Pacific/Auckland')).toBe(12 * HOUR);
    expect(offsetAt(ms('2026-09-26T13:59:00Z'), 'Pacific/Auckland')).toBe(12 * HOUR);
    expect(offsetAt(ms('2026-09-26T14:00:00Z'), 'Pacific/Auckland')).toBe(13 * HOUR);
    expect(offsetAt(ms('2026-04-04T13:59:00Z'), 'Pacific/Chatham')).toBe(13.75 * HOUR);
    expect(offsetAt(ms('2026-04-04T14:00:00Z'), 'Pacific/Chatham')).toBe(12.75 * HOUR);
    expect(offsetAt(ms('2026-10-03T15:29:00Z'), 'Australia/Lord_Howe')).toBe(10.5 * HOUR);
    expect(offsetAt(ms('2026-10-03T15:30:00Z'), 'Australia/Lord_Howe')).toBe(11 * HOUR);
  });

  it('is +14 in Kiritimati, which skipped 31 December 1994 to leave -10 for the west of the date line', () => {
    // Act / Assess
    expect(offsetAt(ms('2026-06-10T00:00:00Z'), 'Pacific/Kiritimati')).toBe(14 * HOUR);
    expect(offsetAt(ms('1994-12-31T09:59:00Z'), 'Pacific/Kiritimati')).toBe(-10 * HOUR);
    expect(offsetAt(ms('1994-12-31T10:00:00Z'), 'Pacific/Kiritimati')).toBe(14 * HOUR);
  });

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

  it('gives the jump itself when starting at the very instant of it', () => {
    // Act: from 01:00Z on 29 March, the instant Berlin jumps from 02:00 CET to 03:00 CEST.
    const next = nextLocalTime(ms('2026-03-29T01:00:00Z'), 'Europe/Berlin', hhmm(2, 30));

    // Assess
    expect(new Date(next).toISOString()).toBe('2026-03-29T01:00:00.000Z');
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

describe('nextLocalTime (zones at +12 h and beyond)', () => {
  const at = (from: string, zone: string, minute: number) =>
    new Date(nextLocalTime(ms(from), zone, minute)).toISOString();

  it('finds 00:30 on the next local day from 01:00 on the Auckland autumn change day (+13)', () => {
    // Prepare: 01:00 NZDT on 5 April 2026, hours before clocks go back at 03:00 NZDT (14:00Z).
    const from = Date.parse('2026-04-04T12:00:00Z');

    // Act
    const at = nextLocalTime(from, 'Pacific/Auckland', 30);

    // Assess: 00:30 NZST on 6 April.
    expect(new Date(at).toISOString()).toBe('2026-04-05T12:30:00.000Z');
  });

  it('takes the first of the two 02:30s of the Auckland autumn night (+13 then +12)', () => {
    // Act / Assess: from 01:00 NZDT (12:00Z); clocks go back from 03:00 NZDT to 02:00 NZST at 14:00Z.
    expect(at('2026-04-04T12:00:00Z', 'Pacific/Auckland', hhmm(2, 30))).toBe('2026-04-04T13:30:00.000Z');
    expect(at('2026-04-04T13:45:00Z', 'Pacific/Auckland', hhmm(2, 30))).toBe('2026-04-04T14:30:00.000Z');
    expect(at('2026-04-04T12:00:00Z', 'Pacific/Auckland', hhmm(8))).toBe('2026-04-04T20:00:00.000Z');
  });

  it('resolves the skipped Auckland spring hour to the jump and finds 08:00 NZDT after it', () => {
    // Act / Assess: from 00:00 NZST (12:00Z); at 02:00 NZST (14:00Z) clocks jump to 03:00 NZDT.
    expect(at('2026-09-26T12:00:00Z', 'Pacific/Auckland', hhmm(2, 30))).toBe('2026-09-26T14:00:00.000Z');
    expect(at('2026-09-26T12:00:00Z', 'Pacific/Auckland', hhmm(8))).toBe('2026-09-26T19:00:00.000Z');
  });

  it('takes the first 03:00 of the Chatham autumn night (+13:45 then +12:45)', () => {
    // Act / Assess: from 01:45 CHADT (12:00Z), 03:00 CHADT = 13:15Z; clocks go back at 14:00Z.
    expect(at('2026-04-04T12:00:00Z', 'Pacific/Chatham', hhmm(3))).toBe('2026-04-04T13:15:00.000Z');
    expect(at('2026-04-04T12:00:00Z', 'Pacific/Chatham', hhmm(8))).toBe('2026-04-04T19:15:00.000Z');
  });

  it('resolves the skipped Chatham spring hour to the jump (02:45 CHAST to 03:45 CHADT)', () => {
    // Act / Assess: 03:00 does not happen on 27 September; 08:00 CHADT is 18:15Z.
    expect(at('2026-09-26T12:00:00Z', 'Pacific/Chatham', hhmm(3))).toBe('2026-09-26T14:00:00.000Z');
    expect(at('2026-09-26T12:00:00Z', 'Pacific/Chatham', hhmm(8))).toBe('2026-09-26T18:15:00.000Z');
  });

  it('finds local times in Kiritimati, +14, on the next UTC day', () => {
    // Act / Assess: 09:00Z is 23:00 local; 08:00 tomorrow is 18:00Z.
    expect(at('2026-06-10T09:00:00Z', 'Pacific/Kiritimati', hhmm(8))).toBe('2026-06-10T18:00:00.000Z');
    expect(at('2026-06-10T09:00:00Z', 'Pacific/Kiritimati', hhmm(23, 30))).toBe('2026-06-10T09:30:00.000Z');
  });

  it('resolves a time of the day Kiritimati skipped to the jump, and finds the next day after it', () => {
    // Act / Assess: from 10:00 on 30 December 1994 (-10); 31 December never happened there.
    expect(at('1994-12-30T20:00:00Z', 'Pacific/Kiritimati', hhmm(8))).toBe('1994-12-31T10:00:00.000Z');
    expect(at('1994-12-31T10:00:00Z', 'Pacific/Kiritimati', hhmm(8))).toBe('1994-12-31T10:00:00.000Z');
    expect(at('1994-12-31T10:00:00.001Z', 'Pacific/Kiritimati', hhmm(8))).toBe('1994-12-31T18:00:00.000Z');
    expect(at('1994-12-30T20:00:00Z', 'Pacific/Kiritimati', hhmm(23, 30))).toBe('1994-12-31T09:30:00.000Z');
  });

  it('finds the same time from a far-west zone across its change (Honolulu has none, Anchorage has)', () => {
    // Act / Assess: Anchorage springs forward at 02:00 AKST = 11:00Z on 8 March 2026.
    expect(at('2026-03-08T09:00:00Z', 'America/Anchorage', hhmm(8))).toBe('2026-03-08T16:00:00.000Z');
    expect(at('2026-06-10T00:00:00Z', 'Pacific/Honolulu', hhmm(8))).toBe('2026-06-10T18:00:00.000Z');
  });
});

describe('formatLocal', () => {
  it('formats an instant as local YYYY-MM-DD HH:mm', () => {
    // Act / Assess
    expect(formatLocal(ms('2026-06-10T15:45:00Z'), 'Asia/Kolkata')).toBe('2026-06-10 21:15');
    expect(formatLocal(ms('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe('2026-03-29 03:00');
    expect(formatLocal(ms('2026-06-11T03:30:00Z'), 'America/New_York')).toBe('2026-06-10 23:30');
    expect(formatLocal(ms('2026-04-04T13:30:00Z'), 'Pacific/Auckland')).toBe('2026-04-05 02:30');
    expect(formatLocal(ms('2026-04-04T14:30:00Z'), 'Pacific/Auckland')).toBe('2026-04-05 02:30');
  });
});
