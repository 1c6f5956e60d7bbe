import { describe, expect, it } from 'vitest';
import { isQuiet, outsideQuietHours } from '#engine/domain/quiet-hours.js';
import { sampleRules } from '#test/fakes/sample-cart.js';

const ms = (iso: string) => Date.parse(iso);
const isoOf = (at: number) => new Date(at).toISOString();
const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';
const KOLKATA = 'Asia/Kolkata';

// New York in June is EDT, UTC-4: local 21:00 = 01:00Z the next day, local 08:00 = 12:00Z.

describe('isQuiet', () => {
  it('follows quiet hours across midnight: 21:00 inclusive to 08:00 exclusive', () => {
    // Prepare
    const rules = sampleRules();
    const cases: [string, boolean][] = [
      ['2026-06-11T00:59:00Z', false], // 20:59
      ['2026-06-11T01:00:00Z', true], // 21:00
      ['2026-06-11T03:59:00Z', true], // 23:59
      ['2026-06-11T04:00:00Z', true], // 00:00
      ['2026-06-11T11:59:00Z', true], // 07:59
      ['2026-06-11T12:00:00Z', false], // 08:00
      ['2026-06-11T16:00:00Z', false], // 12:00
    ];

    // Act
    const quiet = cases.map(([at]) => isQuiet(rules, ms(at), NY));

    // Assess
    expect(quiet).toEqual(cases.map(([, expected]) => expected));
  });

  it('follows quiet hours that do not cross midnight: 12:00 inclusive to 14:00 exclusive', () => {
    // Prepare
    const rules = sampleRules({ quietHours: { start: '12:00', end: '14:00' } });
    const cases: [string, boolean][] = [
      ['2026-06-10T15:59:00Z', false], // 11:59
      ['2026-06-10T16:00:00Z', true], // 12:00
      ['2026-06-10T17:59:00Z', true], // 13:59
      ['2026-06-10T18:00:00Z', false], // 14:00
      ['2026-06-11T03:00:00Z', false], // 23:00
      ['2026-06-11T06:00:00Z', false], // 02:00
    ];

    // Act
    const quiet = cases.map(([at]) => isQuiet(rules, ms(at), NY));

    // Assess
    expect(quiet).toEqual(cases.map(([, expected]) => expected));
  });

  it('has no quiet hours when start equals end', () => {
    // Prepare
    const rules = sampleRules({ quietHours: { start: '08:00', end: '08:00' } });

    // Act / Assess
    for (const at of ['2026-06-11T01:00:00Z', '2026-06-11T12:00:00Z', '2026-06-11T06:00:00Z']) {
      expect(isQuiet(rules, ms(at), NY)).toBe(false);
    }
  });

  it('reads the local time of a half-hour zone', () => {
    // Prepare: Kolkata is UTC+05:30: 21:00 IST = 15:30Z, 08:00 IST = 02:30Z.
    const rules = sampleRules();

    // Act / Assess
    expect(isQuiet(rules, ms('2026-06-10T15:29:00Z'), KOLKATA)).toBe(false);
    expect(isQuiet(rules, ms('2026-06-10T15:30:00Z'), KOLKATA)).toBe(true);
    expect(isQuiet(rules, ms('2026-06-11T02:29:00Z'), KOLKATA)).toBe(true);
    expect(isQuiet(rules, ms('2026-06-11T02:30:00Z'), KOLKATA)).toBe(false);
  });
});

describe('outsideQuietHours', () => {
  it('returns the instant itself when it is not quiet', () => {
    // Act / Assess: 20:59 EDT.
    expect(outsideQuietHours(sampleRules(), ms('2026-06-11T00:59:00Z'), NY)).toBe(ms('2026-06-11T00:59:00Z'));
  });

  it('moves an instant in quiet hours to their local end', () => {
    // Prepare
    const rules = sampleRules();

    // Act
    const evening = outsideQuietHours(rules, ms('2026-06-11T01:30:00Z'), NY); // 21:30 EDT
    const night = outsideQuietHours(rules, ms('2026-06-11T07:00:00Z'), NY); // 03:00 EDT
    const india = outsideQuietHours(rules, ms('2026-06-10T15:45:00Z'), KOLKATA); // 21:15 IST

    // Assess: 08:00 EDT = 12:00Z; 08:00 IST = 02:30Z.
    expect(isoOf(evening)).toBe('2026-06-11T12:00:00.000Z');
    expect(isoOf(night)).toBe('2026-06-11T12:00:00.000Z');
    expect(isoOf(india)).toBe('2026-06-11T02:30:00.000Z');
  });

  it('moves an instant in quiet hours that do not cross midnight to their end', () => {
    // Act: 12:30 EDT with quiet hours 12:00-14:00.
    const end = outsideQuietHours(
      sampleRules({ quietHours: { start: '12:00', end: '14:00' } }),
      ms('2026-06-10T16:30:00Z'),
      NY,
    );

    // Assess: 14:00 EDT = 18:00Z.
    expect(isoOf(end)).toBe('2026-06-10T18:00:00.000Z');
  });

  it('ends the night of the Berlin spring change at 08:00 CEST = 06:00Z', () => {
    // Act: 21:30 CET on 28 March = 20:30Z.
    const end = outsideQuietHours(sampleRules(), ms('2026-03-28T20:30:00Z'), BERLIN);

    // Assess
    expect(isoOf(end)).toBe('2026-03-29T06:00:00.000Z');
  });

  it('ends the night of the Berlin autumn change at 08:00 CET = 07:00Z', () => {
    // Act: 22:00 CEST on 24 October = 20:00Z.
    const end = outsideQuietHours(sampleRules(), ms('2026-10-24T20:00:00Z'), BERLIN);

    // Assess
    expect(isoOf(end)).toBe('2026-10-25T07:00:00.000Z');
  });

  it('ends the night of the New York spring change at 08:00 EDT = 12:00Z', () => {
    // Act: 23:00 EST on 7 March = 04:00Z on the 8th.
    const end = outsideQuietHours(sampleRules(), ms('2026-03-08T04:00:00Z'), NY);

    // Assess
    expect(isoOf(end)).toBe('2026-03-08T12:00:00.000Z');
  });

  it('ends quiet hours at the second 02:30 of the Berlin autumn night', () => {
    // Prepare: quiet hours 22:00-02:30; 01:00Z on 25 October is 02:00 CET (the clocks just went back
    // from 03:00 CEST), inside quiet hours again.
    const rules = sampleRules({ quietHours: { start: '22:00', end: '02:30' } });

    // Act
    const end = outsideQuietHours(rules, ms('2026-10-25T01:00:00Z'), BERLIN);

    // Assess: 02:30 CET = 01:30Z, not 02:30 CET on the next day.
    expect(isoOf(end)).toBe('2026-10-25T01:30:00.000Z');
  });

  it('ends quiet hours at the spring jump when their end falls in the skipped hour', () => {
    // Prepare: quiet hours 22:00-02:30; 00:30Z on 29 March is 01:30 CET. At 01:00Z the clocks jump
    // from 02:00 CET to 03:00 CEST, past 02:30: from then on it is no longer quiet.
    const rules = sampleRules({ quietHours: { start: '22:00', end: '02:30' } });

    // Act
    const end = outsideQuietHours(rules, ms('2026-03-29T00:30:00Z'), BERLIN);

    // Assess: the earliest instant outside quiet hours is 03:00 CEST = 01:00Z.
    expect(isQuiet(rules, ms('2026-03-29T01:00:00Z'), BERLIN)).toBe(false);
    expect(isoOf(end)).toBe('2026-03-29T01:00:00.000Z');
  });

  it('defers a reminder due at a time with seconds to the end of quiet hours exactly', () => {
    // Prepare
    const rules = sampleRules();

    // Act: 21:30:45.123 EDT and 07:59:59.999 EDT, both quiet.
    const evening = outsideQuietHours(rules, ms('2026-06-11T01:30:45.123Z'), NY);
    const lastMoment = outsideQuietHours(rules, ms('2026-06-11T11:59:59.999Z'), NY);

    // Assess: 08:00:00.000 EDT, not 08:00:45.123.
    expect(isoOf(evening)).toBe('2026-06-11T12:00:00.000Z');
    expect(isoOf(lastMoment)).toBe('2026-06-11T12:00:00.000Z');
  });

  it('keeps a time with seconds just outside quiet hours as it is', () => {
    // Act / Assess: 20:59:59.999 EDT and 08:00:00.001 EDT.
    expect(outsideQuietHours(sampleRules(), ms('2026-06-11T00:59:59.999Z'), NY)).toBe(
      ms('2026-06-11T00:59:59.999Z'),
    );
    expect(outsideQuietHours(sampleRules(), ms('2026-06-11T12:00:00.001Z'), NY)).toBe(
      ms('2026-06-11T12:00:00.001Z'),
    );
  });

  it("takes the next day's end when the spring jump lands in quiet hours again", () => {
    // Prepare: quiet from 03:00 to 02:30, open only 02:30-03:00; on 29 March Berlin skips 02:00-03:00,
    // so the jump to 03:00 CEST (01:00Z) is quiet already and that day has no open minute.
    const rules = sampleRules({ quietHours: { start: '03:00', end: '02:30' } });

    // Act: from 00:00 CET on 29 March.
    const end = outsideQuietHours(rules, ms('2026-03-28T23:00:00Z'), BERLIN);

    // Assess: 02:30 CEST on 30 March = 00:30Z.
    expect(isQuiet(rules, ms('2026-03-29T01:00:00Z'), BERLIN)).toBe(true);
    expect(isoOf(end)).toBe('2026-03-30T00:30:00.000Z');
  });

  it("reads quiet hours in the zone it is given, a shopper's, not the store's", () => {
    // Prepare: a Berlin store with a New York shopper.
    const rules = sampleRules({ store: { timezone: BERLIN } });

    // Act: 20:00Z is 22:00 in Berlin but 16:00 in New York; 02:00Z is 22:00 in New York, 04:00 in Berlin.
    const afternoon = outsideQuietHours(rules, ms('2026-06-10T20:00:00Z'), NY);
    const night = outsideQuietHours(rules, ms('2026-06-11T02:00:00Z'), NY);

    // Assess: New York's 08:00 EDT (12:00Z), not Berlin's 08:00 CEST (06:00Z).
    expect(rules.store.timezone).toBe(BERLIN);
    expect(afternoon).toBe(ms('2026-06-10T20:00:00Z'));
    expect(isoOf(night)).toBe('2026-06-11T12:00:00.000Z');
    expect(isQuiet(rules, ms('2026-06-10T20:00:00Z'), BERLIN)).toBe(true);
  });

  it('ends the Auckland autumn night at 08:00 NZST, and a 02:30 end at the first 02:30', () => {
    // Act: 23:00 NZDT on 4 April (10:00Z); 01:00 NZDT on 5 April (12:00Z), clocks back at 14:00Z.
    const night = outsideQuietHours(sampleRules(), ms('2026-04-04T10:00:00Z'), 'Pacific/Auckland');
    const early = outsideQuietHours(
      sampleRules({ quietHours: { start: '22:00', end: '02:30' } }),
      ms('2026-04-04T12:00:00Z'),
      'Pacific/Auckland',
    );

    // Assess: 08:00 NZST = 20:00Z; 02:30 NZDT = 13:30Z (not 02:30 NZST = 14:30Z).
    expect(isoOf(night)).toBe('2026-04-04T20:00:00.000Z');
    expect(isoOf(early)).toBe('2026-04-04T13:30:00.000Z');
  });

  it('ends the Chatham spring night at 08:00 CHADT (+13:45)', () => {
    // Act: 22:45 CHAST on 26 September (10:00Z); clocks jump from 02:45 to 03:45 at 14:00Z.
    const end = outsideQuietHours(sampleRules(), ms('2026-09-26T10:00:00Z'), 'Pacific/Chatham');

    // Assess: 08:00 CHADT = 18:15Z.
    expect(isoOf(end)).toBe('2026-09-26T18:15:00.000Z');
  });

  it('ends quiet hours in Kiritimati (+14) at its 08:00, and after the day it skipped in 1994', () => {
    // Act: 22:00 local on 10 June 2026 (08:00Z); 22:00 on 30 December 1994 (-10, 08:00Z on the 31st),
    // after which the clocks went from 23:59 on the 30th to 00:00 on 1 January 1995 (+14).
    const today = outsideQuietHours(sampleRules(), ms('2026-06-10T08:00:00Z'), 'Pacific/Kiritimati');
    const skipped = outsideQuietHours(sampleRules(), ms('1994-12-31T08:00:00Z'), 'Pacific/Kiritimati');

    // Assess: 08:00 on 11 June = 18:00Z; 08:00 on 1 January 1995 = 18:00Z on 31 December.
    expect(isoOf(today)).toBe('2026-06-10T18:00:00.000Z');
    expect(isoOf(skipped)).toBe('1994-12-31T18:00:00.000Z');
  });
});
