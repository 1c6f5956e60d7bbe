import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BedrockPolisher } from '#engine/adapters/bedrock-polisher.js';
import { DynamoDbPolishCache } from '#engine/adapters/dynamodb-polish-cache.js';
import { createTables, tableNames } from '#engine/adapters/dynamodb-tables.js';
import { ManualClock } from '#engine/adapters/memory/manual-clock.js';
import { defaultReply } from '#engine/local/bedrock-server.js';
import type { PolishRequest } from '#engine/ports.js';
import { localBedrockPerFile } from '#test/peers/bedrock.js';
import { type DynalitePeer, startDynalite } from '#test/peers/dynalite.js';

const REQUEST: PolishRequest = {
  line: 'Looks like you left Trail Runner Shoes in your cart at Acme Outfitters.',
  tone: 'first',
  language: 'en',
  voice: 'warm, plain',
  storeName: 'Acme Outfitters',
  rulesVersion: 'v1',
};

let db: DynalitePeer;
let tables = 0;

beforeAll(async () => {
  db = await startDynalite();
});

afterAll(async () => {
  await db?.stop();
});

async function freshCache() {
  const names = tableNames(`cr-polish-${++tables}-`);
  await createTables(db.client, names);
  return { names, cache: new DynamoDbPolishCache({ client: db.doc, tableName: names.nonces }) };
}

describe('BedrockPolisher with DynamoDbPolishCache', () => {
  const peer = localBedrockPerFile();
  const clock = new ManualClock('2026-06-10T14:00:00Z');
  const polisher = (cache: DynamoDbPolishCache) =>
    new BedrockPolisher({ client: peer.client, clock: () => clock.now(), durableCache: cache });

  it('asks Bedrock once per variant and day, however many instances start cold', async () => {
    // Prepare
    const { cache } = await freshCache();
    const before = peer.bedrock.requests.length;

    // Act: three "cold starts", each a new polisher with an empty memory.
    const lines = [
      await polisher(cache).polish(REQUEST),
      await polisher(cache).polish(REQUEST),
      await polisher(cache).polish(REQUEST),
    ];

    // Assess
    expect(lines).toEqual(Array(3).fill(defaultReply(REQUEST.line)));
    expect(peer.bedrock.requests.length - before).toBe(1);
    expect(cache.requests).toEqual({ GetItem: 3, PutItem: 1 });
  });

  it('keeps the line as a hashed key with a TTL the day after, and asks again the next day', async () => {
    // Prepare
    const { names, cache } = await freshCache();
    const before = peer.bedrock.requests.length;
    await polisher(cache).polish(REQUEST);

    // Act
    clock.advance(24 * 3_600_000);
    await polisher(cache).polish(REQUEST);

    // Assess
    expect(peer.bedrock.requests.length - before).toBe(2);
    const key = JSON.stringify([...Object.values(REQUEST), '2026-06-10']);
    const { createHash } = await import('node:crypto');
    const { Item } = await db.doc.send(
      new GetCommand({
        TableName: names.nonces,
        Key: { nonce: `polish#${createHash('sha256').update(key).digest('base64url')}` },
      }),
    );
    expect(Item).toMatchObject({
      line: defaultReply(REQUEST.line),
      expiresAt: Date.parse('2026-06-12T00:00:00Z') / 1000,
    });
  });
});
