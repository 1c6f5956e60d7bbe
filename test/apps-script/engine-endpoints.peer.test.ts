/**
 * The menu's requests, signed by the Apps Script code, handed to the engine's real endpoint
 * handlers. UrlFetchApp is synchronous and the handlers are not, so the menu runs against a fake
 * that records its requests, and each recorded request is then delivered to the handler as the
 * Function URL would deliver it; the handler's answer is read back by the menu's own code.
 */
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryEngine } from '#engine/adapters/memory/memory-engine.js';
import { handleOwnerAction } from '#engine/handlers/owner-action.handler.js';
import { sendJob } from '#engine/handlers/sender.handler.js';
import type { NonceStore } from '#engine/ports.js';
import { rulesToRows } from '#sheets-sync/rules-sheet.js';
import { handleSync } from '#sheets-sync/sync.handler.js';
import ownerPost from '#test/events/function-url/owner-post.json' with { type: 'json' };
import { functionUrlEvent } from '#test/fakes/function-url-event.js';
import { RecordingLogger } from '#test/fakes/recording-logger.js';
import { sampleCart, sampleRules } from '#test/fakes/sample-cart.js';
import { type S3rverPeer, startS3rver } from '#test/peers/s3rver.js';
import {
  MENU_ACTOR,
  MENU_REASON,
  runCartAction,
  sendTestReminder,
  syncRulesNow,
  targetResult,
} from '../../apps-script/src/actions.js';
import { readAnswer } from '../../apps-script/src/endpoint-client.js';
import { PROPERTY } from '../../apps-script/src/settings.js';
import { fakeServices, httpResponse, type SentRequest } from './fakes.js';

const NOW = new Date('2026-06-10T16:00:00Z');
const SECRET = 'owner_current_0123456789abcdef';
const OWNER_URL = 'https://owner-abc.lambda-url.us-east-1.on.aws/';
const SYNC_URL = 'https://sync-def.lambda-url.us-east-1.on.aws/';

class MemoryNonceStore implements NonceStore {
  readonly claimed = new Set<string>();
  async claim(nonce: string): Promise<boolean> {
    if (this.claimed.has(nonce)) return false;
    this.claimed.add(nonce);
    return true;
  }
}

/** A recorded UrlFetchApp request as the Function URL hands it to Lambda (headers lower-cased). */
function asFunctionUrlEvent(request: SentRequest): LambdaFunctionURLEvent {
  const headers: Record<string, string> = { 'content-type': request.params.contentType };
  for (const [name, value] of Object.entries(request.params.headers)) headers[name.toLowerCase()] = value;
  return functionUrlEvent(ownerPost, {
    method: request.params.method.toUpperCase(),
    headers,
    body: request.params.payload,
  });
}

function asHttpResponse(result: LambdaFunctionURLResult) {
  if (typeof result === 'string') throw new Error('expected a structured result');
  return httpResponse(result.statusCode ?? 200, result.body ?? '');
}

/** The owner's sheet, set up, with cart-1001 (shopper@example.com) selected in the export tab. */
function ownerSheet() {
  const fakes = fakeServices(
    {
      Carts: [
        ['Cart ID', 'Email', 'Total'],
        ['cart-1001', 'Shopper@Example.com', 178.5],
      ],
    },
    NOW,
  );
  fakes.properties.setProperties({
    [PROPERTY.ownerActionUrl]: OWNER_URL,
    [PROPERTY.syncUrl]: SYNC_URL,
    [PROPERTY.ownerSecret]: SECRET,
  });
  fakes.spreadsheet.select('Carts', [2, 1]);
  return fakes;
}

describe('the menu against the engine owner endpoint', () => {
  async function engineWithCart() {
    const log = new RecordingLogger();
    const engine = memoryEngine({ rules: sampleRules(), start: NOW, log });
    await engine.carts.put(sampleCart(), 0);
    const ctx = { deps: engine.deps, nonces: new MemoryNonceStore(), secrets: [SECRET] };
    return { engine, ctx, log };
  }

  it('suppresses the selected cart: the engine accepts the Apps Script signature', async () => {
    // Prepare
    const { engine, ctx } = await engineWithCart();
    const sheet = ownerSheet();
    runCartAction(sheet.services, 'suppress');
    const [request] = sheet.urlFetch.sent;
    if (!request) throw new Error('the menu sent nothing');

    // Act
    const result = await handleOwnerAction(ctx, asFunctionUrlEvent(request));

    // Assess
    expect(result).toMatchObject({ statusCode: 200 });
    expect((await engine.carts.get('cart-1001'))?.status).toBe('suppressed');
    expect(engine.audit.entries).toContainEqual(
      expect.objectContaining({
        action: 'owner.suppress',
        actor: MENU_ACTOR,
        detail: { reason: MENU_REASON },
      }),
    );
    const answer = readAnswer(asHttpResponse(result));
    expect(targetResult('cart-1001', answer, { done: 'suppressed', unchanged: 'no change' })).toEqual({
      target: 'cart-1001',
      result: 'done',
      message: 'suppressed',
    });
  });

  it('unsubscribes the selected email', async () => {
    // Prepare
    const { engine, ctx } = await engineWithCart();
    const sheet = ownerSheet();
    runCartAction(sheet.services, 'unsubscribe');
    const [request] = sheet.urlFetch.sent;
    if (!request) throw new Error('the menu sent nothing');

    // Act
    const result = await handleOwnerAction(ctx, asFunctionUrlEvent(request));

    // Assess
    expect(result).toMatchObject({ statusCode: 200 });
    expect((await engine.contacts.get('shopper@example.com'))?.unsubscribedAt).toBe(NOW.toISOString());
    expect((await engine.carts.get('cart-1001'))?.status).not.toBe('open');
  });

  it('sends the owner a test of the selected cart: reminders 1 and 2, marked [Test], the cart untouched', async () => {
    // Prepare
    const { engine, ctx } = await engineWithCart();
    const before = await engine.carts.get('cart-1001');
    const sheet = ownerSheet();
    sheet.ui.promptAnswers.push({ text: 'owner@acme.example', button: 'OK' });
    sendTestReminder(sheet.services);
    const [request] = sheet.urlFetch.sent;
    if (!request) throw new Error('the menu sent nothing');

    // Act
    const result = await handleOwnerAction(ctx, asFunctionUrlEvent(request));
    // The owner endpoint queued both reminders; the sender sends them.
    for (let job = engine.queue.take(); job; job = engine.queue.take()) await sendJob(engine.deps, job);

    // Assess
    expect(result).toMatchObject({ statusCode: 200 });
    expect(engine.mailer.sent.map((e) => [e.to, e.subject])).toEqual([
      ['owner@acme.example', '[Test] Your cart at Acme Outfitters is saved'],
      ['owner@acme.example', '[Test] Still deciding? Your cart at Acme Outfitters is waiting'],
    ]);
    expect(await engine.carts.get('cart-1001')).toEqual(before);
    expect(engine.audit.entries.map((e) => [e.action, e.actor, e.cartId])).toEqual([
      ['reminder.test_sent', MENU_ACTOR, 'cart-1001'],
      ['reminder.test_sent', MENU_ACTOR, 'cart-1001'],
    ]);
    const answer = readAnswer(asHttpResponse(result));
    expect(answer.ok && answer.body.queued).toEqual([1, 2]);
  });

  it('tests with a sample cart when no cart is selected, sent to the store when no address is typed', async () => {
    // Prepare
    const { engine, ctx } = await engineWithCart();
    const sheet = ownerSheet();
    sheet.spreadsheet.select('Carts');
    sheet.ui.promptAnswers.push({ text: '', button: 'OK' });
    sendTestReminder(sheet.services);
    const [request] = sheet.urlFetch.sent;
    if (!request) throw new Error('the menu sent nothing');

    // Act
    const result = await handleOwnerAction(ctx, asFunctionUrlEvent(request));
    // The owner endpoint queued both reminders; the sender sends them.
    for (let job = engine.queue.take(); job; job = engine.queue.take()) await sendJob(engine.deps, job);

    // Assess
    expect(JSON.parse(request.params.payload)).not.toHaveProperty('cartId');
    expect(result).toMatchObject({ statusCode: 200 });
    expect(engine.mailer.sent.map((e) => e.to)).toEqual(['hello@acme.example', 'hello@acme.example']);
    expect(engine.mailer.sent[0]?.text).toContain('Merino wool beanie');
  });

  it('is refused when the menu holds another secret, and the menu explains why', async () => {
    // Prepare
    const { engine, ctx } = await engineWithCart();
    const sheet = ownerSheet();
    sheet.properties.setProperties({ [PROPERTY.ownerSecret]: 'an_old_secret_0123456789abcdef' });
    runCartAction(sheet.services, 'suppress');
    const [request] = sheet.urlFetch.sent;
    if (!request) throw new Error('the menu sent nothing');

    // Act
    const result = await handleOwnerAction(ctx, asFunctionUrlEvent(request));

    // Assess
    expect(result).toMatchObject({ statusCode: 401 });
    expect((await engine.carts.get('cart-1001'))?.status).toBe('open');
    expect(readAnswer(asHttpResponse(result)).ok).toBe(false);
    expect(readAnswer(asHttpResponse(result))).toMatchObject({
      message: expect.stringContaining('owner secret in Set up does not match'),
    });
  });

  it('cannot be replayed: the second delivery of the same request is refused', async () => {
    // Prepare
    const { engine, ctx } = await engineWithCart();
    const sheet = ownerSheet();
    runCartAction(sheet.services, 'write_off');
    const [request] = sheet.urlFetch.sent;
    if (!request) throw new Error('the menu sent nothing');
    await handleOwnerAction(ctx, asFunctionUrlEvent(request));

    // Act
    const replay = await handleOwnerAction(ctx, asFunctionUrlEvent(request));

    // Assess
    expect(replay).toMatchObject({ statusCode: 409 });
    expect((await engine.carts.get('cart-1001'))?.status).toBe('written_off');
  });
});

describe('"Sync rules now" against the sync endpoint', () => {
  let s3: S3rverPeer;

  beforeAll(async () => {
    s3 = await startS3rver({ buckets: ['rules'] });
  });

  afterAll(async () => {
    await s3?.stop();
  });

  it('syncs the Rules tab and shows the version the engine put in force', async () => {
    // Prepare
    const sheet = ownerSheet();
    sheet.urlFetch.respond = () => ({ status: 200, body: '{}' });
    syncRulesNow(sheet.services);
    const [request] = sheet.urlFetch.sent;
    if (!request) throw new Error('the menu sent nothing');
    const rulesTab = {
      readRules: async () => ({ rows: rulesToRows(sampleRules()).values, status: '' }),
      readStatus: async () => '',
      writeStatus: async () => {},
    };
    const ctx = {
      deps: {
        sheet: rulesTab,
        s3: s3.client,
        bucket: 'rules',
        clock: { now: () => NOW },
        log: new RecordingLogger(),
      },
      nonces: new MemoryNonceStore(),
      secrets: [SECRET],
    };

    // Act
    const result = (await handleSync(ctx, asFunctionUrlEvent(request))) as LambdaFunctionURLResult;
    const shown = fakeServices({ Carts: [] }, NOW);
    shown.properties.setProperties(Object.fromEntries(sheet.properties.values));
    shown.urlFetch.respond = () => {
      const response = asHttpResponse(result);
      return { status: response.getResponseCode(), body: response.getContentText() };
    };
    const outcome = syncRulesNow(shown.services);

    // Assess
    expect(result).toMatchObject({ statusCode: 200 });
    expect(outcome).toEqual({
      kind: 'synced',
      status: 'updated',
      version: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(shown.ui.dialogs[0]?.text).toMatch(
      /^Rules version [0-9a-f]{32} in force since 2026-06-10 16:00 UTC\.$/,
    );
  });
});
