import type { Cart, ReminderNumber } from './cart.js';
import type { CartItem, CartSnapshot } from './cart-event.js';
import type { Language } from './copy/catalogue.js';
import { chooseLanguage, fill, formatLocale, type Words, wordsFor } from './copy/language.js';
import { discountFor, type ShownDiscount } from './discount.js';
import { ValidationError } from './errors.js';
import { checkMoney, formatCount, formatMoney, multiplyAmount } from './money.js';
import type { Rules } from './rules.js';

/** The tone a reminder is written in: friendly for the first, warmer for the second. */
export type Tone = 'first' | 'second';

export interface ReminderInput {
  cart: Cart;
  n: ReminderNumber;
  rules: Rules;
  /** The one-click unsubscribe URL (RFC 8058), also put in the List-Unsubscribe header. */
  unsubscribeUrl: string;
  /** Where the return button and link go: the engine's click redirect; default the cart's own return link. */
  returnUrl?: string;
  /** The personal line, polished or not, already filled; {@link defaultLine} when absent. */
  line?: string;
  /** When the reminder is made: decides whether the discount has expired. */
  now: Date;
}

export interface ReminderMessage {
  subject: string;
  text: string;
  html: string;
  /** The RFC 8058 one-click unsubscribe headers. */
  headers: Record<string, string>;
  /** The language the reminder is written in. */
  language: Language;
  /** Where a shopper's reply goes (the store's reply-to address), when the store has one. */
  replyTo?: string;
}

// Gmail clips messages over ~102 KB; a long cart is summed up instead of listed in full.
const MAX_LISTED_ITEMS = 10;
const MAX_TITLE_IN_LINE = 60;
const WEB_URL = /^https?:\/\//i;
// The unsubscribe URL also goes into a header between angle brackets (RFC 2369): printable ASCII
// without spaces or angle brackets.
const HEADER_URL = /^https?:\/\/[!-;=?-~]+$/i;
const NEWLINES = /[\r\n\u2028\u2029]+/g;
/** The button's colour when the store sets no accent colour. */
export const DEFAULT_ACCENT = '#111827';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const HTML_SPECIAL = /[&<>"']/;
const HTML_SPECIALS = /[&<>"']/g;

/** Escapes text for HTML element content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return HTML_SPECIAL.test(text) ? text.replace(HTML_SPECIALS, (ch) => HTML_ESCAPES[ch] ?? ch) : text;
}

/** The tone of reminder `n`, as a Polisher is asked for it. */
export function toneFor(n: ReminderNumber): Tone {
  return n === 1 ? 'first' : 'second';
}

const oneLine = (text: string) => text.replace(NEWLINES, ' ');
const webUrl = (url: string | undefined) => (url && WEB_URL.test(url) ? url : undefined);

/** `text` cut to at most `max` characters with an ellipsis, at a word break where there is one. */
function shorten(text: string, max: number): string {
  // Characters, not UTF-16 code units: an emoji counts once, and is never cut in half.
  const all = Array.from(text);
  if (all.length <= max) return text;
  const chars = all.slice(0, max);
  const wordBreak = chars.lastIndexOf(' ');
  return `${chars
    .slice(0, wordBreak > max / 2 ? wordBreak : max - 1)
    .join('')
    .trimEnd()}…`;
}

function requireWebUrl(url: string, path: string, pattern = WEB_URL): string {
  if (!pattern.test(url))
    throw new ValidationError('The reminder', [{ path, message: 'must be an http(s) URL' }]);
  return url;
}

function snapshotOf(cart: Cart): CartSnapshot {
  if (!cart.snapshot) {
    throw new ValidationError('The reminder', [
      { path: 'cart.snapshot', message: 'a reminder needs the cart contents' },
    ]);
  }
  return cart.snapshot;
}

/** The language reminders to this cart are written in: its locale, else the store's language, else English. */
export function reminderLanguage(cart: Cart, rules: Rules): Language {
  return chooseLanguage(cart.snapshot?.locale, rules.store.language);
}

/** What the shopper left, in a few words: the first item's title and how many more. */
function whatWasLeft(items: readonly CartItem[], words: Words): string {
  const first = items[0];
  if (!first) return words.text('aFewThings');
  const title = shorten(oneLine(first.title), MAX_TITLE_IN_LINE);
  return items.length === 1 ? title : words.count('itemsAndMore', items.length - 1, { title });
}

/** Where the line template names what was left; the sender fills it in per cart. */
export const ITEMS_PLACEHOLDER = '{items}';

/**
 * The owner's own opening line for reminder `n` in `language` (Rules tab, "Your words"), store name
 * filled in and {@link ITEMS_PLACEHOLDER} left for the cart, or undefined. The owner's words are
 * sent as written: never polished.
 */
export function ownOpening(n: ReminderNumber, rules: Rules, language: Language): string | undefined {
  const own = rules.messages?.[language];
  const opening = n === 1 ? own?.firstOpening : own?.secondOpening;
  return opening === undefined ? undefined : fill(opening, { store: oneLine(rules.store.name) });
}

/**
 * The personal line of reminder `n` as a template in `language`, with {@link ITEMS_PLACEHOLDER}
 * where the items go (after a colon, so the sentence holds for any item name): the owner's opening
 * line when there is one, else the catalogue's, friendly for the first and warmer for the second,
 * promising nothing the store did not offer. A Polisher rewrites the catalogue's template, not each
 * cart's line, so the model is asked once per variant and language a day.
 */
export function lineTemplate(n: ReminderNumber, rules: Rules, language: Language = 'en'): string {
  const own = ownOpening(n, rules, language);
  if (own !== undefined) return own;
  const store = oneLine(rules.store.name);
  return wordsFor(language).text(n === 1 ? 'line1' : 'line2', { store, items: ITEMS_PLACEHOLDER });
}

/** Fills a (possibly polished) line template with what this cart holds, in `language`. */
export function fillLine(template: string, cart: Cart, language: Language = 'en'): string {
  return template.replace(ITEMS_PLACEHOLDER, () =>
    whatWasLeft(cart.snapshot?.items ?? [], wordsFor(language)),
  );
}

/**
 * The deterministic personal line of reminder `n` for one cart, in the cart's language.
 * @example defaultLine(cart, 1, rules) // 'Still in your cart at Acme: Trail Runner Shoes and 1 more item. We kept…'
 */
export function defaultLine(cart: Cart, n: ReminderNumber, rules: Rules): string {
  const language = reminderLanguage(cart, rules);
  return fillLine(lineTemplate(n, rules, language), cart, language);
}

interface Copy {
  subject: string;
  preheader: string;
  heading: string;
  button: string;
}

function copyFor(n: ReminderNumber, rules: Rules, words: Words): Copy {
  const store = oneLine(rules.store.name);
  const own = rules.messages?.[words.language];
  const ownSubject = n === 1 ? own?.firstSubject : own?.secondSubject;
  const first = n === 1;
  return {
    subject: ownSubject
      ? fill(ownSubject, { store })
      : words.text(first ? 'subject1' : 'subject2', { store }),
    preheader: words.text(first ? 'preheader1' : 'preheader2', { store }),
    heading: words.text(first ? 'heading1' : 'heading2'),
    button: words.text(first ? 'button1' : 'button2'),
  };
}

interface ShownItem {
  title: string;
  /** "Quantity: 2 · $79.75 each", or "Quantity: 1". */
  detail: string;
  lineTotal: string;
  url: string | undefined;
  imageUrl: string | undefined;
}

interface ShownOffer {
  intro: string;
  label: string;
  code: string;
  terms: string[];
}

interface View {
  language: Language;
  store: string;
  storeUrl: string | undefined;
  logoUrl: string | undefined;
  accent: string;
  onAccent: string;
  address: string;
  greeting: string;
  line: string;
  replyInvite: string | undefined;
  offer: ShownOffer | undefined;
  items: ShownItem[];
  more: string | undefined;
  totalLabel: string;
  total: string;
  returnUrl: string;
  unsubscribeUrl: string;
  why: string;
  unsubscribeAsk: string;
  unsubscribe: string;
  textUnsubscribe: string;
  yourCart: string;
  /** "label: value" the language's way. */
  labelled: (label: string, value: string) => string;
}

/**
 * Relative luminance of a #rrggbb colour (WCAG 2.x), 0 for black to 1 for white.
 * @example relativeLuminance('#808080') // 0.2158…
 */
export function relativeLuminance(hex: string): number {
  const channel = (i: number) => {
    const byte = Number.parseInt(hex.slice(i, i + 2), 16);
    const c = byte / 255;
    // WCAG's c <= 0.03928, read on the byte: 10 / 255 is 0.0392, 11 / 255 is 0.0431.
    return byte <= 10 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** White or near-black, whichever reads better on `hex` (the button's text on the accent colour). */
export function textColourOn(hex: string): string {
  const l = relativeLuminance(hex);
  // Contrast with white is 1.05 / (l + 0.05); with #111827 (luminance ~0.012) it is (l + 0.05) / 0.062.
  // Stryker disable next-line EqualityOperator: `>` is equivalent, no #rrggbb colour gives the two contrasts equal (all 16,777,216 checked); `<` is killed by the tests (checked without this line)
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.062 ? '#ffffff' : '#111827';
}

const FONT = 'font-family:Arial,Helvetica,sans-serif;';
// Long words (German compounds, item names) break where the language allows, else anywhere: never sideways.
const WRAP = 'overflow-wrap:anywhere;word-break:break-word;hyphens:auto;-webkit-hyphens:auto;';
const PREHEADER_PAD = '&#8199;&#847;&zwnj;&nbsp;'.repeat(30);
const IMAGE_PX = 64;

// Dark mode: clients that honour prefers-color-scheme (Apple Mail, iOS, many webmails) get these;
// the rest keep the inline light colours, readable on their own.
const STYLE = `<style>
:root{color-scheme:light dark;supported-color-schemes:light dark;}
@media (prefers-color-scheme: dark){
.cr-page{background-color:#0b0f19 !important;}
.cr-card{background-color:#1f2937 !important;}
.cr-strong{color:#f9fafb !important;}
.cr-body{color:#e5e7eb !important;}
.cr-muted{color:#cbd5e1 !important;}
.cr-rule{border-color:#4b5563 !important;}
.cr-code{background-color:#111827 !important;color:#f9fafb !important;}
}
</style>`;

function itemRowHtml(item: ShownItem, withImages: boolean): string {
  const title = escapeHtml(item.title);
  const link = item.url ? escapeHtml(item.url) : undefined;
  const titleHtml = link
    ? `<a href="${link}" target="_blank" class="cr-strong" style="color:#111827;text-decoration:none;font-weight:bold;">${title}</a>`
    : `<span class="cr-strong" style="color:#111827;font-weight:bold;">${title}</span>`;
  let image = '';
  if (withImages) {
    const img = item.imageUrl
      ? `<img src="${escapeHtml(item.imageUrl)}" alt="${title}" width="${IMAGE_PX}" height="${IMAGE_PX}" style="display:block;width:${IMAGE_PX}px;height:${IMAGE_PX}px;border:0;border-radius:4px;object-fit:cover;">`
      : '';
    image = `<td width="${IMAGE_PX}" valign="top" style="padding:8px 12px 8px 0;width:${IMAGE_PX}px;">${link && img ? `<a href="${link}" target="_blank">${img}</a>` : img}</td>`;
  }
  return `<tr>${image}<td valign="top"${withImages ? '' : ' colspan="2"'} class="cr-body" style="padding:8px 0;${FONT}${WRAP}font-size:15px;line-height:22px;color:#374151;">${titleHtml}<br><span class="cr-muted" style="color:#6b7280;font-size:13px;">${escapeHtml(item.detail)}</span></td><td align="right" valign="top" class="cr-strong" style="padding:8px 0 8px 12px;${FONT}font-size:15px;line-height:22px;color:#111827;white-space:nowrap;">${escapeHtml(item.lineTotal)}</td></tr>`;
}

function offerHtml(offer: ShownOffer, view: View): string {
  const terms = offer.terms.length
    ? `<p class="cr-muted" style="margin:8px 0 0;font-size:13px;line-height:18px;color:#6b7280;">${offer.terms.map(escapeHtml).join(' ')}</p>`
    : '';
  return `<tr><td style="padding:16px 24px 0;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td class="cr-code" style="padding:16px;border:2px dashed ${view.accent};border-radius:8px;background-color:#f9fafb;${FONT}${WRAP}color:#111827;text-align:center;">
<p class="cr-body" style="margin:0 0 8px;font-size:15px;line-height:22px;color:#374151;">${escapeHtml(offer.intro)}</p>
<p class="cr-muted" style="margin:0;font-size:12px;line-height:16px;letter-spacing:1px;text-transform:uppercase;color:#6b7280;">${escapeHtml(offer.label)}</p>
<p class="cr-strong" style="margin:4px 0 0;font-family:'Courier New',Courier,monospace;font-size:24px;line-height:32px;font-weight:bold;letter-spacing:2px;color:#111827;">${escapeHtml(offer.code)}</p>
${terms}</td></tr></table>
</td></tr>`;
}

function html(copy: Copy, view: View): string {
  const store = escapeHtml(view.store);
  const withImages = view.items.some((item) => item.imageUrl);
  const more = view.more
    ? `<tr><td colspan="3" class="cr-muted" style="padding:8px 0;${FONT}font-size:14px;color:#6b7280;">${escapeHtml(view.more)}</td></tr>`
    : '';
  const masthead = view.logoUrl
    ? `<img src="${escapeHtml(view.logoUrl)}" alt="${store}" height="40" style="display:block;height:40px;width:auto;max-width:200px;border:0;">`
    : store;
  const storeLine = view.storeUrl
    ? `<a href="${escapeHtml(view.storeUrl)}" target="_blank" class="cr-muted" style="color:#6b7280;text-decoration:underline;">${store}</a>`
    : store;
  const reply = view.replyInvite ? `\n<p style="margin:12px 0 0;">${escapeHtml(view.replyInvite)}</p>` : '';
  return `<!DOCTYPE html>
<html lang="${view.language}" dir="ltr" xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>${escapeHtml(copy.subject)}</title>
${STYLE}
</head>
<body class="cr-page" style="margin:0;padding:0;background-color:#f4f4f5;">
<div style="display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all;font-size:1px;line-height:1px;color:#f4f4f5;">${escapeHtml(copy.preheader)}${PREHEADER_PAD}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" class="cr-page" style="background-color:#f4f4f5;">
<tr><td align="center" style="padding:24px 12px;">
<!--[if mso]><table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" align="center"><tr><td><![endif]-->
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" class="cr-card" style="max-width:600px;width:100%;background-color:#ffffff;border-radius:8px;">
<tr><td class="cr-muted" style="padding:24px 24px 0;${FONT}${WRAP}font-size:14px;font-weight:bold;letter-spacing:0.5px;color:#6b7280;">${masthead}</td></tr>
<tr><td class="cr-strong" style="padding:8px 24px 0;${FONT}${WRAP}font-size:22px;line-height:30px;font-weight:bold;color:#111827;">${escapeHtml(copy.heading)}</td></tr>
<tr><td class="cr-body" style="padding:16px 24px 0;${FONT}${WRAP}font-size:16px;line-height:24px;color:#374151;">
<p style="margin:0 0 12px;">${escapeHtml(view.greeting)}</p>
<p style="margin:0;">${escapeHtml(view.line)}</p>${reply}
</td></tr>
${view.offer ? offerHtml(view.offer, view) : ''}
<tr><td style="padding:16px 24px 0;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">
${view.items.map((item) => itemRowHtml(item, withImages)).join('\n')}
${more}<tr><td colspan="2" class="cr-strong cr-rule" style="padding:12px 0 0;border-top:1px solid #e5e7eb;${FONT}font-size:16px;font-weight:bold;color:#111827;">${escapeHtml(view.totalLabel)}</td><td align="right" class="cr-strong cr-rule" style="padding:12px 0 0 12px;border-top:1px solid #e5e7eb;${FONT}font-size:16px;font-weight:bold;color:#111827;white-space:nowrap;">${escapeHtml(view.total)}</td></tr>
</table>
</td></tr>
<tr><td align="center" style="padding:28px 24px;">
<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="max-width:100%;"><tr><td align="center" bgcolor="${view.accent}" style="border-radius:6px;background-color:${view.accent};">
<a href="${escapeHtml(view.returnUrl)}" target="_blank" style="display:inline-block;padding:14px 28px;${FONT}${WRAP}font-size:16px;line-height:22px;font-weight:bold;color:${view.onAccent};text-decoration:none;border-radius:6px;">${escapeHtml(copy.button)}</a>
</td></tr></table>
</td></tr>
<tr><td class="cr-muted cr-rule" style="padding:16px 24px 24px;border-top:1px solid #e5e7eb;${FONT}${WRAP}font-size:12px;line-height:18px;color:#6b7280;">
${escapeHtml(view.why)}
${escapeHtml(view.unsubscribeAsk)} <a href="${escapeHtml(view.unsubscribeUrl)}" target="_blank" class="cr-muted" style="color:#6b7280;text-decoration:underline;">${escapeHtml(view.unsubscribe)}</a><br>
${storeLine}<br>
${escapeHtml(view.address)}
</td></tr>
</table>
<!--[if mso]></td></tr></table><![endif]-->
</td></tr>
</table>
</body>
</html>
`;
}

function itemText(item: ShownItem, view: View): string {
  const row = `- ${view.labelled(`${item.title} (${item.detail})`, item.lineTotal)}`;
  return item.url ? `${row}\n  ${item.url}` : row;
}

function text(copy: Copy, view: View): string {
  const more = view.more ? `\n${view.more}` : '';
  const reply = view.replyInvite ? `\n\n${view.replyInvite}` : '';
  const offer = view.offer
    ? `\n\n${view.offer.intro}\n${view.labelled(view.offer.label, view.offer.code)}${view.offer.terms.length ? `\n${view.offer.terms.join(' ')}` : ''}`
    : '';
  return `${view.greeting}

${view.line}${reply}${offer}

${view.yourCart}
${view.items.map((item) => itemText(item, view)).join('\n')}${more}

${view.labelled(view.totalLabel, view.total)}

${view.labelled(copy.button, view.returnUrl)}

--
${view.store}${view.storeUrl ? `\n${view.storeUrl}` : ''}
${view.address}

${view.why}
${view.textUnsubscribe} ${view.unsubscribeUrl}
`;
}

/** A calendar day (YYYY-MM-DD) written out the way `locale` writes dates: "31. Dezember 2026". */
function formatDay(day: string, locale: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(
    Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1),
  );
}

function shownOffer(
  discount: ShownDiscount,
  words: Words,
  money: (amount: string) => string,
  locale: string,
): ShownOffer {
  const terms: string[] = [];
  // Money is written from a decimal string. No minimum gives "undefined", and one String() writes with
  // an exponent (1e-7, 1e+21) is no decimal either: both are left unsaid.
  const minimum = String(discount.minTotal);
  if (/^\d+(\.\d+)?$/.test(minimum)) terms.push(words.text('discountMinimum', { amount: money(minimum) }));
  if (discount.expires !== undefined)
    terms.push(words.text('discountUntil', { date: formatDay(discount.expires, locale) }));
  return {
    intro: words.text('discountOffer', { discount: oneLine(discount.words) }),
    label: words.text('discountCodeLabel'),
    code: discount.code,
    terms,
  };
}

/**
 * Composes reminder `n` of a cart: subject, an email-safe HTML body (tables, inline styles, at most
 * 600 px wide, a hidden preheader, dark-mode colours), a plain-text alternative readable on its own,
 * and the RFC 8058 one-click unsubscribe headers. Pure. The words come from the catalogue of the
 * cart's language (its locale, else the store's language, else English) and the owner's own words
 * for that language; money and dates are written by Intl in that locale, in the cart's currency.
 * Each item shows its line total (and the unit price when there are several); the owner's discount
 * shows as a code box when this reminder carries it and it has not expired at `now`. Every text
 * from the cart and the line is escaped; item links and images are kept only for http(s) URLs.
 * @throws ValidationError when the cart has no snapshot, or the return or unsubscribe URL is not
 * http(s) (the unsubscribe URL must also fit a header: printable ASCII, no spaces or angle brackets).
 */
export function composeReminder(input: ReminderInput): ReminderMessage {
  const { cart, n, rules } = input;
  const snapshot = snapshotOf(cart);
  const language = reminderLanguage(cart, rules);
  const words = wordsFor(language);
  const locale = formatLocale(language, snapshot.locale);
  const money = (amount: string) => formatMoney(amount, snapshot.currency, locale);
  const store = oneLine(rules.store.name);
  const listed = snapshot.items.slice(0, MAX_LISTED_ITEMS);
  for (const item of listed) checkMoney(item.price, snapshot.currency, locale);
  checkMoney(snapshot.total, snapshot.currency, locale);
  const accent = rules.store.accentColor ?? DEFAULT_ACCENT;
  const moreItems = snapshot.items.length - listed.length;
  const discount = discountFor(cart, n, rules, language, input.now);
  const view: View = {
    language,
    store,
    storeUrl: webUrl(rules.store.url),
    logoUrl: webUrl(rules.store.logoUrl),
    accent,
    onAccent: textColourOn(accent),
    address: oneLine(rules.store.address),
    greeting: snapshot.firstName
      ? words.text('greetingName', { name: oneLine(snapshot.firstName) })
      : words.text('greeting'),
    line: oneLine(input.line ?? defaultLine(cart, n, rules)),
    // Only a store with a reply-to address invites a reply, and only in the warmer second reminder.
    replyInvite: rules.store.replyTo && n === 2 ? words.text('replyInvite') : undefined,
    offer: discount ? shownOffer(discount, words, money, locale) : undefined,
    items: listed.map((item) => {
      const quantity = words.text('quantity', { quantity: formatCount(item.quantity, locale) });
      return {
        title: oneLine(item.title),
        detail:
          item.quantity > 1
            ? `${quantity} · ${words.text('unitPrice', { price: money(item.price) })}`
            : quantity,
        lineTotal: money(multiplyAmount(item.price, item.quantity)),
        url: webUrl(item.url),
        imageUrl: webUrl(item.imageUrl),
      };
    }),
    more: moreItems > 0 ? words.count('moreInCart', moreItems) : undefined,
    totalLabel: words.text('total'),
    total: money(snapshot.total),
    returnUrl: requireWebUrl(input.returnUrl ?? snapshot.returnUrl, 'cart.snapshot.returnUrl'),
    unsubscribeUrl: requireWebUrl(input.unsubscribeUrl, 'unsubscribeUrl', HEADER_URL),
    why: words.text('footerWhy', { store }),
    unsubscribeAsk: words.text('footerUnsubscribeAsk'),
    unsubscribe: words.text('unsubscribe'),
    textUnsubscribe: words.text('textUnsubscribe'),
    yourCart: words.text('yourCart'),
    labelled: (label, value) => words.text('labelValue', { label, value }),
  };
  const copy = copyFor(n, rules, words);
  return {
    subject: copy.subject,
    text: text(copy, view),
    html: html(copy, view),
    headers: {
      'List-Unsubscribe': `<${view.unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    language,
    ...(rules.store.replyTo ? { replyTo: rules.store.replyTo } : {}),
  };
}
