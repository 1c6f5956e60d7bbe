import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRulesJson, rulesJson } from '#engine/adapters/s3-rules-source.js';
import { parseRules, type Rules } from '#engine/domain/rules.js';
import { parseRulesYaml } from '#engine/domain/rules-yaml.js';
import { rowsToRulesDoc, rulesToRows, rulesYaml } from '#sheets-sync/rules-sheet.js';

const quarterHours = (min: number, max: number) =>
  fc.integer({ min: min * 4, max: max * 4 }).map((quarters) => quarters / 4);
const clock = fc
  .integer({ min: 0, max: 1439 })
  .map((m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
// Text the owner might type; trimmed and not blank, as the schema keeps it (a blank cell means "default").
const text = fc
  .string({ minLength: 1, maxLength: 30, unit: fc.constantFrom(...'abcXYZ 09,.:#-\'"&é'.split('')) })
  .map((s) => s.trim())
  .filter((s) => s.length > 0);

const rulesArbitrary: fc.Arbitrary<Rules> = fc
  .record({
    names: fc.uniqueArray(text, { minLength: 1, maxLength: 5 }),
    starts: fc.uniqueArray(
      fc.integer({ min: 1, max: 100_000 }).map((cents) => cents / 100),
      { maxLength: 5 },
    ),
    waits: fc.array(fc.tuple(quarterHours(0.25, 168), quarterHours(0.25, 168)), {
      minLength: 5,
      maxLength: 5,
    }),
    store: fc.record({
      name: text,
      timezone: fc.constantFrom('America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'UTC'),
      currency: fc.constantFrom('USD', 'EUR', 'GBP', 'JPY'),
      fromEmail: fc.constantFrom('hello@acme.example', 'shop+news@sub.example.org'),
      address: text,
      voice: text,
    }),
    quietHours: fc.record({ start: clock, end: clock }),
    frequencyCapHours: quarterHours(0, 720),
    maxReminders: fc.integer({ min: 0, max: 2 }),
    giveUpAfterHours: quarterHours(1, 720),
    maxCartAgeHours: quarterHours(1, 2160),
    consent: fc.constantFrom('any', 'first_only', 'required'),
  })
  .map(({ names, starts, waits, ...rest }) => {
    const minTotals = [0, ...starts];
    return parseRules({
      ...rest,
      tiers: names.slice(0, minTotals.length).map((name, i) => ({
        name,
        minTotal: minTotals[i],
        firstWaitHours: waits[i]?.[0],
        secondWaitHours: waits[i]?.[1],
      })),
    });
  });

describe('the Rules tab round trip', () => {
  it('reads every valid rules doc back from its template unchanged', () => {
    fc.assert(
      fc.property(rulesArbitrary, (rules) => {
        const result = rowsToRulesDoc(rulesToRows(rules).values);
        expect(result.ok).toBe(true);
        if (result.ok) {
          expect(result.rules).toEqual(rules);
          expect(rulesYaml(result.rules)).toBe(rulesYaml(rules));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('gives the JSON the sync compares byte for byte the one publishRules writes from its YAML', () => {
    fc.assert(
      fc.property(rulesArbitrary, (rules) => {
        const result = rowsToRulesDoc(rulesToRows(rules).values);
        expect(result.ok).toBe(true);
        if (result.ok) {
          const published = rulesJson(parseRulesYaml(rulesYaml(result.rules)));
          expect(rulesJson(result.rules)).toBe(published);
          expect(parseRulesJson(published)).toEqual(rules);
        }
      }),
      { numRuns: 200 },
    );
  });
});
