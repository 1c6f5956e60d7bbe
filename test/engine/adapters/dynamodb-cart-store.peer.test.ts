import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityOrder, DynamoDbCartStore } from '#engine/adapters/dynamodb-cart-store.js';
import type { DynamoDbOperation } from '#engine/adapters/dynamodb-requests.js';
import { createTables, type TableNames, tableNames } from '#engine/adapters/dynamodb-tables.js';
import { MemoryCartStore } from '#engine/adapters/memory/memory-cart-store.js';
import { applyNewerSnapshot, type Cart, isNewerActivity } from '#engine/domain/cart.js';
import { VersionConflictError } from '#engine/domain/errors.js';
import { sampleCart } from '#test/fakes/sample-cart.js';
import { type DynalitePeer, startDynalite } from '#test/peers/dynalite.js';
import { describeCartStoreContract } from './cart-store.contract.js';

let db: DynalitePeer;
let tables = 0;

beforeAll(async () => {
  db = await startDynalite();
});

afterAll(async () => {
  await db?.stop();
});

/** Fresh tables under a new prefix: every test starts from an empty store. */
async function freshTables(): Promise<TableNames> {
  const names = tableNames(`cr-carts-${++tables}-`);
  await createTables(db.client, names);
  return names;
}

async function freshStore(onRequest?: (op: DynamoDbOperation) => void) {
  const names = await freshTables();
  return { names, store: new DynamoDbCartStore({ client: db.doc, tableName: names.carts, onRequest }) };
}

async function rawItem(tableName: string, cartId: string) {
  const { Item } = await db.doc.send(new GetCommand({ TableName: tableName, Key: { cartId } }));
  return Item;
}

describeCartStoreContract('MemoryCartStore', async () => new MemoryCartStore());
describeCartStoreContract('DynamoDbCartStore', async () => (await freshStore()).store);

describe('DynamoDbCartStore', () => {
  it('keeps openEmailKey only while the cart is open and has an email', async () => {
    const { names, store } = await freshStore();
    const v1 = await store.put(sampleCart(), 0);
    expect(await rawItem(names.carts, 'cart-1001')).toMatchObject({
      cartId: 'cart-1001',
      openEmailKey: 'shopper@example.com',
      day: '2026-06-10',
    });

    await store.put({ ...v1, status: 'purchased', closedAt: '2026-06-10T20:00:00.000Z' }, 1);

    const item = await rawItem(names.carts, 'cart-1001');
    expect(item).not.toHaveProperty('openEmailKey');
    expect(item).not.toHaveProperty('id');
    expect(item?.status).toBe('purchased');
  });

  it('keeps the fields a storefront may send once in attributes of their own, the rest as JSON text', async () => {
    const { names, store } = await freshStore();
    const cart = sampleCart();

    await store.put(cart, 0);

    const item = await rawItem(names.carts, 'cart-1001');
    expect(item).toMatchObject({
      snapshotEmail: cart.snapshot?.email,
      snapshotTimezone: cart.snapshot?.timezone,
      snapshotLocale: cart.snapshot?.locale,
      snapshotConsent: cart.snapshot?.marketingConsent,
    });
    expect(item).not.toHaveProperty('snapshot');
    const { email, timezone, locale, marketingConsent, ...rest } = cart.snapshot ?? {};
    expect(JSON.parse(item?.snapshotJson)).toEqual(rest);
    expect(await store.get('cart-1001')).toEqual({ ...cart, version: 1 });
  });

  it("keeps the shopper's first name with the snapshot, through the one-write update too", async () => {
    // Prepare
    const { store } = await freshStore();
    const cart = sampleCart({
      snapshot: { firstName: 'Jörg' },
      wake: { at: '2026-06-10T18:00:00.000Z', seq: 1 },
    });
    await store.put(cart, 0);
    if (!cart.snapshot) throw new Error('the sample cart has a snapshot');

    // Act
    const updated = await store.applyNewerSnapshot({
      cartId: 'cart-1001',
      eventId: 'evt-2',
      occurredAt: '2026-06-10T15:00:00.000Z',
      snapshot: { ...cart.snapshot, firstName: 'Ann', total: '9.00' },
    });

    // Assess
    expect((await store.get('cart-1001'))?.snapshot?.firstName).toBe('Ann');
    expect(updated?.snapshot?.firstName).toBe('Ann');
  });

  it('reads an item written before the snapshot was split, and leaves its update to the read-and-fold path', async () => {
    // Prepare: the old shape, the snapshot as one map, without the derived attributes.
    const { names, store } = await freshStore();
    const cart = sampleCart({
      wake: { at: '2026-06-10T17:00:00.000Z', seq: 1 },
      lastActivityAt: '2026-06-10T14:00:00.000Z',
      lastEventId: 'evt-1',
    });
    const { id, snapshot, ...fields } = cart;
    await db.doc.send(
      new PutCommand({ TableName: names.carts, Item: { cartId: id, ...fields, snapshot, version: 1 } }),
    );
    expect(await store.get(id)).toEqual({ ...cart, version: 1 });
    const update = {
      cartId: id,
      eventId: 'evt-later',
      occurredAt: '2026-06-10T16:00:00.000Z',
      snapshot: {
        ...(snapshot as NonNullable<typeof snapshot>),
        email: undefined,
        timezone: undefined,
        locale: undefined,
        marketingConsent: undefined,
        total: '12.00',
      },
    };

    // Act: the one-write update finds no activity order to compare, so the use case reads and folds.
    const declined = await store.applyNewerSnapshot(update);
    const stored = (await store.get(id)) as Cart;
    const saved = await store.put(
      applyNewerSnapshot(stored, update.eventId, update.occurredAt, update.snapshot),
      stored.version,
    );

    // Assess: the fields the update left out are kept, and the item now takes the one-write path.
    expect(declined).toBeUndefined();
    expect(saved.snapshot).toEqual({ ...snapshot, total: '12.00' });
    expect(await store.get(id)).toEqual(saved);
    expect(await store.applyNewerSnapshot({ ...update, eventId: 'evt-next' })).toMatchObject({
      lastEventId: 'evt-next',
      version: saved.version + 1,
    });
  });

  it('files a cart under the UTC day of its last activity, else of its first sighting', async () => {
    const { names, store } = await freshStore();

    await store.put(sampleCart({ id: 'late', lastActivityAt: '2026-06-10T23:30:00.000-02:00' }), 0);
    await store.put(
      sampleCart({ id: 'checkout', lastActivityAt: undefined, firstSeenAt: '2026-06-09T08:00:00.000Z' }),
      0,
    );

    expect((await rawItem(names.carts, 'late'))?.day).toBe('2026-06-11');
    expect((await rawItem(names.carts, 'checkout'))?.day).toBe('2026-06-09');
  });

  it('sends one request per call and counts it', async () => {
    const seen: DynamoDbOperation[] = [];
    const { store } = await freshStore((op) => seen.push(op));

    const v1 = await store.put(sampleCart(), 0);
    await store.put({ ...v1, closedWhy: 'touched' }, v1.version);
    await store.claimReminder('cart-1001', {
      n: 1,
      state: 'claimed',
      dueAt: v1.firstSeenAt,
      at: v1.firstSeenAt,
    });
    await store.get('cart-1001');
    await store.openCartsByEmail('shopper@example.com');
    await expect(store.put(v1, 0)).rejects.toThrow(VersionConflictError);

    expect(store.requests).toEqual({ PutItem: 3, UpdateItem: 1, GetItem: 1, Query: 1, BatchGetItem: 1 });
    expect(seen).toEqual(['PutItem', 'PutItem', 'UpdateItem', 'GetItem', 'Query', 'BatchGetItem', 'PutItem']);
  });

  it('keeps the conditional failure as the cause of a version conflict', async () => {
    const { store } = await freshStore();
    await store.put(sampleCart(), 0);

    const error = await store.put(sampleCart(), 0).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(VersionConflictError);
    expect((error as Error).cause).toMatchObject({ name: 'ConditionalCheckFailedException' });
  });

  it('reads a long list of open carts whole, 100 per BatchGetItem, in index order', async () => {
    const { store } = await freshStore();
    // About 4 KB a cart: the index holds only their keys, the carts come from the table.
    const title = 'x'.repeat(480);
    const items = Array.from({ length: 8 }, (_, i) => ({
      sku: `S${i}`,
      title,
      quantity: 1,
      price: '1.00',
      imageUrl: undefined,
      url: undefined,
    }));
    for (let i = 0; i < 300; i += 25) {
      await Promise.all(
        Array.from({ length: 25 }, (_, j) =>
          store.put(sampleCart({ id: `cart-${String(i + j).padStart(3, '0')}`, snapshot: { items } }), 0),
        ),
      );
    }

    const open = await store.openCartsByEmail('shopper@example.com');

    expect(open).toHaveLength(300);
    expect(new Set(open.map((c) => c.id)).size).toBe(300);
    expect(open.every((c) => c.snapshot?.items.length === 8)).toBe(true);
    expect(store.requests.BatchGetItem).toBe(3);
  });

  it('refuses a document client that would reject undefined fields', () => {
    const bare = new DynamoDBClient({ region: 'us-east-1' });
    try {
      expect(
        () => new DynamoDbCartStore({ client: DynamoDBDocumentClient.from(bare), tableName: 'cr-carts' }),
      ).toThrow(/removeUndefinedValues/);
    } finally {
      bare.destroy();
    }
  });
});

describe('DynamoDbCartStore retention', () => {
  it('gives an open cart no TTL', async () => {
    const { names, store } = await freshStore();

    await store.put(sampleCart(), 0);

    expect((await rawItem(names.carts, 'cart-1001'))?.expiresAt).toBeUndefined();
  });

  it('expires a closed cart 90 days after it closed, and keeps the TTL out of the cart', async () => {
    const { names, store } = await freshStore();
    const v1 = await store.put(sampleCart(), 0);

    const closed = await store.put(
      { ...v1, status: 'given_up', closedAt: '2026-06-15T06:00:00.000Z', closedWhy: 'no answer' },
      v1.version,
    );

    expect((await rawItem(names.carts, 'cart-1001'))?.expiresAt).toBe(
      Date.parse('2026-09-13T06:00:00Z') / 1000,
    );
    expect(await store.get('cart-1001')).toEqual(closed);
  });

  it('takes another window from its options', async () => {
    const names = await freshTables();
    const store = new DynamoDbCartStore({ client: db.doc, tableName: names.carts, closedCartDays: 30 });

    await store.put({ ...sampleCart(), status: 'purchased', closedAt: '2026-06-15T06:00:00.000Z' }, 0);

    expect((await rawItem(names.carts, 'cart-1001'))?.expiresAt).toBe(
      Date.parse('2026-07-15T06:00:00Z') / 1000,
    );
  });
});

describe('activityOrder', () => {
  const instant = fc
    .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) })
    .map((ms) => new Date(ms).toISOString());
  // Few distinct instants and short ids, so equal times and prefix ids come up often; the ids mix
  // ASCII, a character just below the surrogates, U+FFFF and characters beyond U+FFFF.
  const time = fc.oneof(instant, fc.constantFrom('2026-06-10T14:00:00.000Z', '2026-06-10T14:00:00.001Z'));
  const id = fc.string({
    minLength: 1,
    maxLength: 4,
    unit: fc.constantFrom('a', 'z', '-', '0', '\uD7FF', '\uFFFF', '\u{1F600}', '\u{10000}'),
  });
  /** How DynamoDB compares two strings: by their UTF-8 bytes. */
  const bytesBefore = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b)) < 0;

  it("sorts as the domain orders activity, by JavaScript's order and by DynamoDB's UTF-8 bytes", () => {
    fc.assert(
      fc.property(time, fc.option(id, { nil: undefined }), time, id, (last, lastId, at, eventId) => {
        const newer = isNewerActivity(sampleCart({ lastActivityAt: last, lastEventId: lastId }), at, eventId);
        const [stored, incoming] = [activityOrder(last, lastId), activityOrder(at, eventId)];

        expect(stored < incoming).toBe(newer);
        expect(bytesBefore(stored, incoming)).toBe(newer);
      }),
      { numRuns: 500 },
    );
  });

  it('writes the id as hex code units, four digits each', () => {
    expect(activityOrder('2026-06-10T14:00:00.000Z', 'e\u{1F600}')).toBe(
      '2026-06-10T14:00:00.000Z#0065d83dde00',
    );
    expect(activityOrder('2026-06-10T14:00:00.000Z', undefined)).toBe('2026-06-10T14:00:00.000Z#');
  });
});
