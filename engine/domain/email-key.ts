// Apart from the cart event's schema (cart-event.ts): the stores, the owner's actions and the mail
// events compare emails without reading an event, and so bundle no schema.

/** The key emails are compared by: trimmed and lower-cased. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}
