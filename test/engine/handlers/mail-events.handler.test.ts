import { beforeEach, describe, expect, it } from 'vitest';
import { type MemoryEngine, memoryEngine } from '#engine/adapters/memory/memory-engine.js';
import { emailHash } from '#engine/domain/email-hash.js';
import { handleMailEvent } from '#engine/handlers/mail-events.handler.js';
import bouncePermanent from '#test/events/ses/bounce-permanent.json' with { type: 'json' };
import bounceTransient from '#test/events/ses/bounce-transient.json' with { type: 'json' };
import complaint from '#test/events/ses/complaint.json' with { type: 'json' };
import { RecordingLogger } from '#test/fakes/recording-logger.js';
import { sampleRules } from '#test/fakes/sample-cart.js';
import { seedShopperCarts } from '#test/fakes/shopper-carts.js';

const NOW = new Date('2026-06-10T16:00:00Z');
const SHOPPER = 'shopper@example.com';

describe('handleMailEvent', () => {
  let engine: MemoryEngine;
  let log: RecordingLogger;

  const statuses = async () =>
    Promise.all(
      ['cart-1001', 'cart-1002', 'cart-other'].map(async (id) => (await engine.carts.get(id))?.status),
    );
  const mailEntries = () => engine.audit.entries.filter((e) => e.action.startsWith('mail.'));

  beforeEach(async () => {
    log = new RecordingLogger();
    engine = memoryEngine({ rules: sampleRules(), start: NOW, log });
    await seedShopperCarts(engine);
    engine.audit.entries.length = 0;
    log.calls.length = 0;
  });

  it('unsubscribes a permanently bounced address and closes its open carts', async () => {
    const outcome = await handleMailEvent(engine.deps, structuredClone(bouncePermanent));

    expect(outcome).toEqual({ kind: 'unsubscribed', count: 1 });
    expect(await statuses()).toEqual(['unsubscribed', 'unsubscribed', 'open']);
    expect(await engine.contacts.get(SHOPPER)).toMatchObject({
      unsubscribedAt: NOW.toISOString(),
      unsubscribedBy: 'ses',
      unsubscribeReason: 'permanent bounce (General)',
    });
    expect(mailEntries()).toEqual([
      expect.objectContaining({
        action: 'mail.bounce',
        actor: 'ses',
        emailHash: emailHash(SHOPPER),
        detail: { reason: 'permanent bounce (General)' },
      }),
    ]);
    expect(engine.scheduler.size).toBe(1);
    expect(JSON.stringify(engine.audit.entries)).not.toMatch(/shopper@example\.com/i);
  });

  it('unsubscribes an address that complained', async () => {
    const outcome = await handleMailEvent(engine.deps, structuredClone(complaint));

    expect(outcome).toEqual({ kind: 'unsubscribed', count: 1 });
    expect(await statuses()).toEqual(['unsubscribed', 'unsubscribed', 'open']);
    expect(mailEntries()).toEqual([
      expect.objectContaining({ action: 'mail.complaint', detail: { reason: 'complaint (abuse)' } }),
    ]);
    expect((await engine.contacts.get(SHOPPER))?.unsubscribeReason).toBe('complaint (abuse)');
  });

  it('audits a bounce delivered twice once', async () => {
    await handleMailEvent(engine.deps, structuredClone(bouncePermanent));

    const again = await handleMailEvent(engine.deps, structuredClone(bouncePermanent));

    expect(again).toEqual({ kind: 'unsubscribed', count: 1 });
    expect(mailEntries()).toHaveLength(1);
  });

  it('ignores a transient bounce (a full mailbox)', async () => {
    const outcome = await handleMailEvent(engine.deps, structuredClone(bounceTransient));

    expect(outcome).toEqual({ kind: 'ignored', count: 0 });
    expect(await statuses()).toEqual(['open', 'open', 'open']);
    expect(await engine.contacts.get(SHOPPER)).toBeUndefined();
    expect(engine.audit.entries).toEqual([]);
    expect(log.at('info')).toEqual([
      { level: 'info', message: 'transient bounce ignored', data: { bounceType: 'Transient' } },
    ]);
  });

  it('ignores an event that is not a bounce or a complaint, with a warning', async () => {
    const delivery = structuredClone(bouncePermanent) as { detail: Record<string, unknown> };
    delivery.detail = { eventType: 'Delivery', delivery: { recipients: ['Shopper@Example.com'] } };

    const outcome = await handleMailEvent(engine.deps, delivery);

    expect(outcome).toEqual({ kind: 'ignored', count: 0 });
    expect(await statuses()).toEqual(['open', 'open', 'open']);
    expect(log.at('warn')).toEqual([
      {
        level: 'warn',
        message: 'mail event ignored',
        data: { reason: 'not an SES bounce or complaint event' },
      },
    ]);
    expect(log.text()).not.toMatch(/shopper@example\.com/i);
  });
});
