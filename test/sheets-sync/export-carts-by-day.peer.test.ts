import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCartStore } from '#engine/adapters/dynamodb-cart-store.js';
import { createTables, tableNames } from '#engine/adapters/dynamodb-tables.js';
import { MemoryCartStore } from '#engine/adapters/memory/memory-cart-store.js';
import type { Cart } from '#engine/domain/cart.js';
import type { CartsByDay } from '#sheets-sync/nightly-export.js';
import { sampleCart } from '#test/fakes/sample-cart.js';
import { type DynalitePeer, startDynalite } from '#test/peers/dynalite.js';

let db: DynalitePeer;
let tables = 0;

beforeAll(async () => {
  db = await startDynalite();
});

afterAll(async () => {
  await db?.stop();
});

type Store = CartsByDay & { put(cart: Cart, expectedVersion: number): Promise<Cart> };

const stores: [string, () => Promise<Store & { pages?: () => number }>][] = [
  ['MemoryCartStore', async () => new MemoryCartStore()],
  [
    'DynamoDbCartStore',
    async () => {
      const names = tableNames(`cr-by-day-${++tables}-`);
      await createTables(db.client, names);
      const store = new DynamoDbCartStore({ client: db.doc, tableName: names.carts });
      // The by-day index holds keys only: the carts themselves come 100 per BatchGetItem.
      return Object.assign(store, { pages: () => store.requests.BatchGetItem ?? 0 });
    },
  ],
];

describe.each(stores)('%s.cartsByDay (the export read)', (_name, make) => {
  it("lists the UTC day's carts by id, by last activity or else first sighting", async () => {
    // Prepare
    const store = await make();
    await store.put(sampleCart({ id: 'c-2', lastActivityAt: '2026-06-10T23:59:59.000Z' }), 0);
    await store.put(sampleCart({ id: 'c-1', lastActivityAt: '2026-06-10T00:00:00.000Z' }), 0);
    await store.put(sampleCart({ id: 'c-3', lastActivityAt: '2026-06-11T00:00:00.000Z' }), 0);
    await store.put(
      sampleCart({
        id: 'c-0',
        snapshot: null,
        lastActivityAt: undefined,
        firstSeenAt: '2026-06-10T08:00:00.000Z',
      }),
      0,
    );

    // Act
    const carts = await store.cartsByDay('2026-06-10');

    // Assess
    expect(carts.map((c) => c.id)).toEqual(['c-0', 'c-1', 'c-2']);
    expect(carts[1]).toMatchObject({ id: 'c-1', version: 1, status: 'open' });
    expect(carts[1]).not.toHaveProperty('day');
    expect(await store.cartsByDay('2026-06-12')).toEqual([]);
  });

  it('reads every page of a large day', async () => {
    // Prepare
    const store = await make();
    // About 1.1 KB each: more than one 1 MB page, and more than one BatchGetItem of 100.
    const big = 'x'.repeat(1_000);
    const ids = Array.from({ length: 1_000 }, (_, i) => `c-${String(i).padStart(4, '0')}`);
    for (const id of ids) {
      await store.put(sampleCart({ id, snapshot: { id, returnUrl: `https://acme.example/${big}` } }), 0);
    }

    // Act
    const carts = await store.cartsByDay('2026-06-10');

    // Assess
    expect(carts.map((c) => c.id)).toEqual(ids);
    if (store.pages) expect(store.pages()).toBeGreaterThan(1);
  });
});
