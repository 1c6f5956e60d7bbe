import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import * as sesLocal from 'aws-ses-v2-local';
import type { Email } from 'aws-ses-v2-local/dist/store.js';
import * as sesStore from 'aws-ses-v2-local/dist/store.js';
import { CartRecoveryError } from '../../domain/errors.js';
import { writeAtomically } from '../atomic-json-file.js';

type StartServer = (config?: { host?: string; port?: number }) => Promise<Server>;
type StoreModule = { getStoreReadonly: () => { emails: Email[] } };

// A CommonJS module whose `exports.default` is the function: depending on the loader (Node ESM,
// tsx, vitest) it arrives as the namespace's `default` or one level deeper.
const loaded = sesLocal as unknown as { default?: StartServer | { default?: StartServer } };
const startServer = (
  typeof loaded.default === 'function' ? loaded.default : (loaded.default?.default ?? loaded)
) as StartServer;
// The same CommonJS instance the server saves into (one store per process), reached the same way.
const storeLoaded = sesStore as unknown as StoreModule & { default?: StoreModule };
const store = (): Email[] =>
  (typeof storeLoaded.getStoreReadonly === 'function'
    ? storeLoaded
    : (storeLoaded.default as StoreModule)
  ).getStoreReadonly().emails;

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

export interface SesLocalOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /**
   * Keeps every email received in this file (one JSON line each), appended before SES answers the
   * send, and puts them back in the store on start: the mail viewer shows what was sent before a
   * restart, and an email whose send was acknowledged is never missing from it.
   */
  file?: string;
  /** Told of each email once it is journaled (with `file` only), e.g. for a line on the terminal. */
  onEmail?: (email: Email) => void;
}

/** The SES journal cannot be read. */
export class SesJournalError extends CartRecoveryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SesJournalError';
  }
}

/**
 * Starts aws-ses-v2-local on a local port with an SESv2 client pointed at it; with `file`, behind a
 * small proxy that writes each new email to the file before the answer goes back.
 * @example const ses = await startSesLocal(); ... const [email] = await ses.store();
 */
export async function startSesLocal(options: SesLocalOptions = {}): Promise<SesLocalPeer> {
  const inner = await startServer({ host: '127.0.0.1', port: options.file ? 0 : (options.port ?? 0) });
  const front = options.file
    ? await startJournal(inner, options.file, options.port ?? 0, options.onEmail)
    : undefined;
  const { port } = (front ?? inner).address() as AddressInfo;
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
      for (const server of front ? [front, inner] : [inner]) {
        server.closeAllConnections();
        await new Promise<void>((resolve, reject) =>
          server.close((error) => (error ? reject(error) : resolve())),
        );
      }
    },
  };
}

/**
 * The emails in the journal. A kill in the middle of an append can leave a last line cut short:
 * that email's send was never answered, so it is dropped, and the file rewritten without it so the
 * next append starts on a line of its own.
 */
async function readJournal(file: string): Promise<Email[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SesJournalError(`Cannot read the SES journal ${file}`, { cause: error });
  }
  const lines = text.split('\n');
  const complete = lines.slice(0, -1);
  const emails: Email[] = [];
  for (const [i, line] of complete.entries()) {
    try {
      emails.push(JSON.parse(line) as Email);
    } catch (error) {
      throw new SesJournalError(`Line ${i + 1} of the SES journal ${file} is not JSON`, { cause: error });
    }
  }
  if (lines.at(-1) !== '') await writeAtomically(file, complete.map((l) => `${l}\n`).join(''));
  return emails;
}

/**
 * Serves `inner` through a proxy on `port`: each answer is held until every email the store gained
 * meanwhile is appended to `file` (and a cleared store empties the file), then passed on.
 */
async function startJournal(
  inner: Server,
  file: string,
  port: number,
  onEmail: ((email: Email) => void) | undefined,
): Promise<Server> {
  const innerPort = (inner.address() as AddressInfo).port;
  await mkdir(dirname(file), { recursive: true });
  const saved = await readJournal(file);
  store().push(...saved);
  let journaled = store().length;
  // One journal write at a time, in order: an answer waits for the write that holds its email.
  let writing: Promise<void> = Promise.resolve();
  const journal = () => {
    writing = writing
      .catch(() => undefined)
      .then(async () => {
        const emails = store();
        if (emails.length < journaled) {
          await writeAtomically(file, emails.map((e) => `${JSON.stringify(e)}\n`).join(''));
        } else if (emails.length > journaled) {
          const added = emails.slice(journaled);
          await appendFile(file, added.map((e) => `${JSON.stringify(e)}\n`).join(''));
          for (const email of added) onEmail?.(email);
        }
        journaled = emails.length;
      });
    return writing;
  };

  const front = createServer((req, res) => {
    const upstream = httpRequest(
      { host: '127.0.0.1', port: innerPort, method: req.method, path: req.url, headers: req.headers },
      (answer: IncomingMessage) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          journal().then(
            () => {
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              res.end(Buffer.concat(chunks));
            },
            () => {
              // Not kept, so not acknowledged: the sender sees a failed send, as with an SES outage.
              res.writeHead(500, { 'content-type': 'application/json' });
              res.end(JSON.stringify({ message: 'The local SES could not keep the email.' }));
            },
          );
        });
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(port, '127.0.0.1', () => resolve());
  });
  return front;
}
