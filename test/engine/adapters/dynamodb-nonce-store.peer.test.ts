import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbNonceStore } from '#engine/adapters/dynamodb-nonce-store.js';
import { createTables, TTL_ATTRIBUTES, tableNames } from '#engine/adapters/dynamodb-tables.js';
import { ManualClock } from '#engine/adapters/memory/manual-clock.js';
import { type DynalitePeer, startDynalite } from '#test/peers/dynalite.js';

const START = '2026-06-10T18:00:00.000Z';
const MINUTE = 60_000;

let db: DynalitePeer;
let tables = 0;

beforeAll(async () => {
  db = await startDynalite();
});

afterAll(async () => {
  await db?.stop();
});

async function freshStore() {
  const names = tableNames(`cr-nonces-${++tables}-`);
  await createTables(db.client, names);
  const clock = new ManualClock(START);
  return { names, clock, nonces: new DynamoDbNonceStore({ client: db.doc, tableName: names.nonces, clock }) };
}

const inMinutes = (clock: ManualClock, minutes: number) => new Date(clock.now().getTime() + minutes * MINUTE);

describe('DynamoDbNonceStore', () => {
  it('accepts a nonce once and refuses its replay', async () => {
    const { clock, nonces } = await freshStore();

    const first = await nonces.claim('nonce-aaaaaaaaaaaaaaaa', inMinutes(clock, 10));
    const replay = await nonces.claim('nonce-aaaaaaaaaaaaaaaa', inMinutes(clock, 10));
    const other = await nonces.claim('nonce-bbbbbbbbbbbbbbbb', inMinutes(clock, 10));

    expect([first, replay, other]).toEqual([true, false, true]);
    expect(nonces.requests).toEqual({ PutItem: 3 });
  });

  it('refuses a replay up to the second its nonce expires', async () => {
    const { clock, nonces } = await freshStore();
    await nonces.claim('nonce-aaaaaaaaaaaaaaaa', inMinutes(clock, 10));

    clock.set(inMinutes(clock, 10));

    expect(await nonces.claim('nonce-aaaaaaaaaaaaaaaa', inMinutes(clock, 10))).toBe(false);
  });

  it('accepts an expired nonce again, as new, though TTL has not deleted it', async () => {
    const { clock, nonces } = await freshStore();
    await nonces.claim('nonce-aaaaaaaaaaaaaaaa', inMinutes(clock, 10));

    clock.set(inMinutes(clock, 11));
    const again = await nonces.claim('nonce-aaaaaaaaaaaaaaaa', inMinutes(clock, 10));
    const replay = await nonces.claim('nonce-aaaaaaaaaaaaaaaa', inMinutes(clock, 10));

    expect([again, replay]).toEqual([true, false]);
  });

  it('stores the expiry as whole epoch seconds in the TTL attribute', async () => {
    const { names, clock, nonces } = await freshStore();

    await nonces.claim('nonce-aaaaaaaaaaaaaaaa', new Date(clock.now().getTime() + 1_500));

    const { Item } = await db.doc.send(
      new GetCommand({ TableName: names.nonces, Key: { nonce: 'nonce-aaaaaaaaaaaaaaaa' } }),
    );
    expect(Item?.[TTL_ATTRIBUTES.nonces]).toBe(Date.parse(START) / 1000 + 2);
  });

  it('lets exactly one of concurrent claims of a nonce win', async () => {
    const { clock, nonces } = await freshStore();

    const results = await Promise.all(
      Array.from({ length: 8 }, () => nonces.claim('nonce-aaaaaaaaaaaaaaaa', inMinutes(clock, 10))),
    );

    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
