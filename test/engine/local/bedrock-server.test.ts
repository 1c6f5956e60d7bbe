import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultReply, type LocalBedrock, startLocalBedrock } from '#engine/local/bedrock-server.js';

const MODEL_ID = 'global.anthropic.claude-haiku-4-5-20251001-v1:0';

function converse(endpoint: string, body: unknown, modelId = MODEL_ID) {
  return fetch(`${endpoint}/model/${encodeURIComponent(modelId)}/converse`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const BODY = {
  system: [{ text: 'Rewrite in a warm voice.' }],
  messages: [{ role: 'user', content: [{ text: 'You left shoes in your cart.' }] }],
  inferenceConfig: { maxTokens: 100, temperature: 0.2 },
};

describe('startLocalBedrock', () => {
  let bedrock: LocalBedrock;

  beforeAll(async () => {
    bedrock = await startLocalBedrock({ host: '127.0.0.1' });
  });

  afterAll(async () => {
    await bedrock.stop();
  });

  afterEach(() => {
    bedrock.requests.length = 0;
    bedrock.configure({ reply: undefined, delayMs: 0, fail: false });
  });

  it('answers Converse over HTTP/1.1 with the shape the SDK reads, and records the request', async () => {
    // Act
    const response = await converse(bedrock.endpoint, BODY);
    const body = await response.json();

    // Assess
    expect(response.status).toBe(200);
    expect(body).toMatchObject({
      output: {
        message: { role: 'assistant', content: [{ text: defaultReply('You left shoes in your cart.') }] },
      },
      stopReason: 'end_turn',
      usage: {
        inputTokens: expect.any(Number),
        outputTokens: expect.any(Number),
        totalTokens: expect.any(Number),
      },
      metrics: { latencyMs: expect.any(Number) },
    });
    expect(bedrock.requests).toMatchObject([
      {
        modelId: MODEL_ID,
        system: 'Rewrite in a warm voice.',
        line: 'You left shoes in your cart.',
        inferenceConfig: { maxTokens: 100, temperature: 0.2 },
      },
    ]);
  });

  it.each([
    [true, 500, 'InternalServerException'],
    ['internal', 500, 'InternalServerException'],
    ['throttling', 429, 'ThrottlingException'],
    ['validation', 400, 'ValidationException'],
  ] as const)('fails with fail=%s as %i %s', async (fail, status, type) => {
    // Prepare
    bedrock.configure({ fail });

    // Act
    const response = await converse(bedrock.endpoint, BODY);

    // Assess
    expect(response.status).toBe(status);
    expect(response.headers.get('x-amzn-errortype')).toBe(type);
    expect(await response.json()).toEqual({ message: expect.any(String) });
  });

  it('uses the reply function and waits delayMs', async () => {
    // Prepare
    bedrock.configure({ reply: (r) => `${r.line.toUpperCase()}`, delayMs: 120 });
    const started = Date.now();

    // Act
    const body = (await (await converse(bedrock.endpoint, BODY)).json()) as {
      output: { message: { content: { text: string }[] } };
    };

    // Assess
    expect(body.output.message.content[0]?.text).toBe('YOU LEFT SHOES IN YOUR CART.');
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('answers ValidationException for no messages and 404 for other paths', async () => {
    // Act
    const empty = await converse(bedrock.endpoint, { messages: [] });
    const other = await fetch(`${bedrock.endpoint}/model/x/invoke`, { method: 'POST', body: '{}' });

    // Assess
    expect(empty.status).toBe(400);
    expect(empty.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(other.status).toBe(404);
  });
});

describe('defaultReply', () => {
  it('rewords a line deterministically and keeps a leading acronym', () => {
    expect(defaultReply('Your cart misses you.')).toBe('Just a friendly note: your cart misses you.');
    expect(defaultReply('REI gear waits.')).toBe('Just a friendly note: REI gear waits.');
    expect(defaultReply('x'.repeat(230))).toBe('x'.repeat(230));
  });
});
