import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Cart, MAX_RECENT_EVENT_IDS, type ReminderRecord } from '../domain/cart.js';
import { emailKey as toEmailKey } from '../domain/cart-event.js';
import { VersionConflictError } from '../domain/errors.js';
import type { CartStore, SnapshotUpdate } from '../ports.js';
import { type DynamoDbAdapterOptions, DynamoDbTable, isConditionalCheckFailed } from './dynamodb-requests.js';
import { CART_INDEXES, CART_KEYS } from './dynamodb-tables.js';

type CartItem = Record<string, unknown>;

/** YYYY-MM-DD (UTC) of an ISO time, or undefined when it is not a time. */
function utcDay(iso: string | undefined): string | undefined {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().slice(0, 10);
}

/** A cart as one item: its fields at the top level plus the index attributes derived from them. */
export function cartToItem(cart: Cart): CartItem {
  const { id, ...fields } = cart;
  const item: CartItem = { [CART_KEYS.partition]: id, ...fields };
  if (cart.status === 'open' && cart.emailKey) item[CART_KEYS.openEmailKey] = cart.emailKey;
  const day = utcDay(cart.lastActivityAt ?? cart.firstSeenAt);
  if (day) item[CART_KEYS.day] = day;
  return item;
}

/** The cart an item holds, without the derived index attributes. */
export function itemToCart(item: CartItem): Cart {
  const {
    [CART_KEYS.partition]: id,
    [CART_KEYS.openEmailKey]: _openEmailKey,
    [CART_KEYS.day]: _day,
    ...fields
  } = item;
  return Object.freeze({ id, ...fields } as Cart);
}

/**
 * The cart store on one DynamoDB table (see docs/dynamodb-schema.md), with the same semantics as
 * MemoryCartStore: every write is one conditional request, and every stored cart comes back frozen.
 */
export class DynamoDbCartStore extends DynamoDbTable implements CartStore {
  constructor(options: DynamoDbAdapterOptions) {
    super(options, 'DynamoDbCartStore');
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
          Item: cartToItem(stored),
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
   * Open carts of one shopper, oldest first. The index is eventually consistent: a cart closed or
   * re-addressed a moment ago may still show; callers re-read each cart before changing it.
   */
  /**
   * One UpdateItem that sets the snapshot field by field, so fields the event leaves out (email, zone,
   * locale, consent) keep their stored values, as `applyNewerSnapshot` in the domain does.
   */
  async applyNewerSnapshot(update: SnapshotUpdate): Promise<Cart | undefined> {
    const names: Record<string, string> = {
      '#status': 'status',
      '#snapshot': 'snapshot',
      '#last': 'lastActivityAt',
      '#day': CART_KEYS.day,
      '#ids': 'recentEventIds',
      '#version': 'version',
      '#wake': 'wake',
    };
    const values: Record<string, unknown> = {
      ':open': 'open',
      ':at': update.occurredAt,
      ':day': update.occurredAt.slice(0, 10),
      ':id': update.eventId,
      ':ids': [update.eventId],
      ':one': 1,
      ':max': MAX_RECENT_EVENT_IDS,
    };
    const sets = [
      '#last = :at',
      '#day = :day',
      '#ids = list_append(#ids, :ids)',
      '#version = #version + :one',
    ];
    for (const [field, value] of Object.entries(update.snapshot)) {
      if (value === undefined) continue;
      names[`#f_${field}`] = field;
      values[`:f_${field}`] = value;
      sets.push(`#snapshot.#f_${field} = :f_${field}`);
    }
    if (update.snapshot.email) {
      names['#emailKey'] = 'emailKey';
      names['#openEmailKey'] = CART_KEYS.openEmailKey;
      values[':emailKey'] = toEmailKey(update.snapshot.email);
      sets.push('#emailKey = :emailKey', '#openEmailKey = :emailKey');
    }
    this.count('UpdateItem');
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { [CART_KEYS.partition]: update.cartId },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression:
            '#status = :open AND attribute_exists(#wake) AND #last < :at AND NOT contains(#ids, :id) AND size(#ids) < :max',
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

  /** Every cart under one key of a secondary index, all pages (each page counted as a Query). */
  async #queryIndex(indexName: string, attribute: string, value: string): Promise<Cart[]> {
    const carts: Cart[] = [];
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
      for (const item of page.Items ?? []) carts.push(itemToCart(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return carts;
  }
}
