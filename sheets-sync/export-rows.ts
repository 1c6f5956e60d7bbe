/**
 * Pure mapping of carts to the owner's export tab (`Carts`): one row per cart, in the store's time
 * zone. No I/O, no clock: the carts, the night, the rules and their version come in.
 *
 * The Apps Script menu finds the "Cart ID" and "Email" columns by header, so the headers are fixed.
 *
 * Money is a number the owner can sum, with its currency in a column of its own (`189.50` beside
 * `EUR`): a cell such as "EUR 189.50" reads well but is text to a spreadsheet, and SUM skips it. The
 * amount keeps its currency's decimals (`64.00` USD, `1200` JPY), as a {@link MoneyCell} that each
 * tab writer renders: the CSV as that text, Google Sheets as a number with that many decimals shown.
 * Times are ISO 8601 with the store's offset (`2026-06-10T10:00-04:00`), so no reader has to guess
 * the zone.
 */
import { DateTime } from 'luxon';
import type { Cart } from '#engine/domain/cart.js';
import { type CartItem, minorUnitDigits } from '#engine/domain/cart-event.js';
import { holdoutGroup } from '#engine/domain/holdout.js';
import type { Rules } from '#engine/domain/rules.js';
import { tierFor } from '#engine/domain/tiers.js';
import { formatLocal } from '#engine/domain/time-zone.js';

/** The export tab's name; the owner creates the spreadsheet, the engine adds the tab when missing. */
export const EXPORT_TAB = 'Carts';

/** The export tab's header row, exactly. */
export const EXPORT_HEADERS = [
  'Cart ID',
  'Last activity',
  'Email',
  'Items',
  'Total',
  'Currency',
  'Tier',
  'Status',
  'Reminders sent',
  'Reminder times',
  'Recovered',
  'Rules version',
  // Issue 18: how a purchase is credited, the first click on a reminder's link, the holdout.
  'Attribution',
  'Link clicked',
  'Held out',
] as const;

/**
 * An amount with its currency's decimals: `amount` is the decimal text (`"189.50"`, `"1200"`), never
 * a float, and `decimals` how many digits follow the point (2 for EUR, 0 for JPY).
 */
export interface MoneyCell {
  amount: string;
  decimals: number;
}

/** A cell as the export writes it (written RAW: text is never read as a formula). */
export type ExportCell = string | number | MoneyCell;

/**
 * A decimal amount with exactly `currency`'s decimals, padded with zeros (the engine never accepts
 * more decimals than the currency has). An unknown currency gets 2.
 * @example moneyCell('189.5', 'EUR') // { amount: '189.50', decimals: 2 }
 * @example moneyCell('1200', 'JPY') // { amount: '1200', decimals: 0 }
 */
export function moneyCell(amount: string, currency: string): MoneyCell {
  const decimals = minorUnitDigits(currency) ?? 2;
  const [whole = '0', fraction = ''] = amount.split('.');
  if (fraction.length > decimals) return { amount, decimals: fraction.length };
  return { amount: decimals === 0 ? whole : `${whole}.${fraction.padEnd(decimals, '0')}`, decimals };
}

/** Whether a cell is an amount (a {@link MoneyCell}) rather than plain text or a number. */
export function isMoneyCell(cell: ExportCell): cell is MoneyCell {
  return typeof cell === 'object';
}

/**
 * An instant as ISO 8601 in `zone`, to the minute, with the zone's offset at that instant.
 * @example isoLocal(Date.parse('2026-06-10T14:00:00Z'), 'America/New_York') // '2026-06-10T10:00-04:00'
 */
export function isoLocal(at: number, zone: string): string {
  // To the minute, as the owner reads times (seconds would only clutter the sheet).
  return (
    DateTime.fromMillis(at, { zone })
      .startOf('minute')
      .toISO({ suppressSeconds: true, suppressMilliseconds: true }) ?? ''
  );
}

export interface ExportContext {
  rules: Rules;
  /** The rules version in force, for carts no reminder was sent under. */
  rulesVersion: string;
}

/** YYYY-MM-DD of a night, the store-local date whose carts are exported. */
const NIGHT = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `night` is a real calendar date written YYYY-MM-DD. */
export function isNight(night: string): boolean {
  if (!NIGHT.test(night)) return false;
  const at = Date.parse(`${night}T00:00:00Z`);
  return !Number.isNaN(at) && new Date(at).toISOString().slice(0, 10) === night;
}

/** The instant a cart counts from: its last activity, or its first sighting for a checkout-only cart. */
export function activityOf(cart: Cart): string {
  return cart.lastActivityAt ?? cart.firstSeenAt;
}

/** The store-local date (YYYY-MM-DD) of a cart's activity. */
export function localDayOf(cart: Cart, zone: string): string {
  return formatLocal(Date.parse(activityOf(cart)), zone).slice(0, 10);
}

/**
 * The UTC dates (the `by-day` index's partitions) a store-local night overlaps: one local day spans
 * at most two UTC days (offsets stay within ±14 h).
 * @example utcDaysOfNight('2026-06-10', 'America/New_York') // ['2026-06-10', '2026-06-11']
 */
export function utcDaysOfNight(night: string, zone: string): string[] {
  const start = DateTime.fromISO(night, { zone }).startOf('day');
  const end = start.plus({ days: 1 }).minus({ milliseconds: 1 });
  const days = [start, end].map((at) => at.toUTC().toISODate() ?? night);
  return [...new Set(days)];
}

/**
 * The carts of one store-local night, each once, oldest activity first (then by id): `candidates`
 * come from the UTC days the night overlaps and may hold carts of the neighbouring nights.
 */
export function cartsOfNight(candidates: Iterable<Cart>, night: string, zone: string): Cart[] {
  const byId = new Map<string, Cart>();
  for (const cart of candidates) {
    if (localDayOf(cart, zone) === night) byId.set(cart.id, cart);
  }
  return [...byId.values()].sort((a, b) => {
    const at = Date.parse(activityOf(a)) - Date.parse(activityOf(b));
    return at !== 0 ? at : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

/**
 * The most characters an export cell holds. Google Sheets refuses a cell over 50,000 with a 400,
 * and with it the whole night's write, on every rerun; one cart of 200 long titles exceeds it.
 */
export const MAX_CELL_CHARS = 49_000;

/**
 * Items as the owner reads (and may paste back into the Import tab): `title x qty @ price; …`.
 * A ";" inside a title becomes "," so the list splits back the same way. A list longer than
 * `maxChars` keeps the items that fit whole and ends "… (N more items)".
 * @example formatItems([{ title: 'Mug', quantity: 2, price: '12.50', sku: 'M' }]) // 'Mug x 2 @ 12.50'
 */
export function formatItems(
  items: readonly Pick<CartItem, 'title' | 'quantity' | 'price'>[],
  maxChars: number = MAX_CELL_CHARS,
): string {
  const parts = items.map(
    (item) =>
      `${item.title.replace(/;/g, ',').replace(/\s+/g, ' ').trim()} x ${item.quantity} @ ${item.price}`,
  );
  const whole = parts.join('; ');
  if (whole.length <= maxChars) return whole;
  const ending = (kept: number) => {
    const more = parts.length - kept;
    return `${kept > 0 ? '; ' : ''}… (${more} more ${more === 1 ? 'item' : 'items'})`;
  };
  let kept = 0;
  let length = 0;
  for (const part of parts) {
    const next = length + (kept > 0 ? 2 : 0) + part.length;
    if (next + ending(kept + 1).length > maxChars) break;
    length = next;
    kept += 1;
  }
  return fitCell(parts.slice(0, kept).join('; ') + ending(kept), maxChars);
}

/** A text cut to `maxChars`, ending "…" when cut. */
export function fitCell(text: string, maxChars: number = MAX_CELL_CHARS): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
}

/** One cart as one export row, in `EXPORT_HEADERS` order; times are ISO 8601 with the store's offset. */
export function cartToRow(cart: Cart, context: ExportContext): ExportCell[] {
  const zone = context.rules.store.timezone;
  const local = (iso: string) => isoLocal(Date.parse(iso), zone);
  const sent = cart.reminders.filter((r) => r.state === 'sent');
  const snapshot = cart.snapshot;
  const lastVersion = [...cart.reminders].reverse().find((r) => r.rulesVersion)?.rulesVersion;
  const row: ExportCell[] = [
    cart.id,
    local(activityOf(cart)),
    snapshot?.email ?? cart.emailKey ?? '',
    snapshot ? formatItems(snapshot.items) : '',
    snapshot ? moneyCell(snapshot.total, snapshot.currency) : '',
    snapshot?.currency ?? '',
    snapshot ? tierFor(context.rules, snapshot.total).name : '',
    cart.status,
    sent.length,
    sent.map((r) => local(r.at)).join('; '),
    cart.status === 'recovered' ? 'yes' : 'no',
    lastVersion ?? context.rulesVersion,
    ...attributionCells(cart, local),
  ];
  // Every other text is bounded by the engine far below the limit; cut anyway, never fail the night.
  return row.map((cell) => (typeof cell === 'string' ? fitCell(cell) : cell));
}

const ATTRIBUTION_WORDS = {
  recovered: 'recovered',
  recovered_through_link: 'recovered through the link',
  not_recovered: 'not recovered',
} as const;

/**
 * The attribution columns: how the purchase is credited (blank until bought), the first click on a
 * reminder's link (store-local time, blank if none), and whether the shopper was held out.
 */
function attributionCells(cart: Cart, local: (iso: string) => string): ExportCell[] {
  const clicks = cart.reminders.flatMap((r) => (r.clickedAt ? [r.clickedAt] : [])).sort();
  return [
    cart.attribution ? ATTRIBUTION_WORDS[cart.attribution] : '',
    clicks[0] ? local(clicks[0]) : '',
    holdoutGroup(cart) === 'held_out' ? 'yes' : 'no',
  ];
}

/** The whole export tab for a night: the header row, then one row per cart in the given order. */
export function exportRows(carts: readonly Cart[], context: ExportContext): ExportCell[][] {
  return [[...EXPORT_HEADERS], ...carts.map((cart) => cartToRow(cart, context))];
}
