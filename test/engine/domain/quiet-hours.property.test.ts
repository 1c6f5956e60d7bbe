import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isQuiet, outsideQuietHours } from '#engine/domain/quiet-hours.js';
import { localMinuteOfDay, offsetAt } from '#engine/domain/time-zone.js';
import { sampleRules } from '#test/fakes/sample-cart.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const ZONES = [
  'America/New_York',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Australia/Adelaide',
  'Europe/London',
  'Pacific/Auckland',
  'Pacific/Chatham',
  'Pacific/Kiritimati',
];
/** The 2026 DST changes of those zones (and a plain June day), where local-time arithmetic goes wrong. */
const ANCHORS = [
  '2026-03-08T07:00:00Z', // New York springs forward
  '2026-11-01T06:00:00Z', // New York falls back
  '2026-03-29T01:00:00Z', // Berlin and London spring forward
  '2026-10-25T01:00:00Z', // Berlin and London fall back
  '2026-04-04T16:30:00Z', // Adelaide falls back
  '2026-10-03T16:30:00Z', // Adelaide springs forward
  '2026-04-04T14:00:00Z', // Auckland and Chatham fall back
  '2026-09-26T14:00:00Z', // Auckland and Chatham spring forward
  '2026-06-10T12:00:00Z',
].map(Date.parse);

const clock = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** A quiet-hours minute of the day; half of them in the small hours where DST changes happen. */
const quietMinute = fc.oneof(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 60, max: 210 }));

const cases = fc.record({
  zone: fc.constantFrom(...ZONES),
  anchor: fc.constantFrom(...ANCHORS),
  // Whole minutes up to 30 h either side of the anchor.
  offsetMinutes: fc.integer({ min: -30 * 60, max: 30 * 60 }),
  start: quietMinute,
  end: quietMinute,
});

describe('outsideQuietHours (property)', () => {
  it('returns the instant itself outside quiet hours, else the next local end of quiet hours', () => {
    fc.assert(
      fc.property(cases, ({ zone, anchor, offsetMinutes, start, end }) => {
        // Prepare
        const rules = sampleRules({ quietHours: { start: clock(start), end: clock(end) } });
        const at = anchor + offsetMinutes * MINUTE;

        // Act
        const result = outsideQuietHours(rules, at, zone);

        // Assess: never before `at`, never quiet, and never later than two days; when `at` is quiet
        // the answer is a local `end` wall time, or the instant clocks jumped over it (spring).
        expect(result).toBeGreaterThanOrEqual(at);
        expect(result - at).toBeLessThanOrEqual(49 * HOUR);
        expect(isQuiet(rules, result, zone)).toBe(false);
        // The first open minute: the one before it, if it is not before `at`, is quiet.
        if (result - MINUTE >= at) expect(isQuiet(rules, result - MINUTE, zone)).toBe(true);
        if (!isQuiet(rules, at, zone)) {
          expect(result).toBe(at);
        } else {
          const jumped = offsetAt(result - 1, zone) !== offsetAt(result, zone);
          expect(localMinuteOfDay(result, zone) === end || jumped).toBe(true);
        }
      }),
      // A fixed seed keeps the run the same on every machine; the cases stay varied.
      { numRuns: 600, seed: 20260329 },
    );
  });
});
