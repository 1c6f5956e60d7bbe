import { isSupportedLocale } from '../supported-locale.js';
import { type Catalogue, type CopyKey, LANGUAGES, type Language, type Plural } from './catalogue.js';
import { de } from './de.js';
import { en } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { it } from './it.js';
import { nl } from './nl.js';
import { pt } from './pt.js';

/** Every catalogue, by language. */
export const CATALOGUES: { readonly [L in Language]: Catalogue } = { en, de, fr, es, it, nl, pt };

const PLACEHOLDER = /\{([a-z]+)\}/gi;

/** The language of a BCP 47 tag if reminders are written in it: "de-AT" → "de"; else undefined. */
export function languageOf(tag: string | undefined): Language | undefined {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.find((language) => language === primary);
}

/**
 * The language a reminder to this shopper is written in: the cart's locale when there is a
 * catalogue for it, else the store's language, else English.
 * @example chooseLanguage('de-DE', 'fr') // 'de'; chooseLanguage('ja-JP', 'fr') // 'fr'
 */
export function chooseLanguage(cartLocale: string | undefined, storeLanguage?: Language): Language {
  return languageOf(cartLocale) ?? storeLanguage ?? 'en';
}

/**
 * The locale money and dates are written in: the cart's own tag when it is in the chosen language
 * (so "de-CH" keeps Swiss number formats), else the language itself; English without one is en-US.
 */
export function formatLocale(language: Language, cartLocale: string | undefined): string {
  if (cartLocale && languageOf(cartLocale) === language && isSupportedLocale(cartLocale)) return cartLocale;
  return language === 'en' ? 'en-US' : language;
}

/**
 * `template` with each `{name}` replaced by `values[name]`; a placeholder without a value stays as it
 * is. Values are inserted literally (a `$&` in an item name is just text).
 * @example fill('Hi {name},', { name: 'Ann' }) // 'Hi Ann,'
 */
export function fill(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name];
    return value === undefined ? whole : String(value);
  });
}

/** The placeholders a string holds, sorted: what every translation of it must hold too. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string).sort();
}

/** Each language's plural rules, made once: a reminder with more items than it lists needs them. */
const PLURAL_RULES = Object.fromEntries(
  LANGUAGES.map((language) => [language, new Intl.PluralRules(language)]),
) as { readonly [L in Language]: Intl.PluralRules };

/** The form of a plural string for `count` in `language`, by `Intl.PluralRules`. */
export function pluralForm(language: Language, forms: Plural, count: number): string {
  const category = PLURAL_RULES[language].select(count) as keyof Plural;
  return forms[category] ?? forms.other;
}

/** One language's words, with a lookup that fills placeholders. */
export interface Words {
  language: Language;
  /** The string of `key`, placeholders filled. */
  text(
    key: Exclude<CopyKey, 'itemsAndMore' | 'moreInCart'>,
    values?: Record<string, string | number>,
  ): string;
  /** The plural string of `key` for `count` ({count} filled too). */
  count(key: 'itemsAndMore' | 'moreInCart', count: number, values?: Record<string, string | number>): string;
}

/** The words of `language`. */
export function wordsFor(language: Language): Words {
  const catalogue = CATALOGUES[language];
  return {
    language,
    text: (key, values = {}) => fill(catalogue[key], values),
    count: (key, count, values = {}) =>
      fill(pluralForm(language, catalogue[key], count), { ...values, count }),
  };
}
