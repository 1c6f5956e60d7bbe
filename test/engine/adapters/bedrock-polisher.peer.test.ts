import { describe, expect, it } from 'vitest';
import { BedrockPolisher, PolishFailedError } from '#engine/adapters/bedrock-polisher.js';
import { ManualClock } from '#engine/adapters/memory/manual-clock.js';
import { defaultReply } from '#engine/local/bedrock-server.js';
import type { Logger, PolishRequest } from '#engine/ports.js';
import { polishLine } from '#engine/use-cases/polish-line.js';
import { localBedrockPerFile } from '#test/peers/bedrock.js';

const REQUEST: PolishRequest = {
  line: 'Looks like you left Trail Runner Shoes in your cart at Acme Outfitters.',
  tone: 'first',
  language: 'en',
  voice: 'warm, plain',
  storeName: 'Acme Outfitters',
  rulesVersion: 'v1',
};
const MODEL_ID = 'global.anthropic.claude-haiku-4-5-20251001-v1:0';
const MINUTE = 60_000;

function recordingLogger(): Logger & { warnings: Record<string, unknown>[] } {
  const warnings: Record<string, unknown>[] = [];
  const ignore = () => {};
  return {
    warnings,
    debug: ignore,
    info: ignore,
    error: ignore,
    warn: (_m, data) => warnings.push(data ?? {}),
  };
}

describe('BedrockPolisher', () => {
  const peer = localBedrockPerFile();

  function polisher(clock = new ManualClock('2026-06-10T14:00:00Z'), timeoutMs = 1500) {
    return {
      clock,
      polisher: new BedrockPolisher({ client: peer.client, clock: () => clock.now(), timeoutMs }),
    };
  }

  it('asks Converse for the line in the store voice and returns the answer', async () => {
    // Prepare
    const { polisher: subject } = polisher();

    // Act
    const line = await subject.polish({
      ...REQUEST,
      tone: 'second',
      language: 'de',
      voice: 'cheeky, short',
    });

    // Assess
    expect(line).toBe(defaultReply(REQUEST.line));
    expect(peer.bedrock.requests).toHaveLength(1);
    const [sent] = peer.bedrock.requests;
    expect(sent?.modelId).toBe(MODEL_ID);
    expect(sent?.line).toBe(REQUEST.line);
    expect(sent?.system).toContain('cheeky, short');
    expect(sent?.system).toContain('"Acme Outfitters"');
    expect(sent?.system).toContain('Write in German (language code de)');
    expect(sent?.system).toContain('second and last reminder');
    expect(sent?.system).toMatch(/no.*prices, discounts.*URLs.*promises/is);
    expect(sent?.system).toMatch(/line only/);
    expect(sent?.inferenceConfig?.maxTokens).toBeLessThanOrEqual(200);
    expect(sent?.inferenceConfig?.temperature).toBeLessThanOrEqual(0.3);
    expect(subject.requests).toEqual({ Converse: 1 });
  });

  it('answers a variant again from memory the same UTC day', async () => {
    // Prepare
    const { clock, polisher: subject } = polisher();
    const first = await subject.polish(REQUEST);

    // Act
    clock.advance(9 * 60 * MINUTE);
    const again = await subject.polish(REQUEST);

    // Assess
    expect(again).toBe(first);
    expect(peer.bedrock.requests).toHaveLength(1);
  });

  it('asks again on the next UTC day and for another rules version, tone or language', async () => {
    // Prepare
    const { clock, polisher: subject } = polisher(new ManualClock('2026-06-10T23:59:00Z'));
    await subject.polish(REQUEST);

    // Act
    await subject.polish({ ...REQUEST, rulesVersion: 'v2' });
    await subject.polish({ ...REQUEST, tone: 'second' });
    await subject.polish({ ...REQUEST, language: 'fr' });
    clock.advance(2 * MINUTE);
    await subject.polish(REQUEST);

    // Assess
    expect(peer.bedrock.requests).toHaveLength(5);
  });

  it('asks once for the same line wanted by two reminders at the same moment', async () => {
    // Prepare
    const { polisher: subject } = polisher();
    peer.bedrock.configure({ delayMs: 50 });

    // Act
    const lines = await Promise.all([subject.polish(REQUEST), subject.polish(REQUEST)]);

    // Assess
    expect(lines[0]).toBe(lines[1]);
    expect(peer.bedrock.requests).toHaveLength(1);
  });

  it('aborts a request slower than its timeout, so polishLine sends the default line', async () => {
    // Prepare
    const { polisher: subject } = polisher(undefined, 150);
    peer.bedrock.configure({ delayMs: 5_000 });
    const log = recordingLogger();
    const started = Date.now();

    // Act
    const result = await polishLine(subject, REQUEST, log);

    // Assess
    expect(result).toEqual({ line: REQUEST.line, polished: false });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(log.warnings).toEqual([{ reason: 'error' }]);
    await expect(polisher(undefined, 150).polisher.polish(REQUEST)).rejects.toMatchObject({
      reason: 'timeout',
    });
  });

  it('falls back through polishLine when Bedrock stays slower than polishLine waits', async () => {
    // Prepare
    const { polisher: subject } = polisher(undefined, 300);
    peer.bedrock.configure({ delayMs: 5_000 });
    const log = recordingLogger();

    // Act
    const result = await polishLine(subject, REQUEST, log, 100);

    // Assess
    expect(result).toEqual({ line: REQUEST.line, polished: false });
    expect(log.warnings).toEqual([{ reason: 'timeout' }]);
  });

  it.each([
    ['throttling', 'ThrottlingException'],
    ['validation', 'ValidationException'],
    ['internal', 'InternalServerException'],
  ] as const)('falls back when Bedrock answers %s', async (fail, errorName) => {
    // Prepare
    const { polisher: subject } = polisher();
    peer.bedrock.configure({ fail });
    const log = recordingLogger();

    // Act
    const result = await polishLine(subject, REQUEST, log);
    const error = await subject.polish(REQUEST).catch((e: unknown) => e);

    // Assess
    expect(result).toEqual({ line: REQUEST.line, polished: false });
    expect(log.warnings).toEqual([{ reason: 'error' }]);
    expect(error).toBeInstanceOf(PolishFailedError);
    const cause = (error as PolishFailedError).cause as Error;
    expect(cause.name === errorName || (cause.cause as Error | undefined)?.name === errorName).toBe(true);
  });

  it('does not ask a failing Bedrock again for five minutes, for any line', async () => {
    // Prepare
    const { clock, polisher: subject } = polisher();
    peer.bedrock.configure({ fail: 'throttling' });
    await expect(subject.polish(REQUEST)).rejects.toThrow(PolishFailedError);
    peer.bedrock.configure({ fail: false });

    // Act
    const during = await subject.polish({ ...REQUEST, line: 'Another line.' }).catch((e: unknown) => e);
    clock.advance(5 * MINUTE + 1);
    const after = await subject.polish(REQUEST);

    // Assess
    expect(during).toMatchObject({ name: 'PolishFailedError', reason: 'backing_off' });
    expect(after).toBe(defaultReply(REQUEST.line));
    expect(peer.bedrock.requests).toHaveLength(2);
  });

  it('remembers a refused line for five minutes without stopping other lines', async () => {
    // Prepare
    const { clock, polisher: subject } = polisher();
    peer.bedrock.configure({ fail: 'validation' });
    await expect(subject.polish(REQUEST)).rejects.toMatchObject({ reason: 'refused' });
    peer.bedrock.configure({ fail: false });

    // Act
    const other = await subject.polish({ ...REQUEST, line: 'Another line.' });
    const sameLine = await subject.polish(REQUEST).catch((e: unknown) => e);
    clock.advance(5 * MINUTE + 1);
    const later = await subject.polish(REQUEST);

    // Assess
    expect(other).toBe(defaultReply('Another line.'));
    expect(sameLine).toMatchObject({ reason: 'refused' });
    expect(later).toBe(defaultReply(REQUEST.line));
    expect(peer.bedrock.requests).toHaveLength(3);
  });

  it('strips quotes the model wraps the line in, and polishLine still guards the answer', async () => {
    // Prepare
    const { polisher: subject } = polisher();
    peer.bedrock.configure({
      reply: (r) => (r.line.startsWith('Quote') ? '“Your shoes are waiting.”' : 'See https://evil.example'),
    });

    // Act
    const quoted = await polishLine(subject, { ...REQUEST, line: 'Quote me.' });
    const withUrl = await polishLine(subject, REQUEST);

    // Assess
    expect(quoted).toEqual({ line: 'Your shoes are waiting.', polished: true });
    expect(withUrl).toEqual({ line: REQUEST.line, polished: false });
  });

  it('keeps at most maxEntries lines, dropping the least recently used', async () => {
    // Prepare
    const clock = new ManualClock('2026-06-10T14:00:00Z');
    const subject = new BedrockPolisher({ client: peer.client, clock: () => clock.now(), maxEntries: 2 });
    const lines = ['One.', 'Two.', 'Three.'];

    // Act
    await subject.polish({ ...REQUEST, line: 'One.' });
    await subject.polish({ ...REQUEST, line: 'Two.' });
    await subject.polish({ ...REQUEST, line: 'One.' }); // One is now the most recent
    await subject.polish({ ...REQUEST, line: 'Three.' }); // drops Two
    await subject.polish({ ...REQUEST, line: 'One.' });
    await subject.polish({ ...REQUEST, line: 'Two.' });

    // Assess
    expect(peer.bedrock.requests.map((r) => r.line)).toEqual([...lines, 'Two.']);
  });

  it('calls onRequest for every request to Bedrock, none for answers from memory', async () => {
    // Prepare
    const seen: string[] = [];
    const subject = new BedrockPolisher({
      client: peer.client,
      onRequest: (operation) => seen.push(operation),
    });

    // Act
    await subject.polish(REQUEST);
    await subject.polish(REQUEST);

    // Assess
    expect(seen).toEqual(['Converse']);
  });
});
