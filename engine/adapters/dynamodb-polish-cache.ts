import { createHash } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type DynamoDbAdapterOptions, DynamoDbTable } from './dynamodb-requests.js';
import { NONCE_KEYS, TTL_ATTRIBUTES } from './dynamodb-tables.js';

/** A durable store of polished lines, one per variant and UTC day, shared by every sender instance. */
export interface PolishCache {
  get(key: string): Promise<string | undefined>;
  /** Keeps `line` under `key` until `expiresAt` (epoch seconds). */
  put(key: string, line: string, expiresAt: number): Promise<void>;
}

const PREFIX = 'polish#';

/**
 * Polished lines as items of the nonces table (it has the one-string key and the TTL this needs):
 * `polish#<sha256 of the variant key>`, the line, and an expiry the day after. A sender that starts
 * cold reads the day's line here instead of asking Bedrock again, so Bedrock calls grow with the
 * variants a day, not with cold starts. Reads are eventually consistent: two senders that miss at
 * the same moment both ask Bedrock once, and the later put wins; either line is fine.
 */
export class DynamoDbPolishCache extends DynamoDbTable implements PolishCache {
  constructor(options: DynamoDbAdapterOptions) {
    super(options, 'DynamoDbPolishCache');
  }

  async get(key: string): Promise<string | undefined> {
    this.count('GetItem');
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { [NONCE_KEYS.partition]: itemKey(key) } }),
    );
    return typeof Item?.line === 'string' ? Item.line : undefined;
  }

  async put(key: string, line: string, expiresAt: number): Promise<void> {
    this.count('PutItem');
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: { [NONCE_KEYS.partition]: itemKey(key), line, [TTL_ATTRIBUTES.nonces]: expiresAt },
      }),
    );
  }
}

function itemKey(key: string): string {
  return `${PREFIX}${createHash('sha256').update(key).digest('base64url')}`;
}
