/**
 * Webhook intake against dynalite: the real handler (signature, parse, fold, conditional write,
 * wake-up) next to a bare PutItem of an item of the same size, in the same run, so the ratio holds
 * however busy the machine is. Prints one JSON line.
 */
import { readFile } from 'node:fs/promises';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { DynamoDbAuditLog } from '../engine/adapters/dynamodb-audit-log.js';
import { DynamoDbCartStore } from '../engine/adapters/dynamodb-cart-store.js';
import { DynamoDbContactStore } from '../engine/adapters/dynamodb-contact-store.js';
import { createTables, tableNames } from '../engine/adapters/dynamodb-tables.js';
import { systemClock } from '../engine/adapters/memory/manual-clock.js';
import { StaticRulesSource } from '../engine/adapters/memory/static-rules-source.js';
import { silentLogger } from '../engine/adapters/pino-logger.js';
import { SchedulerWakeScheduler } from '../engine/adapters/scheduler-wake-scheduler.js';
import { signatureHeader } from '../engine/domain/request-signature.js';
import { parseRulesYaml } from '../engine/domain/rules-yaml.js';
import { handleWebhook } from '../engine/handlers/webhook.handler.js';
import { startDynalite } from '../engine/local/peers/dynalite.js';
import { startLocalScheduler } from '../engine/local/scheduler-server.js';
import type { SnapshotUpdate } from '../engine/ports.js';

const N = Number(process.argv[2] ?? 1000);
const dynalite = await startDynalite();
// Schedules in memory only: the local scheduler's file rewrites every schedule on each change, a cost
// of the stand-in (growing with the run) that EventBridge Scheduler does not have.
const scheduler = await startLocalScheduler({
  onFire: async () => {},
  pollMs: 0,
});
const names = tableNames('bench-');
await createTables(dynalite.client, names);
const counts: Record<string, number> = {};
const count = (op: string) => {
  counts[op] = (counts[op] ?? 0) + 1;
};
const rules = parseRulesYaml(await readFile(new URL('../examples/rules.yaml', import.meta.url), 'utf8'));
const secret = 'bench-webhook-secret-0123456789';
const deps = {
  carts: new DynamoDbCartStore({ client: dynalite.doc, tableName: names.carts, onRequest: count }),
  contacts: new DynamoDbContactStore({ client: dynalite.doc, tableName: names.contacts, onRequest: count }),
  audit: new DynamoDbAuditLog({ client: dynalite.doc, tableName: names.audit, onRequest: count }),
  scheduler: new SchedulerWakeScheduler({
    client: new SchedulerClient({
      endpoint: scheduler.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    }),
    targetArn: 'arn:aws:lambda:us-east-1:000000000000:function:cr-wake',
    roleArn: 'arn:aws:iam::000000000000:role/cr-scheduler',
    onRequest: (e) => count(e.operation),
  }),
  rules: new StaticRulesSource(rules, 'bench'),
  clock: systemClock,
  log: silentLogger,
};

const event = (cartId: string, n: number, minutesAgo: number) => {
  const body = JSON.stringify({
    id: `evt_${cartId}_${n}`,
    type: 'cart.updated',
    occurredAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    cart: {
      id: cartId,
      email: `${cartId}@example.com`,
      currency: 'USD',
      total: '72.50',
      items: [
        {
          sku: 'TEE-1',
          title: 'Organic cotton tee',
          quantity: 2,
          price: '21.25',
          url: 'https://shop.example.com/p/tee-1',
          imageUrl: 'https://shop.example.com/i/tee-1.jpg',
        },
        {
          sku: 'CAP-3',
          title: 'Canvas cap',
          quantity: 1,
          price: '30.00',
          url: 'https://shop.example.com/p/cap-3',
        },
      ],
      returnUrl: `https://shop.example.com/cart/restore/${cartId}`,
      timezone: 'Europe/Berlin',
      marketingConsent: true,
    },
  });
  return {
    rawPath: '/webhook',
    headers: {
      'content-type': 'application/json',
      'cart-recovery-signature': signatureHeader(secret, body, Math.floor(Date.now() / 1000)),
    },
    body,
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST' } },
  } as unknown as LambdaFunctionURLEvent;
};

/** A cart's item exactly as the store wrote it (index attributes included), for the bare PutItem. */
const storedItem = async (cartId: string): Promise<Record<string, unknown>> => {
  const { Item } = await dynalite.doc.send(new GetCommand({ TableName: names.carts, Key: { cartId } }));
  if (!Item) throw new Error(`no item for ${cartId}`);
  return Item;
};

const time = async (run: (i: number) => Promise<unknown>): Promise<number> => {
  const began = performance.now();
  for (let i = 0; i < N; i++) await run(i);
  const ms = (performance.now() - began) / N;
  return ms;
};

// Warm up both paths.
for (let i = 0; i < 50; i++) {
  await handleWebhook({ deps, secrets: [secret] }, event(`warm_${i}`, 0, 30));
  const warm = await storedItem(`warm_${i}`);
  await dynalite.doc.send(
    new PutCommand({ TableName: names.carts, Item: { ...warm, cartId: `warm_bare_${i}` } }),
  );
}
const before = { ...counts };
const newCartMs = await time((i) => handleWebhook({ deps, secrets: [secret] }, event(`cart_${i}`, 0, 30)));
const afterNew = { ...counts };
// The update through the handler, a bare PutItem of the same item (same table and indexes, a fresh
// key) and the very request the update path makes sent bare, taken by turns for each cart: this
// machine's speed drifts within a run, and turns give each the same drift.
const item = await storedItem('cart_0');
let updateTotal = 0;
let putTotal = 0;
let bareUpdateTotal = 0;
let bareUpdates = 0;
const updateCounts: Record<string, number> = {};
for (let i = 0; i < N; i++) {
  const request = event(`cart_${i}`, 1, 20);
  const counted = { ...counts };
  const began = performance.now();
  await handleWebhook({ deps, secrets: [secret] }, request);
  updateTotal += performance.now() - began;
  for (const [op, k] of Object.entries(counts)) {
    if (k !== counted[op]) updateCounts[op] = (updateCounts[op] ?? 0) + k - (counted[op] ?? 0);
  }
  const beganPut = performance.now();
  await dynalite.doc.send(new PutCommand({ TableName: names.carts, Item: { ...item, cartId: `bare_${i}` } }));
  putTotal += performance.now() - beganPut;
  const update = JSON.parse(event(`cart_${i}`, 2, 10).body as string) as {
    id: string;
    occurredAt: string;
    cart: SnapshotUpdate['snapshot'];
  };
  const beganBare = performance.now();
  const stored = await deps.carts.applyNewerSnapshot({
    cartId: `cart_${i}`,
    eventId: `${update.id}_bare`,
    occurredAt: update.occurredAt,
    snapshot: update.cart,
  });
  bareUpdateTotal += performance.now() - beganBare;
  if (stored) bareUpdates++;
}
const perUpdate = Object.fromEntries(Object.entries(updateCounts).map(([op, k]) => [op, k / N]));
const [updateMs, putMs, bareUpdateMs] = [updateTotal / N, putTotal / N, bareUpdateTotal / N];
const perNew = Object.fromEntries(
  Object.entries(afterNew).map(([op, k]) => [op, (k - (before[op] ?? 0)) / N]),
);
console.log(
  JSON.stringify({
    n: N,
    newCartMs,
    updateMs,
    barePutMs: putMs,
    bareUpdateMs,
    bareUpdatesApplied: bareUpdates,
    updateRatio: updateMs / putMs,
    updateVsBareUpdate: updateMs / bareUpdateMs,
    newCartRatio: newCartMs / putMs,
    requestsPerNewCart: perNew,
    requestsPerUpdate: perUpdate,
  }),
);
await scheduler.stop();
await dynalite.stop();
