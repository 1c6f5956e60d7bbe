import { escapeHtml } from '../domain/reminder-message.js';

/**
 * Where a reminder link goes when the cart cannot be found and the store has no website in its rules:
 * a short page naming the store, never an error page (the shopper did nothing wrong).
 */
export function storeOnlyPage(storeName: string | undefined): string {
  const store = storeName ? escapeHtml(storeName) : 'the store';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${store}</title>
<style>body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222;line-height:1.5}</style></head>
<body><h1>${store}</h1><p>This link has run its course, but ${store} is still open: visit the shop and your basket may be waiting.</p></body></html>`;
}
