import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCartStore } from '#engine/adapters/dynamodb-cart-store.js';
import { documentClient, tableNames } from '#engine/adapters/dynamodb-tables.js';
import { type LocalStack, startLocalStack } from '#engine/local/start.js';
import { cartsOutOfStep, runWebhookBurst } from '#test/peers/webhook-burst.js';

describe('the local stack under a burst of storefront deliveries', () => {
  let stack: LocalStack;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cr-load-'));
    stack = await startLocalStack({ port: 0, sesPort: 0, dataDir, quiet: true });
  });

  afterAll(async () => {
    await stack?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 500 deliveries at 25 at once (20% duplicates, 10% invalid) without a 5xx, accepting each event once', async () => {
    // Act
    const result = await runWebhookBurst({
      url: stack.url,
      webhookSecret: stack.secrets.webhookSecret,
      requests: 500,
      concurrency: 25,
      duplicates: 0.2,
      invalid: 0.1,
    });
    const doc = documentClient(new DynamoDBClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB }));
    const carts = new DynamoDbCartStore({ client: doc, tableName: tableNames('cr-').carts });
    const outOfStep = await cartsOutOfStep(carts, result);
    console.info(
      `load test: ${result.requests} deliveries in ${result.seconds.toFixed(1)} s (${Math.round(result.perSecond)}/s), ` +
        `p50 ${result.latencyMs.p50.toFixed(0)} ms, p99 ${result.latencyMs.p99.toFixed(0)} ms, ${JSON.stringify(result.statuses)}`,
    );

    // Assess
    expect(Object.keys(result.statuses).filter((status) => Number(status) >= 500)).toEqual([]);
    expect(result.distinct).toBe(350);
    expect(result.acceptedOnce).toBe(result.distinct);
    expect(result.invalidRefused).toBe(result.invalidSent);
    expect(result.statuses[202]).toBe(350);
    expect(result.statuses[200]).toBe(100);
    expect(outOfStep).toEqual({ missingIds: [], notNewest: [] });
  }, 120_000);
});
