import { BatchGetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Cart,
  type ClickCheck,
  MAX_RECENT_EVENT_IDS,
  type NewerSnapshotCheck,
  type ReminderNumber,
  type ReminderRecord,
  type StickyField,
} from '../domain/cart.js';
import type { CartSnapshot } from '../domain/cart-event.js';
import { emailKey as toEmailKey } from '../domain/email-key.js';
import { VersionConflictError } from '../domain/errors.js';
import { cartExpiresAt, DEFAULT_RETENTION } from '../domain/retention.js';
import type { CartStore, SnapshotUpdate } from '../ports.js';
import {
  allOf,
  type DynamoDbAdapterOptions,
  DynamoDbTable,
  isConditionalCheckFailed,
} from './dynamodb-requests.js';
import { CART_INDEXES, CART_KEYS, TTL_ATTRIBUTES } from './dynamodb-tables.js';

/** BatchGetItem reads at most this many keys per request. */
const BATCH_GET_LIMIT = 100;
const BATCH_RETRY_MS = 50;
const BATCH_MAX_ROUNDS = 8;

type CartItem = Record<string, unknown>;

/** YYYY-MM-DD (UTC) of an ISO time, or undefined when it is not a time. */
function utcDay(iso: string | undefined): string | undefined {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().slice(0, 10);
}

/**
 * The snapshot fields a storefront may send once and then leave out, each in an attribute of its own
 * so that an update leaving one out keeps it (see `applyNewerSnapshot`).
 */
const STICKY_ATTRIBUTES = {
  email: 'snapshotEmail',
  timezone: 'snapshotTimezone',
  locale: 'snapshotLocale',
  marketingConsent: 'snapshotConsent',
} as const satisfies Record<StickyField, string>;
const STICKY_FIELDS = Object.keys(STICKY_ATTRIBUTES) as StickyField[];
/** The rest of the snapshot (id, currency, total, items, link, source), as JSON text in one attribute. */
const SNAPSHOT_JSON = 'snapshotJson';

/** A snapshot as attributes: its sticky fields one by one, the rest as JSON text. */
function snapshotAttributes(snapshot: CartSnapshot): CartItem {
  const rest: Record<string, unknown> = { ...snapshot };
  const attributes: CartItem = {};
  for (const field of STICKY_FIELDS) {
    if (snapshot[field] !== undefined) attributes[STICKY_ATTRIBUTES[field]] = snapshot[field];
    delete rest[field];
  }
  attributes[SNAPSHOT_JSON] = JSON.stringify(rest);
  return attributes;
}

/** The snapshot those attributes hold, its keys in the order the event schema gives them. */
function snapshotFromAttributes(item: CartItem): CartSnapshot {
  const { id, currency, total, items, returnUrl, source, ...more } = JSON.parse(
    item[SNAPSHOT_JSON] as string,
  ) as Record<string, unknown>;
  // An item from before the snapshot was split keeps its sticky fields in the old map until rewritten.
  const legacy = (item.snapshot ?? {}) as Partial<CartSnapshot>;
  const sticky = (field: StickyField) => item[STICKY_ATTRIBUTES[field]] ?? legacy[field];
  const snapshot: Record<string, unknown> = { id };
  if (sticky('email') !== undefined) snapshot.email = sticky('email');
  Object.assign(snapshot, { currency, total, items, returnUrl });
  for (const field of ['timezone', 'locale', 'marketingConsent'] as const) {
    if (sticky(field) !== undefined) snapshot[field] = sticky(field);
  }
  return Object.assign(snapshot, { source }, more) as CartSnapshot;
}

/** The attribute that holds {@link activityOrder}. */
const ACTIVITY_ORDER = 'activityOrder';

/**
 * A cart's last activity and last event id as one text that sorts as the pair does in the domain's
 * `isNewerActivity`: every stored time has the 24 characters `isoTime` writes, so two such texts
 * compare by time first, then by event id, and no id yet sorts before any id at the same instant.
 * The one-write update then checks "newer" with one comparison.
 *
 * The id is written as its UTF-16 code units in hex, four digits each. DynamoDB compares strings by
 * their UTF-8 bytes and the domain by UTF-16 code units, as JavaScript does; the two disagree on
 * characters beyond U+FFFF (U+FFFF comes first in UTF-8, U+1F600 in UTF-16). In hex both orders are
 * the domain's.
 * @example activityOrder('2026-06-10T14:00:00.000Z', 'e1') // '2026-06-10T14:00:00.000Z#00650031'
 */
export function activityOrder(lastActivityAt: string, lastEventId: string | undefined): string {
  const id = lastEventId ?? '';
  let units = '';
  for (let i = 0; i < id.length; i++) units += id.charCodeAt(i).toString(16).padStart(4, '0');
  return `${lastActivityAt}#${units}`;
}

/**
 * A cart as one item: its fields at the top level plus the attributes derived from them: the index
 * keys, the activity order, and once the cart is closed its TTL (`closedCartDays` after closing).
 */
export function cartToItem(cart: Cart, closedCartDays: number = DEFAULT_RETENTION.closedCartDays): CartItem {
  const { id, snapshot, ...fields } = cart;
  const item: CartItem = {
    [CART_KEYS.partition]: id,
    ...fields,
    ...(snapshot ? snapshotAttributes(snapshot) : {}),
  };
  if (cart.status === 'open' && cart.emailKey) item[CART_KEYS.openEmailKey] = cart.emailKey;
  if (cart.status === 'open' && cart.wake) {
    item[CART_KEYS.openWake] = 'open';
    item[CART_KEYS.wakeAt] = cart.wake.at;
  }
  if (cart.lastActivityAt !== undefined) {
    item[ACTIVITY_ORDER] = activityOrder(cart.lastActivityAt, cart.lastEventId);
  }
  const day = utcDay(cart.lastActivityAt ?? cart.firstSeenAt);
  if (day) item[CART_KEYS.day] = day;
  const expiresAt = cartExpiresAt(cart, closedCartDays);
  if (expiresAt !== undefined) item[TTL_ATTRIBUTES.carts] = expiresAt;
  return item;
}

/** The cart an item holds, without the derived index attributes. */
export function itemToCart(item: CartItem): Cart {
  const {
    [CART_KEYS.partition]: id,
    [CART_KEYS.openEmailKey]: _openEmailKey,
    [CART_KEYS.day]: _day,
    [CART_KEYS.openWake]: _openWake,
    [CART_KEYS.wakeAt]: _wakeAt,
    [ACTIVITY_ORDER]: _activityOrder,
    [TTL_ATTRIBUTES.carts]: _expiresAt,
    [SNAPSHOT_JSON]: snapshotJson,
    [STICKY_ATTRIBUTES.email]: _email,
    [STICKY_ATTRIBUTES.timezone]: _timezone,
    [STICKY_ATTRIBUTES.locale]: _locale,
    [STICKY_ATTRIBUTES.marketingConsent]: _consent,
    snapshot: legacySnapshot,
    ...fields
  } = item;
  // An item written before the snapshot was split holds it as one map, `snapshot`, until rewritten.
  const snapshot =
    typeof snapshotJson === 'string'
      ? snapshotFromAttributes(item)
      : (legacySnapshot as CartSnapshot | undefined);
  return Object.freeze({ id, ...fields, ...(snapshot ? { snapshot } : {}) } as Cart);
}

/**
 * The condition of the one-write update, one clause per check of the pure predicate it mirrors
 * (`NEWER_SNAPSHOT_CHECKS` in the domain), by the same names. `hasEmail`: whether the event brings an
 * email (`:emailKey`); without one the email check holds whatever the cart has, so it has no clause.
 */
function newerSnapshotClauses(hasEmail: boolean): Record<NewerSnapshotCheck, string | undefined> {
  return {
    // `openWake` is written only while the cart is open with a pending wake-up (the sweep's index).
    awaitsWakeUp: '#openWake = :open',
    // An item without an activity order fails it, and the read-and-fold path writes one.
    isNewer: '#activityOrder < :activityOrder',
    isUnseen: 'NOT contains(#ids, :id)',
    hasRoomForId: 'size(#ids) < :max',
    keepsEmail: hasEmail ? '#emailKey = :emailKey' : undefined,
  };
}

export interface DynamoDbCartStoreOptions extends DynamoDbAdapterOptions {
  /** Days a closed cart is kept (its TTL); DEFAULT_RETENTION.closedCartDays unless given. */
  closedCartDays?: number;
}

/**
 * The cart store on one DynamoDB table (see docs/dynamodb-schema.md), with the same semantics as
 * MemoryCartStore: every write is one conditional request, and every stored cart comes back frozen.
 * A closed cart carries a TTL; an open one never does.
 */
export class DynamoDbCartStore extends DynamoDbTable implements CartStore {
  readonly #closedCartDays: number;

  constructor(options: DynamoDbCartStoreOptions) {
    super(options, 'DynamoDbCartStore');
    this.#closedCartDays = options.closedCartDays ?? DEFAULT_RETENTION.closedCartDays;
  }

  async get(cartId: string): Promise<Cart | undefined> {
    const item = await this.getItem({ [CART_KEYS.partition]: cartId });
    return item ? itemToCart(item) : undefined;
  }

  async put(cart: Cart, expectedVersion: number): Promise<Cart> {
    const stored: Cart = { ...cart, version: expectedVersion + 1 };
    this.count('PutItem');
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: cartToItem(stored, this.#closedCartDays),
          ...(expectedVersion === 0
            ? {
                ConditionExpression: 'attribute_not_exists(#id)',
                ExpressionAttributeNames: { '#id': CART_KEYS.partition },
              }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error))
        throw new VersionConflictError(`cart ${cart.id}`, { cause: error });
      throw error;
    }
    return Object.freeze(stored);
  }

  async claimReminder(cartId: string, claim: ReminderRecord): Promise<Cart | undefined> {
    this.count('UpdateItem');
    try {
      // The cart stays open and keeps its email, so openEmailKey and day stay right as they are.
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { [CART_KEYS.partition]: cartId },
          UpdateExpression: 'SET #reminders = list_append(#reminders, :claim), #version = #version + :one',
          ConditionExpression: '#status = :open AND size(#reminders) = :before',
          ExpressionAttributeNames: { '#reminders': 'reminders', '#version': 'version', '#status': 'status' },
          ExpressionAttributeValues: {
            ':claim': [claim],
            ':one': 1,
            ':open': 'open',
            ':before': claim.n - 1,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? itemToCart(Attributes) : undefined;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  /**
   * One UpdateItem: `reminders[n-1].clickedAt` set and the version moved on (a writer holding the old
   * version re-reads, so the click is never overwritten), conditioned clause by clause on the domain's
   * `CLICK_CHECKS`.
   */
  async recordClick(cartId: string, n: ReminderNumber, at: string): Promise<Cart | undefined> {
    this.count('UpdateItem');
    // n is 1 or 2 (the token's own check), so the list index is written into the expression.
    const record = `#reminders[${n - 1}]`;
    const clauses: Record<ClickCheck, string> = {
      hasReminder: 'size(#reminders) >= :n',
      notSkipped: `${record}.#state <> :skipped`,
      firstClick: `attribute_not_exists(${record}.#clickedAt)`,
    };
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { [CART_KEYS.partition]: cartId },
          UpdateExpression: `SET ${record}.#clickedAt = :at, #version = #version + :one`,
          ConditionExpression: allOf(Object.values(clauses)),
          ExpressionAttributeNames: {
            '#reminders': 'reminders',
            '#state': 'state',
            '#clickedAt': 'clickedAt',
            '#version': 'version',
          },
          ExpressionAttributeValues: { ':n': n, ':skipped': 'skipped', ':at': at, ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? itemToCart(Attributes) : undefined;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  /**
   * Open carts of one shopper, oldest first. The index is eventually consistent: a cart closed or
   * re-addressed a moment ago may still show; callers re-read each cart before changing it.
   */
  /**
   * One UpdateItem: the snapshot's JSON text replaced, and each sticky field (email, zone, locale,
   * consent) the event carries set on its own, so those it leaves out keep their stored values, as
   * `applyNewerSnapshot` in the domain does. An email must be the one the cart already has (a new one
   * moves the cart in the open-by-email index: the read-and-fold path does that).
   */
  async applyNewerSnapshot(update: SnapshotUpdate): Promise<Cart | undefined> {
    const names: Record<string, string> = {
      '#openWake': CART_KEYS.openWake,
      '#json': SNAPSHOT_JSON,
      '#last': 'lastActivityAt',
      '#lastEventId': 'lastEventId',
      '#activityOrder': ACTIVITY_ORDER,
      '#day': CART_KEYS.day,
      '#ids': 'recentEventIds',
      '#version': 'version',
    };
    const { [SNAPSHOT_JSON]: json, ...sticky } = snapshotAttributes(update.snapshot);
    const values: Record<string, unknown> = {
      ':open': 'open',
      ':json': json,
      ':at': update.occurredAt,
      ':id': update.eventId,
      ':activityOrder': activityOrder(update.occurredAt, update.eventId),
      ':day': update.occurredAt.slice(0, 10),
      ':ids': [update.eventId],
      ':one': 1,
      ':max': MAX_RECENT_EVENT_IDS,
    };
    const sets = [
      '#json = :json',
      '#last = :at',
      '#lastEventId = :id',
      '#activityOrder = :activityOrder',
      '#day = :day',
      '#ids = list_append(#ids, :ids)',
      '#version = #version + :one',
    ];
    for (const [attribute, value] of Object.entries(sticky)) {
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = value;
      sets.push(`#${attribute} = :${attribute}`);
    }
    if (update.snapshot.email) {
      names['#emailKey'] = 'emailKey';
      values[':emailKey'] = toEmailKey(update.snapshot.email);
    }
    const clauses = Object.values(newerSnapshotClauses(update.snapshot.email !== undefined)).filter(
      (clause) => clause !== undefined,
    );
    this.count('UpdateItem');
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { [CART_KEYS.partition]: update.cartId },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: allOf(clauses),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? itemToCart(Attributes) : undefined;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  async openCartsByEmail(emailKey: string): Promise<Cart[]> {
    return this.#queryIndex(CART_INDEXES.openByEmail, CART_KEYS.openEmailKey, emailKey);
  }

  /**
   * Every cart whose `day` (UTC date of its last activity, else of its first sighting) is `day`
   * (`YYYY-MM-DD`), ordered by cart id: Query `by-day`, all pages. The index is eventually
   * consistent; the nightly export runs well after the day ends.
   */
  async cartsByDay(day: string): Promise<Cart[]> {
    return this.#queryIndex(CART_INDEXES.byDay, CART_KEYS.day, day);
  }

  /**
   * Ids of open carts whose pending wake-up is before `at` (UTC ISO), oldest first, at most `limit`:
   * Query `open-by-wake` (keys only). The index is eventually consistent: callers re-read each cart.
   */
  async openCartsWokenBefore(at: string, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      this.count('Query');
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: CART_INDEXES.openByWake,
          KeyConditionExpression: '#open = :open AND #wakeAt < :at',
          ExpressionAttributeNames: { '#open': CART_KEYS.openWake, '#wakeAt': CART_KEYS.wakeAt },
          ExpressionAttributeValues: { ':open': 'open', ':at': at },
          Limit: limit - ids.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) ids.push(item[CART_KEYS.partition] as string);
      startKey = page.LastEvaluatedKey;
    } while (startKey && ids.length < limit);
    return ids;
  }

  /**
   * Every cart under one key of a secondary index: the index holds keys only (each cart write would
   * otherwise rewrite a copy there), so the ids come from Query (all pages) and the carts from
   * BatchGetItem, in the index's order. A cart deleted in between (TTL) is left out.
   */
  async #queryIndex(indexName: string, attribute: string, value: string): Promise<Cart[]> {
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      this.count('Query');
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: indexName,
          KeyConditionExpression: '#key = :value',
          ExpressionAttributeNames: { '#key': attribute },
          ExpressionAttributeValues: { ':value': value },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) ids.push(String(item[CART_KEYS.partition]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const byId = await this.#batchGet(ids);
    return ids.flatMap((id) => {
      const item = byId.get(id);
      return item ? [itemToCart(item)] : [];
    });
  }

  /** The items of these ids, 100 per BatchGetItem, retrying unprocessed keys with a short back-off. */
  async #batchGet(ids: readonly string[]): Promise<Map<string, CartItem>> {
    const items = new Map<string, CartItem>();
    for (let i = 0; i < ids.length; i += BATCH_GET_LIMIT) {
      let keys: Record<string, unknown>[] = ids
        .slice(i, i + BATCH_GET_LIMIT)
        .map((id) => ({ [CART_KEYS.partition]: id }));
      for (let round = 0; keys.length > 0; round++) {
        if (round === BATCH_MAX_ROUNDS) throw new Error(`BatchGetItem left ${keys.length} carts unread`);
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, BATCH_RETRY_MS * 2 ** round));
        this.count('BatchGetItem');
        const { Responses, UnprocessedKeys } = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys } } }),
        );
        for (const item of Responses?.[this.table] ?? []) items.set(String(item[CART_KEYS.partition]), item);
        keys = (UnprocessedKeys?.[this.table]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
    return items;
  }
}
