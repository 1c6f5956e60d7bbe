import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatFromAddress, MailRejectedError, SesMailer, toTags } from '#engine/adapters/ses-mailer.js';
import { composeReminder } from '#engine/domain/reminder-message.js';
import type { OutgoingEmail } from '#engine/ports.js';
import { sampleCart, sampleRules } from '#test/fakes/sample-cart.js';
import { type SesLocalPeer, startSesLocal } from '#test/peers/ses-local.js';

const UNSUBSCRIBE_URL = 'https://acme.example/u/AQx7ZmVk_long-token-value-0123456789abcdef';

function sampleEmail(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  const message = composeReminder({
    cart: sampleCart(),
    n: 1,
    rules: sampleRules(),
    unsubscribeUrl: UNSUBSCRIBE_URL,
    now: new Date('2026-06-10T14:00:00Z'),
  });
  return {
    to: 'shopper@example.com',
    from: 'hello@acme.example',
    fromName: 'Acme Outfitters',
    // Field by field: a composed message's bodies and headers are getters on its prototype.
    subject: message.subject,
    text: message.text,
    html: message.html,
    headers: message.headers,
    tags: { cartId: 'cart-1001', reminder: '1' },
    ...overrides,
  };
}

/** An SES v2 endpoint that refuses every SendEmail the way SES does for an unverified identity. */
async function startRefusingSes(
  status: number,
  errorType: string,
): Promise<{ client: SESv2Client; stop(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-ErrorType': errorType });
      res.end(
        JSON.stringify({
          message:
            'Email address is not verified. The following identities failed the check in region US-EAST-1: shopper@example.com',
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new SESv2Client({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return {
    client,
    stop: async () => {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('SesMailer', () => {
  let ses: SesLocalPeer;

  beforeAll(async () => {
    ses = await startSesLocal();
  });

  afterAll(async () => {
    await ses.stop();
  });

  beforeEach(async () => {
    await ses.clear();
  });

  it('sends the subject, both bodies, the From name and the unsubscribe headers', async () => {
    // Prepare
    const email = sampleEmail();
    const mailer = new SesMailer({ client: ses.client, configurationSetName: 'cart-recovery' });

    // Act
    const { messageId } = await mailer.send(email);
    const stored = await ses.store();

    // Assess
    expect(stored).toHaveLength(1);
    const [received] = stored;
    expect(received).toMatchObject({
      messageId,
      from: '"Acme Outfitters" <hello@acme.example>',
      destination: { to: ['shopper@example.com'], cc: [], bcc: [] },
      subject: email.subject,
      body: { html: email.html, text: email.text },
    });
    expect(received?.headers).toEqual([
      { name: 'List-Unsubscribe', value: `<${UNSUBSCRIBE_URL}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ]);
    expect(mailer.requests).toEqual({ SendEmail: 1 });
  });

  it("sets the store's Reply-To when the email has one, and none otherwise", async () => {
    // Prepare
    const mailer = new SesMailer({ client: ses.client });

    // Act
    await mailer.send({ ...sampleEmail(), replyTo: 'help@acme.example' });
    await mailer.send(sampleEmail());
    const [withReply, without] = (await ses.store()) as { replyTo?: string[] }[];

    // Assess
    expect(withReply?.replyTo).toEqual(['help@acme.example']);
    expect(without?.replyTo ?? []).toEqual([]);
  });

  it('encodes a non-ASCII store name so mail clients show it as written', async () => {
    // Prepare
    const mailer = new SesMailer({ client: ses.client });

    // Act
    const { messageId } = await mailer.send(sampleEmail({ fromName: 'Café Zoë — Bäckerei & Söhne, Kraków' }));
    const response = await fetch(`${ses.endpoint}/get-emlContent?messageId=${messageId}`);
    const eml = (await response.json()) as { body: { data: number[] } };
    const parsed = await simpleParser(Buffer.from(eml.body.data));

    // Assess
    expect(parsed.from?.value).toEqual([
      { address: 'hello@acme.example', name: 'Café Zoë — Bäckerei & Söhne, Kraków' },
    ]);
  });

  it('calls onRequest once per send', async () => {
    // Prepare
    const seen: string[] = [];
    const mailer = new SesMailer({ client: ses.client, onRequest: (operation) => seen.push(operation) });

    // Act
    await mailer.send(sampleEmail());
    await mailer.send(sampleEmail({ to: 'other@example.com' }));

    // Assess
    expect(seen).toEqual(['SendEmail', 'SendEmail']);
    expect((await ses.store()).map((e) => e.destination.to)).toEqual([
      ['shopper@example.com'],
      ['other@example.com'],
    ]);
  });

  it('turns an SES refusal into a MailRejectedError that never names the recipient', async () => {
    // Prepare
    const refusing = await startRefusingSes(400, 'MessageRejected');
    const mailer = new SesMailer({ client: refusing.client });

    try {
      // Act
      const error = await mailer.send(sampleEmail()).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(MailRejectedError);
      const rejected = error as MailRejectedError;
      expect(rejected.name).toBe('MailRejectedError');
      expect(rejected.code).toBe('MessageRejected');
      expect(rejected.retryable).toBe(false);
      expect(rejected.message).not.toContain('shopper@example.com');
      expect((rejected.cause as Error).name).toBe('MessageRejected');
    } finally {
      await refusing.stop();
    }
  });

  it('marks throttling as retryable', async () => {
    // Prepare
    const refusing = await startRefusingSes(429, 'TooManyRequestsException');
    const mailer = new SesMailer({ client: refusing.client });

    try {
      // Act
      const error = await mailer.send(sampleEmail()).catch((e: unknown) => e);

      // Assess
      expect(error).toMatchObject({
        name: 'MailRejectedError',
        code: 'TooManyRequestsException',
        retryable: true,
      });
    } finally {
      await refusing.stop();
    }
  });
});

describe('formatFromAddress', () => {
  it('quotes a plain name and escapes quotes and backslashes in it', () => {
    expect(formatFromAddress('Acme "Outdoor" Co\\', 'hi@acme.example')).toBe(
      '"Acme \\"Outdoor\\" Co\\\\" <hi@acme.example>',
    );
  });

  it('drops line breaks that would start a new header', () => {
    expect(formatFromAddress('Acme\r\nBcc: evil@example.com', 'hi@acme.example')).toBe(
      '"Acme Bcc: evil@example.com" <hi@acme.example>',
    );
  });

  it('keeps each RFC 2047 encoded-word within 75 characters without splitting a character', () => {
    // Prepare
    const name = 'Ünïcödé '.repeat(12).trim();

    // Act
    const from = formatFromAddress(name, 'hi@acme.example');
    const words = from.replace(' <hi@acme.example>', '').split(' ');

    // Assess
    expect(words.length).toBeGreaterThan(1);
    for (const word of words) expect(word.length).toBeLessThanOrEqual(75);
    const decoded = words
      .map((w) => Buffer.from(w.slice('=?UTF-8?B?'.length, -2), 'base64').toString('utf8'))
      .join('');
    expect(decoded).toBe(name);
  });

  it('uses the bare address when there is no name', () => {
    expect(formatFromAddress('  ', 'hi@acme.example')).toBe('hi@acme.example');
  });
});

describe('toTags', () => {
  it('keeps only the characters SES accepts in tag names and values, and drops empty tags', () => {
    expect(toTags({ cartId: 'cart 1001/ä', 'reminder.n': '1', empty: '', long: 'x'.repeat(300) })).toEqual([
      { Name: 'cartId', Value: 'cart_1001__' },
      { Name: 'reminder_n', Value: '1' },
      { Name: 'long', Value: 'x'.repeat(256) },
    ]);
  });
});
