import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type LocalBedrock, startLocalBedrock } from '#engine/local/bedrock-server.js';

/**
 * One local Bedrock for the test file and a real SDK client on it, making one attempt per call (so
 * the server's request count is the caller's). After each test the recorded requests are cleared
 * and the reply, delay and failure set back. Read `bedrock` and `client` inside tests.
 */
export function localBedrockPerFile(): {
  readonly bedrock: LocalBedrock;
  readonly client: BedrockRuntimeClient;
} {
  let bedrock: LocalBedrock | undefined;
  let client: BedrockRuntimeClient | undefined;
  beforeAll(async () => {
    bedrock = await startLocalBedrock({ host: '127.0.0.1' });
    client = new BedrockRuntimeClient({
      endpoint: bedrock.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client?.destroy();
    await bedrock?.stop();
  });
  afterEach(() => {
    if (!bedrock) return;
    bedrock.requests.length = 0;
    bedrock.configure({ reply: undefined, delayMs: 0, fail: false });
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the local Bedrock is not started: read it inside a test');
    return value;
  };
  return {
    get bedrock() {
      return started(bedrock);
    },
    get client() {
      return started(client);
    },
  };
}
