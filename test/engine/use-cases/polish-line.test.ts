import { describe, expect, it } from 'vitest';
import { TemplatePolisher } from '#engine/adapters/memory/template-polisher.js';
import type { Logger, Polisher, PolishRequest } from '#engine/ports.js';
import { polishLine } from '#engine/use-cases/polish-line.js';

const REQUEST: PolishRequest = {
  line: 'Looks like you left Trail Runner Shoes in your cart at Acme Outfitters.',
  tone: 'first',
  language: 'en',
  voice: 'warm, plain',
  storeName: 'Acme Outfitters',
  rulesVersion: 'v1',
};

interface LogLine {
  level: string;
  message: string;
  data?: Record<string, unknown>;
}

function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (message: string, data?: Record<string, unknown>) => {
    lines.push({ level, message, ...(data ? { data } : {}) });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A Polisher that answers `answer` (or fails with it) after `delayMs`. */
function polisherAnswering(answer: string | Error, delayMs = 0): Polisher {
  return {
    polish: () =>
      new Promise((resolve, reject) => {
        setTimeout(() => (answer instanceof Error ? reject(answer) : resolve(answer)), delayMs);
      }),
  };
}

describe('polishLine', () => {
  it('uses a plausible polished line that comes in time', async () => {
    // Prepare
    const log = recordingLogger();
    const polisher = polisherAnswering('  Your trail shoes are still waiting at Acme Outfitters.  ');

    // Act
    const result = await polishLine(polisher, REQUEST, log);

    // Assess
    expect(result).toEqual({
      line: 'Your trail shoes are still waiting at Acme Outfitters.',
      polished: true,
    });
    expect(log.lines).toEqual([]);
  });

  it('falls back to the default line when the polisher is too slow', async () => {
    // Prepare
    const log = recordingLogger();
    const never: Polisher = { polish: () => new Promise<string>(() => {}) };

    // Act
    const result = await polishLine(never, REQUEST, log, 20);

    // Assess
    expect(result).toEqual({ line: REQUEST.line, polished: false });
    expect(log.lines).toEqual([
      {
        level: 'warn',
        message: 'polished line not used; sending the default line',
        data: { reason: 'timeout' },
      },
    ]);
  });

  it('falls back when the polisher rejects or throws', async () => {
    // Prepare
    const log = recordingLogger();
    const rejecting = polisherAnswering(new Error('throttled'));
    const throwing: Polisher = {
      polish: () => {
        throw new Error('not configured');
      },
    };

    // Act
    const results = [await polishLine(rejecting, REQUEST, log), await polishLine(throwing, REQUEST, log)];

    // Assess
    expect(results).toEqual([
      { line: REQUEST.line, polished: false },
      { line: REQUEST.line, polished: false },
    ]);
    expect(log.lines.map((l) => l.data)).toEqual([{ reason: 'error' }, { reason: 'error' }]);
  });

  it.each([
    ['empty', '   '],
    ['multiline', 'Your shoes are waiting.\nCome back soon!'],
    ['too_long', `Your shoes are waiting. ${'Really. '.repeat(40)}`],
    ['url', 'Your shoes are waiting at https://evil.example/cart'],
    ['url', 'Visit www.evil.example for your cart'],
    ['url', 'Your cart is waiting at evil-shop.com today'],
    ['markup', 'Your <b>shoes</b> are waiting'],
    ['markup', 'Your shoes -> still waiting'],
  ])('falls back on an implausible line (%s)', async (reason, answer) => {
    // Prepare
    const log = recordingLogger();

    // Act
    const result = await polishLine(polisherAnswering(answer), REQUEST, log);

    // Assess
    expect(result).toEqual({ line: REQUEST.line, polished: false });
    expect(log.lines).toEqual([
      { level: 'warn', message: 'polished line not used; sending the default line', data: { reason } },
    ]);
  });

  it('falls back on an answer that is not text', async () => {
    // Prepare
    const odd = { polish: () => Promise.resolve({ text: 'hi' }) } as unknown as Polisher;

    // Act
    const result = await polishLine(odd, REQUEST);

    // Assess
    expect(result).toEqual({ line: REQUEST.line, polished: false });
  });

  it('keeps a line of exactly 240 characters', async () => {
    // Prepare
    const line = 'a'.repeat(240);

    // Act
    const result = await polishLine(polisherAnswering(line), REQUEST);

    // Assess
    expect(result).toEqual({ line, polished: true });
  });

  it('passes the request through the template polisher unchanged but trimmed', async () => {
    // Prepare
    const request = { ...REQUEST, line: `  ${REQUEST.line}  ` };

    // Act
    const answer = await new TemplatePolisher().polish(request);
    const result = await polishLine(new TemplatePolisher(), request);

    // Assess
    expect(answer).toBe(REQUEST.line);
    expect(result).toEqual({ line: REQUEST.line, polished: true });
  });
});
