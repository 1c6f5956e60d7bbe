import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import * as sesLocal from 'aws-ses-v2-local';
import type { Email } from 'aws-ses-v2-local/dist/store.js';

type StartServer = (config?: { host?: string; port?: number }) => Promise<Server>;

// A CommonJS module whose `exports.default` is the function: depending on the loader (Node ESM,
// tsx, vitest) it arrives as the namespace's `default` or one level deeper.
const loaded = sesLocal as unknown as { default?: StartServer | { default?: StartServer } };
const startServer = (
  typeof loaded.default === 'function' ? loaded.default : (loaded.default?.default ?? loaded)
) as StartServer;

export type { Email as StoredEmail };

export interface SesLocalPeer {
  /** e.g. http://127.0.0.1:41235 */
  endpoint: string;
  client: SESv2Client;
  /** The emails aws-ses-v2-local received, oldest first (its JSON `/store`). */
  store(): Promise<Email[]>;
  /** Empties the store (shared by every aws-ses-v2-local server in this process). */
  clear(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts aws-ses-v2-local on a random local port with an SESv2 client pointed at it.
 * @example const ses = await startSesLocal(); ... const [email] = await ses.store();
 */
export async function startSesLocal(options: { port?: number } = {}): Promise<SesLocalPeer> {
  const server = await startServer({ host: '127.0.0.1', port: options.port ?? 0 });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new SESv2Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    endpoint,
    client,
    async store() {
      const response = await fetch(`${endpoint}/store`);
      if (!response.ok) throw new Error(`aws-ses-v2-local /store answered ${response.status}`);
      const body = (await response.json()) as { emails: Email[] };
      return body.emails;
    },
    async clear() {
      const response = await fetch(`${endpoint}/clear-store`, { method: 'POST' });
      if (!response.ok) throw new Error(`aws-ses-v2-local /clear-store answered ${response.status}`);
    },
    async stop() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
