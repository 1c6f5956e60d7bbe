import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbAuditLog } from '#engine/adapters/dynamodb-audit-log.js';
import { createTables, tableNames } from '#engine/adapters/dynamodb-tables.js';
import type { AuditEntry } from '#engine/ports.js';
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

async function freshLog(pageSize?: number) {
  const names = tableNames(`cr-audit-${++tables}-`);
  await createTables(db.client, names);
  return { names, audit: new DynamoDbAuditLog({ client: db.doc, tableName: names.audit, pageSize }) };
}

const entry = (at: string, overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  at,
  action: 'reminder.sent',
  actor: 'engine',
  cartId: 'cart-1001',
  ...overrides,
});

async function collect(entries: AsyncIterable<AuditEntry>): Promise<AuditEntry[]> {
  const all: AuditEntry[] = [];
  for await (const e of entries) all.push(e);
  return all;
}

describe('DynamoDbAuditLog', () => {
  it('reads back an entry with its before, after and detail as they were', async () => {
    const { names, audit } = await freshLog();
    const cart = sampleCart();
    const full: AuditEntry = {
      at: '2026-06-10T18:00:00.000Z',
      action: 'owner.suppress',
      actor: 'owner',
      cartId: cart.id,
      emailHash: 'a1b2c3d4',
      before: cart,
      after: { ...cart, status: 'suppressed', version: 2 },
      rulesVersion: 'v7',
      detail: { reasons: ['asked by phone'], count: 2, nested: { ok: true, none: null } },
    };

    await audit.record(full);

    expect(await audit.byCart(cart.id)).toEqual([full]);
    const { Items } = await db.doc.send(
      new QueryCommand({
        TableName: names.audit,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'cart#cart-1001' },
      }),
    );
    expect(Items?.[0]).toMatchObject({
      month: '2026-06',
      sk: expect.stringMatching(/^2026-06-10T18:00:00\.000Z#/),
    });
  });

  it('lists the entries of one cart oldest first, same-time entries in write order', async () => {
    const { audit } = await freshLog();
    await audit.record(entry('2026-06-10T18:00:00.000Z', { action: 'reminder.sent' }));
    await audit.record(entry('2026-06-10T12:00:00.000Z', { action: 'reminder.claimed' }));
    await audit.record(entry('2026-06-11T09:00:00.000Z', { action: 'cart.closed' }));
    await audit.record(entry('2026-06-11T09:00:00.000Z', { action: 'owner.suppress' }));
    await audit.record(entry('2026-06-11T09:00:00.000Z', { action: 'mail.bounce' }));
    await audit.record(entry('2026-06-10T13:00:00.000Z', { cartId: 'cart-other' }));

    const actions = (await audit.byCart('cart-1001')).map((e) => e.action);

    expect(actions).toEqual([
      'reminder.claimed',
      'reminder.sent',
      'cart.closed',
      'owner.suppress',
      'mail.bounce',
    ]);
  });

  it('files an entry without a cart under its email hash', async () => {
    const { names, audit } = await freshLog();
    const unsubscribe = entry('2026-06-10T18:00:00.000Z', {
      action: 'shopper.unsubscribe',
      cartId: undefined,
      emailHash: 'e5f6',
    });

    await audit.record(unsubscribe);

    const { Items } = await db.doc.send(
      new QueryCommand({
        TableName: names.audit,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'email#e5f6' },
      }),
    );
    expect(Items).toHaveLength(1);
    expect(await collect(audit.byMonth('2026-06'))).toEqual([
      { at: unsubscribe.at, action: unsubscribe.action, actor: 'engine', emailHash: 'e5f6' },
    ]);
  });

  it('walks one month page by page, oldest first, and nothing of the months around it', async () => {
    const { audit } = await freshLog(3);
    const june = Array.from({ length: 8 }, (_, i) =>
      entry(`2026-06-${String(i + 10)}T10:00:00.000Z`, { cartId: `cart-${i % 3}` }),
    );
    for (const e of [...june].reverse()) await audit.record(e);
    await audit.record(entry('2026-05-31T23:59:59.999Z'));
    await audit.record(entry('2026-07-01T00:00:00.000Z'));
    // 2026-07-01 01:00 in Berlin is still June in UTC.
    const offset = entry('2026-07-01T01:00:00.000+02:00', { cartId: 'cart-offset' });
    await audit.record(offset);
    const before = audit.requests.Query ?? 0;

    const found = await collect(audit.byMonth('2026-06'));

    expect(found).toEqual([...june, offset]);
    expect((audit.requests.Query ?? 0) - before).toBeGreaterThanOrEqual(3);
  });

  it('yields nothing for a month without entries and refuses a malformed month', async () => {
    const { audit } = await freshLog();

    expect(await collect(audit.byMonth('2026-01'))).toEqual([]);
    expect(() => audit.byMonth('2026-13')).toThrow(RangeError);
    expect(() => audit.byMonth('June')).toThrow(RangeError);
  });

  it('records one PutItem per entry and refuses an entry without a valid time', async () => {
    const { audit } = await freshLog();

    await audit.record(entry('2026-06-10T18:00:00.000Z'));
    await expect(audit.record(entry('yesterday'))).rejects.toThrow(RangeError);

    expect(audit.requests).toEqual({ PutItem: 1 });
    expect(await audit.byCart('cart-1001')).toHaveLength(1);
  });
});

describe('DynamoDbAuditLog retention', () => {
  it('gives every row a TTL 13 months after its at, and keeps it out of the entry', async () => {
    const { names, audit } = await freshLog();

    await audit.record(entry('2026-06-10T18:00:00.000Z'));

    const { Items } = await db.doc.send(
      new QueryCommand({
        TableName: names.audit,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'cart#cart-1001' },
      }),
    );
    expect(Items?.[0]?.expiresAt).toBe(Date.parse('2027-07-10T18:00:00Z') / 1000);
    expect(await audit.byCart('cart-1001')).toEqual([entry('2026-06-10T18:00:00.000Z')]);
  });

  it('takes another window from its options', async () => {
    const names = tableNames(`cr-audit-${++tables}-`);
    await createTables(db.client, names);
    const audit = new DynamoDbAuditLog({ client: db.doc, tableName: names.audit, auditMonths: 24 });

    await audit.record(entry('2026-06-10T18:00:00.000Z'));

    const { Items } = await db.doc.send(
      new QueryCommand({
        TableName: names.audit,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'cart#cart-1001' },
      }),
    );
    expect(Items?.[0]?.expiresAt).toBe(Date.parse('2028-06-10T18:00:00Z') / 1000);
  });

  it('lists a month from the index without the before and after snapshots', async () => {
    const { audit } = await freshLog();
    const cart = sampleCart();

    await audit.record(entry('2026-06-10T18:00:00.000Z', { before: cart, after: cart, detail: { n: 1 } }));

    expect(await collect(audit.byMonth('2026-06'))).toEqual([
      entry('2026-06-10T18:00:00.000Z', { detail: { n: 1 } }),
    ]);
  });
});
