import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CART_INDEXES, createTables, tableNames } from '#engine/adapters/dynamodb-tables.js';
import { type DynalitePeer, startDynalite } from '#test/peers/dynalite.js';

let db: DynalitePeer;

beforeAll(async () => {
  db = await startDynalite();
});

afterAll(async () => {
  await db?.stop();
});

describe('dynamodb-tables', () => {
  it('names the tables under the cr- prefix unless told another', () => {
    expect(tableNames()).toEqual({
      carts: 'cr-carts',
      contacts: 'cr-contacts',
      audit: 'cr-audit',
      nonces: 'cr-nonces',
    });
    expect(tableNames('cr-dev-').audit).toBe('cr-dev-audit');
  });

  it('creates every table on demand, with its indexes, and leaves existing ones alone', async () => {
    const names = tableNames('cr-tables-');

    await createTables(db.client, names);
    await createTables(db.client, names);

    const { Table } = await db.client.send(new DescribeTableCommand({ TableName: names.carts }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(
      [CART_INDEXES.byDay, CART_INDEXES.openByEmail, CART_INDEXES.openByWake].sort(),
    );
    for (const name of Object.values(names)) {
      const described = await db.client.send(new DescribeTableCommand({ TableName: name }));
      expect(described.Table?.TableStatus).toBe('ACTIVE');
    }
  });
});
