import { escapeHtml } from '../domain/reminder-message.js';

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222;line-height:1.5}
button{font:inherit;padding:.6rem 1.2rem;border-radius:.4rem;border:0;background:#222;color:#fff;cursor:pointer}</style></head>
<body>${body}</body></html>`;

/** The page a GET shows: link scanners prefetch GETs, so only the button (a POST) unsubscribes. */
export function confirmPage(storeName: string): string {
  return page(
    'Unsubscribe',
    `<h1>Stop cart reminders?</h1>
<p>You will get no more reminders about carts you left at ${escapeHtml(storeName)}.</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button></form>`,
  );
}

export function donePage(storeName: string): string {
  return page(
    'Unsubscribed',
    `<h1>You are unsubscribed</h1><p>${escapeHtml(storeName)} will not send you cart reminders again. Sorry for the bother.</p>`,
  );
}

/**
 * The page a GET shows once the address is unsubscribed: nothing is left to ask. With the store's
 * website (rules `store.url`), a link back to it, so the page is not a dead end.
 */
export function alreadyDonePage(storeName: string, storeUrl?: string): string {
  const back = storeUrl
    ? `<p><a href="${escapeHtml(storeUrl)}">Back to ${escapeHtml(storeName)}</a></p>`
    : '';
  return page(
    'Already unsubscribed',
    `<h1>You are already unsubscribed</h1><p>${escapeHtml(storeName)} sends you no cart reminders. There is nothing more to do.</p>${back}`,
  );
}

export function badTokenPage(): string {
  return page(
    'Link not valid',
    '<h1>This unsubscribe link is not valid</h1><p>It may have been cut short when it was copied. Please use the link in the email itself, or reply to the email and ask to be removed.</p>',
  );
}

export function notAllowedPage(): string {
  return page('Not allowed', '<h1>Not allowed</h1><p>Open the unsubscribe link from the email.</p>');
}
