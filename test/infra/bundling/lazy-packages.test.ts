import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  buildEntry,
  buildHandler,
  LAZY_PACKAGES,
  LAZY_SDK_MODULES,
  PROJECT_ROOT,
} from '../../../infra/bundling/lambda-build.js';

type EventStreamProbe = typeof import('./event-stream-probe.js');

const EVENT_STREAMS = LAZY_SDK_MODULES['@smithy/core/event-streams'] ?? '';
// A message only the event-stream module's EventStreamSerde holds (@smithy/core).
const EVENT_STREAM_SERDE_TEXT = 'initial-response event encountered';

describe('lazy packages in the webhook bundle', () => {
  let out: string;
  let outputs: string[];

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'lazy-packages-'));
    const metafile = await buildHandler('webhook', out);
    outputs = Object.keys(metafile.outputs);
  }, 120_000);

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('builds the stripe package into its own file beside index.mjs, outside what every cold start loads', async () => {
    // Assess
    expect(await readdir(out)).toEqual(
      expect.arrayContaining(['index.mjs', 'index.mjs.map', LAZY_PACKAGES.stripe]),
    );
    const index = await readFile(join(out, 'index.mjs'), 'utf8');
    expect(index).toContain(`import("./${LAZY_PACKAGES.stripe}")`);
    expect(index).not.toMatch(/api\.stripe\.com/);
    expect(outputs.some((path) => path.endsWith(LAZY_PACKAGES.stripe ?? ''))).toBe(true);
  });

  it('gives the package as the engine imports it: a constructor with its webhook helpers', async () => {
    // Act
    const { default: Stripe } = await import(pathToFileURL(join(out, LAZY_PACKAGES.stripe ?? '')).href);

    // Assess
    expect(typeof Stripe).toBe('function');
    expect(typeof Stripe.webhooks.signature.verifyHeader).toBe('function');
  });

  it("builds the SDK's event-stream module into its own file, which no engine call loads", async () => {
    // Assess
    expect(await readdir(out)).toEqual(expect.arrayContaining([EVENT_STREAMS]));
    const index = await readFile(join(out, 'index.mjs'), 'utf8');
    expect(index).toContain(`import("./${EVENT_STREAMS}")`);
    expect(index).not.toContain(EVENT_STREAM_SERDE_TEXT);
    expect(await readFile(join(out, EVENT_STREAMS), 'utf8')).toContain(EVENT_STREAM_SERDE_TEXT);
  });
});

/** One message of S3's SelectObjectContent event stream, as S3 frames it. */
function selectEvent(eventType: string, body: string, contentType?: string): Uint8Array {
  return new EventStreamCodec(toUtf8, fromUtf8).encode({
    headers: {
      ':message-type': { type: 'string', value: 'event' },
      ':event-type': { type: 'string', value: eventType },
      ...(contentType ? { ':content-type': { type: 'string', value: contentType } } : {}),
    },
    body: fromUtf8(body),
  });
}

/** An S3 stand-in that answers any SelectObjectContent with two Records events and the End event. */
async function selectingS3(): Promise<{ endpoint: string; requests: IncomingMessage[]; server: Server }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(selectEvent('Records', 'a,1\n', 'application/octet-stream'));
      res.write(selectEvent('Records', 'b,2\n', 'application/octet-stream'));
      res.end(selectEvent('End', ''));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

describe('an event stream in a Lambda bundle', () => {
  let out: string;
  let probe: EventStreamProbe;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'event-stream-probe-'));
    await buildEntry(join(PROJECT_ROOT, 'test/infra/bundling/event-stream-probe.ts'), out);
    probe = (await import(pathToFileURL(join(out, 'index.mjs')).href)) as EventStreamProbe;
  }, 60_000);

  afterAll(async () => {
    vi.unstubAllEnvs();
    await rm(out, { recursive: true, force: true });
  });

  it('is read through the event-stream module beside index.mjs, as the bundled SDK read it', async () => {
    // Prepare
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'ASIAEXAMPLEKEYID0009');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    const s3 = await selectingS3();
    const client = new probe.S3Client({
      endpoint: s3.endpoint,
      region: 'eu-west-1',
      forcePathStyle: true,
      maxAttempts: 1,
    });
    const records: string[] = [];

    // Act
    try {
      const answer = await client.send(
        new probe.SelectObjectContentCommand({
          Bucket: 'rules',
          Key: 'carts.csv',
          Expression: 'select * from s3object',
          ExpressionType: 'SQL',
          InputSerialization: { CSV: {} },
          OutputSerialization: { CSV: {} },
        }),
      );
      for await (const event of answer.Payload ?? []) {
        if (event.Records?.Payload) records.push(toUtf8(event.Records.Payload));
      }
    } finally {
      client.destroy();
      s3.server.close();
    }

    // Assess
    expect(await readdir(out)).toEqual(expect.arrayContaining(['index.mjs', EVENT_STREAMS]));
    expect(s3.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /rules/carts.csv?select=&select-type=2',
    ]);
    expect(records).toEqual(['a,1\n', 'b,2\n']);
  });
});
