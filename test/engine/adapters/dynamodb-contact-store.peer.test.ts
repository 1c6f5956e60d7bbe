import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contactItemKey,
  DynamoDbContactStore,
  SALT_ITEM_KEY,
} from '#engine/adapters/dynamodb-contact-store.js';
import { createTables, type TableNames, tableNames } from '#engine/adapters/dynamodb-tables.js';
import { ManualClock } from '#engine/adapters/memory/manual-clock.js';
import { MemoryContactStore } from '#engine/adapters/memory/memory-contact-store.js';
import { type DynalitePeer, startDynalite } from '#test/peers/dynalite.js';
import { describeContactStoreContract } from './contact-store.contract.js';

const EMAIL = 'shopper@example.com';
const SALT = 'a-test-salt-of-some-length';
const NOW = new Date('2026-06-10T18:00:00.000Z');
const TTL_90_DAYS = Date.parse('2026-09-08T18:00:00.000Z') / 1000;

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

async function freshStore(options: { salt?: string } = { salt: SALT }) {
  const names = await freshTables();
  const store = new DynamoDbContactStore({
    client: db.doc,
    tableName: names.contacts,
    clock: new ManualClock(NOW),
    ...options,
  });
  return { names, store };
}

async function rawContact(tableName: string, emailKey: string) {
  const { Item } = await db.doc.send(
    new GetCommand({ TableName: tableName, Key: { emailKey: contactItemKey(emailKey, SALT) } }),
  );
  return Item;
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

    const Item = await rawContact(names.contacts, EMAIL);
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

describe('DynamoDbContactStore retention', () => {
  it('never stores the address: every item is keyed by its salted hash', async () => {
    const { names, store } = await freshStore();

    await store.claimReminderSlot(EMAIL, { cartId: 'a', at: '2026-06-10T18:00:00.000Z' }, 24);
    await store.unsubscribe('other@example.com', { at: NOW.toISOString(), reason: 'link', actor: 'shopper' });

    const { Items } = await db.doc.send(new ScanCommand({ TableName: names.contacts }));
    expect(JSON.stringify(Items)).not.toContain('@example.com');
    expect(Items?.map((i) => i.emailKey).sort()).toEqual(
      [contactItemKey(EMAIL, SALT), contactItemKey('other@example.com', SALT)].sort(),
    );
    expect(contactItemKey(EMAIL, SALT)).not.toBe(contactItemKey(EMAIL, 'another-salt-of-some-length'));
  });

  it('expires a contact 90 days after its last write, and keeps the TTL out of the contact', async () => {
    const { names, store } = await freshStore();

    await store.recordCheckout(EMAIL, '2026-06-10T17:00:00.000Z');

    expect((await rawContact(names.contacts, EMAIL))?.expiresAt).toBe(TTL_90_DAYS);
    expect(await store.get(EMAIL)).toEqual({ emailKey: EMAIL, lastCheckoutAt: '2026-06-10T17:00:00.000Z' });
  });

  it('keeps an unsubscribe for good: no TTL, not even after a later checkout or slot claim', async () => {
    const { names, store } = await freshStore();
    await store.claimReminderSlot(EMAIL, { cartId: 'a', at: '2026-06-10T18:00:00.000Z' }, 24);

    await store.unsubscribe(EMAIL, { at: NOW.toISOString(), reason: 'bounce', actor: 'ses' });
    await store.recordCheckout(EMAIL, '2026-06-11T09:00:00.000Z');
    await store.claimReminderSlot(EMAIL, { cartId: 'b', at: '2026-06-12T18:00:00.000Z' }, 24);

    const item = await rawContact(names.contacts, EMAIL);
    expect(item?.expiresAt).toBeUndefined();
    expect(item?.lastCheckoutAt).toBe('2026-06-11T09:00:00.000Z');
    expect((await store.get(EMAIL))?.unsubscribedAt).toBe(NOW.toISOString());
  });

  it('keeps a newer checkout over an older one, with one more request', async () => {
    const { store } = await freshStore();
    await store.recordCheckout(EMAIL, '2026-06-10T17:00:00.000Z');

    await store.recordCheckout(EMAIL, '2026-06-09T17:00:00.000Z');

    expect((await store.get(EMAIL))?.lastCheckoutAt).toBe('2026-06-10T17:00:00.000Z');
    expect(store.requests).toEqual({ UpdateItem: 3, GetItem: 1 });
  });

  it('creates the salt item once and shares it between instances', async () => {
    const { names, store } = await freshStore({});
    const other = new DynamoDbContactStore({ client: db.doc, tableName: names.contacts });

    await store.recordCheckout(EMAIL, '2026-06-10T17:00:00.000Z');

    expect(store.requests).toEqual({ GetItem: 1, PutItem: 1, UpdateItem: 1 });
    expect((await other.get(EMAIL))?.lastCheckoutAt).toBe('2026-06-10T17:00:00.000Z');
    expect(other.requests).toEqual({ GetItem: 2 });
    const { Item } = await db.doc.send(
      new GetCommand({ TableName: names.contacts, Key: { emailKey: SALT_ITEM_KEY } }),
    );
    expect(Item?.salt).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Item?.expiresAt).toBeUndefined();
  });
});
