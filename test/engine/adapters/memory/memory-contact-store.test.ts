import { describe, expect, it } from 'vitest';
import { MemoryContactStore } from '#engine/adapters/memory/memory-contact-store.js';
import { createHoldoutDraw } from '#engine/domain/holdout.js';

// The ContactStore contract runs on this store beside DynamoDB's, in dynamodb-contact-store.peer.test.ts.
describe('MemoryContactStore holdout buckets', () => {
  it('draws each shopper the bucket its key gives, asked once or many times', async () => {
    const store = new MemoryContactStore({ holdoutKey: 'key-one' });
    const draw = createHoldoutDraw('key-one');
    const emails = Array.from({ length: 30 }, (_, i) => `shopper${i}@example.com`);

    const first = await Promise.all(emails.map((email) => store.holdoutBucket(email)));
    const again = await Promise.all(emails.map((email) => store.holdoutBucket(email)));

    expect(first).toEqual(emails.map((email) => draw.bucket(email)));
    expect(again).toEqual(first);
  });

  it('draws apart under another key', async () => {
    const emails = Array.from({ length: 30 }, (_, i) => `shopper${i}@example.com`);
    const one = new MemoryContactStore({ holdoutKey: 'key-one' });
    const two = new MemoryContactStore({ holdoutKey: 'key-two' });

    const a = await Promise.all(emails.map((email) => one.holdoutBucket(email)));
    const b = await Promise.all(emails.map((email) => two.holdoutBucket(email)));

    expect(a).not.toEqual(b);
  });
});
