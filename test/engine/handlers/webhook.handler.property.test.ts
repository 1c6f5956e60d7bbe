import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryEngine } from '#engine/adapters/memory/memory-engine.js';
import { SIGNATURE_HEADER, signatureHeader } from '#engine/domain/request-signature.js';
import type { WebhookContext } from '#engine/handlers/aws-context.js';
import { MAX_BODY_BYTES } from '#engine/handlers/signed-request.js';
import { handleWebhook } from '#engine/handlers/webhook.handler.js';
import { anyEventBody, RECEIVED_AT, validEvent } from '#test/engine/domain/cart-event.arbitraries.js';
import webhookPost from '#test/events/function-url/webhook-post.json' with { type: 'json' };
import { answer, functionUrlEvent, signedEvent } from '#test/fakes/function-url-event.js';
import { sampleRules } from '#test/fakes/sample-cart.js';

const SECRET = 'whsec_current_0123456789abcdef';
const unixSeconds = (at: Date) => Math.floor(at.getTime() / 1000);

/** A fresh in-memory engine whose clock reads RECEIVED_AT, behind the webhook. */
function webhookAt(): WebhookContext {
  const engine = memoryEngine({ rules: sampleRules(), start: RECEIVED_AT });
  return { deps: engine.deps, secrets: [SECRET] };
}

// Requests of every kind: the body as bytes, any content type, signed well, badly or not at all.

const JSON_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON;charset="UTF-8"',
];
const contentType = fc.oneof(
  { weight: 16, arbitrary: fc.constantFrom(...JSON_TYPES) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'application/json-seq',
      'application/merge-patch+json',
      'application/json; charset=latin1',
      'text/plain',
      'multipart/form-data; boundary=x',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);
/** Inserts bytes that are never valid UTF-8 somewhere in `bytes`. */
const withBadUtf8 = (bytes: Buffer, at: number) => {
  const cut = Math.min(at, bytes.length);
  return Buffer.concat([bytes.subarray(0, cut), Buffer.from([0xc3, 0x28, 0xff]), bytes.subarray(cut)]);
};
const utf8 = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
// Weighted so that most requests reach the parser and the engine, where a 5xx would come from.
const body = fc.oneof(
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes)) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((text) => Buffer.from(text)) },
  { weight: 2, arbitrary: fc.jsonValue().map(utf8) },
  { weight: 8, arbitrary: anyEventBody.map(utf8) },
  { weight: 3, arbitrary: validEvent.map(utf8) },
  { weight: 1, arbitrary: fc.tuple(validEvent, fc.nat()).map(([event, at]) => withBadUtf8(utf8(event), at)) },
  { weight: 1, arbitrary: fc.constant(Buffer.alloc(MAX_BODY_BYTES + 1, 0x20)) },
);
type Signing = 'good' | 'other secret' | 'stale' | 'none' | 'garbage';
const signing = fc.oneof(
  { weight: 12, arbitrary: fc.constant<Signing>('good') },
  { weight: 1, arbitrary: fc.constantFrom<Signing>('other secret', 'stale', 'none', 'garbage') },
);
const signature = (how: Signing, bytes: Buffer, garbage: string): string | undefined => {
  switch (how) {
    case 'good':
      return signatureHeader(SECRET, bytes, unixSeconds(RECEIVED_AT));
    case 'other secret':
      return signatureHeader('whsec_someone_else', bytes, unixSeconds(RECEIVED_AT));
    case 'stale':
      return signatureHeader(SECRET, bytes, unixSeconds(RECEIVED_AT) - 3600);
    case 'none':
      return undefined;
    case 'garbage':
      return garbage;
  }
};
const request = fc.record({
  method: fc.oneof({ weight: 12, arbitrary: fc.constant('POST') }, fc.constantFrom('GET', 'PUT', 'post')),
  body,
  // Lambda base64-encodes a body it does not take for text; a text body is read back as UTF-8.
  base64: fc.boolean(),
  contentType,
  signing,
  garbage: fc.string({ maxLength: 80 }),
});

describe('handleWebhook (property)', () => {
  it('answers 202 to every signed event the contract takes, and 200 duplicate to its redelivery', async () => {
    await fc.assert(
      fc.asyncProperty(validEvent, async (event) => {
        // Prepare: a cart of 200 items with links at their limit is valid yet over the body limit
        // (413, checked apart); the property is about what fits.
        const payload = JSON.stringify(event);
        fc.pre(Buffer.byteLength(payload, 'utf8') <= MAX_BODY_BYTES);
        const ctx = webhookAt();

        // Act
        const first = answer(
          await handleWebhook(ctx, signedEvent(webhookPost, payload, SECRET, RECEIVED_AT)),
        );
        const again = answer(
          await handleWebhook(ctx, signedEvent(webhookPost, payload, SECRET, RECEIVED_AT)),
        );

        // Assess
        expect(first.status, first.body).toBe(202);
        expect(first.json).toMatchObject({ status: 'accepted', eventId: event.id.trim() });
        expect(again.status, again.body).toBe(200);
        expect(again.json).toMatchObject({ status: 'duplicate', eventId: event.id.trim() });
      }),
      { numRuns: 200 },
    );
  });

  it('never answers 5xx nor throws, whatever arrives, and answers 2xx only to a signed JSON POST', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        // Prepare
        const event = functionUrlEvent(webhookPost, {
          method: r.method,
          body: r.body,
          base64: r.base64,
          headers: {
            'content-type': r.contentType,
            [SIGNATURE_HEADER]: signature(r.signing, r.body, r.garbage),
          },
        });

        // Act
        const result = answer(await handleWebhook(webhookAt(), event));
        statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);

        // Assess
        expect(result.status, result.body).toBeGreaterThanOrEqual(200);
        expect(result.status, result.body).toBeLessThan(500);
        if (result.status < 300) {
          expect(r.method.toUpperCase()).toBe('POST');
          expect(r.signing).toBe('good');
          expect(JSON_TYPES).toContain(r.contentType);
        } else {
          expect(result.json).toMatchObject({ error: expect.any(String) });
        }
      }),
      { numRuns: 300 },
    );
    // Most requests must reach the parser and the engine, or the property says little about them.
    expect(statuses.get(202) ?? 0).toBeGreaterThan(30);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(30);
  });
});
