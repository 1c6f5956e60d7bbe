import type { Mailer, OutgoingEmail } from '../../ports.js';

/** Collects sent emails (or hands them to `onSend`) and numbers them. */
export class MemoryMailer implements Mailer {
  readonly sent: (OutgoingEmail & { messageId: string })[] = [];
  #count = 0;
  constructor(
    private readonly onSend?: (email: OutgoingEmail, messageId: string) => void | Promise<void>,
    private readonly keep = true,
  ) {}

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const messageId = `local-${++this.#count}`;
    // Field by field: an email's bodies may be getters on its prototype, which a spread would miss.
    if (this.keep) {
      this.sent.push({
        to: email.to,
        from: email.from,
        fromName: email.fromName,
        subject: email.subject,
        text: email.text,
        html: email.html,
        headers: email.headers,
        tags: email.tags,
        messageId,
      });
    }
    await this.onSend?.(email, messageId);
    return { messageId };
  }
}
