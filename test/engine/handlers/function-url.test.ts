import { describe, expect, it } from 'vitest';
import { VersionConflictError } from '#engine/domain/errors.js';
import { BUSY_RETRY_AFTER_SECONDS, withErrorBoundary } from '#engine/handlers/function-url.js';
import webhookPost from '#test/events/function-url/webhook-post.json' with { type: 'json' };
import { functionUrlEvent } from '#test/fakes/function-url-event.js';
import { RecordingLogger } from '#test/fakes/recording-logger.js';

/** A handler behind the boundary that fails with `error`, and what it logs. */
function failing(error: unknown) {
  const log = new RecordingLogger();
  const handler = withErrorBoundary(
    'webhook',
    async () => log,
    async () => {
      throw error;
    },
  );
  return { handler, log };
}

describe('withErrorBoundary', () => {
  it('answers a cart that stayed busy through every retry 429, with Retry-After, and logs a warning', async () => {
    // Arrange
    const { handler, log } = failing(new VersionConflictError('cart c1'));

    // Act
    const result = await handler(functionUrlEvent(webhookPost));

    // Assess
    expect(result).toMatchObject({
      statusCode: 429,
      headers: { 'retry-after': String(BUSY_RETRY_AFTER_SECONDS) },
    });
    expect(JSON.parse(String((result as { body: string }).body))).toMatchObject({ error: 'busy' });
    expect(log.at('warn')).toEqual([
      {
        level: 'warn',
        message: 'request refused',
        data: {
          handler: 'webhook',
          reason: 'busy',
          detail: 'cart c1 was changed by someone else; re-read and retry',
        },
      },
    ]);
    expect(log.at('error')).toEqual([]);
  });

  it('answers any other error a generic 500 that never quotes it, and logs it in full', async () => {
    // Arrange
    const { handler, log } = failing(new Error('table cr-carts is gone'));

    // Act
    const result = await handler(functionUrlEvent(webhookPost));

    // Assess
    expect(result).toMatchObject({ statusCode: 500 });
    expect(String((result as { body: string }).body)).not.toContain('cr-carts');
    expect(log.at('error')).toMatchObject([
      { message: 'request failed', data: { handler: 'webhook', detail: 'table cr-carts is gone' } },
    ]);
  });
});
