import { beforeEach, describe, expect, it } from 'vitest';
import { type MemoryEngine, memoryEngine } from '#engine/adapters/memory/memory-engine.js';
import type { OwnerActionContext } from '#engine/handlers/aws-context.js';
import { handleOwnerAction } from '#engine/handlers/owner-action.handler.js';
import { sendJob } from '#engine/handlers/sender.handler.js';
import type { NonceStore } from '#engine/ports.js';
import { ingestCartEvent } from '#engine/use-cases/ingest-cart-event.js';
import ownerPost from '#test/events/function-url/owner-post.json' with { type: 'json' };
import updatedFixture from '#test/events/storefront/cart-updated.json' with { type: 'json' };
import { answer, functionUrlEvent, signedEvent } from '#test/fakes/function-url-event.js';
import { RecordingLogger } from '#test/fakes/recording-logger.js';
import { sampleRules } from '#test/fakes/sample-cart.js';

const NOW = new Date('2026-06-10T16:00:00Z');
const OWNER_SECRET = 'owner_current_0123456789abcdef';
const OWNER_OLD_SECRET = 'owner_previous_fedcba9876543210';
const WEBHOOK_SECRET = 'whsec_storefront_0123456789abcdef';

/** The NonceStore port in memory: each nonce is claimed once, with the expiry it was given. */
class MemoryNonceStore implements NonceStore {
  readonly claimed = new Map<string, Date>();
  async claim(nonce: string, expiresAt: Date): Promise<boolean> {
    if (this.claimed.has(nonce)) return false;
    this.claimed.set(nonce, expiresAt);
    return true;
  }
}

let counter = 0;
const freshNonce = () => `nonce_${Date.now().toString(36)}_${(counter++).toString().padStart(8, '0')}`;

describe('handleOwnerAction', () => {
  let engine: MemoryEngine;
  let log: RecordingLogger;
  let nonces: MemoryNonceStore;
  let ctx: OwnerActionContext;

  const act = (payload: unknown, at = NOW, secret = OWNER_SECRET) =>
    handleOwnerAction(ctx, signedEvent(ownerPost, payload, secret, at));
  const ownerActions = () => engine.audit.entries.filter((e) => e.action.startsWith('owner.'));

  beforeEach(async () => {
    log = new RecordingLogger();
    engine = memoryEngine({ rules: sampleRules(), start: NOW, log });
    nonces = new MemoryNonceStore();
    ctx = { deps: engine.deps, nonces, secrets: [OWNER_SECRET] };
    // Last touched an hour before NOW: open, with a wake-up pending.
    const event = structuredClone(updatedFixture);
    event.occurredAt = '2026-06-10T15:00:00Z';
    await ingestCartEvent(engine.deps, event);
    log.calls.length = 0;
  });

  it('suppresses a cart and answers 200 with the cart before and after', async () => {
    const nonce = freshNonce();

    const result = answer(
      await act({ action: 'suppress', cartId: 'cart-1001', reason: 'asked by phone', actor: 'ann', nonce }),
    );

    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({
      status: 'done',
      action: 'suppress',
      changed: true,
      before: { id: 'cart-1001', status: 'open', version: 1 },
      after: { id: 'cart-1001', status: 'suppressed', closedWhy: 'suppress: asked by phone', version: 2 },
      closed: [{ cartId: 'cart-1001', status: 'suppressed' }],
    });
    expect((await engine.carts.get('cart-1001'))?.status).toBe('suppressed');
    expect(engine.scheduler.size).toBe(0);
    expect(ownerActions()).toEqual([
      expect.objectContaining({
        action: 'owner.suppress',
        actor: 'ann',
        detail: { reason: 'asked by phone' },
      }),
    ]);
    // A nonce outlives the 5-minute signature window, so a replay within it is caught.
    expect(nonces.claimed.get(nonce)).toEqual(new Date(NOW.getTime() + 600_000));
  });

  it('answers 200 unchanged when the cart is already suppressed', async () => {
    await act({ action: 'suppress', cartId: 'cart-1001', nonce: freshNonce() });

    const result = answer(await act({ action: 'suppress', cartId: 'cart-1001', nonce: freshNonce() }));

    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({
      status: 'unchanged',
      changed: false,
      before: { status: 'suppressed' },
      after: { status: 'suppressed' },
      closed: [],
    });
    expect(ownerActions()).toHaveLength(1);
  });

  it('refuses a replayed request with 409 and changes nothing more', async () => {
    const event = signedEvent(
      ownerPost,
      { action: 'write_off', cartId: 'cart-1001', nonce: freshNonce() },
      OWNER_SECRET,
      NOW,
    );

    const first = answer(await handleOwnerAction(ctx, structuredClone(event)));
    const replay = answer(await handleOwnerAction(ctx, structuredClone(event)));

    expect(first.status).toBe(200);
    expect(replay).toMatchObject({
      status: 409,
      json: { error: 'replayed_nonce', message: 'This request was already received (its nonce was used).' },
    });
    expect(ownerActions()).toHaveLength(1);
  });

  it('answers 404 naming the unknown cart', async () => {
    const result = answer(await act({ action: 'suppress', cartId: 'cart-9999', nonce: freshNonce() }));

    expect(result).toMatchObject({
      status: 404,
      json: { error: 'not_found', message: 'no cart with id "cart-9999" is known to Cart Recovery' },
    });
    expect(ownerActions()).toEqual([]);
  });

  it('unsubscribes an email, answering with its hash and never the address', async () => {
    const result = answer(
      await act({
        action: 'unsubscribe',
        email: ' Shopper@Example.com ',
        reason: 'asked',
        nonce: freshNonce(),
      }),
    );

    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({
      status: 'done',
      action: 'unsubscribe',
      changed: true,
      before: null,
      after: { emailHash: expect.any(String), unsubscribedAt: NOW.toISOString(), unsubscribedBy: 'owner' },
      closed: [{ cartId: 'cart-1001', status: 'unsubscribed' }],
    });
    expect(result.body).not.toMatch(/shopper@example\.com/i);
    expect((await engine.contacts.get('shopper@example.com'))?.unsubscribedAt).toBe(NOW.toISOString());
  });

  it('refuses an invalid action with 400 and every field error, without using its nonce', async () => {
    const result = answer(
      await act({ action: 'delete', cartId: 'cart-1001', email: 'shopper@example.com', nonce: 'short' }),
    );

    expect(result.status).toBe(400);
    expect(result.json).toMatchObject({
      error: 'invalid_action',
      message: 'The owner action is invalid; nothing was changed.',
    });
    expect(result.json?.errors).toEqual(
      expect.arrayContaining([
        { path: 'action', message: 'action must be suppress, unsubscribe or write_off' },
        { path: 'nonce', message: 'nonce must be 16-128 letters, digits, "-" or "_"' },
      ]),
    );
    expect(nonces.claimed.size).toBe(0);
    expect((await engine.carts.get('cart-1001'))?.status).toBe('open');
  });

  it('asks for a nonce and for exactly one target', async () => {
    const noNonce = answer(await act({ action: 'suppress', cartId: 'cart-1001' }));
    const noTarget = answer(await act({ action: 'suppress', nonce: freshNonce() }));
    const twoTargets = answer(
      await act({
        action: 'suppress',
        cartId: 'cart-1001',
        email: 'shopper@example.com',
        nonce: freshNonce(),
      }),
    );

    expect(noNonce.json?.errors).toEqual([
      { path: 'nonce', message: 'nonce is required: a fresh random string per request' },
    ]);
    expect(noTarget.json?.errors).toEqual([{ path: 'cartId', message: 'give a cartId or an email' }]);
    expect(twoTargets.json?.errors).toEqual([
      { path: 'email', message: 'give a cartId or an email, not both' },
    ]);
    expect([noNonce.status, noTarget.status, twoTargets.status]).toEqual([400, 400, 400]);
  });

  it('refuses a signed body that is not JSON with 400', async () => {
    const result = answer(await act('suppress cart-1001'));

    expect(result).toMatchObject({
      status: 400,
      json: { error: 'invalid_json', message: 'The body is not valid JSON.' },
    });
  });

  it.each([null, [], 7])(
    'refuses a signed JSON body that is not an object (%j) with 400 saying so',
    async (body) => {
      const result = answer(await act(body));

      expect(result).toMatchObject({
        status: 400,
        json: {
          error: 'invalid_action',
          errors: [{ path: '', message: 'the action must be a JSON object' }],
        },
      });
    },
  );

  it("refuses a request signed with the storefront's secret", async () => {
    const result = answer(
      await act({ action: 'suppress', cartId: 'cart-1001', nonce: freshNonce() }, NOW, WEBHOOK_SECRET),
    );

    expect(result).toMatchObject({
      status: 401,
      json: { error: 'bad_signature', message: 'the signature does not match the body' },
    });
    expect((await engine.carts.get('cart-1001'))?.status).toBe('open');
    expect(nonces.claimed.size).toBe(0);
  });

  it('refuses a signature 5 minutes off with 401', async () => {
    const late = answer(
      await act(
        { action: 'suppress', cartId: 'cart-1001', nonce: freshNonce() },
        new Date(NOW.getTime() - 301_000),
      ),
    );
    const early = answer(
      await act(
        { action: 'suppress', cartId: 'cart-1001', nonce: freshNonce() },
        new Date(NOW.getTime() + 301_000),
      ),
    );

    expect([late.status, early.status]).toEqual([401, 401]);
    expect(late.json?.message).toBe('the signature time is more than 300 s away from ours');
    expect((await engine.carts.get('cart-1001'))?.status).toBe('open');
  });

  it('accepts the old and the new owner secret during a rotation', async () => {
    ctx = { ...ctx, secrets: [OWNER_SECRET, OWNER_OLD_SECRET] };

    const withOld = answer(
      await act({ action: 'suppress', cartId: 'cart-1001', nonce: freshNonce() }, NOW, OWNER_OLD_SECRET),
    );
    const withNew = answer(await act({ action: 'suppress', cartId: 'cart-1001', nonce: freshNonce() }));

    expect([withOld.status, withNew.status]).toEqual([200, 200]);
    expect([withOld.json?.status, withNew.json?.status]).toEqual(['done', 'unchanged']);
  });

  it('refuses anything but POST with 405, a body over 256 KB with 413 and a non-JSON type with 415', async () => {
    const payload = { action: 'suppress', cartId: 'cart-1001', nonce: freshNonce() };

    const get = answer(
      await handleOwnerAction(ctx, signedEvent(ownerPost, payload, OWNER_SECRET, NOW, { method: 'GET' })),
    );
    const big = answer(await act({ ...payload, reason: 'x'.repeat(256 * 1024) }));
    const form = answer(
      await handleOwnerAction(
        ctx,
        signedEvent(ownerPost, payload, OWNER_SECRET, NOW, {
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      ),
    );

    expect(get.json).toEqual({ error: 'method_not_allowed', message: 'Send owner actions with POST.' });
    expect(big.json).toEqual({ error: 'payload_too_large', message: 'The body is over 262144 bytes.' });
    expect(form.json).toEqual({
      error: 'unsupported_media_type',
      message: 'Send the action as JSON (Content-Type: application/json).',
    });
    expect([get.status, big.status, form.status]).toEqual([405, 413, 415]);
    expect((await engine.carts.get('cart-1001'))?.status).toBe('open');
    expect(nonces.claimed.size).toBe(0);
  });

  it('verifies a base64-encoded body on its raw bytes', async () => {
    const body = JSON.stringify({
      action: 'suppress',
      cartId: 'cart-1001',
      reason: 'à la demande',
      nonce: freshNonce(),
    });
    const signed = signedEvent(ownerPost, body, OWNER_SECRET, NOW);
    const event = functionUrlEvent(signed, { body, base64: true });

    const result = answer(await handleOwnerAction(ctx, event));

    expect(event.body).not.toContain('suppress');
    expect(result.status).toBe(200);
    expect(ownerActions()[0]?.detail).toEqual({ reason: 'à la demande' });
  });

  it('logs a refused request without the body or the address', async () => {
    await act(
      { action: 'unsubscribe', email: 'ada.lovelace@example.com', nonce: freshNonce() },
      NOW,
      'wrong',
    );

    expect(log.at('warn')).toEqual([
      {
        level: 'warn',
        message: 'owner action refused',
        data: { status: 401, error: 'bad_signature', reason: 'the signature does not match the body' },
      },
    ]);
    expect(log.text()).not.toMatch(/lovelace|nonce_/i);
    expect(await engine.contacts.get('ada.lovelace@example.com')).toBeUndefined();
  });

  describe('test_reminder', () => {
    const testSent = () => engine.audit.entries.filter((e) => e.action === 'reminder.test_sent');
    /** The sender, taking the queued jobs as the SQS consumer does. */
    const deliverQueued = async () => {
      for (let job = engine.queue.take(); job; job = engine.queue.take()) await sendJob(engine.deps, job);
    };

    it('sends reminders 1 and 2 of a cart to the owner, marked [Test], and changes nothing else', async () => {
      // Prepare
      const before = await engine.carts.get('cart-1001');
      engine.audit.entries.length = 0;

      // Act
      const result = answer(
        await act({
          action: 'test_reminder',
          cartId: 'cart-1001',
          to: 'owner@acme.example',
          nonce: freshNonce(),
        }),
      );
      const queued = engine.queue.size;
      await deliverQueued();

      // Assess
      expect(result.status).toBe(200);
      expect(result.json).toMatchObject({
        status: 'queued',
        to: 'owner@acme.example',
        cartId: 'cart-1001',
        sample: false,
        queued: [1, 2],
      });
      expect(queued).toBe(2);
      expect(engine.mailer.sent.map((e) => [e.to, e.subject, e.tags.test])).toEqual([
        ['owner@acme.example', '[Test] Your cart at Acme Outfitters is saved', 'true'],
        ['owner@acme.example', '[Test] Still deciding? Your cart at Acme Outfitters is waiting', 'true'],
      ]);
      // No claim, no shopper slot: the cart and the shopper's history are as they were.
      expect(await engine.carts.get('cart-1001')).toEqual(before);
      expect(await engine.contacts.get('shopper@example.com')).toBeUndefined();
      expect(testSent().map((e) => e.detail)).toEqual([
        { n: 1, messageId: 'local-1', sample: false },
        { n: 2, messageId: 'local-2', sample: false },
      ]);
      expect(engine.audit.entries.every((e) => e.action === 'reminder.test_sent')).toBe(true);
      expect(JSON.stringify(engine.audit.entries)).not.toContain('owner@acme.example');
    });

    it('sends a sample cart to the store’s own address when no cart or address is named', async () => {
      // Act
      const result = answer(await act({ action: 'test_reminder', nonce: freshNonce() }));
      await deliverQueued();

      // Assess
      expect(result.status).toBe(200);
      expect(result.json).toMatchObject({ sample: true, to: 'hello@acme.example' });
      expect(engine.mailer.sent).toHaveLength(2);
      expect(engine.mailer.sent[0]?.text).toContain('Merino wool beanie');
      expect(testSent()).toHaveLength(2);
    });

    it('answers 404 for an unknown cart, 400 for a bad address and 409 for a replay, sending nothing', async () => {
      // Prepare
      const nonce = freshNonce();

      // Act
      const unknown = answer(await act({ action: 'test_reminder', cartId: 'cart-nope', nonce }));
      const replay = answer(await act({ action: 'test_reminder', cartId: 'cart-nope', nonce }));
      const bad = answer(await act({ action: 'test_reminder', to: 'not an address', nonce: freshNonce() }));
      await deliverQueued();

      // Assess
      expect(unknown.status).toBe(404);
      expect(replay.status).toBe(409);
      expect(bad.status).toBe(400);
      expect(bad.json).toMatchObject({ errors: [{ path: 'to', message: 'email must be an email address' }] });
      expect(engine.mailer.sent).toEqual([]);
      expect(engine.queue.enqueued).toBe(0);
    });
  });
});
