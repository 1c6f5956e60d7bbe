import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { OutgoingEmail } from '../ports.js';

/**
 * Writes an outgoing email into `dir` (created if missing) as `<name>.eml`, the full MIME message a
 * mail client opens, and `<name>.html`, its HTML part for a browser. Returns both paths.
 * @throws RangeError when `name` is not a plain file name.
 * @example await writeOutboxFiles('.data/outbox', 'cart-42-r1', email)
 */
export async function writeOutboxFiles(
  dir: string,
  name: string,
  email: OutgoingEmail,
): Promise<{ eml: string; html: string }> {
  if (name === '' || name === '.' || name === '..' || basename(name) !== name || name.includes('\\')) {
    throw new RangeError('the outbox file name must be a plain file name');
  }
  const message = await new MailComposer({
    from: { name: email.fromName, address: email.from },
    to: email.to,
    ...(email.replyTo ? { replyTo: email.replyTo } : {}),
    subject: email.subject,
    text: email.text,
    html: email.html,
    headers: email.headers,
  })
    .compile()
    .build();
  const paths = { eml: join(dir, `${name}.eml`), html: join(dir, `${name}.html`) };
  await mkdir(dir, { recursive: true });
  await Promise.all([writeFile(paths.eml, message), writeFile(paths.html, email.html, 'utf8')]);
  return paths;
}
