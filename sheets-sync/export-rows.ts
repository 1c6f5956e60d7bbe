/**
 * Pure mapping of carts to the owner's export tab (`Carts`): one row per cart, in the store's time
 * zone. No I/O, no clock: the carts, the night, the rules and their version come in.
 *
 * The Apps Script menu finds the "Cart ID" and "Email" columns by header, so the headers are fixed.
 */
import { DateTime } from 'luxon';
import type { Cart } from '#engine/domain/cart.js';
import type { CartItem } from '#engine/domain/cart-event.js';
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

/** A cell as the export writes it (written RAW: text is never read as a formula). */
export type ExportCell = string | number;

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
 * Items as the owner reads (and may paste back into the Import tab): `title x qty @ price; …`.
 * A ";" inside a title becomes "," so the list splits back the same way.
 * @example formatItems([{ title: 'Mug', quantity: 2, price: '12.50', sku: 'M' }]) // 'Mug x 2 @ 12.50'
 */
export function formatItems(items: readonly Pick<CartItem, 'title' | 'quantity' | 'price'>[]): string {
  return items
    .map(
      (item) =>
        `${item.title.replace(/;/g, ',').replace(/\s+/g, ' ').trim()} x ${item.quantity} @ ${item.price}`,
    )
    .join('; ');
}

/** One cart as one export row, in `EXPORT_HEADERS` order; times are store-local `YYYY-MM-DD HH:mm`. */
export function cartToRow(cart: Cart, context: ExportContext): ExportCell[] {
  const zone = context.rules.store.timezone;
  const local = (iso: string) => formatLocal(Date.parse(iso), zone);
  const sent = cart.reminders.filter((r) => r.state === 'sent');
  const snapshot = cart.snapshot;
  const lastVersion = [...cart.reminders].reverse().find((r) => r.rulesVersion)?.rulesVersion;
  return [
    cart.id,
    local(activityOf(cart)),
    snapshot?.email ?? cart.emailKey ?? '',
    snapshot ? formatItems(snapshot.items) : '',
    // A number, so the owner can sum the column; the currency is the store's (rules.store.currency).
    snapshot ? Number(snapshot.total) : '',
    snapshot ? tierFor(context.rules, snapshot.total).name : '',
    cart.status,
    sent.length,
    sent.map((r) => local(r.at)).join('; '),
    cart.status === 'recovered' ? 'yes' : 'no',
    lastVersion ?? context.rulesVersion,
    ...attributionCells(cart, local),
  ];
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
