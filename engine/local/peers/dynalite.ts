import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { documentClient } from '../../adapters/dynamodb-tables.js';

export interface DynalitePeer {
  /** e.g. http://127.0.0.1:41236 */
  endpoint: string;
  /** us-east-1, dummy credentials. */
  client: DynamoDBClient;
  /** From `documentClient()`: drops undefined values, as the adapters need. */
  doc: DynamoDBDocumentClient;
  /** Closes the clients and the server (and its store). */
  stop(): Promise<void>;
}

/**
 * Starts dynalite on a random local port, in memory unless `path` names a LevelDB directory. Tables
 * become ACTIVE at once; create them with `createTables(peer.client, tableNames(prefix))`.
 * @example const db = await startDynalite(); ... await db.stop();
 */
export async function startDynalite(options: { path?: string } = {}): Promise<DynalitePeer> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const doc = documentClient(client);
  return {
    endpoint,
    client,
    doc,
    async stop() {
      doc.destroy();
      client.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
