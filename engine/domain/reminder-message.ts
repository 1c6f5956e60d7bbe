import type { Cart, ReminderNumber } from './cart.js';
import type { CartItem, CartSnapshot } from './cart-event.js';
import { ValidationError } from './errors.js';
import { checkMoney, formatMoney } from './money.js';
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
  /** The personal line, polished or not; {@link defaultLine} when absent. */
  line?: string;
}

export interface ReminderMessage {
  subject: string;
  text: string;
  html: string;
  /** The RFC 8058 one-click unsubscribe headers. */
  headers: Record<string, string>;
}

// Stryker disable next-line StringLiteral: equivalent, formatMoney writes en-US for any locale Intl cannot use, '' too
const DEFAULT_LOCALE = 'en-US';
// Gmail clips messages over ~102 KB; a long cart is summed up instead of listed in full.
const MAX_LISTED_ITEMS = 10;
const MAX_TITLE_IN_LINE = 60;
const WEB_URL = /^https?:\/\//i;
// The unsubscribe URL also goes into a header between angle brackets (RFC 2369): printable ASCII
// without spaces or angle brackets.
const HEADER_URL = /^https?:\/\/[!-;=?-~]+$/i;
const NEWLINES = /[\r\n\u2028\u2029]+/g;

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
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
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

/** What the shopper left, in a few words: the first item's title and how many more. */
function whatWasLeft(items: readonly CartItem[]): string {
  const first = items[0];
  if (!first) return 'a few things';
  const title = shorten(oneLine(first.title), MAX_TITLE_IN_LINE);
  return items.length === 1 ? title : `${title} and ${plural(items.length - 1, 'more item')}`;
}

/** Where the line template names what was left; the sender fills it in per cart. */
export const ITEMS_PLACEHOLDER = '{items}';

/**
 * The personal line of reminder `n` as a template, with {@link ITEMS_PLACEHOLDER} where the items go:
 * friendly for the first, warmer for the second, in English, promising nothing the store did not offer
 * (no discount). A Polisher rewrites the template, not each cart's line, so the model is asked once per
 * variant a day, whatever the number of reminders.
 */
export function lineTemplate(n: ReminderNumber, rules: Rules): string {
  const store = oneLine(rules.store.name);
  return n === 1
    ? `Looks like you left ${ITEMS_PLACEHOLDER} in your cart at ${store}. We saved your cart, so you can pick up right where you left off.`
    : `Your cart at ${store} still has ${ITEMS_PLACEHOLDER} waiting for you, and we would love to help you finish up. Just reply if you have any questions.`;
}

/** Fills a (possibly polished) line template with what this cart holds. */
export function fillLine(template: string, cart: Cart): string {
  return template.replace(ITEMS_PLACEHOLDER, () => whatWasLeft(cart.snapshot?.items ?? []));
}

/**
 * The deterministic personal line of reminder `n` for one cart.
 * @example defaultLine(cart, 1, rules) // 'Looks like you left Trail Runner Shoes and 1 more item in your cart at Acme…'
 */
export function defaultLine(cart: Cart, n: ReminderNumber, rules: Rules): string {
  return fillLine(lineTemplate(n, rules), cart);
}

interface Copy {
  subject: string;
  preheader: string;
  heading: string;
  button: string;
}

function copyFor(n: ReminderNumber, store: string): Copy {
  return n === 1
    ? {
        subject: `You left something in your cart at ${store}`,
        preheader: `Your cart at ${store} is saved and ready when you are.`,
        heading: 'You left something behind',
        button: 'Return to your cart',
      }
    : {
        subject: `Still thinking it over? Your cart at ${store} is waiting`,
        preheader: `We kept your items at ${store} for you. Come back whenever you are ready.`,
        heading: 'Your cart is still waiting for you',
        button: 'Complete your order',
      };
}

interface ShownItem {
  title: string;
  quantity: number;
  price: string;
  url: string | undefined;
  imageUrl: string | undefined;
}

interface View {
  store: string;
  address: string;
  line: string;
  items: ShownItem[];
  moreItems: number;
  total: string;
  returnUrl: string;
  unsubscribeUrl: string;
}

const FONT = 'font-family:Arial,Helvetica,sans-serif;';
const PREHEADER_PAD = '&#8199;&#847;&zwnj;&nbsp;'.repeat(30);

function itemRowHtml(item: ShownItem): string {
  const title = escapeHtml(item.title);
  const link = item.url ? escapeHtml(item.url) : undefined;
  const titleHtml = link
    ? `<a href="${link}" target="_blank" style="color:#111827;text-decoration:none;font-weight:bold;">${title}</a>`
    : `<span style="color:#111827;font-weight:bold;">${title}</span>`;
  let image = '';
  if (item.imageUrl) {
    const img = `<img src="${escapeHtml(item.imageUrl)}" alt="${title}" width="80" height="80" style="display:block;width:80px;height:80px;border:0;border-radius:4px;object-fit:cover;">`;
    image = `<td width="80" valign="top" style="padding:8px 12px 8px 0;width:80px;">${link ? `<a href="${link}" target="_blank">${img}</a>` : img}</td>`;
  }
  return `<tr>${image}<td valign="top"${image ? '' : ' colspan="2"'} style="padding:8px 0;${FONT}font-size:15px;line-height:22px;color:#374151;">${titleHtml}<br><span style="color:#6b7280;font-size:13px;">Quantity: ${item.quantity}</span></td><td align="right" valign="top" style="padding:8px 0 8px 12px;${FONT}font-size:15px;line-height:22px;color:#111827;white-space:nowrap;">${escapeHtml(item.price)}</td></tr>`;
}

function html(copy: Copy, view: View): string {
  const store = escapeHtml(view.store);
  const more = view.moreItems
    ? `<tr><td colspan="3" style="padding:8px 0;${FONT}font-size:14px;color:#6b7280;">and ${escapeHtml(plural(view.moreItems, 'more item'))} in your cart</td></tr>`
    : '';
  return `<!DOCTYPE html>
<html lang="en" xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="color-scheme" content="light">
<title>${escapeHtml(copy.subject)}</title>
</head>
<body style="margin:0;padding:0;background-color:#f4f4f5;">
<div style="display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all;font-size:1px;line-height:1px;color:#f4f4f5;">${escapeHtml(copy.preheader)}${PREHEADER_PAD}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f4f5;">
<tr><td align="center" style="padding:24px 12px;">
<!--[if mso]><table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" align="center"><tr><td><![endif]-->
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;width:100%;background-color:#ffffff;border-radius:8px;">
<tr><td style="padding:24px 24px 0;${FONT}font-size:14px;font-weight:bold;letter-spacing:0.5px;color:#6b7280;">${store}</td></tr>
<tr><td style="padding:8px 24px 0;${FONT}font-size:22px;line-height:30px;font-weight:bold;color:#111827;">${escapeHtml(copy.heading)}</td></tr>
<tr><td style="padding:16px 24px 0;${FONT}font-size:16px;line-height:24px;color:#374151;">
<p style="margin:0 0 12px;">Hi there,</p>
<p style="margin:0;">${escapeHtml(view.line)}</p>
</td></tr>
<tr><td style="padding:16px 24px 0;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">
${view.items.map(itemRowHtml).join('\n')}
${more}<tr><td colspan="2" style="padding:12px 0 0;border-top:1px solid #e5e7eb;${FONT}font-size:16px;font-weight:bold;color:#111827;">Total</td><td align="right" style="padding:12px 0 0 12px;border-top:1px solid #e5e7eb;${FONT}font-size:16px;font-weight:bold;color:#111827;white-space:nowrap;">${escapeHtml(view.total)}</td></tr>
</table>
</td></tr>
<tr><td align="center" style="padding:28px 24px;">
<table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr><td align="center" bgcolor="#111827" style="border-radius:6px;background-color:#111827;">
<a href="${escapeHtml(view.returnUrl)}" target="_blank" style="display:inline-block;padding:14px 28px;${FONT}font-size:16px;font-weight:bold;color:#ffffff;text-decoration:none;border-radius:6px;">${escapeHtml(copy.button)}</a>
</td></tr></table>
</td></tr>
<tr><td style="padding:16px 24px 24px;border-top:1px solid #e5e7eb;${FONT}font-size:12px;line-height:18px;color:#6b7280;">
You are receiving this email because you left items in your cart at ${store}.
<a href="${escapeHtml(view.unsubscribeUrl)}" target="_blank" style="color:#6b7280;text-decoration:underline;">Unsubscribe</a> from cart reminders.<br>
${store}<br>
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

function itemText(item: ShownItem): string {
  const row = `- ${item.title} (quantity ${item.quantity}): ${item.price}`;
  return item.url ? `${row}\n  ${item.url}` : row;
}

function text(view: View): string {
  const more = view.moreItems ? `\n- and ${plural(view.moreItems, 'more item')}` : '';
  return `Hi there,

${view.line}

Your cart:
${view.items.map(itemText).join('\n')}${more}

Total: ${view.total}

Return to your cart: ${view.returnUrl}

--
${view.store}
${view.address}

You are receiving this email because you left items in your cart at ${view.store}.
Unsubscribe from cart reminders: ${view.unsubscribeUrl}
`;
}

/**
 * Composes reminder `n` of a cart: subject, an email-safe HTML body (tables, inline styles, at most
 * 600 px wide, a hidden preheader), a plain-text alternative readable on its own, and the RFC 8058
 * one-click unsubscribe headers. Pure. Every text from the cart and the line is escaped; item links
 * and images are kept only for http(s) URLs. The texts are English; the cart's locale (else en-US)
 * only changes how money is written, in the cart's currency.
 * @throws ValidationError when the cart has no snapshot, or the return or unsubscribe URL is not
 * http(s) (the unsubscribe URL must also fit a header: printable ASCII, no spaces or angle brackets).
 */
export function composeReminder(input: ReminderInput): ReminderMessage {
  const { cart, n, rules } = input;
  const snapshot = snapshotOf(cart);
  const locale = snapshot.locale ?? DEFAULT_LOCALE;
  const store = oneLine(rules.store.name);
  const listed = snapshot.items.slice(0, MAX_LISTED_ITEMS);
  for (const item of listed) checkMoney(item.price, snapshot.currency, locale);
  checkMoney(snapshot.total, snapshot.currency, locale);
  const view: View = {
    store,
    address: oneLine(rules.store.address),
    line: oneLine(input.line ?? defaultLine(cart, n, rules)),
    items: listed.map((item) => ({
      title: oneLine(item.title),
      quantity: item.quantity,
      price: formatMoney(item.price, snapshot.currency, locale),
      url: webUrl(item.url),
      imageUrl: webUrl(item.imageUrl),
    })),
    moreItems: Math.max(0, snapshot.items.length - MAX_LISTED_ITEMS),
    total: formatMoney(snapshot.total, snapshot.currency, locale),
    returnUrl: requireWebUrl(input.returnUrl ?? snapshot.returnUrl, 'cart.snapshot.returnUrl'),
    unsubscribeUrl: requireWebUrl(input.unsubscribeUrl, 'unsubscribeUrl', HEADER_URL),
  };
  const copy = copyFor(n, store);
  return {
    subject: copy.subject,
    text: text(view),
    html: html(copy, view),
    headers: {
      'List-Unsubscribe': `<${view.unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}
