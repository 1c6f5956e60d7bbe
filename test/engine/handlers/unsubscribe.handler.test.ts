import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { type MemoryEngine, memoryEngine } from '#engine/adapters/memory/memory-engine.js';
import { parseCartEvent } from '#engine/domain/cart-event.js';
import { emailKey } from '#engine/domain/email-key.js';
import { composeReminder } from '#engine/domain/reminder-message.js';
import { MAX_UNSUBSCRIBE_TOKEN_LENGTH, sealUnsubscribeToken } from '#engine/domain/unsubscribe-token.js';
import { browserLanguage, handleUnsubscribe } from '#engine/handlers/unsubscribe.handler.js';
import unsubscribeGet from '#test/events/function-url/unsubscribe-get.json' with { type: 'json' };
import unsubscribePost from '#test/events/function-url/unsubscribe-post.json' with { type: 'json' };
import updatedFixture from '#test/events/storefront/cart-updated.json' with { type: 'json' };
import { answer, functionUrlEvent } from '#test/fakes/function-url-event.js';
import { RecordingLogger } from '#test/fakes/recording-logger.js';
import { sampleCart, sampleRules } from '#test/fakes/sample-cart.js';
import { seedShopperCarts } from '#test/fakes/shopper-carts.js';

const NOW = new Date('2026-06-10T16:00:00Z');
const ONE_CLICK = 'List-Unsubscribe=One-Click';

describe('handleUnsubscribe', () => {
  let engine: MemoryEngine;
  let log: RecordingLogger;
  let token: string;

  const get = (path = `/u/${token}`) =>
    handleUnsubscribe(engine.deps, functionUrlEvent(unsubscribeGet, { path }));
  const post = (body = ONE_CLICK, path = `/u/${token}`, base64 = false) =>
    handleUnsubscribe(engine.deps, functionUrlEvent(unsubscribePost, { path, body, base64 }));
  const shopperUnsubscribes = () => engine.audit.entries.filter((e) => e.action === 'shopper.unsubscribe');
  const statuses = async () =>
    Promise.all(
      ['cart-1001', 'cart-1002', 'cart-other'].map(async (id) => (await engine.carts.get(id))?.status),
    );

  beforeEach(async () => {
    log = new RecordingLogger();
    engine = memoryEngine({ rules: sampleRules(), start: NOW, log });
    await seedShopperCarts(engine);
    engine.audit.entries.length = 0;
    log.calls.length = 0;
    token = engine.deps.links.tokens.seal({
      emailKey: 'shopper@example.com',
      cartId: 'cart-1001',
    });
  });

  it('shows a confirmation page on GET and unsubscribes nobody', async () => {
    const result = answer(await get());

    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(result.headers['content-security-policy']).toContain("form-action 'self'");
    expect(result.headers['cache-control']).toBe('no-store');
    expect(result.body).toContain('<h1>Stop cart reminders?</h1>');
    expect(result.body).toContain('Acme Outfitters');
    // The form posts back to the page's own URL, whatever prefix the unsubscribe base URL has.
    expect(result.body).toContain('<form method="post">');
    expect(result.body).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
    expect(await engine.contacts.get('shopper@example.com')).toBeUndefined();
    expect(await statuses()).toEqual(['open', 'open', 'open']);
    expect(engine.audit.entries).toEqual([]);
  });

  it("unsubscribes the token's email on a one-click POST, closing all its open carts", async () => {
    const result = answer(await post());

    expect(result.status).toBe(200);
    expect(result.body).toContain('<h1>You are unsubscribed</h1>');
    expect(result.body).toContain('Acme Outfitters will not send you cart reminders again.');
    expect(await engine.contacts.get('shopper@example.com')).toMatchObject({
      unsubscribedAt: NOW.toISOString(),
      unsubscribedBy: 'shopper',
    });
    expect(await statuses()).toEqual(['unsubscribed', 'unsubscribed', 'open']);
    expect(shopperUnsubscribes()).toHaveLength(1);
    expect(engine.audit.entries.filter((e) => e.action === 'cart.closed').map((e) => e.cartId)).toEqual([
      'cart-1001',
      'cart-1002',
    ]);
    expect(JSON.stringify(engine.audit.entries)).not.toMatch(/shopper@example\.com/i);
  });

  it('answers a repeated one-click POST with 200 and audits the unsubscribe once', async () => {
    await post();

    const again = answer(await post());

    expect(again.status).toBe(200);
    expect(again.body).toContain('You are unsubscribed');
    expect(shopperUnsubscribes()).toHaveLength(1);
  });

  it('takes the one-click field from a multipart/form-data body (RFC 8058 section 3.1)', async () => {
    // Prepare
    const boundary = '----cart-recovery-test';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    const event = functionUrlEvent(unsubscribePost, {
      path: `/u/${token}`,
      body,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });

    // Act
    const result = answer(await handleUnsubscribe(engine.deps, event));

    // Assess
    expect(result.status).toBe(200);
    expect((await engine.contacts.get('shopper@example.com'))?.unsubscribedAt).toBeDefined();
  });

  it('refuses a multipart body without the one-click field, or one that cannot be read, with 400', async () => {
    // Prepare
    const boundary = 'b';
    const other = `--${boundary}\r\nContent-Disposition: form-data; name="other"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    const broken = 'not multipart at all';
    const send = (body: string) =>
      handleUnsubscribe(
        engine.deps,
        functionUrlEvent(unsubscribePost, {
          path: `/u/${token}`,
          body,
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        }),
      );

    // Act
    const results = [answer(await send(other)), answer(await send(broken))];

    // Assess
    expect(results.map((r) => r.status)).toEqual([400, 400]);
    expect(await engine.contacts.get('shopper@example.com')).toBeUndefined();
  });

  it('says on a later GET that the address is already unsubscribed, instead of asking again', async () => {
    // Prepare
    await post();

    // Act
    const result = answer(await get());

    // Assess
    expect(result.status).toBe(200);
    expect(result.body).toContain('<h1>You are already unsubscribed</h1>');
    expect(result.body).not.toContain('<form');
    // The sample rules have no store website: no link to nowhere.
    expect(result.body).not.toContain('<a ');
  });

  it("links the already-unsubscribed page to the store's website when the rules name one", async () => {
    // Prepare
    const rules = sampleRules();
    engine = memoryEngine({
      rules: { ...rules, store: { ...rules.store, url: 'https://acme.example/?from=unsubscribe&x="y"' } },
      start: NOW,
      log,
    });
    token = engine.deps.links.tokens.seal({ emailKey: 'shopper@example.com', cartId: 'cart-1001' });
    await post();

    // Act
    const result = answer(await get());

    // Assess
    expect(result.body).toContain(
      '<a href="https://acme.example/?from=unsubscribe&amp;x=&quot;y&quot;">Back to Acme Outfitters</a>',
    );
  });

  it('reads a base64-encoded form body', async () => {
    const result = answer(await post(ONE_CLICK, `/u/${token}`, true));

    expect(result.status).toBe(200);
    expect((await engine.contacts.get('shopper@example.com'))?.unsubscribedAt).toBe(NOW.toISOString());
  });

  it.each([
    ['an empty body', ''],
    ['another value', 'List-Unsubscribe=Yes'],
  ])('refuses a POST with %s with 400, changing nothing', async (_what, body) => {
    const result = answer(await post(body));

    expect(result.status).toBe(400);
    expect(result.body).toContain('This unsubscribe link is not valid');
    expect(await engine.contacts.get('shopper@example.com')).toBeUndefined();
    expect(log.at('warn').map((w) => w.data)).toEqual([
      { reason: 'POST without List-Unsubscribe=One-Click' },
    ]);
  });

  it('refuses a tampered token and one sealed with another key with 400, on GET and POST', async () => {
    const flipped = `${token.slice(0, 30)}${token[30] === 'A' ? 'B' : 'A'}${token.slice(31)}`;
    const foreign = sealUnsubscribeToken('another-stores-key', {
      emailKey: 'shopper@example.com',
      cartId: 'cart-1001',
    });

    const results = [
      answer(await get(`/u/${flipped}`)),
      answer(await post(ONE_CLICK, `/u/${flipped}`)),
      answer(await get(`/u/${foreign}`)),
      answer(await post(ONE_CLICK, `/u/${foreign}`)),
    ];

    expect(results.map((r) => r.status)).toEqual([400, 400, 400, 400]);
    expect(results.every((r) => r.body.includes('This unsubscribe link is not valid'))).toBe(true);
    expect(await engine.contacts.get('shopper@example.com')).toBeUndefined();
    expect(await statuses()).toEqual(['open', 'open', 'open']);
    expect(log.at('warn').map((w) => w.data)).toEqual(Array(4).fill({ reason: 'invalid token' }));
    expect(log.text()).not.toContain(flipped.slice(0, 24));
  });

  it('opens the longest link the engine can make, on GET and POST, and its header line fits', async () => {
    // Prepare: an event the webhook takes with the longest email (254 characters) and the longest
    // cart id in bytes (100 two-byte characters: 200 bytes); a 60-character unsubscribe base URL.
    const email = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;
    const parsed = parseCartEvent({
      ...updatedFixture,
      cart: { ...updatedFixture.cart, id: 'é'.repeat(100), email },
    });
    if (!parsed.ok || parsed.event.cart.email === undefined)
      throw new Error('expected the event to be accepted');
    const { cart } = parsed.event;
    const longest = engine.deps.links.tokens.seal({
      emailKey: emailKey(cart.email ?? ''),
      cartId: cart.id,
    });
    const baseUrl = `https://${'u'.repeat(38)}.example.com/u`;

    // Act
    const shown = answer(await get(`/u/${longest}`));
    const done = answer(await post(ONE_CLICK, `/u/${longest}`));
    const message = composeReminder({
      cart: sampleCart({ id: cart.id, emailKey: emailKey(email) }),
      n: 1,
      rules: sampleRules(),
      unsubscribeUrl: `${baseUrl}/${longest}`,
      now: new Date('2026-06-10T14:00:00Z'),
    });

    // Assess: 1 + 12 + 2 + 254 + 200 + 16 = 485 bytes are 647 base64url characters.
    expect(email).toHaveLength(254);
    expect(baseUrl).toHaveLength(60);
    expect(longest).toHaveLength(647);
    expect(MAX_UNSUBSCRIBE_TOKEN_LENGTH).toBe(647);
    expect(shown.status).toBe(200);
    expect(shown.body).toContain('<h1>Stop cart reminders?</h1>');
    expect(done.status).toBe(200);
    expect(done.body).toContain('<h1>You are unsubscribed</h1>');
    expect(await engine.contacts.get(emailKey(email))).toMatchObject({ unsubscribedBy: 'shopper' });
    // RFC 5322 section 2.1.1: a line is at most 998 characters, without its CRLF.
    const line = `List-Unsubscribe: ${message.headers['List-Unsubscribe']}`;
    expect(line).toBe(`List-Unsubscribe: <${baseUrl}/${longest}>`);
    expect(line.length).toBeLessThan(998);
  });

  it('refuses a token one character longer than the longest the engine makes', async () => {
    // Act: base64url of the right alphabet, just too long to be one of ours.
    const result = answer(await get(`/u/${'A'.repeat(MAX_UNSUBSCRIBE_TOKEN_LENGTH + 1)}`));

    // Assess
    expect(result.status).toBe(400);
    expect(log.at('warn').map((w) => w.data)).toEqual([{ reason: 'no token in the path' }]);
  });

  it.each([
    ['no token', '/u/'],
    ['a cut-short token', '/u/abc'],
    ['another path', '/unsubscribe'],
  ])('refuses a path with %s with 400', async (_what, path) => {
    const result = answer(await get(path));

    expect(result.status).toBe(400);
    expect(result.body).toContain('This unsubscribe link is not valid');
  });

  it('refuses other methods with 405 and names the allowed ones', async () => {
    const event = functionUrlEvent(unsubscribePost, { path: `/u/${token}`, method: 'PUT', body: ONE_CLICK });

    const result = answer(await handleUnsubscribe(engine.deps, event));

    expect(result.status).toBe(405);
    expect(result.headers.allow).toBe('GET, POST');
    expect(await engine.contacts.get('shopper@example.com')).toBeUndefined();
  });

  it('shows its pages in the language of the cart the reminder was about', async () => {
    // Prepare
    const cart = await engine.carts.get('cart-1001');
    if (!cart?.snapshot) throw new Error('no seeded cart');
    await engine.carts.put({ ...cart, snapshot: { ...cart.snapshot, locale: 'de-DE' } }, cart.version);

    // Act
    const shown = answer(await get());
    const done = answer(await post());

    // Assess
    expect(shown.body).toContain('<html lang="de">');
    expect(shown.body).toContain('<h1>Warenkorb-Erinnerungen abbestellen?</h1>');
    expect(shown.body).toContain('<button type="submit">Abmelden</button>');
    expect(done.body).toContain('<h1>Sie sind abgemeldet</h1>');
    expect(done.body).toContain('Acme Outfitters sendet Ihnen keine Warenkorb-Erinnerungen mehr.');
  });

  it('answers a broken link in the browser’s language, by weight, else English', async () => {
    // Act
    const result = answer(
      await handleUnsubscribe(
        engine.deps,
        functionUrlEvent(unsubscribeGet, {
          path: '/u/',
          headers: { 'accept-language': 'ja;q=1, fr-CA;q=0.8, de;q=0.5' },
        }),
      ),
    );

    // Assess
    expect(result.status).toBe(400);
    expect(result.body).toContain('Ce lien de désabonnement n’est pas valide');
    expect(browserLanguage('de;q=0.2, es')).toBe('es');
    expect(browserLanguage('xx, *')).toBe('en');
    expect(browserLanguage(undefined)).toBe('en');
  });
});

describe('handleUnsubscribe, the click redirect /r/<token>', () => {
  let engine: MemoryEngine;
  let log: RecordingLogger;
  const sentRecord = {
    n: 1 as const,
    state: 'sent' as const,
    dueAt: '2026-06-10T15:30:00.000Z',
    at: '2026-06-10T15:30:00.000Z',
    messageId: 'm-1',
  };
  const click = (path: string, method = 'GET') =>
    handleUnsubscribe(engine.deps, functionUrlEvent(unsubscribeGet, { path, method }));
  const tokenFor = (cartId: string, n: 1 | 2 = 1) => engine.deps.links.clicks.seal({ cartId, n });

  const setUp = async (rules = sampleRules()) => {
    log = new RecordingLogger();
    engine = memoryEngine({ rules, start: NOW, log });
    await seedShopperCarts(engine);
    const cart = await engine.carts.get('cart-1001');
    if (!cart) throw new Error('seeded cart missing');
    await engine.carts.put({ ...cart, reminders: [sentRecord], version: cart.version + 1 }, cart.version);
  };

  beforeEach(async () => setUp());

  it('sends the shopper on to the cart (302) and records the first click, changing nothing else', async () => {
    // Prepare
    const before = await engine.carts.get('cart-1001');

    // Act
    const first = answer(await click(`/r/${tokenFor('cart-1001')}`));
    const afterFirst = await engine.carts.get('cart-1001');
    engine.clock.set(Date.parse('2026-06-10T17:00:00Z'));
    const second = answer(await click(`/r/${tokenFor('cart-1001')}`));

    // Assess
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe(before?.snapshot?.returnUrl);
    expect(first.headers['cache-control']).toBe('no-store');
    expect(second.status).toBe(302);
    expect(afterFirst).toEqual({
      ...before,
      reminders: [{ ...sentRecord, clickedAt: '2026-06-10T16:00:00.000Z' }],
      version: (before?.version ?? 0) + 1,
    });
    expect(await engine.carts.get('cart-1001')).toEqual(afterFirst);
    expect(
      log
        .at('info')
        .filter((l) => l.message === 'reminder link clicked')
        .map((l) => l.data),
    ).toEqual([
      { cartId: 'cart-1001', n: 1, first: true },
      { cartId: 'cart-1001', n: 1, first: false },
    ]);
    expect(engine.audit.entries.filter((e) => e.action === 'cart.closed')).toEqual([]);
  });

  it('answers a HEAD (a link scanner) like a GET, and refuses other methods with 405', async () => {
    const head = answer(await click(`/r/${tokenFor('cart-1001')}`, 'HEAD'));
    const put = answer(await click(`/r/${tokenFor('cart-1001')}`, 'POST'));

    expect(head.status).toBe(302);
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('GET, HEAD');
  });

  it.each([
    ['a changed token', () => `/r/${tokenFor('cart-1001').slice(0, -2)}AA`],
    [
      'an unsubscribe token',
      () => `/r/${engine.deps.links.tokens.seal({ emailKey: 'a@b.example', cartId: 'cart-1001' })}`,
    ],
    ['an unknown cart', () => `/r/${tokenFor('cart-gone')}`],
    ['no token', () => '/r/'],
  ])('sends %s to the store website when the rules name one', async (_what, path) => {
    // Prepare
    await setUp(sampleRules({ store: { ...sampleRules().store, url: 'https://acme.example/' } }));

    // Act
    const result = answer(await click(path()));

    // Assess
    expect(result.status).toBe(302);
    expect(result.headers.location).toBe('https://acme.example/');
    expect((await engine.carts.get('cart-1001'))?.reminders[0]?.clickedAt).toBeUndefined();
  });

  it('shows a short page naming the store, never an error, when there is no website', async () => {
    const result = answer(await click(`/r/${'A'.repeat(40)}`));

    expect(result.status).toBe(200);
    expect(result.body).toContain('<h1>Acme Outfitters</h1>');
    expect(result.body).not.toMatch(/error|invalid/i);
  });

  it('still sends the shopper on when the cart store fails', async () => {
    // Prepare
    engine.deps.carts.get = async () => {
      throw new Error('DynamoDB is down');
    };

    // Act
    const result = answer(await click(`/r/${tokenFor('cart-1001')}`));

    // Assess
    expect(result.status).toBe(200);
    expect(result.body).toContain('Acme Outfitters');
    expect(log.at('error').map((l) => l.message)).toEqual(['click not recorded']);
  });

  it('answers every path under /r/ with a 2xx, 3xx or 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 800 }),
        fc.constantFrom('GET', 'HEAD', 'POST', 'DELETE'),
        async (tail, method) => {
          const result = answer(await click(`/r/${tail}`, method));
          expect(result.status).toBeLessThan(500);
        },
      ),
      { numRuns: 200 },
    );
  });
});
