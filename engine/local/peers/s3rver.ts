import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';

/** The slice of s3rver 3.7 (untyped CommonJS) this helper uses. */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets?: { name: string }[];
}) => S3rverInstance;

const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

export interface S3rverPeer {
  /** e.g. http://127.0.0.1:41234 */
  endpoint: string;
  /** Path-style, S3RVER/S3RVER credentials, checksums only when required (s3rver stores streamed bodies corrupted otherwise). */
  client: S3Client;
  /** The directory the objects live in. */
  directory: string;
  /** Closes the server and the client; removes the directory when this helper created it. */
  stop(): Promise<void>;
}

/**
 * Starts s3rver on a random local port, optionally with buckets already created.
 * @example const s3 = await startS3rver({ buckets: ['rules'] }); ... await s3.stop();
 */
export async function startS3rver(
  options: { directory?: string; buckets?: string[] } = {},
): Promise<S3rverPeer> {
  const ownDirectory = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 's3rver-')));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    client,
    directory,
    async stop() {
      client.destroy();
      await server.close();
      if (ownDirectory) await rm(directory, { recursive: true, force: true });
    },
  };
}
