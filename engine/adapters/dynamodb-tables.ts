/**
 * The one place that names the engine's DynamoDB tables, their keys, indexes and TTL attributes.
 * The adapters, the local stack, the tests and the CDK app all read these; docs/dynamodb-schema.md
 * explains the access patterns behind them.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, type TranslateConfig } from '@aws-sdk/lib-dynamodb';

export interface TableNames {
  carts: string;
  contacts: string;
  audit: string;
  nonces: string;
}

/**
 * The table names under one prefix (one stage, one test suite).
 * @example tableNames('cr-test-42-').carts === 'cr-test-42-carts'
 */
export function tableNames(prefix = 'cr-'): TableNames {
  return {
    carts: `${prefix}carts`,
    contacts: `${prefix}contacts`,
    audit: `${prefix}audit`,
    nonces: `${prefix}nonces`,
  };
}

/** Key and index attribute names of the carts table. */
export const CART_KEYS = {
  partition: 'cartId',
  /** Present only while the cart is open and has an email: keeps the open-by-email index sparse. */
  openEmailKey: 'openEmailKey',
  /** Sort key of open-by-email; never changes, so a cart update never moves the index entry. */
  openSort: 'firstSeenAt',
  /** UTC date (YYYY-MM-DD) of the last activity, or of the first sighting for a checkout-only cart. */
  day: 'day',
  /**
   * Present only while the cart is open and has a pending wake-up, always `open`: keeps the
   * open-by-wake index sparse. One partition: a small store's open carts write it well under the
   * 1,000 writes a second a partition takes.
   */
  openWake: 'openWake',
  /** Sort key of open-by-wake: the pending wake-up's time (UTC ISO), so overdue ones come first. */
  wakeAt: 'wakeAt',
} as const;

export const CART_INDEXES = {
  openByEmail: 'open-by-email',
  byDay: 'by-day',
  openByWake: 'open-by-wake',
} as const;

export const CONTACT_KEYS = { partition: 'emailKey' } as const;

export const AUDIT_KEYS = {
  /** `cart#<cartId>`, else `email#<emailHash>`, else `none`. */
  partition: 'pk',
  /** `<at, UTC ISO>#<per-process sequence><random>`: time order, ties in write order within a process. */
  sort: 'sk',
  /** YYYY-MM (UTC) of `at`. */
  month: 'month',
} as const;

export const AUDIT_INDEXES = { byMonth: 'by-month' } as const;

export const NONCE_KEYS = { partition: 'nonce' } as const;

/**
 * The TTL attribute (epoch seconds) of every table: closed carts, audit rows, contacts that are not
 * unsubscribed, and nonces expire (engine/domain/retention.ts sets the windows). DynamoDB deletes
 * expired items lazily (typically within days), so readers must still check the time where it
 * matters; an item without the attribute (an open cart, an unsubscribed contact) never expires.
 */
export const TTL_ATTRIBUTES = {
  carts: 'expiresAt',
  contacts: 'expiresAt',
  audit: 'expiresAt',
  nonces: 'expiresAt',
} as const satisfies Record<keyof TableNames, string>;

/**
 * The audit attributes the `by-month` index carries: everything the monthly summary reads, without
 * the `before` and `after` snapshots, the bulk of an audit row.
 */
export const AUDIT_MONTH_ATTRIBUTES = [
  'at',
  'action',
  'actor',
  'cartId',
  'emailHash',
  'rulesVersion',
  'detail',
] as const;

const onDemand = { BillingMode: 'PAY_PER_REQUEST' } as const;

/** The CreateTable input of every table, as plain data (no TTL: that is a separate UpdateTimeToLive). */
export function tableDefinitions(names: TableNames): Record<keyof TableNames, CreateTableCommandInput> {
  return {
    carts: {
      TableName: names.carts,
      ...onDemand,
      AttributeDefinitions: [
        { AttributeName: CART_KEYS.partition, AttributeType: 'S' },
        { AttributeName: CART_KEYS.openEmailKey, AttributeType: 'S' },
        { AttributeName: CART_KEYS.openSort, AttributeType: 'S' },
        { AttributeName: CART_KEYS.day, AttributeType: 'S' },
        { AttributeName: CART_KEYS.openWake, AttributeType: 'S' },
        { AttributeName: CART_KEYS.wakeAt, AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: CART_KEYS.partition, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: CART_INDEXES.openByEmail,
          KeySchema: [
            { AttributeName: CART_KEYS.openEmailKey, KeyType: 'HASH' },
            { AttributeName: CART_KEYS.openSort, KeyType: 'RANGE' },
          ],
          // Every reader of this index re-reads each cart before changing it; the keys are enough.
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
        {
          IndexName: CART_INDEXES.byDay,
          KeySchema: [
            { AttributeName: CART_KEYS.day, KeyType: 'HASH' },
            { AttributeName: CART_KEYS.partition, KeyType: 'RANGE' },
          ],
          // The nightly export and the summary read each listed cart with BatchGetItem: a copy of
          // the cart in the index would be rewritten with every cart write.
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
        {
          // The sweep reads only which carts are overdue, then each cart itself.
          IndexName: CART_INDEXES.openByWake,
          KeySchema: [
            { AttributeName: CART_KEYS.openWake, KeyType: 'HASH' },
            { AttributeName: CART_KEYS.wakeAt, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    },
    contacts: {
      TableName: names.contacts,
      ...onDemand,
      AttributeDefinitions: [{ AttributeName: CONTACT_KEYS.partition, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: CONTACT_KEYS.partition, KeyType: 'HASH' }],
    },
    audit: {
      TableName: names.audit,
      ...onDemand,
      AttributeDefinitions: [
        { AttributeName: AUDIT_KEYS.partition, AttributeType: 'S' },
        { AttributeName: AUDIT_KEYS.sort, AttributeType: 'S' },
        { AttributeName: AUDIT_KEYS.month, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: AUDIT_KEYS.partition, KeyType: 'HASH' },
        { AttributeName: AUDIT_KEYS.sort, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: AUDIT_INDEXES.byMonth,
          KeySchema: [
            { AttributeName: AUDIT_KEYS.month, KeyType: 'HASH' },
            { AttributeName: AUDIT_KEYS.sort, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...AUDIT_MONTH_ATTRIBUTES] },
        },
      ],
    },
    nonces: {
      TableName: names.nonces,
      ...onDemand,
      AttributeDefinitions: [{ AttributeName: NONCE_KEYS.partition, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: NONCE_KEYS.partition, KeyType: 'HASH' }],
    },
  };
}

/**
 * Creates every table that does not exist yet and waits until all are ACTIVE, for tests and the
 * local stack (the CDK app owns the real ones). A table that already exists is left as it is.
 * TTL is not switched on: dynalite does not implement UpdateTimeToLive, and the adapters never rely
 * on TTL deletion anyway.
 */
export async function createTables(
  client: DynamoDBClient,
  names: TableNames,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const definitions = Object.values(tableDefinitions(names));
  await Promise.all(
    definitions.map(async (definition) => {
      try {
        await client.send(new CreateTableCommand(definition));
      } catch (error) {
        if ((error as { name?: string }).name !== 'ResourceInUseException') throw error;
      }
    }),
  );
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  await Promise.all(definitions.map((d) => waitUntilActive(client, String(d.TableName), deadline)));
}

async function waitUntilActive(client: DynamoDBClient, tableName: string, deadline: number): Promise<void> {
  for (let delay = 20; ; delay = Math.min(delay * 2, 1_000)) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() > deadline)
      throw new Error(`table ${tableName} is not ACTIVE yet (${Table?.TableStatus})`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** The marshalling the adapters need: absent optional fields are dropped, not rejected. */
export const DOCUMENT_TRANSLATE_CONFIG: TranslateConfig = {
  marshallOptions: { removeUndefinedValues: true },
};

/**
 * A document client configured the way the adapters need. Note that lib-dynamodb stores the
 * translate config on the shared `client.config`: build one document client per DynamoDBClient.
 */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, DOCUMENT_TRANSLATE_CONFIG);
}
