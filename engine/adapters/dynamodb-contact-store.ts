import { createHmac, randomBytes } from 'node:crypto';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHoldoutDraw, type HoldoutDraw } from '../domain/holdout.js';
import { DEFAULT_RETENTION, expiresAfterDays } from '../domain/retention.js';
import type { Clock, Contact, ContactStore, SlotClaim } from '../ports.js';
import { type DynamoDbAdapterOptions, DynamoDbTable, isConditionalCheckFailed } from './dynamodb-requests.js';
import { CONTACT_KEYS, TTL_ATTRIBUTES } from './dynamodb-tables.js';
import { systemClock } from './memory/manual-clock.js';

const HOUR = 3_600_000;

/**
 * The key of the one item that holds the table's salt. No contact can take it: contact keys are
 * `h1:` and a hash.
 */
export const SALT_ITEM_KEY = '#salt';
const SALT_ATTRIBUTE = 'salt';

/**
 * The stored key of an address: `h1:` and the base64url HMAC-SHA256 of the email key under the
 * table's salt. The table never holds an address; the same address always finds the same item.
 */
export function contactItemKey(emailKey: string, salt: string): string {
  return `h1:${createHmac('sha256', salt).update(emailKey).digest('base64url')}`;
}

/**
 * `lastReminder.at` as epoch milliseconds, kept beside it so the frequency cap compares times as
 * MemoryContactStore does (Date.parse), not as strings ("...00Z" sorts after "...00.000Z").
 */
const LAST_REMINDER_MS = 'lastReminderMs';

/** The contact an item holds, under the address it was asked for, without the adapter's own attributes. */
function itemToContact(item: Record<string, unknown>, emailKey: string): Contact {
  const { [LAST_REMINDER_MS]: _ms, [TTL_ATTRIBUTES.contacts]: _expiresAt, ...contact } = item;
  return Object.freeze({ ...contact, [CONTACT_KEYS.partition]: emailKey } as unknown as Contact);
}

export interface DynamoDbContactStoreOptions extends DynamoDbAdapterOptions {
  /** Days a contact is kept after its last write (its TTL); DEFAULT_RETENTION.contactDays unless given. */
  contactDays?: number;
  /** Dates each write's TTL; the system clock unless given. */
  clock?: Clock;
  /**
   * The salt of the address hash. Unless given, it is read once per instance from the table's own
   * salt item, which the first instance ever to need it creates (32 random bytes): the salt lives
   * exactly as long as the hashes it salts.
   */
  salt?: string;
}

function epochMs(iso: string, what: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`${what} is not an ISO time`);
  return ms;
}

/**
 * The contact store on one DynamoDB table, with the same semantics as MemoryContactStore; every
 * change is one conditional UpdateItem (an upsert). Items are keyed by a salted hash of the address
 * (`contactItemKey`), never the address. A contact expires `contactDays` after its last write,
 * except once unsubscribed (by the shopper, the owner, a bounce or a complaint): that is kept for good.
 */
export class DynamoDbContactStore extends DynamoDbTable implements ContactStore {
  readonly #contactDays: number;
  readonly #clock: Clock;
  #salt: Promise<string> | undefined;
  #holdout: Promise<HoldoutDraw> | undefined;

  constructor(options: DynamoDbContactStoreOptions) {
    super(options, 'DynamoDbContactStore');
    this.#contactDays = options.contactDays ?? DEFAULT_RETENTION.contactDays;
    this.#clock = options.clock ?? systemClock;
    if (options.salt !== undefined) {
      if (options.salt.length < 16) throw new RangeError('the contact salt must be at least 16 characters');
      this.#salt = Promise.resolve(options.salt);
    }
  }

  async get(emailKey: string): Promise<Contact | undefined> {
    const item = await this.getItem(await this.#key(emailKey));
    return item ? itemToContact(item, emailKey) : undefined;
  }

  /** The holdout bucket under the table's salt: the contacts' own secret, read once, no request after. */
  async holdoutBucket(emailKey: string): Promise<number> {
    this.#holdout ??= this.#saltOnce()
      .then(createHoldoutDraw)
      .catch((error: unknown) => {
        this.#holdout = undefined;
        throw error;
      });
    return (await this.#holdout).bucket(emailKey);
  }

  /** The item key of an address. */
  async #key(emailKey: string): Promise<Record<string, string>> {
    return { [CONTACT_KEYS.partition]: contactItemKey(emailKey, await this.#saltOnce()) };
  }

  /** When a contact written now expires. */
  #expiresAt(): number {
    return expiresAfterDays(this.#clock.now(), this.#contactDays);
  }

  #saltOnce(): Promise<string> {
    this.#salt ??= this.#readOrCreateSalt().catch((error: unknown) => {
      this.#salt = undefined;
      throw error;
    });
    return this.#salt;
  }

  async #readOrCreateSalt(): Promise<string> {
    const key = { [CONTACT_KEYS.partition]: SALT_ITEM_KEY };
    const stored = await this.getItem(key);
    if (typeof stored?.[SALT_ATTRIBUTE] === 'string') return stored[SALT_ATTRIBUTE];
    const salt = randomBytes(32).toString('base64url');
    this.count('PutItem');
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key, [SALT_ATTRIBUTE]: salt },
          ConditionExpression: 'attribute_not_exists(#key)',
          ExpressionAttributeNames: { '#key': CONTACT_KEYS.partition },
        }),
      );
      return salt;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    // Another instance created it first: its salt is the one.
    const created = await this.getItem(key);
    if (typeof created?.[SALT_ATTRIBUTE] !== 'string') throw new Error('the contact salt item has no salt');
    return created[SALT_ATTRIBUTE];
  }

  async claimReminderSlot(
    emailKey: string,
    slot: { cartId: string; at: string },
    capHours: number,
  ): Promise<SlotClaim> {
    const slotMs = epochMs(slot.at, 'slot.at');
    // Capped when slot - last < capHours (as a float, like the twin); for whole milliseconds that
    // is exactly last > slot - ceil(capHours h).
    const cutoffMs = slotMs - Math.ceil(capHours * HOUR);
    this.count('UpdateItem');
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: await this.#key(emailKey),
          UpdateExpression: 'SET #last = :slot, #lastMs = :slotMs, #ttl = :ttl',
          ConditionExpression:
            'attribute_not_exists(#unsubscribedAt) AND (attribute_not_exists(#last)' +
            ' OR #last.#cartId = :cartId OR #lastMs <= :cutoffMs)',
          ExpressionAttributeNames: {
            '#last': 'lastReminder',
            '#lastMs': LAST_REMINDER_MS,
            '#unsubscribedAt': 'unsubscribedAt',
            '#cartId': 'cartId',
            '#ttl': TTL_ATTRIBUTES.contacts,
          },
          ExpressionAttributeValues: {
            ':ttl': this.#expiresAt(),
            ':slot': { cartId: slot.cartId, at: slot.at },
            ':slotMs': slotMs,
            ':cartId': slot.cartId,
            ':cutoffMs': cutoffMs,
          },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    // Nothing ever clears unsubscribedAt, so the read tells which half of the condition failed.
    const current = await this.get(emailKey);
    return current?.unsubscribedAt ? 'unsubscribed' : 'capped';
  }

  async unsubscribe(
    emailKey: string,
    change: { at: string; reason: string; actor: string },
  ): Promise<{ before: Contact | undefined; after: Contact }> {
    const fields = {
      unsubscribedAt: change.at,
      unsubscribeReason: change.reason,
      unsubscribedBy: change.actor,
    };
    this.count('UpdateItem');
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: await this.#key(emailKey),
          // An unsubscribe is kept for good: the contact loses its expiry.
          UpdateExpression: 'SET #at = :at, #reason = :reason, #by = :by REMOVE #ttl',
          ConditionExpression: 'attribute_not_exists(#at)',
          ExpressionAttributeNames: {
            '#at': 'unsubscribedAt',
            '#reason': 'unsubscribeReason',
            '#by': 'unsubscribedBy',
            '#ttl': TTL_ATTRIBUTES.contacts,
          },
          ExpressionAttributeValues: {
            ':at': fields.unsubscribedAt,
            ':reason': fields.unsubscribeReason,
            ':by': fields.unsubscribedBy,
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const before = Attributes ? itemToContact(Attributes, emailKey) : undefined;
      return { before, after: Object.freeze({ ...(before ?? { emailKey }), ...fields }) };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    // Already unsubscribed: the first unsubscribe stands, and nothing ever removes a contact.
    const current = await this.get(emailKey);
    // Only a deletion between the two requests could leave nothing; never put the address in an error.
    if (!current) throw new Error('the contact was deleted while being unsubscribed');
    return { before: current, after: current };
  }

  async recordCheckout(emailKey: string, at: string): Promise<void> {
    const key = await this.#key(emailKey);
    // Same string comparison as the twin: ISO times from the domain are all UTC with milliseconds.
    const newer = '(attribute_not_exists(#checkout) OR #checkout < :at)';
    this.count('UpdateItem');
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'SET #checkout = :at, #ttl = :ttl',
          ConditionExpression: `${newer} AND attribute_not_exists(#unsubscribedAt)`,
          ExpressionAttributeNames: {
            '#checkout': 'lastCheckoutAt',
            '#ttl': TTL_ATTRIBUTES.contacts,
            '#unsubscribedAt': 'unsubscribedAt',
          },
          ExpressionAttributeValues: { ':at': at, ':ttl': this.#expiresAt() },
        }),
      );
      return;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    // Either a newer checkout is recorded (keeping it is the point) or the contact is unsubscribed,
    // whose record must not get an expiry back: record the checkout without one, if it is newer.
    this.count('UpdateItem');
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'SET #checkout = :at',
          ConditionExpression: `${newer} AND attribute_exists(#unsubscribedAt)`,
          ExpressionAttributeNames: { '#checkout': 'lastCheckoutAt', '#unsubscribedAt': 'unsubscribedAt' },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}
