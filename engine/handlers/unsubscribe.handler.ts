import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { MAX_CLICK_TOKEN_LENGTH } from '../domain/click-token.js';
import type { Language } from '../domain/copy/catalogue.js';
import { chooseLanguage, languageOf } from '../domain/copy/language.js';
import { InvalidUnsubscribeTokenError } from '../domain/errors.js';
import { MAX_UNSUBSCRIBE_TOKEN_LENGTH } from '../domain/unsubscribe-token.js';
import { followClick } from '../use-cases/follow-click.js';
import { unsubscribeByToken } from '../use-cases/unsubscribe.js';
import { type UnsubscribeContext, unsubscribeContext } from './aws-context.js';
import { storeOnlyPage } from './click-pages.js';
import { header, html, method, rawBody, withErrorBoundary } from './function-url.js';
import { alreadyDonePage, badTokenPage, confirmPage, donePage, notAllowedPage } from './unsubscribe-pages.js';

// Long enough for every token the engine makes from an event the webhook accepts, and no longer.
const TOKEN_PATH = new RegExp(`^/u/([A-Za-z0-9_-]{16,${MAX_UNSUBSCRIBE_TOKEN_LENGTH}})/?$`);
const CLICK_PATH = new RegExp(`^/r/([A-Za-z0-9_-]{16,${MAX_CLICK_TOKEN_LENGTH}})/?$`);

/**
 * One-click unsubscribe (RFC 8058). GET /u/<token> shows a confirmation page with a button; POST
 * /u/<token> (a mail client's `List-Unsubscribe=One-Click`, or that button) unsubscribes at once.
 * A bad token gets a plain 400 page and changes nothing.
 */
export async function handleUnsubscribe(
  ctx: UnsubscribeContext,
  event: LambdaFunctionURLEvent,
): Promise<LambdaFunctionURLResult> {
  const verb = method(event);
  if ((event.rawPath ?? '').startsWith('/r/')) return handleClick(ctx, event, verb);
  const match = TOKEN_PATH.exec(event.rawPath ?? '');
  const browser = browserLanguage(header(event, 'accept-language'));
  if (verb !== 'GET' && verb !== 'POST') return html(405, notAllowedPage(browser), { allow: 'GET, POST' });
  if (!match?.[1]) {
    ctx.log.warn('unsubscribe refused', { reason: 'no token in the path' });
    return html(400, badTokenPage(browser));
  }
  const token = match[1];
  try {
    // Only open the token here: a GET must never unsubscribe.
    const { emailKey, cartId } = ctx.links.tokens.open(token);
    const { rules } = await ctx.rules.current();
    // The shopper reads the page in the language of the reminder that linked to it.
    const cart = await ctx.carts.get(cartId);
    const language = chooseLanguage(
      cart?.snapshot?.locale,
      browser === 'en' ? rules.store.language : browser,
    );
    const storeName = rules.store.name;
    if (verb === 'GET') {
      const contact = await ctx.contacts.get(emailKey);
      return html(
        200,
        contact?.unsubscribedAt
          ? alreadyDonePage(language, storeName, rules.store.url)
          : confirmPage(language, storeName),
      );
    }
    if ((await oneClickValue(event)) !== 'One-Click') {
      ctx.log.warn('unsubscribe refused', { reason: 'POST without List-Unsubscribe=One-Click' });
      return html(400, badTokenPage(language));
    }
    await unsubscribeByToken(ctx, token);
    return html(200, donePage(language, storeName));
  } catch (error) {
    if (error instanceof InvalidUnsubscribeTokenError) {
      ctx.log.warn('unsubscribe refused', { reason: 'invalid token' });
      return html(400, badTokenPage(browser));
    }
    throw error;
  }
}

/**
 * GET /r/<token>: a click on a reminder's return link. 302 to the cart's return link, the first
 * click of each reminder recorded; a changed or unknown token goes to the store's website, or to a
 * short page naming the store. Never an error page: the shopper meant to come back.
 */
async function handleClick(
  ctx: UnsubscribeContext,
  event: LambdaFunctionURLEvent,
  verb: string,
): Promise<LambdaFunctionURLResult> {
  if (verb !== 'GET' && verb !== 'HEAD')
    return html(405, notAllowedPage(browserLanguage(header(event, 'accept-language'))), {
      allow: 'GET, HEAD',
    });
  const token = CLICK_PATH.exec(event.rawPath ?? '')?.[1] ?? '';
  const result = await followClick(ctx, token);
  // A redirect must not be cached: every click of a new reminder is counted where it lands.
  const noStore = { 'cache-control': 'no-store' };
  if (result.kind === 'cart') return redirect(result.url, noStore);
  if (result.url) return redirect(result.url, noStore);
  return html(200, storeOnlyPage(result.storeName), noStore);
}

function redirect(url: string, headers: Record<string, string>): LambdaFunctionURLResult {
  return {
    statusCode: 302,
    headers: { location: url, 'referrer-policy': 'no-referrer', ...headers },
    body: '',
  };
}

/**
 * The first language of an Accept-Language header (RFC 9110 12.5.4, by weight) that has a catalogue,
 * else English: for pages shown before a cart is known.
 */
export function browserLanguage(acceptLanguage: string | undefined): Language {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, order) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/i.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), weight: q === undefined ? 1 : Number(q), order };
    })
    .filter((entry) => entry.tag && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.order - b.order);
  for (const { tag } of ranked) {
    const language = languageOf(tag);
    if (language) return language;
  }
  return 'en';
}

/**
 * The `List-Unsubscribe` field of a one-click POST. RFC 8058 section 3.1 lets the mail client send it
 * as application/x-www-form-urlencoded or as multipart/form-data; a body that cannot be read has none.
 */
async function oneClickValue(event: LambdaFunctionURLEvent): Promise<string | undefined> {
  const type = header(event, 'content-type') ?? 'application/x-www-form-urlencoded';
  if (!/^multipart\/form-data\b/i.test(type)) {
    return new URLSearchParams(rawBody(event).toString('utf8')).get('List-Unsubscribe') ?? undefined;
  }
  try {
    const form = await new Request('http://localhost/', {
      method: 'POST',
      headers: { 'content-type': type },
      body: rawBody(event),
    }).formData();
    const value = form.get('List-Unsubscribe');
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export const handler = withErrorBoundary(
  'unsubscribe',
  async () => (await unsubscribeContext()).log,
  async (event: LambdaFunctionURLEvent) => handleUnsubscribe(await unsubscribeContext(), event),
);
