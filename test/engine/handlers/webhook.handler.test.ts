import { beforeEach, describe, expect, it } from 'vitest';
import { type MemoryEngine, memoryEngine } from '#engine/adapters/memory/memory-engine.js';
import { signatureHeader } from '#engine/domain/request-signature.js';
import type { WebhookContext } from '#engine/handlers/aws-context.js';
import { MAX_BODY_BYTES } from '#engine/handlers/signed-request.js';
import { handleWebhook } from '#engine/handlers/webhook.handler.js';
import webhookPost from '#test/events/function-url/webhook-post.json' with { type: 'json' };
import updatedFixture from '#test/events/storefront/cart-updated.json' with { type: 'json' };
import { answer, functionUrlEvent, signedEvent } from '#test/fakes/function-url-event.js';
import { RecordingLogger } from '#test/fakes/recording-logger.js';
import { sampleRules } from '#test/fakes/sample-cart.js';

// Two hours after the fixture's last activity: the cart (big tier) is due its first reminder.
const NOW = new Date('2026-06-10T16:00:00Z');
const SECRET = 'whsec_current_0123456789abcdef';
const OLD_SECRET = 'whsec_previous_fedcba9876543210';

describe('handleWebhook', () => {
  let engine: MemoryEngine;
  let log: RecordingLogger;
  let ctx: WebhookContext;

  const storedNothing = () => {
    expect(engine.carts.size).toBe(0);
    expect(engine.scheduler.size).toBe(0);
    expect(engine.audit.entries).toEqual([]);
  };
  const post = (payload: unknown, at = NOW, secret = SECRET) =>
    handleWebhook(ctx, signedEvent(webhookPost, payload, secret, at));

  beforeEach(() => {
    log = new RecordingLogger();
    engine = memoryEngine({ rules: sampleRules(), start: NOW, log });
    ctx = { deps: engine.deps, secrets: [SECRET] };
  });

  it('stores a signed cart event, schedules its wake-up and answers 202', async () => {
    const result = answer(await post(structuredClone(updatedFixture)));

    expect(result.status).toBe(202);
    expect(result.json).toEqual({
      status: 'accepted',
      eventId: 'evt-upd-1001',
      cartId: 'cart-1001',
      outcome: 'created',
    });
    expect(result.headers['cache-control']).toBe('no-store');
    expect(await engine.carts.get('cart-1001')).toMatchObject({
      status: 'open',
      emailKey: 'shopper@example.com',
      recentEventIds: ['evt-upd-1001'],
    });
    expect(engine.scheduler.size).toBe(1);
  });

  it('answers a repeated delivery 200 duplicate and writes nothing', async () => {
    await post(structuredClone(updatedFixture));
    const writes = engine.carts.writes;

    const result = answer(await post(structuredClone(updatedFixture)));

    expect(result.status).toBe(200);
    expect(result.json).toEqual({ status: 'duplicate', eventId: 'evt-upd-1001', cartId: 'cart-1001' });
    expect(engine.carts.writes).toBe(writes);
  });

  it('follows a cart to the new email a later update brings, and keeps it on the same one', async () => {
    // Prepare: the cart, stored with its pending wake-up.
    await post(structuredClone(updatedFixture));
    const later = (id: string, minute: string, email: string) => ({
      ...structuredClone(updatedFixture),
      id,
      occurredAt: `2026-06-10T14:${minute}:00Z`,
      cart: { ...structuredClone(updatedFixture.cart), email },
    });

    // Act: the same address written otherwise (one write), then a new address (read and fold).
    const same = answer(await post(later('evt-upd-1002', '05', ' SHOPPER@example.com ')));
    const writesBefore = engine.carts.writes;
    const moved = answer(await post(later('evt-upd-1003', '10', 'Partner@Example.com')));

    // Assess
    expect(same.json).toMatchObject({ status: 'accepted', outcome: 'updated' });
    expect(moved.json).toMatchObject({ status: 'accepted', outcome: 'updated' });
    expect(engine.carts.writes).toBe(writesBefore + 1);
    expect(await engine.carts.get('cart-1001')).toMatchObject({
      emailKey: 'partner@example.com',
      lastActivityAt: '2026-06-10T14:10:00.000Z',
      recentEventIds: ['evt-upd-1001', 'evt-upd-1002', 'evt-upd-1003'],
    });
    expect((await engine.carts.openCartsByEmail('partner@example.com')).map((c) => c.id)).toEqual([
      'cart-1001',
    ]);
    expect(await engine.carts.openCartsByEmail('shopper@example.com')).toEqual([]);
  });

  it('verifies a base64-encoded body on its raw bytes', async () => {
    const event = structuredClone(updatedFixture);
    event.cart.items[0] = { ...event.cart.items[0], title: 'Crème brûlée torch – “Pro”' } as never;
    const raw = Buffer.from(JSON.stringify(event), 'utf8');
    const at = Math.floor(NOW.getTime() / 1000);
    const signedRaw = functionUrlEvent(webhookPost, {
      body: raw,
      base64: true,
      headers: { 'cart-recovery-signature': signatureHeader(SECRET, raw, at) },
    });
    const signedEncoded = functionUrlEvent(webhookPost, {
      body: raw,
      base64: true,
      headers: { 'cart-recovery-signature': signatureHeader(SECRET, raw.toString('base64'), at) },
    });

    const encodedAnswer = answer(await handleWebhook(ctx, signedEncoded));
    const rawAnswer = answer(await handleWebhook(ctx, signedRaw));

    expect(signedRaw.isBase64Encoded).toBe(true);
    expect(encodedAnswer.status).toBe(401);
    expect(rawAnswer.status).toBe(202);
    expect((await engine.carts.get('cart-1001'))?.snapshot?.items[0]?.title).toBe(
      'Crème brûlée torch – “Pro”',
    );
  });

  it('accepts a signature up to 5 minutes away from its clock', async () => {
    const early = structuredClone(updatedFixture);
    const late = { ...structuredClone(updatedFixture), id: 'evt-upd-1001-b' };

    const fromPast = answer(await post(early, new Date(NOW.getTime() - 299_000)));
    const fromFuture = answer(await post(late, new Date(NOW.getTime() + 299_000)));

    expect([fromPast.status, fromFuture.status]).toEqual([202, 202]);
  });

  it.each([
    ['5 minutes late', -301],
    ['5 minutes early', 301],
    ['an hour late', -3600],
  ])('refuses a signature %s with 401 and stores nothing', async (_what, offsetSeconds) => {
    const result = answer(
      await post(structuredClone(updatedFixture), new Date(NOW.getTime() + offsetSeconds * 1000)),
    );

    expect(result.status).toBe(401);
    expect(result.json).toEqual({
      error: 'bad_signature',
      message: 'the signature time is more than 300 s away from ours',
    });
    storedNothing();
  });

  it('accepts either secret while the storefront rotates it, and refuses any other', async () => {
    ctx = { ...ctx, secrets: [SECRET, OLD_SECRET] };
    const second = { ...structuredClone(updatedFixture), id: 'evt-upd-1001-b' };
    const third = { ...structuredClone(updatedFixture), id: 'evt-upd-1001-c' };

    const withOld = answer(await post(structuredClone(updatedFixture), NOW, OLD_SECRET));
    const withNew = answer(await post(second, NOW, SECRET));
    const withOther = answer(await post(third, NOW, 'whsec_someone_else'));

    expect(withOld.status).toBe(202);
    expect(withNew.status).toBe(202);
    expect(withOther.status).toBe(401);
    expect(withOther.json?.message).toBe('the signature does not match the body');
    expect((await engine.carts.get('cart-1001'))?.recentEventIds).toEqual(['evt-upd-1001', 'evt-upd-1001-b']);
  });

  it('accepts a header carrying one v1 per secret while a rotation is under way', async () => {
    const body = JSON.stringify(structuredClone(updatedFixture));
    const at = Math.floor(NOW.getTime() / 1000);
    const stale = signatureHeader(OLD_SECRET, body, at).split(',')[1];
    const event = functionUrlEvent(webhookPost, {
      body,
      headers: { 'cart-recovery-signature': `${signatureHeader(SECRET, body, at)},${stale}` },
    });

    expect(answer(await handleWebhook(ctx, event)).status).toBe(202);
  });

  it.each([
    ['is missing', undefined, 'the Cart-Recovery-Signature header is missing'],
    ['is malformed', 'sha256=abc', 'the signature header must look like t=<unix seconds>,v1=<hex>'],
  ])('refuses with 401 when the signature header %s', async (_what, value, message) => {
    const event = functionUrlEvent(webhookPost, {
      body: JSON.stringify(updatedFixture),
      headers: { 'cart-recovery-signature': value },
    });

    const result = answer(await handleWebhook(ctx, event));

    expect(result).toMatchObject({ status: 401, json: { error: 'bad_signature', message } });
    storedNothing();
  });

  it.each([
    ['a prefixed v1', (h: string) => h.replace('v1=', 'v1=sha256=')],
    ['an over-long v1', (h: string) => `${h}0`],
    ['a non-numeric t', (h: string) => h.replace(/^t=\d+/, 't=soon')],
    ['a space after its comma', (h: string) => h.replace(',', ', ')],
    ['no t', (h: string) => h.replace(/^t=\d+,/, '')],
    ['no v1', (h: string) => h.replace(/,v1=.*$/, '')],
  ])('refuses a signature header with %s with 401, as malformed', async (_what, change) => {
    const body = JSON.stringify(updatedFixture);
    const good = signatureHeader(SECRET, body, Math.floor(NOW.getTime() / 1000));
    const event = functionUrlEvent(webhookPost, {
      body,
      headers: { 'cart-recovery-signature': change(good) },
    });

    const result = answer(await handleWebhook(ctx, event));

    expect(change(good)).not.toBe(good);
    expect(result).toMatchObject({
      status: 401,
      json: {
        error: 'bad_signature',
        message: 'the signature header must look like t=<unix seconds>,v1=<hex>',
      },
    });
    storedNothing();
  });

  it('refuses a body changed after signing with 401', async () => {
    const event = signedEvent(webhookPost, structuredClone(updatedFixture), SECRET, NOW);
    event.body = event.body?.replace('"total":"178.50"', '"total":"1.00"');

    const result = answer(await handleWebhook(ctx, event));

    expect(event.body).toContain('"total":"1.00"');
    expect(result).toMatchObject({ status: 401, json: { message: 'the signature does not match the body' } });
    storedNothing();
  });

  it('refuses anything but POST with 405', async () => {
    const event = signedEvent(webhookPost, structuredClone(updatedFixture), SECRET, NOW, { method: 'GET' });

    const result = answer(await handleWebhook(ctx, event));

    expect(result).toMatchObject({
      status: 405,
      json: { error: 'method_not_allowed', message: 'Send cart events with POST.' },
    });
    storedNothing();
  });

  it('refuses a body over 256 KB with 413, even when signed', async () => {
    const event = structuredClone(updatedFixture) as Record<string, unknown>;
    event.padding = 'x'.repeat(MAX_BODY_BYTES);

    const result = answer(await post(event));

    expect(MAX_BODY_BYTES).toBe(256 * 1024);
    expect(result).toMatchObject({
      status: 413,
      json: { error: 'payload_too_large', message: 'The body is over 262144 bytes.' },
    });
    storedNothing();
  });

  it('refuses a body that is not declared JSON with 415', async () => {
    const event = signedEvent(webhookPost, structuredClone(updatedFixture), SECRET, NOW, {
      headers: { 'content-type': 'text/plain' },
    });

    const result = answer(await handleWebhook(ctx, event));

    expect(result).toMatchObject({
      status: 415,
      json: {
        error: 'unsupported_media_type',
        message: 'Send the event as JSON (Content-Type: application/json).',
      },
    });
    storedNothing();
  });

  it('refuses a signed body that is not JSON with 400', async () => {
    const result = answer(await post('{"id": "evt-1", '));

    expect(result).toMatchObject({
      status: 400,
      json: {
        error: 'invalid_json',
        message: 'The body is not valid JSON.',
        errors: [{ path: '', message: 'is not valid JSON' }],
      },
    });
    storedNothing();
  });

  it('refuses an invalid event with 400 and every field error, storing nothing', async () => {
    const event = structuredClone(updatedFixture) as { cart: Record<string, unknown> };
    event.cart.email = 'ada.lovelace@@example';
    event.cart.items = [{ sku: 'TRL-42', title: 'Trail Runner Shoes', quantity: 0, price: 'cheap' }];

    const result = answer(await post(event));

    expect(result.status).toBe(400);
    expect(result.json).toMatchObject({
      error: 'invalid_event',
      message: 'The cart event is invalid; nothing was stored.',
    });
    expect(result.json?.errors).toEqual(
      expect.arrayContaining([
        { path: 'cart.email', message: 'email must be an email address such as "shopper@example.com"' },
        { path: 'cart.items[0].quantity', message: 'quantity must be a whole number of at least 1' },
        {
          path: 'cart.items[0].price',
          message: 'price must be a decimal amount of at least 0, such as "42.50"',
        },
      ]),
    );
    storedNothing();
  });

  it('logs a refused request with its reason, never the address or the body', async () => {
    const event = structuredClone(updatedFixture);
    event.cart.email = 'Ada.Lovelace@Example.com';

    await post(event, NOW, 'whsec_wrong');
    await post({ ...event, cart: { ...event.cart, items: 'none' } });

    const warnings = log.at('warn');
    expect(warnings.map((w) => w.message)).toEqual(['webhook request refused', 'cart event rejected']);
    expect(warnings[0]?.data).toEqual({
      status: 401,
      error: 'bad_signature',
      reason: 'the signature does not match the body',
    });
    expect(warnings[1]?.data).toEqual({ errors: [{ path: 'cart.items', message: 'items must be a list' }] });
    expect(log.text()).not.toMatch(/lovelace/i);
    expect(log.text()).not.toContain('Trail Runner');
    storedNothing();
  });
});

describe('handleWebhook at the door: bounded input, 4xx never 5xx', () => {
  let engine: MemoryEngine;
  let ctx: WebhookContext;
  const post = (payload: unknown) => handleWebhook(ctx, signedEvent(webhookPost, payload, SECRET, NOW));
  const withCart = (change: Record<string, unknown>) => {
    const event = structuredClone(updatedFixture) as Record<string, unknown> & {
      cart: Record<string, unknown>;
    };
    Object.assign(event.cart, change);
    return event;
  };
  const errorsOf = async (payload: unknown) => {
    const result = answer(await post(payload));
    expect(result.status).toBe(400);
    expect(engine.carts.size).toBe(0);
    return result.json?.errors as { path: string; message: string }[];
  };

  beforeEach(() => {
    engine = memoryEngine({ rules: sampleRules(), start: NOW, log: new RecordingLogger() });
    ctx = { deps: engine.deps, secrets: [SECRET] };
  });

  it('refuses an occurredAt far in the past or the future with 400 naming the field and its bounds', async () => {
    // Prepare: year 9999 used to reach the Scheduler as a five-digit year (a 500).
    const times = [
      '9999-12-31T00:00:00Z',
      '2099-01-01T00:00:00Z',
      '1970-01-01T00:00:00Z',
      '2026-05-06T00:00:00Z',
    ];

    // Act / Assess
    for (const occurredAt of times) {
      const errors = await errorsOf({ ...structuredClone(updatedFixture), occurredAt });
      expect(errors).toEqual([
        {
          path: 'occurredAt',
          message:
            'occurredAt must be at most 35 days before and 5 minutes after the time we receive it (between 2026-05-06T16:00:00.000Z and 2026-06-10T16:05:00.000Z)',
        },
      ]);
    }
  });

  it('accepts an occurredAt at the edges: 35 days back, 5 minutes ahead', async () => {
    // Act
    const old = answer(
      await post({ ...structuredClone(updatedFixture), id: 'e1', occurredAt: '2026-05-06T16:00:00Z' }),
    );
    const ahead = answer(
      await post({ ...structuredClone(updatedFixture), id: 'e2', occurredAt: '2026-06-10T16:05:00Z' }),
    );

    // Assess
    expect([old.status, ahead.status]).toEqual([202, 202]);
  });

  it('refuses a currency Intl does not know and amounts finer than the currency or too long', async () => {
    // Act / Assess
    expect(await errorsOf(withCart({ currency: 'ZZZ' }))).toEqual([
      { path: 'cart.currency', message: 'currency must be an ISO 4217 code such as "USD"' },
    ]);
    expect(await errorsOf(withCart({ total: '999999999999.999999' }))).toEqual([
      { path: 'cart.total', message: 'total has more decimals than USD allows (2)' },
    ]);
    expect(await errorsOf(withCart({ total: '1000000000000.00' }))).toEqual([
      { path: 'cart.total', message: 'total must be a decimal amount of at least 0, such as "42.50"' },
    ]);
    expect(await errorsOf(withCart({ currency: 'JPY', total: '1500.5' }))).toContainEqual({
      path: 'cart.total',
      message: 'total has more decimals than JPY allows (0)',
    });
  });

  it('refuses links that carry spaces, line breaks, NUL or bidi controls, naming the field', async () => {
    // Prepare
    const hostile = [
      'https://shop.example.com/x   URGENT: call 555-0100',
      'https://shop.example.com/x\r\nBcc: a@b.c',
      'https://shop.example.com/\u0000x',
      'https://shop.example.com/\u202Eevil',
    ];

    // Act / Assess
    for (const returnUrl of hostile) {
      expect(await errorsOf(withCart({ returnUrl }))).toEqual([
        {
          path: 'cart.returnUrl',
          message: 'returnUrl must not contain spaces, line breaks, control or bidi characters',
        },
      ]);
    }
    expect(await errorsOf(withCart({ returnUrl: 'javascript:alert(1)' }))).toEqual([
      { path: 'cart.returnUrl', message: 'returnUrl must be an http(s) URL' },
    ]);
  });

  it('names the limit of an over-long title, email and locale', async () => {
    // Prepare
    const item = { sku: 'S', title: 'x'.repeat(501), quantity: 1, price: '1.00' };

    // Act
    const errors = await errorsOf(
      withCart({ items: [item], email: `${'a'.repeat(250)}@example.com`, locale: `de-${'x'.repeat(70)}` }),
    );

    // Assess
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'cart.items[0].title', message: 'title must be at most 500 characters' },
        { path: 'cart.email', message: 'email must be at most 254 characters' },
        { path: 'cart.locale', message: 'locale must be at most 64 characters' },
      ]),
    );
  });

  it('refuses a signed body that is not valid UTF-8 with 400, after checking the signature on its bytes', async () => {
    // Prepare: a JSON body with a lone continuation byte in a string.
    const raw = Buffer.concat([
      Buffer.from('{"id":"evt-x","note":"'),
      Buffer.from([0x80]),
      Buffer.from('"}'),
    ]);
    const at = Math.floor(NOW.getTime() / 1000);
    const event = functionUrlEvent(webhookPost, {
      body: raw,
      base64: true,
      headers: { 'cart-recovery-signature': signatureHeader(SECRET, raw, at) },
    });

    // Act
    const result = answer(await handleWebhook(ctx, event));

    // Assess
    expect(result).toMatchObject({ status: 400, json: { error: 'invalid_utf8' } });
  });

  it.each([
    ['a cart id', '"cart":{"id":"\\ud800shared"}', 'cart.id'],
    ['an item title', '"items":[{"title":"ok"},{"title":"tee \\udc00"}]', 'items[1].title'],
    ['a key', '"\\udfffkey":1', '\udfffkey'],
  ])(
    'refuses half a surrogate pair in %s with 400 naming where, and stores nothing',
    async (_what, json, path) => {
      // Prepare: written with JSON escapes, the only way valid UTF-8 can carry half a pair.
      const body = `{"id":"evt-half","pair":"\\ud83d\\ude00",${json}}`;
      const at = Math.floor(NOW.getTime() / 1000);
      const event = functionUrlEvent(webhookPost, {
        body,
        headers: { 'cart-recovery-signature': signatureHeader(SECRET, body, at) },
      });

      // Act
      const result = answer(await handleWebhook(ctx, event));

      // Assess
      expect(result).toMatchObject({
        status: 400,
        json: {
          error: 'invalid_text',
          errors: [{ path, message: 'holds half of a UTF-16 surrogate pair (\\ud800 to \\udfff alone)' }],
        },
      });
      expect(engine.carts.size).toBe(0);
    },
  );

  it('takes a whole surrogate pair (an emoji written as an escape) as the text it is', async () => {
    // Prepare
    const payload = structuredClone(updatedFixture);
    const [first, ...rest] = payload.cart.items;
    payload.cart.items = [{ ...(first as (typeof rest)[number]), title: 'Tee \u{1F600}' }, ...rest];
    const body = JSON.stringify(payload).replace('\u{1F600}', '\\ud83d\\ude00');
    const at = Math.floor(NOW.getTime() / 1000);

    // Act
    const result = answer(
      await handleWebhook(
        ctx,
        functionUrlEvent(webhookPost, {
          body,
          headers: { 'cart-recovery-signature': signatureHeader(SECRET, body, at) },
        }),
      ),
    );

    // Assess
    expect(result.status).toBe(202);
    expect((await engine.carts.get(payload.cart.id))?.snapshot?.items[0]?.title).toBe('Tee \u{1F600}');
  });

  it('takes application/json with a UTF-8 charset and refuses other JSON-like types with 415', async () => {
    // Prepare
    const send = (type: string, id: string) =>
      handleWebhook(
        ctx,
        signedEvent(webhookPost, { ...structuredClone(updatedFixture), id }, SECRET, NOW, {
          headers: { 'content-type': type },
        }),
      );

    // Act
    const statuses = [
      answer(await send('application/json; charset=utf-8', 'e1')).status,
      answer(await send('Application/JSON', 'e2')).status,
      answer(await send('application/json-seq', 'e3')).status,
      answer(await send('application/merge-patch+json', 'e4')).status,
      answer(await send('application/json; charset=iso-8859-1', 'e5')).status,
    ];

    // Assess
    expect(statuses).toEqual([202, 202, 415, 415, 415]);
  });
});
