/**
 * A burst of signed storefront deliveries against the whole local stack (`npm start`'s, on a fresh
 * data folder): 20% exact duplicates and 10% bodies the schema refuses, many at once. Checks what the
 * load test checks and prints one JSON line with the throughput, latencies and answers.
 *
 *   tsx bench/webhook-burst.ts [requests=2000] [concurrency=50]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbCartStore } from '../engine/adapters/dynamodb-cart-store.js';
import { documentClient, tableNames } from '../engine/adapters/dynamodb-tables.js';
import { startLocalStack } from '../engine/local/start.js';
import { cartsOutOfStep, runWebhookBurst } from '../test/peers/webhook-burst.js';

const requests = Number(process.argv[2] ?? 2000);
const concurrency = Number(process.argv[3] ?? 50);
const dataDir = await mkdtemp(join(tmpdir(), 'cr-bench-burst-'));
const stack = await startLocalStack({ port: 0, sesPort: 0, dataDir, quiet: true });
try {
  const result = await runWebhookBurst({
    url: stack.url,
    webhookSecret: stack.secrets.webhookSecret,
    requests,
    concurrency,
    duplicates: 0.2,
    invalid: 0.1,
  });
  const doc = documentClient(new DynamoDBClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB }));
  const outOfStep = await cartsOutOfStep(
    new DynamoDbCartStore({ client: doc, tableName: tableNames('cr-').carts }),
    result,
  );
  doc.destroy();
  const serverErrors = Object.entries(result.statuses)
    .filter(([status]) => Number(status) >= 500)
    .reduce((sum, [, k]) => sum + k, 0);
  console.log(
    JSON.stringify({
      requests: result.requests,
      concurrency,
      carts: result.newest.size,
      seconds: result.seconds,
      perSecond: result.perSecond,
      latencyMs: result.latencyMs,
      statuses: result.statuses,
      serverErrors,
      distinct: result.distinct,
      acceptedOnce: result.acceptedOnce,
      invalidRefused: result.invalidRefused,
      invalidSent: result.invalidSent,
      missingIds: outOfStep.missingIds.length,
      notNewest: outOfStep.notNewest.length,
    }),
  );
} finally {
  await stack.stop();
  await rm(dataDir, { recursive: true, force: true });
}
