import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeOutboxFiles } from '#engine/adapters/eml-outbox.js';
import { composeReminder } from '#engine/domain/reminder-message.js';
import type { OutgoingEmail } from '#engine/ports.js';
import { sampleCart, sampleRules } from '#test/fakes/sample-cart.js';

const UNSUBSCRIBE_URL =
  'https://acme.example/unsubscribe/AQx7ZmVk_long-token-value-0123456789abcdefghijklmnopqrstuvwxyz';

function sampleEmail(): OutgoingEmail {
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
    tags: { cartId: 'cart-1001', n: '1' },
  };
}

describe('writeOutboxFiles', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'eml-outbox-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes an .eml that parses back to the same subject, headers and parts', async () => {
    // Prepare
    const email = sampleEmail();
    const dir = join(root, 'nested', 'outbox');

    // Act
    const paths = await writeOutboxFiles(dir, 'cart-1001-r1', email);
    const parsed = await simpleParser(await readFile(paths.eml));

    // Assess
    expect(paths.eml).toBe(join(dir, 'cart-1001-r1.eml'));
    expect(parsed.subject).toBe(email.subject);
    expect(parsed.from?.value).toEqual([{ address: 'hello@acme.example', name: 'Acme Outfitters' }]);
    expect(parsed.to).toMatchObject({ value: [{ address: 'shopper@example.com' }] });
    expect(parsed.headers.get('list')).toEqual({
      unsubscribe: { url: UNSUBSCRIBE_URL },
      'unsubscribe-post': { name: 'List-Unsubscribe=One-Click' },
    });
    expect(parsed.headerLines).toContainEqual({
      key: 'list-unsubscribe-post',
      line: 'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    });
    expect(parsed.html).toBe(email.html);
    expect(parsed.text).toBe(email.text);
  });

  it('writes the HTML part beside it for a browser', async () => {
    // Prepare
    const email = sampleEmail();

    // Act
    const paths = await writeOutboxFiles(root, 'cart-1001-r1', email);

    // Assess
    expect(paths.html).toBe(join(root, 'cart-1001-r1.html'));
    expect(await readFile(paths.html, 'utf8')).toBe(email.html);
  });

  it('refuses a name that would write outside the directory', async () => {
    // Act and Assess
    await expect(writeOutboxFiles(root, '../escape', sampleEmail())).rejects.toThrow(RangeError);
    await expect(writeOutboxFiles(root, '..', sampleEmail())).rejects.toThrow(RangeError);
  });
});
