// The local stack's peers serve the tests as they are.
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type S3rverPeer, startS3rver } from '#engine/local/peers/s3rver.js';

export * from '#engine/local/peers/s3rver.js';

/**
 * One s3rver for the test file and a fresh, empty bucket for each test (vitest hooks). Read `s3`
 * and `bucket` inside tests, after the hooks ran.
 */
export function s3BucketPerTest(prefix: string): { readonly s3: S3rverPeer; readonly bucket: string } {
  let peer: S3rverPeer | undefined;
  let bucket = '';
  let count = 0;
  beforeAll(async () => {
    peer = await startS3rver();
  });
  afterAll(async () => {
    await peer?.stop();
  });
  beforeEach(async () => {
    bucket = `${prefix}-${++count}`;
    await started().client.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  const started = () => {
    if (!peer) throw new Error('s3rver is not started: read s3 inside a test');
    return peer;
  };
  return {
    get s3() {
      return started();
    },
    get bucket() {
      return bucket;
    },
  };
}
