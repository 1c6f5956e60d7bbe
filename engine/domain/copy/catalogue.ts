/**
 * The words of every reminder and unsubscribe page, one catalogue per language (`en.ts`, `de.ts`, ...).
 * A catalogue is plain data: each key below maps to a string with `{placeholders}`, or, where a count
 * decides the wording, to one string per `Intl.PluralRules` category. `COPY_NOTES` says where each
 * string appears, for whoever writes or reviews a translation; a test holds every catalogue to the
 * same keys and the same placeholders as English.
 */

/** The languages reminders are written in, by ISO 639-1 code. */
export const LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's name in English, for prompts and notes written in English. */
export const LANGUAGE_NAMES: { readonly [L in Language]: string } = {
  en: 'English',
  de: 'German',
  fr: 'French',
  es: 'Spanish',
  it: 'Italian',
  nl: 'Dutch',
  pt: 'Portuguese',
};

/** One string per plural category the language uses; `other` is always there and catches the rest. */
export type Plural = { other: string } & Partial<Record<'zero' | 'one' | 'two' | 'few' | 'many', string>>;

/** Where each string appears, and what its placeholders hold. */
export const COPY_NOTES = {
  languageName: 'The language named in its own words (the Rules tab notes, the preview). No placeholders.',
  subject1: 'Subject line of reminder 1. {store}: the store name.',
  subject2: 'Subject line of reminder 2, warmer than the first. {store}: the store name.',
  preheader1:
    'Reminder 1: the hidden preview text mail apps show after the subject. {store}: the store name.',
  preheader2: 'Reminder 2: the hidden preview text after the subject. {store}: the store name.',
  heading1: 'Reminder 1: the large heading at the top of the email.',
  heading2: 'Reminder 2: the large heading at the top of the email.',
  greetingName: 'First paragraph when the shopper’s first name is known. {name}: the first name.',
  greeting: 'First paragraph when no first name is known.',
  line1:
    'Reminder 1: the personal line under the greeting (a model may rewrite it into the store’s voice). ' +
    '{store}: the store name; {items}: what is in the cart, e.g. "Wool scarf and 2 more items". ' +
    'Keep {items} after a colon or in a list, so the sentence reads right for any item name.',
  line2: 'Reminder 2: the personal line, warmer, no pressure, no offer. Placeholders as in line1.',
  itemsAndMore:
    'Inside {items}: the first item and how many more. {title}: the first item’s name; {count}: a number.',
  aFewThings: 'Inside {items} when the cart’s contents are unknown.',
  replyInvite: 'Reminder 2, after the personal line, only when the store has a reply-to address.',
  quantity: 'Under each item’s name. {quantity}: a number.',
  unitPrice: 'Beside the quantity when it is over 1: the price of one. {price}: an amount with currency.',
  moreInCart: 'Under the first ten items of a long cart. {count}: how many more items are in the cart.',
  total: 'Label of the cart total, left of the amount (and in the text part).',
  button1: 'Reminder 1: the button (and text-part link label) back to the cart.',
  button2: 'Reminder 2: the button (and text-part link label) back to the cart.',
  discountOffer:
    'Above the discount code box. {discount}: the owner’s words for what it gives, e.g. "10% off your order".',
  discountCodeLabel: 'Small label inside the code box, above the code.',
  discountMinimum:
    'Under the code when the code needs a minimum cart total. {amount}: an amount with currency.',
  discountUntil: 'Under the code when it expires. {date}: the last day it is valid, written out.',
  yourCart: 'Text part only: heading of the list of items.',
  labelValue:
    'Text part only: a label and its value, e.g. "Total: $91.00" (French puts a narrow no-break space before the colon). {label}, {value}.',
  footerWhy: 'Footer: why the shopper gets this email. {store}: the store name.',
  footerUnsubscribeAsk: 'Footer: the question before the unsubscribe link.',
  unsubscribe: 'Footer: the unsubscribe link’s text; also the unsubscribe page’s button and title.',
  textUnsubscribe: 'Text part footer: label before the unsubscribe address.',
  pageConfirmHeading: 'Unsubscribe page (before the button): heading.',
  pageConfirmBody: 'Unsubscribe page (before the button): what happens. {store}: the store name.',
  pageDoneTitle: 'Page after unsubscribing: browser tab title.',
  pageDoneHeading: 'Page after unsubscribing: heading.',
  pageDoneBody: 'Page after unsubscribing: body. {store}: the store name.',
  pageAlreadyTitle: 'Page for an address already unsubscribed: browser tab title.',
  pageAlreadyHeading: 'Page for an address already unsubscribed: heading.',
  pageAlreadyBody: 'Page for an address already unsubscribed: body. {store}: the store name.',
  pageBackToStore:
    'Page for an address already unsubscribed: the link back to the store website, when it has one. {store}: the store name.',
  pageBadTitle: 'Page for a broken unsubscribe link: browser tab title.',
  pageBadHeading: 'Page for a broken unsubscribe link: heading.',
  pageBadBody: 'Page for a broken unsubscribe link: what to do.',
  pageNotAllowedTitle: 'Page for a request that is neither GET nor POST: title and heading.',
  pageNotAllowedBody: 'Page for a request that is neither GET nor POST: what to do.',
} as const;

export type CopyKey = keyof typeof COPY_NOTES;

/** The keys whose wording depends on a count. */
export const PLURAL_KEYS = ['itemsAndMore', 'moreInCart'] as const satisfies readonly CopyKey[];
type PluralKey = (typeof PLURAL_KEYS)[number];

/** One language's words: every key, plural keys by category. */
export type Catalogue = { readonly [K in CopyKey]: K extends PluralKey ? Plural : string };
