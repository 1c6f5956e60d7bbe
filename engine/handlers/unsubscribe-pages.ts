import type { Language } from '../domain/copy/catalogue.js';
import { wordsFor } from '../domain/copy/language.js';
import { escapeHtml } from '../domain/reminder-message.js';

const page = (language: Language, title: string, body: string) => `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><meta name="color-scheme" content="light dark"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222;background:#fff;line-height:1.5;overflow-wrap:anywhere}
button{font:inherit;padding:.6rem 1.2rem;border-radius:.4rem;border:0;background:#222;color:#fff;cursor:pointer}
@media (prefers-color-scheme: dark){body{color:#eee;background:#111}button{background:#eee;color:#111}}</style></head>
<body>${body}</body></html>`;

/** The page a GET shows: link scanners prefetch GETs, so only the button (a POST) unsubscribes. */
export function confirmPage(language: Language, storeName: string): string {
  const words = wordsFor(language);
  const store = escapeHtml(storeName);
  return page(
    language,
    words.text('unsubscribe'),
    `<h1>${escapeHtml(words.text('pageConfirmHeading'))}</h1>
<p>${words.text('pageConfirmBody', { store })}</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">${escapeHtml(words.text('unsubscribe'))}</button></form>`,
  );
}

export function donePage(language: Language, storeName: string): string {
  const words = wordsFor(language);
  return page(
    language,
    words.text('pageDoneTitle'),
    `<h1>${escapeHtml(words.text('pageDoneHeading'))}</h1><p>${words.text('pageDoneBody', { store: escapeHtml(storeName) })}</p>`,
  );
}

/**
 * The page a GET shows once the address is unsubscribed: nothing is left to ask. With the store's
 * website (rules `store.url`), a link back to it, so the page is not a dead end.
 */
export function alreadyDonePage(language: Language, storeName: string, storeUrl?: string): string {
  const words = wordsFor(language);
  const store = escapeHtml(storeName);
  const back = storeUrl
    ? `<p><a href="${escapeHtml(storeUrl)}">${words.text('pageBackToStore', { store })}</a></p>`
    : '';
  return page(
    language,
    words.text('pageAlreadyTitle'),
    `<h1>${escapeHtml(words.text('pageAlreadyHeading'))}</h1><p>${words.text('pageAlreadyBody', { store })}</p>${back}`,
  );
}

export function badTokenPage(language: Language): string {
  const words = wordsFor(language);
  return page(
    language,
    words.text('pageBadTitle'),
    `<h1>${escapeHtml(words.text('pageBadHeading'))}</h1><p>${escapeHtml(words.text('pageBadBody'))}</p>`,
  );
}

export function notAllowedPage(language: Language): string {
  const words = wordsFor(language);
  return page(
    language,
    words.text('pageNotAllowedTitle'),
    `<h1>${escapeHtml(words.text('pageNotAllowedTitle'))}</h1><p>${escapeHtml(words.text('pageNotAllowedBody'))}</p>`,
  );
}
