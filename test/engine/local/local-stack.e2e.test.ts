import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPartition, DynamoDbAuditLog } from '#engine/adapters/dynamodb-audit-log.js';
import { DynamoDbCartStore } from '#engine/adapters/dynamodb-cart-store.js';
import { DynamoDbContactStore } from '#engine/adapters/dynamodb-contact-store.js';
import { documentClient, tableNames } from '#engine/adapters/dynamodb-tables.js';
import { emailHash } from '#engine/domain/email-hash.js';
import { type LocalStack, startLocalStack } from '#engine/local/start.js';
import type { AuditEntry } from '#engine/ports.js';
import {
  cartUpdatedEvent,
  daytimeZone,
  postSigned,
  signedHeaders,
  waitFor,
} from '#test/fakes/storefront-events.js';
import { launchChromium } from '#test/peers/chromium.js';
import type { StoredEmail } from '#test/peers/ses-local.js';

const SHOPPER = 'Ada.Lovelace@Example.com';
const SHOPPER_KEY = 'ada.lovelace@example.com';
const THREE_HOURS = 180;

const header = (email: StoredEmail, name: string) =>
  email.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;

describe('local stack, end to end over HTTP', () => {
  let stack: LocalStack;
  let dataDir: string;
  let zone: string;
  let carts: DynamoDbCartStore;
  let contacts: DynamoDbContactStore;
  let audit: DynamoDbAuditLog;
  let auditByEmail: (emailKey: string) => Promise<AuditEntry[]>;
  // Shared by the steps below, which follow one shopper from reminder to unsubscribe.
  let reminder: StoredEmail | undefined;
  let unsubscribeUrl: string | undefined;

  const emailsTo = async (address: string) =>
    ((await stack.sesStore()) as StoredEmail[]).filter((e) =>
      e.destination.to.some((to) => to.toLowerCase().includes(address.toLowerCase())),
    );
  const postEvent = (event: unknown) =>
    postSigned(`${stack.url}/webhook`, stack.secrets.webhookSecret, event);
  const postOwner = (action: unknown) => postSigned(`${stack.url}/owner`, stack.secrets.ownerSecret, action);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cr-e2e-'));
    stack = await startLocalStack({ port: 0, sesPort: 0, dataDir, quiet: true });
    zone = daytimeZone();
    const doc = documentClient(new DynamoDBClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB }));
    const names = tableNames('cr-');
    carts = new DynamoDbCartStore({ client: doc, tableName: names.carts });
    contacts = new DynamoDbContactStore({ client: doc, tableName: names.contacts });
    audit = new DynamoDbAuditLog({ client: doc, tableName: names.audit });
    auditByEmail = async (emailKey) => {
      const { Items } = await doc.send(
        new QueryCommand({
          TableName: names.audit,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': auditPartition({ emailHash: emailHash(emailKey) }) },
          ConsistentRead: true,
        }),
      );
      return (Items ?? []) as AuditEntry[];
    };
  });

  afterAll(async () => {
    await stack?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('emails a reminder for a cart idle for 3 hours, with the items, the return link and one-click unsubscribe', async () => {
    const event = cartUpdatedEvent({
      eventId: 'evt-e2e-1',
      cartId: 'cart-e2e-1',
      email: SHOPPER,
      minutesAgo: THREE_HOURS,
      timezone: zone,
    });

    const answer = await postEvent(event);
    await stack.fireDue();
    reminder = await waitFor('the reminder in the SES store', async () => (await emailsTo(SHOPPER_KEY))[0]);

    expect(answer).toEqual({
      status: 202,
      body: { status: 'accepted', eventId: 'evt-e2e-1', cartId: 'cart-e2e-1', outcome: 'created' },
    });
    expect(reminder.subject).toBe('Your cart at Acme Outfitters is saved');
    expect(reminder.destination.to).toEqual([expect.stringMatching(/ada\.lovelace@example\.com/i)]);
    expect(reminder.from).toContain('hello@acme.example');
    const html = reminder.body.html ?? '';
    expect(html).toContain('Trail Runner Shoes');
    expect(html).toContain('Merino Hiking Socks');
    expect(html).toContain('$129.00');
    expect(html).toContain('$24.75');
    expect(html).toContain('$178.50');
    expect(reminder.body.text).toContain('Trail Runner Shoes and 1 more item');
    // The personal line is a template filled per cart: no placeholder may reach the shopper.
    expect(`${html}\n${reminder.body.text}`).not.toMatch(/\{[a-z]+\}/);
    // The return link goes through the click redirect on the local Function URL (followed below).
    expect(html).toContain(`href="${stack.url}/r/`);
    expect(html).not.toContain('href="https://acme.example/cart/cart-e2e-1?recover=1"');
    const listUnsubscribe = header(reminder, 'List-Unsubscribe') ?? '';
    const match = /^<(https?:\/\/[^>]+)>$/.exec(listUnsubscribe);
    unsubscribeUrl = match?.[1];
    expect(unsubscribeUrl?.slice(0, stack.url.length + 3)).toBe(`${stack.url}/u/`);
    expect(unsubscribeUrl?.slice(stack.url.length + 3)).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(header(reminder, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(html).toContain(`href="${unsubscribeUrl}"`);
    // The sender records the message id right after SES accepts the email; until then the reminder is
    // claimed, then marked sending.
    const stored = await waitFor('reminder 1 recorded as sent', async () => {
      const cart = await carts.get('cart-e2e-1');
      return cart?.reminders[0]?.state === 'sent' ? cart : undefined;
    });
    expect(stored?.reminders).toEqual([
      expect.objectContaining({ n: 1, state: 'sent', messageId: reminder.messageId }),
    ]);
    expect(stored?.status).toBe('open');
  });

  it('keeps the headers in the raw message a mail client receives', async () => {
    if (!reminder || !unsubscribeUrl) throw new Error('needs the reminder of the first test');

    const response = await fetch(`${stack.mailViewer}/get-emlContent?messageId=${reminder.messageId}`);
    // aws-ses-v2-local answers with the .eml as a JSON-serialized Buffer; unfold its header lines.
    const { body } = (await response.json()) as { body: { data: number[] } };
    const eml = Buffer.from(body.data)
      .toString('utf8')
      .replace(/\r?\n[ \t]+/g, ' ');
    const headers = eml.slice(0, eml.search(/\r?\n\r?\n/));

    expect(response.status).toBe(200);
    expect(headers).toMatch(/^List-Unsubscribe: <http:\/\/127\.0\.0\.1:\d+\/u\/[A-Za-z0-9_-]+>\r?$/m);
    expect(headers).toContain(`List-Unsubscribe: <${unsubscribeUrl}>`);
    expect(headers).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    expect(headers).toMatch(/^Subject: Your cart at Acme Outfitters is saved\r?$/m);
  });

  it('renders in Chromium; the link asks first, and only the button unsubscribes', async () => {
    if (!reminder || !unsubscribeUrl) throw new Error('needs the reminder of the first test');
    const profile = await mkdtemp(join(tmpdir(), 'cr-chromium-'));
    const shot = join(profile, 'reminder.png');
    let browser: BrowserContext | undefined;
    try {
      browser = await launchChromium(profile);
      // Product images live on the store's CDN; only the local stack is reachable here.
      await browser.route('**/*', (route) =>
        route.request().url().startsWith(stack.url) ? route.continue() : route.abort(),
      );
      const page = browser.pages()[0] ?? (await browser.newPage());
      await page.setContent(reminder.body.html ?? '');
      await page.screenshot({ path: shot, fullPage: true });
      const returnHref = await page.getByRole('link', { name: 'Return to your cart' }).getAttribute('href');
      const itemVisible = await page.getByText('Merino Hiking Socks', { exact: true }).isVisible();

      const [confirm] = await Promise.all([
        page.waitForEvent('popup'),
        page.getByRole('link', { name: 'Unsubscribe' }).click(),
      ]);
      await confirm.waitForLoadState();
      const confirmHeading = await confirm.getByRole('heading', { level: 1 }).textContent();
      // A link scanner's GET must not unsubscribe: a cart posted now is still open and due a reminder later.
      const later = await postEvent(
        cartUpdatedEvent({
          eventId: 'evt-e2e-2',
          cartId: 'cart-e2e-2',
          email: SHOPPER,
          minutesAgo: 5,
          timezone: zone,
        }),
      );
      const laterCart = await carts.get('cart-e2e-2');
      const contactAfterGet = await contacts.get(SHOPPER_KEY);

      const [posted] = await Promise.all([
        confirm.waitForResponse((r) => r.request().method() === 'POST'),
        confirm.getByRole('button', { name: 'Unsubscribe' }).click(),
      ]);
      await confirm.waitForLoadState();
      const doneHeading = await confirm.getByRole('heading', { level: 1 }).textContent();

      const png = await readFile(shot);
      expect((await stat(shot)).size).toBeGreaterThan(1000);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      // The return link goes through the click redirect on the same local Function URL, on to the cart.
      expect(returnHref?.startsWith(`${stack.url}/r/`)).toBe(true);
      const followed = await fetch(returnHref ?? '', { redirect: 'manual' });
      expect(followed.status).toBe(302);
      expect(followed.headers.get('location')).toBe('https://acme.example/cart/cart-e2e-1?recover=1');
      expect(itemVisible).toBe(true);
      expect(confirm.url()).toBe(unsubscribeUrl);
      expect(confirmHeading).toBe('Stop cart reminders?');
      expect(later.status).toBe(202);
      expect(laterCart).toMatchObject({ status: 'open', wake: { seq: 1 } });
      expect(contactAfterGet?.unsubscribedAt).toBeUndefined();
      expect(posted.status()).toBe(200);
      expect(doneHeading).toBe('You are unsubscribed');
      expect((await contacts.get(SHOPPER_KEY))?.unsubscribedAt).toEqual(expect.any(String));
      expect((await carts.get('cart-e2e-1'))?.status).toBe('unsubscribed');
      expect((await carts.get('cart-e2e-2'))?.status).toBe('unsubscribed');
    } finally {
      await browser?.close();
      await rm(profile, { recursive: true, force: true });
    }
  });

  it("answers a mail client's one-click POST again with 200, changing nothing", async () => {
    if (!unsubscribeUrl) throw new Error('needs the reminder of the first test');

    const response = await fetch(unsubscribeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    const page = await response.text();

    expect(response.status).toBe(200);
    expect(page).toContain('You are unsubscribed');
    const entries = await auditByEmail(SHOPPER_KEY);
    expect(entries.filter((e) => e.action === 'shopper.unsubscribe')).toHaveLength(1);
    expect(JSON.stringify(entries)).not.toMatch(/ada\.lovelace/i);
  });

  it('closes a new cart of the unsubscribed email at once, whatever its case and spacing', async () => {
    const answer = await postEvent(
      cartUpdatedEvent({
        eventId: 'evt-e2e-3',
        cartId: 'cart-e2e-3',
        email: '  ADA.LOVELACE@example.COM ',
        minutesAgo: THREE_HOURS,
        timezone: zone,
      }),
    );
    await stack.fireDue();
    // A reminder takes well under a second here once its wake-up fires; give a wrong one time to show up.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    expect(answer.status).toBe(202);
    const cart = await carts.get('cart-e2e-3');
    expect(cart).toMatchObject({ status: 'unsubscribed', emailKey: SHOPPER_KEY, reminders: [] });
    expect(cart?.wake).toBeUndefined();
    expect(await emailsTo(SHOPPER_KEY)).toHaveLength(1);
    expect((await audit.byCart('cart-e2e-3')).map((e) => [e.action, e.detail?.status])).toEqual([
      ['cart.closed', 'unsubscribed'],
    ]);
  });

  it('refuses an unsubscribe link whose token was tampered with, with a plain 400 page', async () => {
    if (!unsubscribeUrl) throw new Error('needs the reminder of the first test');
    const token = unsubscribeUrl.slice(unsubscribeUrl.lastIndexOf('/') + 1);
    const tampered = `${token.slice(0, 20)}${token[20] === 'A' ? 'B' : 'A'}${token.slice(21)}`;

    const get = await fetch(`${stack.url}/u/${tampered}`);
    const post = await fetch(`${stack.url}/u/${tampered}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });

    expect(get.status).toBe(400);
    expect(await get.text()).toContain('This unsubscribe link is not valid');
    expect(post.status).toBe(400);
  });

  it('lets the owner suppress a cart, answering with before and after; a replay is 409', async () => {
    await postEvent(
      cartUpdatedEvent({
        eventId: 'evt-e2e-owner',
        cartId: 'cart-e2e-owner',
        email: 'grace@example.com',
        minutesAgo: 5,
        timezone: zone,
      }),
    );
    const action = {
      action: 'suppress',
      cartId: 'cart-e2e-owner',
      reason: 'the shopper phoned the shop',
      actor: 'owner@acme.example',
      nonce: randomBytes(16).toString('base64url'),
    };
    const body = JSON.stringify(action);
    const headers = signedHeaders(stack.secrets.ownerSecret, body);

    const first = await fetch(`${stack.url}/owner`, { method: 'POST', headers, body });
    const firstBody = (await first.json()) as Record<string, unknown>;
    const replay = await fetch(`${stack.url}/owner`, { method: 'POST', headers, body });
    const replayBody = (await replay.json()) as Record<string, unknown>;

    expect(first.status).toBe(200);
    expect(firstBody).toMatchObject({
      status: 'done',
      action: 'suppress',
      changed: true,
      before: { id: 'cart-e2e-owner', status: 'open' },
      after: { id: 'cart-e2e-owner', status: 'suppressed' },
      closed: [{ cartId: 'cart-e2e-owner', status: 'suppressed' }],
    });
    expect(replay.status).toBe(409);
    expect(replayBody).toEqual({
      error: 'replayed_nonce',
      message: 'This request was already received (its nonce was used).',
    });
    expect((await carts.get('cart-e2e-owner'))?.status).toBe('suppressed');
    const entries = await audit.byCart('cart-e2e-owner');
    expect(entries.filter((e) => e.action === 'owner.suppress')).toEqual([
      expect.objectContaining({
        actor: 'owner@acme.example',
        detail: { reason: 'the shopper phoned the shop' },
      }),
    ]);
  });

  it('sends the owner a test of reminders 1 and 2 through SES, marked [Test], without touching the cart', async () => {
    await postEvent(
      cartUpdatedEvent({
        eventId: 'evt-e2e-test-send',
        cartId: 'cart-e2e-test-send',
        email: 'hedy@example.com',
        minutesAgo: 5,
        timezone: zone,
      }),
    );
    const before = await carts.get('cart-e2e-test-send');

    const sent = await postOwner({
      action: 'test_reminder',
      cartId: 'cart-e2e-test-send',
      to: 'owner-test@acme.example',
      actor: 'owner@acme.example',
      nonce: randomBytes(16).toString('base64url'),
    });
    const emails = await waitFor('the two test reminders', async () => {
      const found = await emailsTo('owner-test@acme.example');
      return found.length === 2 ? found : undefined;
    });

    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ status: 'queued', sample: false, to: 'owner-test@acme.example' });
    expect(emails.map((e) => e.subject).sort()).toEqual([
      '[Test] Still deciding? Your cart at Acme Outfitters is waiting',
      '[Test] Your cart at Acme Outfitters is saved',
    ]);
    expect(await emailsTo('hedy@example.com')).toEqual([]);
    // Recorded as a test only: the cart keeps its version and has no reminder; the shopper has no slot.
    expect(await carts.get('cart-e2e-test-send')).toEqual(before);
    expect((await contacts.get('hedy@example.com'))?.lastReminder).toBeUndefined();
    const entries = await waitFor('the two test sends audited', async () => {
      const found = (await audit.byCart('cart-e2e-test-send')).filter((e) =>
        e.action.startsWith('reminder.'),
      );
      return found.length === 2 ? found : undefined;
    });
    expect(entries.map((e) => [e.action, e.detail?.n]).sort()).toEqual([
      ['reminder.test_sent', 1],
      ['reminder.test_sent', 2],
    ]);
  });

  it('answers 404 with a clear message for an unknown cart, and 401 for the storefront secret', async () => {
    const unknown = await postOwner({
      action: 'suppress',
      cartId: 'cart-nobody-knows',
      nonce: randomBytes(16).toString('base64url'),
    });
    const wrongSecret = await postSigned(`${stack.url}/owner`, stack.secrets.webhookSecret, {
      action: 'suppress',
      cartId: 'cart-e2e-1',
      nonce: randomBytes(16).toString('base64url'),
    });

    expect(unknown).toEqual({
      status: 404,
      body: { error: 'not_found', message: 'no cart with id "cart-nobody-knows" is known to Cart Recovery' },
    });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body.error).toBe('bad_signature');
  });
});
