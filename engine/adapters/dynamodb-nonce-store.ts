import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock, NonceStore } from '../ports.js';
import { type DynamoDbAdapterOptions, DynamoDbTable, isConditionalCheckFailed } from './dynamodb-requests.js';
import { NONCE_KEYS, TTL_ATTRIBUTES } from './dynamodb-tables.js';
import { systemClock } from './memory/manual-clock.js';

export interface DynamoDbNonceStoreOptions extends DynamoDbAdapterOptions {
  /** Tells an expired nonce from a live one; the system clock unless given. */
  clock?: Clock;
}

/**
 * Replay protection on one DynamoDB table: a claim is one conditional PutItem that succeeds when the
 * nonce is new or its earlier claim has expired. TTL deletion is lazy (up to days late, and absent
 * in dynalite), so expiry is decided by the condition, and TTL only keeps the table small.
 */
export class DynamoDbNonceStore extends DynamoDbTable implements NonceStore {
  readonly #clock: Clock;

  constructor(options: DynamoDbNonceStoreOptions) {
    super(options, 'DynamoDbNonceStore');
    this.#clock = options.clock ?? systemClock;
  }

  async claim(nonce: string, expiresAt: Date): Promise<boolean> {
    // TTL wants whole epoch seconds; rounding up never lets a nonce expire early.
    const expiresAtSeconds = Math.ceil(expiresAt.getTime() / 1000);
    const nowSeconds = Math.floor(this.#clock.now().getTime() / 1000);
    this.count('PutItem');
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { [NONCE_KEYS.partition]: nonce, [TTL_ATTRIBUTES.nonces]: expiresAtSeconds },
          ConditionExpression: 'attribute_not_exists(#nonce) OR #expiresAt < :now',
          ExpressionAttributeNames: { '#nonce': NONCE_KEYS.partition, '#expiresAt': TTL_ATTRIBUTES.nonces },
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}
