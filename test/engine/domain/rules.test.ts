import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { type FieldError, RulesValidationError } from '#engine/domain/errors.js';
import { parseRules, quietWindow, rulesSchema } from '#engine/domain/rules.js';
import { parseRulesYaml } from '#engine/domain/rules-yaml.js';

const STORE = {
  name: 'Acme Outfitters',
  timezone: 'America/New_York',
  fromEmail: 'hello@acme.example',
  address: '1 Main Street, Springfield, USA',
};

/** The errors parseRules throws for a doc; fails the test when it does not throw a RulesValidationError. */
function errorsOf(doc: unknown): readonly FieldError[] {
  try {
    parseRules(doc);
  } catch (error) {
    if (error instanceof RulesValidationError) return error.errors;
    throw error;
  }
  throw new Error('expected the rules doc to be rejected');
}

/** The errors for a doc of the 4 required store fields plus `rest`. */
const errorsWith = (rest: Record<string, unknown>) => errorsOf({ store: STORE, ...rest });

const HOURS = (what: string, min: number, max: number) =>
  `${what} must be a number of hours between ${min} and ${max}`;

describe('parseRules defaults', () => {
  it('fills in exactly the documented defaults for a doc of the 4 required store fields', () => {
    // Act
    const rules = parseRules({ store: STORE });

    // Assess
    expect(rules).toEqual({
      store: { ...STORE, currency: 'USD', voice: 'warm, plain' },
      tiers: [
        { name: 'small', minTotal: 0, firstWaitHours: 4, secondWaitHours: 24 },
        { name: 'medium', minTotal: 50, firstWaitHours: 2, secondWaitHours: 22 },
        { name: 'big', minTotal: 150, firstWaitHours: 1, secondWaitHours: 20 },
      ],
      quietHours: { start: '21:00', end: '08:00' },
      frequencyCapHours: 72,
      maxReminders: 2,
      giveUpAfterHours: 72,
      maxCartAgeHours: 168,
      consent: 'any',
      attributionDays: 5,
      holdoutPercent: 0,
    });
  });

  it('names the attribution window and the holdout when they are out of range', () => {
    // Act / Assess
    expect(() => parseRules({ store: STORE, attributionDays: 0, holdoutPercent: 51 })).toThrow(
      'attributionDays: attribution window must be a whole number of days between 1 and 30; holdoutPercent: holdout must be a whole percentage between 0 and 50',
    );
    expect(() => parseRules({ store: STORE, holdoutPercent: 12.5 })).toThrow(
      'holdoutPercent: holdout must be a whole percentage between 0 and 50',
    );
    expect(parseRules({ store: STORE, attributionDays: 30, holdoutPercent: 50 })).toMatchObject({
      attributionDays: 30,
      holdoutPercent: 50,
    });
  });

  it('reads a currency in any case, padded or not, as its upper-case code', () => {
    // Act / Assess
    for (const currency of ['usd', ' Eur ', 'JPY']) {
      expect(parseRules({ store: { ...STORE, currency } }).store.currency).toBe(
        currency.trim().toUpperCase(),
      );
    }
  });

  it("keeps the store's https website when one is given", () => {
    // Act
    const rules = parseRules({ store: { ...STORE, url: 'https://acme.example/shop' } });

    // Assess
    expect(rules.store.url).toBe('https://acme.example/shop');
  });

  it('reads examples/rules.yaml, which spells out the defaults, as the defaults', async () => {
    // Prepare
    const text = await readFile(new URL('../../../examples/rules.yaml', import.meta.url), 'utf8');

    // Act
    const rules = parseRulesYaml(text);

    // Assess
    expect(rules).toEqual(parseRules({ store: STORE }));
  });

  it('gives a tier without wait hours 4 and 24 hours, and sorts tiers by minTotal', () => {
    // Act
    const rules = parseRules({
      store: STORE,
      tiers: [
        { name: 'big', minTotal: 100, firstWaitHours: 1 },
        { name: 'any', minTotal: 0 },
      ],
    });

    // Assess
    expect(rules.tiers).toEqual([
      { name: 'any', minTotal: 0, firstWaitHours: 4, secondWaitHours: 24 },
      { name: 'big', minTotal: 100, firstWaitHours: 1, secondWaitHours: 24 },
    ]);
  });

  it('trims the store name and address', () => {
    // Act
    const rules = parseRules({ store: { ...STORE, name: '  Acme  ', address: ' 1 Main St ' } });

    // Assess
    expect(rules.store.name).toBe('Acme');
    expect(rules.store.address).toBe('1 Main St');
  });

  it('accepts every limit at its edge', () => {
    // Act
    const rules = parseRules({
      store: STORE,
      tiers: [{ name: 'all', minTotal: 0, firstWaitHours: 0.25, secondWaitHours: 168 }],
      quietHours: { start: '00:00', end: '23:59' },
      frequencyCapHours: 720,
      maxReminders: 0,
      giveUpAfterHours: 1,
      maxCartAgeHours: 2160,
      consent: 'required',
    });

    // Assess
    expect(rules).toMatchObject({
      tiers: [{ firstWaitHours: 0.25, secondWaitHours: 168 }],
      frequencyCapHours: 720,
      maxReminders: 0,
      giveUpAfterHours: 1,
      maxCartAgeHours: 2160,
      consent: 'required',
    });
    expect(parseRules({ store: STORE, frequencyCapHours: 0, giveUpAfterHours: 720 })).toMatchObject({
      frequencyCapHours: 0,
      giveUpAfterHours: 720,
    });
  });
});

describe('parseRules errors', () => {
  it('asks for the store when it is missing, for an empty doc and for no doc at all', () => {
    // Prepare
    const expected = [{ path: 'store', message: 'store is required: name, timezone, fromEmail and address' }];

    // Act / Assess
    expect(errorsOf({})).toEqual(expected);
    expect(errorsOf(undefined)).toEqual(expected);
    expect(errorsOf({ store: 'Acme' })).toEqual(expected);
  });

  it('names each missing required store field', () => {
    // Act
    const errors = errorsOf({ store: {} });

    // Assess
    expect(errors).toEqual([
      { path: 'store.name', message: 'the store name is required' },
      { path: 'store.timezone', message: 'must be a time zone name such as "America/New_York"' },
      { path: 'store.fromEmail', message: 'must be the email address reminders are sent from' },
      { path: 'store.address', message: 'the postal address (required by anti-spam law) is required' },
    ]);
  });

  it.each([
    ['a blank name', { name: '   ' }, 'store.name', 'the store name is required'],
    [
      'an unknown zone',
      { timezone: 'Mars/Olympus' },
      'store.timezone',
      'must be a time zone name such as "America/New_York" (IANA)',
    ],
    [
      'a fixed-offset zone',
      { timezone: 'UTC+2' },
      'store.timezone',
      'must be a time zone name such as "America/New_York" (IANA)',
    ],
    [
      'a zone that is not text',
      { timezone: 5 },
      'store.timezone',
      'must be a time zone name such as "America/New_York"',
    ],
    [
      'a website that is not https',
      { url: 'http://acme.example' },
      'store.url',
      'must be an https address such as "https://acme.example"',
    ],
    [
      'a website that is not an address',
      { url: 'acme dot example' },
      'store.url',
      'must be an https address such as "https://acme.example"',
    ],
    [
      'a four-letter currency',
      { currency: 'EURO' },
      'store.currency',
      'must be a three-letter currency code such as "USD"',
    ],
    [
      'a bad sender email',
      { fromEmail: 'hello at acme' },
      'store.fromEmail',
      'must be the email address reminders are sent from',
    ],
    [
      'an empty address',
      { address: '' },
      'store.address',
      'the postal address (required by anti-spam law) is required',
    ],
    [
      'a voice that is not text',
      { voice: 3 },
      'store.voice',
      'must be a few words describing the store voice',
    ],
    ['an unknown store key', { phone: '555' }, 'store.phone', 'is not a known setting (check the spelling)'],
  ])('rejects %s', (_what, store, path, message) => {
    // Act
    const errors = errorsOf({ store: { ...STORE, ...store } });

    // Assess
    expect(errors).toEqual([{ path, message }]);
  });

  it.each([
    ['tiers that are not a list', { tiers: 'small' }, 'tiers', 'tiers must be a list of tiers'],
    ['an empty tier list', { tiers: [] }, 'tiers', 'at least one tier is needed'],
    ['a tier without a name', { tiers: [{ minTotal: 0 }] }, 'tiers[0].name', 'the tier name is required'],
    [
      'a negative tier start',
      {
        tiers: [
          { name: 'a', minTotal: 0 },
          { name: 'b', minTotal: -1 },
        ],
      },
      'tiers[1].minTotal',
      'the cart total from must be a number of at least 0',
    ],
    [
      'a first wait under 15 min',
      { tiers: [{ name: 'a', minTotal: 0, firstWaitHours: 0.2 }] },
      'tiers[0].firstWaitHours',
      HOURS('first reminder after', 0.25, 168),
    ],
    [
      'a first wait over a week',
      { tiers: [{ name: 'a', minTotal: 0, firstWaitHours: 169 }] },
      'tiers[0].firstWaitHours',
      HOURS('first reminder after', 0.25, 168),
    ],
    [
      'a second wait of 0',
      { tiers: [{ name: 'a', minTotal: 0, secondWaitHours: 0 }] },
      'tiers[0].secondWaitHours',
      HOURS('second reminder after', 0.25, 168),
    ],
    [
      'a second wait in words',
      { tiers: [{ name: 'a', minTotal: 0, secondWaitHours: 'a day' }] },
      'tiers[0].secondWaitHours',
      HOURS('second reminder after', 0.25, 168),
    ],
    [
      'an unknown tier key',
      { tiers: [{ name: 'a', minTotal: 0, wait: 3 }] },
      'tiers[0].wait',
      'is not a known setting (check the spelling)',
    ],
    [
      'a tier name used twice',
      {
        tiers: [
          { name: 'a', minTotal: 0 },
          { name: 'a', minTotal: 50 },
        ],
      },
      'tiers[1].name',
      'the tier name "a" is used twice',
    ],
    [
      'two tiers starting at one total',
      {
        tiers: [
          { name: 'a', minTotal: 0 },
          { name: 'b', minTotal: 50 },
          { name: 'c', minTotal: 50 },
        ],
      },
      'tiers[2].minTotal',
      'two tiers start at 50',
    ],
    [
      'no tier starting at 0',
      { tiers: [{ name: 'a', minTotal: 10 }] },
      'tiers',
      'one tier must start at a cart total of 0, so every cart has a tier',
    ],
    [
      'a quiet hours start of 24:00',
      { quietHours: { start: '24:00', end: '08:00' } },
      'quietHours.start',
      'quiet hours start must be a 24-hour time like "21:00" (HH:MM)',
    ],
    [
      'a quiet hours end without a leading zero',
      { quietHours: { start: '21:00', end: '8:00' } },
      'quietHours.end',
      'quiet hours end must be a 24-hour time like "21:00" (HH:MM)',
    ],
    [
      'a quiet hours start of 21:60',
      { quietHours: { start: '21:60', end: '08:00' } },
      'quietHours.start',
      'quiet hours start must be a 24-hour time like "21:00" (HH:MM)',
    ],
    [
      'a quiet hours start that is a number',
      { quietHours: { start: 21, end: '08:00' } },
      'quietHours.start',
      'quiet hours start must be a time like "21:00"',
    ],
    [
      'quiet hours without an end',
      { quietHours: { start: '21:00' } },
      'quietHours.end',
      'quiet hours end must be a time like "21:00"',
    ],
    [
      'an unknown quiet hours key',
      { quietHours: { start: '21:00', end: '08:00', zone: 'UTC' } },
      'quietHours.zone',
      'is not a known setting (check the spelling)',
    ],
    [
      'a negative frequency cap',
      { frequencyCapHours: -1 },
      'frequencyCapHours',
      HOURS('frequency cap', 0, 720),
    ],
    [
      'a frequency cap over 30 days',
      { frequencyCapHours: 721 },
      'frequencyCapHours',
      HOURS('frequency cap', 0, 720),
    ],
    [
      'a frequency cap in words',
      { frequencyCapHours: 'three days' },
      'frequencyCapHours',
      HOURS('frequency cap', 0, 720),
    ],
    [
      'maxReminders 3',
      { maxReminders: 3 },
      'maxReminders',
      'maximum reminders must be 0, 1 or 2 (never more than 2)',
    ],
    ['maxReminders -1', { maxReminders: -1 }, 'maxReminders', 'maximum reminders must be 0, 1 or 2'],
    ['maxReminders 1.5', { maxReminders: 1.5 }, 'maxReminders', 'maximum reminders must be 0, 1 or 2'],
    ['maxReminders "2"', { maxReminders: '2' }, 'maxReminders', 'maximum reminders must be 0, 1 or 2'],
    [
      'a give-up time under 1 h',
      { giveUpAfterHours: 0.5 },
      'giveUpAfterHours',
      HOURS('give up after', 1, 720),
    ],
    [
      'a give-up time over 720 h',
      { giveUpAfterHours: 721 },
      'giveUpAfterHours',
      HOURS('give up after', 1, 720),
    ],
    [
      'a maximum cart age of 0',
      { maxCartAgeHours: 0 },
      'maxCartAgeHours',
      HOURS('maximum cart age', 1, 2160),
    ],
    [
      'a maximum cart age over 90 days',
      { maxCartAgeHours: 2161 },
      'maxCartAgeHours',
      HOURS('maximum cart age', 1, 2160),
    ],
    [
      'an unknown consent policy',
      { consent: 'always' },
      'consent',
      'consent must be one of: any, first_only, required',
    ],
    [
      'an unknown top-level key',
      { quietHour: { start: '21:00', end: '08:00' } },
      'quietHour',
      'is not a known setting (check the spelling)',
    ],
  ])('rejects %s', (_what, rest, path, message) => {
    // Act
    const errors = errorsWith(rest);

    // Assess
    expect(errors).toEqual([{ path, message }]);
  });

  it('reports every problem at once, in a message naming each path', () => {
    // Prepare
    const doc = { store: { ...STORE, timezone: 'Mars/Olympus', extra: 1 }, maxReminders: 3, consent: 'yes' };

    // Act
    let thrown: unknown;
    try {
      parseRules(doc);
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(RulesValidationError);
    const error = thrown as RulesValidationError;
    expect(error.name).toBe('RulesValidationError');
    expect(error.errors.map((e) => e.path)).toEqual([
      'store.timezone',
      'store.extra',
      'maxReminders',
      'consent',
    ]);
    expect(error.message).toBe(
      'The rules doc is invalid: store.timezone: must be a time zone name such as "America/New_York" (IANA); ' +
        'store.extra: is not a known setting (check the spelling); ' +
        'maxReminders: maximum reminders must be 0, 1 or 2 (never more than 2); ' +
        'consent: consent must be one of: any, first_only, required',
    );
  });

  it('says in plain words what quiet hours need when they are not a start and an end', () => {
    // Act
    const errors = errorsWith({ quietHours: '21:00-08:00' });

    // Assess: the owner reads this in the Sheet; a bare "expected object" does not tell them what to write.
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe('quietHours');
    expect(errors[0]?.message).toMatch(/quiet hours/i);
  });
});

describe('parseRulesYaml', () => {
  it('parses a YAML doc and fills in the defaults', () => {
    // Act
    const rules = parseRulesYaml(
      'store: { name: Acme, timezone: Europe/Berlin, fromEmail: a@b.example, address: "1 Main St" }\nmaxReminders: 1\n',
    );

    // Assess
    expect(rules.store).toEqual({
      name: 'Acme',
      timezone: 'Europe/Berlin',
      currency: 'USD',
      fromEmail: 'a@b.example',
      address: '1 Main St',
      voice: 'warm, plain',
    });
    expect(rules.maxReminders).toBe(1);
    expect(rules.quietHours).toEqual({ start: '21:00', end: '08:00' });
  });

  it('names the line of invalid YAML', () => {
    // Prepare: line 3 is indented with a tab.
    const text = 'store:\n  name: Acme\n\ttimezone: Europe/Berlin\n';

    // Act
    let thrown: unknown;
    try {
      parseRulesYaml(text);
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(RulesValidationError);
    const errors = (thrown as RulesValidationError).errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe('line 3');
    // Only the first line of the parser's message: the rest is a snippet of the doc.
    expect(errors[0]?.message).toBe(
      'is not valid YAML: Tabs are not allowed as indentation at line 3, column 1:',
    );
    expect((thrown as RulesValidationError).cause).toBeDefined();
  });

  it('names the root for a YAML error without a line, such as an unknown alias', () => {
    // Act
    let thrown: unknown;
    try {
      parseRulesYaml('store: *acme\n');
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(RulesValidationError);
    expect((thrown as RulesValidationError).errors).toEqual([
      {
        path: '(root)',
        message: 'is not valid YAML: Unresolved alias (the anchor must be set before the alias): acme',
      },
    ]);
  });

  it('names the line of a duplicated key', () => {
    // Act
    let thrown: unknown;
    try {
      parseRulesYaml('maxReminders: 1\nstore:\n  name: A\n  name: B\n');
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(RulesValidationError);
    expect((thrown as RulesValidationError).errors[0]?.path).toBe('line 4');
  });

  it('validates the parsed doc like parseRules', () => {
    // Act
    let thrown: unknown;
    try {
      parseRulesYaml(
        'store:\n  name: Acme\n  timezone: Nowhere/City\n  fromEmail: a@b.example\n  address: x\n',
      );
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect((thrown as RulesValidationError).errors).toEqual([
      { path: 'store.timezone', message: 'must be a time zone name such as "America/New_York" (IANA)' },
    ]);
  });

  it('asks for the store when the YAML is empty', () => {
    // Act
    let thrown: unknown;
    try {
      parseRulesYaml('');
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect((thrown as RulesValidationError).errors).toEqual([
      { path: 'store', message: 'store is required: name, timezone, fromEmail and address' },
    ]);
  });
});

describe('rulesSchema', () => {
  it('reports tier conflicts as custom issues, for code that reads the schema itself', () => {
    // Prepare: a repeated name, a repeated start, and no tier at 0.
    const tiers = [
      { name: 'a', minTotal: 10, firstWaitHours: 1, secondWaitHours: 2 },
      { name: 'a', minTotal: 10, firstWaitHours: 1, secondWaitHours: 2 },
    ];

    // Act
    const result = rulesSchema.safeParse({ store: STORE, tiers });

    // Assess
    expect(result.error?.issues.map(({ code, path, message }) => ({ code, path, message }))).toEqual([
      { code: 'custom', path: ['tiers', 1, 'name'], message: 'the tier name "a" is used twice' },
      { code: 'custom', path: ['tiers', 1, 'minTotal'], message: 'two tiers start at 10' },
      {
        code: 'custom',
        path: ['tiers'],
        message: 'one tier must start at a cart total of 0, so every cart has a tier',
      },
    ]);
  });
});

describe('quietWindow', () => {
  it('gives quiet hours as minutes of the local day', () => {
    // Act
    const window = quietWindow(parseRules({ store: STORE, quietHours: { start: '21:30', end: '07:05' } }));

    // Assess: 21 * 60 + 30 and 7 * 60 + 5.
    expect(window).toEqual({ start: 1290, end: 425 });
  });
});

describe('parseRules: the look, the owner’s words and the discount', () => {
  it('keeps the optional store language, logo, accent colour (lower case) and reply-to', () => {
    const rules = parseRules({
      store: {
        ...STORE,
        language: 'de',
        logoUrl: 'https://cdn.acme.example/logo.png',
        accentColor: '#0F766E',
        replyTo: 'help@acme.example',
      },
    });
    expect(rules.store).toMatchObject({
      language: 'de',
      logoUrl: 'https://cdn.acme.example/logo.png',
      accentColor: '#0f766e',
      replyTo: 'help@acme.example',
    });
  });

  it('gives a discount the second reminder by default and keeps its minimum and last day', () => {
    const rules = parseRules({
      store: STORE,
      discount: { code: 'THANKS10', description: '10% off', minTotal: 50, expires: '2026-12-31' },
    });
    expect(rules.discount).toEqual({
      code: 'THANKS10',
      description: '10% off',
      reminders: 'second',
      minTotal: 50,
      expires: '2026-12-31',
    });
  });

  it('names each bad field of the look, the words and the discount', () => {
    const errors = errorsOf({
      store: {
        ...STORE,
        language: 'ja',
        logoUrl: 'http://x.example/l.png',
        accentColor: 'teal',
        replyTo: 'nobody',
      },
      messages: {
        de: { firstSubject: 'x'.repeat(121), firstOpening: 'Hi {name}', secondSubject: 'a\nb' },
        xx: { firstSubject: 'Hi' },
      },
      discount: { code: 'TEN OFF', description: '', reminders: 'third', minTotal: -1, expires: '2026-02-30' },
    });
    expect(errors.map((e) => e.path)).toEqual(
      expect.arrayContaining([
        'store.language',
        'store.logoUrl',
        'store.accentColor',
        'store.replyTo',
        'messages.de.firstSubject',
        'messages.de.firstOpening',
        'messages.de.secondSubject',
        'messages.xx',
        'discount.code',
        'discount.description',
        'discount.reminders',
        'discount.minTotal',
        'discount.expires',
      ]),
    );
    expect(errors.find((e) => e.path === 'messages.de.firstSubject')?.message).toBe(
      'the first subject must be at most 120 characters',
    );
    expect(errors.find((e) => e.path === 'messages.de.firstOpening')?.message).toBe(
      'the first opening line may use only {store} and {items} in braces',
    );
    expect(errors.find((e) => e.path === 'discount.expires')?.message).toBe(
      'the discount expiry must be a date like "2026-12-31" (YYYY-MM-DD)',
    );
  });

  it('refuses a discount expiry not written YYYY-MM-DD, naming the form', () => {
    for (const expires of ['end of June', '30.06.2026', '2026-6-30']) {
      const errors = errorsOf({
        store: STORE,
        discount: { code: 'THANKS10', description: '10% off', expires },
      });
      expect(errors).toEqual([
        {
          path: 'discount.expires',
          message: 'the discount expiry must be a date like "2026-12-31" (YYYY-MM-DD)',
        },
      ]);
    }
  });
});
