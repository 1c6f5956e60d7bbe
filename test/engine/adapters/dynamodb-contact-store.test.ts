import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbContactStore } from '#engine/adapters/dynamodb-contact-store.js';
import { createTables, type TableNames, tableNames } from '#engine/adapters/dynamodb-tables.js';
import { MemoryContactStore } from '#engine/adapters/memory/memory-contact-store.js';
import { type DynalitePeer, startDynalite } from '#test/peers/dynalite.js';
import { describeContactStoreContract } from './contact-store.contract.js';

const EMAIL = 'shopper@example.com';

let db: DynalitePeer;
let tables = 0;

beforeAll(async () => {
  db = await startDynalite();
});

afterAll(async () => {
  await db?.stop();
});

async function freshTables(): Promise<TableNames> {
  const names = tableNames(`cr-contacts-${++tables}-`);
  await createTables(db.client, names);
  return names;
}

async function freshStore() {
  const names = await freshTables();
  return { names, store: new DynamoDbContactStore({ client: db.doc, tableName: names.contacts }) };
}

describeContactStoreContract('MemoryContactStore', async () => new MemoryContactStore());
describeContactStoreContract('DynamoDbContactStore', async () => (await freshStore()).store);

describe('DynamoDbContactStore', () => {
  it('claims a slot with one UpdateItem, and reads only after losing it', async () => {
    const { store } = await freshStore();

    await store.claimReminderSlot(EMAIL, { cartId: 'a', at: '2026-06-10T18:00:00.000Z' }, 24);
    expect(store.requests).toEqual({ UpdateItem: 1 });

    await store.claimReminderSlot(EMAIL, { cartId: 'b', at: '2026-06-10T19:00:00.000Z' }, 24);
    expect(store.requests).toEqual({ UpdateItem: 2, GetItem: 1 });
  });

  it('keeps its time attribute out of the contact it hands out', async () => {
    const { names, store } = await freshStore();

    await store.claimReminderSlot(EMAIL, { cartId: 'a', at: '2026-06-10T18:00:00Z' }, 24);

    const { Item } = await db.doc.send(
      new GetCommand({ TableName: names.contacts, Key: { emailKey: EMAIL } }),
    );
    expect(Item?.lastReminderMs).toBe(Date.parse('2026-06-10T18:00:00Z'));
    expect(await store.get(EMAIL)).toEqual({
      emailKey: EMAIL,
      lastReminder: { cartId: 'a', at: '2026-06-10T18:00:00Z' },
    });
  });

  it('gives exactly one of concurrent carts of one email the slot', async () => {
    const { store } = await freshStore();

    const results = await Promise.all(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((cartId) =>
        store.claimReminderSlot(EMAIL, { cartId, at: '2026-06-10T18:00:00.000Z' }, 24),
      ),
    );

    expect(results.filter((r) => r === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r === 'capped')).toHaveLength(5);
  });

  it('refuses a slot time that is not a time, without writing', async () => {
    const { store } = await freshStore();

    await expect(store.claimReminderSlot(EMAIL, { cartId: 'a', at: 'soon' }, 24)).rejects.toThrow(RangeError);
    expect(await store.get(EMAIL)).toBeUndefined();
  });
});
