import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Contact, ContactStore, SlotClaim } from '../ports.js';
import { type DynamoDbAdapterOptions, DynamoDbTable, isConditionalCheckFailed } from './dynamodb-requests.js';
import { CONTACT_KEYS } from './dynamodb-tables.js';

const HOUR = 3_600_000;

/**
 * `lastReminder.at` as epoch milliseconds, kept beside it so the frequency cap compares times as
 * MemoryContactStore does (Date.parse), not as strings ("...00Z" sorts after "...00.000Z").
 */
const LAST_REMINDER_MS = 'lastReminderMs';

/** The contact an item holds, without the adapter's own attributes. */
function itemToContact(item: Record<string, unknown>): Contact {
  const { [LAST_REMINDER_MS]: _ms, ...contact } = item;
  return Object.freeze(contact as unknown as Contact);
}

function epochMs(iso: string, what: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`${what} is not an ISO time`);
  return ms;
}

/**
 * The contact store on one DynamoDB table keyed by email key, with the same semantics as
 * MemoryContactStore; every change is one conditional UpdateItem (an upsert).
 */
export class DynamoDbContactStore extends DynamoDbTable implements ContactStore {
  constructor(options: DynamoDbAdapterOptions) {
    super(options, 'DynamoDbContactStore');
  }

  async get(emailKey: string): Promise<Contact | undefined> {
    const item = await this.getItem({ [CONTACT_KEYS.partition]: emailKey });
    return item ? itemToContact(item) : undefined;
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
          Key: { [CONTACT_KEYS.partition]: emailKey },
          UpdateExpression: 'SET #last = :slot, #lastMs = :slotMs',
          ConditionExpression:
            'attribute_not_exists(#unsubscribedAt) AND (attribute_not_exists(#last)' +
            ' OR #last.#cartId = :cartId OR #lastMs <= :cutoffMs)',
          ExpressionAttributeNames: {
            '#last': 'lastReminder',
            '#lastMs': LAST_REMINDER_MS,
            '#unsubscribedAt': 'unsubscribedAt',
            '#cartId': 'cartId',
          },
          ExpressionAttributeValues: {
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
          Key: { [CONTACT_KEYS.partition]: emailKey },
          UpdateExpression: 'SET #at = :at, #reason = :reason, #by = :by',
          ConditionExpression: 'attribute_not_exists(#at)',
          ExpressionAttributeNames: {
            '#at': 'unsubscribedAt',
            '#reason': 'unsubscribeReason',
            '#by': 'unsubscribedBy',
          },
          ExpressionAttributeValues: {
            ':at': fields.unsubscribedAt,
            ':reason': fields.unsubscribeReason,
            ':by': fields.unsubscribedBy,
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const before = Attributes ? itemToContact(Attributes) : undefined;
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
    this.count('UpdateItem');
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { [CONTACT_KEYS.partition]: emailKey },
          UpdateExpression: 'SET #checkout = :at',
          // Same string comparison as the twin: ISO times from the domain are all UTC with milliseconds.
          ConditionExpression: 'attribute_not_exists(#checkout) OR #checkout < :at',
          ExpressionAttributeNames: { '#checkout': 'lastCheckoutAt' },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      // A newer checkout is already recorded: keeping it is the point.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}
