import { describe, expect, it } from 'vitest';
import {
  COPY_NOTES,
  type CopyKey,
  LANGUAGES,
  PLURAL_KEYS,
  type Plural,
} from '#engine/domain/copy/catalogue.js';
import {
  CATALOGUES,
  chooseLanguage,
  fill,
  formatLocale,
  languageOf,
  placeholdersOf,
  pluralForm,
  wordsFor,
} from '#engine/domain/copy/language.js';

const KEYS = Object.keys(COPY_NOTES).sort() as CopyKey[];
const isPlural = (key: CopyKey) => (PLURAL_KEYS as readonly string[]).includes(key);
const formsOf = (value: string | Plural): string[] =>
  typeof value === 'string'
    ? [value]
    : Object.values(value).filter((v): v is string => typeof v === 'string');

describe('the catalogues', () => {
  it.each(LANGUAGES)('%s has exactly the keys that have a note, and nothing else', (language) => {
    // Act
    const keys = Object.keys(CATALOGUES[language]).sort();

    // Assess
    expect(keys).toEqual(KEYS);
    for (const key of KEYS) expect(COPY_NOTES[key].length).toBeGreaterThan(10);
  });

  it.each(LANGUAGES.filter((l) => l !== 'en'))(
    '%s holds every string with the same placeholders as English',
    (language) => {
      for (const key of KEYS) {
        // Prepare
        const wanted = placeholdersOf(formsOf(CATALOGUES.en[key])[0] ?? '');

        // Act and Assess: every plural form too
        for (const form of formsOf(CATALOGUES[language][key])) {
          expect({ key, placeholders: placeholdersOf(form) }).toEqual({ key, placeholders: wanted });
        }
      }
    },
  );

  it.each(LANGUAGES)(
    '%s writes a plural string for each category its language uses (or other)',
    (language) => {
      const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
      for (const key of PLURAL_KEYS) {
        // Prepare
        const forms = CATALOGUES[language][key] as Plural;

        // Assess: no form for a category the language does not have; "one" where it has one
        for (const category of Object.keys(forms)) expect([...categories, 'other']).toContain(category);
        if (categories.includes('one')) expect(forms.one).toBeDefined();
      }
    },
  );

  it.each(LANGUAGES)(
    '%s leaves no string blank, untranslated placeholder or stray whitespace',
    (language) => {
      for (const key of KEYS) {
        for (const form of formsOf(CATALOGUES[language][key])) {
          expect(form.trim()).toBe(form);
          expect(form).not.toBe('');
          expect(form).not.toMatch(/\s{2}|\n/);
        }
      }
      // Plural keys are the only objects.
      for (const key of KEYS) expect(typeof CATALOGUES[language][key] === 'string').toBe(!isPlural(key));
    },
  );

  it('translates every language apart from English, beyond its names', () => {
    for (const language of LANGUAGES.filter((l) => l !== 'en')) {
      const same = KEYS.filter(
        (key) =>
          !isPlural(key) &&
          CATALOGUES[language][key] === CATALOGUES.en[key] &&
          key !== 'total' &&
          key !== 'labelValue',
      );
      expect({ language, same }).toEqual({ language, same: [] });
    }
  });

  it('is plain data: a structured clone of each catalogue deep-equals it', () => {
    for (const language of LANGUAGES)
      expect(structuredClone(CATALOGUES[language])).toEqual(CATALOGUES[language]);
  });
});

describe('chooseLanguage', () => {
  it.each([
    ['de-DE', undefined, 'de'],
    ['DE-at', 'fr', 'de'],
    ['pt_BR', undefined, 'pt'],
    ['nl', 'de', 'nl'],
    ['ja-JP', 'fr', 'fr'],
    ['ja-JP', undefined, 'en'],
    [undefined, 'it', 'it'],
    [undefined, undefined, 'en'],
    ['', 'es', 'es'],
  ] as const)('picks %s with store language %s as %s', (locale, store, expected) => {
    expect(chooseLanguage(locale, store)).toBe(expected);
  });

  it('reads the language of a tag, or nothing for one without a catalogue', () => {
    expect(languageOf('fr-CA')).toBe('fr');
    expect(languageOf('zh-Hant-TW')).toBeUndefined();
    expect(languageOf(undefined)).toBeUndefined();
  });
});

describe('formatLocale', () => {
  it('keeps the cart tag when it is in the chosen language, else writes the language alone', () => {
    expect(formatLocale('de', 'de-CH')).toBe('de-CH');
    expect(formatLocale('de', 'ja-JP')).toBe('de');
    expect(formatLocale('en', undefined)).toBe('en-US');
    expect(formatLocale('en', 'en-GB')).toBe('en-GB');
    expect(formatLocale('fr', undefined)).toBe('fr');
  });

  it('writes the language alone for a cart tag Intl cannot read as a locale', () => {
    expect(formatLocale('de', 'de_CH')).toBe('de');
    expect(formatLocale('en', 'en-')).toBe('en-US');
  });
});

describe('placeholdersOf', () => {
  it('lists the placeholders a string holds, by name, sorted', () => {
    expect(placeholdersOf('{title} and {count} more, from {store}: {count}')).toEqual([
      'count',
      'count',
      'store',
      'title',
    ]);
  });

  it('finds none in plain text', () => {
    expect(placeholdersOf('Your cart is waiting.')).toEqual([]);
  });
});

describe('fill and pluralForm', () => {
  it('fills known placeholders literally and leaves unknown ones', () => {
    expect(fill('{a} and {b}', { a: '$& {b}' })).toBe('$& {b} and {b}');
  });

  it('chooses the plural form by Intl.PluralRules, other when a category has no form', () => {
    const forms = { one: 'one', other: 'other' };
    expect(pluralForm('en', forms, 1)).toBe('one');
    expect(pluralForm('en', forms, 2)).toBe('other');
    // French counts 0 as "one"; its "many" (millions) falls back to "other".
    expect(pluralForm('fr', forms, 0)).toBe('one');
    expect(pluralForm('fr', forms, 1_000_000)).toBe('other');
  });

  it('words one more item and several more in every language', () => {
    const one = LANGUAGES.map((l) => wordsFor(l).count('moreInCart', 1));
    const two = LANGUAGES.map((l) => wordsFor(l).count('moreInCart', 2));
    expect(one).toEqual([
      '+ 1 more item in your cart',
      '+ 1 weiterer Artikel in Ihrem Warenkorb',
      '+ 1 autre article dans votre panier',
      '+ 1 artículo más en tu carrito',
      '+ 1 altro articolo nel tuo carrello',
      '+ nog 1 artikel in je winkelwagen',
      '+ 1 outro item no seu carrinho',
    ]);
    for (const [i, text] of two.entries()) expect(text).not.toBe(one[i]?.replace('1', '2'));
  });
});
